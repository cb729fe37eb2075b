"""OpenAPI documentation helpers: the problem body, the errors of each kind of endpoint and
the Idempotency-Key header, so every operation documents what it can answer."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_field
from rest_framework import serializers

PROBLEM_MEDIA_TYPE = "application/problem+json"

ERROR_DESCRIPTIONS = {
    400: "Malformed request or invalid fields (per-field errors listed).",
    401: "Missing, invalid or revoked credentials.",
    403: "Authenticated, but the organisation or role may not make this move.",
    404: "No such object, or not visible to the caller's organisation.",
    409: "The move is not allowed in the current state, or a request with this Idempotency-Key is in progress.",
    413: "The body is over the limit (JSON 256 KiB; uploads per file and per request), refused before it is read.",
    415: "Unsupported request content type, or an uploaded file whose bytes are not PDF, PNG, JPEG, TIFF, "
         "XML or JSON (sniffed, whatever its name or Content-Type say).",
    422: "The facts given are invalid (per-field errors listed), or the Idempotency-Key was reused "
         "with a different request.",
    429: "Too many requests for this API key (or signed-in person) in this minute; retry after "
         "`Retry-After` seconds.",
}
READ_LIST_ERRORS = (400, 401, 403, 404)  # 404: an invalid cursor
READ_DETAIL_ERRORS = (401, 403, 404)
ACTION_ERRORS = (400, 401, 403, 404, 409, 415, 422)


class FieldErrorSerializer(serializers.Serializer):
    field = serializers.CharField(help_text="Dotted path of the offending field ('' for the whole request).")
    message = serializers.CharField()
    code = serializers.CharField(required=False)


class ProblemSerializer(serializers.Serializer):
    """RFC 9457 problem details."""

    type = serializers.URLField()
    title = serializers.CharField()
    status = serializers.IntegerField()
    detail = serializers.CharField()
    errors = FieldErrorSerializer(many=True, required=False)  # type: ignore[assignment]  # the API's field name


@extend_schema_field({"type": "object", "additionalProperties": True})
class JSONObjectField(serializers.Field):
    """A JSON object, given as JSON or (in a multipart part) as a JSON string.

    Floats become decimal strings: the ledger refuses floats, and money is decimal."""

    default_error_messages = {"invalid": "Expected a JSON object."}

    def to_internal_value(self, data: Any) -> dict[str, Any]:
        import json

        if isinstance(data, bytes | str):
            try:
                data = json.loads(data)
            except ValueError:
                self.fail("invalid")
        if not isinstance(data, dict):
            self.fail("invalid")
        return _no_floats(data)

    def to_representation(self, value: Any) -> Any:
        return value


def _no_floats(value: Any) -> Any:
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, dict):
        return {str(k): _no_floats(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_no_floats(v) for v in value]
    return value


def problems(*codes: int) -> dict[Any, Any]:
    return {
        (code, PROBLEM_MEDIA_TYPE): OpenApiResponse(response=ProblemSerializer, description=ERROR_DESCRIPTIONS[code])
        for code in codes
    }


IDEMPOTENCY_HEADER = OpenApiParameter(
    name="Idempotency-Key", location=OpenApiParameter.HEADER, required=False,
    type={"type": "string", "minLength": 1, "maxLength": 255, "pattern": "^[\\x21-\\x7e]{1,255}$"},
    description="1 to 255 visible ASCII characters, unique per request. A retry by the same caller with the same "
                "key and body replays the original response and creates nothing twice; the same key with a "
                "different request is refused (422). A response that showed a secret once (a new API key or "
                "webhook secret) is not stored: its replay is a 409.",
)


def action_schema(
    *, summary: str, request: Any, response: Any, status: int = 200, description: str = "", tags: list[str] | None = None
) -> Callable[[Any], Any]:
    """Document one POST business action: input, output, idempotency header and every error."""
    return extend_schema(
        summary=summary, description=description or None, request=request, tags=tags,
        parameters=[IDEMPOTENCY_HEADER],
        responses={status: response, **problems(*ACTION_ERRORS)},
    )


def list_schema(*, summary: str, response: Any, tags: list[str] | None = None,
                parameters: list[OpenApiParameter] | None = None) -> Callable[[Any], Any]:
    return extend_schema(summary=summary, tags=tags, parameters=parameters,
                         responses={200: response, **problems(*READ_LIST_ERRORS)})


def detail_schema(*, summary: str, response: Any, tags: list[str] | None = None) -> Callable[[Any], Any]:
    return extend_schema(summary=summary, tags=tags, responses={200: response, **problems(*READ_DETAIL_ERRORS)})


HTTP_METHODS = frozenset({"get", "put", "post", "delete", "options", "head", "patch", "trace"})


def _too_many_requests() -> dict[str, Any]:
    return {
        "description": ERROR_DESCRIPTIONS[429],
        "headers": {"Retry-After": {"required": True, "description": "Seconds until the rate window ends.",
                                    "schema": {"type": "integer", "minimum": 1, "maximum": 60}}},
        "content": {PROBLEM_MEDIA_TYPE: {"schema": {"$ref": "#/components/schemas/Problem"}}},
    }


def _too_large() -> dict[str, Any]:
    return {"description": ERROR_DESCRIPTIONS[413],
            "content": {PROBLEM_MEDIA_TYPE: {"schema": {"$ref": "#/components/schemas/Problem"}}}}


def document_rate_limit(result: dict[str, Any], generator: Any, request: Any, public: bool) -> dict[str, Any]:
    """A postprocessing hook (settings.SPECTACULAR_SETTINGS): the rate limit is the default
    throttle of every API view (lc.api.throttles.PerKeyRate), so every operation documents its
    429, rather than each schema helper remembering to."""
    for item in result.get("paths", {}).values():
        for method, operation in item.items():
            if method in HTTP_METHODS:
                operation.setdefault("responses", {}).setdefault("429", _too_many_requests())
    return result


def _no_control(single_line: bool) -> str:
    """The guard's refusal (lc.api.guard) as a JSON Schema pattern: none of these code points.
    Kept in step with guard.FORBIDDEN by tests/api/test_schema_input_rules.py."""
    from lc.api.guard import FORBIDDEN, SINGLE_LINE_FORBIDDEN

    points = sorted(SINGLE_LINE_FORBIDDEN if single_line else FORBIDDEN)
    ranges: list[list[int]] = []
    for c in points:
        if ranges and c == ranges[-1][1] + 1:
            ranges[-1][1] = c
        else:
            ranges.append([c, c])
    body = "".join(f"\\u{a:04x}" if a == b else f"\\u{a:04x}-\\u{b:04x}" for a, b in ranges)
    return f"^[^{body}]*$"


def _not_blank(pattern: str) -> str:
    """The no-control pattern, plus one character DRF's CharField keeps after trimming
    (str.strip): a required string of only spaces or line breaks is refused as blank."""
    from lc.api.guard import FORBIDDEN

    space = "".join(f"\\u{c:04x}" for c in range(0x3001) if chr(c).isspace() and c not in FORBIDDEN)
    allowed = pattern[1:-2]  # "[^...]" of "^[^...]*$"
    return f"^{allowed}*{allowed[:-1]}{space}]{allowed}*$"


def _filters_of(generator: Any) -> dict[str, dict[str, Any]]:
    """path -> the list view's django-filter filters, by query parameter name."""
    found: dict[str, dict[str, Any]] = {}
    for path, _regex, method, callback in getattr(generator, "endpoints", None) or []:
        filterset = getattr(getattr(callback, "cls", None), "filterset_class", None)
        if method == "GET" and filterset is not None:
            found[path] = dict(filterset.base_filters)
    return found


