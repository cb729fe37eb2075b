"""C2SP signed notes and tlog checkpoints, checked against golang.org/x/mod/sumdb/note vectors."""

from __future__ import annotations

import base64

import pytest

from ledger.merkle import merkle_root
from ledger.note import (
    MAX_SIGNATURES,
    NoteError,
    Signer,
    Verifier,
    checkpoint_body,
    generate_signer,
    key_id,
    open_note,
    parse_checkpoint,
    sign_note,
)

# Published in golang.org/x/mod/sumdb/note's tests (Go's reference implementation).
PETER_VKEY = "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW"
PETER_SKEY = "PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz"
ENOCH_VKEY = "EnochRoot+af0cfe78+ATtqJ7zOtqQtYqOo0CpvDXNlMhV3HeJDpjrASKGLWdop"
TEXT = "If you think cryptography is the answer to your problem,\nthen you don't know what your problem is.\n"
PETER_SIG = (
    "— PeterNeumann "
    "x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n"
)
ENOCH_SIG = (
    "— EnochRoot "
    "rwz+eBzmZa0SO3NbfRGzPCpDckykFXSdeX+MNtCOXm2/5n2tiOHp+vAF1aGrQ5ovTG01oOTGwnWLox33WWd1RvMc+QQ=\n"
)

ORIGIN = "tradechain.example/ledger"
ROOT = merkle_root([b"entry 1", b"entry 2", b"entry 3"])


@pytest.fixture
def peter() -> Verifier:
    return Verifier.from_string(PETER_VKEY)


@pytest.fixture
def enoch() -> Verifier:
    return Verifier.from_string(ENOCH_VKEY)


def new_signer(name: str = ORIGIN) -> tuple[Signer, Verifier]:
    skey, vkey = generate_signer(name)
    return Signer.from_string(skey), Verifier.from_string(vkey)


# --- keys ------------------------------------------------------------------------------------


def test_key_id_matches_the_go_reference_vector(peter: Verifier) -> None:
    assert peter.name == "PeterNeumann"
    assert key_id("PeterNeumann", peter.public_key).hex() == "c74f20a3"
    assert peter.to_string() == PETER_VKEY


def test_signer_key_derives_the_published_verifier_key() -> None:
    signer = Signer.from_string(PETER_SKEY)
    assert signer.verifier().to_string() == PETER_VKEY
    assert signer.to_string() == PETER_SKEY


def test_generated_key_strings_round_trip() -> None:
    skey, vkey = generate_signer(ORIGIN)
    signer = Signer.from_string(skey)
    assert skey.startswith(f"PRIVATE+KEY+{ORIGIN}+{signer.key_id.hex()}+")
    assert signer.verifier() == Verifier.from_string(vkey)
    assert signer.to_string() == skey


def test_signer_repr_does_not_reveal_the_private_key() -> None:
    signer = Signer.from_string(PETER_SKEY)
    assert PETER_SKEY.rsplit("+", 1)[1] not in repr(signer)
    assert "c74f20a3" in repr(signer)


def test_every_substring_or_altered_character_of_a_verifier_key_is_rejected() -> None:
    # The mangling test of golang.org/x/mod/sumdb/note.
    for bad in mangled(PETER_VKEY):
        with pytest.raises(NoteError):
            Verifier.from_string(bad)


def test_every_substring_or_altered_character_of_a_signer_key_is_rejected() -> None:
    for bad in mangled(PETER_SKEY):
        with pytest.raises(NoteError):
            Signer.from_string(bad)


@pytest.mark.parametrize(
    "vkey",
    [
        # wrong key length, with the key id recomputed (Go's test vectors)
        "PeterNeumann+cc469956+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TWBADKEY==",
        # unknown algorithm byte, with the key id recomputed
        "PeterNeumann+173116ae+ZRpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",
        "PeterNeumann+C74F20A3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",
        "Peter Neumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",
        "+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",
    ],
)
def test_malformed_verifier_keys_are_rejected(vkey: str) -> None:
    with pytest.raises(NoteError):
        Verifier.from_string(vkey)


def mangled(key: str) -> list[str]:
    substrings = [key[i:j] for i in range(len(key)) for j in range(i + 1, len(key) + 1)]
    altered = [key[:i] + chr(ord(key[i]) + 1) + key[i + 1 :] for i in range(len(key))]
    return [k for k in substrings + altered if k != key]


# --- signing and opening ---------------------------------------------------------------------


def test_signing_reproduces_the_go_reference_note() -> None:
    assert sign_note(TEXT, [Signer.from_string(PETER_SKEY)]) == TEXT + "\n" + PETER_SIG


