"""ISBP 821 text comparison: when do two pieces of document data "correspond"?

* Case, spacing and punctuation do not count ("VF-500" = "VF500", "0521 S" = "0521S").
* Accepted abbreviations match their long form either way (ISBP 821 A1: Ltd, Co., kgs, Int'l);
  singular and plural, and British and American spellings, are the same word.
* Tokens that contain a digit (models, numbers, marks) must match exactly: no typing error is
  tolerated in a model, a number or a quantity ("model 123" is not "model 321").
* A word of five letters or more may differ by one typing error (ISBP 821 A23: "mashine" for
  "machine"), unless the word written is itself an English word: then it names a different
  thing ("skirts" for "shirts") and is no typing error.
"""

from __future__ import annotations

import functools
import gzip
import json
import re
from enum import IntEnum
from importlib import resources

_TOKEN = re.compile(r"[^\W_][\w'\-./]*")
_STRIP = re.compile(r"[\W_]")
_ABBREVIATIONS: dict[str, tuple[str, ...]] = {
    "LTD": ("LIMITED",),
    "CO": ("COMPANY",),
    "CORP": ("CORPORATION",),
    "INC": ("INCORPORATED",),
    "INTL": ("INTERNATIONAL",),
    "MFG": ("MANUFACTURING",),
    "MFRS": ("MANUFACTURERS",),
    "IND": ("INDUSTRIAL",),
    "INDS": ("INDUSTRIES",),
    "DEPT": ("DEPARTMENT",),
    "BLDG": ("BUILDING",),
    "RD": ("ROAD",),
    "ST": ("STREET",),
    "AVE": ("AVENUE",),
    "FLR": ("FLOOR",),
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
    # Legal forms written short or in full (ISBP 821 A1): the same company either way.
    "AG": ("AKTIENGESELLSCHAFT",),
    "KK": ("KABUSHIKI", "KAISHA"),
    "JSC": ("JOINT", "STOCK", "COMPANY"),
    "LLC": ("LIMITED", "LIABILITY", "COMPANY"),
    "PLC": ("PUBLIC", "LIMITED", "COMPANY"),
    "PTY": ("PROPRIETARY",),
    "BHD": ("BERHAD",),
    "SDN": ("SENDIRIAN",),
}
_NOISE = frozenset({"THE", "AND", "OF", "BY", "FOR", "TO"})
_TYPO_MIN_LENGTH = 5
_KNOWN_WORD_MIN_COUNT = 100  # rarer entries of the word list are mostly typing errors themselves
_VARIANTS = (
    (re.compile(r"^ALUMINIUM"), "ALUMINUM"),
    (re.compile(r"^GREY"), "GRAY"),
    (re.compile(r"^JEWELLERY"), "JEWELRY"),
    (re.compile(r"^TYRE"), "TIRE"),
    (re.compile(r"(PROGRAM|CATALOG)(ME|UE)"), r"\1"),
    (re.compile(r"OUR(S?)$"), r"OR\1"),
    (re.compile(r"IS(E|ED|ES|ING|ATION|ATIONS)$"), r"IZ\1"),
    (re.compile(r"([^AEIOUY])RE(S?)$"), r"\1ER\2"),
    (re.compile(r"LL(ED|ING|ER|ERY)$"), r"L\1"),
)


class Match(IntEnum):
    """How two data correspond; ordered so that ``min`` of several is the weakest."""

    DIFFERENT = 0
    CLOSE = 1  # a typing error in a name, a port district: for the examiner to judge
    SAME = 2


@functools.lru_cache(maxsize=8192)
def tokens(text: str) -> tuple[str, ...]:
    """Normalised tokens: upper case, abbreviations expanded, noise words dropped."""
    out: list[str] = []
    for raw in _TOKEN.findall(text.upper().replace("&", " AND ")):
        for word in _split(raw):
            out.extend(part for part in _ABBREVIATIONS.get(word, (word,)) if part not in _NOISE)
    return tuple(out)


