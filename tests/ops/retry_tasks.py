"""A task that works a while, then retries once with a countdown, for the broker-reconnect
tests. A real worker of the project's own Celery app loads it with `--include
tests.ops.retry_tasks`, so the tests run our broker settings and pinned Celery/kombu versions. The task records its progress in a file:
the test needs neither the database nor a result backend to see it."""

from __future__ import annotations

import time
from pathlib import Path

from celery import shared_task
from celery.app.task import Task


@shared_task(bind=True, max_retries=3, acks_late=True, name="tests.ops.retry_then_finish")
def retry_then_finish(self: Task, path: str, countdown: float, work_seconds: float = 0) -> str:
    marker = Path(path)
    if self.request.retries == 0:
        marker.write_text("running")
        time.sleep(work_seconds)
        marker.write_text("retrying")
        raise self.retry(countdown=countdown)
    marker.write_text(f"done after {self.request.retries} retry")
    return "done"
