"""API authentication and pagination classes (kept apart from views: DRF imports these
while it builds APIView, so this module must not import rest_framework.views)."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from django.utils import timezone
from rest_framework import exceptions, pagination
from rest_framework.authentication import BaseAuthentication, get_authorization_header
from rest_framework.request import Request

from lc.models import ApiKey, User

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


class ApiKeyAuthentication(BaseAuthentication):
    """`Authorization: Bearer tck_xxxxxxxx_<secret>`; keys are looked up by their hash."""

    keyword = b"bearer"

    def authenticate(self, request: Request) -> tuple[User, ApiKey] | None:
        auth = get_authorization_header(request).split()
        if not auth or auth[0].lower() != self.keyword:
            return None
        if len(auth) != 2:
            raise exceptions.AuthenticationFailed("Malformed Authorization header.")
        secret = auth[1].decode("latin-1")
        key = (
            ApiKey.objects.select_related("user", "organization")
            .filter(key_hash=hash_key(secret), revoked_at__isnull=True)
            .first()
        )
        if key is None or not key.user.is_active:
            raise exceptions.AuthenticationFailed("Invalid or revoked API key.")
        if key.user.organization_id == key.organization_id:
            key.user.organization = key.organization  # already loaded: no second query
        now = timezone.now()
        # The usage stamp is for humans ("used 3 minutes ago"): one write a minute, not one per request.
        if key.last_used_at is None or now - key.last_used_at > LAST_USED_PRECISION:
            ApiKey.objects.filter(pk=key.pk).update(last_used_at=now)
        return key.user, key

    def authenticate_header(self, request: Request) -> str:
        return 'Bearer realm="api"'


class CursorPagination(pagination.CursorPagination):
    page_size = 50
    max_page_size = 200
    page_size_query_param = "page_size"
    ordering = "-created_at"


def revoke_api_key(*, key: ApiKey) -> ApiKey:
    """Revoke at once: the next request with this key is a 401."""
    from lc.errors import NotAllowed

    if key.revoked_at is not None:
        raise NotAllowed("this key is already revoked")
    key.revoked_at = timezone.now()
    key.save(update_fields=["revoked_at"])
    return key
