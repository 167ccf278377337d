"""Reading camt.053 / camt.054 bank statements, and the generator of realistic ones (no database needed)."""

from dataclasses import replace
from datetime import date, datetime, timedelta
from xml.etree.ElementTree import Element
from zoneinfo import ZoneInfo

import pytest
from defusedxml import ElementTree as SafeElementTree
from django.utils import translation
from hypothesis import given
from hypothesis import strategies as st

from vikno.payments.statements import Statement, StatementEntry, StatementError, parse
from vikno.payments.statements.camt import MAX_BYTES, format_amount, iban_is_valid, normalise_iban
from vikno.payments.statements.generate import (
    DEFAULT_PAYER_IBAN,
    TREASURY_NAME,
    Transfer,
    camt053,
    camt054,
    ukrainian_iban,
)

KYIV = ZoneInfo("Europe/Kyiv")
ACCOUNT = ukrainian_iban(account="35221201043113")
CREATED = datetime(2025, 3, 14, 18, 30, tzinfo=KYIV)
DAY = date(2025, 3, 14)
PASSPORT = "*;101;3012345678;Адміністративний збір за оформлення паспорта громадянина України у формі ID-картки;;;"
# Longer than one Ustrd line (140 characters): the generator breaks it between words, the parser joins them.
LONG = (
    "*;101;2987654321;Плата за надання адміністративної послуги з державної реєстрації народження дитини "
    "та видачу повторного свідоцтва про народження, заява № 2025-000123, Шевченко Тарас Григорович;;;"
)


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def ns(version: str, kind: str = "053") -> str:
    return f"urn:iso:std:iso:20022:tech:xsd:camt.{kind}.{version}"


def transfers() -> list[Transfer]:
    return [
        Transfer(
            amount=8500,
            remittance=PASSPORT,
            bank_reference="DKSU0314000001",
            booked_on=DAY,
            payer_code="3012345678",
            end_to_end_id="E2E-ID-CARD-1",
        ),
        Transfer(
            amount=123456789,
            remittance=LONG,
            bank_reference="DKSU0314000002",
            booked_on=DAY,
            payer_name='ТОВ "Ромашка"',
            payer_iban=ukrainian_iban(bank_code="300465", account="26003000012345"),
            payer_code="14360570",
            value_on=date(2025, 3, 13),
        ),
        Transfer(amount=1, remittance="  тест   копійки ", bank_reference="DKSU0314000003", booked_on=DAY),
        # A refund paid out, and a payment that came in and was sent back.
        Transfer(
            amount=8500, remittance="Повернення збору", bank_reference="DKSU0314000004", booked_on=DAY, is_credit=False
        ),
        Transfer(
            amount=4200,
            remittance="Повернення помилково зарахованого платежу",
            bank_reference="DKSU0314000005",
            booked_on=date(2025, 3, 15),
            is_credit=False,
            is_reversal=True,
            payer_code="3012345678",
        ),
    ]


def expected_entries(items: list[Transfer]) -> tuple[StatementEntry, ...]:
    """What the parser must read back from a generated file, written out field by field."""
    return tuple(
        StatementEntry(
            account_iban=ACCOUNT,
            bank_reference=t.bank_reference,
            booked_on=t.booked_on,
            value_on=t.value_on or t.booked_on,
            amount=t.amount,
            currency="UAH",
            is_credit=t.is_credit,
            is_reversal=t.is_reversal,
            status=t.status,
            remittance=" ".join(t.remittance.split()),
            end_to_end_id=t.end_to_end_id,
            payer_name=t.payer_name if t.is_credit != t.is_reversal else "",
            payer_iban=t.payer_iban if t.is_credit != t.is_reversal else "",
            payer_code=t.payer_code if t.is_credit != t.is_reversal else "",
        )
        for t in items
    )


