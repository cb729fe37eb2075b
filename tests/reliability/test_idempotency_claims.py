"""Idempotency claims last exactly as long as their request: a failed request leaves no claim
behind, and a running one is waited for, never taken over."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from django.db import connection
from rest_framework.response import Response

from lc.api import idempotency as api
from lc.integrations import idempotency as records
from lc.models import IdempotencyRecord

pytestmark = pytest.mark.django_db(transaction=True)


def attempt(org: Any, key: str, run: Any) -> Any:
    claim = lambda: records.claim(org, key, "POST", "/api/v1/credits/", "fp")  # noqa: E731
    return api._claim_run_and_store(org, key, "fp", claim, run, False)


def test_a_request_that_fails_releases_its_claim_and_the_retry_runs(cast: Any) -> None:
    org = cast.orgs["importer"]

    def broken() -> Any:
        raise ConnectionError("the database went away mid-request")

    with pytest.raises(ConnectionError):
        attempt(org, "k1", broken)
    assert not IdempotencyRecord.objects.filter(key="k1").exists()
    assert attempt(org, "k1", lambda: Response({"ok": 1}, status=201)).status_code == 201


def test_a_server_error_is_not_stored_and_the_key_stays_free(cast: Any) -> None:
    org = cast.orgs["importer"]
    assert attempt(org, "k2", lambda: Response({"oops": 1}, status=503)).status_code == 503
    assert not IdempotencyRecord.objects.filter(key="k2").exists()


def test_a_running_request_is_waited_for_never_taken_over(cast: Any, monkeypatch: Any) -> None:
    monkeypatch.setattr(api, "WAIT_SECONDS", 0.5)
    org = cast.orgs["importer"]
    entered, release = threading.Event(), threading.Event()
    runs: list[str] = []

    def slow() -> Any:
        runs.append("first")
        entered.set()
        release.wait(10)
        return Response({"id": "first"}, status=201)

    def first() -> None:
        try:
            attempt(org, "k3", slow)
        finally:
            connection.close()

    thread = threading.Thread(target=first)
    thread.start()
    assert entered.wait(10)
    second = attempt(org, "k3", lambda: runs.append("second") or Response({}, status=201))
    assert second.status_code == 409 and "Retry-After" in second  # still running: in progress
    release.set()
    thread.join()
    third = attempt(org, "k3", lambda: runs.append("third") or Response({}, status=201))
    assert third.status_code == 201 and third["Idempotent-Replayed"] == "true"
    assert runs == ["first"]
