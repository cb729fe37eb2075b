"""tlog-cosignature: the spec's examples, published keys, and an independent implementation of
the signed message written here from the spec text."""

from __future__ import annotations

import base64
import hashlib
import struct
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from ledger.note import NoteError, generate_signer
from ledger.witness.cosignature import (
    CosignatureVerifier,
    Cosigner,
    check,
    generate_cosigner,
    parse_line,
    signed_message,
    split_note,
)

# c2sp.org/tlog-cosignature, "Ed25519 signed message" and the note example at the top.
SPEC_BODY = "example.com/behind-the-sofa\n20852163\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n"
SPEC_MESSAGE = (b"cosignature/v1\ntime 1679315147\nexample.com/behind-the-sofa\n20852163\n"
                b"CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n")
SPEC_LINE = ("\u2014 witness.example.com/w1 jWbPPwAAAABkGFDLEZMHwSRaJNiIDoe9DYn/zXcrtPHeolMI5OWXEhZCB9dlrDJsX3b2oyin1nPZ"
             "qhf5nNo0xUe+mbIUBkBIfZ+qnA==\n")
# A live witness's vkey (type 0x04) as published in transparency-dev/formats tests, and the same
# key as hex in the Sigsum test policy ("witness remora.n621.de ebcdeb78...").
REMORA_VKEY = "remora.n621.de+da77ade7+BOvN63jn/bLvkieywe8R6UYAtVtNbZpXh34x7onlmtw2"
REMORA_HEX = "ebcdeb78e7fdb2ef9227b2c1ef11e94600b55b4d6d9a57877e31ee89e59adc36"


# --- an independent implementation, from the spec text only -------------------------------------


def spec_key_id(name: str, public_key: bytes) -> bytes:
    # "SHA-256(<name> || "\n" || 0x04 || 32-byte Ed25519 cosigner public key)[:4]"
    return hashlib.sha256(name.encode() + b"\n" + b"\x04" + public_key).digest()[:4]


def spec_message(timestamp: int, body: str) -> bytes:
    # Header line, "time" SP decimal line, then the whole note body with its final newline.
    return b"cosignature/v1\n" + b"time " + str(timestamp).encode() + b"\n" + body.encode()


def spec_line(name: str, key: Ed25519PrivateKey, timestamp: int, body: str) -> str:
    public = key.public_key().public_bytes_raw()
    raw = spec_key_id(name, public) + struct.pack(">Q", timestamp) + key.sign(spec_message(timestamp, body))
    return "\u2014 " + name + " " + base64.b64encode(raw).decode() + "\n"


def spec_verify(line: str, name: str, public: bytes, body: str) -> int | None:
    prefix = "\u2014 " + name + " "
    assert line.startswith(prefix) and line.endswith("\n")
    raw = base64.b64decode(line[len(prefix):-1])
    if len(raw) != 76 or raw[:4] != spec_key_id(name, public):
        return None
    timestamp = struct.unpack(">Q", raw[4:12])[0]
    try:
        Ed25519PublicKey.from_public_bytes(public).verify(raw[12:], spec_message(timestamp, body))
    except Exception:
        return None
    return timestamp


# --- tests ---------------------------------------------------------------------------------------


def test_signed_message_is_the_specs_example_byte_for_byte() -> None:
    assert signed_message(SPEC_BODY, 1679315147) == SPEC_MESSAGE


def test_the_specs_example_cosignature_line_carries_the_specs_time_and_round_trips() -> None:
    cosignature = parse_line(SPEC_LINE)

    assert cosignature.name == "witness.example.com/w1"
    assert cosignature.key_id.hex() == "8d66cf3f"
    assert cosignature.timestamp == 1679315147  # the "time" line of the spec's message example
    assert cosignature.line == SPEC_LINE


def test_a_published_type_04_witness_key_parses_to_its_published_key_id_and_public_key() -> None:
    verifier = CosignatureVerifier.from_string(REMORA_VKEY)

    assert verifier.key_id.hex() == "da77ade7" == spec_key_id("remora.n621.de", bytes.fromhex(REMORA_HEX)).hex()
    assert verifier.public_key.hex() == REMORA_HEX
    assert verifier.to_string() == REMORA_VKEY


def test_published_cosignature_timestamp_decodes() -> None:
    raw = base64.b64decode("ZGhGuQAAAABm/qTPeyKXD+R2rzyQsxPiP8mXum7qq/iF0u4vanlqJyocWODBt97w9uL+8qT7S5gxEHWWOworDcFiEBYJXORmnFBOBA==")
    line = "\u2014 any.example " + base64.b64encode(raw).decode() + "\n"

    assert parse_line(line).timestamp == 1727964367


