"""`make backup` / `make restore` on the real PostgreSQL: the archive brings back the ledger and
the documents, and a restore that lost entries a published checkpoint covers says which, by seq."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import psycopg
import pytest
from django.db import connection, transaction
from django.utils import timezone

import ledger
from ledger.anchoring import anchor_checkpoint
from ledger.models import Receipt
from ledger.note import generate_signer
from ledger.publishers import attempt_publication
from ledger.sequencer import drain
from tradechain.embedded import url_for

ROOT = Path(__file__).resolve().parents[2]
ORIGIN = "tradechain.test/ops-backup"
SIGNER, _ = generate_signer(ORIGIN)
SCRATCH_DB = "tc_ops_restore"


@pytest.fixture
def stack(settings: Any, tmp_path: Path) -> dict[str, str]:
    """Ledger and document settings shared by this process and the backup/restore commands."""
    settings.LEDGER_ORIGIN = ORIGIN
    settings.LEDGER_SIGNING_KEY = SIGNER
    settings.LEDGER_EXTRA_SIGNING_KEYS = []
    settings.LEDGER_EXTRA_VERIFIER_KEYS = []
    settings.LEDGER_TLOG_DIR = tmp_path / "tlog"
    settings.LEDGER_PUBLISHERS = ["ledger.publishers.TlogDirectory"]
    settings.MEDIA_ROOT = tmp_path / "media"
    return {
        "LEDGER_ORIGIN": ORIGIN, "LEDGER_SIGNING_KEY": SIGNER, "LEDGER_TLOG_DIR": str(tmp_path / "tlog"),
        "LEDGER_PUBLISHERS": "ledger.publishers.TlogDirectory", "MEDIA_ROOT": str(tmp_path / "media"),
        "TRADECHAIN_VAR": str(tmp_path / "var"), "DATABASE_URL": url_for(connection.settings_dict),
    }


@pytest.fixture
def scratch_db() -> Iterator[str]:
    """The database a restore goes into: a URL on the test server, dropped afterwards."""
    settings = connection.settings_dict
    yield url_for({**settings, "NAME": SCRATCH_DB})
    with psycopg.connect(url_for({**settings, "NAME": "postgres"}), autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {SCRATCH_DB} WITH (FORCE)")


def record(n: int) -> None:
    with transaction.atomic():
        for i in range(n):
            ledger.append(kind="ops.noted", subject="ops:backup", actor="user:ops", actor_org="bank:VHBKHKHH",
                          at=timezone.now(), payload={"n": i})
    drain()


def anchor_and_publish() -> int:
    checkpoint = anchor_checkpoint()
    assert checkpoint is not None
    for receipt in Receipt.objects.filter(checkpoint=checkpoint):
        assert attempt_publication(receipt.id, final=True) == "published"
    return checkpoint.size


def command(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "tradechain.backup", *args], cwd=ROOT, env={**os.environ, **env},
                          capture_output=True, text=True, timeout=300, check=False)


def backup(env: dict[str, str], directory: Path) -> Path:
    done = command(env, "create", "--dir", str(directory))
    assert done.returncode == 0, done.stdout + done.stderr
    (archive,) = directory.glob("tradechain-*.tar")
    return archive


@pytest.mark.django_db(transaction=True)
def test_restore_brings_back_the_ledger_and_the_documents_and_both_checks_pass(
    stack: dict[str, str], scratch_db: str, tmp_path: Path
) -> None:
    record(5)
    assert anchor_and_publish() == 5
    document = tmp_path / "media" / "ab" / "abcdef.pdf"
    document.parent.mkdir(parents=True)
    document.write_bytes(b"%PDF-1.7 bill of lading")
    archive = backup(stack, tmp_path / "backups")

    restored = tmp_path / "media-restored"
    done = command({**stack, "DATABASE_URL": scratch_db, "MEDIA_ROOT": str(restored)}, "restore", str(archive))

    assert done.returncode == 0, done.stdout + done.stderr
    assert "ledger intact: 5 entries" in done.stdout
    assert "entries 1..5 match published checkpoint 5" in done.stdout
    assert (restored / "ab" / "abcdef.pdf").read_bytes() == b"%PDF-1.7 bill of lading"
    with psycopg.connect(scratch_db) as conn:
        assert conn.execute("SELECT count(*), max(seq) FROM ledger_entry").fetchone() == (5, 5)


@pytest.mark.django_db(transaction=True)
def test_restoring_a_backup_older_than_the_published_checkpoint_reports_the_lost_entries_by_seq(
    stack: dict[str, str], scratch_db: str, tmp_path: Path
) -> None:
    record(3)
    anchor_and_publish()
    archive = backup(stack, tmp_path / "backups")
    record(4)
    assert anchor_and_publish() == 7  # published after the backup: the world has seen seq 4..7

    done = command({**stack, "DATABASE_URL": scratch_db, "MEDIA_ROOT": str(tmp_path / "restored")},
                   "restore", str(archive))

    assert done.returncode == 1, done.stdout + done.stderr
    assert "ledger intact: 3 entries" in done.stdout  # the chain itself is fine: only the check sees the loss
    assert "4 entries that published checkpoint 7 covers are missing: seq 4..7" in done.stdout


@pytest.mark.django_db(transaction=True)
def test_restore_refuses_a_database_that_others_still_use(
    stack: dict[str, str], scratch_db: str, tmp_path: Path
) -> None:
    record(1)
    archive = backup(stack, tmp_path / "backups")
    with psycopg.connect(url_for({**connection.settings_dict, "NAME": "postgres"}), autocommit=True) as admin:
        admin.execute(f"CREATE DATABASE {SCRATCH_DB}")
    with psycopg.connect(scratch_db, autocommit=True) as running_stack:
        running_stack.execute("CREATE TABLE still_here (id int)")

        done = command({**stack, "DATABASE_URL": scratch_db, "MEDIA_ROOT": str(tmp_path / "restored")},
                       "restore", str(archive))

        assert done.returncode == 2
        assert "other session(s) use database tc_ops_restore" in done.stderr
        assert running_stack.execute("SELECT to_regclass('still_here')").fetchone()[0] == "still_here"


def rewrite_from(seq: int) -> None:
    """A superuser rewrites entry `seq` and re-chains every entry after it: verify_ledger passes."""
    from ledger.chain import entry_hash
    from ledger.sequencer import TIME_SQL

    with connection.cursor() as cur:
        cur.execute("ALTER TABLE ledger_entry DISABLE TRIGGER USER")
        cur.execute("UPDATE ledger_entry SET payload = %s WHERE seq = %s", [b'{"n":99}', seq])
        cur.execute("SELECT hash FROM ledger_entry WHERE seq = %s", [seq - 1])
        prev = bytes(cur.fetchone()[0])
        cur.execute(f"SELECT seq, kind, subject, actor, actor_org, {TIME_SQL}, payload FROM ledger_entry "
                    "WHERE seq >= %s ORDER BY seq", [seq])
        for s, kind, subject, actor, org, at, payload in cur.fetchall():
            prev_hash, prev = prev, entry_hash(seq=s, kind=kind, subject=subject, actor=actor, actor_org=org, at=at,
                                               payload=bytes(payload), prev_hash=prev)
            cur.execute("UPDATE ledger_entry SET prev_hash = %s, hash = %s WHERE seq = %s", [prev_hash, prev, s])
        cur.execute("SELECT tgname FROM pg_trigger WHERE tgrelid = 'ledger_entry'::regclass AND NOT tgisinternal")
        for (name,) in cur.fetchall():
            cur.execute(f'ALTER TABLE ledger_entry ENABLE ALWAYS TRIGGER "{name}"')


@pytest.mark.django_db(transaction=True)
def test_a_rewritten_history_is_located_between_two_published_checkpoints(stack: dict[str, str]) -> None:
    from ledger.verification import verify_chain
    from tradechain.backup import check_published_checkpoint

    for _ in range(3):
        record(2)
        anchor_and_publish()  # checkpoints 2, 4 and 6

    rewrite_from(5)

    assert verify_chain().ok, "the chain alone cannot tell"
    report = check_published_checkpoint(Path(stack["LEDGER_TLOG_DIR"]))
    assert not report.ok and report.published_size == 6 and report.diverged_after == 4
    assert "agrees with what was published up to seq 4 and differs somewhere in seq 5..6" in report.problems[0]
