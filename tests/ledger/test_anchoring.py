"""Anchoring: the node table, signed checkpoints, one anchorer at a time, refusal to sign a
rewritten history."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from django.db import DatabaseError, IntegrityError, connection, connections, transaction
from django.utils import timezone

from ledger import keys, tasks
from ledger.anchoring import AnchorError, anchor_checkpoint, anchoring_lag
from ledger.chain import leaf_data
from ledger.merkle import leaf_hash, merkle_root, new_nodes, verify_consistency
from ledger.models import AppendOnlyError, Checkpoint, Entry, Receipt
from ledger.note import open_note, parse_checkpoint
from ledger.proofs import consistency_proof_between

pytestmark = pytest.mark.django_db


def entry_leaves(upto: int) -> list[bytes]:
    return [leaf_data(bytes(h)) for h in Entry.objects.filter(seq__lte=upto).order_by("seq").values_list("hash", flat=True)]


def stored_nodes() -> set[tuple[int, int, bytes]]:
    with connection.cursor() as cur:
        cur.execute("SELECT level, index, hash FROM ledger_node")
        return {(lv, ix, bytes(h)) for lv, ix, h in cur.fetchall()}


def test_first_checkpoint_signs_the_root_of_the_whole_chain(record: Any) -> None:
    record(5)

    cp = anchor_checkpoint()

    assert cp is not None and cp.size == 5 and cp.previous is None
    assert bytes(cp.root) == merkle_root(entry_leaves(5))
    body, signers = open_note(cp.note, keys.verifiers())
    assert parse_checkpoint(body) == ("tradechain.test/ledger", 5, bytes(cp.root), [])
    assert signers == ["tradechain.test/ledger"]
    assert [r.status for r in cp.receipts.all()] == [Receipt.Status.PENDING]


def test_node_table_holds_every_perfect_subtree_of_the_anchored_tree(record: Any) -> None:
    record(5)
    anchor_checkpoint()
    record(8)
    anchor_checkpoint()

    expected = new_nodes(0, [leaf_hash(x) for x in entry_leaves(13)], lambda level, index: b"")
    assert stored_nodes() == set(expected)


def test_next_checkpoint_chains_to_the_previous_and_is_consistent_with_it(record: Any) -> None:
    record(5)
    first = anchor_checkpoint()
    record(7)

    second = anchor_checkpoint()

    assert second is not None and second.previous == first and second.size == 12
    proof = consistency_proof_between(5, 12)
    assert verify_consistency(5, 12, bytes(first.root), bytes(second.root), proof)


def test_nothing_is_signed_when_the_log_has_not_grown(record: Any) -> None:
    assert anchor_checkpoint() is None  # empty log
    record(3)
    anchor_checkpoint()

    assert anchor_checkpoint() is None
    assert Checkpoint.objects.count() == 1


def test_redelivered_anchor_task_creates_one_checkpoint(record: Any) -> None:
    record(4)

    assert tasks.anchor() == 4
    assert tasks.anchor() is None  # Redis redelivered the same task after the first finished

    assert list(Checkpoint.objects.values_list("size", flat=True)) == [4]


def test_database_refuses_a_second_checkpoint_of_one_size_or_a_fork(record: Any) -> None:
    record(3)
    cp = anchor_checkpoint()
    note, now = cp.note, timezone.now()

    with pytest.raises(IntegrityError), transaction.atomic():
        Checkpoint.objects.create(origin=cp.origin, size=3, root=cp.root, note=note, previous=None, created_at=now)
    with pytest.raises(IntegrityError), transaction.atomic():
        Checkpoint.objects.create(origin=cp.origin, size=9, root=cp.root, note=note, previous=None, created_at=now)
    record(2)
    anchor_checkpoint()
    with pytest.raises(IntegrityError), transaction.atomic():  # a second successor of `cp`: a fork
        Checkpoint.objects.create(origin=cp.origin, size=7, root=cp.root, note=note, previous=cp, created_at=now)


def test_nodes_and_checkpoints_are_append_only_in_postgresql(record: Any) -> None:
    record(3)
    cp = anchor_checkpoint()

    for sql in ("UPDATE ledger_node SET hash = hash", "DELETE FROM ledger_node", "TRUNCATE ledger_node",
                "UPDATE ledger_checkpoint SET note = ''", "DELETE FROM ledger_checkpoint"):
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cur:
            cur.execute(sql)
    with pytest.raises(AppendOnlyError):
        cp.save()
    with pytest.raises(AppendOnlyError):
        cp.delete()


def test_anchoring_refuses_a_history_rewritten_with_recomputed_nodes(record: Any, rewrite_history: Any) -> None:
    record(6)
    anchor_checkpoint()
    record(4)
    rewrite_history(3, b'{"forged":true}', nodes_up_to=6)

    with pytest.raises(AnchorError, match="does not fold to the signed root"):
        anchor_checkpoint()
    assert Checkpoint.objects.count() == 1


def test_anchoring_refuses_a_history_rewritten_without_touching_the_nodes(record: Any, rewrite_history: Any) -> None:
    record(6)
    anchor_checkpoint()
    record(4)
    rewrite_history(2, b'{"forged":true}')

    with pytest.raises(AnchorError, match="not the last leaf"):
        anchor_checkpoint()


def test_anchoring_refuses_an_unanchored_entry_edited_in_place(record: Any) -> None:
    record(3)
    anchor_checkpoint()
    record(2)
    with connection.cursor() as cur:
        cur.execute("ALTER TABLE ledger_entry DISABLE TRIGGER ALL")
        cur.execute("""UPDATE ledger_entry SET payload = '{"n":99}' WHERE seq = 5""")

    with pytest.raises(AnchorError, match="entry 5 does not match"):
        anchor_checkpoint()


def test_anchoring_refuses_when_the_previous_checkpoint_was_signed_by_an_unknown_key(
    record: Any, ledger_settings: Any
) -> None:
    record(3)
    anchor_checkpoint()
    record(1)
    from ledger.note import generate_signer

    ledger_settings.LEDGER_SIGNING_KEY = generate_signer("tradechain.test/ledger")[0]  # rotated without overlap

    with pytest.raises(AnchorError, match="does not verify with our keys"):
        anchor_checkpoint()


def test_anchoring_lag_counts_entries_and_time_since_the_checkpoint(record: Any) -> None:
    record(3)
    anchor_checkpoint()
    record(4)

    lag = anchoring_lag()

    assert (lag.head, lag.anchored, lag.entries) == (7, 3, 4)
    assert lag.oldest_waiting_seconds >= 0 and lag.checkpoint_age_seconds is not None


@pytest.mark.django_db(transaction=True)
def test_concurrent_anchorers_sign_one_checkpoint_per_tree_size(record: Any) -> None:
    for round_ in range(3):
        record(7 + round_)
        barrier, results = threading.Barrier(4), []

        def run() -> None:
            barrier.wait()
            try:
                results.append(anchor_checkpoint())
            finally:
                connections.close_all()

        threads = [threading.Thread(target=run) for _ in range(4)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        signed = [cp for cp in results if cp is not None]
        head = Entry.objects.order_by("-seq").values_list("seq", flat=True).first()
        assert [cp.size for cp in signed] == [head]

    sizes = list(Checkpoint.objects.order_by("size").values_list("size", flat=True))
    assert sizes == [7, 15, 24]


def test_beat_schedule_runs_the_anchor_task_at_the_configured_interval() -> None:
    from django.conf import settings

    entry = settings.CELERY_BEAT_SCHEDULE["ledger-anchor"]
    assert entry["task"] == "ledger.tasks.anchor" == tasks.anchor.name
    assert entry["schedule"] == settings.LEDGER_ANCHOR_INTERVAL


@pytest.mark.django_db(transaction=True)
def test_beat_and_worker_anchor_each_new_batch_by_themselves(
    celery_worker_thread: Any, record: Any, wait_for: Any, tmp_path: Any
) -> None:
    """Beat's entry and the worker anchor new entries with nobody asking. How soon is a
    benchmark's question (bench_ledger, anchoring lag), not a timed test's on a shared machine."""
    from celery.beat import EmbeddedService

    from tradechain.celery import app

    interval = 1.0  # LEDGER_ANCHOR_INTERVAL for this test; the real beat entry reads the setting
    saved = app.conf.beat_schedule
    app.conf.beat_schedule = {"ledger-anchor": {"task": "ledger.tasks.anchor", "schedule": interval}}
    beat = EmbeddedService(app, thread=True, max_interval=0.2, schedule_filename=str(tmp_path / "beat"))
    beat.start()
    try:
        for _ in range(3):
            head = record(5)[-1]
            assert wait_for(lambda head=head: Checkpoint.objects.filter(size=head).exists(), timeout=60)
    finally:
        beat.stop()
        app.conf.beat_schedule = saved
    assert list(Checkpoint.objects.order_by("size").values_list("size", flat=True)) == [5, 10, 15]


@pytest.mark.django_db(transaction=True)
def test_two_worker_threads_running_the_anchor_task_at_once_sign_each_size_once(
    celery_worker_thread: Any, record: Any, wait_for: Any
) -> None:
    for _ in range(3):
        record(4)
        # Both pool threads anchor at the same moment; keep the results to see who signed.
        results = [tasks.anchor.apply_async(ignore_result=False) for _ in range(4)]
        assert sorted(r.get(timeout=15) or 0 for r in results)[-2:] == [0, Entry.objects.count()]

    sizes = list(Checkpoint.objects.order_by("size").values_list("size", flat=True))
    assert sizes == [4, 8, 12]
    assert Receipt.objects.count() == 3


def test_anchor_ledger_command_signs_and_publishes_without_celery(record: Any, ledger_settings: Any) -> None:
    from io import StringIO
    from pathlib import Path

    from django.core.management import call_command

    record(3)
    out = StringIO()

    call_command("anchor_ledger", "--publish", stdout=out)

    assert "signed checkpoint 3" in out.getvalue() and ": published" in out.getvalue()
    assert (Path(ledger_settings.LEDGER_TLOG_DIR) / "checkpoints" / "3").exists()
