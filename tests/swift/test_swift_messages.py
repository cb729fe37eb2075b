"""Tokenizer, parser and serialiser: the blocks, line numbers, golden files of every type."""

from __future__ import annotations

from pathlib import Path

import pytest

from lc.swift import SwiftParseError, parse, read_inbound, serialise, validate
from lc.swift.samples import sample_messages

GOLDEN = Path(__file__).parent / "golden"
HEAD = "{1:F01ISSUHKHHAXXX0000000000}{2:I700ADVICNSHXXXXN}{4:"


def crlf(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\n", "\r\n")


def golden(mt: str) -> str:
    return (GOLDEN / f"mt{mt}.txt").read_text().rstrip("\n")


@pytest.mark.parametrize("mt", sorted(sample_messages()))
def test_each_message_type_serialises_to_its_golden_file_and_parses_back(mt: str) -> None:
    messages = sample_messages()[mt]
    assert "\n".join(serialise(m) for m in messages).replace("\r\n", "\n") == golden(mt)
    parsed = read_inbound(crlf(golden(mt)))
    assert parsed.messages == messages
    assert parsed.valid, parsed.findings
    assert all(type(m).mt == mt for m in parsed.messages if m.message_type == mt)


def test_a_message_has_its_blocks_sender_receiver_and_fields_with_lines() -> None:
    text = crlf(HEAD + "\n:27:1/1\n:20:REF1\n:45A:+ONE\nTWO\n-}{5:{CHK:123456789ABC}}")
    message = parse(text)
    assert (message.message_type, message.sender, message.receiver) == ("700", "ISSUHKHHAXXX", "ADVICNSHXXXX")
    assert [(f.tag, f.lines, f.line) for f in message.fields] == [
        ("27", ("1/1",), 2), ("20", ("REF1",), 3), ("45A", ("+ONE", "TWO"), 4)]
    assert message.trailer == (("CHK", "123456789ABC"),)
    assert serialise(message) == text


def test_user_header_and_output_header_round_trip() -> None:
    text = crlf("{1:F01ADVICNSHAXXX1234123456}{2:O7001200250310ISSUHKHHAXXX12341234562503101201N}"
                "{3:{108:MUR12}}{4:\n:20:REF\n-}")
    message = parse(text)
    assert message.sender == "ISSUHKHHAXXX" and message.receiver == "ADVICNSHAXXX"
    assert message.user_header == (("108", "MUR12"),)
    assert serialise(message) == text


def test_pasted_text_with_bare_line_feeds_parses_like_crlf() -> None:
    text = HEAD + "\n:20:REF\n-}"
    assert parse(text) == parse(crlf(text))


@pytest.mark.parametrize(("text", "line", "words"), [
    ("", 1, "block 1 is missing"),
    ("{1:F01ISSUHKHHAXXX0000000000}", 1, "block 2 is missing"),
    (HEAD + "\n:20:REF\n", 1, "not closed"),
    (HEAD + ":20:REF\n-}", 1, "line break after"),
    (HEAD + "\nREF\n-}", 2, "must start with a field tag"),
    (HEAD + "\n:20:REF\n:21:X\n-ABC\n-}", 4, "must not start with '-'"),
    (HEAD + "\n:45A:+ONE\n:BAD\n-}", 3, "must not start with ':'"),
    ("{2:I700ADVICNSHXXXXN}{1:F01ISSUHKHHAXXX0000000000}", 1, "out of order"),
    ("{1:F01ISSUHKHH0000000000}{2:I700ADVICNSHXXXXN}{4:\n:20:X\n-}", 1, "block 1"),
    ("{1:F01ISSUHKHHAXXX0000000000}{2:X700}{4:\n:20:X\n-}", 1, "block 2"),
    (HEAD + "\n:20:X\n-}\ntrailing", 4, "expected a block"),
])
def test_broken_structure_is_a_parse_error_with_its_line(text: str, line: int, words: str) -> None:
    with pytest.raises(SwiftParseError) as caught:
        parse(crlf(text))
    assert caught.value.line == line
    assert words in str(caught.value)


def test_several_messages_in_one_paste_count_lines_in_the_whole_text() -> None:
    first, second = sample_messages()["700"][0], sample_messages()["734"][0]
    text = serialise(first) + "\r\n" + serialise(second).replace(":77B:/HOLD/", ":77B:/KEEP/")
    inbound = read_inbound(text)
    assert inbound.messages[0] == first
    lines = text.split("\r\n")
    [finding] = inbound.findings
    assert (finding.code, finding.tag) == ("T08", "77B")
    assert lines[finding.line - 1].startswith(":77B:/KEEP/")


def test_a_broken_second_message_reports_the_line_in_the_whole_text() -> None:
    text = serialise(sample_messages()["730"][0]) + "\r\n{1:F01ISSUHKHHAXXX0000000000}{2:I730ADVICNSHXXXXN}{4:\r\nOOPS\r\n-}"
    with pytest.raises(SwiftParseError) as caught:
        read_inbound(text)
    assert caught.value.line == text.split("\r\n").index("OOPS") + 1


def test_samples_validate_clean() -> None:
    for messages in sample_messages().values():
        for message in messages:
            assert validate(message) == []


def test_the_swift_core_imports_no_django() -> None:
    import subprocess
    import sys

    code = "import sys, lc.swift, lc.swift.fuzz; sys.exit(any(m.split('.')[0] == 'django' for m in sys.modules))"
    assert subprocess.run([sys.executable, "-c", code], check=False).returncode == 0
