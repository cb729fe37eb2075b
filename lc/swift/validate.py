"""The validator: SWIFT's own error codes with the tag and the line.

Field level: M60 (character outside X/Z), T26 (20/21 slashes), T27/T28/T29 (BIC: T27 characters
not 4!a2!a2!c[3!c], T28 length not 8 or 11, T29 country code not ISO 3166), T50 date, T52
currency, T40 amount without its decimal comma, C03 more decimals than the currency has, T08 code
word, T12 any other departure from the field's format (SWIFT's "field, line, subfield or
component content error"). Message level: M50 (text block over 10,000 characters), C90, D06, C02,
C17 (MT734: 73A needs 33a), and ours where SWIFT has no code: MISSING (mandatory field absent),
ORDER (field out of sequence), REPEAT, UNKNOWN (tag or message type not known), OPTION (letter
option not allowed), U58 (the usage rule "58a when 49 is CONFIRM or MAY ADD").
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from schwifty import BIC
from schwifty.exceptions import InvalidCountryCode, SchwiftyException

from lc.swift.charset import OUTSIDE, bad_chars, charset_of, describe
from lc.swift.errors import Finding
from lc.swift.message import Field, Message
from lc.swift.money import is_currency, minor_units
from lc.swift.notation import fast_test
from lc.swift.specs import BIC as BIC_FORMAT
from lc.swift.specs import OPT_A, SPECS, FieldSpec, MessageSpec

TEXT_LIMIT = 10_000
_BIC = re.compile(r"[A-Z]{6}[A-Z0-9]{2}(?:[A-Z0-9]{3})?")
_DATED = ("6!n", "6!n3!a15d", "6!n29x")


@dataclass(frozen=True, slots=True)
class Slot:
    """A concrete tag's place in a message type and what its checks need, worked out once per
    message type: deriving them for every field was most of the validator's own time."""

    index: int  # position in the message spec (order, repetition, where a missing field goes)
    spec: FieldSpec
    fmt: str
    fits: Callable[[str], object]  # the format test (notation.fast_test): truthy when it matches
    allowed: frozenset[str]  # the M60 character set
    bic_line: str  # the line holding a BIC: "first" (41A), "last" (option A), "" when none
    dated: bool  # starts with a YYMMDD date (T50)
    amount_at: int | None  # where a currency and amount (3!a15d) start
    plain: bool  # the format test is the only check (no T26, BIC, date, amount or code word)


@functools.cache
def slots(mt: str) -> dict[str, Slot]:
    """Every concrete tag of message type ``mt`` ("41A", "41D", "20") -> its slot."""
    out = {}
    for tag, (index, spec) in SPECS[mt].index.items():
        fmt = spec.format_for(tag)
        assert fmt is not None
        bic_line = "last" if fmt == OPT_A else "first" if fmt.startswith(BIC_FORMAT + "$") else ""
        amount_at = (6 if fmt.startswith("6!n") else 0) if "3!a15d" in fmt else None
        dated = fmt.startswith(_DATED)
        plain = not (tag in ("20", "21") or bic_line or dated or amount_at is not None or spec.codes)
        out[tag] = Slot(index, spec, fmt, fast_test(fmt), charset_of(fmt), bic_line, dated, amount_at, plain)
    return out


def validate(message: Message) -> list[Finding]:
    spec = SPECS.get(message.message_type)
    if spec is None:
        return [Finding("UNKNOWN", "", 1, f"message type MT{message.message_type} is not a documentary credit message")]
    findings, field_findings = _read_fields(message, spec)
    findings += field_findings  # after the structure's, as before: sorted() keeps ties in this order
    for rule in _RULES.get(spec.mt, _OTHER_RULES):
        findings.extend(rule(message, spec))
    if message.text_length > TEXT_LIMIT:
        findings.append(Finding("M50", "", 1, f"text block of {message.text_length} characters exceeds {TEXT_LIMIT}"))
    return sorted(findings, key=lambda f: (f.line, f.tag, f.code))


