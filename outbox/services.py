"""Writing messages (inside the caller's transaction) and reading their status."""

from __future__ import annotations

import json

import psycopg
from django.db import connection

from outbox.models import Message

INSERT = (
    "INSERT INTO outbox_message (task, args, subject, available_at) "
    "VALUES (%s, %s::jsonb, %s, now() + make_interval(secs => %s)) RETURNING id"
)
# The same, unless undone work of this task for this subject is already waiting (a periodic
# caller, such as the witness request of every anchoring run, must not pile up rows while
# the workers are away). Racy between two writers, which only costs a duplicate: consumers
# are idempotent.
INSERT_UNIQUE = (
    "INSERT INTO outbox_message (task, args, subject, available_at) "
    "SELECT %s, %s::jsonb, %s, now() + make_interval(secs => %s) WHERE NOT EXISTS ("
    "SELECT 1 FROM outbox_message WHERE task = %s AND subject = %s AND done_at IS NULL) RETURNING id"
)


def enqueue(task: str, *args: str, subject: str = "", delay: float = 0.0, unique: bool = False) -> int | None:
    """Record work for after the commit: part of the caller's transaction when there is one
    (it commits or rolls back with the business change), else committed at once.

    Like ledger.append, one prepared statement on the transaction's own connection: it runs
    in every business action that has after-commit work."""
    params: tuple[object, ...] = (task, json.dumps(list(args)), subject, float(delay))
    sql = INSERT
    if unique:
        sql, params = INSERT_UNIQUE, (*params, task, subject)
    connection.ensure_connection()
    with psycopg.Cursor(connection.connection) as cur:
        cur.execute(sql, params, prepare=True)
        row = cur.fetchone()
    return int(row[0]) if row else None


def status_of(subject: str, task: str) -> str | None:
    """The status of the latest message of `task` about `subject`; None if there is none."""
    message = Message.objects.about(subject, task).order_by("-id").first()
    return message.status if message is not None else None
