"""What every lc service shares: guards, locking, calendars, the ledger record.

Every service has the same shape (house style): inside one outermost transaction, lock
the rows (always credit first, then presentation, ledger last), check the move and the
actor's rights, change, record exactly one ledger entry, schedule side effects after
commit. A refused move raises one DomainError and leaves nothing behind.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone

import ledger
import outbox
from lc import access
from lc.deadlines import calendar_facts, calendar_for, years_around  # noqa: F401  (the services' calendar helpers)
from lc.errors import Forbidden, InvalidInput, NotFound
from lc.events import EVENTS, Event
from lc.models import (
    LetterOfCredit,
    Organization,
    Presentation,
    User,
)

# A row's id as a caller holds it: a UUID, or its text from a URL or a form.
ObjectId = uuid.UUID | str
# An amount as a person or a system keyed it; each service parses it into exact minor units.
AmountInput = Decimal | str | int

SYSTEM_ACTOR = "system:timers"
SYSTEM_ORG = "org:tradechain"


def now_or(now: dt.datetime | None) -> dt.datetime:
    return now if now is not None else timezone.now()


def local_date(at: dt.datetime, org: Organization | None = None) -> dt.date:
    """The business date of an act at `org`'s place, in its own time zone (UCP 600 art. 2: a
    banking day is a day the bank is open where it is). Without an organisation (platform staff,
    a system act nobody's calendar governs) the platform's zone (settings.TIME_ZONE)."""
    return org.local_date(at) if org is not None else timezone.localtime(at).date()


def org_of(actor: User) -> Organization:
    if actor.organization is None:
        raise Forbidden("this user belongs to no organisation")
    return actor.organization


def check(action: str, actor: User, credit: LetterOfCredit, now: dt.datetime, *target: Any,
          **options: Any) -> access.Facts:
    """The one access rule (lc.access) for this action, enforced under the row locks."""
    facts = access.Facts(actor, credit, today=local_date(now, actor.organization), now=now)
    access.check(action, facts, *target, **options)
    return facts


def lock_credit(actor: User | None, credit_id: ObjectId) -> LetterOfCredit:
    """Lock the credit row; a credit the actor's organisation cannot see does not exist.

    Deliberately two plain queries (the row by primary key, then its parties by id) rather
    than one query joining the organisation table seven times: that join cost more in
    PostgreSQL's planning than everything else in a business action.
    """
    try:
        credit = LetterOfCredit.objects.select_for_update(of=("self",)).select_related(
            "current_terms").get(pk=credit_id)
    except (LetterOfCredit.DoesNotExist, ValueError, TypeError, ValidationError) as exc:
        raise NotFound("no such credit") from exc
    if actor is not None and not credit.is_visible_to(actor.organization):
        raise NotFound("no such credit")
    ids = {getattr(credit, f"{name}_id") for name in LetterOfCredit.PARTY_FIELDS} - {None}
    orgs = Organization.objects.in_bulk(ids)
    for name in LetterOfCredit.PARTY_FIELDS:
        org_id = getattr(credit, f"{name}_id")
        if org_id is not None:
            setattr(credit, name, orgs[org_id])
    return credit


def lock_presentation(actor: User | None, presentation_id: ObjectId) -> tuple[LetterOfCredit, Presentation]:
    """Lock credit then presentation (the fixed lock order)."""
    try:
        credit_id = Presentation.objects.values_list("credit_id", flat=True).get(pk=presentation_id)
    except (Presentation.DoesNotExist, ValueError, TypeError) as exc:
        raise NotFound("no such presentation") from exc
    credit = lock_credit(actor, credit_id)
    # FOR UPDATE OF the presentation only: the joined organisation rows are read, never locked
    # (a lock on a bank's row would serialise every action of every credit of that bank).
    pres = Presentation.objects.select_for_update(of=("self",)).select_related("presented_to", "presenter").get(
        pk=presentation_id
    )
    return credit, pres


def record(
    event: Event,
    *,
    subject: str,
    actor: User | None,
    at: dt.datetime,
    payload: Mapping[str, Any],
) -> Any:
    """The one ledger entry of a business action (inside its transaction), of a kind from the
    events catalogue and no other."""
    if EVENTS.get(event.kind) is not event:
        raise ValueError(f"{event.kind!r} is not an event of lc.events")
    if actor is None:
        who, org = SYSTEM_ACTOR, SYSTEM_ORG
    else:
        # Platform staff (an admin action) belong to no organisation; every credit action's
        # check has already required the actor's party and role.
        org_id = actor.organization.ledger_id if actor.organization is not None else SYSTEM_ORG
        who, org = actor.ledger_id, org_id
    return ledger.append(kind=event.kind, subject=subject, actor=who, actor_org=org, at=at, payload=payload)


def enqueue_after_commit(task_name: str, *args: str, subject: str = "") -> None:
    """Have a Celery task (by name: services never import tasks) run after the commit.

    A row of the transactional outbox, written in this transaction: the work is committed with
    the change or not at all, and a broker that is down delays it instead of failing the
    request (the relay publishes it when the broker answers again; see outbox/)."""
    outbox.enqueue(task_name, *args, subject=subject)


def invalid(issues: list[Any]) -> InvalidInput:
    errors = [{"field": i.field, "code": i.code, "message": i.message} for i in issues]
    summary = "; ".join(f"{i.code} {i.field}: {i.message}" for i in issues)
    return InvalidInput(f"the credit terms do not pass issuance checks: {summary}", errors)


def upload_root() -> Any:
    return settings.MEDIA_ROOT
