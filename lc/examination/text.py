"""ISBP 821 text comparison: when do two pieces of document data "correspond"?

* Tokens that contain a digit (models, numbers, marks) must match exactly, ignoring
  punctuation inside the token ("VF-500" = "VF500", but "VF-500" != "VF-550").
* Alphabetic words longer than four letters may differ by one edit: a typing error that does
  not change the meaning is not a discrepancy (ISBP 821 A23: "mashine" for "machine").
* Accepted abbreviations match their long form either way (ISBP 821 A1: Ltd, Co., kgs, Int'l).
"""

from __future__ import annotations

import functools
import re

_TOKEN = re.compile(r"[A-Za-z0-9][A-Za-z0-9'\-./]*")
_STRIP = re.compile(r"[^A-Z0-9]")
_ABBREVIATIONS: dict[str, tuple[str, ...]] = {
    "LTD": ("LIMITED",),
    "CO": ("COMPANY",),
    "CORP": ("CORPORATION",),
    "INC": ("INCORPORATED",),
    "INTL": ("INTERNATIONAL",),
    "MFG": ("MANUFACTURING",),
    "IND": ("INDUSTRIAL",),
    "DEPT": ("DEPARTMENT",),
    "BLDG": ("BUILDING",),
    "RD": ("ROAD",),
    "ST": ("STREET",),
    "AVE": ("AVENUE",),
    "KG": ("KILOGRAMS",),
    "KGS": ("KILOGRAMS",),
    "KILOGRAM": ("KILOGRAMS",),
    "PCS": ("PIECES",),
    "PC": ("PIECES",),
    "NO": ("NUMBER",),
    "QTY": ("QUANTITY",),
    "MT": ("METRIC", "TONS"),
    "ICC": ("INSTITUTE", "CARGO", "CLAUSES"),
    "SS": ("STAINLESS", "STEEL"),
    "HK": ("HONG", "KONG"),
    "HONGKONG": ("HONG", "KONG"),
    "&": ("AND",),
}
_NOISE = frozenset({"THE", "AND", "OF", "BY", "FOR", "TO"})
_INDEPENDENT_WORDS = frozenset(
    {"INDEPENDENT", "COMPETENT", "OFFICIAL", "QUALIFIED", "LOCAL", "WELL-KNOWN", "FIRST-CLASS"}
)
_TYPO_MIN_LENGTH = 5


@functools.lru_cache(maxsize=4096)
def tokens(text: str) -> tuple[str, ...]:
    """Normalised tokens: upper case, abbreviations expanded, noise words dropped."""
    out: list[str] = []
    for raw in _TOKEN.findall(text.upper().replace("&", " AND ")):
        word = _STRIP.sub("", raw)
        if not word:
            continue
        for part in _ABBREVIATIONS.get(word, (word,)):
            if part not in _NOISE:
                out.append(part)
    return tuple(out)


def _has_digit(word: str) -> bool:
    return any(c.isdigit() for c in word)


@functools.lru_cache(maxsize=8192)
def words_match(a: str, b: str) -> bool:
    if a == b:
        return True
    if _has_digit(a) or _has_digit(b):
        return False  # numbers and models must be exact
    if min(len(a), len(b)) < _TYPO_MIN_LENGTH:
        return False
    return _within_one_edit(a, b)


def _within_one_edit(a: str, b: str) -> bool:
    if abs(len(a) - len(b)) > 1:
        return False
    if len(a) == len(b):
        diffs = [i for i in range(len(a)) if a[i] != b[i]]
        if len(diffs) == 1:
            return True
        # One transposition of adjacent letters ("recieve") is one typing error.
        return (
            len(diffs) == 2 and diffs[1] == diffs[0] + 1 and a[diffs[0]] == b[diffs[1]] and a[diffs[1]] == b[diffs[0]]
        )
    short, long_ = (a, b) if len(a) < len(b) else (b, a)
    i = 0
    while i < len(short) and short[i] == long_[i]:
        i += 1
    return short[i:] == long_[i + 1 :]


def same_text(required: str, found: str) -> bool:
    """Same words in the same order, up to typing errors and abbreviations (names, ports)."""
    a, b = tokens(required), tokens(found)
    if len(a) != len(b):
        return "".join(a) == "".join(b)
    return all(words_match(x, y) for x, y in zip(a, b, strict=True))


def covers(required: str, found: str) -> bool:
    """Every required word appears in ``found`` (which may say more): ISBP 821 C3."""
    available = list(tokens(found))
    for word in tokens(required):
        hit = next((i for i, w in enumerate(available) if words_match(word, w)), None)
        if hit is None:
            return False
        del available[hit]
    return True


def conflicting_numbers(general: str, reference_texts: tuple[str, ...]) -> tuple[str, ...]:
    """Digit tokens in a general description that appear nowhere in the reference (art. 14(e))."""
    known = {w for text in reference_texts for w in tokens(text)}
    return tuple(w for w in tokens(general) if _has_digit(w) and w not in known)


def alternatives(field_text: str) -> tuple[str, ...]:
    """Port or place field listing alternatives: "Hamburg, Rotterdam" means any one of them."""
    parts = re.split(r",|;|/|\bOR\b|\bAND\b", field_text.upper())
    return tuple(p.strip() for p in parts if p.strip())


def place_matches(required_field: str, found: str) -> bool:
    """A document place corresponds to one alternative of the credit field.

    A place on the document may add its country ("Ningbo, China" for "Ningbo").
    """
    if not required_field.strip():
        return True
    if required_field.strip().upper().startswith("ANY "):
        return bool(found.strip())  # "any Chinese port": geography is left to the examiner
    if same_text(required_field, found):
        return True
    head = found.split(",")[0]
    return any(same_text(alt, head) or same_text(alt, found) for alt in alternatives(required_field))


def issuer_requirement_met(requirement: str, issuer_name: str, beneficiary_name: str) -> bool:
    """Issuer named by the credit (art. 3, ISBP 821 A30-A31).

    "independent", "competent", "official" (etc.) issuers: anyone except the beneficiary.
    Otherwise the issuer's name must contain the significant words of the requirement.
    """
    wanted = tokens(requirement)
    if not wanted:
        return True
    is_beneficiary = same_text(beneficiary_name, issuer_name)
    if set(wanted) & _INDEPENDENT_WORDS:
        return not is_beneficiary
    if wanted == ("BENEFICIARY",):
        return is_beneficiary
    return covers(requirement, issuer_name)
