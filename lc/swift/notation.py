"""SWIFT format notation (``16x``, ``4*35x``, ``3!a15d``, ``[/34x$]4*35x``) parsed into a small
tree, compiled to an anchored regular expression, and walked by the test generators.

``$`` stands for a line break (SWIFT writes it as a new line in the field format). Kinds:
``n`` digits, ``a`` upper-case letters, ``c`` upper-case letters and digits, ``d`` decimal with a
comma, ``x`` and ``z`` the character sets.
"""

from __future__ import annotations

import functools
import re
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


CLASSES = {"n": "[0-9]", "a": "[A-Z]", "c": "[A-Z0-9]", "d": "[0-9,]", "x": _set_class(X_CHARS),
           "z": _set_class(Z_CHARS)}


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
    return compiled(fmt).fullmatch(value) is not None
