"""The transactional outbox (see outbox.models): after-commit work as rows, relayed to Celery.

Generic infrastructure used by both `lc` and `ledger` (it imports neither), with the ledger's
own write path as its model: one prepared INSERT in the business transaction, one relay loop
beside the sequencer. The public API, imported lazily (Django may not be set up yet):

    outbox.enqueue("lc.tasks.examine_presentation", pres_id, subject=f"presentation:{pres_id}")
    outbox.Later(seconds)    # what a task returns to be run again later (its writes are kept)
    outbox.status_of(subject, task)   # "queued" / "running" / "done" / "failed", or None
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Later:
    """Returned by a task run from the outbox: run me again in `seconds` (a webhook retry)."""

    seconds: float
    reason: str = ""


def enqueue(task: str, *args: str, subject: str = "", delay: float = 0.0, unique: bool = False) -> int | None:
    from outbox.services import enqueue as _enqueue

    return _enqueue(task, *args, subject=subject, delay=delay, unique=unique)


def status_of(subject: str, task: str) -> str | None:
    from outbox.services import status_of as _status_of

    return _status_of(subject, task)
