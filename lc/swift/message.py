"""Typed messages: a ``Message`` dataclass per message type, the parser and the serialiser.

A ``Field`` (from the tokenizer) keeps its lines as sent.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import ClassVar

from lc.swift.errors import SwiftParseError
from lc.swift.specs import SPECS
from lc.swift.tokenizer import Field as Field  # defined where it is read; imported from here
from lc.swift.tokenizer import tokenize

CRLF = "\r\n"
_BASIC = re.compile(r"F01([A-Z0-9]{12})(\d{4})(\d{6})")
_INPUT = re.compile(r"I(\d{3})([A-Z0-9]{12})([SUN]?)(\d?)(\d{0,3})")
_OUTPUT = re.compile(r"O(\d{3})(\d{4})(\d{6})([A-Z0-9]{12})(\d{4})(\d{6})(\d{6})(\d{4})([SUN]?)")


@dataclass(frozen=True)
class Message:
    """One FIN message. ``basic_header`` and ``app_header`` are blocks 1 and 2 as sent."""

    mt: ClassVar[str] = ""
    basic_header: str
    app_header: str
    fields: tuple[Field, ...]
    user_header: tuple[tuple[str, str], ...] = ()
    trailer: tuple[tuple[str, str], ...] = ()
    text_length: int = field(default=0, compare=False)

    @property
    def message_type(self) -> str:
        return self.app_header[1:4]

    @property
    def direction(self) -> str:
        return self.app_header[:1]

    @property
    def sender(self) -> str:
        """The sender's logical terminal address (BIC8 + terminal code + branch)."""
        if self.direction == "O":
            m = _OUTPUT.fullmatch(self.app_header)
            return m.group(4) if m else ""
        m = _BASIC.fullmatch(self.basic_header)
        return m.group(1) if m else ""

    @property
    def receiver(self) -> str:
        if self.direction == "O":
            m = _BASIC.fullmatch(self.basic_header)
            return m.group(1) if m else ""
        m = _INPUT.fullmatch(self.app_header)
        return m.group(2) if m else ""

    def all(self, tag: str) -> list[Field]:
        """Fields with this tag; "41a" stands for any letter option of 41."""
        by_tag, by_spec = self._by_tag()
        return list((by_spec if tag.endswith("a") and len(tag) == 3 else by_tag).get(tag, ()))

    def _by_tag(self) -> tuple[dict[str, list[Field]], dict[str, list[Field]]]:
        """The fields by tag as sent, and by the spec's lettered tag ("41a" for 41A or 41D),
        made once: the validator's rules and the terms mapping look fields up by tag many times.
        Kept in the instance's dict (not a cached_property, whose lock cost more than the work)."""
        got: tuple[dict[str, list[Field]], dict[str, list[Field]]] | None = self.__dict__.get("_fields_by_tag")
        if got is not None:
            return got
        spec = SPECS.get(self.message_type)
        index = spec.index if spec else {}
        by_tag: dict[str, list[Field]] = {}
        by_spec: dict[str, list[Field]] = {}
        for fld in self.fields:
            tag = fld.tag
            same = by_tag.get(tag)
            if same is None:
                by_tag[tag] = [fld]
            else:
                same.append(fld)
            found = index.get(tag)
            if found is not None and found[1].tag[-1] == "a":  # only lettered tags are looked up here
                by_spec.setdefault(found[1].tag, []).append(fld)
        got = self.__dict__["_fields_by_tag"] = by_tag, by_spec  # frozen: no __setattr__
        return got

    def get(self, tag: str) -> Field | None:
        by_tag, by_spec = self._by_tag()
        found = (by_spec if tag.endswith("a") and len(tag) == 3 else by_tag).get(tag)
        return found[0] if found else None

    def text(self, tag: str) -> str:
        got = self.get(tag)
        return got.value if got else ""

    @property
    def reference(self) -> str:
        return self.text("20")

    @property
    def related_reference(self) -> str:
        return self.text("21")


def _mt(name: str, number: str) -> type[Message]:
    cls = type(name, (Message,), {"mt": number, "__doc__": f"SWIFT MT{number}."})
    return dataclass(frozen=True)(cls)


MT700, MT701, MT707, MT708 = _mt("MT700", "700"), _mt("MT701", "701"), _mt("MT707", "707"), _mt("MT708", "708")
MT730, MT732, MT734, MT750 = _mt("MT730", "730"), _mt("MT732", "732"), _mt("MT734", "734"), _mt("MT750", "750")
MT752, MT754, MT756 = _mt("MT752", "752"), _mt("MT754", "754"), _mt("MT756", "756")
MESSAGE_CLASSES: dict[str, type[Message]] = {
    c.mt: c for c in (MT700, MT701, MT707, MT708, MT730, MT732, MT734, MT750, MT752, MT754, MT756)
}


def parse(text: str) -> Message:
    """A FIN message's text into its typed message; ``SwiftParseError`` (with the line) when the
    blocks or the field structure are broken. Field contents are checked by ``validate``."""
    raw = tokenize(text)
    if not (_BASIC.fullmatch(raw.basic_header)):
        raise SwiftParseError(1, f"block 1 {raw.basic_header!r} is not F01 + a 12-character address + session + sequence")
    if not (_INPUT.fullmatch(raw.app_header) or _OUTPUT.fullmatch(raw.app_header)):
        raise SwiftParseError(1, f"block 2 {raw.app_header!r} is neither an input nor an output application header")
    cls = MESSAGE_CLASSES.get(raw.app_header[1:4], Message)
    message = cls.__new__(cls)
    # What the generated (frozen) __init__ does, without its six object.__setattr__ calls: the
    # raw message's fields are the message's, by name.
    message.__dict__.update(zip(raw._fields, raw, strict=True))
    return message


def text_block(fields: tuple[Field, ...] | list[Field]) -> str:
    """Block 4's content from CrLf after '{4:' to the '-' of '-}'."""
    return CRLF + "".join(f":{f.tag}:{CRLF.join(f.lines)}{CRLF}" for f in fields) + "-"


def serialise(message: Message) -> str:
    parts = [f"{{1:{message.basic_header}}}", f"{{2:{message.app_header}}}"]
    if message.user_header:
        parts.append("{3:" + "".join(f"{{{k}:{v}}}" for k, v in message.user_header) + "}")
    parts.append("{4:" + text_block(message.fields) + "}")
    if message.trailer:
        parts.append("{5:" + "".join(f"{{{k}:{v}}}" for k, v in message.trailer) + "}")
    return "".join(parts)


def logical_terminal(bic: str, terminal: str = "A") -> str:
    """A 12-character LT address from an 8- or 11-character BIC (branch XXX when none)."""
    bic = bic.upper()
    return f"{bic[:8]}{terminal}{bic[8:11] or 'XXX'}"


def bic_of(address: str) -> str:
    """The BIC an LT address stands for: BIC8, or BIC11 for a branch other than XXX."""
    branch = address[9:12]
    return address[:8] if branch in ("", "XXX") else address[:8] + branch


def build(mt: str, *, sender_bic: str, receiver_bic: str, fields: list[Field] | tuple[Field, ...],
          user_header: tuple[tuple[str, str], ...] = ()) -> Message:
    """A new input message (session and sequence zero: the SWIFT interface assigns them)."""
    cls = MESSAGE_CLASSES.get(mt, Message)
    message = cls(basic_header=f"F01{logical_terminal(sender_bic)}0000000000",
                  app_header=f"I{mt}{logical_terminal(receiver_bic, 'X')}N", fields=tuple(fields),
                  user_header=user_header)
    object.__setattr__(message, "text_length", len(text_block(message.fields)))
    return message
