"""The running stack: /healthz over HTTP, and a separate worker process."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from typing import Any

import pytest


def get(url: str) -> tuple[int, dict[str, Any]]:
    try:
        with urllib.request.urlopen(url, timeout=10) as resp:
            return resp.status, json.loads(resp.read())
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read())


def staff_health(live_server: Any) -> tuple[int, dict[str, Any]]:
    """/healthz over HTTP shows the public only up/down (issue 17); its details, as platform
    staff past the second factor see them (tests/security/test_health.py), from the same view."""
    from lc.models import User
    from tests.portal.conftest import verified_client

    status, public = get(f"{live_server.url}/healthz")
    assert set(public) == {"status"}, public
    staff, _ = User.objects.get_or_create(username="ops.health", defaults={"is_staff": True})
    response = verified_client(staff).get("/healthz")
    assert response.status_code == status
    return status, response.json()


@pytest.mark.django_db(transaction=True)
def test_healthz_is_200_with_the_worker_seen(live_server: Any, worker_process: Any) -> None:
    status, body = staff_health(live_server)
    assert status == 200, body
    assert body["database"]["ok"] and body["redis"]["ok"]
    assert any(name.startswith("e2e@") for name in body["worker"]["workers"])


@pytest.mark.django_db(transaction=True)
def test_healthz_is_503_without_a_worker(live_server: Any) -> None:
    from tradechain.celery import app

    if app.control.ping(timeout=0.5):
        pytest.fail("a stray Celery worker is answering on this broker; stop it before running the suite")
    status, body = staff_health(live_server)
    assert status == 503 and body["status"] == "degraded" and body["worker"]["ok"] is False
    assert body["database"]["ok"] is True


@pytest.mark.django_db(transaction=True)
def test_healthz_is_503_when_redis_is_unreachable(live_server: Any, settings: Any) -> None:
    settings.REDIS_URL = "redis://127.0.0.1:1/0"
    status, body = staff_health(live_server)
    assert status == 503 and body["redis"]["ok"] is False


@pytest.mark.django_db(transaction=True)
def test_http_request_commit_redis_worker_process_database(live_server: Any, worker_process: Any,
                                                           cast: Any) -> None:
    """End to end: an API request commits a state change whose after-commit task goes
    through Redis to the separate worker process, which writes its result to the database."""
    import time

    from django.utils import timezone

    from lc import services
    from lc.integrations.keys import create_api_key
    from lc.models import EngineRun
    from lc.scenarios import Story, example_documents
    from tests.api.test_end_to_end import shift_to_today

    # The example shifted so that today is before its expiry: the notice of completeness below is
    # given now, and one after the last day for presentation is refused (eUCP art. e6).
    shift = shift_to_today()
    story = Story(cast, timezone.now(), shift_days=shift)
    story.issued()
    pres = services.present_documents(actor=cast.users["nef.exports"], credit_id=story.credit_id,
                                      presented_to=cast.orgs["advising"], amount_claimed=story.credit.amount,
                                      documents=example_documents(shift), electronic=True, now=timezone.now())
    _, secret = create_api_key(user=cast.users["nef.exports"], name="e2e")
    req = urllib.request.Request(f"{live_server.url}/api/v1/presentations/{pres.pk}/notify-completeness/",
                                 data=b"{}", method="POST", headers={
                                     "Authorization": f"Bearer {secret}", "Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=30) as resp:
        assert resp.status == 200
        assert json.loads(resp.read())["state"] == "under_examination"
    deadline = time.monotonic() + 60
    while not EngineRun.objects.filter(presentation=pres).exists():
        assert time.monotonic() < deadline, "the worker process never examined the presentation"
        time.sleep(0.2)
    assert worker_process.poll() is None  # the work was done by the separate process, still running
