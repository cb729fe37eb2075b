"""Secrets are shown once and live nowhere else (issue 17): not in the Idempotency-Key replay
store, not in a colleague's replay, not in the logs, not in the ledger."""

from __future__ import annotations

import logging
import re
from typing import Any

import pytest

from lc.integrations.keys import create_api_key
from lc.models import IdempotencyRecord
from ledger.models import Entry, PendingEntry
from tests.api.conftest import client_with_key

pytestmark = pytest.mark.django_db


def _api(cast: Any, username: str) -> Any:
    return client_with_key(create_api_key(user=cast.users[username], name=f"{username} setup")[1])


def _stored_bodies() -> bytes:
    return b"".join(bytes(r.response_body or b"") for r in IdempotencyRecord.objects.all())


def test_a_colleague_replaying_the_admins_key_creation_gets_no_secret(cast: Any) -> None:
    """The issue's finding: vhb.maker (who may not create keys) sent vhb.admin's
    Idempotency-Key with the same body and received vhb.admin's new secret."""
    admin, maker = _api(cast, "vhb.admin"), _api(cast, "vhb.maker")
    first = admin.post("/api/v1/api-keys/", {"name": "ERP"}, format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    assert first.status_code == 201
    secret = first.json()["key"]
    replay = maker.post("/api/v1/api-keys/", {"name": "ERP"}, format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    assert replay.status_code in (403, 409, 422) and secret.encode() not in replay.content
    assert replay["Content-Type"] == "application/problem+json"
    assert secret.encode() not in _stored_bodies()


def test_the_creators_own_replay_is_a_409_saying_the_secret_was_shown_once(cast: Any) -> None:
    api = _api(cast, "hhl.treasury")
    first = api.post("/api/v1/api-keys/", {"name": "ERP"}, format="json", HTTP_IDEMPOTENCY_KEY="k-2")
    again = api.post("/api/v1/api-keys/", {"name": "ERP"}, format="json", HTTP_IDEMPOTENCY_KEY="k-2")
    assert first.status_code == 201 and again.status_code == 409
    assert again.json()["type"].endswith("/secret-shown-once") and again["Idempotent-Replayed"] == "true"
    assert first.json()["key"].encode() not in again.content + _stored_bodies()


def test_a_webhook_secret_is_never_stored_for_replay(cast: Any) -> None:
    api = _api(cast, "nef.exports")
    body = {"url": "https://erp.example.com/hooks"}
    first = api.post("/api/v1/webhooks/", body, format="json", HTTP_IDEMPOTENCY_KEY="w-1")
    again = api.post("/api/v1/webhooks/", body, format="json", HTTP_IDEMPOTENCY_KEY="w-1")
    assert first.status_code == 201 and again.status_code == 409
    secret = first.json()["secret"]
    assert secret.encode() not in again.content + _stored_bodies()


def test_ordinary_responses_still_replay(cast: Any) -> None:
    api = _api(cast, "hhl.treasury")
    key_id = api.post("/api/v1/api-keys/", {"name": "old"}, format="json").json()["id"]
    first = api.post(f"/api/v1/api-keys/{key_id}/revoke/", {}, format="json", HTTP_IDEMPOTENCY_KEY="r-1")
    again = api.post(f"/api/v1/api-keys/{key_id}/revoke/", {}, format="json", HTTP_IDEMPOTENCY_KEY="r-1")
    assert first.status_code == again.status_code == 200 and again["Idempotent-Replayed"] == "true"


def test_no_secret_in_logs_or_ledger_after_the_flows(cast: Any, caplog: Any) -> None:
    """Every secret-bearing flow at DEBUG level: key creation, use, revocation, webhook
    subscription and rotation by re-creation; then grep every log record and ledger payload."""
    caplog.set_level(logging.DEBUG)
    api = _api(cast, "hhl.treasury")
    secrets = []
    for n in range(2):
        created = api.post("/api/v1/api-keys/", {"name": f"k{n}"}, format="json", HTTP_IDEMPOTENCY_KEY=f"s-{n}")
        secrets.append(created.json()["key"])
        assert client_with_key(secrets[-1]).get("/api/v1/credits/").status_code == 200
        api.post(f"/api/v1/api-keys/{created.json()['id']}/revoke/", {}, format="json")
        assert client_with_key(secrets[-1]).get("/api/v1/credits/").status_code == 401
        hook = api.post("/api/v1/webhooks/", {"url": f"https://erp.example.com/h{n}"}, format="json")
        secrets.append(hook.json()["secret"])
    logged = "\n".join(r.getMessage() + str(r.args) for r in caplog.records)
    ledgered = b"".join(bytes(e.payload) for e in [*Entry.objects.all(), *PendingEntry.objects.all()])
    for secret in secrets:
        assert secret not in logged
        body = re.sub(r"^(tck_[0-9a-f]{8}|whsec)_", "", secret)  # the random part: it holds "_" too
        assert len(body) >= 32 and body.encode() not in ledgered and secret.encode() not in ledgered
        assert secret.encode() not in _stored_bodies()
