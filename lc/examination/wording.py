"""A 46A clause read the way an examiner reads it.

``DocumentRequirement`` has structured fields (originals, issuer, consignee, ...) and the clause
as written (``text``). A field the maker left at its default is read from the clause, so a credit
keyed only as its 46A wording is examined as written. How many originals and copies the clause
asks for is always read from the clause when it says so, because the structured count cannot
say "in duplicate" (art. 17(e): one original and the rest in copies) or "copy of" (art. 17(d):
originals or copies).
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, replace
from decimal import Decimal

from lc.examination.doctypes import DocType
from lc.examination.types import DocumentRequirement

_NUMBERS = {
    "ONE": 1,
    "TWO": 2,
    "THREE": 3,
    "FOUR": 4,
    "FIVE": 5,
    "SIX": 6,
    "SEVEN": 7,
    "EIGHT": 8,
    "NINE": 9,
    "TEN": 10,
    "SINGLE": 1,
    "A": 1,
    "AN": 1,
}
_N = r"(\d{1,2}|ONE|TWO|THREE|FOUR|FIVE|SIX|SEVEN|EIGHT|NINE|TEN|SINGLE|AN?)"
# A number repeated in brackets, in figures or words: "THREE (3)", "3 (THREE)".
_BRACKETED = r"(?:\(\s*\w+\s*\)\s*)?"
_MULTIPLE_WORDS = {"DUPLICATE": 2, "TRIPLICATE": 3, "QUADRUPLICATE": 4, "QUINTUPLICATE": 5}
_STOP = r"(?=\s+(?:MADE\s+OUT|CONSIGNED|TO\s+(?:THE\s+)?ORDER|MARKED|NOTIFY(?:ING)?|SHOWING|INDICATING|EVIDENCING|CERTIFYING|STATING|ENDORSED|BLANK|IN|FOR|AND|WITH|COVERING|DATED)\b|[,;:]|\.(?:\s|$)|$)"
_RISKS = (
    (re.compile(r"(?:INSTITUTE\s+CARGO\s+CLAUSES|\bICC)\s*\(?\s*([ABC])\s*\)?"), "Institute Cargo Clauses ({})"),
    (re.compile(r"INSTITUTE\s+WAR\s+CLAUSES|\bIWC\b"), "Institute War Clauses (Cargo)"),
    (re.compile(r"INSTITUTE\s+STRIKES?\s+CLAUSES|\bISC\b|\bS\.?R\.?C\.?C\b"), "Institute Strikes Clauses (Cargo)"),
    (re.compile(r"\bALL\s+RISKS\b"), "All Risks"),
    (re.compile(r"\bWAR\b(?:\s+RISKS?\b)?"), "War Risks"),  # "including war and SRCC" too
)


@dataclass(frozen=True)
class Reading:
    """What one 46A item asks for, once read."""

    originals: int  # originals required (0: copies accepted in place of originals)
    copies: int  # further copies required
    copies_only: bool  # art. 17(d): "copy of": originals or copies
    multiple: int  # art. 17(e): "in duplicate" = 2: one original, the rest copies (0 = not so worded)
    full_set: bool
    set_fraction: tuple[int, int] | None  # "2/3 original bills of lading"
    signed: bool
    issuer: str
    consignee: str
    notify_applicant: bool
    freight: str  # PREPAID / COLLECT / ""
    insurance_percent: Decimal | None
    insurance_risks: tuple[str, ...]
    conditions: tuple[str, ...] = ()  # the 47A sentences about this document that were read in

    def credit_text(self, clause: str) -> str:
        """The 46A clause with the 47A sentences read beside it, as the examiner is shown them."""
        return "; ".join([clause, *(f"47A {c}" for c in self.conditions)]) if clause else "; ".join(self.conditions)

    @property
    def wants_original(self) -> bool:
        return not self.copies_only


def _number(word: str) -> int:
    return int(word) if word.isdigit() else _NUMBERS[word]


@functools.lru_cache(maxsize=512)
def read(requirement: DocumentRequirement) -> Reading:
    text = " ".join(requirement.text.upper().replace("’", "'").split())
    originals, copies, copies_only, multiple = _counts(requirement, text)
    fraction = re.search(r"\b([1-9])\s*/\s*([1-9])\b", text)
    return Reading(
        originals=originals,
        copies=copies,
        copies_only=copies_only,
        multiple=multiple,
        full_set=requirement.full_set or "FULL SET" in text or bool(fraction and fraction[1] == fraction[2]),
        set_fraction=(int(fraction[1]), int(fraction[2])) if fraction else None,
        signed=requirement.signed or bool(re.search(r"\bSIGNED\b", text)),
        issuer=requirement.issuer or _issuer(text),
        consignee=requirement.consignee or _consignee(text),
        # "Notify applicant", not "notify applicant's agent" (another party, named in the clause).
        notify_applicant=requirement.notify_applicant
        or bool(re.search(r"\bNOTIFY(?:ING)?\b[^,;]*\bAPPLICANT\b(?!\s*'?S\b)", text)),
        freight=requirement.freight.upper() or _freight(text),
        insurance_percent=requirement.insurance_percent or _percent(text),
        insurance_risks=requirement.insurance_risks or _risks(text),
    )


def _counts(requirement: DocumentRequirement, text: str) -> tuple[int, int, bool, int]:
    """(originals, copies, copies only, multiple) as the clause words them (art. 17)."""
    if re.search(r"\bIN\s+(?:THE\s+)?ORIGINAL\s+AND\s+(?:ONE\s+|1\s+)?DUPLICATE\b", text):
        return 1, 1, False, 0  # the original and a second (duplicate) copy
    for word, count in _MULTIPLE_WORDS.items():
        if re.search(rf"\bIN\s+{word}\b", text):
            return 1, 0, False, count
    multiple = re.search(rf"\bIN\s+{_N}\s*{_BRACKETED}(?:-\s*)?(?:FOLDS?|COPIES)\b", text)
    if multiple and "ORIGINAL" not in text:
        count = _number(multiple[1])
        return 1, 0, False, count
    originals = re.search(rf"(?<!/)\b{_N}\s+{_BRACKETED}ORIGINALS?\b", text)
    copies = re.search(rf"\b{_N}\s+{_BRACKETED}(?:PHOTO)?COP(?:Y|IES)\b", text)
    if originals:
        return _number(originals[1]), _number(copies[1]) if copies else 0, False, 0
    if re.search(r"\b(?:PHOTO)?COP(?:Y|IES)\b", text) and not re.search(r"\bORIGINAL", text):
        return 0, _number(copies[1]) if copies else 1, True, 0
    if requirement.originals == 0:
        return 0, max(requirement.copies, 1), True, 0
    if re.search(r"\bIN\s+ORIGINAL\b|\bORIGINAL\b", text):
        return max(requirement.originals, 1), _number(copies[1]) if copies else requirement.copies, False, 0
    return requirement.originals, requirement.copies, False, 0


def _issuer(text: str) -> str:
    match = re.search(
        rf"\b(?:ISSUED|SIGNED|CERTIFIED|PREPARED)\s+(?:AND\s+(?:SIGNED|STAMPED)\s+)?BY\s+(.+?){_STOP}", text
    )
    return match[1].strip() if match else ""


def _consignee(text: str) -> str:
    match = re.search(
        rf"\b(?:MADE\s+OUT\s+|ISSUED\s+|CONSIGNED\s+)?(TO\s+(?:THE\s+)?ORDER(?:\s+OF\s+.+?)?){_STOP}", text
    )
    if match:
        return match[1].strip()
    match = re.search(rf"\bCONSIGNED\s+TO\s+(.+?){_STOP}", text)
    return match[1].strip() if match else ""


def _freight(text: str) -> str:
    if re.search(r"\bFREIGHT\s+(?:PRE-?PAID|PAID)\b", text):
        return "PREPAID"
    if re.search(r"\bFREIGHT\s+(?:COLLECT|PAYABLE\s+AT\s+DESTINATION)\b", text):
        return "COLLECT"
    return ""


def _percent(text: str) -> Decimal | None:
    match = re.search(r"\b(\d{2,3}(?:\.\d{1,2})?)\s*(?:%|PCT\b|PERCENT\b|PER\s+CENT\b)", text)
    return Decimal(match[1]) if match else None


def risks_in(text: str) -> tuple[str, ...]:
    """The risks a text names, under one name each ("IWC (Cargo)" = Institute War Clauses (Cargo))."""
    return _risks(" ".join(text.upper().replace("’", "'").split()))


def _risks(text: str) -> tuple[str, ...]:
    found: list[str] = []
    for pattern, name in _RISKS:
        for match in pattern.finditer(text):
            risk = name.format(*match.groups())
            if risk not in found:
                found.append(risk)
    if "Institute War Clauses (Cargo)" in found and "War Risks" in found:
        found.remove("War Risks")
    return tuple(found)


# 47A sentences about one document ("CERTIFICATE OF ORIGIN MUST BE ISSUED BY CHAMBER OF COMMERCE",
# "B/L TO BE MADE OUT TO ORDER OF ISSUING BANK", "B/L MUST NOTIFY APPLICANT") qualify its 46A item.
# Insurance documents are read by art. 28 (C24) from 46A alone.
_DOCUMENT_WORDS = {
    DocType.COMMERCIAL_INVOICE: re.compile(r"\bINVOICES?\b"),
    DocType.OCEAN_BILL_OF_LADING: re.compile(r"\bB\s*/\s*LS?\b|\bBILLS?\s+OF\s+LADING\b"),
    DocType.AIR_WAYBILL: re.compile(r"\bAIR\s*WAY\s*BILLS?\b|\bAWBS?\b"),
    DocType.CERTIFICATE_OF_ORIGIN: re.compile(r"\bCERTIFICATES?\s+OF\s+ORIGIN\b|\bC\s*/\s*O\b"),
    DocType.PACKING_LIST: re.compile(r"\bPACKING\s+LISTS?\b"),
    DocType.INSPECTION_CERTIFICATE: re.compile(r"\bINSPECTION\s+CERTIFICATES?\b"),
}
# A sentence that allows, forbids or excepts ("ISSUED BY CCPIT ACCEPTABLE", "ISSUED BY BENEFICIARY
# NOT ACCEPTABLE") states no requirement to read; read as one it would turn the credit around.
_NOT_A_REQUIREMENT = re.compile(
    r"\b(?:ACCEPTABLE|UNACCEPTABLE|ALLOWED|PERMITTED|PROHIBITED|NOT|NO|EXCEPT|UNLESS|WAIVED?|OPTIONAL|ALSO)\b"
)


def conditions_for(doc_type: DocType, conditions: tuple[str, ...]) -> tuple[str, ...]:
    """The 47A sentences that require something of ``doc_type`` and of no other document."""
    words = _DOCUMENT_WORDS.get(doc_type)
    if words is None:
        return ()
    found = []
    for condition in conditions:
        for sentence in re.split(r";|\.(?:\s|$)", " ".join(condition.upper().replace("’", "'").split())):
            named = [t for t, pattern in _DOCUMENT_WORDS.items() if pattern.search(sentence)]
            if named == [doc_type] and not _NOT_A_REQUIREMENT.search(sentence):
                found.append(sentence.strip())
    return tuple(found)


@functools.lru_cache(maxsize=512)
def with_conditions(reading: Reading, doc_type: DocType, conditions: tuple[str, ...]) -> Reading:
    """``reading`` with what its 46A item leaves unsaid (issuer, consignee, notify party, freight)
    taken from the 47A sentences about the same document."""
    read_in: list[str] = []
    for sentence in conditions_for(doc_type, conditions):
        extra = read(DocumentRequirement(doc_type=doc_type, text=sentence))
        changes = {
            name: getattr(extra, name)
            for name in ("issuer", "consignee", "freight", "notify_applicant")
            if getattr(extra, name) and not getattr(reading, name)
        }
        if changes:
            reading = replace(reading, **changes)
            read_in.append(sentence)
    return replace(reading, conditions=(*reading.conditions, *read_in)) if read_in else reading
