"""API request rate per API key (or per signed-in person), issue 17: a 429 problem+json with
Retry-After beyond settings.API_RATE_PER_MINUTE (lc.api.problems carries the header over)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from rest_framework.request import Request
from rest_framework.throttling import BaseThrottle

from lc.api.auth import RATE_WAIT
from lc.integrations import ratelimit
from lc.models import ApiKey


class PerKeyRate(BaseThrottle):
    _wait = 0

    def allow_request(self, request: Request, view: Any) -> bool:
        if not request.user or not request.user.is_authenticated:
            return True  # nothing to count against: authentication answers 401 first
        if isinstance(request.auth, ApiKey):
            # Counted by ApiKeyAuthentication in the round trip it makes anyway (lc.api.auth).
            self._wait = getattr(request, RATE_WAIT, 0)
        else:
            self._wait = ratelimit.take(f"user:{request.user.pk}", settings.API_RATE_PER_MINUTE)
        return self._wait == 0

    def wait(self) -> float | None:
        return float(self._wait) or None


def source(request: Any) -> str:
    """The address a request came from (the proxy's, when one terminates TLS in front)."""
    return str(request.META.get("REMOTE_ADDR", ""))
