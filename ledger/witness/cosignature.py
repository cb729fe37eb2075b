"""C2SP tlog-cosignature, Ed25519 kind: a witness's timestamped statement about a checkpoint.

    signature line   — <cosigner name> base64(key id || timestamp || Ed25519 signature)
    key id           SHA-256(<name> || 0x0A || 0x04 || 32-byte public key)[:4]
    timestamp        u64, big-endian, POSIX seconds, at most 2**63 - 1
    signed message   "cosignature/v1\\n" "time <timestamp>\\n" <whole checkpoint note body>

The body is the whole note text (origin, size, root and any extension lines, with the final
newline) and never the signature lines. The Ed25519 message does not commit to the cosigner's
name, so one key must never serve two cosigners (the spec says so; `generate_cosigner` makes a
fresh key per name).

Key strings are signed-note vkeys with signature type 0x04:

    verifier  <name>+<8 hex key id>+base64(0x04 || public key)
    signer    PRIVATE+KEY+<name>+<8 hex key id>+base64(0x04 || 32-byte seed)

Pure Python + `cryptography`: the witness, the log and the offline verifier all use it.
"""

from __future__ import annotations

import base64
import hashlib
import struct
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from ledger import note
from ledger.note import NoteError

ALG_COSIGNATURE_V1 = 0x04
HEADER = "cosignature/v1\n"
MAX_TIMESTAMP = 2**63 - 1
KEY_ID_SIZE = 4
RAW_SIZE = KEY_ID_SIZE + 8 + 64  # key id, timestamp, Ed25519 signature
_PRIVATE_PREFIX = "PRIVATE+KEY+"


def cosigner_key_id(name: str, public_key: bytes) -> bytes:
    """The 4-byte key id of a cosignature/v1 key: type byte 0x04, not the log keys' 0x01."""
    material = name.encode() + b"\n" + bytes([ALG_COSIGNATURE_V1]) + public_key
    return hashlib.sha256(material).digest()[:KEY_ID_SIZE]


def signed_message(body: str, timestamp: int) -> bytes:
    """What the cosigner's Ed25519 key signs: a header line, a time line, the note body."""
    _check_timestamp(timestamp)
    return f"{HEADER}time {timestamp}\n{body}".encode()


@dataclass(frozen=True)
class Cosignature:
    """One parsed cosignature line; `verify` says whether it holds for a body."""

    name: str
    key_id: bytes
    timestamp: int
    signature: bytes

    @property
    def line(self) -> str:
        raw = self.key_id + struct.pack(">Q", self.timestamp) + self.signature
        return f"\u2014 {self.name} {base64.b64encode(raw).decode('ascii')}\n"


def parse_line(line: str) -> Cosignature:
    """A signature line (with or without its newline) read as a cosignature; syntax only."""
    name, raw = note._parse_signature_line(line.removesuffix("\n"))
    return from_raw(name, raw)


def from_raw(name: str, raw: bytes) -> Cosignature:
    if len(raw) != RAW_SIZE:
        raise NoteError(f"a cosignature/v1 signature is {RAW_SIZE} bytes, not {len(raw)}")
    timestamp = struct.unpack(">Q", raw[KEY_ID_SIZE : KEY_ID_SIZE + 8])[0]
    _check_timestamp(timestamp)
    return Cosignature(name, raw[:KEY_ID_SIZE], timestamp, raw[KEY_ID_SIZE + 8 :])


class CosignatureVerifier:
    """A witness's public key: checks its cosignature lines."""

    __slots__ = ("_key", "key_id", "name", "public_key")

    def __init__(self, name: str, public_key: bytes) -> None:
        note._check_name(name)
        try:
            self._key = Ed25519PublicKey.from_public_bytes(public_key)
        except ValueError as exc:
            raise NoteError("invalid Ed25519 public key") from exc
        self.name = name
        self.public_key = bytes(public_key)
        self.key_id = cosigner_key_id(name, self.public_key)

    @classmethod
    def from_string(cls, vkey: str) -> CosignatureVerifier:
        name, hex_id, material = _split_key(vkey)
        verifier = cls(name, material)
        if verifier.key_id.hex() != hex_id:
            raise NoteError("cosigner key id does not match its name and key")
        return verifier

    def to_string(self) -> str:
        encoded = base64.b64encode(bytes([ALG_COSIGNATURE_V1]) + self.public_key).decode("ascii")
        return f"{self.name}+{self.key_id.hex()}+{encoded}"

    def matches(self, cosignature: Cosignature) -> bool:
        """Name and key id both ours: the spec's test for "a signature from this key"."""
        return (cosignature.name, cosignature.key_id) == (self.name, self.key_id)

    def verify(self, body: str, cosignature: Cosignature) -> bool:
        if not self.matches(cosignature):
            return False
        try:
            self._key.verify(cosignature.signature, signed_message(body, cosignature.timestamp))
        except (InvalidSignature, NoteError):
            return False
        return True

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, CosignatureVerifier):
            return NotImplemented
        return (self.name, self.public_key) == (other.name, other.public_key)

    def __hash__(self) -> int:
        return hash((self.name, self.public_key))

    def __repr__(self) -> str:
        return f"CosignatureVerifier({self.to_string()!r})"


