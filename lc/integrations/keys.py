"""API keys: created with a secret shown once (only its SHA-256 is stored), looked up by hash,
revoked at once (the key cache's epoch is replaced after commit)."""

from __future__ import annotations

import hashlib
import secrets

from django.utils import timezone

from lc.access import require_role
from lc.errors import Forbidden, NotAllowed
from lc.models import ApiKey, Role, User

KEY_PREFIX = "tck_"


def hash_key(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def require_integrator(actor: User) -> None:
    """API keys and webhook subscriptions are an organisation's integration settings: only its
    API clients and administrators manage them."""
    require_role(actor, Role.API_CLIENT, Role.ADMINISTRATOR)


def create_api_key(*, user: User, name: str) -> tuple[ApiKey, str]:
    """Create a key; the returned secret is shown once and never stored."""
    prefix = KEY_PREFIX + secrets.token_hex(4)
    secret = f"{prefix}_{secrets.token_urlsafe(32)}"
    assert user.organization is not None
    key = ApiKey.objects.create(
        organization=user.organization, user=user, name=name, prefix=prefix, key_hash=hash_key(secret)
    )
    return key, secret


def load_key(key_hash: str) -> ApiKey | None:
    """A live key by its hash, with its user and organisation (one query)."""
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


def revoke_api_key(*, key: ApiKey, actor: User | None = None) -> ApiKey:
    """Revoke at once: the next request with this key is a 401. Through the API (`actor` given),
    a user revokes their own keys, and an administrator any key of the organisation."""
    if actor is not None and key.user_id != actor.pk and not actor.has_role(Role.ADMINISTRATOR):
        raise Forbidden("only the key's owner or an administrator may revoke it")
    if key.revoked_at is not None:
        raise NotAllowed("this key is already revoked")
    key.revoked_at = timezone.now()
    key.save(update_fields=["revoked_at"])  # post_save bumps the key epoch after commit
    return key
