"""Blocks 1-5 of a FIN message into raw parts, every field with the line it starts on.

``{1:F01SENDERBICXXXX0000000000}{2:I700RECEIVERBICXN}{3:{108:MUR}}{4:`` CrLf, fields, CrLf
``-}`` and an optional ``{5:...}``. Lines may end in CrLf or, for pasted text, a bare Lf; a Cr
on its own stays in the text and is reported by the validator (M60).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, NamedTuple, cast

from lc.swift.errors import SwiftParseError

_PAIR = re.compile(r"\{([A-Za-z0-9]{1,3}):([^{}]*)\}")
_BLOCK = re.compile(r"[\r\n]*(?:\{([1-5]):)?")  # line breaks between blocks are skipped


@dataclass(frozen=True)
class Field:
    """A field as sent: its lines, and the line it starts on in the source (``line`` is not part
    of equality, so ``parse(serialise(m)) == m``)."""

    tag: str
    lines: tuple[str, ...]
    line: int = field(default=0, compare=False)
    value: str = field(init=False, repr=False, compare=False)  # the lines joined by "\n"

    def __post_init__(self) -> None:
        # Joined once here: the validator reads it for every field, and a cached_property
        # (with its lock on Python 3.11) cost more than the join.
        object.__setattr__(self, "value", "\n".join(self.lines))

    @classmethod
    def read(cls, tag: str, value: str, line: int) -> Field:
        """The field as the tokenizer reads it: ``value`` is its text with each line break a
        "\n" and no line holding one, so ``lines`` is ``value`` split at "\n", done on first
        use (the validator reads a 100-line 45A's value, rarely its lines)."""
        fld = cls.__new__(cls)
        attrs = fld.__dict__  # frozen: __setattr__ refuses, and the generated __init__ only sets these
        attrs["tag"], attrs["value"], attrs["line"] = tag, value, line
        return fld

    if not TYPE_CHECKING:  # hidden from mypy, which would let any attribute name through

        def __getattr__(self, name: str) -> tuple[str, ...]:
            # Only reached for an attribute not set: the lines of a field made by read().
            if name != "lines" or "value" not in self.__dict__:
                raise AttributeError(name)
            lines = self.__dict__["lines"] = tuple(self.value.split("\n"))
            return lines

    @property
    def letter(self) -> str:
        return self.tag[2:]


class RawMessage(NamedTuple):  # made for every message parsed: a tuple is cheaper than a frozen dataclass
    basic_header: str
    app_header: str
    user_header: tuple[tuple[str, str], ...]
    fields: tuple[Field, ...]
    trailer: tuple[tuple[str, str], ...]
    text_length: int  # characters of block 4 between "{4:" and "}" (the 10,000 limit)


class _Reader:
    def __init__(self, text: str) -> None:
        self.text = text
        self.pos = 0

    def line(self, pos: int | None = None) -> int:
        return self.text.count("\n", 0, self.pos if pos is None else pos) + 1

    def fail(self, message: str, pos: int | None = None) -> SwiftParseError:
        return SwiftParseError(self.line(pos), message)

    def block_start(self) -> str | None:
        """The id of the block starting here ("1" ... "5"), None at the end of the text."""
        m = cast(re.Match[str], _BLOCK.match(self.text, self.pos))  # it matches everywhere
        self.pos = m.end()
        if m.group(1) is None and self.pos < len(self.text):
            raise self.fail(f"expected a block such as '{{1:', found {self.text[self.pos:self.pos + 10]!r}")
        return m.group(1)

    def simple(self) -> str:
        end = self.text.find("}", self.pos)
        if end < 0 or "{" in self.text[self.pos:end] or "\n" in self.text[self.pos:end]:
            raise self.fail("unterminated header block")
        value = self.text[self.pos:end]
        self.pos = end + 1
        return value

    def pairs(self) -> tuple[tuple[str, str], ...]:
        out = []
        while True:
            m = _PAIR.match(self.text, self.pos)
            if not m:
                break
            out.append((m.group(1), m.group(2)))
            self.pos = m.end()
        if not self.text.startswith("}", self.pos):
            raise self.fail("malformed {tag:value} list in block 3 or 5")
        self.pos += 1
        return tuple(out)


def tokenize(text: str) -> RawMessage:
    return _usual(text) or _tokenize(text)


# The usual layout, read in a few C-level passes: blocks 1, 2, [3], 4, [5] in order, CrLf line
# ends only, no line of block 4 starting with '-' (so the last CrLf + '-}' is the first, and closes
# it). Anything else, and every error, goes to the general reader below (errors come from one place).
_HEAD = re.compile(r"[\r\n]*\{1:([^{}\n]*)\}[\r\n]*\{2:([^{}\n]*)\}[\r\n]*"
                   r"(?:\{3:((?:\{[A-Za-z0-9]{1,3}:[^{}]*\})*)\}[\r\n]*)?\{4:\r\n")
_TAIL = re.compile(r"-\}[\r\n]*(?:\{5:((?:\{[A-Za-z0-9]{1,3}:[^{}]*\})*)\}[\r\n]*)?")
# A Cr alone, a line starting with '-', or one starting with ':' and no field tag (with CrLf only,
# every Lf follows a Cr). sre's search for a literal runs several times faster than str.find here.
_BAD_LINE = re.compile(r"\r(?:(?!\n)|\n(?:-|:(?!\d{2}[A-Za-z]?:)))")
_FIELD_START = re.compile(r"\n:(\d{2}[A-Za-z]?):")  # what _TAG reads, after the line break


def _usual(text: str) -> RawMessage | None:
    head = _HEAD.match(text)
    if head is None:
        return None
    start = head.end() - 2  # the CrLf after '{4:'
    end = text.rfind("\r\n-}", start)  # searched from the end: only block 5 follows
    tail = _TAIL.fullmatch(text, end + 2) if end >= 0 else None
    if tail is None:
        return None
    fields = _crlf_fields(text[start + 2:end], text.count("\n", 0, start) + 2)
    if fields is None:
        return None
    return RawMessage(basic_header=head[1], app_header=head[2], user_header=_pairs(head[3]), fields=fields,
                      trailer=_pairs(tail[1]), text_length=end + 3 - start)


def _pairs(block: str | None) -> tuple[tuple[str, str], ...]:
    return tuple(_PAIR.findall(block)) if block else ()


def _crlf_fields(body: str, line: int) -> tuple[Field, ...] | None:
    """Block 4's fields when every line break is CrLf and every line starting with ':' starts a
    field (and none '-'), else None. Dropping every Cr makes each CrLf a Lf when no Cr stands
    alone and there are as many Lf as Cr (counted field by field); one split then gives each
    field's tag and value, its lines split only if read."""
    if not body:
        return ()
    text = body.replace("\r", "")
    if _BAD_LINE.search(body):
        return None
    parts = iter(_FIELD_START.split("\n" + text))  # "", tag, value, tag, value ...
    if next(parts):
        return None
    out = []
    breaks = -1  # the Lf between fields: one fewer than the fields
    for tag, value in zip(parts, parts, strict=True):
        count = value.count("\n")
        out.append(Field.read(tag, value, line))
        line += count + 1
        breaks += count + 1
    return tuple(out) if breaks == len(body) - len(text) else None


def _tokenize(text: str) -> RawMessage:
    """The general reader: any layout the format allows, and the error (with its line) for one
    it does not."""
    reader = _Reader(text)
    found: dict[str, object] = {}
    while (block := reader.block_start()) is not None:
        if found and block <= max(found):
            raise reader.fail(f"block {block} is repeated or out of order")
        if block in "12":
            found[block] = reader.simple()
        elif block in "35":
            found[block] = reader.pairs()
        else:
            found[block] = _text_block(reader)
    for needed in "124":
        if needed not in found:
            raise SwiftParseError(reader.line(), f"block {needed} is missing")
    text_block = cast(tuple[tuple[Field, ...], int], found["4"])
    return RawMessage(
        basic_header=cast(str, found["1"]),
        app_header=cast(str, found["2"]),
        user_header=cast(tuple[tuple[str, str], ...], found.get("3", ())),
        fields=text_block[0],
        trailer=cast(tuple[tuple[str, str], ...], found.get("5", ())),
        text_length=text_block[1],
    )


def _text_block(reader: _Reader) -> tuple[tuple[Field, ...], int]:
    text, start = reader.text, reader.pos
    first = reader.line()
    if text.startswith("\r\n", start):
        body_start = start + 2
    elif text.startswith("\n", start):
        body_start = start + 1
    else:
        raise reader.fail("block 4 must start with a line break after '{4:'")
    end = _block_end(text, body_start - 1)
    if end < 0:
        raise reader.fail("block 4 is not closed by '-}' on a line of its own")
    body = text[body_start:end] if end > body_start else ""
    reader.pos = text.index("-}", end) + 2
    return _fields(body, first + 1), reader.pos - start - 1


def _block_end(text: str, newline_at: int) -> int:
    """Index of the line break (CrLf or Lf) that precedes the closing '-}', -1 when none.

    The first one is the end: no line inside a field may start with '-'."""
    pos = text.find("\n-}", newline_at)
    if pos < 0:
        return -1
    return pos - 1 if text[pos - 1] == "\r" else pos


_TAG = re.compile(r"(\d{2}[A-Za-z]?):")


def _fields(body: str, first_line: int) -> tuple[Field, ...]:
    """Fields start at a line ':NN[a]:'; a field's other lines may not start with ':' or '-'.
    This is the parser's hot path: the block is cut with C-level str methods at CrLf, and read
    again with every CrLf made a Lf only when a bare Lf (pasted text) turns up."""
    if not body:
        return ()
    fields = _split(body, "\r\n", first_line)
    return fields if fields is not None else _split(body.replace("\r\n", "\n"), "\n", first_line) or ()


def _split(body: str, newline: str, line: int) -> tuple[Field, ...] | None:
    """The fields of ``body`` with lines ending in ``newline``; None when that is CrLf and a bare
    Lf is found. Fields are read in order, so the first broken line is the one reported."""
    chunks = (newline + body).split(newline + ":")
    if chunks[0]:
        raise SwiftParseError(line, "block 4 must start with a field tag such as ':20:'")
    out: list[Field] = []
    for chunk in chunks[1:]:
        m = _TAG.match(chunk)
        if m is None:
            raise SwiftParseError(line, f"a line of field {out[-1].tag} must not start with ':'" if out else
                                  "block 4 must start with a field tag such as ':20:'")
        lines = chunk[m.end():].split(newline)
        if newline == "\r\n" and "\n" in "".join(lines):
            return None
        dash = chunk.find(newline + "-")
        if dash >= 0:
            raise SwiftParseError(line + chunk.count(newline, 0, dash) + 1,
                                  f"a line of field {m.group(1)} must not start with '-'")
        out.append(Field(m.group(1), tuple(lines), line))
        line += len(lines)
    return tuple(out)
