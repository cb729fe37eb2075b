"""The ledger entry of a configuration change, and who made it.

A configuration change is recorded like a business action (one entry, in the change's
transaction, of a kind from lc.events) but its actor may belong to no organisation (platform
staff) or be the operator at a shell running a management command. Identities are immutable
ids; the names an auditor reads go into the payload (`user_card`, `org_card`).
"""

from __future__ import annotations

import datetime as dt
import getpass
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import ledger
from lc.events import EVENTS, Event
from lc.models import Organization, User

SYSTEM_ACTOR = "system:timers"
PLATFORM_ORG = "org:tradechain"


@dataclass(frozen=True)
class Operator:
    """Whoever ran a management command: named by their operating-system login."""

    login: str

    @classmethod
    def current(cls) -> Operator:
        return cls(getpass.getuser())

    @property
    def ledger_id(self) -> str:
        return f"operator:{self.login}"


Actor = User | Operator | None


def identity(actor: Actor) -> tuple[str, str]:
    """(actor, actor_org) as the ledger stores them."""
    if actor is None:
        return SYSTEM_ACTOR, PLATFORM_ORG
    if isinstance(actor, Operator):
        return actor.ledger_id, PLATFORM_ORG
    org = actor.organization
    return actor.ledger_id, org.ledger_id if org is not None else PLATFORM_ORG


def record_change(event: Event, *, subject: str, actor: Actor, at: dt.datetime, payload: Mapping[str, Any]) -> Any:
    """The one ledger entry of a configuration change (inside its transaction)."""
    if EVENTS.get(event.kind) is not event or not event.config:
        raise ValueError(f"{event.kind!r} is not a configuration event of lc.events")
    who, org = identity(actor)
    return ledger.append(kind=event.kind, subject=subject, actor=who, actor_org=org, at=at,
                         payload={**payload, "by": actor_name(actor)})


def actor_name(actor: Actor) -> str:
    """The name of the person at the time (the id in `actor` is what stays stable)."""
    if actor is None:
        return "system"
    if isinstance(actor, Operator):
        return f"{actor.login} (command line)"
    return actor.username


def org_card(org: Organization | None) -> dict[str, Any] | None:
    if org is None:
        return None
    return {"id": org.ledger_id, "name": org.name, "bic": org.bic, "kind": org.kind, "country": org.country,
            "city": org.city, "time_zone": org.time_zone}


def user_card(user: User) -> dict[str, Any]:
    """Who the user is and what they may do; never the password hash."""
    return {"id": user.ledger_id, "username": user.username, "first_name": user.first_name,
            "last_name": user.last_name, "email": user.email,
            "organization": user.organization.ledger_id if user.organization is not None else None,
            "organization_name": user.organization.name if user.organization is not None else None,
            "roles": sorted(user.roles), "is_active": user.is_active, "is_staff": user.is_staff,
            "is_superuser": user.is_superuser}
