"""One view serves every action of actions.ACTIONS: find the target inside the visible
credit (404 otherwise), show the form, call the service through errors.perform."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse

from lc.models import (
    Amendment,
    Discrepancy,
    DiscrepancyStatus,
    Disposal,
    LetterOfCredit,
    Organization,
    Presentation,
    User,
)
from lc.portal import actions
from lc.portal import approvals as approval_levels
from lc.portal.access import is_bank_user, org_of, portal_view, render_page, visible_credit
from lc.portal.credits import facts_for, load_presentations
from lc.portal.errors import perform
from lc.services.examination import refusal_text


def load_target(credit: LetterOfCredit, kind: str, target_id: Any, org: Organization | None) -> Any:
    """The action's object, always looked up inside this (visible) credit; an amendment only if
    `org` may see it (a proposal is the applicant's and the issuing bank's until issued)."""
    if kind == "credit":
        return credit
    if target_id is None:
        raise Http404("no target")
    if kind == "amendment":
        qs: Any = Amendment.objects.visible_to(org).filter(credit=credit)
    elif kind == "presentation":
        qs = credit.presentations.select_related("presented_to", "refusal")
    else:
        qs = Discrepancy.objects.filter(presentation__credit=credit).select_related("presentation")
    target = qs.filter(pk=target_id).first()
    if target is None:
        raise Http404("no such object under this credit")
    if kind == "discrepancy":
        target.presentation.credit = credit
    return target


def _presentation_of(target: Any) -> Presentation | None:
    if isinstance(target, Presentation):
        return target
    return target.presentation if isinstance(target, Discrepancy) else None


def success_url(action: actions.Action, credit: LetterOfCredit, target: Any) -> str:
    pres = _presentation_of(target)
    if pres is not None and action.back_to in ("examine", "refusal"):
        name = "portal:examine" if action.back_to == "examine" else "portal:refusal"
        return reverse(name, args=[credit.pk, pres.pk])
    return reverse("portal:credit", args=[credit.pk])


def refusal_preview(pres: Presentation, disposal: str) -> dict[str, Any]:
    """The text the single notice will carry (art. 16(c)), exactly as the service writes it."""
    if disposal not in Disposal.values:
        disposal = Disposal.HOLD_PENDING_INSTRUCTIONS
    confirmed = list(pres.discrepancies.filter(status=DiscrepancyStatus.CONFIRMED).order_by("code", "created_at"))
    return {"discrepancies": confirmed, "preview": refusal_text(pres, confirmed, disposal)}


def _refusal_context(action: actions.Action, target: Any, disposal: str) -> dict[str, Any]:
    return refusal_preview(target, disposal) if action.name == "refuse" else {}


@portal_view
def action_view(request: HttpRequest, credit_id: Any, action: str, target_id: Any = None) -> HttpResponse:
    act = actions.ACTIONS.get(action)
    if act is None:
        raise Http404("no such action")
    if not act.corporate and not is_bank_user(request.user):
        raise PermissionDenied("bank staff only")
    credit = visible_credit(request, credit_id)
    target = load_target(credit, act.target, target_id, org_of(request))
    user: User = request.user  # type: ignore[assignment]
    facts = facts_for(user, credit, load_presentations(credit))
    data = request.POST if request.method == "POST" else None  # an empty POST still binds (no-field forms)
    form = act.form(data, initial=act.initial(target) if act.initial else None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            outcome = perform(request, form, lambda: act.call(user, target, form.cleaned_data))
            if outcome.ok:
                messages.success(request, approval_levels.done_message(act, outcome.result))
                return redirect(success_url(act, credit, target))
            status = outcome.status
        else:
            status = 422
    context = {
        "credit": credit, "action": act, "target": target, "form": form, "offered": act.offer(facts, target),
        "presentation": _presentation_of(target), "back_url": success_url(act, credit, target)
        if act.back_to != "refusal" else reverse("portal:examine", args=[credit.pk, target.pk]),
        **_refusal_context(act, target, request.POST.get("disposal") or "hold_pending_instructions"),
    }
    response = render_page(request, act.template, context, status=status, nav="credits")
    if status != 200 and request.headers.get("HX-Request"):
        # An inline (htmx) form that failed: show the full action page with its errors instead.
        response["HX-Retarget"], response["HX-Reselect"], response["HX-Reswap"] = "#main", "#main", "outerHTML"
    return response
