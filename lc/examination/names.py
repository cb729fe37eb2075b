"""Names, addresses, vessels and voyages compared after normalisation.

Names match after case, spacing, punctuation and standard abbreviations are normalised
("Limited" = "Ltd", "Int'l" = "International"), and a place written after the name ("ABC Trading
Limited, Hong Kong") is not part of the name. What still differs by a typing error, or only by
its legal form ("Co. Ltd" against "Ltd"), is for the examiner to judge: a name is not a word in
a dictionary, and a wrong name may be another company.
"""

from __future__ import annotations

import functools
import re

from lc.examination.places import country_code, port_country
from lc.examination.text import Match, same_words, squashed, tokens

_LEGAL_FORMS = frozenset(
    {
        "LIMITED",
        "COMPANY",
        "CORPORATION",
        "INCORPORATED",
        "LLC",
        "GMBH",
        "PTE",
        "PVT",
        "PLC",
        "SA",
        "AG",
        "BV",
        "NV",
        "SRL",
        "SPA",
        "LLP",
        "KG",
        "SDN",
        "BHD",
        "TBK",
        "JSC",
        "OOO",
        "KK",
        "AB",
        "AS",
        "OY",
        # the long forms the abbreviations above are read as (text._ABBREVIATIONS)
        "AKTIENGESELLSCHAFT",
        "KABUSHIKI",
        "KAISHA",
        "LIABILITY",
        "PROPRIETARY",
        "BERHAD",
        "SENDIRIAN",
    }
)
_VESSEL_PREFIX = re.compile(r"^(?:M\W?V|M\W?S|S\W?S|M\W?T|MV|MS|SS|MT|VESSEL|V)\W+")


@functools.lru_cache(maxsize=4096)
def name_match(credit_name: str, document_name: str) -> Match:
    """How a name on a document corresponds to a party's name."""
    if not credit_name.strip() or not document_name.strip():
        return Match.DIFFERENT
    verdict = same_words(credit_name, document_name)
    if verdict == Match.SAME:
        return verdict
    a, b = _without_place(credit_name), _without_place(document_name)
    verdict = max(verdict, same_words(a, b))
    if verdict == Match.SAME:
        return verdict
    if _core(a) == _core(b) and _core(a):
        return Match.CLOSE  # the same name but for its legal form: the examiner judges
    return verdict


def _without_place(name: str) -> str:
    """Drop a country, city or port written after the name, after a comma."""
    parts = name.split(",")
    while len(parts) > 1 and _is_place(parts[-1]):
        parts.pop()
    return ",".join(parts)


def _is_place(text: str) -> bool:
    cleaned = text.strip()
    if len(cleaned) < 3 and cleaned.upper() != "HK":
        return False  # "Co" after a comma is a legal form, not Colombia
    return bool(country_code(cleaned) or port_country(cleaned))


def _core(name: str) -> tuple[str, ...]:
    return tuple(t for t in tokens(name) if t not in _LEGAL_FORMS)


def same_name(credit_name: str, document_name: str) -> bool:
    return name_match(credit_name, document_name) == Match.SAME


@functools.lru_cache(maxsize=2048)
def address_match(credit_address: str, document_address: str) -> Match:
    """An address "as stated in the credit" (art. 14(j)): the same after normalisation.

    The country may be written or left out (the party's country is compared on its own), and
    spacing inside a place name does not count ("Wanchai" = "Wan Chai").
    """
    a, b = _without_place(credit_address), _without_place(document_address)
    if squashed(a) == squashed(b):
        return Match.SAME
    return same_words(a, b)


@functools.lru_cache(maxsize=1024)
def _vessel(name: str) -> str:
    return re.sub(r"\W", "", _VESSEL_PREFIX.sub("", name.strip().upper()))


def same_vessel(a: str, b: str) -> bool:
    """ "MV Pacific Dawn" = "M/V PACIFIC DAWN" = "Pacific Dawn"."""
    return _vessel(a) == _vessel(b)


def vessel_key(name: str) -> str:
    return _vessel(name)


@functools.lru_cache(maxsize=1024)
def voyage_key(voyage: str) -> str:
    """ "0521 S" = "0521S" = "0521-S"."""
    return re.sub(r"\W", "", voyage.upper())
