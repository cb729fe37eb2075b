"""API authentication: API keys (Bearer) and the portal's fully signed-in session. Kept apart
from views: DRF imports these while it builds APIView, so this module must not import
rest_framework.views."""

from __future__ import annotations

import copy
from datetime import timedelta

from django.utils import timezone
from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication, SessionAuthentication, get_authorization_header
from rest_framework.request import Request

from lc.access import needs_second_factor
from lc.integrations import ratelimit
from lc.integrations.keycache import CachedKey, key_cache
from lc.integrations.keys import hash_key, load_key
from lc.models import ApiKey, User

LAST_USED_PRECISION = timedelta(minutes=1)


class ApiKeyAuthentication(BaseAuthentication):
    """`Authorization: Bearer tck_xxxxxxxx_<secret>`; keys are looked up by their hash."""

    keyword = b"bearer"

    def authenticate(self, request: Request) -> tuple[User, ApiKey] | None:
        auth = get_authorization_header(request).split()
        if not auth or auth[0].lower() != self.keyword:
            return None
        if len(auth) != 2:
            raise exceptions.AuthenticationFailed("Malformed Authorization header.")
        ip = str(request.META.get("REMOTE_ADDR", ""))
        if wait := ratelimit.API_KEY.retry_after(ip):
            raise exceptions.Throttled(wait, "Too many invalid API keys from this address.")
        key_hash = hash_key(auth[1].decode("latin-1"))
        epoch = key_cache.epoch()
        entry = key_cache.get(key_hash, epoch) if epoch is not None else None
        if entry is None:
            key = load_key(key_hash)
            if key is None:
                # Counted per address (and per key prefix, for the progressive delay): a guesser
                # waits longer each time and is refused (429) after ratelimit.SOURCE_FAILURES.
                ratelimit.API_KEY.failed(key_hash, ip)
                ratelimit.API_KEY.wait(key_hash, ip)
                raise exceptions.AuthenticationFailed("Invalid or revoked API key.")
            entry = CachedKey(epoch or b"", key, key.last_used_at)
            if epoch is not None:
                key_cache.put(key_hash, entry)
        now = timezone.now()
        # The usage stamp is for humans ("used 3 minutes ago"): one write a minute, not one per request.
        if entry.used_at is None or now - entry.used_at > LAST_USED_PRECISION:
            ApiKey.objects.filter(pk=entry.key.pk).update(last_used_at=now)
            entry.used_at = now
        # Each request gets its own copies: views may annotate the user, never the cache.
        key, user = copy.copy(entry.key), copy.copy(entry.key.user)
        key.user = user
        return user, key

    def authenticate_header(self, request: Request) -> str:
        return 'Bearer realm="api"'


class VerifiedSessionAuthentication(SessionAuthentication):
    """The browser's portal session (with DRF's CSRF check), once fully signed in. The portal
    signs everyone of an organisation in in two steps, password then TOTP: between the two the
    session is authenticated but not verified, and must not reach the API (a stolen password
    alone would then approve credits, or waive discrepancies for a company)."""

    def authenticate(self, request: Request) -> tuple[User, None] | None:
        result = super().authenticate(request)
        if result is not None and needs_second_factor(result[0]):
            raise exceptions.AuthenticationFailed("Complete the second factor (TOTP) first.")
        return result
