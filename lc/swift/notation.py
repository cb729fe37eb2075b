"""SWIFT format notation (``16x``, ``4*35x``, ``3!a15d``, ``[/34x$]4*35x``) parsed into a small
tree, compiled to an anchored regular expression, and walked by the test generators.

``$`` stands for a line break (SWIFT writes it as a new line in the field format). Kinds:
``n`` digits, ``a`` upper-case letters, ``c`` upper-case letters and digits, ``d`` decimal with a
comma, ``x`` and ``z`` the character sets.
"""

from __future__ import annotations

import functools
import re
import string
from collections.abc import Callable
from dataclasses import dataclass

from lc.swift.charset import X_CHARS, Z_CHARS


@dataclass(frozen=True)
class Item:
    kind: str  # n a c d x z
    low: int  # characters per line, at least
    high: int  # characters per line, at most
    lines: int = 1  # n*35x: up to n lines


@dataclass(frozen=True)
class Lit:
    text: str


@dataclass(frozen=True)
class Opt:
    parts: tuple[Node, ...]


@dataclass(frozen=True)
class Newline:
    pass


Node = Item | Lit | Opt | Newline
_ITEM = re.compile(r"(\d+)(?:(!)|\*(\d+))?([nacdxz])")


def _set_class(chars: frozenset[str]) -> str:
    return "[" + "".join(re.escape(c) for c in sorted(chars)) + "]"


KIND_CHARS = {"n": frozenset(string.digits), "a": frozenset(string.ascii_uppercase),
              "c": frozenset(string.ascii_uppercase + string.digits), "d": frozenset(string.digits + ","),
              "x": X_CHARS, "z": Z_CHARS}
CLASSES = {kind: _set_class(chars) for kind, chars in KIND_CHARS.items()}


@functools.cache
def parse_notation(fmt: str) -> tuple[Node, ...]:
    nodes, end = _sequence(fmt, 0)
    if end != len(fmt):
        raise ValueError(f"unbalanced ']' in {fmt!r}")
    return nodes


def _sequence(fmt: str, pos: int) -> tuple[tuple[Node, ...], int]:
    out: list[Node] = []
    while pos < len(fmt) and fmt[pos] != "]":
        ch = fmt[pos]
        if ch == "[":
            inner, pos = _sequence(fmt, pos + 1)
            if pos >= len(fmt):
                raise ValueError(f"unclosed '[' in {fmt!r}")
            out.append(Opt(inner))
            pos += 1
        elif ch == "$":
            out.append(Newline())
            pos += 1
        elif ch.isdigit():
            m = _ITEM.match(fmt, pos)
            if not m:
                raise ValueError(f"bad item at {pos} in {fmt!r}")
            out.append(_item(m))
            pos = m.end()
        else:
            out.append(Lit(ch))
            pos += 1
    return tuple(out), pos


def _item(m: re.Match[str]) -> Item:
    count, exact, width, kind = m.group(1), m.group(2), m.group(3), m.group(4)
    if width:  # 4*35x: up to 4 lines of up to 35
        return Item(kind, 1, int(width), int(count))
    return Item(kind, int(count) if exact else 1, int(count))


def _regex(nodes: tuple[Node, ...]) -> str:
    parts = []
    for node in nodes:
        if isinstance(node, Lit):
            parts.append(re.escape(node.text))
        elif isinstance(node, Newline):
            parts.append("\n")
        elif isinstance(node, Opt):
            parts.append(f"(?:{_regex(node.parts)})?")
        else:
            one = f"{CLASSES[node.kind]}{{{node.low},{node.high}}}"
            parts.append(one if node.lines == 1 else f"{one}(?:\n{one}){{0,{node.lines - 1}}}")
    return "".join(parts)


@functools.cache
def compiled(fmt: str) -> re.Pattern[str]:
    """The anchored pattern a field value (lines joined by "\\n") must match."""
    return re.compile(_regex(parse_notation(fmt)))


def matches(fmt: str, value: str) -> bool:
    return matcher(fmt)(value)


@functools.cache
def matcher(fmt: str) -> Callable[[str], bool]:
    """Whether a field value (lines joined by "\\n") matches ``fmt``: ``compiled(fmt)``'s answer."""
    test = fast_test(fmt)
    return lambda value: bool(test(value))


@functools.cache
def fast_test(fmt: str) -> Callable[[str], object]:
    """``matcher`` without the bool: a truthy result for a match, called as is by the validator.
    A block of lines (``100*65z``, ``4*35x``) is tested faster than by the pattern: one
    bytes.translate deletes the kind's characters (nothing may be left), then the lines' shape is
    matched with possessive runs of "not a line break". The engine steps over a negated literal
    faster than over a character class, and a translate that deletes ran about three times faster
    than one that maps. tests/swift hold the two tests to the same answers."""
    nodes = parse_notation(fmt)
    if len(nodes) != 1 or not isinstance(nodes[0], Item) or nodes[0].lines == 1:
        return compiled(fmt).fullmatch
    item = nodes[0]
    # Possessive: a run never holds a line break, so giving characters back could not help a match.
    line = f"[^\\n]{{{item.low},{item.high}}}+"
    shape = re.compile(f"(?:{line}\\n){{0,{item.lines - 1}}}+{line}".encode("ascii"))
    kind = bytes(sorted(ord(c) for c in KIND_CHARS[item.kind])) + b"\n"
    # Every kind is ASCII: a value that is not cannot match.
    return lambda value: (value.isascii() and not (data := value.encode("ascii")).translate(None, kind)
                          and shape.fullmatch(data))
