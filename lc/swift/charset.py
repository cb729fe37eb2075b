"""SWIFT character sets X and Z, and the check a terms value passes before any message is built.

X: ``a-z A-Z 0-9 / - ? : ( ) . , ' +``, space, and CrLf (only as that pair).
Z: X plus ``= ! " % & * < > ; { @ # _``.
"""

from __future__ import annotations

import re
import string

from lc.swift.errors import Finding

X_CHARS = frozenset(string.ascii_letters + string.digits + "/-?:().,'+ ")
Z_CHARS = X_CHARS | frozenset('=!"%&*<>;{@#_')

# A value that would open a field, a block, or close block 4 on a receiving system, whatever
# wrapping the receiver applies: a tag-like token at a word start, '{', '-}', and any CR/LF.
_TAG_TOKEN = re.compile(r"(?:^|\s):\d{2}[A-Za-z]?:")


def _outside(chars: frozenset[str]) -> re.Pattern[str]:
    return re.compile("[^" + "".join(re.escape(c) for c in sorted(chars)) + "\n]")


# Fast path for the validator: the first character outside the set, line breaks aside.
OUTSIDE = {X_CHARS: _outside(X_CHARS), Z_CHARS: _outside(Z_CHARS)}


def charset_of(fmt: str) -> frozenset[str]:
    """The set a field's characters are checked against (M60): Z for z formats, else X."""
    return Z_CHARS if "z" in fmt else X_CHARS


def bad_chars(value: str, allowed: frozenset[str]) -> list[str]:
    """Characters of ``value`` outside ``allowed``, each once, in order of appearance."""
    seen: list[str] = []
    for ch in value:
        if ch not in allowed and ch not in seen:
            seen.append(ch)
    return seen


def describe(chars: list[str]) -> str:
    return ", ".join(repr(c) if c.isprintable() else f"U+{ord(c):04X}" for c in chars)


def injection_problem(value: str) -> str:
    """Why ``value`` could smuggle structure into a message, or "" when it cannot."""
    if "\r" in value or "\n" in value:
        return "line breaks are not allowed (the message wraps lines itself)"
    if _TAG_TOKEN.search(value):
        return "a ':NN:' field tag is not allowed in a value"
    if "{" in value:
        return "'{' is not allowed (it opens a FIN block)"
    if "-}" in value:
        return "'-}' is not allowed (it closes the text block)"
    return ""


def check_field_text(tag: str, value: str) -> list[Finding]:
    """Check a terms value bound for MT field ``tag`` (e.g. "31D", "45A") before any message is
    generated: field injection (CR/LF, ':NN:', '{', '-}') and characters outside the field's
    set (M60). An empty list means the value can be written. For the services and the API."""
    from lc.swift.specs import field_format

    findings = []
    problem = injection_problem(value)
    if problem:
        findings.append(Finding("INJECTION", tag, 0, problem))
    fmt = field_format(tag)
    charset = charset_of(fmt)
    if not OUTSIDE[charset].search(value):  # the usual case, in C: nothing outside the set
        return findings
    bad = bad_chars(value, charset | {"\r", "\n"})  # line breaks are reported above, once
    if bad:
        findings.append(Finding("M60", tag, 0, f"characters outside the {'Z' if 'z' in fmt else 'X'} set: {describe(bad)}"))
    return findings
