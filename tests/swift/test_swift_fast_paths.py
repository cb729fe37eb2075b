"""The parser's fast paths give what the general reader gives (issue 18 bench): the usual layout
read in a few passes, fields whose lines are split only when read, messages made without the
frozen __init__."""

from __future__ import annotations

import copy
import dataclasses
import pickle
import random

import pytest

from lc.swift import Field, parse, serialise, terms_to_mt700, validate
from lc.swift.fuzz import mutate
from lc.swift.message import Message
from lc.swift.samples import long_credit, seed_messages
from lc.swift.tokenizer import RawMessage, _tokenize, _usual


def _layouts() -> list[str]:
    """Every seed message, also with blocks 3 and 5, line breaks between blocks, and Lf only."""
    out = []
    for text in [*seed_messages(), *(serialise(m) for m in terms_to_mt700(long_credit()))]:
        at = text.index("{4:")
        out += [text, text[:at] + "{3:{108:MUR}{121:ab-1}}" + text[at:] + "{5:{CHK:123456789ABC}{TNG:}}",
                "\r\n" + text[:at] + "\r\n{3:}\n" + text[at:] + "\r\n{5:}\r\n", text.replace("\r\n", "\n")]
    return out


def _same(fast: RawMessage, general: RawMessage) -> None:
    assert fast == general
    assert [(f.tag, f.lines, f.line, f.value) for f in fast.fields] == [
        (f.tag, f.lines, f.line, f.value) for f in general.fields]


def test_the_usual_layout_is_read_as_the_general_reader_reads_it() -> None:
    layouts = _layouts()
    assert all(_usual(text) is not None for text in layouts if "\r\n" in text)  # the fast path is taken
    for text in layouts:
        got = _usual(text)
        if got is not None:
            _same(got, _tokenize(text))


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_on_mutated_messages_the_fast_path_agrees_or_stands_aside(seed: int) -> None:
    rng, layouts, taken = random.Random(seed), _layouts(), 0
    for _ in range(3000):
        text = mutate(rng, rng.choice(layouts))
        if rng.random() < 0.2:  # the line breaks the fast path must notice: lone Cr, bare Lf, '-' lines
            at = rng.randrange(len(text) + 1)
            text = text[:at] + rng.choice(["\r", "\n", "\r\n-", "\n:", "\r\r\n", "\r\n:", "-}"]) + text[at:]
        got = _usual(text)
        if got is not None:
            taken += 1
            _same(got, _tokenize(text))
    assert taken > 500


def test_a_lone_cr_stays_in_the_text_and_a_bare_lf_ends_a_line() -> None:
    head = "{1:F01ISSUHKHHAXXX0000000000}{2:I701ADVICNSHXXXXN}{4:\r\n:27:2/2\r\n:20:REF1\r\n"
    lone_cr = parse(head + ":45A:ONE\rTWO\r\nTHREE\r\n-}")
    assert lone_cr.fields[2].lines == ("ONE\rTWO", "THREE")
    assert [f.code for f in validate(lone_cr)] == ["M60"]
    bare_lf = parse(head + ":45A:ONE\nTWO\r\nTHREE\r\n-}")
    assert bare_lf.fields[2].lines == ("ONE", "TWO", "THREE")


def test_a_parsed_field_behaves_as_one_made_with_its_lines() -> None:
    made = Field("45A", ("+ONE", "TWO", ""), 4)
    text = serialise(Message(basic_header="F01ISSUHKHHAXXX0000000000", app_header="I701ADVICNSHXXXXN",
                             fields=(Field("27", ("2/2",)), Field("20", ("REF1",)), made)))
    read = parse(text).fields[2]
    assert "lines" not in vars(read)  # split on first use only
    assert (read.value, read.line) == (made.value, made.line)
    assert read == made and hash(read) == hash(made) and repr(read) == repr(made)
    assert pickle.loads(pickle.dumps(parse(text).fields[2])) == made
    assert copy.copy(parse(text).fields[2]).lines == made.lines
    assert dataclasses.replace(read, line=9) == Field("45A", made.lines, 9)
    assert dataclasses.asdict(parse(text).fields[2]) == dataclasses.asdict(made)
    with pytest.raises(AttributeError):
        read.colour  # type: ignore[attr-defined]


def test_a_parsed_message_equals_the_one_its_constructor_makes() -> None:
    for message in terms_to_mt700(long_credit()):
        got = parse(serialise(message))
        assert got == message and type(got) is type(message)
        assert vars(got).keys() >= {"basic_header", "app_header", "fields", "user_header", "trailer", "text_length"}
        assert got.text_length == message.text_length
        assert got.get("20") == message.get("20") and got.all("45A") == message.all("45A")