class Cosigner:
    """A witness's private key. Its repr never shows the key."""

    __slots__ = ("_key", "key_id", "name")

    def __init__(self, name: str, seed: bytes) -> None:
        note._check_name(name)
        if len(seed) != 32:
            raise NoteError("an Ed25519 private key seed is 32 bytes")
        self._key = Ed25519PrivateKey.from_private_bytes(seed)
        self.name = name
        self.key_id = cosigner_key_id(name, self._key.public_key().public_bytes_raw())

    @classmethod
    def from_string(cls, skey: str) -> Cosigner:
        if not skey.startswith(_PRIVATE_PREFIX):
            raise NoteError("cosigner key must start with PRIVATE+KEY+")
        name, hex_id, seed = _split_key(skey[len(_PRIVATE_PREFIX) :])
        signer = cls(name, seed)
        if signer.key_id.hex() != hex_id:
            raise NoteError("cosigner key id does not match its name and key")
        return signer

    def to_string(self) -> str:
        encoded = base64.b64encode(bytes([ALG_COSIGNATURE_V1]) + self._key.private_bytes_raw()).decode("ascii")
        return f"{_PRIVATE_PREFIX}{self.name}+{self.key_id.hex()}+{encoded}"

    def verifier(self) -> CosignatureVerifier:
        return CosignatureVerifier(self.name, self._key.public_key().public_bytes_raw())

    def cosign(self, body: str, timestamp: int) -> Cosignature:
        signature = self._key.sign(signed_message(body, timestamp))
        return Cosignature(self.name, self.key_id, timestamp, signature)

    def __repr__(self) -> str:
        return f"Cosigner(name={self.name!r}, key_id={self.key_id.hex()!r})"


def generate_cosigner(name: str) -> tuple[str, str]:
    """A fresh cosigner key pair as (signer key string, verifier key string)."""
    signer = Cosigner(name, Ed25519PrivateKey.generate().private_bytes_raw())
    return signer.to_string(), signer.verifier().to_string()


# --- checking the cosignatures of a note -------------------------------------------------------


@dataclass(frozen=True)
class Checked:
    """What one trusted witness key says about one checkpoint body."""

    verifier: CosignatureVerifier
    cosignature: Cosignature | None  # None: no line from this key
    valid: bool
    problem: str = ""


def split_note(text: str) -> tuple[str, list[tuple[str, bytes]]]:
    """A signed note's body and its (key name, raw signature) pairs, by the signed-note rules."""
    return note._split_note(text)


def check(body: str, signatures: Iterable[tuple[str, bytes]], verifiers: Sequence[CosignatureVerifier]) -> list[Checked]:
    """For each trusted witness key, whether the note carries a valid cosignature from it.

    Lines from unknown keys are ignored (name and key id must both match, as signed-note
    requires). A key that signed twice, or whose line is not a well-formed cosignature, counts
    as invalid: such a note was tampered with, not merely under-signed.
    """
    pairs = list(signatures)
    out = []
    for verifier in verifiers:
        mine = [raw for name, raw in pairs if name == verifier.name and raw[:KEY_ID_SIZE] == verifier.key_id]
        out.append(_check_one(body, mine, verifier))
    return out


def _check_one(body: str, raws: list[bytes], verifier: CosignatureVerifier) -> Checked:
    if not raws:
        return Checked(verifier, None, False, "no cosignature")
    if len(raws) > 1:
        return Checked(verifier, None, False, "cosigned the same checkpoint twice")
    try:
        cosignature = from_raw(verifier.name, raws[0])
    except NoteError as exc:
        return Checked(verifier, None, False, str(exc))
    if not verifier.verify(body, cosignature):
        return Checked(verifier, cosignature, False, "cosignature does NOT verify")
    return Checked(verifier, cosignature, True)


# --- helpers -----------------------------------------------------------------------------------


def _split_key(text: str) -> tuple[str, str, bytes]:
    name, hex_id, encoded = note._split_key_string(text)
    raw = note._b64decode(encoded)
    if len(raw) != 33 or raw[0] != ALG_COSIGNATURE_V1:
        raise NoteError("not a cosignature/v1 key: expected type 0x04 and 32 bytes of key material")
    return name, hex_id, raw[1:]


def _check_timestamp(timestamp: int) -> None:
    if isinstance(timestamp, bool) or not isinstance(timestamp, int) or not 0 <= timestamp <= MAX_TIMESTAMP:
        raise NoteError(f"invalid cosignature timestamp {timestamp!r}")
