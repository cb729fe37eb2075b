"""API authentication: API keys (Bearer) and the portal's fully signed-in session. Kept apart
from views: DRF imports these while it builds APIView, so this module must not import
rest_framework.views."""

from __future__ import annotations

import copy
from datetime import timedelta

import redis
from django.conf import settings
from django.utils import timezone
from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication, SessionAuthentication, get_authorization_header
from rest_framework.request import Request

from lc.access import needs_second_factor
from lc.integrations import ratelimit
from lc.integrations.keycache import EPOCH_KEY, CachedKey, key_cache
from lc.integrations.keys import hash_key, load_key
from lc.models import ApiKey, User

LAST_USED_PRECISION = timedelta(minutes=1)
RATE_WAIT = "tc_rate_wait"  # the request attribute where the preflight leaves the rate verdict


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
        key_hash = hash_key(auth[1].decode("latin-1"))
        wait, epoch, rate_wait = _preflight(ip, key_hash)
        setattr(request, RATE_WAIT, rate_wait)
        if wait:
            raise exceptions.Throttled(wait, "Too many invalid API keys from this address.")
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


def _preflight(ip: str, key_hash: str) -> tuple[int, bytes | None, int]:
    """What an API-key request asks Redis, in one round trip: this address's failure gate, the
    key cache's epoch and the key's request count this minute (lc.api.throttles reads it from
    the request). Without Redis: no gate, no cache, no rate limit (fail open, as each of them)."""
    try:
        with ratelimit.client().pipeline(transaction=False) as pipe:
            ratelimit.API_KEY.queue_retry_after(pipe, ip)
            pipe.get(EPOCH_KEY)
            ratelimit.queue_take(pipe, rate_bucket(key_hash))
            failures, ttl, epoch, count, _ = pipe.execute()
    except redis.RedisError as exc:
        key_cache.unreachable(exc)
        return 0, None, 0
    wait = ratelimit.over_rate(count, settings.API_RATE_PER_MINUTE)
    return ratelimit.API_KEY.seconds_left(failures, ttl), key_cache.epoch_read(epoch), wait


def rate_bucket(key_hash: str) -> str:
    """An API key's request-rate bucket: by its hash, known before the key is looked up."""
    return f"key:{key_hash}"


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
