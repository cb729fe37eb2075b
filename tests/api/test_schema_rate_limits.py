"""Every API operation documents its 429 (issue 17): the rate limit is every view's default
throttle, so the schema says so on every operation, as a problem+json with Retry-After, and a
real 429 answers as documented."""

from __future__ import annotations

from typing import Any

import pytest
from django.conf import settings
from drf_spectacular.generators import SchemaGenerator

from lc.api.schema import HTTP_METHODS, PROBLEM_MEDIA_TYPE
from lc.integrations.keys import create_api_key
from tests.api.conftest import client_with_key


def _operations() -> list[tuple[str, str, dict[str, Any]]]:
    schema = SchemaGenerator().get_schema(request=None, public=True)
    return [(method.upper(), path, operation) for path, item in schema["paths"].items()
            for method, operation in item.items() if method in HTTP_METHODS]


def test_every_operation_documents_the_429_problem_with_retry_after() -> None:
    throttles: Any = settings.REST_FRAMEWORK["DEFAULT_THROTTLE_CLASSES"]
    assert "lc.api.throttles.PerKeyRate" in throttles
    operations = _operations()
    assert len(operations) >= 60  # the whole API, not an empty schema
    missing = [f"{method} {path}" for method, path, op in operations
               if op["responses"].get("429", {}).get("content", {}).get(PROBLEM_MEDIA_TYPE, {}).get("schema")
               != {"$ref": "#/components/schemas/Problem"}]
    assert missing == []
    for method, path, op in operations:
        retry_after = op["responses"]["429"]["headers"]["Retry-After"]
        assert retry_after["required"] is True and retry_after["schema"]["type"] == "integer", (method, path)


@pytest.mark.django_db
def test_a_real_429_answers_as_documented(cast: Any, settings: Any) -> None:
    settings.API_RATE_PER_MINUTE = 1
    _, secret = create_api_key(user=cast.users["hhl.treasury"], name="rate")
    client = client_with_key(secret)
    assert client.get("/api/v1/credits/").status_code == 200
    limited = client.get("/api/v1/credits/")
    assert limited.status_code == 429 and limited["Content-Type"] == PROBLEM_MEDIA_TYPE
    assert {"type", "title", "status", "detail"} <= limited.json().keys()
    assert 1 <= int(limited["Retry-After"]) <= 60
