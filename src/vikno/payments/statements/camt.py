"""Bank statements in ISO 20022 camt.053 (end-of-day statement) and camt.054 (debit/credit notification).

Only what matching fee payments needs is read. Elements are looked up by name in the file's own camt
namespace, so versions 001.02 to 001.08 read alike; where they differ both forms are accepted:
- the entry status is a plain code (Sts) up to 001.06 and a choice (Sts/Cd) from 001.07 on;
- a related party's name is Dbtr/Nm up to 001.06 and Dbtr/Pty/Nm from 001.07 on;
- a transaction detail carries its own Amt from 001.04 on, before that only AmtDtls/TxAmt/Amt.

The file comes from outside: it is parsed by defusedxml with any DTD refused (so no entities, no billion
laughs, no external references), and every problem becomes a StatementError whose text, in the active
language, tells the official what is wrong and where.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

import defusedxml
from defusedxml import ElementTree as SafeElementTree
from django.utils.translation import gettext

from vikno.core.money import decimal_text

if TYPE_CHECKING:
    from xml.etree.ElementTree import Element

MAX_BYTES = 20 * 1024 * 1024
KYIV = ZoneInfo("Europe/Kyiv")
STATUSES = frozenset({"BOOK", "PDNG", "INFO"})
FIRST_VERSION, LAST_VERSION = 2, 8

_NAMESPACE = re.compile(r"urn:iso:std:iso:20022:tech:xsd:camt\.(053|054)\.001\.([0-9]{2})")
# message kind → (message element, block element)
_LAYOUT = {"053": ("BkToCstmrStmt", "Stmt"), "054": ("BkToCstmrDbtCdtNtfctn", "Ntfctn")}
_DECIMAL = re.compile(r"[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)")  # ASCII digits only: int() would take others
_MAX_DIGITS = 18  # ISO 20022 amounts have at most 18 digits in all
_CENT = Decimal("0.01")
_CURRENCY = re.compile(r"[A-Z]{3}")
_IBAN = re.compile(r"[A-Z]{2}[0-9]{2}[A-Z0-9]{11,30}")
_UKRAINIAN_IBAN = re.compile(r"UA[0-9]{27}")
_TRUE = frozenset({"true", "1"})
_NOT_PROVIDED = "NOTPROVIDED"


class StatementError(ValueError):
    """Why a file is not a statement we can read; str(error) is a translated sentence for the official."""


@dataclass(frozen=True)
class StatementEntry:
    account_iban: str
    bank_reference: str
    booked_on: date
    value_on: date | None
    amount: int  # kopiyky
    currency: str
    is_credit: bool
    is_reversal: bool
    status: str
    remittance: str
    end_to_end_id: str
    payer_name: str
    payer_iban: str
    payer_code: str


@dataclass(frozen=True)
class Statement:
    kind: str  # "camt.053" or "camt.054"
    message_id: str
    statement_id: str
    created_at: datetime
    account_iban: str
    currency: str
    entries: tuple[StatementEntry, ...]


def normalise_iban(value: str) -> str:
    """Upper case, without the spaces (of any kind) that people put in to read it."""
    return "".join(value.split()).upper()


def iban_is_valid(value: str) -> bool:
    """ISO 13616: country, two check digits, an account part; mod-97 of the rearranged number is 1.

    Ukrainian IBANs are 29 characters: UA, the check digits, a six-digit bank code and 19 digits of account.
    """
    iban = normalise_iban(value)
    if not _IBAN.fullmatch(iban) or not 2 <= int(iban[2:4]) <= 98:
        return False
    if iban.startswith("UA") and not _UKRAINIAN_IBAN.fullmatch(iban):
        return False
    return _mod97(iban[4:] + iban[:4]) == 1


def _mod97(text: str) -> int:
    # Letters count as 10…35 (A…Z), digits as themselves.
    return int("".join(str(int(char, 36)) for char in text)) % 97


def parse(data: bytes) -> list[Statement]:
    """One Statement per Stmt (camt.053) or Ntfctn (camt.054) block of the file, in file order."""
    root = _load(data)
    kind, namespace = _identify(root)
    xml = _Reader(namespace)
    message_tag, block_tag = _LAYOUT[kind]
    message = xml.find(root, message_tag)
    if message is None:
        raise StatementError(gettext("This file is not a camt.053 or camt.054 bank statement."))
    message_id = xml.text(message, "GrpHdr/MsgId")
    if not message_id:
        raise StatementError(gettext("The file has no message identification (GrpHdr/MsgId)."))
    created_at = _created_at(xml.text(message, "GrpHdr/CreDtTm"))
    blocks = xml.findall(message, block_tag)
    if not blocks:
        raise StatementError(gettext("The file holds no statement or notification."))
    numbers = itertools.count(1)  # entries are numbered through the whole file, as the official sees them
    return [
        _statement(xml, f"camt.{kind}", block, position, message_id, created_at, numbers)
        for position, block in enumerate(blocks, start=1)
    ]


def _load(data: bytes) -> Element:
    if len(data) > MAX_BYTES:
        raise StatementError(
            gettext("The file is too large: a bank statement may be at most %(limit)s MB.")
            % {"limit": MAX_BYTES // (1024 * 1024)}
        )
    if not data.strip():
        raise StatementError(gettext("The file is empty."))
    try:
        return SafeElementTree.fromstring(data, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except defusedxml.DefusedXmlException as error:
        raise StatementError(
            gettext("This file declares a document type or entities, which bank statements never do; it was not read.")
        ) from error
    except (
        SafeElementTree.ParseError,
        LookupError,
        UnicodeError,
        ValueError,
    ) as error:  # LookupError: an unknown encoding
        raise StatementError(
            gettext("This file is not XML, so it cannot be a camt.053 or camt.054 bank statement.")
        ) from error


def _identify(root: Element) -> tuple[str, str]:
    """The message kind ("053" or "054") and the namespace, from the root element."""
    namespace, _, local = root.tag[1:].partition("}") if root.tag.startswith("{") else ("", "", root.tag)
    found = _NAMESPACE.fullmatch(namespace)
    if local != "Document" or found is None:
        raise StatementError(gettext("This file is not a camt.053 or camt.054 bank statement."))
    kind, version = found.group(1), int(found.group(2))
    if not FIRST_VERSION <= version <= LAST_VERSION:
        raise StatementError(
            gettext("This %(kind)s file is of version %(version)s; only versions 001.02 to 001.08 can be read.")
            % {"kind": f"camt.{kind}", "version": f"001.{found.group(2)}"}
        )
    return kind, namespace


class _Reader:
    """Finds elements by slash-separated local names in one namespace; a missing element reads as ""."""

    def __init__(self, namespace: str) -> None:
        self.namespace = namespace

    def _path(self, path: str) -> str:
        return "/".join(f"{{{self.namespace}}}{name}" for name in path.split("/"))

    def find(self, element: Element | None, path: str) -> Element | None:
        return None if element is None else element.find(self._path(path))

    def findall(self, element: Element | None, path: str) -> list[Element]:
        return [] if element is None else element.findall(self._path(path))

    def text(self, element: Element | None, path: str) -> str:
        found = self.find(element, path)
        return "" if found is None else (found.text or "").strip()


def _created_at(value: str) -> datetime:
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise StatementError(
            gettext("The file's creation time is not a valid date and time: %(value)s.") % {"value": value}
        ) from None
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=KYIV)


def _statement(
    xml: _Reader,
    kind: str,
    block: Element,
    position: int,
    message_id: str,
    created_at: datetime,
    numbers: Iterator[int],
) -> Statement:
    statement_id = xml.text(block, "Id")
    if not statement_id:
        raise StatementError(gettext("Statement %(number)s in the file has no identification.") % {"number": position})
    given_iban = xml.text(block, "Acct/Id/IBAN")
    if not given_iban:
        raise StatementError(gettext("Statement %(number)s has no account IBAN.") % {"number": position})
    account_iban = normalise_iban(given_iban)
    if not iban_is_valid(account_iban):
        raise StatementError(
            gettext("The account %(iban)s of statement %(number)s is not a valid IBAN.")
            % {"iban": given_iban, "number": position}
        )
    entries = tuple(
        entry for element in xml.findall(block, "Ntry") for entry in _entries(xml, element, next(numbers), account_iban)
    )
    currency = xml.text(block, "Acct/Ccy") or (entries[0].currency if entries else "")
    return Statement(
        kind=kind,
        message_id=message_id,
        statement_id=statement_id,
        created_at=created_at,
        account_iban=account_iban,
        currency=currency,
        entries=entries,
    )


def _entries(xml: _Reader, entry: Element, number: int, account_iban: str) -> list[StatementEntry]:
    """The transactions of one Ntry: one for a single transfer, one per TxDtls for a batch."""
    amount_element = xml.find(entry, "Amt")
    if amount_element is None:
        raise StatementError(gettext("Entry %(number)s has no amount.") % {"number": number})
    entry_amount = _amount(amount_element, number)
    currency = _currency(amount_element, number)
    direction = xml.text(entry, "CdtDbtInd")
    if direction not in ("CRDT", "DBIT"):
        raise StatementError(
            gettext("Entry %(number)s is marked neither as a credit nor as a debit.") % {"number": number}
        )
    is_credit = direction == "CRDT"
    is_reversal = xml.text(entry, "RvslInd").lower() in _TRUE
    status = _status(xml, entry, number)
    value_on = _date(xml, entry, "ValDt", number)
    booked_on = _date(xml, entry, "BookgDt", number) or value_on
    if booked_on is None:
        raise StatementError(gettext("Entry %(number)s has no booking date.") % {"number": number})
    entry_reference = xml.text(entry, "AcctSvcrRef")
    # The debtor is the payer when money came in, or when a payment that came in is reversed.
    from_payer = is_credit != is_reversal

    details: list[Element | None] = list(xml.findall(entry, "NtryDtls/TxDtls")) or [None]
    batch = len(details) > 1
    found: list[StatementEntry] = []
    total = 0
    for index, detail in enumerate(details, start=1):
        amount = _detail_amount(xml, detail, number, currency)
        if amount is None:
            if batch:
                raise StatementError(
                    gettext("Entry %(number)s has a transaction without an amount.") % {"number": number}
                )
            amount = entry_amount
        total += amount
        reference = xml.text(detail, "Refs/AcctSvcrRef") or (
            f"{entry_reference}/{index}" if batch and entry_reference else entry_reference
        )
        if not reference:
            raise StatementError(gettext("Entry %(number)s has no bank reference.") % {"number": number})
        end_to_end_id = xml.text(detail, "Refs/EndToEndId")
        payer_name, payer_iban, payer_code = _payer(xml, detail) if from_payer else ("", "", "")
        found.append(
            StatementEntry(
                account_iban=account_iban,
                bank_reference=reference,
                booked_on=booked_on,
                value_on=value_on,
                amount=amount,
                currency=currency,
                is_credit=is_credit,
                is_reversal=is_reversal,
                status=status,
                remittance=_remittance(xml, detail),
                end_to_end_id="" if end_to_end_id == _NOT_PROVIDED else end_to_end_id,
                payer_name=payer_name,
                payer_iban=payer_iban,
                payer_code=payer_code,
            )
        )
    if total != entry_amount:
        raise StatementError(
            gettext(
                "The transactions of entry %(number)s add up to %(total)s, not to the entry's amount of %(amount)s."
            )
            % {"number": number, "total": format_amount(total), "amount": format_amount(entry_amount)}
        )
    return found


def _detail_amount(xml: _Reader, detail: Element | None, number: int, currency: str) -> int | None:
    element = xml.find(detail, "Amt")
    if element is None:
        element = xml.find(detail, "AmtDtls/TxAmt/Amt")
    if element is None:
        return None
    detail_currency = _currency(element, number)
    if detail_currency != currency:
        raise StatementError(
            gettext("Entry %(number)s has a transaction in %(currency)s, but the entry is in %(entry_currency)s.")
            % {"number": number, "currency": detail_currency, "entry_currency": currency}
        )
    return _amount(element, number)


def _amount(element: Element, number: int) -> int:
    """The amount in minor units, exactly; never through a float."""
    text = (element.text or "").strip()
    values = {"number": number, "amount": text if len(text) <= 40 else text[:40] + "…"}
    if not _DECIMAL.fullmatch(text):
        raise StatementError(gettext("Entry %(number)s has an amount that is not a number: %(amount)s.") % values)
    whole, _, fraction = text.lstrip("+-").partition(".")
    if len(fraction.rstrip("0")) > 2:
        raise StatementError(
            gettext("Entry %(number)s has an amount with more than two decimals: %(amount)s.") % values
        )
    if len(whole.lstrip("0")) > _MAX_DIGITS - 2:
        raise StatementError(gettext("Entry %(number)s has an amount that is too large: %(amount)s.") % values)
    value = Decimal(text).quantize(_CENT)  # exact: at most 18 significant digits are left
    if value <= 0:
        raise StatementError(gettext("Entry %(number)s has an amount that is not above zero: %(amount)s.") % values)
    return int(value * 100)


format_amount = decimal_text  # 8500 → "85.00": how camt files write amounts


def _currency(element: Element, number: int) -> str:
    currency = (element.get("Ccy") or "").strip()
    if not _CURRENCY.fullmatch(currency):
        raise StatementError(
            gettext("Entry %(number)s has no valid currency code: %(currency)s.")
            % {"number": number, "currency": currency}
        )
    return currency


def _status(xml: _Reader, entry: Element, number: int) -> str:
    status = xml.text(entry, "Sts/Cd") or xml.text(entry, "Sts")
    if not status:
        raise StatementError(gettext("Entry %(number)s has no status.") % {"number": number})
    if status not in STATUSES:
        raise StatementError(
            gettext("Entry %(number)s has an unknown status: %(status)s.") % {"number": number, "status": status}
        )
    return status


def _date(xml: _Reader, entry: Element, path: str, number: int) -> date | None:
    """The day of a DateAndDateTimeChoice: Dt, or the date of DtTm as written (in its own offset)."""
    holder = xml.find(entry, path)
    day, moment = xml.text(holder, "Dt"), xml.text(holder, "DtTm")
    try:
        if day:
            return date.fromisoformat(day[:10])  # a date may carry an offset after its ten characters
        if moment:
            return datetime.fromisoformat(moment).date()
    except ValueError:
        raise StatementError(
            gettext("Entry %(number)s has a date that is not valid: %(value)s.")
            % {"number": number, "value": day or moment}
        ) from None
    return None


def _payer(xml: _Reader, detail: Element | None) -> tuple[str, str, str]:
    """Name, IBAN (as the bank sent it, only normalised) and tax number of the debtor."""
    parties = xml.find(detail, "RltdPties")
    debtor = xml.find(parties, "Dbtr")
    party = xml.find(debtor, "Pty")  # 001.07 on: a choice of party or agent
    if party is None:
        party = debtor
    code = xml.text(party, "Id/PrvtId/Othr/Id") or xml.text(party, "Id/OrgId/Othr/Id")
    return xml.text(party, "Nm"), normalise_iban(xml.text(parties, "DbtrAcct/Id/IBAN")), code


def _remittance(xml: _Reader, detail: Element | None) -> str:
    parts = [element.text or "" for element in xml.findall(detail, "RmtInf/Ustrd")]
    parts += [element.text or "" for element in xml.findall(detail, "RmtInf/Strd/CdtrRefInf/Ref")]
    return " ".join(" ".join(parts).split())