def test_our_cosignature_verifies_with_the_independent_implementation() -> None:
    skey, vkey = generate_cosigner("witness.test/w1")
    cosigner = Cosigner.from_string(skey)
    public = CosignatureVerifier.from_string(vkey).public_key

    line = cosigner.cosign(SPEC_BODY, 1700000000).line

    assert spec_verify(line, "witness.test/w1", public, SPEC_BODY) == 1700000000
    assert spec_verify(line, "witness.test/w1", public, SPEC_BODY.replace("20852163", "20852164")) is None


def test_the_independent_implementations_cosignature_verifies_with_ours() -> None:
    key = Ed25519PrivateKey.generate()
    verifier = CosignatureVerifier("witness.test/w2", key.public_key().public_bytes_raw())

    cosignature = parse_line(spec_line("witness.test/w2", key, 1700000123, SPEC_BODY))

    assert verifier.verify(SPEC_BODY, cosignature)
    assert not verifier.verify(SPEC_BODY + "extension line\n", cosignature)  # extension lines are signed


@pytest.mark.parametrize("position", [4, 11, 12, 40, 75])  # key id, timestamp, signature bytes
def test_a_cosignature_with_one_byte_changed_does_not_verify(position: int) -> None:
    skey, vkey = generate_cosigner("witness.test/w3")
    line = Cosigner.from_string(skey).cosign(SPEC_BODY, 1700000000).line
    raw = bytearray(base64.b64decode(line.split(" ")[2]))
    raw[position] ^= 0x01
    tampered = line.rsplit(" ", 1)[0] + " " + base64.b64encode(bytes(raw)).decode() + "\n"

    body, signatures = split_note(SPEC_BODY + "\n" + tampered)
    (result,) = check(body, signatures, [CosignatureVerifier.from_string(vkey)])

    assert not result.valid


def test_a_log_key_of_type_01_is_not_a_cosigner_key_and_ids_differ_by_type() -> None:
    _, log_vkey = generate_signer("witness.test/log")
    with pytest.raises(NoteError, match="0x04"):
        CosignatureVerifier.from_string(log_vkey)


def test_check_ignores_unknown_keys_and_refuses_a_key_that_signed_twice() -> None:
    skey, vkey = generate_cosigner("witness.test/w4")
    other_skey, _ = generate_cosigner("witness.test/other")
    mine = Cosigner.from_string(skey).cosign(SPEC_BODY, 1)
    verifier = CosignatureVerifier.from_string(vkey)
    note = SPEC_BODY + "\n" + Cosigner.from_string(other_skey).cosign(SPEC_BODY, 1).line + mine.line

    body, signatures = split_note(note)
    assert [c.valid for c in check(body, signatures, [verifier])] == [True]

    body, signatures = split_note(note + Cosigner.from_string(skey).cosign(SPEC_BODY, 2).line)
    (twice,) = check(body, signatures, [verifier])
    assert not twice.valid and "twice" in twice.problem


def test_the_witness_key_file_is_private_created_once_and_bound_to_its_name(tmp_path: Path) -> None:
    import stat

    from ledger.witness.keyfile import ensure_key

    path = tmp_path / "w" / "witness.key"
    key = ensure_key(path, "witness.test/w5")

    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert ensure_key(path, "witness.test/w5").key_id == key.key_id  # a restart keeps the key
    assert "PRIVATE" not in repr(key)
    with pytest.raises(ValueError, match=r"not 'witness\.test/other'"):
        ensure_key(path, "witness.test/other")


def test_witnesses_starting_together_share_one_complete_key(tmp_path: Path) -> None:
    """Two starts at once (a restart racing a manual start): one key, and no start reads a
    half-written key file (before the fix, most rounds of this failed)."""
    import threading

    from ledger.witness.keyfile import ensure_key

    for round_ in range(20):
        path = tmp_path / str(round_) / "witness.key"
        barrier = threading.Barrier(8)
        ids: list[bytes] = []
        errors: list[Exception] = []

        def start(path: Path = path, barrier: threading.Barrier = barrier) -> None:
            barrier.wait()
            try:
                ids.append(ensure_key(path, "witness.test/race").key_id)
            except Exception as exc:  # collected and asserted below
                errors.append(exc)

        threads = [threading.Thread(target=start) for _ in range(8)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()

        assert errors == [] and len(ids) == 8 and len(set(ids)) == 1, (round_, errors)
        assert sorted(p.name for p in path.parent.iterdir()) == ["witness.key"]  # no temporary left