# --- Round trips ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("version", ["001.02", "001.08"])
def test_camt053_round_trip_keeps_every_field(version):
    data = camt053(
        account_iban=ACCOUNT, transfers=transfers(), statement_id="STMT-20250314", created_at=CREATED, version=version
    )

    [statement] = parse(data)

    assert statement == Statement(
        kind="camt.053",
        message_id="DKSU20250314183000-STMT-20250314",
        statement_id="STMT-20250314",
        created_at=CREATED,
        account_iban=ACCOUNT,
        currency="UAH",
        entries=expected_entries(transfers()),
    )
    assert statement.created_at.utcoffset() == timedelta(hours=2)
    first, second, third, refund, reversal = statement.entries
    # Spelled out once, so that a bug shared by the generator and the expectation above cannot hide.
    assert first == StatementEntry(
        account_iban=ACCOUNT,
        bank_reference="DKSU0314000001",
        booked_on=DAY,
        value_on=DAY,
        amount=8500,
        currency="UAH",
        is_credit=True,
        is_reversal=False,
        status="BOOK",
        remittance=PASSPORT,
        end_to_end_id="E2E-ID-CARD-1",
        payer_name="Коваленко Олена Петрівна",
        payer_iban=DEFAULT_PAYER_IBAN,
        payer_code="3012345678",
    )
    assert (second.amount, second.payer_name, second.payer_code, second.value_on) == (
        123456789,
        'ТОВ "Ромашка"',
        "14360570",
        date(2025, 3, 13),
    )
    assert second.remittance == LONG
    assert (third.amount, third.remittance) == (1, "тест копійки")
    assert (refund.is_credit, refund.is_reversal, refund.payer_name, refund.payer_iban) == (False, False, "", "")
    assert (reversal.is_credit, reversal.is_reversal, reversal.payer_name, reversal.payer_code) == (
        False,
        True,
        "Коваленко Олена Петрівна",
        "3012345678",
    )


@pytest.mark.parametrize("version", ["001.02", "001.08"])
def test_camt054_round_trip_keeps_every_field(version):
    items = [
        *transfers(),
        Transfer(amount=20000, remittance="Очікує", bank_reference="PDNG-1", booked_on=DAY, status="PDNG"),
    ]
    data = camt054(
        account_iban=ACCOUNT, transfers=items, notification_id="NTF-0001", created_at=CREATED, version=version
    )

    [notification] = parse(data)

    assert notification == Statement(
        kind="camt.054",
        message_id="DKSU20250314183000-NTF-0001",
        statement_id="NTF-0001",
        created_at=CREATED,
        account_iban=ACCOUNT,
        currency="UAH",
        entries=expected_entries(items),
    )
    assert notification.entries[-1].status == "PDNG"


@pytest.mark.parametrize("version", [f"001.0{n}" for n in range(2, 9)])
@pytest.mark.parametrize("writer", ["053", "054"])
def test_every_supported_version_round_trips(version, writer):
    items = transfers()
    if writer == "053":
        data = camt053(account_iban=ACCOUNT, transfers=items, statement_id="S", created_at=CREATED, version=version)
    else:
        data = camt054(account_iban=ACCOUNT, transfers=items, notification_id="N", created_at=CREATED, version=version)
    assert parse(data)[0].entries == expected_entries(items)


@given(
    amount=st.one_of(st.integers(min_value=1, max_value=10**16 - 1), st.sampled_from([1, 100, 8500, 2**53 + 1])),
    version=st.sampled_from(["001.02", "001.05", "001.08"]),
)
def test_amounts_round_trip_exactly(amount, version):
    data = camt053(
        account_iban=ACCOUNT,
        transfers=[Transfer(amount=amount, remittance="x", bank_reference="R1", booked_on=DAY)],
        statement_id="S",
        created_at=CREATED,
        version=version,
    )
    [entry] = parse(data)[0].entries
    assert entry.amount == amount
    assert f'<Amt Ccy="UAH">{amount // 100}.{amount % 100:02d}</Amt>'.encode() in data


# --- Batches ---------------------------------------------------------------------------------------------------


def test_batch_entry_is_split_into_its_transactions():
    items = [
        Transfer(amount=8500, remittance="перший", bank_reference="T1", booked_on=DAY),
        Transfer(amount=17000, remittance="другий", bank_reference="T2", booked_on=DAY),
        Transfer(amount=1, remittance="інший день", bank_reference="T3", booked_on=date(2025, 3, 15)),
        Transfer(amount=34, remittance="третій", bank_reference="T4", booked_on=DAY),
    ]
    data = camt053(account_iban=ACCOUNT, transfers=items, statement_id="S", created_at=CREATED, batch=True)

    entries = parse(data)[0].entries

    assert [(e.bank_reference, e.amount, e.remittance, e.booked_on) for e in entries] == [
        ("T1", 8500, "перший", DAY),
        ("T2", 17000, "другий", DAY),
        ("T4", 34, "третій", DAY),
        ("T3", 1, "інший день", date(2025, 3, 15)),
    ]
    document = SafeElementTree.fromstring(data)
    q = "{" + ns("001.08") + "}"
    ntries = document.findall(f".//{q}Ntry")
    assert [n.findtext(f"{q}Amt") for n in ntries] == ["255.34", "0.01"]
    assert [len(n.findall(f"{q}NtryDtls/{q}TxDtls")) for n in ntries] == [3, 1]
    assert ntries[0].findtext(f"{q}NtryDtls/{q}Btch/{q}NbOfTxs") == "3"
    assert ntries[0].findtext(f"{q}NtryDtls/{q}Btch/{q}TtlAmt") == "255.34"