def _read_fields(message: Message, spec: MessageSpec) -> tuple[list[Finding], list[Finding]]:
    """One pass over the fields: the structure's findings (not allowed, repeated, out of order,
    then missing) and each field's own."""
    table, structure, checked = slots(spec.mt), list[Finding](), list[Finding]()
    last, seen = -1, dict[int, int]()
    for fld in message.fields:
        slot = table.get(fld.tag)
        if slot is None:
            lettered = any(s.tag.endswith("a") and s.number == fld.tag[:2] for s in spec.fields)
            code = "OPTION" if lettered else "UNKNOWN"
            structure.append(Finding(code, fld.tag, fld.line, f"field {fld.tag} is not allowed in MT{spec.mt}"))
            continue
        index, fspec = slot.index, slot.spec
        count = seen[index] = seen.get(index, 0) + 1
        if count > fspec.max_repeat:
            structure.append(Finding("REPEAT", fld.tag, fld.line, f"field {fspec.tag} may appear {fspec.max_repeat} time(s)"))
        elif index < last:
            structure.append(Finding("ORDER", fld.tag, fld.line, f"field {fld.tag} is out of sequence (after a later field)"))
        if index > last:
            last = index
        fits = slot.fits(fld.value)
        if not (fits and slot.plain):  # a plain field that fits has nothing more to check
            checked += _check(fld, slot, fits)
    for index, fspec in _mandatory(spec.mt):
        if index not in seen:
            structure.append(Finding("MISSING", fspec.tag, _where(message, spec, index),
                                     f"mandatory field {fspec.tag} ({fspec.name}) is missing"))
    return structure, checked


@functools.cache
def _mandatory(mt: str) -> tuple[tuple[int, FieldSpec], ...]:
    return tuple((index, fspec) for index, fspec in enumerate(SPECS[mt].fields) if fspec.mandatory)


def _where(message: Message, spec: MessageSpec, index: int) -> int:
    """The line where a missing field belongs: that of the first field that should follow it."""
    for fld in message.fields:
        found = spec.spec_for(fld.tag)
        if found and found[0] > index:
            return fld.line
    return message.fields[-1].line + len(message.fields[-1].lines) if message.fields else 1


def check_field(fld: Field, slot: Slot) -> list[Finding]:
    return _check(fld, slot, slot.fits(fld.value))


def _check(fld: Field, slot: Slot, fits: object) -> list[Finding]:
    value = fld.value  # the format's classes are within X/Z: a match (fits) has no M60
    if not fits and OUTSIDE[slot.allowed].search(value):
        return [_m60(fld, slot.fmt, slot.allowed)]
    if fld.tag in ("20", "21") and (value.startswith("/") or value.endswith("/") or "//" in value):
        return [Finding("T26", fld.tag, fld.line, "must not start or end with '/' nor contain '//'")]
    if slot.bic_line:
        offset = len(fld.lines) - 1 if slot.bic_line == "last" else 0
        problem = bic_problem(fld.lines[offset])
        if problem:
            return [Finding(problem[0], fld.tag, fld.line + offset, problem[1])]
    if not fits:
        return [Finding("T12", fld.tag, fld.line, f"does not match the format {slot.fmt.replace('$', ' / ')}")]
    return _semantics(fld, slot)


def _m60(fld: Field, fmt: str, allowed: frozenset[str]) -> Finding:
    offset, text = next((i, t) for i, t in enumerate(fld.lines) if bad_chars(t, allowed))
    name = "Z" if "z" in fmt else "X"
    return Finding("M60", fld.tag, fld.line + offset, f"characters outside the {name} set: {describe(bad_chars(text, allowed))}")


@functools.lru_cache(maxsize=4096)
def bic_problem(bic: str) -> tuple[str, str] | None:
    """Cached: schwifty's registry look-up costs as much as validating the rest of an MT700."""
    if len(bic) not in (8, 11):
        return "T28", f"BIC {bic!r} must have 8 or 11 characters"
    if not _BIC.fullmatch(bic):
        return "T27", f"BIC {bic!r} is not 4!a2!a2!c[3!c]"
    try:
        BIC(bic)
    except InvalidCountryCode:
        return "T29", f"BIC {bic!r} has no valid ISO 3166 country code"
    except SchwiftyException:
        return "T27", f"BIC {bic!r} is not a valid BIC"
    return None


def _semantics(fld: Field, slot: Slot) -> list[Finding]:
    value, out = fld.value, []
    if slot.dated and not _is_date(value[:6]):
        out.append(Finding("T50", fld.tag, fld.line, f"{value[:6]!r} is not a date (YYMMDD)"))
    if slot.amount_at is not None:
        at = slot.amount_at
        out.extend(_amount(fld, value[at:at + 3], value[at + 3:]))
    codes = slot.spec.codes
    if codes:
        code = _code_part(slot.spec.tag, fld)
        if code not in codes:
            out.append(Finding("T08", fld.tag, fld.line, f"{code!r} is not one of {', '.join(codes)}"))
    return out


