"""API keys: created with a secret shown once (only its SHA-256 is stored), looked up by hash,
revoked at once (the key cache's epoch is replaced after commit)."""

from __future__ import annotations

import hashlib
import secrets

from django.db import transaction
from django.utils import timezone

from lc import events
from lc.access import require_role
from lc.audit import rules
from lc.audit.record import Actor, Operator, record_change
from lc.errors import NotAllowed
from lc.models import ApiKey, Role, User

KEY_PREFIX = "tck_"


def hash_key(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def require_integrator(actor: User) -> None:
    """API keys and webhook subscriptions are an organisation's integration settings: only its
    API clients and administrators manage them."""
    require_role(actor, Role.API_CLIENT, Role.ADMINISTRATOR)


def _key_payload(key: ApiKey) -> dict[str, str]:
    """The ledger names a key by id and prefix: never the secret nor its hash."""
    return {"key": str(key.id), "prefix": key.prefix, "name": key.name, "user": key.user.ledger_id,
            "username": key.user.username, "organization": key.organization.ledger_id}


@transaction.atomic
def create_api_key(*, user: User, name: str, actor: Actor = None) -> tuple[ApiKey, str]:
    """Create a key; the returned secret is shown once and never stored. The API passes the
    person (who must be the holder); called from a shell or script, the operator is named."""
    actor = Operator.current() if actor is None else actor
    rules.check("create_api_key", actor, user)
    prefix = KEY_PREFIX + secrets.token_hex(4)
    secret = f"{prefix}_{secrets.token_urlsafe(32)}"
    assert user.organization is not None
    key = ApiKey.objects.create(
        organization=user.organization, user=user, name=name, prefix=prefix, key_hash=hash_key(secret)
    )
    record_change(events.API_KEY_CREATED, subject=f"apikey:{key.id}", actor=actor, at=key.created_at,
                  payload=_key_payload(key))
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


@transaction.atomic
def revoke_api_key(*, key: ApiKey, actor: Actor = None) -> ApiKey:
    """Revoke at once: the next request with this key is a 401. A user revokes their own keys,
    an administrator any key of the organisation, platform staff or an operator any key."""
    actor = Operator.current() if actor is None else actor
    key = ApiKey.objects.select_for_update(of=("self",)).select_related("user", "organization").get(pk=key.pk)
    rules.check("revoke_api_key", actor, key)
    if key.revoked_at is not None:
        raise NotAllowed("this key is already revoked")
    key.revoked_at = timezone.now()
    key.save(update_fields=["revoked_at"])  # post_save bumps the key epoch after commit
    record_change(events.API_KEY_REVOKED, subject=f"apikey:{key.id}", actor=actor, at=key.revoked_at,
                  payload=_key_payload(key))
    return key
