"""Reads through the portal and the API written to the read-access log (lc.audit.readlog).

One table of the URLs that open a credit, a document, a presentation or a SWIFT message, read
by one middleware, instead of a
log call in each view: a view added under one of these names is logged without remembering
to, and the table is the one place that says what counts as opening what. A read is logged
only when it was served (2xx) to a signed-in person or an API key's user; the row is written
before the response leaves, so a read the log could not record is not served (500).

Each row names the route that served the read (its URL name) and, for an API key, the key.
The audit views log their own reads (history, evidence bundle, export) in lc.audit.views;
evidence bundles are served nowhere else over HTTP.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.http import HttpRequest
from django.http.response import HttpResponseBase

from lc.audit.readlog import log_read
from lc.models import ApiKey

READS: dict[str, tuple[str, str, str]] = {
    # url name: (what, target prefix, url kwarg with the id)
    "portal:credit": ("credit", "lc", "credit_id"),
    "api:credit-detail": ("credit", "lc", "pk"),
    "api:document-detail": ("document", "document", "pk"),
    "api:document-file": ("document", "document", "pk"),
    "portal:printed": ("printed", "printed", "sha256"),  # a printed PDF (issue 20), by its SHA-256
    "api:credit-printed-file": ("printed", "printed", "sha256"),
    "api:presentation-detail": ("presentation", "presentation", "pk"),
    "portal:examine": ("presentation", "presentation", "presentation_id"),
    "api:message-detail": ("message", "message", "pk"),
    "api:message-raw": ("message", "message", "pk"),
    "portal:message-raw": ("message", "message", "message_id"),
}
SAFE = ("GET", "HEAD")


def read_of(request: HttpRequest, response: HttpResponseBase) -> tuple[str, str, str] | None:
    """(what, target, route) when this request opened something the log records, else None."""
    match = request.resolver_match
    if match is None or request.method not in SAFE or not 200 <= response.status_code < 300:
        return None
    entry = READS.get(match.view_name)
    if entry is None:
        return None
    what, prefix, kwarg = entry
    return what, f"{prefix}:{match.kwargs[kwarg]}", match.view_name


def credential(request: HttpRequest) -> str:
    """The API key a read came with (DRF sets `auth` on the Django request too), else ""."""
    key = getattr(request, "auth", None)
    return f"apikey:{key.pk}" if isinstance(key, ApiKey) else ""


class ReadAccessMiddleware:
    """Innermost, so request.user is whoever the view authenticated (DRF sets it on the
    Django request too: a session, or an API key's user)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        read = read_of(request, response)
        user: Any = getattr(request, "user", None)
        if read is not None and user is not None and user.is_authenticated:
            what, target, route = read
            log_read(user, what, target, route=route, via=credential(request))
        return response