def _amount(fld: Field, currency: str, amount: str) -> list[Finding]:
    if not is_currency(currency):
        return [Finding("T52", fld.tag, fld.line, f"{currency!r} is not an ISO 4217 currency code")]
    if amount.count(",") != 1 or not amount[0].isdigit():
        return [Finding("T40", fld.tag, fld.line, f"amount {amount!r} needs digits and exactly one decimal comma")]
    decimals = len(amount.split(",")[1])
    if decimals > minor_units(currency):
        return [Finding("C03", fld.tag, fld.line, f"{currency} has {minor_units(currency)} decimal(s), the amount has {decimals}")]
    return []


def _code_part(tag: str, fld: Field) -> str:
    if tag == "40E":
        return fld.value.split("/")[0]
    if tag == "41a":
        return fld.lines[-1]
    if tag == "77B":
        m = re.match(r"/([A-Z]+)/", fld.lines[0])
        return m.group(1) if m else fld.lines[0]
    return fld.lines[0]


def _is_date(text: str) -> bool:
    try:
        date(2000 + int(text[:2]), int(text[2:4]), int(text[4:6]))
    except ValueError:
        return False
    return True


_CURRENCY = re.compile(r"(?:^|^\d{6})([A-Z]{3})\d")
_SEQUENCE = re.compile(r"(\d)/(\d)")


def _one_currency(message: Message, spec: MessageSpec) -> list[Finding]:
    """C02: the currency code must be the same in every amount field of the message."""
    seen: list[tuple[str, Field]] = []
    for tag in spec.amount_tags:
        for fld in message.all(tag):
            m = _CURRENCY.search(fld.value)
            if m:
                seen.append((m.group(1), fld))
    first = seen[0][0] if seen else ""
    return [Finding("C02", fld.tag, fld.line, f"currency {ccy} differs from {first}") for ccy, fld in seen if ccy != first]


_C90_ALLOWED = {(True, True, False, False), (False, False, True, False), (False, False, False, True),
                (False, False, False, False)}


def _c90(message: Message, _spec: MessageSpec) -> list[Finding]:
    """C90: 42C with 42a, or 42M alone, or 42P alone (or none of them)."""
    c, a, m, p = (message.get(t) for t in ("42C", "42a", "42M", "42P"))
    if (c is not None, a is not None, m is not None, p is not None) in _C90_ALLOWED:
        return []
    first = next(f for f in (c, a, m, p) if f is not None)
    return [Finding("C90", first.tag, first.line, "42C and 42a together, or 42M alone, or 42P alone")]


def _d06(message: Message, _spec: MessageSpec) -> list[Finding]:
    """D06: 44C (latest date) and 44D (shipment period) are exclusive."""
    c, d = message.get("44C"), message.get("44D")
    if c is not None and d is not None:
        return [Finding("D06", "44D", d.line, "44C and 44D must not both be present")]
    return []


def _u58(message: Message, _spec: MessageSpec) -> list[Finding]:
    """Usage rule (not network validated, so no SWIFT code): 58a when 49 is CONFIRM or MAY ADD."""
    f49 = message.get("49")
    if f49 is not None and f49.value in ("CONFIRM", "MAY ADD") and message.get("58a") is None:
        return [Finding("U58", "58a", f49.line, f"49 is {f49.value}: the requested confirmation party 58a is required")]
    return []


def _c17(message: Message, _spec: MessageSpec) -> list[Finding]:
    """MT734: when 73A (charges claimed) is present, 33a (total amount claimed) must be too."""
    f73 = message.get("73A")
    if f73 is not None and message.get("33a") is None:
        return [Finding("C17", "33a", f73.line, "73A (charges claimed) requires 33a (total amount claimed)")]
    return []


def _sequence(message: Message, spec: MessageSpec) -> list[Finding]:
    """27: MT700/707 are 1/n and MT701/708 k/n with 2 <= k <= n <= 8 (at most seven continuations)."""
    f27 = message.get("27")
    m = _SEQUENCE.fullmatch(f27.value) if f27 else None
    if f27 is None or m is None:
        return []
    k, n = int(m.group(1)), int(m.group(2))
    first = spec.mt in ("700", "707")
    if (k == 1) if first else (2 <= k <= n):
        if 1 <= n <= 8:
            return []
    return [Finding("T12", "27", f27.line, f"sequence {k}/{n} is not valid in MT{spec.mt}")]


Rule = Callable[[Message, MessageSpec], list[Finding]]
_OTHER_RULES: tuple[Rule, ...] = (_one_currency,)  # every message type
_RULES: dict[str, tuple[Rule, ...]] = {
    "700": (_c90, _d06, _u58, _sequence, _one_currency),
    "701": (_sequence, _one_currency),
    "707": (_sequence, _one_currency),
    "708": (_sequence, _one_currency),
    "734": (_c17, _one_currency),
}
