"""Importing pasted or uploaded text: one or more FIN messages (an MT700 with its MT701s, an
MT707 with its MT708s ...), parsed and validated, line numbers counted in the whole text."""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass

from lc.swift.errors import Finding, SwiftParseError
from lc.swift.message import Message, parse
from lc.swift.validate import validate

_START = re.compile(r"\{1:")


@dataclass(frozen=True)
class Inbound:
    messages: tuple[Message, ...]
    findings: tuple[Finding, ...]  # lines counted in the whole text

    @property
    def valid(self) -> bool:
        return not self.findings


def split_messages(text: str) -> list[tuple[int, str]]:
    """(first line, text) of each message in ``text``."""
    starts = [m.start() for m in _START.finditer(text)] or [0]
    bounds = [*starts[1:], len(text)]
    return [(text.count("\n", 0, a), text[a:b]) for a, b in zip(starts, bounds, strict=True)]


def read_inbound(text: str) -> Inbound:
    """Parse and validate every message; ``SwiftParseError`` (line in the whole text) when one
    is not a FIN message at all."""
    messages: list[Message] = []
    findings: list[Finding] = []
    for offset, chunk in split_messages(text):
        try:
            message = parse(chunk)
        except SwiftParseError as exc:
            raise SwiftParseError(exc.line + offset, exc.reason) from exc
        findings += [dataclasses.replace(f, line=f.line + offset if f.line else 0) for f in validate(message)]
        if offset:
            moved = tuple(dataclasses.replace(f, line=f.line + offset) for f in message.fields)
            message = dataclasses.replace(message, fields=moved, text_length=message.text_length)
        messages.append(message)
    return Inbound(tuple(messages), tuple(findings))
