"""The module's own error types and the validator's finding.

``SwiftParseError`` is the only exception the parser raises on bad input (the fuzz target holds
it to that); ``Finding`` is one validation result in SWIFT's own vocabulary (code, tag, line).
"""

from __future__ import annotations

from dataclasses import dataclass


class SwiftParseError(ValueError):
    """The text is not a FIN message: blocks or field structure broken. ``line`` is 1-based."""

    def __init__(self, line: int, message: str) -> None:
        self.line = line
        self.reason = message
        super().__init__(f"line {line}: {message}")


@dataclass(frozen=True)
class Finding:
    """A validation result: a SWIFT error code where SWIFT has one (T26, M60, C90 ...), else a
    descriptive code of ours (MISSING, ORDER, REPEAT, UNKNOWN, U58, INJECTION)."""

    code: str
    tag: str
    line: int
    message: str

    def __str__(self) -> str:
        where = f"line {self.line}, " if self.line else ""
        return f"{self.code} ({where}field {self.tag}): {self.message}"


@dataclass(frozen=True)
class MappingProblem:
    """Why a terms value cannot be written to (or read from) a message without change."""

    path: str  # the terms field, e.g. "expiry_place", "documents[2]"
    tag: str  # the MT field it goes to
    message: str
    code: str = ""  # a SWIFT code when the problem is one (M60, T26 ...)


class TermsMappingError(ValueError):
    """Terms (or an amendment) that cannot be carried by the messages exactly; nothing is
    generated, so nothing reaches a bank changed or truncated."""

    def __init__(self, problems: list[MappingProblem]) -> None:
        self.problems = problems
        super().__init__("; ".join(f"{p.path} ({p.tag}): {p.message}" for p in problems))
