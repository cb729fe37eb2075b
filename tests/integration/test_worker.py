"""Real Celery workers on Redis: the engine runs after commit; webhooks are delivered."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import pytest

from lc.models import EngineRun, Presentation
from lc.scenarios import Story, example_documents, example_start
from ledger.models import Entry, PendingEntry

START = example_start()


def wait_for(check: Callable[[], Any], timeout: float = 30.0) -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if value := check():
            return value
        time.sleep(0.1)
    raise AssertionError("timed out waiting for the worker")


@pytest.mark.django_db(transaction=True)
def test_engine_examines_a_presentation_after_commit_in_the_worker(cast: Any, celery_worker_thread: Any) -> None:
    story = Story(cast, START)
    story.issued()
    docs = example_documents()
    docs[2].data["on_board_date"] = "2025-06-02"  # late shipment: 44C is Saturday 05-31, never extended
    pres = story.present(documents=docs)  # commits; the engine task is sent to Redis on commit
    run = wait_for(lambda: EngineRun.objects.filter(presentation=pres).first())
    assert not run.complying
    assert "C14" in {d["code"] for d in run.result["discrepancies"]}
    pres = Presentation.objects.get(pk=pres.pk)
    assert set(pres.discrepancies.values_list("status", flat=True)) == {"proposed"}
    kinds = set(PendingEntry.objects.values_list("kind", flat=True)) | set(Entry.objects.values_list("kind", flat=True))
    assert "presentation.engine_examined" in kinds


@pytest.mark.django_db(transaction=True)
def test_engine_task_redelivered_twice_records_one_run(cast: Any, celery_worker_thread: Any) -> None:
    from lc.tasks import examine_presentation

    story = Story(cast, START)
    story.issued()
    pres = story.present()
    wait_for(lambda: EngineRun.objects.filter(presentation=pres).exists())
    assert examine_presentation(str(pres.pk)) is False  # the task body again, as on a redelivery
    assert EngineRun.objects.filter(presentation=pres).count() == 1
