"""Reads through the portal and the API written to the read-access log (lc.audit.readlog).

One table of the URLs that open a credit or a document, read by one middleware, instead of a
log call in each view: a view added under one of these names is logged without remembering
to, and the table is the one place that says what counts as opening what. A read is logged
only when it was served (2xx) to a signed-in person or an API key's user; the row is written
before the response leaves, so a read the log could not record is not served (500).

The audit views log their own reads (history, evidence, export) in lc.audit.views.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.http import HttpRequest
from django.http.response import HttpResponseBase

from lc.audit.readlog import log_read

READS: dict[str, tuple[str, str, str]] = {
    # url name: (what, target prefix, url kwarg with the id)
    "portal:credit": ("credit", "lc", "credit_id"),
    "api:credit-detail": ("credit", "lc", "pk"),
    "api:document-detail": ("document", "document", "pk"),
    "api:document-file": ("document", "document", "pk"),
}
SAFE = ("GET", "HEAD")


def read_of(request: HttpRequest, response: HttpResponseBase) -> tuple[str, str] | None:
    """(what, target) when this request opened something the log records, else None."""
    match = request.resolver_match
    if match is None or request.method not in SAFE or not 200 <= response.status_code < 300:
        return None
    entry = READS.get(match.view_name)
    if entry is None:
        return None
    what, prefix, kwarg = entry
    return what, f"{prefix}:{match.kwargs[kwarg]}"


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
            log_read(user, *read)
        return response
