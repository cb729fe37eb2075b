"""A deliberately small, strict DER reader and writer (what RFC 3161 tokens need, no more).

Pure Python. Strict on purpose: definite minimal lengths, one-byte tags, minimal INTEGERs
and OID arcs, no trailing bytes. Evidence must have exactly one encoding, so anything
BER-ish is refused rather than guessed at.
"""

from __future__ import annotations

from dataclasses import dataclass

SEQUENCE, SET, INTEGER, OCTETS, NULL, OID, BOOLEAN, GENTIME = 0x30, 0x31, 0x02, 0x04, 0x05, 0x06, 0x01, 0x18
CTX0, CTX1 = 0xA0, 0xA1


class DerError(ValueError):
    """Bytes that are not the one DER encoding of the expected structure."""


@dataclass(frozen=True)
class Tlv:
    tag: int
    value: bytes
    raw: bytes

    def children(self) -> list[Tlv]:
        if not self.tag & 0x20:
            raise DerError(f"DER element with tag 0x{self.tag:02x} is not constructed")
        return parse_all(self.value)


def _read(data: bytes, pos: int) -> tuple[Tlv, int]:
    if pos + 2 > len(data):
        raise DerError("truncated DER")
    tag, first, start = data[pos], data[pos + 1], pos + 2
    if tag & 0x1F == 0x1F:
        raise DerError("multi-byte DER tags do not occur in RFC 3161")
    length = first
    if first & 0x80:
        count = first & 0x7F
        encoded = data[start : start + count]
        if count == 0 or count > 4 or len(encoded) < count:
            raise DerError("indefinite or oversized DER length")
        length = int.from_bytes(encoded, "big")
        if encoded[0] == 0 or length < 0x80:
            raise DerError("non-minimal DER length")
        start += count
    end = start + length
    if end > len(data):
        raise DerError("truncated DER")
    return Tlv(tag, bytes(data[start:end]), bytes(data[pos:end])), end


def parse_all(data: bytes) -> list[Tlv]:
    out, pos = [], 0
    while pos < len(data):
        tlv, pos = _read(data, pos)
        out.append(tlv)
    return out


def parse_one(data: bytes, tag: int | None = None, what: str = "DER value") -> Tlv:
    tlv, end = _read(data, 0)
    if end != len(data):
        raise DerError(f"{what}: trailing bytes after the DER value")
    return expect(tlv, tag, what) if tag is not None else tlv


def expect(tlv: Tlv | None, tag: int, what: str) -> Tlv:
    if tlv is None or tlv.tag != tag:
        raise DerError(f"{what}: expected tag 0x{tag:02x}, found {'nothing' if tlv is None else hex(tlv.tag)}")
    return tlv


def encode(tag: int, value: bytes) -> bytes:
    n = len(value)
    if n < 0x80:
        return bytes([tag, n]) + value
    size = n.to_bytes((n.bit_length() + 7) // 8, "big")
    return bytes([tag, 0x80 | len(size)]) + size + value


def der_int(n: int) -> bytes:
    return encode(INTEGER, n.to_bytes(n.bit_length() // 8 + 1, "big", signed=True))


def der_oid(dotted: str) -> bytes:
    arcs = [int(a) for a in dotted.split(".")]
    body = bytearray()
    for arc in [arcs[0] * 40 + arcs[1], *arcs[2:]]:
        chunk = [arc & 0x7F]
        while arc := arc >> 7:
            chunk.append(0x80 | (arc & 0x7F))
        body.extend(reversed(chunk))
    return encode(OID, bytes(body))


def as_int(tlv: Tlv, what: str = "INTEGER") -> int:
    v = expect(tlv, INTEGER, what).value
    if not v or (len(v) > 1 and ((v[0] == 0 and v[1] < 0x80) or (v[0] == 0xFF and v[1] >= 0x80))):
        raise DerError(f"{what}: non-minimal INTEGER")
    return int.from_bytes(v, "big", signed=True)


def as_oid(tlv: Tlv, what: str = "OID") -> str:
    v = expect(tlv, OID, what).value
    if not v or v[-1] & 0x80:
        raise DerError(f"{what}: malformed OID")
    arcs, arc = [], 0
    for i, b in enumerate(v):
        if arc == 0 and b == 0x80 and (i == 0 or not v[i - 1] & 0x80):
            raise DerError(f"{what}: non-minimal OID arc")
        arc = arc << 7 | b & 0x7F
        if not b & 0x80:
            arcs.append(arc)
            arc = 0
    first = min(arcs[0] // 40, 2)
    return ".".join(str(a) for a in [first, arcs[0] - 40 * first, *arcs[1:]])


def algorithm(tlv: Tlv, what: str) -> str:
    """An AlgorithmIdentifier's OID; parameters must be absent or NULL (all we accept use none)."""
    parts = expect(tlv, SEQUENCE, what).children()
    if not 1 <= len(parts) <= 2 or (len(parts) == 2 and parts[1].raw != b"\x05\x00"):
        raise DerError(f"{what}: unexpected algorithm parameters")
    return as_oid(parts[0], what)


def alg_id(oid: str) -> bytes:
    return encode(SEQUENCE, der_oid(oid) + b"\x05\x00")