def _split(raw: str) -> list[str]:
    """A model or number stays one token ("VF-500"); hyphenated words split ("T-SHIRTS")."""
    if _has_digit(raw):
        return [_STRIP.sub("", raw)]
    return [w for w in (_STRIP.sub("", part) for part in re.split(r"[-/]", raw)) if w]


def squashed(text: str) -> str:
    """The tokens run together: spacing and punctuation removed ("0521 S" = "0521S")."""
    return "".join(tokens(text))


def _has_digit(word: str) -> bool:
    return any(c.isdigit() for c in word)


@functools.cache
def _word_counts() -> dict[str, int]:
    # pyspellchecker's English frequency list, read directly (no spell-checker object needed).
    data = resources.files("spellchecker").joinpath("resources/en.json.gz").read_bytes()
    loaded = json.loads(gzip.decompress(data))
    return {str(k): int(v) for k, v in loaded.items()} if isinstance(loaded, dict) else {}


def is_known_word(word: str) -> bool:
    return _word_counts().get(word.lower(), 0) >= _KNOWN_WORD_MIN_COUNT


def _variant(word: str) -> str:
    for pattern, replacement in _VARIANTS:
        word = pattern.sub(replacement, word)
    return word


def _singular(word: str) -> str:
    if len(word) > 4 and word.endswith("IES"):
        return word[:-3] + "Y"
    if len(word) > 4 and word.endswith(("SES", "XES", "ZES", "CHES", "SHES")):
        return word[:-2]
    return word[:-1] if len(word) > 3 and word.endswith("S") and not word.endswith("SS") else word


@functools.lru_cache(maxsize=16384)
def word_match(required: str, found: str) -> Match:
    if required == found:
        return Match.SAME
    if _has_digit(required) or _has_digit(found):
        return Match.DIFFERENT  # numbers and models must be exact
    if _variant(_singular(required)) == _variant(_singular(found)):
        return Match.SAME
    if min(len(required), len(found)) < _TYPO_MIN_LENGTH or not (
        _within_one_edit(required, found) or _within_one_edit(_variant(required), _variant(found))
    ):
        return Match.DIFFERENT
    return Match.DIFFERENT if is_known_word(found) else Match.CLOSE


def words_match(a: str, b: str) -> bool:
    """Same word, or a typing error that does not change the meaning (ISBP 821 A23)."""
    return word_match(a, b) != Match.DIFFERENT


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


@functools.lru_cache(maxsize=8192)
def same_words(required: str, found: str) -> Match:
    """The same words in the same order, up to abbreviations, spacing and typing errors."""
    a, b = tokens(required), tokens(found)
    if a == b or "".join(a) == "".join(b):
        return Match.SAME
    if len(a) != len(b):
        return Match.DIFFERENT
    return min((word_match(x, y) for x, y in zip(a, b, strict=True)), default=Match.SAME)


def same_text(required: str, found: str) -> bool:
    """Same words in the same order, a typing error tolerated (ports, tenors, terms)."""
    return same_words(required, found) != Match.DIFFERENT


@functools.lru_cache(maxsize=8192)
def covers(required: str, found: str) -> bool:
    """Every required word appears in ``found`` (which may say more): ISBP 821 C3.

    A word written as two ("ear phones" for "earphones"), or two written as one, is the same word.
    """
    available = list(tokens(found))
    wanted = list(tokens(required))
    i = 0
    while i < len(wanted):
        word = wanted[i]
        hit = next((j for j, w in enumerate(available) if words_match(word, w)), None)
        if hit is not None:
            del available[hit]
        elif (j := _joined(available, word)) is not None:
            del available[j : j + 2]
        elif i + 1 < len(wanted) and wanted[i] + wanted[i + 1] in available:
            available.remove(wanted[i] + wanted[i + 1])
            i += 1
        else:
            return False
        i += 1
    return True


def _joined(words: list[str], word: str) -> int | None:
    """Where two neighbouring words written together make ``word``."""
    return next((j for j in range(len(words) - 1) if words[j] + words[j + 1] == word), None)
