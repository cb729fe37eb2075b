"""RFC 9457 problem details for every API error.

Domain errors are translated to HTTP here and nowhere else (house style).
"""

from __future__ import annotations

import logging
from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404
from rest_framework import exceptions
from rest_framework.response import Response
from rest_framework.views import exception_handler

from lc.errors import DomainError, Forbidden, InvalidInput, NotAllowed, NotFound
from lc.storage import CorruptFile, StoreFull, StoreUnavailable, UnsupportedType
from ledger.chain import EncodingError

PROBLEM_BASE = "https://tradechain.dev/problems/"
log = logging.getLogger(__name__)


def problem_response(status: int, slug: str, title: str, detail: Any, errors: Any = None) -> Response:
    body: dict[str, Any] = {"type": PROBLEM_BASE + slug, "title": title, "status": status, "detail": detail}
    if errors:
        body["errors"] = errors
    return Response(body, status=status, content_type="application/problem+json")


def _field_errors(detail: Any, prefix: str = "") -> list[dict[str, str]]:
    """Flatten DRF's nested error dict into [{"field": "a.b", "message": ...}]."""
    out: list[dict[str, str]] = []
    if isinstance(detail, dict):
        for key, value in detail.items():
            name = key if key != "non_field_errors" else ""
            out += _field_errors(value, f"{prefix}.{name}".strip(".") if name else prefix)
    elif isinstance(detail, list):
        for i, value in enumerate(detail):
            if isinstance(value, (dict, list)):
                out += _field_errors(value, f"{prefix}[{i}]")
            else:
                out.append({"field": prefix, "message": str(value)})
    else:
        out.append({"field": prefix, "message": str(detail)})
    return out


def problem_exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    if isinstance(exc, NotAllowed):
        return problem_response(409, "not-allowed", "Move not allowed", str(exc))
    if isinstance(exc, (NotFound, Http404)):
        return problem_response(404, "not-found", "Not found", "No such object.")
    if isinstance(exc, (Forbidden, DjangoPermissionDenied)):
        return problem_response(403, "forbidden", "Forbidden", str(exc) or "You may not do this.")
    if isinstance(exc, UnsupportedType):  # an uploaded file's bytes, sniffed (lc.storage)
        return problem_response(415, "unsupported-file-type", "Unsupported file type", str(exc), exc.errors)
    if isinstance(exc, InvalidInput):
        return problem_response(422, "invalid-input", "Invalid input", str(exc), exc.errors)
    if isinstance(exc, DomainError):
        return problem_response(409, "not-allowed", "Move not allowed", str(exc))
    if isinstance(exc, EncodingError):
        # Facts the ledger cannot record canonically (e.g. a float): nothing was written.
        return problem_response(422, "invalid-input", "Invalid input", f"cannot be recorded: {exc}")
    if isinstance(exc, StoreFull):
        log.error("document store: %s", exc)
        return problem_response(507, "storage-full", "Document store full", "The documents could not be stored; "
                                "nothing was recorded. Retry later.")
    if isinstance(exc, StoreUnavailable):
        log.error("document store: %s", exc)
        unavailable = problem_response(503, "storage-unavailable", "Document store unavailable",
                                       "The documents could not be stored; nothing was recorded. Retry later.")
        unavailable["Retry-After"] = "30"
        return unavailable
    if isinstance(exc, CorruptFile):
        log.error("document store: %s", exc)
        return problem_response(500, "corrupt-file", "Stored file failed its integrity check", str(exc))
    if isinstance(exc, exceptions.ValidationError):
        return problem_response(400, "validation", "Invalid request", "The request has invalid fields.",
                        _field_errors(exc.detail))
    response = exception_handler(exc, context)
    if response is None:
        return None
    detail = response.data.get("detail", "") if isinstance(response.data, dict) else response.data
    problem = problem_response(response.status_code, getattr(exc, "default_code", "error").replace("_", "-"),
                       response.status_text, str(detail))
    for header in ("WWW-Authenticate", "Retry-After", "Allow"):
        if header in response:
            problem[header] = response[header]
    return problem
