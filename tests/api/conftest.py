"""API test helpers: an API key and a client per persona, and credits seeded through the services."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from rest_framework.test import APIClient

from lc.integrations.keys import create_api_key
from lc.scenarios import example_terms


def client_with_key(secret: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {secret}")
    return client


@pytest.fixture
def api_as(cast: Any) -> Callable[[str], APIClient]:
    """api_as("hhl.treasury") -> a client authenticated with a fresh API key of that user."""
    clients: dict[str, APIClient] = {}

    def get(username: str) -> APIClient:
        if username not in clients:
            _, secret = create_api_key(user=cast.users[username], name=f"test key of {username}")
            clients[username] = client_with_key(secret)
        return clients[username]

    return get


def application_body(cast: Any, **term_changes: Any) -> dict[str, Any]:
    return {
        "terms": example_terms(**term_changes),
        "beneficiary": str(cast.orgs["exporter"].pk),
        "issuing_bank": str(cast.orgs["issuing"].pk),
        "advising_bank": str(cast.orgs["advising"].pk),
        "nominated_bank": str(cast.orgs["advising"].pk),
    }