def test_go_reference_note_opens(peter: Verifier, enoch: Verifier) -> None:
    assert open_note(TEXT + "\n" + PETER_SIG + ENOCH_SIG, [peter]) == (TEXT, ["PeterNeumann"])
    assert open_note(TEXT + "\n" + PETER_SIG + ENOCH_SIG, [peter, enoch]) == (
        TEXT,
        ["PeterNeumann", "EnochRoot"],
    )


def test_signed_checkpoint_round_trips() -> None:
    signer, verifier = new_signer()
    body = checkpoint_body(ORIGIN, 3, ROOT)
    note = sign_note(body, [signer])
    assert open_note(note, [verifier]) == (body, [ORIGIN])
    assert parse_checkpoint(body) == (ORIGIN, 3, ROOT, [])


def test_tampered_body_fails() -> None:
    signer, verifier = new_signer()
    note = sign_note(checkpoint_body(ORIGIN, 3, ROOT), [signer])
    with pytest.raises(NoteError, match="invalid signature"):
        open_note(note.replace("\n3\n", "\n4\n", 1), [verifier])


def test_unknown_signature_is_ignored(peter: Verifier) -> None:
    assert open_note(TEXT + "\n" + ENOCH_SIG + PETER_SIG, [peter]) == (TEXT, ["PeterNeumann"])


def test_note_without_a_signature_from_a_known_key_is_rejected(peter: Verifier) -> None:
    with pytest.raises(NoteError, match="no signature from a known key"):
        open_note(TEXT + "\n" + ENOCH_SIG, [peter])


def test_signature_sharing_only_the_name_of_a_known_key_is_ignored() -> None:
    signer, _ = new_signer("PeterNeumann")  # same name, different key id
    note = sign_note(TEXT, [signer, Signer.from_string(PETER_SKEY)])
    assert open_note(note, [Verifier.from_string(PETER_VKEY)]) == (TEXT, ["PeterNeumann"])


def test_rotation_signatures_by_old_and_new_keys_both_verify() -> None:
    old_signer, old_verifier = new_signer()
    new_signer_, new_verifier = new_signer()
    note = sign_note(checkpoint_body(ORIGIN, 3, ROOT), [old_signer, new_signer_])
    assert open_note(note, [old_verifier, new_verifier])[1] == [ORIGIN, ORIGIN]
    assert open_note(note, [old_verifier])[1] == [ORIGIN]
    assert open_note(note, [new_verifier])[1] == [ORIGIN]


def test_bad_signature_from_a_known_key_rejects_the_whole_note(peter: Verifier, enoch: Verifier) -> None:
    forged = PETER_SIG[:60] + "ABCD" + PETER_SIG[60:]
    with pytest.raises(NoteError, match="invalid signature for key PeterNeumann"):
        open_note(TEXT + "\n" + forged + ENOCH_SIG, [peter, enoch])


def test_duplicate_signature_from_a_known_key_is_rejected(peter: Verifier) -> None:
    with pytest.raises(NoteError, match="twice"):
        open_note(TEXT + "\n" + PETER_SIG + PETER_SIG, [peter])


def test_body_may_contain_blank_lines_because_the_last_one_separates_signatures() -> None:
    signer, verifier = new_signer()
    body = "first\n\nsecond\n"
    assert open_note(sign_note(body, [signer]), [verifier]) == (body, [ORIGIN])


def test_two_different_keys_behind_one_name_and_key_id_are_refused(peter: Verifier) -> None:
    # A colliding 4-byte key id is cheap to compute; which key a signature meant is then unknowable.
    impostor = Verifier(peter.name, b"\x01" * 32)
    impostor.key_id = peter.key_id
    with pytest.raises(NoteError, match="ambiguous"):
        open_note(TEXT + "\n" + PETER_SIG, [peter, impostor])


def test_the_same_verifier_listed_twice_is_harmless(peter: Verifier) -> None:
    assert open_note(TEXT + "\n" + PETER_SIG, [peter, Verifier.from_string(PETER_VKEY)])[1] == [
        "PeterNeumann"
    ]


