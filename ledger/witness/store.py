"""The witness's own state: one SQLite file, never the log's database.

    latest     origin -> the checkpoint it last cosigned (size, root, the note as received)
    history    every checkpoint it cosigned, in order (append-only: triggers refuse changes)
    refusals   signed checkpoints it refused for a bad proof or a conflicting root: these are
               evidence that the log misbehaved (the spec allows keeping them), so they are
               append-only too

tlog-witness requires the check of the old size and the write of the new checkpoint to be one
atomic step, or two requests racing could roll the witness back. `Store.transaction` is a
`BEGIN IMMEDIATE` transaction (SQLite's write lock, taken before the read), committed with
`synchronous=FULL` in WAL mode, so the reply is sent only once the new state is on disk.
"""

from __future__ import annotations

import logging
import sqlite3
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from ledger.merkle import EMPTY_ROOT

log = logging.getLogger("ledger.witness")

SCHEMA = """
CREATE TABLE IF NOT EXISTS latest (
    origin TEXT PRIMARY KEY, size INTEGER NOT NULL, root BLOB NOT NULL, note TEXT NOT NULL,
    cosigned_at INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS history (
    id INTEGER PRIMARY KEY, origin TEXT NOT NULL, size INTEGER NOT NULL, root BLOB NOT NULL,
    note TEXT NOT NULL, cosigned_at INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS refusals (
    id INTEGER PRIMARY KEY, origin TEXT NOT NULL, old_size INTEGER NOT NULL, size INTEGER NOT NULL,
    root BLOB NOT NULL, note TEXT NOT NULL, status INTEGER NOT NULL, reason TEXT NOT NULL,
    at INTEGER NOT NULL);
CREATE TRIGGER IF NOT EXISTS history_append_only_u BEFORE UPDATE ON history
    BEGIN SELECT RAISE(ABORT, 'history is append-only'); END;
CREATE TRIGGER IF NOT EXISTS history_append_only_d BEFORE DELETE ON history
    BEGIN SELECT RAISE(ABORT, 'history is append-only'); END;
CREATE TRIGGER IF NOT EXISTS refusals_append_only_u BEFORE UPDATE ON refusals
    BEGIN SELECT RAISE(ABORT, 'refusals are append-only'); END;
CREATE TRIGGER IF NOT EXISTS refusals_append_only_d BEFORE DELETE ON refusals
    BEGIN SELECT RAISE(ABORT, 'refusals are append-only'); END;
"""


@dataclass(frozen=True)
class Seen:
    size: int
    root: bytes
    note: str  # "" for a log never seen


NEVER = Seen(0, EMPTY_ROOT, "")


@dataclass(frozen=True)
class Refusal:
    origin: str
    old_size: int
    size: int
    root: bytes
    note: str
    status: int
    reason: str
    at: int


class Transaction:
    def __init__(self, conn: sqlite3.Connection) -> None:
        self._conn = conn

    def seen(self, origin: str) -> Seen:
        row = self._conn.execute("SELECT size, root, note FROM latest WHERE origin = ?", (origin,)).fetchone()
        return Seen(row[0], bytes(row[1]), row[2]) if row else NEVER

    def cosigned(self, origin: str, size: int, root: bytes, note: str, at: int) -> None:
        self._conn.execute(
            "INSERT INTO latest (origin, size, root, note, cosigned_at) VALUES (?, ?, ?, ?, ?) "
            "ON CONFLICT (origin) DO UPDATE SET size = excluded.size, root = excluded.root, "
            "note = excluded.note, cosigned_at = excluded.cosigned_at",
            (origin, size, root, note, at),
        )
        self._conn.execute(
            "INSERT INTO history (origin, size, root, note, cosigned_at) VALUES (?, ?, ?, ?, ?)",
            (origin, size, root, note, at),
        )

    def refused(self, r: Refusal) -> None:
        self._conn.execute(
            "INSERT INTO refusals (origin, old_size, size, root, note, status, reason, at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (r.origin, r.old_size, r.size, r.root, r.note, r.status, r.reason, r.at),
        )


class Store:
    """Thread-safe: each thread gets its own connection; writers serialise on SQLite's lock."""

    def __init__(self, path: Path | str) -> None:
        self.path = str(path)
        self._local = threading.local()
        with self._connection() as conn:
            conn.executescript(SCHEMA)
        threading.Thread(target=self._checkpointer, name="witness-wal-checkpoint", daemon=True).start()

    def _checkpointer(self) -> None:
        """PASSIVE checkpoints once a second: they never block the writer, and keep the WAL short."""
        while True:
            time.sleep(1.0)
            try:
                self._connection().execute("PRAGMA wal_checkpoint(PASSIVE)")
            except sqlite3.Error:
                log.warning("WAL checkpoint failed", exc_info=True)

    def _connection(self) -> sqlite3.Connection:
        conn = getattr(self._local, "conn", None)
        if conn is None:
            conn = sqlite3.connect(self.path, isolation_level=None, timeout=30, check_same_thread=False)
            conn.execute("PRAGMA journal_mode = WAL")
            # FULL: a commit is on disk before we answer; NORMAL could lose the last
            # transactions on power loss, i.e. roll the witness back.
            conn.execute("PRAGMA synchronous = FULL")
            # Copying the WAL back into the database (a checkpoint, two more fsyncs) would
            # otherwise run inside every 1000th commit, in front of a waiting reply; the
            # background thread started in __init__ does it instead.
            conn.execute("PRAGMA wal_autocheckpoint = 0")
            self._local.conn = conn
        return conn

    @contextmanager
    def transaction(self) -> Iterator[Transaction]:
        conn = self._connection()
        conn.execute("BEGIN IMMEDIATE")
        try:
            yield Transaction(conn)
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        conn.execute("COMMIT")

    def seen(self, origin: str) -> Seen:
        return Transaction(self._connection()).seen(origin)

    def refusals(self) -> list[Refusal]:
        rows = self._connection().execute(
            "SELECT origin, old_size, size, root, note, status, reason, at FROM refusals ORDER BY id"
        ).fetchall()
        return [Refusal(o, old, s, bytes(r), n, st, why, at) for o, old, s, r, n, st, why, at in rows]

    def history(self, origin: str) -> list[Seen]:
        rows = self._connection().execute(
            "SELECT size, root, note FROM history WHERE origin = ? ORDER BY id", (origin,)
        ).fetchall()
        return [Seen(s, bytes(r), n) for s, r, n in rows]


def now() -> int:
    return int(time.time())
