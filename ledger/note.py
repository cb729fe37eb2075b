"""C2SP signed notes (c2sp.org/signed-note) and tlog checkpoints (c2sp.org/tlog-checkpoint).

Pure Python + `cryptography` (Ed25519), so auditors and the offline bundle verifier can use it.
The wire format is compatible with golang.org/x/mod/sumdb/note:

    <body text ending in a newline>
    <blank line>
    — <key name> <base64(4-byte key id || 64-byte Ed25519 signature)>
    ...

Key id = SHA-256(key name || 0x0A || 0x01 || 32-byte public key)[:4]. Key strings:

    verifier: <name>+<8 hex key id>+<base64(0x01 || public key)>
    signer:   PRIVATE+KEY+<name>+<8 hex key id>+<base64(0x01 || 32-byte seed)>

One note may carry several signatures: during a key rotation the log signs with the old and the
new key, and witnesses add cosignatures. Verifiers ignore signatures from keys they do not know.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import re
from collections.abc import Iterable, Sequence

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

ALG_ED25519 = 0x01
KEY_ID_SIZE = 4
SIGNATURE_SIZE = 64
# The spec requires accepting at least 16; Go's reference implementation stops at 100.
MAX_SIGNATURES = 100

_SIG_PREFIX = "\u2014 "  # em dash, space
_PRIVATE_PREFIX = "PRIVATE+KEY+"
_HEX_ID = re.compile(r"[0-9a-f]{8}")
_TREE_SIZE = re.compile(r"0|[1-9][0-9]*")  # ASCII only: str.isdigit() accepts other scripts
_MAX_TREE_SIZE = 2**63 - 1  # what a PostgreSQL bigint (and Go's int64) can hold


class NoteError(ValueError):
    """A key, note or checkpoint is malformed, or a signature from a known key is wrong."""


def key_id(name: str, public_key: bytes) -> bytes:
    """The 4-byte Ed25519 key id recommended by the signed-note spec."""
    material = name.encode() + b"\n" + bytes([ALG_ED25519]) + public_key
    return hashlib.sha256(material).digest()[:KEY_ID_SIZE]


class Verifier:
    """An Ed25519 public key with the name and key id its signature lines carry."""

    __slots__ = ("_key", "key_id", "name", "public_key")

    def __init__(self, name: str, public_key: bytes) -> None:
        _check_name(name)
        if len(public_key) != 32:
            raise NoteError("an Ed25519 public key is 32 bytes")
        try:
            self._key = Ed25519PublicKey.from_public_bytes(public_key)
        except ValueError as exc:
            raise NoteError("invalid Ed25519 public key") from exc
        self.name = name
        self.public_key = bytes(public_key)
        self.key_id = key_id(name, self.public_key)

    @classmethod
    def from_string(cls, vkey: str) -> Verifier:
        name, hex_id, material = _split_key_string(vkey)
        verifier = cls(name, _key_material(material))
        if verifier.key_id.hex() != hex_id:
            raise NoteError("verifier key id does not match its name and key")
        return verifier

    def to_string(self) -> str:
        encoded = _b64(bytes([ALG_ED25519]) + self.public_key)
        return f"{self.name}+{self.key_id.hex()}+{encoded}"

    def verify(self, message: bytes, signature: bytes) -> bool:
        try:
            self._key.verify(signature, message)
        except InvalidSignature:
            return False
        return True

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Verifier):
            return NotImplemented
        return (self.name, self.public_key) == (other.name, other.public_key)

    def __hash__(self) -> int:
        return hash((self.name, self.public_key))

    def __repr__(self) -> str:
        return f"Verifier({self.to_string()!r})"


class Signer:
    """An Ed25519 private key that signs notes under `name`. Its repr never shows the key."""

    __slots__ = ("_key", "key_id", "name")

    def __init__(self, name: str, seed: bytes) -> None:
        _check_name(name)
        if len(seed) != 32:
            raise NoteError("an Ed25519 private key seed is 32 bytes")
        self._key = Ed25519PrivateKey.from_private_bytes(seed)
        self.name = name
        self.key_id = key_id(name, self._key.public_key().public_bytes_raw())

    @classmethod
    def from_string(cls, skey: str) -> Signer:
        if not skey.startswith(_PRIVATE_PREFIX):
            raise NoteError("signer key must start with PRIVATE+KEY+")
        name, hex_id, material = _split_key_string(skey[len(_PRIVATE_PREFIX) :])
        signer = cls(name, _key_material(material))
        if signer.key_id.hex() != hex_id:
            raise NoteError("signer key id does not match its name and key")
        return signer

    def to_string(self) -> str:
        encoded = _b64(bytes([ALG_ED25519]) + self._key.private_bytes_raw())
        return f"{_PRIVATE_PREFIX}{self.name}+{self.key_id.hex()}+{encoded}"

    def verifier(self) -> Verifier:
        return Verifier(self.name, self._key.public_key().public_bytes_raw())

    def sign(self, message: bytes) -> bytes:
        return self._key.sign(message)

    def __repr__(self) -> str:
        return f"Signer(name={self.name!r}, key_id={self.key_id.hex()!r})"


def generate_signer(name: str) -> tuple[str, str]:
    """A fresh key pair as (signer key string, verifier key string)."""
    seed = Ed25519PrivateKey.generate().private_bytes_raw()
    signer = Signer(name, seed)
    return signer.to_string(), signer.verifier().to_string()


# --- notes -------------------------------------------------------------------------------------


def sign_note(body: str, signers: Sequence[Signer]) -> str:
    """The signed note: body, a blank line, one signature line per signer in the given order."""
    _check_text(body)
    if not body or not body.endswith("\n"):
        raise NoteError("note text must be non-empty and end with a newline")
    if not signers:
        raise NoteError("a note needs at least one signer")
    if len({(s.name, s.key_id) for s in signers}) != len(signers):
        raise NoteError("the same key cannot sign a note twice")
    if len(signers) > MAX_SIGNATURES:
        raise NoteError(f"at most {MAX_SIGNATURES} signatures")
    message = body.encode()
    lines = [f"{_SIG_PREFIX}{s.name} {_b64(s.key_id + s.sign(message))}\n" for s in signers]
    return body + "\n" + "".join(lines)


def open_note(note: str, verifiers: Iterable[Verifier]) -> tuple[str, list[str]]:
    """Verify a signed note; return its body and the names of the keys that verified it.

    Signatures by unknown keys (name and key id not both known) are ignored, as the spec
    requires, so rotations and witness cosignatures pass. A malformed note, a failing signature
    from a known key, a known key signing twice, or no known signature at all raise NoteError.
    With rotation under one name the same name appears once per verified key.
    """
    known = _index_verifiers(verifiers)
    body, signatures = _split_note(note)
    message = body.encode()
    seen: set[tuple[str, bytes]] = set()
    verified: list[str] = []
    for name, raw in signatures:
        verifier = known.get((name, raw[:KEY_ID_SIZE]))
        if verifier is None:
            continue
        if (name, verifier.key_id) in seen:
            raise NoteError(f"key {name}+{verifier.key_id.hex()} signed the note twice")
        seen.add((name, verifier.key_id))
        sig = raw[KEY_ID_SIZE:]
        if len(sig) != SIGNATURE_SIZE or not verifier.verify(message, sig):
            raise NoteError(f"invalid signature for key {name}+{verifier.key_id.hex()}")
        verified.append(name)
    if not verified:
        raise NoteError("note has no signature from a known key")
    return body, verified


def _split_note(note: str) -> tuple[str, list[tuple[str, bytes]]]:
    """Body and (name, key id || signature) pairs; the body ends at the LAST blank line."""
    if not isinstance(note, str):
        raise NoteError("a note is text")
    _check_text(note)
    split = note.rfind("\n\n")
    if split < 0 or not note.endswith("\n"):
        raise NoteError("malformed note: no signature block")
    body, block = note[: split + 1], note[split + 2 :]
    lines = block[:-1].split("\n") if block else []
    if not lines:
        raise NoteError("malformed note: no signature lines")
    if len(lines) > MAX_SIGNATURES:
        raise NoteError(f"malformed note: more than {MAX_SIGNATURES} signatures")
    return body, [_parse_signature_line(line) for line in lines]


def _parse_signature_line(line: str) -> tuple[str, bytes]:
    if not line.startswith(_SIG_PREFIX):
        raise NoteError("malformed note: signature line must start with an em dash")
    fields = line[len(_SIG_PREFIX) :].split(" ")
    if len(fields) != 2:
        raise NoteError("malformed note: signature line is '— <name> <base64>'")
    name, encoded = fields
    _check_name(name)
    raw = _b64decode(encoded)
    if len(raw) <= KEY_ID_SIZE:
        raise NoteError("malformed note: signature too short")
    return name, raw


def _index_verifiers(verifiers: Iterable[Verifier]) -> dict[tuple[str, bytes], Verifier]:
    known: dict[tuple[str, bytes], Verifier] = {}
    for v in verifiers:
        if not isinstance(v, Verifier):
            raise TypeError("verifiers must be Verifier instances")
        other = known.setdefault((v.name, v.key_id), v)
        if other != v:
            # Two different keys behind one (name, id): which one a signature meant is unknowable.
            raise NoteError(f"ambiguous key {v.name}+{v.key_id.hex()}")
    return known


# --- checkpoints -------------------------------------------------------------------------------


def checkpoint_body(origin: str, size: int, root: bytes, extensions: Sequence[str] = ()) -> str:
    """The tlog-checkpoint note text: origin, tree size, base64 root, optional extension lines."""
    _check_line(origin, "origin")
    if isinstance(size, bool) or not isinstance(size, int) or not 0 <= size <= _MAX_TREE_SIZE:
        raise NoteError(f"invalid tree size {size!r}")
    if not isinstance(root, bytes) or len(root) != 32:
        raise NoteError("root hash must be 32 bytes")
    for line in extensions:
        _check_line(line, "extension line")
    return "".join(f"{line}\n" for line in [origin, str(size), _b64(root), *extensions])


def parse_checkpoint(body: str) -> tuple[str, int, bytes, list[str]]:
    """Strictly parse a checkpoint body into (origin, size, root, extension lines)."""
    if not isinstance(body, str) or not body.endswith("\n"):
        raise NoteError("checkpoint must end with a newline")
    _check_text(body)
    lines = body[:-1].split("\n")
    if len(lines) < 3:
        raise NoteError("checkpoint needs origin, size and root lines")
    origin, size_text, root_text, *extensions = lines
    for line in [origin, *extensions]:
        _check_line(line, "checkpoint line")
    if not _TREE_SIZE.fullmatch(size_text) or int(size_text) > _MAX_TREE_SIZE:
        raise NoteError(f"invalid tree size {size_text!r}")
    root = _b64decode(root_text)
    if len(root) != 32:
        raise NoteError("root hash must be 32 bytes")
    return origin, int(size_text), root, extensions


# --- syntax helpers ----------------------------------------------------------------------------


def _check_name(name: str) -> None:
    # Spec: non-empty, no Unicode space, no '+' (the key-string separator).
    if not isinstance(name, str) or not name or "+" in name:
        raise NoteError(f"invalid key name {name!r}")
    if any(ch.isspace() or ch < " " for ch in name):
        raise NoteError(f"invalid key name {name!r}")


def _check_text(text: str) -> None:
    """Notes are valid UTF-8 with no control characters other than newline (no CR, no tab)."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as exc:  # lone surrogates
        raise NoteError("note is not valid UTF-8") from exc
    if any(ch < " " and ch != "\n" for ch in text):
        raise NoteError("note contains a control character")


def _check_line(line: str, what: str) -> None:
    if not isinstance(line, str) or not line or "\n" in line:
        raise NoteError(f"{what} must be a non-empty single line")
    _check_text(line)


def _split_key_string(text: str) -> list[str]:
    # Split twice only: the base64 key material may itself contain '+'.
    fields = text.split("+", 2)
    if len(fields) != 3 or not _HEX_ID.fullmatch(fields[1]):
        raise NoteError("malformed key string")
    _check_name(fields[0])
    return fields


def _key_material(encoded: str) -> bytes:
    raw = _b64decode(encoded)
    if len(raw) != 33 or raw[0] != ALG_ED25519:
        raise NoteError("key is not a 0x01-tagged 32-byte Ed25519 key")
    return raw[1:]


def _b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode("ascii")


def _b64decode(text: str) -> bytes:
    """Standard base64, canonical only: one encoding per value keeps notes unambiguous."""
    try:
        raw = base64.b64decode(text.encode("ascii"), validate=True)
    except (binascii.Error, UnicodeEncodeError) as exc:
        raise NoteError("invalid base64") from exc
    if _b64(raw) != text:
        raise NoteError("non-canonical base64")
    return raw
