"""Approval levels on the credit page (issue 20): "approval 1 of 2" and who approved, on the
credit, amendment or presentation awaiting further checkers, for the deciding bank's people;
the approving action's button reads "Second approval" (offered, like every action, only where
the one access rule lets this person approve)."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from lc.access import Facts
from lc.models import Approval, Organization
from lc.portal.actions import Action
from lc.services.approvals import Pending, pending_for

APPROVING = frozenset({"approve", "approve-amendment", "honour"})
ORDINALS = {2: gettext_lazy("Second approval"), 3: gettext_lazy("Third approval")}


def relabel(offered: list[Action], pending: Pending | None) -> list[Action]:
    """The approving action of a decision that already has approvals, named for the next one."""
    if pending is None:
        return offered
    label = ORDINALS.get(pending.given + 1)
    return [replace(a, label=label) if a.name in APPROVING and label else a for a in offered]


def add_to_page(context: dict[str, Any], facts: Facts, org: Organization | None) -> None:
    """Put each pending decision next to what it decides, and rename the button that continues it
    (from the approvals the page's access facts have loaded: no query of its own)."""
    credit = facts.credit
    pending = pending_for(credit, org, facts.open_approvals)
    context["credit_approval"] = pending.get(credit.pk)
    context["credit_actions"] = relabel(context["credit_actions"], context["credit_approval"])
    for key, row_key in (("amendment_rows", "amendment"), ("presentation_rows", "presentation")):
        for row in context[key]:
            row["approval"] = pending.get(row[row_key].pk)
            row["offered"] = relabel(row["offered"], row["approval"])


def done_message(action: Action, result: Any) -> str:
    """After the approving action: the decision took effect, or this approval is n of m."""
    if action.name not in APPROVING:
        return str(action.done)
    target = getattr(result, "pk", None)
    mine = Approval.objects.filter(target=target, open=True).order_by("-number").first() if target else None
    if mine is None:
        return str(action.done)
    return _("Your approval is recorded (approval %(n)s of %(m)s): a further checker must approve before it "
             "takes effect.") % {"n": mine.number, "m": mine.required}