def _query_rule(parameter: dict[str, Any], filters: dict[str, Any]) -> None:
    import django_filters

    schema = parameter.setdefault("schema", {})
    name = parameter["name"]
    if name == "page_size":  # lc.api.paging.page_size: ASCII digits, from 1, at most 9 of them
        schema.update({"minimum": 1, "maximum": 999_999_999})
    flt = filters.get(name)
    if isinstance(flt, django_filters.UUIDFilter):
        schema.setdefault("format", "uuid")
    if flt is not None and flt.extra.get("max_length"):
        schema.setdefault("maxLength", flt.extra["max_length"])
    if schema.get("type") == "string" and not ({"pattern", "enum", "format"} & set(schema)):
        schema["pattern"] = _no_control(single_line=True)
    # An empty value is refused (guard.StrictFilterBackend), and so not a choice either.
    for values in (schema, schema.get("items") or {}):
        if values.get("type") == "string":
            values.setdefault("minLength", 1)
            if "enum" in values:
                values["enum"] = [v for v in values["enum"] if v != ""]


def _body_rule(schema: Any, pattern: str, seen: set[int]) -> None:
    """Every free-text string of a request body refuses the guard's control characters, keys too."""
    if not isinstance(schema, dict) or id(schema) in seen:
        return
    seen.add(id(schema))
    if schema.get("type") == "string" and not ({"pattern", "enum", "format"} & set(schema)):
        schema["pattern"] = _not_blank(pattern) if schema.get("minLength", 0) >= 1 else pattern
    # An input serializer's object: its fields only. OpenAPI 3.0 cannot constrain the keys of an
    # object that takes any (terms, changes, document data), where the guard still refuses them.
    if schema.get("type") == "object" and "properties" in schema:
        schema.setdefault("additionalProperties", False)
    for key in ("properties", "patternProperties"):
        for sub in (schema.get(key) or {}).values():
            _body_rule(sub, pattern, seen)
    for key in ("items", "additionalProperties", "not"):
        _body_rule(schema.get(key), pattern, seen)
    for key in ("allOf", "anyOf", "oneOf"):
        for sub in schema.get(key) or []:
            _body_rule(sub, pattern, seen)


