"""UCP 600 art. 3 date expressions normalised to inclusive intervals (check C06).

``normalise_date_phrase`` returns ``(start, end)``, both inclusive; ``None`` is an open end.
"""

from __future__ import annotations

import calendar
import re
from datetime import date, timedelta

_MONTHS = {name.upper(): i for i, name in enumerate(calendar.month_name) if name}
_MONTHS.update({name.upper(): i for i, name in enumerate(calendar.month_abbr) if name})
_MONTH_RE = "|".join(sorted(_MONTHS, key=len, reverse=True))
_DATE_PATTERNS = (
    (re.compile(r"^(\d{4})-(\d{2})-(\d{2})$"), ("y", "m", "d")),
    (re.compile(r"^(\d{2})(\d{2})(\d{2})$"), ("yy", "m", "d")),  # SWIFT YYMMDD
    (re.compile(r"^(\d{1,2})\.(\d{1,2})\.(\d{4})$"), ("d", "m", "y")),
    (re.compile(rf"^(\d{{1,2}})(?:ST|ND|RD|TH)?\s+({_MONTH_RE})\.?,?\s+(\d{{4}})$"), ("d", "mon", "y")),
    (re.compile(rf"^({_MONTH_RE})\.?\s+(\d{{1,2}})(?:ST|ND|RD|TH)?,?\s+(\d{{4}})$"), ("mon", "d", "y")),
)
_MONTH_YEAR = re.compile(rf"^({_MONTH_RE})\.?,?\s+(\d{{4}})$")
_PART_OF_MONTH = {
    "FIRST HALF": (1, 15),
    "SECOND HALF": (16, 31),
    "BEGINNING": (1, 10),
    "MIDDLE": (11, 20),
    "END": (21, 31),
}
_ON_OR_ABOUT_DAYS = 5
Interval = tuple[date | None, date | None]


def parse_date(text: str) -> date:
    """One calendar date in the usual forms (ISO, YYMMDD, "31 May 2025", "May 31, 2025")."""
    cleaned = " ".join(text.strip().upper().split())
    for pattern, parts in _DATE_PATTERNS:
        match = pattern.match(cleaned)
        if match:
            return _build(dict(zip(parts, match.groups(), strict=True)))
    raise ValueError(f"not a date: {text!r}")


def _build(parts: dict[str, str]) -> date:
    year = int(parts["y"]) if "y" in parts else 2000 + int(parts["yy"])
    month = _MONTHS[parts["mon"]] if "mon" in parts else int(parts["m"])
    return date(year, month, int(parts["d"]))


def _month(text: str) -> tuple[date, date]:
    match = _MONTH_YEAR.match(text)
    if not match:
        raise ValueError(f"not a month: {text!r}")
    year, month = int(match.group(2)), _MONTHS[match.group(1)]
    return date(year, month, 1), date(year, month, calendar.monthrange(year, month)[1])


def normalise_date_phrase(text: str, *, for_maturity: bool = False) -> Interval:
    """Art. 3: "on or about", "to/until/till/from/between", "before/after", halves, parts of a month.

    For shipment periods "from" includes the date; for maturity (``for_maturity=True``)
    "from" and "after" exclude it.
    """
    phrase = " ".join(text.strip().upper().replace("’", "'").split())
    phrase = re.sub(r"^(SHIPMENT|PERIOD|DURING|IN|WITHIN)\s+", "", phrase)
    for handler in (_on_or_about, _between, _from_to, _part_of_month, _single_bound):
        result = handler(phrase, for_maturity)
        if result is not None:
            return result
    try:
        return _month(phrase)
    except ValueError:
        day = parse_date(phrase)
        return day, day


def _on_or_about(phrase: str, _maturity: bool) -> Interval | None:
    if not phrase.startswith("ON OR ABOUT "):
        return None
    day = parse_date(phrase.removeprefix("ON OR ABOUT "))
    span = timedelta(days=_ON_OR_ABOUT_DAYS)
    return day - span, day + span


def _between(phrase: str, _maturity: bool) -> Interval | None:
    match = re.match(r"^BETWEEN (.+) AND (.+)$", phrase)
    if not match:
        return None
    return parse_date(match.group(1)), parse_date(match.group(2))


def _from_to(phrase: str, maturity: bool) -> Interval | None:
    match = re.match(r"^FROM (.+?) (?:TO|UNTIL|TILL|UP TO) (.+)$", phrase)
    if not match:
        return None
    start = parse_date(match.group(1))
    return (start + timedelta(days=1) if maturity else start), parse_date(match.group(2))


def _part_of_month(phrase: str, _maturity: bool) -> Interval | None:
    for name, (first, last) in _PART_OF_MONTH.items():
        for prefix in (f"THE {name} OF ", f"{name} OF ", f"{name} "):
            if phrase.startswith(prefix):
                month_start, month_end = _month(phrase.removeprefix(prefix))
                return month_start.replace(day=first), month_end.replace(day=min(last, month_end.day))
    return None


def _single_bound(phrase: str, maturity: bool) -> Interval | None:
    word, _, rest = phrase.partition(" ")
    if word in {"TO", "UNTIL", "TILL"} or phrase.startswith("UP TO "):
        return None, parse_date(phrase.removeprefix("UP TO ") if word == "UP" else rest)
    if word == "BEFORE":
        return None, parse_date(rest) - timedelta(days=1)
    if word == "AFTER":
        return parse_date(rest) + timedelta(days=1), None
    if word == "FROM":
        day = parse_date(rest)
        return (day + timedelta(days=1) if maturity else day), None
    if phrase.startswith("NOT LATER THAN ") or phrase.startswith("ON OR BEFORE "):
        return None, parse_date(phrase.split(" ", 3)[3])
    return None
