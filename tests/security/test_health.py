"""/healthz (issue 17): the public gets up or down and nothing else; platform staff signed in
with their second factor get the details (database, Redis, workers)."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from lc.models import User
from tests.portal.conftest import verified_client

pytestmark = pytest.mark.django_db
DETAILS = {"database", "redis", "worker"}


def test_the_public_sees_only_up_or_down(client: Client) -> None:
    response = client.get("/healthz")
    assert response.status_code in (200, 503)
    assert response.json() == {"status": "ok" if response.status_code == 200 else "degraded"}
    assert response["Cache-Control"] == "no-store"


def test_a_down_service_is_503_without_saying_which(client: Client, settings: Any) -> None:
    settings.REDIS_URL = "redis://127.0.0.1:1/0"
    response = client.get("/healthz")
    assert response.status_code == 503 and response.json() == {"status": "degraded"}
    assert b"127.0.0.1" not in response.content


def test_staff_past_the_second_factor_see_the_details(settings: Any) -> None:
    settings.REDIS_URL = "redis://127.0.0.1:1/0"
    staff = User.objects.create(username="ops", is_staff=True)
    body = verified_client(staff).get("/healthz").json()
    assert DETAILS <= set(body) and body["redis"]["ok"] is False and body["database"]["ok"] is True


def test_staff_with_a_password_only_or_people_of_an_organisation_see_no_details(cast: Any) -> None:
    staff = User.objects.create(username="ops", is_staff=True)
    password_only = Client()
    password_only.force_login(staff)
    assert set(password_only.get("/healthz").json()) == {"status"}
    assert set(verified_client(cast.users["vhb.admin"]).get("/healthz").json()) == {"status"}