@pytest.mark.parametrize(
    "note",
    [
        # Go's malformed notes
        TEXT,
        TEXT + "\n",
        TEXT + "\n" + PETER_SIG[:-1],
        "\x01" + TEXT + "\n" + PETER_SIG,
        TEXT + "\n" + PETER_SIG.replace("PeterNeumann", "Bad Name")[:-1],
        TEXT + "\n" + PETER_SIG + "Unexpected line.\n",
        # and ours
        TEXT + PETER_SIG,
        TEXT + "\n" + PETER_SIG.replace("— ", "-- "),
        TEXT + "\n" + PETER_SIG.replace("— ", "—"),
        TEXT + "\n" + PETER_SIG.replace(" x08go", "  x08go"),
        TEXT + "\n" + PETER_SIG.replace("PeterNeumann", "Peter+Neumann"),
        TEXT + "\n" + PETER_SIG.replace("AM=", "AM"),
        TEXT + "\n" + PETER_SIG.replace("AM=", "AN="),  # non-canonical padding bits
        TEXT + "\n" + PETER_SIG.replace("x08go/", "x08go!"),
        TEXT + "\n" + "— PeterNeumann x08g\n",
        TEXT + "\n" + PETER_SIG + "\n",
        TEXT.replace("\n", "\r\n") + "\n" + PETER_SIG,
        TEXT + "\n" + PETER_SIG.replace("\n", "\r\n"),
        "\ud800" + TEXT + "\n" + PETER_SIG,
        TEXT + "\n" + PETER_SIG * (MAX_SIGNATURES + 1),
    ],
)
def test_malformed_notes_are_rejected(note: str, peter: Verifier) -> None:
    with pytest.raises(NoteError):
        open_note(note, [peter])


def test_sign_note_refuses_what_could_not_be_opened() -> None:
    signer, _ = new_signer()
    for body in ["no final newline", "", "tab\there\n"]:
        with pytest.raises(NoteError):
            sign_note(body, [signer])
    with pytest.raises(NoteError):
        sign_note(TEXT, [])
    with pytest.raises(NoteError):
        sign_note(TEXT, [signer, signer])


# --- checkpoints -----------------------------------------------------------------------------


def test_checkpoint_body_has_the_c2sp_layout() -> None:
    body = checkpoint_body(ORIGIN, 3, ROOT, ["ext one", "ext two"])
    assert body.split("\n") == [ORIGIN, "3", base64.b64encode(ROOT).decode(), "ext one", "ext two", ""]
    assert parse_checkpoint(body) == (ORIGIN, 3, ROOT, ["ext one", "ext two"])


def test_c2sp_example_checkpoint_parses() -> None:
    body = "example.com/behind-the-sofa\n20852163\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n"
    origin, size, root, extensions = parse_checkpoint(body)
    assert (origin, size, len(root), extensions) == ("example.com/behind-the-sofa", 20852163, 32, [])
    assert checkpoint_body(origin, size, root) == body


def test_empty_tree_checkpoint_has_size_zero() -> None:
    body = checkpoint_body(ORIGIN, 0, merkle_root([]))
    assert parse_checkpoint(body)[1] == 0


@pytest.mark.parametrize(
    "body",
    [
        f"{ORIGIN}\n3\n{'A' * 43}=",  # no final newline
        f"{ORIGIN}\n3\n",
        f"\n3\n{'A' * 43}=\n",
        f"{ORIGIN}\n03\n{'A' * 43}=\n",
        f"{ORIGIN}\n-3\n{'A' * 43}=\n",
        f"{ORIGIN}\n+3\n{'A' * 43}=\n",
        f"{ORIGIN}\n 3\n{'A' * 43}=\n",
        f"{ORIGIN}\n٣\n{'A' * 43}=\n",  # an Arabic-Indic digit: isdigit() but not a tree size
        f"{ORIGIN}\n{2**63}\n{'A' * 43}=\n",
        f"{ORIGIN}\n3\n{'A' * 42}==\n",
        f"{ORIGIN}\n3\n{'A' * 43}\n",
        f"{ORIGIN}\n3\n{'A' * 42}B=\n",  # non-canonical: padding bits set
        f"{ORIGIN}\n3\n{'A' * 43}=\n\n",
        f"{ORIGIN}\n3\n{'A' * 43}=\r\n",
    ],
)
def test_malformed_checkpoints_are_rejected(body: str) -> None:
    with pytest.raises(NoteError):
        parse_checkpoint(body)


@pytest.mark.parametrize(
    ("origin", "size", "root", "extensions"),
    [
        ("", 1, ROOT, []),
        ("two\nlines", 1, ROOT, []),
        (ORIGIN, -1, ROOT, []),
        (ORIGIN, True, ROOT, []),
        (ORIGIN, 1, ROOT[:31], []),
        (ORIGIN, 1, ROOT, [""]),
    ],
)
def test_checkpoint_body_refuses_invalid_fields(
    origin: str, size: int, root: bytes, extensions: list[str]
) -> None:
    with pytest.raises(NoteError):
        checkpoint_body(origin, size, root, extensions)
