"""The running stack: /healthz over HTTP, and a separate worker process."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from typing import Any

import pytest


def get(url: str) -> tuple[int, dict[str, Any]]:
    try:
        with urllib.request.urlopen(url, timeout=10) as resp:  # noqa: S310 - the live test server
            return resp.status, json.loads(resp.read())
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read())


@pytest.mark.django_db(transaction=True)
def test_healthz_is_200_with_the_worker_seen(live_server: Any, worker_process: Any) -> None:
    status, body = get(f"{live_server.url}/healthz")
    assert status == 200, body
    assert body["database"]["ok"] and body["redis"]["ok"]
    assert any(name.startswith("e2e@") for name in body["worker"]["workers"])


@pytest.mark.django_db(transaction=True)
def test_healthz_is_503_without_a_worker(live_server: Any) -> None:
    from tradechain.celery import app

    if app.control.ping(timeout=0.5):
        pytest.fail("a stray Celery worker is answering on this broker; stop it before running the suite")
    status, body = get(f"{live_server.url}/healthz")
    assert status == 503 and body["status"] == "degraded" and body["worker"]["ok"] is False
    assert body["database"]["ok"] is True


@pytest.mark.django_db(transaction=True)
def test_healthz_is_503_when_redis_is_unreachable(live_server: Any, settings: Any) -> None:
    settings.REDIS_URL = "redis://127.0.0.1:1/0"
    status, body = get(f"{live_server.url}/healthz")
    assert status == 503 and body["redis"]["ok"] is False
