"""API authentication and pagination classes (kept apart from views: DRF imports these
while it builds APIView, so this module must not import rest_framework.views)."""

from __future__ import annotations

import copy
import hashlib
import secrets
from datetime import timedelta
from typing import Any

from django.utils import timezone
from rest_framework import exceptions, pagination, permissions
from rest_framework.authentication import BaseAuthentication, SessionAuthentication, get_authorization_header
from rest_framework.request import Request

from lc.keycache import CachedKey, key_cache
from lc.models import ApiKey, User
from lc.portal.access import needs_second_factor

KEY_PREFIX = "tck_"
LAST_USED_PRECISION = timedelta(minutes=1)


def hash_key(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def create_api_key(*, user: User, name: str) -> tuple[ApiKey, str]:
    """Create a key; the returned secret is shown once and never stored."""
    prefix = KEY_PREFIX + secrets.token_hex(4)
    secret = f"{prefix}_{secrets.token_urlsafe(32)}"
    assert user.organization is not None
    key = ApiKey.objects.create(
        organization=user.organization, user=user, name=name, prefix=prefix, key_hash=hash_key(secret)
    )
    return key, secret


def _load_key(key_hash: str) -> ApiKey | None:
    key = (
        ApiKey.objects.select_related("user", "organization")
        .filter(key_hash=key_hash, revoked_at__isnull=True)
        .first()
    )
    if key is None or not key.user.is_active:
        return None
    if key.user.organization_id == key.organization_id:
        key.user.organization = key.organization  # already loaded: no second query
    return key


class ApiKeyAuthentication(BaseAuthentication):
    """`Authorization: Bearer tck_xxxxxxxx_<secret>`; keys are looked up by their hash."""

    keyword = b"bearer"

    def authenticate(self, request: Request) -> tuple[User, ApiKey] | None:
        auth = get_authorization_header(request).split()
        if not auth or auth[0].lower() != self.keyword:
            return None
        if len(auth) != 2:
            raise exceptions.AuthenticationFailed("Malformed Authorization header.")
        key_hash = hash_key(auth[1].decode("latin-1"))
        epoch = key_cache.epoch()
        entry = key_cache.get(key_hash, epoch) if epoch is not None else None
        if entry is None:
            key = _load_key(key_hash)
            if key is None:
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
    signs bank staff in in two steps, password then TOTP: between the two the session is
    authenticated but not verified, and must not reach the API (a stolen password alone would
    then approve credits)."""

    def authenticate(self, request: Request) -> tuple[User, None] | None:
        result = super().authenticate(request)
        if result is not None and needs_second_factor(result[0]):
            raise exceptions.AuthenticationFailed("Bank staff must complete the second factor (TOTP) first.")
        return result


class CursorPagination(pagination.CursorPagination):
    page_size = 50
    max_page_size = 200
    page_size_query_param = "page_size"
    ordering = "-created_at"


def require_integrator(actor: User) -> None:
    """API keys and webhook subscriptions are an organisation's integration settings: only its
    API clients and administrators manage them."""
    from lc.models import Role
    from lc.services.common import require_role

    require_role(actor, Role.API_CLIENT, Role.ADMINISTRATOR)


class ManagesIntegration(permissions.BasePermission):
    """require_integrator for every change to a viewset's objects. Creation is checked up front;
    a change to an existing object after its lookup, so another organisation's object is still
    a 404, not a 403."""

    def has_permission(self, request: Request, view: Any) -> bool:
        if request.method not in permissions.SAFE_METHODS and not getattr(view, "detail", False):
            require_integrator(request.user)  # type: ignore[arg-type]
        return True

    def has_object_permission(self, request: Request, view: Any, obj: Any) -> bool:
        if request.method not in permissions.SAFE_METHODS:
            require_integrator(request.user)  # type: ignore[arg-type]
        return True


def revoke_api_key(*, key: ApiKey, actor: User | None = None) -> ApiKey:
    """Revoke at once: the next request with this key is a 401. Through the API (`actor` given),
    a user revokes their own keys, and an administrator any key of the organisation."""
    from lc.errors import Forbidden, NotAllowed
    from lc.models import Role

    if actor is not None and key.user_id != actor.pk and not actor.has_role(Role.ADMINISTRATOR):
        raise Forbidden("only the key's owner or an administrator may revoke it")
    if key.revoked_at is not None:
        raise NotAllowed("this key is already revoked")
    key.revoked_at = timezone.now()
    key.save(update_fields=["revoked_at"])  # post_save bumps the key epoch after commit
    return key
