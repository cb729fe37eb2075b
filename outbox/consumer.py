"""Running one outbox message in a worker: exactly once in effect, whatever the broker does.

The consumer locks the message row (FOR UPDATE) and runs the task inside that transaction:
the task's database writes and `done_at` commit together, so a second delivery of the same
message (the sweeper's, or the broker's own redelivery) waits for the first, then finds it
done and does nothing; a worker killed mid-task leaves the row undone and unlocked for the
sweeper. A task's own side effects outside the database (an HTTP call) are guarded by the
task itself (a webhook delivery is claimed with a guarded state change).

Before the lock, `started_at` is set in its own statement so that the work shows as
"running" to others while it runs.
"""

from __future__ import annotations

import json
import logging
import random
from typing import Any

from django.conf import settings
from django.db import connection, transaction

from outbox import Later
from outbox.models import Message

log = logging.getLogger(__name__)

LOCK = "SELECT task, args, attempts FROM outbox_message WHERE id = %s AND done_at IS NULL FOR UPDATE"


def backoff(attempts: int) -> float:
    """Seconds before attempt `attempts` + 1 of a failing task: doubling from 2 s, capped at
    10 minutes, with jitter so that many failures do not come back in lockstep."""
    return min(2.0 ** attempts, 600.0) * random.uniform(0.5, 1.0)


def run_task(name: str, args: list[Any]) -> Any:
    from celery import current_app

    if name not in current_app.tasks:  # outside a worker the apps' tasks are not imported yet
        current_app.loader.import_default_modules()
    return current_app.tasks[name].run(*args)


def consume(message_id: int) -> str:
    """Run message `message_id` once: "done", "later", "retry", "failed" or "skipped"."""
    Message.objects.filter(pk=message_id, done_at__isnull=True, started_at__isnull=True).update(
        started_at=_now())
    with transaction.atomic(), connection.cursor() as cur:
        cur.execute(LOCK, [message_id])
        row = cur.fetchone()
        if row is None:
            return "skipped"  # done by an earlier delivery (or purged)
        task, args, attempts = row
        if isinstance(args, str):  # Django's connection hands jsonb over as text
            args = json.loads(args)
        try:
            with transaction.atomic():  # a failing task leaves none of its writes behind
                result = run_task(task, args)
        except Exception as exc:
            log.warning("outbox message %s (%s) failed: %s", message_id, task, exc, exc_info=True)
            return _failed(message_id, attempts + 1, exc)
        if isinstance(result, Later):
            _again(message_id, attempts + 1, result.seconds, result.reason)
            return "later"
        Message.objects.filter(pk=message_id).update(done_at=_now(), attempts=attempts + 1)
        return "done"


def _failed(message_id: int, attempts: int, exc: BaseException) -> str:
    error = f"{type(exc).__name__}: {exc}"[:2000]
    if attempts >= settings.OUTBOX_MAX_ATTEMPTS:
        Message.objects.filter(pk=message_id).update(done_at=_now(), failed=True, attempts=attempts,
                                                     last_error=error)
        log.error("outbox message %s given up after %s attempts: %s", message_id, attempts, error)
        return "failed"
    _again(message_id, attempts, backoff(attempts), error)
    return "retry"


def _again(message_id: int, attempts: int, seconds: float, reason: str) -> None:
    """Due again in `seconds`: the wait is a row in PostgreSQL, not a countdown held by a
    worker, so a broker restart or a killed worker cannot lose it."""
    with connection.cursor() as cur:
        cur.execute(
            "UPDATE outbox_message SET available_at = now() + make_interval(secs => %s), published_at = NULL, "
            "started_at = NULL, attempts = %s, last_error = %s WHERE id = %s",
            [float(seconds), attempts, reason[:2000], message_id],
        )


def _now() -> Any:
    from django.utils import timezone

    return timezone.now()
