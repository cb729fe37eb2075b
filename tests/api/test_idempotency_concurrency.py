"""Twenty concurrent POSTs with one Idempotency-Key, each on its own connection to a live
server (its own thread and database connection): one credit is created and every answer is
the first one replayed, or a clear 409 "in progress"."""

from __future__ import annotations

import http.client
import json
import threading
from typing import Any
from urllib.parse import urlparse

import pytest

from lc.integrations.keys import create_api_key
from lc.models import IdempotencyRecord, LetterOfCredit
from ledger.models import PendingEntry
from tests.api.conftest import application_body

pytestmark = pytest.mark.django_db(transaction=True)
N = 20


def post(base: str, key: str, secret: str, body: bytes) -> tuple[int, dict[str, str], bytes]:
    url = urlparse(base)
    conn = http.client.HTTPConnection(url.hostname, url.port, timeout=30)
    try:
        conn.request("POST", "/api/v1/credits/", body=body, headers={
            "Authorization": f"Bearer {secret}", "Content-Type": "application/json", "Idempotency-Key": key})
        resp = conn.getresponse()
        return resp.status, dict(resp.getheaders()), resp.read()
    finally:
        conn.close()


def test_twenty_concurrent_retries_create_one_credit(cast: Any, live_server: Any) -> None:
    _, secret = create_api_key(user=cast.users["hhl.treasury"], name="erp")
    body = json.dumps(application_body(cast)).encode()
    results: list[tuple[int, dict[str, str], bytes]] = []
    start = threading.Barrier(N)

    def worker() -> None:
        start.wait()
        results.append(post(live_server.url, "same-key", secret, body))

    threads = [threading.Thread(target=worker) for _ in range(N)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()

    assert len(results) == N
    assert LetterOfCredit.objects.count() == 1
    assert PendingEntry.objects.filter(kind="lc.application_created").count() == 1
    created = [r for r in results if r[0] == 201]
    in_progress = [r for r in results if r[0] == 409]
    assert created and len(created) + len(in_progress) == N
    assert len({r[2] for r in created}) == 1  # every 201 is byte-for-byte the first response
    assert json.loads(created[0][2])["id"] == str(LetterOfCredit.objects.get().pk)
    assert sum(1 for r in created if r[1].get("Idempotent-Replayed") == "true") == len(created) - 1
    assert all(json.loads(r[2])["type"].endswith("idempotency-in-progress") and "Retry-After" in r[1]
               for r in in_progress)
    assert IdempotencyRecord.objects.get().status_code == 201


def test_same_key_different_body_is_refused_concurrently(cast: Any, live_server: Any) -> None:
    _, secret = create_api_key(user=cast.users["hhl.treasury"], name="erp")
    first = post(live_server.url, "k", secret, json.dumps(application_body(cast)).encode())
    other = post(live_server.url, "k", secret, json.dumps(application_body(cast, currency="EUR")).encode())
    assert first[0] == 201 and other[0] == 422
    assert LetterOfCredit.objects.count() == 1
