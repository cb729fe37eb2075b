"""What the server refuses is written in the OpenAPI schema (issue 17: schemathesis found
schema-valid requests refused, the Idempotency-Key rule and the guard's control characters among
them). The schema's patterns are held to the rules the server applies, code point by code point."""

from __future__ import annotations

import re
from typing import Any

import pytest
from drf_spectacular.generators import SchemaGenerator

from lc.api.guard import FORBIDDEN, SINGLE_LINE_FORBIDDEN
from lc.integrations.keys import create_api_key
from tests.api.conftest import client_with_key

HTTP = {"get", "post", "put", "patch", "delete"}


@pytest.fixture(scope="module")
def schema() -> dict[str, Any]:
    return SchemaGenerator().get_schema(request=None, public=True)


def _operations(schema: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    return [(m, p, op) for p, item in schema["paths"].items() for m, op in item.items() if m in HTTP]


def _ecma(pattern: str) -> re.Pattern[str]:
    """The schema's pattern as Python reads it (\\uXXXX is the same escape in both)."""
    return re.compile(pattern)


@pytest.mark.parametrize("single_line", [True, False])
def test_the_no_control_pattern_refuses_exactly_what_the_guard_refuses(schema: dict[str, Any], single_line: bool) -> None:
    cursor = next(p for m, path, op in _operations(schema) if path == "/api/v1/credits/" and m == "get"
                  for p in op["parameters"] if p["name"] == "cursor")
    body = schema["components"]["schemas"]["ReasonInputRequest"]["properties"]["reason"]
    pattern = _ecma((cursor if single_line else {"schema": body})["schema"]["pattern"])
    forbidden = SINGLE_LINE_FORBIDDEN if single_line else FORBIDDEN
    for code in range(0x3000):
        assert (pattern.fullmatch(f"a{chr(code)}b") is None) == (code in forbidden), hex(code)


def test_every_free_text_query_parameter_and_body_string_carries_a_rule(schema: dict[str, Any]) -> None:
    loose = []
    for method, path, op in _operations(schema):
        for p in op.get("parameters", []):
            s = p["schema"]
            if p["in"] == "query" and s.get("type") == "string" and not {"pattern", "enum", "format"} & set(s):
                loose.append(f"{method} {path} ?{p['name']}")
    for name, component in schema["components"]["schemas"].items():
        for prop, s in (component.get("properties") or {}).items():
            if name.endswith("Request") and s.get("type") == "string" and not {"pattern", "enum", "format"} & set(s):
                loose.append(f"{name}.{prop}")
    assert loose == []


def test_list_filters_say_what_the_server_checks(schema: dict[str, Any]) -> None:
    params = {(path, p["name"]): p["schema"] for m, path, op in _operations(schema) for p in op.get("parameters", [])}
    assert params[("/api/v1/credits/", "page_size")] == {"type": "integer", "minimum": 1, "maximum": 999_999_999}
    assert params[("/api/v1/credits/", "currency")]["maxLength"] == 3
    assert params[("/api/v1/credits/", "reference")]["maxLength"] == 16
    assert params[("/api/v1/credits/", "counterparty")]["format"] == "uuid"
    assert params[("/api/v1/messages/", "mt")]["maxLength"] == 3


def test_every_body_documents_413_and_every_action_the_idempotency_key_rule(schema: dict[str, Any]) -> None:
    for method, path, op in _operations(schema):
        if "requestBody" in op:
            assert "413" in op["responses"], (method, path)
        if method == "post" and "/api/v1/" in path and path.count("/") > 5:  # .../{id}/<action>/
            key = next(p for p in op["parameters"] if p["name"] == "Idempotency-Key")
            assert key["schema"]["maxLength"] == 255 and key["schema"]["pattern"] == "^[\\x21-\\x7e]{1,255}$", path


@pytest.mark.django_db
def test_the_server_accepts_every_idempotency_key_the_schema_allows_and_no_other(cast: Any) -> None:
    api = client_with_key(create_api_key(user=cast.users["hhl.treasury"], name="k")[1])
    for n, key in enumerate(["~" * 255, "!", "a-b_c.D:9"]):
        response = api.post("/api/v1/webhooks/", {"url": f"https://erp.example.com/h{n}"}, format="json",
                            HTTP_IDEMPOTENCY_KEY=key)
        assert response.status_code == 201, (key, response.content)
    for key in ["k" * 256, "a b", "clé", "tab\there"]:
        response = api.post("/api/v1/webhooks/", {"url": "https://erp.example.com/x"}, format="json",
                            HTTP_IDEMPOTENCY_KEY=key)
        assert response.status_code == 400 and response["Content-Type"] == "application/problem+json", key


def test_required_text_cannot_be_blank_and_query_values_cannot_be_empty(schema: dict[str, Any]) -> None:
    """DRF trims a CharField and refuses it blank; the list filters refuse an empty value."""
    rule = _ecma(schema["components"]["schemas"]["AddDiscrepancyInputRequest"]["properties"]["rule"]["pattern"])
    assert [t for t in ["\r", "  ", "\t\n", "\xa0", "", "a", " a\n"] if rule.fullmatch(t)] == ["a", " a\n"]
    for method, path, op in _operations(schema):
        for p in op.get("parameters", []):
            values = p["schema"].get("items", p["schema"])
            if p["in"] == "query" and values.get("type") == "string":
                assert values.get("minLength") == 1 and "" not in values.get("enum", ["x"]), (path, p["name"])
