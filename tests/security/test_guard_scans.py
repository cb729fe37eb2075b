"""The API guard's scans (lc.api.guard) run as regular expressions in C; these properties hold
them to the plain definitions they replaced: a character-by-character scan of the JSON bytes for
bracket depth outside strings, and the forbidden code-point sets; and the body prechecks that
let a request skip the walk of its parsed strings to the walk's verdict (issue 12's creation
throughput)."""

from __future__ import annotations

import json

from hypothesis import given, settings
from hypothesis import strategies as st

from lc.api.guard import (
    FORBIDDEN,
    MAX_JSON_DEPTH,
    MAX_JSON_ITEMS,
    SINGLE_LINE_FORBIDDEN,
    _json_refusal,
    bad_text,
    json_too_deep,
    may_hold_forbidden,
    strings,
)
from lc.scenarios import example_terms


def reference_too_deep(body: bytes, limit: int) -> bool:
    depth, in_string, escaped = 0, False, False
    for byte in body:
        if in_string:
            if escaped:
                escaped = False
            elif byte == 0x5C:
                escaped = True
            elif byte == 0x22:
                in_string = False
        elif byte == 0x22:
            in_string = True
        elif byte in (0x5B, 0x7B):
            depth += 1
            if depth > limit:
                return True
        elif byte in (0x5D, 0x7D):
            depth -= 1
    return False


# Bodies made of the bytes that matter (brackets, quotes, backslashes) and a little else.
bodies = st.lists(st.sampled_from([b"[", b"]", b"{", b"}", b'"', b"\\", b"a", b",", b":"]), max_size=400).map(b"".join)


@settings(max_examples=3000)
@given(bodies, st.integers(min_value=0, max_value=12))
def test_depth_scan_matches_the_byte_by_byte_definition(body: bytes, limit: int) -> None:
    assert json_too_deep(body, limit) == reference_too_deep(body, limit)


def test_depth_scan_on_real_documents() -> None:
    deep = b'{"a": ' * (MAX_JSON_DEPTH + 1) + b"1" + b"}" * (MAX_JSON_DEPTH + 1)
    quoted = b'{"a": "' + b"[" * 100 + b'"}'
    escaped = b'{"a": "\\"' + b"[" * 100 + b'"}'
    assert json_too_deep(deep) and not json_too_deep(quoted) and not json_too_deep(escaped)
    assert json_too_deep(b'{"a": "\\\\"' + b"[" * 40)  # an escaped backslash closes nothing: the string ends
    assert not json_too_deep(b'{"a": "' + b"[" * 40)  # unterminated: the rest is text


@settings(max_examples=3000)
@given(st.text(alphabet=st.characters(max_codepoint=0x2100), max_size=30), st.booleans())
def test_text_scan_matches_the_code_point_sets(text: str, single_line: bool) -> None:
    forbidden = SINGLE_LINE_FORBIDDEN if single_line else FORBIDDEN
    assert bad_text(text, single_line) == any(ord(ch) in forbidden for ch in text)


def test_every_forbidden_code_point_is_caught_and_ordinary_text_passes() -> None:
    assert all(bad_text(f"ok{chr(c)}ok") for c in FORBIDDEN)
    assert all(bad_text(chr(c), True) for c in SINGLE_LINE_FORBIDDEN)
    assert not bad_text("Shipment from Ningbo\r\n\tto Hamburg, 跟單信用證 ÄÖ") and bad_text("a\nb", True)


# JSON documents whose strings draw on every kind of character: forbidden, allowed controls,
# quotes and backslashes, Chinese; written with and without ensure_ascii (\uXXXX escapes).
_texts = st.text(alphabet=st.characters(max_codepoint=0x2100), max_size=12)
documents = st.recursive(_texts | st.integers(), lambda inner: st.lists(inner, max_size=4)
                         | st.dictionaries(_texts, inner, max_size=4), max_leaves=12)


@settings(max_examples=3000)
@given(documents, st.booleans())
def test_the_body_precheck_never_passes_a_document_with_a_forbidden_string(document: object, ascii_only: bool) -> None:
    body = json.dumps(document, ensure_ascii=ascii_only).encode()
    walked = any(bad_text(text) for _, text in strings(json.loads(body)))
    if walked:
        assert may_hold_forbidden(body)
    assert (_json_refusal(body) is not None) == walked


def test_the_precheck_lets_ordinary_terms_skip_the_walk_and_catches_each_escape() -> None:
    body = json.dumps({"terms": example_terms(), "note": "跟單信用證\r\n\tok"}, ensure_ascii=False).encode()
    assert not may_hold_forbidden(body) and _json_refusal(body) is None
    for escaped in (b'{"a": "x\\u0000"}', b'{"a": "x\\b"}', b'{"a": "x\\f"}', b'{"a": "\\u2028"}'):
        assert may_hold_forbidden(escaped) and _json_refusal(escaped) is not None
    assert _json_refusal('{"a": "x\u202e"}'.encode()) is not None  # raw bidi override, no escape


def test_the_comma_count_bound_keeps_the_list_length_rule() -> None:
    assert _json_refusal(json.dumps({"a": ["x"] * MAX_JSON_ITEMS}).encode()) is None
    refused = _json_refusal(json.dumps({"a": ["x"] * (MAX_JSON_ITEMS + 1)}).encode())
    assert refused is not None and refused.status_code == 400