def document_input_rules(result: dict[str, Any], generator: Any, request: Any, public: bool) -> dict[str, Any]:
    """A postprocessing hook: what lc.api.guard and the list filters refuse, written into the
    schema (issue 17: schemathesis' positive_data_acceptance found schema-valid requests refused).
    Query strings: no control character, the filter's max_length, UUID filters as uuid,
    page_size from 1. Request bodies: JSON where the view takes JSON (uploads stay multipart), 413
    documented, no control character but TAB/LF/CR in any free-text string (the *Request
    components and inline bodies), and an input serializer's object takes its fields only."""
    filters = _filters_of(generator)
    for path, item in result.get("paths", {}).items():
        for method, operation in item.items():
            if method not in HTTP_METHODS:
                continue
            for parameter in operation.get("parameters", []):
                if parameter.get("in") == "query":
                    _query_rule(parameter, filters.get(path, {}))
            content = (operation.get("requestBody") or {}).get("content", {})
            if "application/json" in content:
                # A JSON body is the contract; DRF's form parsers stay lenient, but a form cannot
                # carry a null, an object or a list as the schema describes them.
                for media_type in [m for m in content if m != "application/json"]:
                    del content[media_type]
            for media in content.values():
                _body_rule(media.get("schema"), _no_control(single_line=False), set())
            if operation.get("requestBody"):
                operation["responses"].setdefault("413", _too_large())
    components = result.get("components", {}).get("schemas", {})
    for name, schema in components.items():
        if name.endswith("Request"):
            _body_rule(schema, _no_control(single_line=False), set())
    return result


class ApiKeyScheme(OpenApiAuthenticationExtension):
    """Documents `Authorization: Bearer <key>` (lc.api.auth.ApiKeyAuthentication)."""

    target_class = "lc.api.auth.ApiKeyAuthentication"
    name = "apiKey"

    def get_security_definition(self, auto_schema: Any) -> dict[str, Any]:
        return {"type": "http", "scheme": "bearer",
                "description": "An organisation-scoped API key (`tck_…`), created under /api/v1/api-keys/."}


class VerifiedSessionScheme(OpenApiAuthenticationExtension):
    """Documents the portal's session cookie (lc.api.auth.VerifiedSessionAuthentication)."""

    target_class = "lc.api.auth.VerifiedSessionAuthentication"
    name = "cookieAuth"

    def get_security_definition(self, auto_schema: Any) -> dict[str, Any]:
        from django.conf import settings

        return {"type": "apiKey", "in": "cookie", "name": settings.SESSION_COOKIE_NAME,
                "description": "The portal's session, for the browser: unsafe methods need the CSRF token, "
                               "and bank staff must have passed the second factor (TOTP)."}
