"""The journal: atomic with the business change, append-only in PostgreSQL, verified end to end."""

from __future__ import annotations

import itertools
import json
import os
import subprocess
import sys
from typing import Any

import pytest
from django.db import connection, transaction
from django.db.utils import DatabaseError
from django.utils import timezone

import ledger
from ledger.chain import canonical, entry_hash, format_time, is_canonical
from ledger.models import AppendOnlyError, Entry, PendingEntry
from ledger.services import LedgerError
from ledger.verification import verify_chain


def append(i: int, subject: str = "test:1") -> PendingEntry:
    return ledger.append(kind="test.changed", subject=subject, actor="user:alice", actor_org="org:TEST",
                         at=timezone.now(), payload={"i": i, "amount": "125000.00"})


def make_chain(n: int, sequenced: Any) -> None:
    with transaction.atomic():
        for i in range(n):
            append(i)
    sequenced()


@pytest.mark.django_db(transaction=True)
def test_append_outside_a_transaction_is_refused() -> None:
    with pytest.raises(LedgerError, match="inside the business transaction"):
        ledger.append(kind="test.x", subject="s", actor="a", actor_org="o", at=timezone.now(), payload={})


@pytest.mark.django_db(transaction=True)
def test_business_change_and_its_entry_roll_back_together() -> None:
    from lc.models import Organization

    with pytest.raises(RuntimeError), transaction.atomic():
        Organization.objects.create(name="Rollback Bank", kind="bank", bic="RBBKHKHH", country="HK", city="HK")
        append(1, subject="org:RBBKHKHH")
        raise RuntimeError("the business transaction fails after append")
    assert not Organization.objects.filter(bic="RBBKHKHH").exists()
    assert not PendingEntry.objects.filter(subject="org:RBBKHKHH").exists()
    assert not Entry.objects.filter(subject="org:RBBKHKHH").exists()


@pytest.mark.django_db(transaction=True)
def test_business_change_and_its_entry_commit_together(sequenced: Any) -> None:
    from lc.models import Organization

    with transaction.atomic():
        Organization.objects.create(name="Commit Bank", kind="bank", bic="CMBKHKHH", country="HK", city="HK")
        pending = append(1, subject="org:CMBKHKHH")
    assert PendingEntry.objects.filter(pk=pending.pk).exists()
    sequenced()
    entry = Entry.objects.get(intake_id=pending.pk)
    assert entry.subject == "org:CMBKHKHH" and entry.seq >= 1
    assert not PendingEntry.objects.filter(pk=pending.pk).exists()


@pytest.mark.django_db
def test_payload_bytes_are_rfc8785_canonical_and_floats_refused() -> None:
    assert canonical({"b": 1, "a": "é"}) == '{"a":"é","b":1}'.encode()
    assert is_canonical(canonical({"z": [1, {"y": None, "x": True}]}))
    assert not is_canonical(b'{"b":1,"a":2}')
    with pytest.raises(ValueError):
        canonical({"amount": 1.5})


@pytest.mark.django_db
def test_the_sequencer_assigns_gapless_seq_and_links_hashes(sequenced: Any) -> None:
    make_chain(25, sequenced)
    entries = list(Entry.objects.order_by("seq"))
    assert [e.seq for e in entries] == list(range(1, 26))
    assert bytes(entries[0].prev_hash) == bytes(32)
    for prev, cur in itertools.pairwise(entries):
        assert bytes(cur.prev_hash) == bytes(prev.hash)
    e = entries[7]
    recomputed = entry_hash(seq=e.seq, kind=e.kind, subject=e.subject, actor=e.actor, actor_org=e.actor_org,
                            at=format_time(e.at), payload=bytes(e.payload),
                            prev_hash=bytes(e.prev_hash))
    assert recomputed == bytes(e.hash)


@pytest.mark.django_db
def test_models_refuse_edits_and_deletes(sequenced: Any) -> None:
    make_chain(1, sequenced)
    entry = Entry.objects.get(seq=1)
    with pytest.raises(AppendOnlyError):
        entry.save()
    with pytest.raises(AppendOnlyError):
        entry.delete()


@pytest.mark.django_db
@pytest.mark.parametrize("statement", [
    "UPDATE ledger_entry SET kind = 'x.y' WHERE seq = 1",
    "DELETE FROM ledger_entry WHERE seq = 1",
    "TRUNCATE ledger_entry CASCADE",
    "UPDATE ledger_intake SET kind = 'x.y'",
    "TRUNCATE ledger_intake",
    "DELETE FROM ledger_intake",
])
def test_postgres_rejects_changes_even_for_a_superuser_in_replica_mode(statement: str, sequenced: Any) -> None:
    make_chain(2, sequenced)
    with transaction.atomic():
        append(99)  # an unsequenced intake row, so the intake DELETE has something to refuse
    with connection.cursor() as cur:
        cur.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
        assert cur.fetchone()[0] is True, "this test must run as a superuser"
        cur.execute("SET session_replication_role = replica")
        try:
            with pytest.raises(DatabaseError, match=r"append-only|not sequenced"), transaction.atomic():
                cur.execute(statement)
        finally:
            cur.execute("SET session_replication_role = origin")
    assert Entry.objects.count() == 2


def tamper(sql: str, *params: Any) -> None:
    """What a rogue superuser does: switch the triggers off, edit, switch them back on."""
    with connection.cursor() as cur:
        cur.execute("ALTER TABLE ledger_entry DISABLE TRIGGER ALL")
        cur.execute(sql, params)
        cur.execute("ALTER TABLE ledger_entry ENABLE ALWAYS TRIGGER ledger_entry_no_update_delete")
        cur.execute("ALTER TABLE ledger_entry ENABLE ALWAYS TRIGGER ledger_entry_no_truncate")


