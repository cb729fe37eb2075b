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
from lc.examination.text import Match, covers, same_words, squashed, tokens

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
# Art. 14(j): contact details stated as part of an address are disregarded (telephone, telefax,
# e-mail and the like), from the word that introduces them to the end; a "No." before the number.
_CONTACT = re.compile(
    r"[,;]?\s*\b(?:TEL|TELEPHONE|PHONE|FAX|TELEFAX|TELEX|E-?MAIL|MOBILE|MOB|CONTACT|ATTN|WEBSITE|WEB)\b.*$"
    r"|\S+@\S+|\bHTTPS?://\S+|\bWWW\.\S+",
    re.IGNORECASE,
)
_HOUSE_NUMBER = re.compile(r"\bNO\.?\s*(?=\d)", re.IGNORECASE)
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

    The country may be written or left out (the party's country is compared on its own), spacing
    inside a place name does not count ("Wanchai" = "Wan Chai"), and contact details are
    disregarded (art. 14(j)). An address that states more than the credit's (a room or floor) or
    less (no district) but nothing else is for the examiner to judge.
    """
    a, b = _without_place(_address(credit_address)), _without_place(_address(document_address))
    if squashed(a) == squashed(b):
        return Match.SAME
    verdict = same_words(a, b)
    return Match.CLOSE if verdict == Match.DIFFERENT and (covers(a, b) or covers(b, a)) else verdict


def _address(text: str) -> str:
    return _HOUSE_NUMBER.sub("", _CONTACT.sub("", text)).strip(" ,;.")


@functools.lru_cache(maxsize=1024)
def _vessel(name: str) -> str:
    return re.sub(r"\W", "", _VESSEL_PREFIX.sub("", name.strip().upper()))


def same_vessel(a: str, b: str) -> bool:
    """ "MV Pacific Dawn" = "M/V PACIFIC DAWN" = "Pacific Dawn"."""
    return _vessel(a) == _vessel(b)


_PER = re.compile(r"^\s*(?:PER|BY|VIA)\s+", re.IGNORECASE)
# A voyage written after the vessel's name: "PACIFIC DAWN V.125E", "... VOY. 125E", "... / 125E",
# "... V.0521 S" (a voyage may be spaced, as voyage_key reads it).
_VOYAGE_AFTER = re.compile(
    r"(?:\s*[/,]\s*|\s+)(?:V(?:OY(?:AGE)?)?\s*(?:NO)?\s*[.:\-]?\s*)?(?P<voyage>[A-Z0-9-]*\d[A-Z0-9 -]*)\s*$",
    re.IGNORECASE,
)


def same_carrying_vessel(vessel: str, voyage: str, shown: str) -> bool:
    """``shown`` (an insurance document's "per" line) names the B/L's vessel, and its voyage if it
    gives one: "PER M.V. PACIFIC DAWN V.125E" for "MV Pacific Dawn" voyage "125E"."""
    shown = _PER.sub("", shown)
    if same_vessel(vessel, shown):
        return True
    match = _VOYAGE_AFTER.search(shown)
    if match is None or not same_vessel(vessel, shown[: match.start()]):
        return False
    return not voyage.strip() or voyage_key(match["voyage"]) == voyage_key(voyage)


def vessel_key(name: str) -> str:
    return _vessel(name)


@functools.lru_cache(maxsize=1024)
def voyage_key(voyage: str) -> str:
    """ "0521 S" = "0521S" = "0521-S"."""
    return re.sub(r"\W", "", voyage.upper())
