"""The hash chain: canonical payload bytes and the entry hash, shared by writer and verifier.

Pure Python (standard library + rfc8785): the standalone bundle verifier imports it.

entry hash = SHA-256 over, in this order, with no separators needed because every
variable-length field is length-prefixed:
    b"tradechain.ledger.entry.v1\\x00"
    seq                 8-byte big-endian unsigned
    kind, subject, actor, actor_org, at   each as 4-byte big-endian length || UTF-8
    SHA-256(payload)    32 bytes (payload = the RFC 8785 canonical bytes as stored)
    prev_hash           32 bytes (32 zero bytes for seq 1)
`at` is RFC 3339 in UTC with exactly six fractional digits ("2025-03-10T01:02:03.000000Z").
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import uuid
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

import rfc8785

DOMAIN = b"tradechain.ledger.entry.v1\x00"
GENESIS = bytes(32)


class EncodingError(ValueError):
    """A payload that cannot be, or is not, RFC 8785 canonical JSON."""


def to_jsonable(value: Any) -> Any:
    """Turn domain values into JSON types; floats are refused (money is a decimal string)."""
    kind = type(value)
    if kind is str or kind is int or kind is bool or value is None:  # the common cases, first
        return value
    if kind is dict:
        return {k if type(k) is str else str(k): to_jsonable(v) for k, v in value.items()}
    if kind is list:
        return [to_jsonable(v) for v in value]
    if isinstance(value, str):  # StrEnum and other subclasses: their plain string
        return str.__str__(value)
    if isinstance(value, int):  # IntEnum and other subclasses
        return int(value)
    if isinstance(value, float):
        raise EncodingError("floats are not allowed in ledger payloads; use Decimal")
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, (dt.datetime, dt.date)):
        return value.isoformat()
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, Mapping):
        return {str(k): to_jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [to_jsonable(v) for v in value]
    raise EncodingError(f"cannot encode {type(value).__name__} in a ledger payload")


MAX_SAFE_INT = 2**53 - 1  # RFC 8785 numbers are IEEE doubles


def _simple(value: Any) -> bool:
    """True when json.dumps(sort_keys) gives exactly the RFC 8785 bytes for `value`:
    no floats, integers within the double-exact range, keys without astral characters
    (RFC 8785 sorts keys by UTF-16 code units; Python by code points: they agree on the BMP)."""
    kind = type(value)
    if kind is str or kind is bool or value is None:
        return True
    if kind is int:
        return bool(-MAX_SAFE_INT <= value <= MAX_SAFE_INT)
    if kind is dict:
        return all((k.isascii() or max(map(ord, k)) <= 0xFFFF) and _simple(v) for k, v in value.items())
    if kind is list:
        return all(_simple(v) for v in value)
    return False


def canonical(payload: Mapping[str, Any]) -> bytes:
    """RFC 8785 bytes of a payload: these bytes are stored and hashed, never re-encoded.

    The common case is encoded by the C json encoder (identical output, see _simple); any
    other value goes through the rfc8785 package, which raises on floats and huge integers.
    """
    value = to_jsonable(payload)
    try:
        if _simple(value):
            return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")
        return rfc8785.dumps(value)
    except (rfc8785.CanonicalizationError, ValueError, TypeError, UnicodeEncodeError) as exc:
        raise EncodingError(str(exc)) from exc


def is_canonical(data: bytes) -> bool:
    """True when `data` is exactly the RFC 8785 encoding of the JSON it holds.

    Fast path: for payloads of strings, integers, booleans, nulls, arrays and objects
    with BMP keys, json.dumps(sort_keys, compact, no ASCII escaping) produces the same
    bytes as RFC 8785 and runs in C. Anything else falls back to the rfc8785 package.
    """
    try:
        obj = json.loads(data)
    except (ValueError, UnicodeDecodeError):
        return False
    if not isinstance(obj, dict):
        return False
    fast = json.dumps(obj, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    if fast.encode("utf-8") == data:
        return True
    try:
        return bool(rfc8785.dumps(obj) == data)
    except (rfc8785.CanonicalizationError, ValueError, TypeError):
        return False


def format_time(at: dt.datetime) -> str:
    if at.tzinfo is None:
        raise ValueError("ledger times must be timezone-aware")
    return at.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


_PREFIX = hashlib.sha256(DOMAIN)  # copied per entry: the domain tag is hashed once


def entry_hash(
    *,
    seq: int,
    kind: str,
    subject: str,
    actor: str,
    actor_org: str,
    at: str,
    payload: bytes,
    prev_hash: bytes,
) -> bytes:
    """The one definition of an entry's hash (writer, database verifier, bundle verifier)."""
    parts = [seq.to_bytes(8, "big")]
    for text in (kind, subject, actor, actor_org, at):
        raw = text.encode("utf-8")
        parts.append(len(raw).to_bytes(4, "big"))
        parts.append(raw)
    parts.append(hashlib.sha256(payload).digest())
    parts.append(prev_hash)
    h = _PREFIX.copy()
    h.update(b"".join(parts))
    return h.digest()


def leaf_data(entry_hash_bytes: bytes) -> bytes:
    """The Merkle leaf for an entry is its chain hash (which commits to every field)."""
    return entry_hash_bytes
