"""Realistic camt.053 and camt.054 files of an account at the State Treasury, for tests and demos.

The files follow the element order of the ISO 20022 schemas of each version from 001.02 to 001.08 and
differ between versions where the schemas do:
- Sts is a plain code up to 001.06 and Sts/Cd from 001.07 on;
- parties are Dbtr/Nm up to 001.06 and Dbtr/Pty/Nm from 001.07 on;
- TxDtls carries Amt and CdtDbtInd from 001.04 on (before, only AmtDtls/TxAmt);
- the net sum of the transactions summary is TtlNetNtryAmt up to 001.03 and TtlNetNtry/Amt from 001.04 on.
Amounts are integers of kopiyky throughout and are written with integer arithmetic.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time
from xml.etree.ElementTree import Element, SubElement, indent, tostring  # building, never parsing

from vikno.payments.statements.camt import STATUSES, format_amount, iban_is_valid, normalise_iban

TREASURY_NAME = "Державна казначейська служба України"
TREASURY_BANK_CODE = "820172"  # the MFO of the State Treasury
DEFAULT_OWNER = "Державна міграційна служба України"
# The banks of the default payers, for the names of the agents (other banks are named by code only).
BANK_NAMES = {
    TREASURY_BANK_CODE: TREASURY_NAME,
    "305299": 'АТ КБ "ПРИВАТБАНК"',
    "300465": 'АТ "Ощадбанк"',
    "322001": 'АТ "Універсал Банк"',
}
_VERSION = re.compile(r"001\.0([2-8])")
_EDRPOU = re.compile(r"[0-9]{8}")
_USTRD_LENGTH = 140  # Max140Text
_ID_LENGTH = 35  # Max35Text


def ukrainian_iban(*, bank_code: str = TREASURY_BANK_CODE, account: str) -> str:
    """A valid Ukrainian IBAN: UA, check digits, the six-digit bank code (MFO), the account in 19 digits."""
    if not re.fullmatch(r"[0-9]{6}", bank_code) or not re.fullmatch(r"[0-9]{1,19}", account):
        raise ValueError("a Ukrainian IBAN has a six-digit bank code and an account of up to 19 digits")
    basic = bank_code + account.zfill(19)
    # ISO 13616: the check digits make basic + "UA" + check ≡ 1 (mod 97); U = 30, A = 10.
    check = 98 - int(basic + "301000") % 97
    return f"UA{check:02d}{basic}"


DEFAULT_PAYER_IBAN = ukrainian_iban(bank_code="305299", account="26209876543210")


@dataclass(frozen=True)
class Transfer:
    """One credit or debit to put in a statement; payer_* describe the other party of the transfer."""

    amount: int  # kopiyky
    remittance: str
    bank_reference: str
    booked_on: date
    payer_name: str = "Коваленко Олена Петрівна"
    payer_iban: str = DEFAULT_PAYER_IBAN
    payer_code: str = ""
    end_to_end_id: str = ""
    is_credit: bool = True
    currency: str = "UAH"
    is_reversal: bool = False
    value_on: date | None = None  # None: the day it is booked
    status: str = "BOOK"

    def __post_init__(self) -> None:
        if not isinstance(self.amount, int) or isinstance(self.amount, bool) or self.amount <= 0:
            raise ValueError("a transfer is a positive whole number of kopiyky")
        if not 0 < len(self.bank_reference) <= _ID_LENGTH or len(self.end_to_end_id) > _ID_LENGTH:
            raise ValueError("references have 1 to 35 characters")
        if self.status not in STATUSES:
            raise ValueError(f"a status is one of {sorted(STATUSES)}")

    @property
    def from_payer(self) -> bool:
        """Money from the other party: a credit, or the reversal of one (a debit marked as a reversal)."""
        return self.is_credit != self.is_reversal


def camt053(
    *,
    account_iban: str,
    transfers: Sequence[Transfer],
    statement_id: str,
    created_at: datetime,
    opening_balance: int = 0,
    version: str = "001.08",
    batch: bool = False,
    owner_name: str = DEFAULT_OWNER,
) -> bytes:
    """An end-of-day statement (BkToCstmrStmt) with opening and closing balances.

    batch=True books the transfers of one day (and one direction) as one entry with a TxDtls for each.
    """
    number = _version(version)
    account = _account(account_iban)
    currency = _currency(transfers)
    groups = _groups(transfers, batch)
    document, message = _document("053", version, "BkToCstmrStmt")
    header = _header(message, statement_id, created_at)
    pagination = SubElement(header, "MsgPgntn")
    _add(pagination, "PgNb", "1")
    _add(pagination, "LastPgInd", "true")

    block = _block(message, "Stmt", statement_id, created_at, transfers, legal=True)
    _account_element(block, account, currency, owner_name)
    days = [transfer.booked_on for transfer in transfers] or [created_at.date()]
    closing = opening_balance + sum(t.amount if t.is_credit else -t.amount for t in transfers)
    _balance(block, "OPBD", opening_balance, currency, min(days))
    _balance(block, "CLBD", closing, currency, max(days))
    _summary(block, groups, number)
    for position, group in enumerate(groups, start=1):
        _entry(block, group, position, account, owner_name, number)
    return _serialise(document)


def camt054(
    *,
    account_iban: str,
    transfers: Sequence[Transfer],
    notification_id: str,
    created_at: datetime,
    version: str = "001.08",
    owner_name: str = DEFAULT_OWNER,
) -> bytes:
    """A debit/credit notification (BkToCstmrDbtCdtNtfctn): one entry per transfer, no balances."""
    number = _version(version)
    account = _account(account_iban)
    currency = _currency(transfers)
    groups = _groups(transfers, batch=False)
    document, message = _document("054", version, "BkToCstmrDbtCdtNtfctn")
    _header(message, notification_id, created_at)
    block = _block(message, "Ntfctn", notification_id, created_at, transfers, legal=False)
    _account_element(block, account, currency, owner_name)
    _summary(block, groups, number)
    for position, group in enumerate(groups, start=1):
        _entry(block, group, position, account, owner_name, number)
    return _serialise(document)


def _version(version: str) -> int:
    found = _VERSION.fullmatch(version)
    if found is None:
        raise ValueError("versions 001.02 to 001.08 can be written")
    return int(found.group(1))


def _account(iban: str) -> str:
    account = normalise_iban(iban)
    if not iban_is_valid(account):
        raise ValueError(f"{iban!r} is not a valid IBAN")
    return account


def _currency(transfers: Sequence[Transfer]) -> str:
    currencies = {transfer.currency for transfer in transfers} or {"UAH"}
    if len(currencies) > 1:
        raise ValueError("an account is kept in one currency")
    return currencies.pop()


def _groups(transfers: Sequence[Transfer], batch: bool) -> list[list[Transfer]]:
    """Transfers in entries, in the order they first appear; a batch entry shares day, direction and status."""
    if not batch:
        return [[transfer] for transfer in transfers]
    groups: dict[tuple[object, ...], list[Transfer]] = {}
    for transfer in transfers:
        key = (transfer.booked_on, transfer.value_on, transfer.is_credit, transfer.is_reversal, transfer.status)
        groups.setdefault(key, []).append(transfer)
    return list(groups.values())


def _add(parent: Element, tag: str, text: str | None = None, **attributes: str) -> Element:
    element = SubElement(parent, tag, attributes)
    if text is not None:
        element.text = text
    return element


def _stamp(moment: datetime) -> str:
    if moment.tzinfo is None:
        raise ValueError("times in a statement carry their offset")
    return moment.isoformat(timespec="seconds")


def _document(kind: str, version: str, message_tag: str) -> tuple[Element, Element]:
    document = Element("Document", {"xmlns": f"urn:iso:std:iso:20022:tech:xsd:camt.{kind}.{version}"})
    return document, _add(document, message_tag)


def _header(message: Element, block_id: str, created_at: datetime) -> Element:
    header = _add(message, "GrpHdr")
    _add(header, "MsgId", f"DKSU{created_at:%Y%m%d%H%M%S}-{block_id}"[:_ID_LENGTH])
    _add(header, "CreDtTm", _stamp(created_at))
    return header


def _block(
    message: Element, tag: str, block_id: str, created_at: datetime, transfers: Sequence[Transfer], *, legal: bool
) -> Element:
    if not 0 < len(block_id) <= _ID_LENGTH:
        raise ValueError("an identification has 1 to 35 characters")
    block = _add(message, tag)
    _add(block, "Id", block_id)
    sequence = str(created_at.timetuple().tm_yday)  # one statement a working day: the day of the year
    _add(block, "ElctrncSeqNb", sequence)
    if legal:
        _add(block, "LglSeqNb", sequence)
    _add(block, "CreDtTm", _stamp(created_at))
    days = [transfer.booked_on for transfer in transfers] or [created_at.date()]
    period = _add(block, "FrToDt")
    _add(period, "FrDtTm", _stamp(datetime.combine(min(days), time(0, 0), tzinfo=created_at.tzinfo)))
    _add(period, "ToDtTm", _stamp(datetime.combine(max(days), time(23, 59, 59), tzinfo=created_at.tzinfo)))
    return block


def _account_element(block: Element, iban: str, currency: str, owner_name: str) -> None:
    account = _add(block, "Acct")
    _add(_add(account, "Id"), "IBAN", iban)
    _add(account, "Ccy", currency)
    _add(_add(account, "Ownr"), "Nm", owner_name)
    _institution(_add(account, "Svcr"), TREASURY_BANK_CODE)


def _institution(parent: Element, bank_code: str) -> None:
    """FinInstnId by clearing member id (the MFO) and name: the same elements in every version."""
    institution = _add(parent, "FinInstnId")
    _add(_add(institution, "ClrSysMmbId"), "MmbId", bank_code)
    if bank_code in BANK_NAMES:
        _add(institution, "Nm", BANK_NAMES[bank_code])


def _balance(block: Element, code: str, amount: int, currency: str, day: date) -> None:
    balance = _add(block, "Bal")
    _add(_add(_add(balance, "Tp"), "CdOrPrtry"), "Cd", code)
    _add(balance, "Amt", format_amount(abs(amount)), Ccy=currency)
    _add(balance, "CdtDbtInd", "CRDT" if amount >= 0 else "DBIT")
    _add(_add(balance, "Dt"), "Dt", day.isoformat())


def _summary(block: Element, groups: list[list[Transfer]], version: int) -> None:
    """Counts and sums of the entries (not of the transactions in them), as TxsSummry reports them."""
    sums = [(sum(t.amount for t in group), group[0].is_credit) for group in groups]
    credits = [amount for amount, is_credit in sums if is_credit]
    debits = [amount for amount, is_credit in sums if not is_credit]
    net = sum(credits) - sum(debits)
    summary = _add(block, "TxsSummry")
    total = _add(summary, "TtlNtries")
    _add(total, "NbOfNtries", str(len(sums)))
    _add(total, "Sum", format_amount(sum(credits) + sum(debits)))
    if version >= 4:
        net_entry = _add(total, "TtlNetNtry")
        _add(net_entry, "Amt", format_amount(abs(net)))
        _add(net_entry, "CdtDbtInd", "CRDT" if net >= 0 else "DBIT")
    else:
        _add(total, "TtlNetNtryAmt", format_amount(abs(net)))
        _add(total, "CdtDbtInd", "CRDT" if net >= 0 else "DBIT")
    for tag, amounts in (("TtlCdtNtries", credits), ("TtlDbtNtries", debits)):
        part = _add(summary, tag)
        _add(part, "NbOfNtries", str(len(amounts)))
        _add(part, "Sum", format_amount(sum(amounts)))


def _entry(block: Element, group: list[Transfer], position: int, account: str, owner: str, version: int) -> None:
    first = group[0]
    amount = sum(transfer.amount for transfer in group)
    direction = "CRDT" if first.is_credit else "DBIT"
    entry = _add(block, "Ntry")
    _add(entry, "NtryRef", str(position))
    _add(entry, "Amt", format_amount(amount), Ccy=first.currency)
    _add(entry, "CdtDbtInd", direction)
    if first.is_reversal:
        _add(entry, "RvslInd", "true")
    if version >= 7:
        _add(_add(entry, "Sts"), "Cd", first.status)
    else:
        _add(entry, "Sts", first.status)
    _add(_add(entry, "BookgDt"), "Dt", first.booked_on.isoformat())
    _add(_add(entry, "ValDt"), "Dt", (first.value_on or first.booked_on).isoformat())
    batch = len(group) > 1
    reference = f"B{first.booked_on:%Y%m%d}-{position:04d}-{len(group)}" if batch else first.bank_reference
    _add(entry, "AcctSvcrRef", reference)
    _transaction_code(entry, first)
    details = _add(entry, "NtryDtls")
    if batch:
        information = _add(details, "Btch")
        _add(information, "NbOfTxs", str(len(group)))
        _add(information, "TtlAmt", format_amount(amount), Ccy=first.currency)
        _add(information, "CdtDbtInd", direction)
    for transfer in group:
        _details(details, transfer, direction, account, owner, version)


def _transaction_code(entry: Element, transfer: Transfer) -> None:
    """PMNT / received or issued credit transfers / domestic, or the return of one."""
    code = _add(entry, "BkTxCd")
    domain = _add(code, "Domn")
    _add(domain, "Cd", "PMNT")
    family = _add(domain, "Fmly")
    _add(family, "Cd", "RCDT" if transfer.from_payer else "ICDT")
    _add(family, "SubFmlyCd", "RRTN" if transfer.is_reversal else "DMCT")


def _details(parent: Element, transfer: Transfer, direction: str, account: str, owner: str, version: int) -> None:
    details = _add(parent, "TxDtls")
    references = _add(details, "Refs")
    _add(references, "AcctSvcrRef", transfer.bank_reference)
    _add(references, "EndToEndId", transfer.end_to_end_id or "NOTPROVIDED")
    amount = format_amount(transfer.amount)
    if version >= 4:
        _add(details, "Amt", amount, Ccy=transfer.currency)
        _add(details, "CdtDbtInd", direction)
    _add(_add(_add(details, "AmtDtls"), "TxAmt"), "Amt", amount, Ccy=transfer.currency)

    other = (transfer.payer_name, transfer.payer_iban, transfer.payer_code)
    ours = (owner, account, "")
    debtor, creditor = (other, ours) if transfer.from_payer else (ours, other)
    parties = _add(details, "RltdPties")
    for role, (name, iban, code) in (("Dbtr", debtor), ("Cdtr", creditor)):
        _party(parties, role, name, code, version)
        if iban:
            _add(_add(_add(parties, f"{role}Acct"), "Id"), "IBAN", iban)
    agents = _add(details, "RltdAgts")
    for role, iban in (("DbtrAgt", debtor[1]), ("CdtrAgt", creditor[1])):
        bank_code = _bank_code(iban)
        if bank_code:
            _institution(_add(agents, role), bank_code)

    if transfer.remittance.strip():
        remittance = _add(details, "RmtInf")
        for line in _lines(transfer.remittance):
            _add(remittance, "Ustrd", line)


def _party(parent: Element, role: str, name: str, code: str, version: int) -> None:
    party = _add(parent, role)
    if version >= 7:
        party = _add(party, "Pty")
    if name:
        _add(party, "Nm", name)
    if code:
        # Eight digits are an EDRPOU code (an organisation), others an individual's tax number (RNOKPP).
        scheme = "OrgId" if _EDRPOU.fullmatch(code) else "PrvtId"
        other = _add(_add(_add(party, "Id"), scheme), "Othr")
        _add(other, "Id", code)
        _add(_add(other, "SchmeNm"), "Cd", "TXID")


def _bank_code(iban: str) -> str:
    iban = normalise_iban(iban)
    return iban[4:10] if iban.startswith("UA") and len(iban) == 29 else ""


def _lines(text: str) -> list[str]:
    """Ustrd lines of at most 140 characters, broken between words so that joining with spaces restores it."""
    lines: list[str] = []
    for word in text.split():
        while len(word) > _USTRD_LENGTH:  # a word longer than a line has to be cut
            lines.append(word[:_USTRD_LENGTH])
            word = word[_USTRD_LENGTH:]
        if lines and len(lines[-1]) + 1 + len(word) <= _USTRD_LENGTH:
            lines[-1] += " " + word
        else:
            lines.append(word)
    return lines


def _serialise(document: Element) -> bytes:
    indent(document, space="  ")
    return b'<?xml version="1.0" encoding="UTF-8"?>\n' + tostring(document, encoding="unicode").encode() + b"\n"
