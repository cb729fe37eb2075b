"""Bounded retries of a whole transaction that PostgreSQL aborted to break a deadlock or a
serialization conflict.

Such an abort is not an answer for the client: the transaction did nothing and may simply run
again. Only the outermost caller can retry (an inner savepoint cannot outlive the aborted
transaction), so `retrying` runs its function again only when it is not inside an atomic block,
at most ATTEMPTS times, after a short random sleep (jitter: two transactions that deadlocked
must not come back in lockstep and deadlock again).
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from typing import TypeVar

from django.db import DatabaseError, connection

T = TypeVar("T")

ATTEMPTS = 4
BASE_DELAY = 0.02  # seconds; doubled per attempt, jittered
# serialization_failure, deadlock_detected
RETRYABLE = frozenset({"40001", "40P01"})


def is_retryable(exc: BaseException) -> bool:
    cause = exc.__cause__ if exc.__cause__ is not None else exc
    return getattr(cause, "sqlstate", None) in RETRYABLE


def retrying(fn: Callable[[], T], attempts: int = ATTEMPTS) -> T:
    for attempt in range(1, attempts + 1):
        try:
            return fn()
        except DatabaseError as exc:
            if attempt == attempts or connection.in_atomic_block or not is_retryable(exc):
                raise
            time.sleep(random.uniform(0, BASE_DELAY * 2 ** attempt))
    raise AssertionError("unreachable")