def test_batch_transactions_without_their_own_reference_number_the_entry_reference():
    details = "".join(
        f"<TxDtls><Amt Ccy='UAH'>{amount}</Amt><CdtDbtInd>CRDT</CdtDbtInd>"
        f"<RmtInf><Ustrd>{text}</Ustrd></RmtInf></TxDtls>"
        for amount, text in (("60.00", "a"), ("40.00", "b"))
    )
    data = minimal(entry("100.00", details=f"<NtryDtls>{details}</NtryDtls>", reference="BATCH-7"))

    entries = parse(data)[0].entries

    assert [(e.bank_reference, e.amount, e.remittance) for e in entries] == [
        ("BATCH-7/1", 6000, "a"),
        ("BATCH-7/2", 4000, "b"),
    ]


# --- Reading what generated files do not contain -----------------------------------------------------------------


NS08 = ns("001.08")


def minimal(
    *entries: str, namespace: str = NS08, iban: str = ACCOUNT, account_extra: str = "", notification: bool = False
) -> bytes:
    """A bare statement, as some banks send them: only the mandatory elements and the entries given."""
    message, block = ("BkToCstmrDbtCdtNtfctn", "Ntfctn") if notification else ("BkToCstmrStmt", "Stmt")
    return (
        f'<?xml version="1.0" encoding="UTF-8"?>\n<Document xmlns="{namespace}"><{message}>'
        "<GrpHdr><MsgId>MSG-1</MsgId><CreDtTm>2025-03-14T18:30:00</CreDtTm></GrpHdr>"
        f"<{block}><Id>S-1</Id><CreDtTm>2025-03-14T18:30:00</CreDtTm>"
        f"<Acct><Id><IBAN>{iban}</IBAN></Id>{account_extra}</Acct>{''.join(entries)}</{block}>"
        f"</{message}></Document>"
    ).encode()


def entry(
    amount: str = "85.00",
    *,
    reference: str | None = "R-1",
    details: str = "",
    status: str = "<Sts><Cd>BOOK</Cd></Sts>",
    booking: str = "<BookgDt><Dt>2025-03-14</Dt></BookgDt>",
    direction: str = "CRDT",
    extra: str = "",
) -> str:
    own_reference = f"<AcctSvcrRef>{reference}</AcctSvcrRef>" if reference else ""
    return (
        f"<Ntry><Amt Ccy='UAH'>{amount}</Amt><CdtDbtInd>{direction}</CdtDbtInd>{extra}{status}{booking}"
        f"{own_reference}{details}</Ntry>"
    )


def test_single_transaction_entry_without_details_uses_the_entry_amount_and_reference():
    [statement] = parse(minimal(entry("85")))

    assert statement.message_id == "MSG-1"
    assert statement.created_at == datetime(2025, 3, 14, 18, 30, tzinfo=KYIV)  # no offset: Kyiv time
    assert statement.currency == "UAH"  # no Acct/Ccy: the entries' currency
    assert statement.entries == (
        StatementEntry(
            account_iban=ACCOUNT,
            bank_reference="R-1",
            booked_on=DAY,
            value_on=None,
            amount=8500,
            currency="UAH",
            is_credit=True,
            is_reversal=False,
            status="BOOK",
            remittance="",
            end_to_end_id="",
            payer_name="",
            payer_iban="",
            payer_code="",
        ),
    )


def test_windows_1251_file_is_read():
    details = "<NtryDtls><TxDtls><RmtInf><Ustrd>Адміністративний збір: ґ, і, ї, є</Ustrd></RmtInf></TxDtls></NtryDtls>"
    text = minimal(entry(details=details)).decode().replace('encoding="UTF-8"', 'encoding="windows-1251"')
    assert parse(text.encode("cp1251"))[0].entries[0].remittance == "Адміністративний збір: ґ, і, ї, є"


@pytest.mark.parametrize(("text", "kopiyky"), [("0.01", 1), ("1234567.89", 123456789), ("85", 8500), ("85.5", 8550)])
def test_amounts_are_exact_in_kopiyky(text, kopiyky):
    assert parse(minimal(entry(text)))[0].entries[0].amount == kopiyky