def verify_command(*args: str) -> tuple[int, dict[str, Any]]:
    """Run `manage.py verify_ledger --json` as a real process against the test database."""
    from tradechain.embedded import url_for

    env = {**os.environ, "DATABASE_URL": url_for(connection.settings_dict)}
    proc = subprocess.run([sys.executable, "manage.py", "verify_ledger", "--json", *args],
                          capture_output=True, text=True, env=env, timeout=120)
    return proc.returncode, json.loads(proc.stdout.strip().splitlines()[-1])


@pytest.mark.django_db(transaction=True)
def test_verify_ledger_passes_on_an_intact_chain(sequenced: Any) -> None:
    make_chain(30, sequenced)
    code, result = verify_command()
    assert code == 0 and result["ok"] and result["checked"] == 30
    code, result = verify_command("--from", "10", "--to", "20")
    assert code == 0 and result["checked"] == 11


@pytest.mark.django_db(transaction=True)
def test_one_changed_payload_byte_is_named_by_seq(sequenced: Any) -> None:
    make_chain(30, sequenced)
    tamper("UPDATE ledger_entry SET payload = convert_to(replace(convert_from(payload, 'UTF8'), "
           "'125000', '125001'), 'UTF8') WHERE seq = 17")
    assert b"125001" in bytes(Entry.objects.get(seq=17).payload)
    code, result = verify_command()
    assert code == 1 and result["broken_seq"] == 17 and result["reason"] == "hash mismatch"


@pytest.mark.django_db(transaction=True)
def test_a_payload_that_is_not_canonical_is_named(sequenced: Any) -> None:
    make_chain(30, sequenced)
    tamper("""UPDATE ledger_entry SET payload = convert_to('{"i": 4}', 'UTF8') WHERE seq = 5""")
    code, result = verify_command("--canonical")
    assert code == 1 and result["broken_seq"] == 5 and result["reason"] == "bad payload encoding"


@pytest.mark.django_db(transaction=True)
def test_a_deleted_entry_is_named_as_a_gap(sequenced: Any) -> None:
    make_chain(30, sequenced)
    tamper("DELETE FROM ledger_entry WHERE seq = 12")
    code, result = verify_command()
    assert code == 1 and result["broken_seq"] == 12 and result["reason"] == "gap"


@pytest.mark.django_db(transaction=True)
def test_two_swapped_entries_are_named(sequenced: Any) -> None:
    make_chain(30, sequenced)
    tamper("UPDATE ledger_entry SET seq = seq + 1000 WHERE seq IN (8, 21)")
    tamper("UPDATE ledger_entry SET seq = CASE seq WHEN 1008 THEN 21 ELSE 8 END WHERE seq IN (1008, 1021)")
    assert Entry.objects.get(seq=8).payload != Entry.objects.get(seq=21).payload
    code, result = verify_command()
    assert code == 1 and result["broken_seq"] == 8 and result["reason"] in {"hash mismatch", "broken link"}


@pytest.mark.django_db(transaction=True)
def test_a_relinked_chain_is_caught_at_the_first_changed_entry(sequenced: Any) -> None:
    make_chain(10, sequenced)
    tamper("UPDATE ledger_entry SET prev_hash = decode(repeat('00', 32), 'hex') WHERE seq = 6")
    result = verify_chain()
    assert not result.ok and result.broken_seq == 6


@pytest.mark.django_db(transaction=True)
def test_parallel_verification_finds_the_lowest_break_across_parts() -> None:
    from bench.bench_ledger import _fill_chain
    from ledger.verification import verify_parallel

    _fill_chain(60_000)
    assert verify_parallel(jobs=2).ok
    tamper("DELETE FROM ledger_entry WHERE seq = 45000")
    tamper("UPDATE ledger_entry SET kind = 'lc.forged' WHERE seq = 31000")
    result = verify_parallel(jobs=2)
    assert not result.ok and result.broken_seq == 31000 and result.reason == "hash mismatch"
    seam = verify_parallel(jobs=2, start=40_000)
    assert not seam.ok and seam.broken_seq == 45000 and seam.reason == "gap"


@pytest.mark.parametrize("payload", [
    {"b": 1, "a": "é", "c": [True, None, {"z": "\u2028", "y": "\x01\n\"\\"}]},
    {"amount": "125000.00", "big": 2**53 - 1, "neg": -(2**53 - 1), "emoji": "📦", "\ue000": 1, "a": 2},
    {"\U0001f600": 1, "\ufb01": 2},  # astral key: falls back to the reference encoder
])
def test_fast_canonical_encoding_matches_the_rfc8785_reference(payload: dict[str, Any]) -> None:
    import rfc8785

    assert canonical(payload) == rfc8785.dumps(payload)


def test_integers_beyond_double_precision_are_refused() -> None:
    with pytest.raises(ValueError):
        canonical({"n": 2**53})


def test_enums_and_decimals_encode_as_their_plain_values() -> None:
    import enum
    from decimal import Decimal

    class Colour(enum.StrEnum):
        RED = "red"

    class Size(enum.IntEnum):
        BIG = 3

    assert canonical({"c": Colour.RED, "s": Size.BIG, "a": Decimal("1.50"), "t": (1, 2)}) == \
        b'{"a":"1.50","c":"red","s":3,"t":[1,2]}'
