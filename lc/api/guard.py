"""Input that cannot hurt, checked before any view parses it (issue 17), and every error under
/api/ in problem+json.

Under /api/ a request is refused, as RFC 9457 problem+json, when:
- its body is larger than the limit for its type (413): JSON API_MAX_JSON_BYTES, multipart
  (uploads) UPLOAD_MAX_REQUEST_BYTES; Django would otherwise answer an HTML 400;
- its JSON nests deeper than MAX_JSON_DEPTH (400), checked by a scan of the bytes before the
  recursive parser runs (a 50,000-deep document would otherwise exhaust the stack), or has an
  array of more than MAX_JSON_ITEMS items;
- any string in its JSON, or any query parameter, holds a character that text never needs:
  NUL and the other C0 controls but TAB, CR and LF; DEL; the C1 controls; the line and
  paragraph separators; the bidirectional overrides (400). Query parameters may not hold CR or
  LF either. Whether a field may be multi-line is the field's own rule (the SWIFT terms check).

A response that is not already JSON (Django's HTML 404, 405, 500 pages) becomes problem+json.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from typing import Any

from django.conf import settings
from django.core.files.uploadhandler import FileUploadHandler
from django.http import HttpRequest, HttpResponse, JsonResponse
from django_filters.rest_framework import DjangoFilterBackend
from rest_framework import exceptions, serializers

from lc.api.schema import PROBLEM_MEDIA_TYPE

MAX_JSON_DEPTH = 32
MAX_JSON_ITEMS = 1000  # per array: 20,000 additional conditions were accepted (issue 17)
PAGING_PARAMETERS = ("cursor", "page_size")
PROBLEM_BASE = "https://tradechain.dev/problems/"
# C0 but TAB/LF/CR, DEL, C1, LINE/PARAGRAPH SEPARATOR, bidi embeddings/overrides/isolates.
FORBIDDEN = frozenset([*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20), *range(0x7F, 0xA0),
                       0x2028, 0x2029, *range(0x202A, 0x202F), *range(0x2066, 0x206A)])
SINGLE_LINE_FORBIDDEN = FORBIDDEN | {0x09, 0x0A, 0x0D}


def _class_of(code_points: frozenset[int]) -> re.Pattern[str]:
    """One character class of these code points: a search runs in C, not a loop per character."""
    return re.compile("[" + "".join(re.escape(chr(c)) for c in sorted(code_points)) + "]")


_FORBIDDEN_RE, _SINGLE_LINE_FORBIDDEN_RE = _class_of(FORBIDDEN), _class_of(SINGLE_LINE_FORBIDDEN)
# A JSON string (quotes, escapes) and a bracket: what the depth scan needs to tell apart.
# An unterminated string runs to the end of the body (its brackets are text, as in the parser).
_STRING_OR_BRACKET = re.compile(rb'"(?:[^"\\]|\\.)*(?:"|\\?\Z)|[\[\]{}]', re.DOTALL)
# The JSON escapes that can decode to a forbidden character (\b, \f and \uXXXX; \n \r \t are
# allowed): without one, a parsed string holds only what the body's text holds.
_ESCAPE_THAT_MAY_HIDE = re.compile(rb"\\[bfu]")


def json_too_deep(body: bytes, limit: int = MAX_JSON_DEPTH) -> bool:
    """True when brackets outside strings nest deeper than `limit` (no parsing, no recursion)."""
    if body.count(b"[") + body.count(b"{") <= limit:
        return False  # not enough brackets to nest that deep, in strings or out
    depth = 0
    for token in _STRING_OR_BRACKET.findall(body):
        if token in (b"[", b"{"):
            depth += 1
            if depth > limit:
                return True
        elif token in (b"]", b"}"):
            depth -= 1
    return False


def may_hold_forbidden(body: bytes) -> bool:
    """False only when no string of this JSON body can hold a forbidden character once parsed:
    its UTF-8 text holds none and no escape could produce one. Then the walk of every parsed
    string is skipped (a credit's terms are ~240 strings)."""
    if _ESCAPE_THAT_MAY_HIDE.search(body):
        return True
    try:
        return _FORBIDDEN_RE.search(body.decode("utf-8")) is not None
    except UnicodeDecodeError:
        return True  # UTF-16 or -32 JSON, or not text: walk the parsed strings


def bad_text(value: str, single_line: bool = False) -> bool:
    return (_SINGLE_LINE_FORBIDDEN_RE if single_line else _FORBIDDEN_RE).search(value) is not None


def longest_array(value: Any) -> int:
    if isinstance(value, list):
        return max([len(value), *(longest_array(v) for v in value)])
    if isinstance(value, dict):
        return max([0, *(longest_array(v) for v in value.values())])
    return 0


def strings(value: Any, path: str = "") -> Iterator[tuple[str, str]]:
    """Every string of a parsed JSON document (keys too), with its dotted path."""
    if isinstance(value, str):
        yield path, value
    elif isinstance(value, dict):
        for key, item in value.items():
            sub = f"{path}.{key}".strip(".")
            yield sub, str(key)
            yield from strings(item, sub)
    elif isinstance(value, list):
        for i, item in enumerate(value):
            yield from strings(item, f"{path}[{i}]")


def problem(status: int, slug: str, title: str, detail: str, errors: list[dict[str, str]] | None = None,
            ) -> JsonResponse:
    body: dict[str, Any] = {"type": PROBLEM_BASE + slug, "title": title, "status": status, "detail": detail}
    if errors:
        body["errors"] = errors
    return JsonResponse(body, status=status, content_type=PROBLEM_MEDIA_TYPE)


def _refusal(request: HttpRequest) -> JsonResponse | None:
    for name, values in request.GET.lists():
        if bad_text(name, True) or any(bad_text(v, True) for v in values):
            return problem(400, "validation", "Invalid request", "A query parameter holds a control character.",
                           [{"field": name, "message": "control characters are not accepted"}])
    ctype = request.content_type or ""
    multipart = ctype.startswith("multipart/")
    limit = int(getattr(settings, "UPLOAD_MAX_REQUEST_BYTES" if multipart else "API_MAX_JSON_BYTES", 256 * 1024))
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return problem(400, "validation", "Invalid request", "The Content-Length header is not a number.")
    if length > limit:
        return problem(413, "too-large", "Request too large", f"The body may be at most {limit} bytes.")
    return _json_refusal(request.body) if ctype.endswith("json") and length else None


def _json_refusal(body: bytes) -> JsonResponse | None:
    if json_too_deep(body):
        return problem(400, "validation", "Invalid request", f"JSON may nest at most {MAX_JSON_DEPTH} levels.")
    try:
        document = json.loads(body)
    except (ValueError, RecursionError):
        return None  # DRF's parser answers malformed JSON with its own 400
    # A list of n items has n - 1 commas: with fewer commas in the whole body, none can be too long.
    if body.count(b",") >= MAX_JSON_ITEMS and longest_array(document) > MAX_JSON_ITEMS:
        return problem(400, "validation", "Invalid request", f"A list may hold at most {MAX_JSON_ITEMS} items.")
    bad = [{"field": path, "message": "control characters are not accepted"}
           for path, text in strings(document) if bad_text(text)] if may_hold_forbidden(body) else []
    if bad:
        return problem(400, "validation", "Invalid request", "A text field holds a control character.", bad[:20])
    return None


class ApiGuardMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not request.path.startswith("/api/") or request.path.startswith("/api/docs/"):
            return self.get_response(request)
        refused = _refusal(request)
        response = refused if refused is not None else self.get_response(request)
        return as_problem(response)


def as_problem(response: HttpResponse) -> HttpResponse:
    """An error that is not JSON already (Django's own HTML pages) as problem+json."""
    ctype = response.get("Content-Type", "")
    if response.status_code < 400 or "json" in ctype:
        return response
    out = problem(response.status_code, "not-found" if response.status_code == 404 else "error",
                  getattr(response, "reason_phrase", "") or "Error", "No such endpoint."
                  if response.status_code == 404 else "The request could not be answered.")
    for header in ("Allow", "Retry-After", "WWW-Authenticate"):
        if header in response:
            out[header] = response[header]
    return out


class TooLarge(exceptions.APIException):
    status_code = 413
    default_detail = "The file is larger than the upload limit."
    default_code = "too_large"


class CappedUploadHandler(FileUploadHandler):
    """First in FILE_UPLOAD_HANDLERS: counts each file's bytes as they stream in and stops the
    request at UPLOAD_MAX_BYTES, before the rest is read or written anywhere."""

    def new_file(self, *args: Any, **kwargs: Any) -> None:
        super().new_file(*args, **kwargs)
        self.received = 0

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes:
        self.received += len(raw_data)
        if self.received > settings.UPLOAD_MAX_BYTES:
            raise TooLarge(f"a file may be at most {settings.UPLOAD_MAX_BYTES} bytes")
        return raw_data

    def file_complete(self, file_size: int) -> None:
        return None


class StrictFilterBackend(DjangoFilterBackend):
    """Query parameters a list does not document are refused, not ignored (issue 17: a typo'd
    filter silently returned everything)."""

    def filter_queryset(self, request: Any, queryset: Any, view: Any) -> Any:
        allowed = set(PAGING_PARAMETERS)
        filterset_class = self.get_filterset_class(view, queryset)
        if filterset_class is not None:
            allowed |= set(filterset_class.base_filters)
        unknown = sorted(set(request.query_params) - allowed)
        if unknown and getattr(view, "action", None) == "list":
            raise serializers.ValidationError({name: "unknown query parameter" for name in unknown})
        # An empty value is not a filter: django-filter would ignore it and list everything, while
        # the schema says what a value must be (a uuid, a state, a date): schemathesis found
        # `?credit=` accepted (issue 17).
        empty = sorted(n for n, values in request.query_params.lists() if n in allowed and "" in values)
        if empty and getattr(view, "action", None) == "list":
            raise serializers.ValidationError({name: "an empty value is not a filter" for name in empty})
        return super().filter_queryset(request, queryset, view)