def test_older_forms_and_structured_references_are_read():
    details = (
        "<NtryDtls><TxDtls><Refs><AcctSvcrRef>TX-9</AcctSvcrRef><EndToEndId>NOTPROVIDED</EndToEndId></Refs>"
        "<AmtDtls><TxAmt><Amt Ccy='UAH'>12.30</Amt></TxAmt></AmtDtls>"
        "<RltdPties><Dbtr><Nm>Іваненко Іван</Nm><Id><PrvtId><Othr><Id>2222222222</Id></Othr></PrvtId></Id></Dbtr>"
        "<DbtrAcct><Id><IBAN>ua00 1234 bad</IBAN></Id></DbtrAcct></RltdPties>"
        "<RmtInf><Ustrd>Сплата\n  збору</Ustrd><Ustrd>за   послугу</Ustrd>"
        "<Strd><CdtrRefInf><Ref>RF18539007547034</Ref></CdtrRefInf></Strd></RmtInf></TxDtls></NtryDtls>"
    )
    data = minimal(
        entry(
            "12.30",
            details=details,
            status="<Sts>INFO</Sts>",
            booking="<BookgDt><DtTm>2025-03-14T23:30:00+02:00</DtTm></BookgDt><ValDt><Dt>2025-03-17</Dt></ValDt>",
            direction="CRDT",
        ),
        namespace=ns("001.02", "054"),
        iban=" ".join([ACCOUNT[i : i + 4] for i in range(0, len(ACCOUNT), 4)]).lower(),
        account_extra="<Ccy>UAH</Ccy>",
        notification=True,
    )

    [notification] = parse(data)

    assert (notification.kind, notification.account_iban) == ("camt.054", ACCOUNT)
    [one] = notification.entries
    assert one == StatementEntry(
        account_iban=ACCOUNT,
        bank_reference="TX-9",
        booked_on=DAY,  # the date of the DtTm as written, not converted to another offset
        value_on=date(2025, 3, 17),
        amount=1230,
        currency="UAH",
        is_credit=True,
        is_reversal=False,
        status="INFO",
        remittance="Сплата збору за послугу RF18539007547034",
        end_to_end_id="",
        payer_name="Іваненко Іван",
        payer_iban="UA001234BAD",  # a bad payer IBAN is kept (normalised), the file is not refused for it
        payer_code="2222222222",
    )


def test_reversal_indicator_and_organisation_code_in_the_newer_party_form():
    details = (
        "<NtryDtls><TxDtls><Refs><EndToEndId>E2E-7</EndToEndId></Refs>"
        "<RltdPties><Dbtr><Pty><Nm>ТОВ Ромашка</Nm><Id><OrgId><Othr><Id>14360570</Id></Othr></OrgId></Id></Pty></Dbtr>"
        f"<DbtrAcct><Id><IBAN>{DEFAULT_PAYER_IBAN}</IBAN></Id></DbtrAcct></RltdPties></TxDtls></NtryDtls>"
    )
    [one] = parse(minimal(entry("10.00", details=details, direction="DBIT", extra="<RvslInd>true</RvslInd>")))[
        0
    ].entries

    assert (one.is_credit, one.is_reversal, one.bank_reference, one.end_to_end_id) == (False, True, "R-1", "E2E-7")
    assert (one.payer_name, one.payer_iban, one.payer_code) == ("ТОВ Ромашка", DEFAULT_PAYER_IBAN, "14360570")


def test_several_statement_blocks_become_several_statements():
    other_account = ukrainian_iban(account="35229201043113")
    first = camt053(account_iban=ACCOUNT, transfers=transfers()[:2], statement_id="S-A", created_at=CREATED)
    second = camt053(account_iban=other_account, transfers=transfers()[2:], statement_id="S-B", created_at=CREATED)
    data = merge_statements(first, second)

    statements = parse(data)

    assert [(s.statement_id, s.account_iban, len(s.entries)) for s in statements] == [
        ("S-A", ACCOUNT, 2),
        ("S-B", other_account, 3),
    ]
    assert statements[0].entries == expected_entries(transfers()[:2])
    assert statements[1].entries == tuple(
        replace(e, account_iban=other_account) for e in expected_entries(transfers()[2:])
    )
    assert {s.message_id for s in statements} == {"DKSU20250314183000-S-A"}


def merge_statements(first: bytes, second: bytes) -> bytes:
    """The Stmt of the second file appended to the first file's message."""
    start, end = second.index(b"<Stmt>"), second.index(b"</Stmt>") + len(b"</Stmt>")
    return first.replace(b"</BkToCstmrStmt>", second[start:end] + b"</BkToCstmrStmt>")


def test_entries_are_numbered_through_the_whole_file():
    first = camt053(account_iban=ACCOUNT, transfers=transfers()[:2], statement_id="S-A", created_at=CREATED)
    second = camt053(account_iban=ACCOUNT, transfers=transfers()[2:3], statement_id="S-B", created_at=CREATED)
    broken = merge_statements(first, second.replace(b"<AcctSvcrRef>DKSU0314000003</AcctSvcrRef>", b""))

    with pytest.raises(StatementError) as refused:
        parse(broken)
    assert str(refused.value) == "Entry 3 has no bank reference."


# --- Refusals --------------------------------------------------------------------------------------------------


BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.08"><BkToCstmrStmt><GrpHdr>
<MsgId>&lol9;</MsgId></GrpHdr></BkToCstmrStmt></Document>"""

EXTERNAL_ENTITY = b"""<?xml version="1.0"?>
<!DOCTYPE Document [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.08"><BkToCstmrStmt><GrpHdr>
<MsgId>&xxe;</MsgId></GrpHdr></BkToCstmrStmt></Document>"""

NOT_A_STATEMENT = "This file is not a camt.053 or camt.054 bank statement."
DECLARES_ENTITIES = "This file declares a document type or entities, which bank statements never do; it was not read."


def refusal(data: bytes) -> str:
    with pytest.raises(StatementError) as refused:
        parse(data)
    return str(refused.value)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "The file is empty."),
        (b" \n\t ", "The file is empty."),
        (
            b"%PDF-1.7\n%\xe2\xe3\xcf\xd3",
            "This file is not XML, so it cannot be a camt.053 or camt.054 bank statement.",
        ),
        (
            b"<Document><unclosed></Document>",
            "This file is not XML, so it cannot be a camt.053 or camt.054 bank statement.",
        ),
        (
            b'<?xml version="1.0" encoding="x-no-such-encoding"?><Document/>',
            "This file is not XML, so it cannot be a camt.053 or camt.054 bank statement.",
        ),
        (BILLION_LAUGHS, DECLARES_ENTITIES),
        (EXTERNAL_ENTITY, DECLARES_ENTITIES),
        (b'<!DOCTYPE html><html lang="uk"></html>', DECLARES_ENTITIES),
        ("<html><body>Виписка</body></html>".encode(), NOT_A_STATEMENT),
        (minimal(entry(), namespace="urn:iso:std:iso:20022:tech:xsd:pain.001.001.03"), NOT_A_STATEMENT),
        (minimal(entry(), namespace="urn:iso:std:iso:20022:tech:xsd:camt.052.001.08"), NOT_A_STATEMENT),
        (minimal(entry(), namespace=""), NOT_A_STATEMENT),
        (minimal(entry()).replace(b"BkToCstmrStmt", b"BkToCstmrDbtCdtNtfctn"), NOT_A_STATEMENT),
        (
            minimal(entry(), namespace=ns("001.09")),
            "This camt.053 file is of version 001.09; only versions 001.02 to 001.08 can be read.",
        ),
        (
            minimal(entry(), namespace=ns("001.01", "054")),
            "This camt.054 file is of version 001.01; only versions 001.02 to 001.08 can be read.",
        ),
    ],
)
def test_files_that_are_not_statements_are_refused(data, message):
    assert refusal(data) == message


def test_external_entity_is_not_resolved():
    message = refusal(EXTERNAL_ENTITY)
    assert "root:" not in message and "passwd" not in message


def test_too_large_file_is_refused_before_reading():
    data = minimal(entry()).replace(b"<Stmt>", b"<!--" + b" " * MAX_BYTES + b"--><Stmt>")
    assert refusal(data) == "The file is too large: a bank statement may be at most 20 MB."
    # Just under the limit it is read.
    fits = minimal(entry()).replace(b"<Stmt>", b"<!--" + b" " * (MAX_BYTES - 2000) + b"--><Stmt>")
    assert len(fits) <= MAX_BYTES
    assert parse(fits)[0].entries[0].amount == 8500


@pytest.mark.parametrize(
    ("amount", "message"),
    [
        ("12.345", "Entry 3 has an amount with more than two decimals: 12.345."),
        ("0.001", "Entry 3 has an amount with more than two decimals: 0.001."),
        ("-5.00", "Entry 3 has an amount that is not above zero: -5.00."),
        ("0.00", "Entry 3 has an amount that is not above zero: 0.00."),
        ("0", "Entry 3 has an amount that is not above zero: 0."),
        ("12,50", "Entry 3 has an amount that is not a number: 12,50."),
        ("1e3", "Entry 3 has an amount that is not a number: 1e3."),
        ("NaN", "Entry 3 has an amount that is not a number: NaN."),
        ("٨٥.٠٠", "Entry 3 has an amount that is not a number: ٨٥.٠٠."),  # Arabic-Indic digits, which Decimal takes
        ("", "Entry 3 has an amount that is not a number: ."),
        ("12345678901234567.00", "Entry 3 has an amount that is too large: 12345678901234567.00."),
    ],
)
def test_wrong_amounts_are_refused_naming_the_entry(amount, message):
    data = minimal(entry("1.00", reference="A"), entry("2.00", reference="B"), entry(amount, reference="C"))
    assert refusal(data) == message


def test_trailing_zeros_are_not_extra_decimals():
    assert parse(minimal(entry("12.340")))[0].entries[0].amount == 1234


def test_missing_bank_reference_is_refused():
    data = minimal(entry("1.00"), entry("2.00", reference=None))
    assert refusal(data) == "Entry 2 has no bank reference."


def test_batch_whose_transactions_do_not_add_up_is_refused():
    details = "".join(
        f"<TxDtls><Refs><AcctSvcrRef>T{n}</AcctSvcrRef></Refs><Amt Ccy='UAH'>{amount}</Amt>"
        "<CdtDbtInd>CRDT</CdtDbtInd></TxDtls>"
        for n, amount in ((1, "60.00"), (2, "30.00"))
    )
    data = minimal(entry("100.00", details=f"<NtryDtls>{details}</NtryDtls>"))
    assert refusal(data) == "The transactions of entry 1 add up to 90.00, not to the entry's amount of 100.00."


def test_batch_transaction_without_an_amount_is_refused():
    details = "<TxDtls><Amt Ccy='UAH'>60.00</Amt></TxDtls><TxDtls><Refs><AcctSvcrRef>T2</AcctSvcrRef></Refs></TxDtls>"
    data = minimal(entry("100.00", details=f"<NtryDtls>{details}</NtryDtls>"))
    assert refusal(data) == "Entry 1 has a transaction without an amount."


def test_bad_account_iban_is_refused():
    wrong = ACCOUNT[:-1] + str((int(ACCOUNT[-1]) + 1) % 10)
    data = camt053(account_iban=ACCOUNT, transfers=transfers(), statement_id="S", created_at=CREATED)
    assert refusal(data.replace(ACCOUNT.encode(), wrong.encode())) == (
        f"The account {wrong} of statement 1 is not a valid IBAN."
    )
    assert refusal(minimal(entry(), iban="")) == "Statement 1 has no account IBAN."


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (minimal(entry(status="")), "Entry 1 has no status."),
        (minimal(entry(status="<Sts><Cd>FUTR</Cd></Sts>")), "Entry 1 has an unknown status: FUTR."),
        (minimal(entry(booking="")), "Entry 1 has no booking date."),
        (
            minimal(entry(booking="<BookgDt><Dt>2025-02-30</Dt></BookgDt>")),
            "Entry 1 has a date that is not valid: 2025-02-30.",
        ),
        (minimal(entry(direction="BOTH")), "Entry 1 is marked neither as a credit nor as a debit."),
        (minimal(entry().replace("Ccy='UAH'", "Ccy='грн'")), "Entry 1 has no valid currency code: грн."),
        (minimal(entry().replace("<Amt Ccy='UAH'>85.00</Amt>", "")), "Entry 1 has no amount."),
        (
            minimal(entry()).replace(b"<MsgId>MSG-1</MsgId>", b""),
            "The file has no message identification (GrpHdr/MsgId).",
        ),
        (
            minimal(entry()).replace(b"2025-03-14T18:30:00</CreDtTm></GrpHdr>", "вчора</CreDtTm></GrpHdr>".encode()),
            "The file's creation time is not a valid date and time: вчора.",
        ),
        (minimal(entry()).replace(b"<Id>S-1</Id>", b""), "Statement 1 in the file has no identification."),
        (
            minimal(entry()).split(b"<Stmt>")[0] + b"</BkToCstmrStmt></Document>",
            "The file holds no statement or notification.",
        ),
        (
            minimal(
                entry(
                    "10.00",
                    details="<NtryDtls><TxDtls><Amt Ccy='EUR'>10.00</Amt></TxDtls></NtryDtls>",
                )
            ),
            "Entry 1 has a transaction in EUR, but the entry is in UAH.",
        ),
    ],
)
def test_other_defects_are_refused_with_their_reason(data, message):
    assert refusal(data) == message


# --- The generator writes what each version's schema has ---------------------------------------------------------


def elements(data: bytes, version: str, kind: str = "053") -> tuple[Element, str]:
    return SafeElementTree.fromstring(data), "{" + ns(version, kind) + "}"


@pytest.mark.parametrize(
    ("version", "status_choice", "party_choice", "detail_amount", "net_entry"),
    [
        ("001.02", False, False, False, False),
        ("001.03", False, False, False, False),
        ("001.04", False, False, True, True),
        ("001.06", False, False, True, True),
        ("001.07", True, True, True, True),
        ("001.08", True, True, True, True),
    ],
)
def test_generator_follows_each_version(version, status_choice, party_choice, detail_amount, net_entry):
    data = camt053(
        account_iban=ACCOUNT, transfers=transfers()[:1], statement_id="S", created_at=CREATED, version=version
    )
    root, q = elements(data, version)
    ntry = root.find(f".//{q}Ntry")
    detail = ntry.find(f"{q}NtryDtls/{q}TxDtls")

    assert (ntry.find(f"{q}Sts/{q}Cd") is not None) is status_choice
    assert (ntry.findtext(f"{q}Sts") == "BOOK") is not status_choice
    assert (detail.find(f"{q}RltdPties/{q}Dbtr/{q}Pty/{q}Nm") is not None) is party_choice
    assert (detail.find(f"{q}RltdPties/{q}Dbtr/{q}Nm") is not None) is not party_choice
    assert (detail.find(f"{q}Amt") is not None) is detail_amount
    assert detail.findtext(f"{q}AmtDtls/{q}TxAmt/{q}Amt") == "85.00"
    totals = root.find(f".//{q}TxsSummry/{q}TtlNtries")
    assert (totals.find(f"{q}TtlNetNtry/{q}Amt") is not None) is net_entry
    assert (totals.find(f"{q}TtlNetNtryAmt") is not None) is not net_entry


def test_generated_statement_has_header_account_balances_and_summary():
    data = camt053(
        account_iban=ACCOUNT, transfers=transfers(), statement_id="S-1", created_at=CREATED, opening_balance=-1000
    )
    root, q = elements(data, "001.08")
    header = root.find(f"{q}BkToCstmrStmt/{q}GrpHdr")
    statement = root.find(f"{q}BkToCstmrStmt/{q}Stmt")

    assert data.startswith(b'<?xml version="1.0" encoding="UTF-8"?>\n<Document xmlns="' + NS08.encode() + b'">')
    assert header.findtext(f"{q}CreDtTm") == "2025-03-14T18:30:00+02:00"
    assert (header.findtext(f"{q}MsgPgntn/{q}PgNb"), header.findtext(f"{q}MsgPgntn/{q}LastPgInd")) == ("1", "true")
    assert statement.findtext(f"{q}ElctrncSeqNb") == "73"  # the 73rd day of 2025
    assert statement.findtext(f"{q}FrToDt/{q}FrDtTm") == "2025-03-14T00:00:00+02:00"
    assert statement.findtext(f"{q}FrToDt/{q}ToDtTm") == "2025-03-15T23:59:59+02:00"
    assert statement.findtext(f"{q}Acct/{q}Ccy") == "UAH"
    assert (
        statement.findtext(f"{q}Acct/{q}Svcr/{q}FinInstnId/{q}Nm")
        == TREASURY_NAME
        == ("Державна казначейська служба України")
    )
    assert statement.findtext(f"{q}Acct/{q}Svcr/{q}FinInstnId/{q}ClrSysMmbId/{q}MmbId") == "820172"
    balances = {
        b.findtext(f"{q}Tp/{q}CdOrPrtry/{q}Cd"): (
            b.findtext(f"{q}Amt"),
            b.findtext(f"{q}CdtDbtInd"),
            b.findtext(f"{q}Dt/{q}Dt"),
        )
        for b in statement.findall(f"{q}Bal")
    }
    # -10.00 + 85.00 + 1 234 567.89 + 0.01 - 85.00 - 42.00 = 1 234 515.90
    assert balances == {
        "OPBD": ("10.00", "DBIT", "2025-03-14"),
        "CLBD": ("1234515.90", "CRDT", "2025-03-15"),
    }
    summary = statement.find(f"{q}TxsSummry")
    assert summary.findtext(f"{q}TtlNtries/{q}NbOfNtries") == "5"
    assert summary.findtext(f"{q}TtlNtries/{q}Sum") == "1234779.90"
    assert summary.findtext(f"{q}TtlNtries/{q}TtlNetNtry/{q}Amt") == "1234525.90"
    assert summary.findtext(f"{q}TtlCdtNtries/{q}NbOfNtries") == "3"
    assert summary.findtext(f"{q}TtlCdtNtries/{q}Sum") == "1234652.90"
    assert summary.findtext(f"{q}TtlDbtNtries/{q}NbOfNtries") == "2"
    assert summary.findtext(f"{q}TtlDbtNtries/{q}Sum") == "127.00"
    ntry = statement.find(f"{q}Ntry")
    assert ntry.findtext(f"{q}BkTxCd/{q}Domn/{q}Cd") == "PMNT"
    assert ntry.findtext(f"{q}BkTxCd/{q}Domn/{q}Fmly/{q}Cd") == "RCDT"
    assert ntry.findtext(f"{q}NtryDtls/{q}TxDtls/{q}Refs/{q}EndToEndId") == "E2E-ID-CARD-1"
    # The long remittance is split into lines of at most 140 characters.
    lines = [e.text for e in statement.findall(f".//{q}Ustrd")]
    assert all(len(line) <= 140 for line in lines)
    assert len(lines) == 6


def test_generated_notification_has_no_balances():
    data = camt054(account_iban=ACCOUNT, transfers=transfers(), notification_id="N-1", created_at=CREATED)
    root, q = elements(data, "001.08", "054")
    notification = root.find(f"{q}BkToCstmrDbtCdtNtfctn/{q}Ntfctn")
    assert notification.findtext(f"{q}Id") == "N-1"
    assert notification.findall(f"{q}Bal") == []
    assert len(notification.findall(f"{q}Ntry")) == 5


def test_generator_refuses_what_a_bank_would_not_write():
    with pytest.raises(ValueError):
        Transfer(amount=0, remittance="", bank_reference="R", booked_on=DAY)
    with pytest.raises(ValueError):
        Transfer(amount=True, remittance="", bank_reference="R", booked_on=DAY)
    with pytest.raises(ValueError):
        Transfer(amount=1, remittance="", bank_reference="", booked_on=DAY)
    with pytest.raises(ValueError):
        camt053(account_iban="UA00", transfers=[], statement_id="S", created_at=CREATED)
    with pytest.raises(ValueError):
        camt053(account_iban=ACCOUNT, transfers=[], statement_id="S", created_at=CREATED, version="001.09")
    with pytest.raises(ValueError):
        camt053(account_iban=ACCOUNT, transfers=[], statement_id="S", created_at=datetime(2025, 3, 14, 18, 30))


def test_empty_statement_still_has_balances():
    [statement] = parse(
        camt053(account_iban=ACCOUNT, transfers=[], statement_id="S", created_at=CREATED, opening_balance=500)
    )
    assert (statement.entries, statement.currency) == ((), "UAH")


# --- IBANs -----------------------------------------------------------------------------------------------------


def independent_mod97(iban: str) -> int:
    """ISO 7064 MOD 97-10 computed piecewise, seven digits at a time (not how the module does it)."""
    rearranged = iban[4:] + iban[:4]
    digits = "".join(str(ord(char) - ord("A") + 10) if char.isalpha() else char for char in rearranged)
    remainder = 0
    for start in range(0, len(digits), 7):
        remainder = int(f"{remainder}{digits[start : start + 7]}") % 97
    return remainder


@pytest.mark.parametrize(
    "iban",
    [
        "GB82WEST12345698765432",  # the classic example of ISO 13616
        "DE89370400440532013000",
        "UA213223130000026007233566001",  # the registry's example for Ukraine
        "gb82 west 1234 5698 7654 32",  # as people write it
    ],
)
def test_valid_ibans(iban):
    assert iban_is_valid(iban)
    assert independent_mod97(normalise_iban(iban)) == 1


@pytest.mark.parametrize(
    "iban",
    [
        "GB82WEST12345698765433",  # last digit changed
        "GB83WEST12345698765432",  # check digit changed
        "DE89370400440532013001",
        "UA213223130000026007233566002",
        "UA21322313000002600723356600",  # 28 characters
        "UA2132231300000260072335660011",  # 30
        "UA21322313000002600723356600A",  # a letter in a Ukrainian account
        "UA21322313000002600723356600١",  # a digit, but not an ASCII one
        "GB00WEST12345698765432",
        "",
        "UA",
        "1234567890123456",
    ],
)
def test_invalid_ibans(iban):
    assert not iban_is_valid(iban)


def test_normalise_iban():
    assert normalise_iban(" ua21 3223\u00a01300 0002 6007 2335 6600 1\n") == "UA213223130000026007233566001"


def test_ukrainian_iban_pads_the_account_and_computes_check_digits():
    assert ukrainian_iban(bank_code="322313", account="26007233566001") == "UA213223130000026007233566001"
    iban = ukrainian_iban(account="1")
    assert (len(iban), iban[4:]) == (29, "8201720000000000000000001")
    assert independent_mod97(iban) == 1
    with pytest.raises(ValueError):
        ukrainian_iban(bank_code="82017", account="1")
    with pytest.raises(ValueError):
        ukrainian_iban(account="1" * 20)
    with pytest.raises(ValueError):
        ukrainian_iban(account="١")


@given(bank_code=st.from_regex(r"[0-9]{6}", fullmatch=True), account=st.from_regex(r"[0-9]{1,19}", fullmatch=True))
def test_every_generated_ukrainian_iban_is_valid_and_one_changed_digit_is_caught(bank_code, account):
    iban = ukrainian_iban(bank_code=bank_code, account=account)
    assert iban_is_valid(iban) and independent_mod97(iban) == 1
    for position in range(4, 29):
        changed = iban[:position] + str((int(iban[position]) + 1) % 10) + iban[position + 1 :]
        assert not iban_is_valid(changed)


def test_format_amount():
    assert [format_amount(n) for n in (0, 1, 8500, 123456789, -1050)] == [
        "0.00",
        "0.01",
        "85.00",
        "1234567.89",
        "-10.50",
    ]
