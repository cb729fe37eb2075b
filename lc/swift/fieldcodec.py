"""Credit terms field by field: each MT field written from the terms, and read back.

Writers collect a ``MappingProblem`` for anything a field cannot carry exactly (a character
outside its set, a value too long, an injection) instead of dropping or shortening it. Readers
are total over validated messages: what the terms cannot hold is returned as a note.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Mapping
from datetime import date
from decimal import Decimal
from typing import Any

from lc.examination.types import Bank, CreditTerms, Party
from lc.swift.charset import X_CHARS, Z_CHARS, bad_chars, describe, injection_problem
from lc.swift.errors import MappingProblem
from lc.swift.message import Field
from lc.swift.money import parse_amount, swift_amount
from lc.swift.validate import bic_problem
from lc.swift.wrap import StartCheck, plain_start, wrap

Directory = Callable[[str], Bank | None]
_COUNTRY = re.compile(r"[A-Z]{2}")


def bic11(bic: str) -> str:
    return bic.upper() + "XXX" if len(bic) == 8 else bic.upper()


def directory_of(banks: list[Bank] | tuple[Bank, ...]) -> Directory:
    """A directory from known banks (the platform's organisations): BIC -> the bank as stored."""
    table = {bic11(b.bic): b for b in banks if b.bic}
    return lambda bic: table.get(bic11(bic))


def resolve(directory: Directory | None, bic: str) -> Bank:
    known = directory(bic) if directory else None
    return known if known is not None else Bank(name="", bic=bic, country=bic[4:6])


class Writer:
    def __init__(self) -> None:
        self.problems: list[MappingProblem] = []

    def problem(self, path: str, tag: str, message: str, code: str = "") -> None:
        self.problems.append(MappingProblem(path, tag, message, code))

    def text(self, path: str, tag: str, value: str, width: int, max_lines: int, *, z: bool = False,
             allowed: StartCheck = plain_start) -> list[str] | None:
        """``value`` as the lines of a field, or None (with the problem recorded)."""
        if not self.clean(path, tag, value, z=z):
            return None
        lines = wrap(value, width, allowed)
        if lines is None:
            self.problem(path, tag, f"cannot be cut into lines of {width} characters (a word is too long, or it is empty)")
            return None
        if len(lines) > max_lines:
            self.problem(path, tag, f"needs {len(lines)} lines of {width}; the field holds {max_lines}")
            return None
        return lines

    def clean(self, path: str, tag: str, value: str, *, z: bool = False) -> bool:
        injection = injection_problem(value)
        if injection:
            self.problem(path, tag, injection, "INJECTION")
            return False
        bad = bad_chars(value, Z_CHARS if z else X_CHARS)
        if bad:
            self.problem(path, tag, f"characters outside the {'Z' if z else 'X'} set: {describe(bad)}", "M60")
            return False
        return True

    def line(self, path: str, tag: str, value: str, width: int, *, z: bool = False) -> str | None:
        if not self.clean(path, tag, value, z=z):
            return None
        if not 0 < len(value) <= width:
            self.problem(path, tag, f"must have 1 to {width} characters, has {len(value)}")
            return None
        return value

    def date(self, path: str, tag: str, value: date | None) -> str | None:
        if value is None:
            self.problem(path, tag, "a date is required")
            return None
        if not 2000 <= value.year <= 2099:
            self.problem(path, tag, "YYMMDD carries years 2000-2099 only")
            return None
        return value.strftime("%y%m%d")

    def amount(self, path: str, tag: str, currency: str, value: Decimal) -> str | None:
        if not value.is_finite() or value < 0:
            self.problem(path, tag, "the amount must be a finite, non-negative decimal")
            return None
        text = currency + swift_amount(value)
        if len(text) > 18:
            self.problem(path, tag, "the amount has more than 15 characters with its comma")
            return None
        return text

    def party(self, path: str, tag: str, party: Party | Bank, address: str) -> list[str] | None:
        """Name on the first line, the address wrapped, the ISO country code on the last line."""
        name = self.line(f"{path}.name", tag, party.name, 35)
        if name is not None and name.startswith("/"):
            self.problem(f"{path}.name", tag, "must not start with '/': a first line '/...' is an account or party identifier")
            return None
        body = self.text(f"{path}.address", tag, address, 35, 3) if address else []
        if name is None or body is None:
            return None
        if party.country and not _COUNTRY.fullmatch(party.country):
            self.problem(f"{path}.country", tag, "the country must be an ISO 3166 code such as 'HK'")
            return None
        lines = [name, *body, *([party.country] if party.country else [])]
        if len(lines) > 4:
            self.problem(path, tag, "name, address and country need more than 4 lines of 35")
            return None
        return lines

    def bank(self, path: str, tag: str, bank: Bank | None) -> Field | None:
        if bank is None:
            return None
        if bank.bic:
            problem = bic_problem(bank.bic)
            if problem:
                self.problem(f"{path}.bic", tag, problem[1], problem[0])
                return None
            return Field(tag[:2] + "A", (bank.bic,))
        lines = self.party(path, tag, bank, "")
        return Field(tag[:2] + "D", tuple(lines)) if lines else None


def read_party(lines: tuple[str, ...] | list[str]) -> Party:
    rest = list(lines[1:])
    country = rest.pop() if len(rest) >= 1 and _COUNTRY.fullmatch(rest[-1]) else ""
    return Party(name=lines[0], address=" ".join(rest), country=country)


def read_bank(fld: Field, directory: Directory | None) -> Bank:
    lines = [ln for ln in fld.lines if not ln.startswith("/")] or list(fld.lines)
    if fld.letter == "A":
        return resolve(directory, lines[-1])
    party = read_party(lines)
    name = " ".join([party.name, party.address]).strip() if party.address else party.name
    return Bank(name=name, country=party.country)


def read_date(text: str) -> date:
    return date(2000 + int(text[:2]), int(text[2:4]), int(text[4:6]))


def read_amount(text: str) -> tuple[str, Decimal]:
    return text[:3], parse_amount(text[3:])


def joined(fld: Field | None) -> str:
    return " ".join(fld.lines) if fld else ""


def items(lines: list[str]) -> list[list[str]]:
    """Narrative lines grouped into '+' items (a first line without '+' opens an item too)."""
    out: list[list[str]] = []
    for ln in lines:
        if ln.startswith("+") or not out:
            out.append([ln])
        else:
            out[-1].append(ln)
    return out


def item_text(lines: list[str]) -> str:
    return " ".join(lines).removeprefix("+")


def terms_kwargs(terms: CreditTerms) -> dict[str, Any]:
    return {name: getattr(terms, name) for name in CreditTerms.__dataclass_fields__}


# Which MT field carries each terms field (for naming a problem, and for MT707).
TAGS: Mapping[str, str] = {
    "credit_number": "20", "form": "40A", "applicable_rules": "40E", "issue_date": "31C", "expiry_date": "31D",
    "expiry_place": "31D", "applicant": "50", "beneficiary": "59", "currency": "32B", "amount": "32B",
    "tolerance_plus": "39A", "tolerance_minus": "39A", "available_with": "41a", "available_by": "41a",
    "banks.nominated": "41a", "drafts_at": "42C", "banks.drawee": "42a", "mixed_payment": "42M",
    "deferred_payment": "42P", "partial_shipments": "43P", "transhipment": "43T", "place_of_receipt": "44A",
    "port_of_loading": "44E", "port_of_discharge": "44F", "final_destination": "44B", "latest_shipment": "44C",
    "shipment_period": "44D", "goods": "45A", "incoterm": "45A", "incoterm_place": "45A", "documents": "46A",
    "additional_conditions": "47A", "instalments": "47A", "amount_about": "47A", "charges": "71D",
    "presentation_period_days": "48", "confirmation": "49", "banks.confirming": "58a",
    "banks.reimbursing": "53a", "banks.issuing": "block 1", "banks.advising": "block 2",
}


@functools.lru_cache(maxsize=4096)
def tag_of(path: str) -> str:
    """The MT field of a dotted terms path ("documents[2].text" -> "46A")."""
    head = re.split(r"[\[.]", path, maxsplit=1)[0]
    return TAGS.get(".".join(path.split(".")[:2]), TAGS.get(head, ""))
