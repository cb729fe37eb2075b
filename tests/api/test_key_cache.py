"""API keys are cached per process (lc.integrations.keycache), and a change made anywhere is seen at once."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from lc.api import auth as api_auth
from lc.integrations import keycache
from lc.integrations.keys import create_api_key, revoke_api_key
from lc.models import ApiKey
from tests.api.conftest import client_with_key
from tests.conftest import database_url

ROOT = Path(__file__).resolve().parents[2]
PING = "/api/v1/organizations/"


def key_queries(client: Any) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(PING).status_code == 200
    return sum('"lc_apikey"' in q["sql"] and q["sql"].lstrip().startswith("SELECT") for q in queries)


def test_a_known_key_is_not_read_again(cast: Any) -> None:
    _, secret = create_api_key(user=cast.users["hhl.treasury"], name="cached")
    client = client_with_key(secret)
    assert key_queries(client) == 1
    assert key_queries(client) == 0
    assert key_queries(client) == 0


def test_a_deactivated_user_or_revoked_key_is_refused_on_the_next_request(cast: Any) -> None:
    key, secret = create_api_key(user=cast.users["hhl.treasury"], name="cached")
    client = client_with_key(secret)
    assert client.get(PING).status_code == 200
    user = cast.users["hhl.treasury"]
    user.is_active = False
    user.save()
    assert client.get(PING).status_code == 401
    user.is_active = True
    user.save()
    assert client.get(PING).status_code == 200
    revoke_api_key(key=key)
    assert client.get(PING).status_code == 401


@pytest.mark.django_db(transaction=True)
def test_a_revocation_committed_by_another_process_is_seen_by_the_next_request() -> None:
    """The other process has its own memory: only the Redis epoch can tell this one."""
    from lc.demo import ensure_cast

    cast = ensure_cast(with_totp=False)
    key, secret = create_api_key(user=cast.users["hhl.treasury"], name="cached")
    client = client_with_key(secret)
    assert key_queries(client) == 1
    assert key_queries(client) == 0  # cached here
    code = ("import django; django.setup(); from lc.models import ApiKey; from lc.integrations.keys import revoke_api_key; "
            f"revoke_api_key(key=ApiKey.objects.get(pk='{key.pk}'))")
    env = {**os.environ, "DATABASE_URL": database_url(), "DJANGO_SETTINGS_MODULE": "tradechain.settings"}
    subprocess.run([sys.executable, "-c", code], env=env, cwd=ROOT, check=True, timeout=120)
    assert ApiKey.objects.get(pk=key.pk).revoked_at is not None
    response = client.get(PING)
    assert response.status_code == 401
    assert response["Content-Type"] == "application/problem+json"


def test_without_redis_every_request_reads_the_database(cast: Any, settings: Any,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    settings.REDIS_URL = "redis://127.0.0.1:1/0"  # nothing listens there
    monkeypatch.setattr(api_auth, "key_cache", keycache.KeyCache())
    key, secret = create_api_key(user=cast.users["hhl.treasury"], name="uncached")
    client = client_with_key(secret)
    assert key_queries(client) == 1
    assert key_queries(client) == 1  # no epoch, no cache
    revoke_api_key(key=key)
    assert client.get(PING).status_code == 401
