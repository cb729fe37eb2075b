"""The 10,000-character text block: an MT700's narrative fields (45A, 46A, 47A) continue in
MT701s, an MT707's (45B ... 49N) in MT708s; 27 numbers them 1/n ... n/n, n at most 8.
Continuations are cut between '+' items where one fits, and each narrative field keeps to
its 100 lines per message."""

from __future__ import annotations

from collections.abc import Sequence

from lc.swift.errors import MappingProblem, TermsMappingError
from lc.swift.fieldcodec import Writer, items
from lc.swift.message import Field, Message, text_block
from lc.swift.validate import TEXT_LIMIT

MAX_MESSAGES = 8
MAX_LINES = 100
CREDIT_NARRATIVES = ("45A", "46A", "47A", "49G", "49H")
AMENDMENT_NARRATIVES = ("45B", "46B", "47B", "49M", "49N")


def field_length(tag: str, lines: Sequence[str]) -> int:
    return len(tag) + 2 + sum(len(ln) + 2 for ln in lines)


class _Part:
    def __init__(self, head: list[Field]) -> None:
        self.head = head
        self.body: dict[str, list[str]] = {}
        self.length = len(text_block(head))

    def room(self, tag: str, lines: list[str]) -> bool:
        extra = sum(len(ln) + 2 for ln in lines) + (0 if tag in self.body else len(tag) + 2)
        return self.length + extra <= TEXT_LIMIT and len(self.body.get(tag, [])) + len(lines) <= MAX_LINES

    def add(self, tag: str, lines: list[str]) -> None:
        self.length += sum(len(ln) + 2 for ln in lines) + (0 if tag in self.body else len(tag) + 2)
        self.body.setdefault(tag, []).extend(lines)

    def fields(self) -> list[Field]:
        return [*self.head, *(Field(tag, tuple(lines)) for tag, lines in self.body.items())]


def split(fields: list[Field], narratives: tuple[str, ...], continuation_head: list[Field], w: Writer,
          after: str = "") -> list[list[Field]]:
    """``fields`` (27 first) as one message and continuations. Narrative fields stay in place in
    the first message when everything fits; otherwise they move out item by item."""
    if len(text_block(fields)) <= TEXT_LIMIT and all(len(f.lines) <= MAX_LINES for f in fields):
        return [fields]
    fixed = [f for f in fields if f.tag not in narratives]
    tail = [f for f in fields if f.tag in narratives]
    # Fields the spec places after the narratives (71D, 48, 49 ... in MT700) stay with the first.
    parts = [_Part(fixed)]
    for fld in tail:
        for group in items(list(fld.lines)):
            _place(parts, fld.tag, group, continuation_head)
    if len(parts) > MAX_MESSAGES:
        w.problem("", narratives[0], f"the text needs {len(parts)} messages; SWIFT allows {MAX_MESSAGES} (1 + 7 continuations)")
        return []
    total = len(parts)
    out = []
    for index, part in enumerate(parts):
        head = [Field("27", (f"{index + 1}/{total}",)), *part.head[1:]]
        out.append(_ordered(head, part, narratives, after) if index == 0 else [*head, *part.fields()[len(head):]])
    return out


def _ordered(head: list[Field], part: _Part, narratives: tuple[str, ...], after: str) -> list[Field]:
    """The first message with its narrative fields back in their place (before ``after``)."""
    body = [Field(tag, tuple(lines)) for tag, lines in part.body.items()]
    cut = next((i for i, f in enumerate(head) if f.tag == after), len(head))
    return [*head[:cut], *body, *head[cut:]]


def _place(parts: list[_Part], tag: str, group: list[str], head: list[Field]) -> None:
    part = parts[-1]
    if part.room(tag, group):
        part.add(tag, group)
        return
    fresh = _Part(head)
    if fresh.room(tag, group):
        parts.append(fresh)
        fresh.add(tag, group)
        return
    for line in group:  # an item too long for any one message: cut between its lines
        if not parts[-1].room(tag, [line]):
            parts.append(_Part(head))
        parts[-1].add(tag, [line])


def split_credit(fields: list[Field], w: Writer) -> list[list[Field]]:
    reference = next(f for f in fields if f.tag == "20")
    after = next((f.tag for f in fields if f.tag in ("71D", "48", "49")), "")
    return split(fields, CREDIT_NARRATIVES, [Field("27", ("2/2",)), reference], w, after)


def assemble_narratives(messages: Sequence[Message], first: str = "700") -> tuple[Message, dict[str, list[str]]]:
    """The first message and each narrative field's lines across it and its continuations, in
    27 order; a missing or extra continuation is refused."""
    ordered = sorted(messages, key=_sequence)
    if not ordered or ordered[0].message_type != first:
        raise TermsMappingError([_problem(f"an MT{first} is needed")])
    total = _sequence(ordered[0])[1]
    if [_sequence(m) for m in ordered] != [(k, total) for k in range(1, total + 1)]:
        raise TermsMappingError([_problem(f"27 says {total} message(s); got {len(ordered)} that do not number 1..{total}")])
    lines: dict[str, list[str]] = {}
    for message in ordered:
        for fld in message.fields:
            if fld.tag in CREDIT_NARRATIVES + AMENDMENT_NARRATIVES:
                lines.setdefault(fld.tag, []).extend(fld.lines)
    return ordered[0], lines


def _sequence(message: Message) -> tuple[int, int]:
    text = message.text("27")
    try:
        k, n = text.split("/")
        return int(k), int(n)
    except ValueError:
        return 0, 0


def _problem(message: str) -> MappingProblem:
    return MappingProblem("", "27", message)
