"""Proofs served from the node table, the proof API, ledger_proof, the public endpoints, keys."""

from __future__ import annotations

import json
import stat
from io import StringIO
from typing import Any

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.core.management.base import CommandError

from ledger import keys
from ledger.anchoring import anchor_checkpoint
from ledger.chain import leaf_data
from ledger.merkle import (
    consistency_proof_from_hashes,
    inclusion_proof_from_hashes,
    leaf_hash,
    verify_inclusion,
)
from ledger.models import Entry
from ledger.note import Verifier, generate_signer, open_note
from ledger.proofs import NotAnchored, consistency_proof_between, inclusion_proof_for, proof_status

pytestmark = pytest.mark.django_db


def leaf_hashes(upto: int) -> list[bytes]:
    rows = Entry.objects.filter(seq__lte=upto).order_by("seq").values_list("hash", flat=True)
    return [leaf_hash(leaf_data(bytes(h))) for h in rows]


@pytest.fixture
def log_of_37(record: Any) -> list[int]:
    """Checkpoints at 1, 2, 13 and 37 entries: sizes of every shape (power of two, odd, ...)."""
    sizes = []
    for n in (1, 1, 11, 24):
        record(n)
        sizes.append(anchor_checkpoint().size)
    return sizes


def test_every_inclusion_proof_equals_the_rfc_proof_and_verifies(log_of_37: list[int]) -> None:
    for size in log_of_37:
        hashes = leaf_hashes(size)
        for seq in range(1, size + 1):
            proof = inclusion_proof_for(seq, size)

            assert proof.proof == inclusion_proof_from_hashes(hashes, seq - 1)
            entry = Entry.objects.get(seq=seq)
            assert verify_inclusion(leaf_data(bytes(entry.hash)), seq - 1, size, proof.proof, proof.root)


def test_consistency_proofs_between_all_checkpoints_equal_the_rfc_proofs(log_of_37: list[int]) -> None:
    hashes = leaf_hashes(37)
    for old in log_of_37:
        for new in log_of_37:
            if old <= new:
                assert consistency_proof_between(old, new) == consistency_proof_from_hashes(hashes[:new], old)


def test_an_inclusion_proof_is_answered_with_one_node_query(log_of_37: list[int], django_assert_num_queries: Any) -> None:
    with django_assert_num_queries(2):  # the checkpoint row, then the nodes
        proof = inclusion_proof_for(17)

    assert proof.tree_size == 37 and proof.note.startswith("tradechain.test/ledger\n37\n")


def test_proof_of_an_entry_not_yet_anchored_is_refused(log_of_37: list[int], record: Any) -> None:
    (seq,) = record(1)

    with pytest.raises(NotAnchored):
        inclusion_proof_for(seq)
    with pytest.raises(NotAnchored):
        inclusion_proof_for(1, size=5)  # no checkpoint of that size: never a bare size


def test_proof_status_reports_the_first_checkpoint_that_anchored_each_entry(log_of_37: list[int], record: Any) -> None:
    record(2)

    status = proof_status([1, 2, 3, 13, 14, 37, 38, 39])

    assert status[1] == {"anchored": True, "checkpoint_size": 1, "witnessed": False, "witnessed_size": None}
    assert status[3]["checkpoint_size"] == 13 and status[13]["checkpoint_size"] == 13
    assert status[14]["checkpoint_size"] == 37
    assert status[38] == {"anchored": False, "checkpoint_size": None, "witnessed": False, "witnessed_size": None}


def test_ledger_proof_prints_the_entry_and_its_verified_proof(log_of_37: list[int]) -> None:
    out = StringIO()

    call_command("ledger_proof", "20", stdout=out)

    result = json.loads(out.getvalue())
    assert result["entry"]["seq"] == 20 and result["entry"]["payload"]["amount"] == "125000.00"
    assert result["inclusion"]["tree_size"] == 37 and len(result["inclusion"]["proof"]) == 6
    assert result["verified"] == {"checkpoint_signature": True, "leaf_is_entry_hash": True, "inclusion": True}


def test_ledger_proof_of_an_unanchored_entry_says_so(record: Any) -> None:
    record(1)

    with pytest.raises(CommandError, match="no checkpoint yet"):
        call_command("ledger_proof", "1", stdout=StringIO())


def test_public_endpoints_serve_keys_and_checkpoints(client: Any, record: Any) -> None:
    assert client.get("/ledger/checkpoint").status_code == 404
    record(3)
    cp = anchor_checkpoint()

    keys_json = client.get("/ledger/keys").json()
    latest = client.get("/ledger/checkpoint")
    past = client.get("/ledger/checkpoints/3")

    assert [Verifier.from_string(k) for k in keys_json] == keys.verifiers()
    assert latest["Content-Type"] == "text/plain; charset=utf-8" and latest.content.decode() == cp.note
    open_note(latest.content.decode(), [Verifier.from_string(k) for k in keys_json])
    assert past.status_code == 200 and client.get("/ledger/checkpoints/4").status_code == 404


def test_proof_endpoint_serves_a_verified_proof_without_the_payload(client: Any, log_of_37: list[int],
                                                                    record: Any) -> None:
    body = client.get("/ledger/proof/20").json()
    assert body["seq"] == 20 and body["tree_size"] == 37 and body["verified"] is True
    assert len(body["proof"]) == 6 and "payload" not in json.dumps(body)
    record(1)  # entry 38: sequenced, not yet in a checkpoint
    assert client.get("/ledger/proof/38").status_code == 404


def test_default_key_is_generated_once_under_var_with_mode_600(ledger_settings: Any) -> None:
    ledger_settings.LEDGER_SIGNING_KEY = ""
    path = ledger_settings.LEDGER_DEFAULT_SIGNING_KEY_FILE

    first = keys.log_signer()
    second = keys.log_signer()

    assert path.exists() and stat.S_IMODE(path.stat().st_mode) == 0o600
    assert first.key_id == second.key_id and first.name == "tradechain.test/ledger"


def test_a_named_key_file_that_is_missing_is_an_error_not_a_new_key(ledger_settings: Any, tmp_path: Any) -> None:
    ledger_settings.LEDGER_SIGNING_KEY = ""
    ledger_settings.LEDGER_SIGNING_KEY_FILE = str(tmp_path / "nope.key")

    with pytest.raises(ImproperlyConfigured, match="does not exist"):
        keys.log_signer()


def test_rotation_signs_with_both_keys_and_publishes_retired_ones(ledger_settings: Any, record: Any) -> None:
    new_key, new_vkey = generate_signer("tradechain.test/ledger")
    _, retired_vkey = generate_signer("tradechain.test/ledger-2024")
    ledger_settings.LEDGER_EXTRA_SIGNING_KEYS = [new_key]
    ledger_settings.LEDGER_EXTRA_VERIFIER_KEYS = [retired_vkey]
    record(2)

    cp = anchor_checkpoint()

    assert len(cp.signatures) == 2
    open_note(cp.note, [Verifier.from_string(new_vkey)])  # verifies with the new key alone
    assert keys.verifier_strings()[1:] == [new_vkey, retired_vkey]
