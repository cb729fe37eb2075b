"""What each party of a credit sees of its history (issue 17): the one rule the API ledger feed,
the portal timeline and the webhooks read.

- An amendment that was never issued (a proposal, one awaiting the checker, a proposal the bank
  turned down) is between the applicant and the issuing bank: its entries are left out for the
  other parties, by the model's own rule (`Amendment.objects.visible_to`).
- People are shown to their own organisation only: another organisation's person (as the actor, or
  named in a payload) is shown as
  that organisation (`org:<uuid>` and its name), so a counterparty learns which bank acted, never
  which of its staff.
- Internal notes (an examiner's remarks and withdrawal reasons, the bank's note with a waiver
  request, the applicant's note on its waiver decision) are
  read only by the organisation that wrote them: the keys are removed from the payload for
  everyone else and named in `redacted`, so a reader knows the chain hash covers more than it got.

The rules (`INTERNAL_KEYS`, `shown_actor`, `redact`) are plain functions of plain data; only
`audience_for` reads the database.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from lc import events
from lc.models import Amendment, LetterOfCredit, Organization, User

UNKNOWN_ORG = "org:unknown"  # a person of no party organisation (platform staff)

# Per ledger kind, the payload keys that are notes for the writer's own organisation.
INTERNAL_KEYS: dict[str, frozenset[str]] = {
    events.DISCREPANCY_ADDED.kind: frozenset({"reason"}),  # the examiner's note
    events.DISCREPANCY_CONFIRMED.kind: frozenset({"reason"}),
    events.DISCREPANCY_WITHDRAWN.kind: frozenset({"reason"}),  # why the examiner withdrew it
    events.WAIVER_REQUESTED.kind: frozenset({"note"}),  # the requesting bank's note
    events.WAIVED.kind: frozenset({"note"}),  # the applicant's own note on its waiver decision
    events.WAIVER_DECLINED.kind: frozenset({"note"}),
    # Approval levels (issue 20): a bank's thresholds, its rates and who approved are its own.
    events.ISSUE_APPROVED.kind: frozenset({"approval"}),
    events.AMENDMENT_APPROVED.kind: frozenset({"approval"}),
    events.HONOUR_APPROVED.kind: frozenset({"approval"}),
    events.CREDIT_ISSUED.kind: frozenset({"approvals"}),
    events.AMENDMENT_ISSUED.kind: frozenset({"approvals"}),
    events.HONOURED.kind: frozenset({"approvals"}),
}


@dataclass(frozen=True)
class Audience:
    """One organisation looking at one credit's history."""

    org: str  # the organisation's ledger id, org:<uuid>
    hidden_amendments: frozenset[str] = frozenset()  # amendment ids (str) it may not see yet
    names: Mapping[str, str] = field(default_factory=dict)  # identity -> display name
    people: Mapping[str, str] = field(default_factory=dict)  # user:<uuid> -> its org:<uuid>


def visible(audience: Audience, payload: Mapping[str, Any]) -> bool:
    """Whether the entry may be shown at all: not if it is about a hidden amendment."""
    return str(payload.get("amendment", "")) not in audience.hidden_amendments


def redact(audience: Audience, kind: str, actor_org: str, payload: Mapping[str, Any]) -> tuple[dict[str, Any], list[str]]:
    """The payload as this audience may read it, and the keys taken out. People named inside it
    (a maker, a checker) are shown as their organisation too, as `shown_actor` does."""
    masked = _mask(audience, dict(payload))
    if actor_org == audience.org:
        return masked, []
    internal = INTERNAL_KEYS.get(kind, frozenset())
    removed = sorted(k for k in masked if k in internal)
    return {k: v for k, v in masked.items() if k not in internal}, removed


def _mask(audience: Audience, value: Any) -> Any:
    if isinstance(value, str) and value.startswith("user:"):
        org = audience.people.get(value, UNKNOWN_ORG)
        return value if org == audience.org else org
    if isinstance(value, dict):
        return {k: _mask(audience, v) for k, v in value.items()}
    if isinstance(value, list):
        return [_mask(audience, v) for v in value]
    return value


def shown_actor(audience: Audience, actor: str, actor_org: str) -> tuple[str, str]:
    """(identity, display name) of who acted: a person of another organisation is shown as it."""
    who = actor if actor_org == audience.org or not actor.startswith("user:") else actor_org
    return who, audience.names.get(who, who)


def _hidden_amendments(org: Organization | None, credit: LetterOfCredit) -> frozenset[str]:
    seen = Amendment.objects.visible_to(org).filter(credit=credit).values("pk")
    hidden = Amendment.objects.filter(credit=credit).exclude(pk__in=seen).values_list("pk", flat=True)
    return frozenset(str(pk) for pk in hidden)


def _people(org: Organization | None, credit: LetterOfCredit) -> tuple[dict[str, str], dict[str, str]]:
    """(identity -> display name, user:<uuid> -> org:<uuid>) for the parties' people, in one query:
    names of the organisations, and of the people of `org` only."""
    parties = credit.parties()
    names = {o.ledger_id: o.name for o in parties}
    people = {}
    for user in User.objects.filter(organization__in=parties).only("id", "organization_id", "username",
                                                                    "first_name", "last_name"):
        people[user.ledger_id] = f"org:{user.organization_id}"
        if org is not None and user.organization_id == org.pk:
            names[user.ledger_id] = str(user)
    return names, people


def audience_for(org: Organization | None, credit: LetterOfCredit) -> Audience:
    """The audience of `org` (None: a person of no organisation sees only what is public)."""
    names, people = _people(org, credit)
    return Audience(org=org.ledger_id if org is not None else "", names=names, people=people,
                    hidden_amendments=_hidden_amendments(org, credit))


def amendment_audience(amendment: Amendment) -> list[Organization] | None:
    """Who a webhook about this amendment goes to: all parties once issued (None), until then
    only the applicant and the issuing bank."""
    if amendment.issued_at is not None:
        return None
    credit = amendment.credit
    return [credit.applicant, credit.issuing_bank]
