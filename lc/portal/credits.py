"""Credit pages: the list, and one credit with its terms (MT700), versions, parties,
presentations, documents, discrepancies, the actions offered and its ledger timeline."""

from __future__ import annotations

from typing import Any

from django.core.paginator import Paginator
from django.db.models import Prefetch, Q
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext_lazy as _

from lc import access
from lc.models import (
    Amendment,
    Cancellation,
    CreditState,
    Discrepancy,
    DiscrepancyStatus,
    LetterOfCredit,
    Presentation,
    RefusalNotice,
    TermsVersion,
    TransferState,
    User,
    WaiverDecision,
)
from lc.portal import actions, drafting, mt700, timeline
from lc.portal import approvals as approval_levels
from lc.portal.access import is_bank_user, org_of, portal_view, render_page, visible_credit
from lc.services.money import availability_summary
from lc.services.visibility import audience_for

PAGE_SIZE = 25


@portal_view
def credit_list_view(request: HttpRequest) -> HttpResponse:
    qs = (LetterOfCredit.objects.visible_to(org_of(request)).select_related("applicant", "beneficiary", "issuing_bank")
          .defer("draft_terms").order_by("-updated_at"))
    state = request.GET.get("state", "")
    if state in CreditState.values:
        qs = qs.filter(state=state)
    query = request.GET.get("q", "").strip()
    if query:
        qs = qs.filter(Q(reference__icontains=query) | Q(applicant__name__icontains=query)
                       | Q(beneficiary__name__icontains=query))
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    states = CreditState.choices
    context = {"page": page, "state": state, "q": query, "states": states}
    return render_page(request, "portal/credit_list.html", context, nav="credits")


def _parties(credit: LetterOfCredit) -> list[tuple[Any, Any, str]]:
    rows = [
        (_("Applicant"), credit.applicant, "50"), (_("Beneficiary"), credit.beneficiary, "59"),
        (_("Issuing bank"), credit.issuing_bank, ""), (_("Advising bank"), credit.advising_bank, ""),
        (_("Nominated bank"), credit.nominated_bank, "41a"), (_("Confirming bank"), credit.confirming_bank, "58a"),
        (_("Second beneficiary"), credit.second_beneficiary, ""),
    ]
    return [r for r in rows if r[1] is not None]


def _versions(credit: LetterOfCredit) -> list[dict[str, Any]]:
    versions = list(TermsVersion.objects.filter(credit=credit).select_related("amendment").order_by("number"))
    out = []
    for prev, version in zip([None, *versions], versions, strict=False):
        changes = mt700.terms_diff(prev.terms, version.terms) if prev is not None else []
        out.append({"version": version, "changes": changes})
    return list(reversed(out))


def load_presentations(credit: LetterOfCredit) -> list[Presentation]:
    discrepancies = Discrepancy.objects.order_by("code", "created_at").select_related("decided_by")
    return list(
        credit.presentations.select_related("presented_to", "presenter", "examined_by", "refusal")
        .prefetch_related("documents", Prefetch("discrepancies", queryset=discrepancies), "waivers", "engine_runs")
        .order_by("-number")
    )


def _has_refusal(p: Presentation) -> bool:
    try:
        return p.refusal is not None
    except RefusalNotice.DoesNotExist:
        return False


def facts_for(user: User, credit: LetterOfCredit, pres: list[Presentation], every: bool = True) -> access.Facts:
    """The access rule's facts for a page that has loaded presentations of the credit (as
    load_presentations does), read from what is loaded instead of queried again. With
    `every=False` the list is not all of them, so credit-wide facts are left to the rule to load."""
    known: dict[str, Any] = {}
    if every:
        known["open_presentations"] = any(p.state not in access.CLOSED_PRESENTATIONS for p in pres)
    return access.Facts(
        # today: the signed-in person's organisation's date, in its own time zone (Facts' default)
        user, credit, cancellation=Cancellation.objects.filter(credit=credit).first(),
        **known,
        waived={p.pk for p in pres if any(w.decision == WaiverDecision.WAIVED for w in p.waivers.all())},
        pending_waivers={p.pk for p in pres if any(w.decision == WaiverDecision.PENDING for w in p.waivers.all())},
        refused={p.pk for p in pres if _has_refusal(p)},
        with_documents={p.pk for p in pres if p.documents.all()},
        engine_done={p.pk for p in pres if p.engine_runs.all()},
        findings_open={p.pk for p in pres if any(d.status == DiscrepancyStatus.PROPOSED
                                                 for d in p.discrepancies.all())},
    )


def _rows(request: HttpRequest, facts: access.Facts, amendments: list[Amendment],
          pres: list[Presentation]) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Each amendment and presentation with the actions offered on it (bank staff only)."""
    bank = is_bank_user(request.user)
    amendment_rows = [{
        "amendment": a, "offered": actions.offered(actions.AMENDMENT_ACTIONS, facts, a) if bank else [],
        "changes": [mt700.Change(k, "", mt700.show(v)) for k, v in a.changes.items()],
        # The maker and checker are the issuing bank's people: others see the bank (issue 17).
        "people": facts.credit.issuing_bank_id == facts.user.organization_id,
    } for a in amendments]
    presentation_rows = [{
        "presentation": p, "offered": actions.offered(actions.PRESENTATION_ACTIONS, facts, p) if bank else [],
        "examinable": bank and access.can("add_discrepancy", facts, p),
    } for p in pres]
    return amendment_rows, presentation_rows


@portal_view
def credit_view(request: HttpRequest, credit_id: Any) -> HttpResponse:
    credit = visible_credit(request, credit_id)
    pres = load_presentations(credit)
    user: User = request.user  # type: ignore[assignment]
    amendments = list(Amendment.objects.visible_to(org_of(request)).filter(credit=credit)
                      .select_related("maker", "checker", "proposed_by").order_by("-number"))
    facts = facts_for(user, credit, pres)
    # Only a transferable credit has transfer requests (the rule's own test): no query otherwise.
    transfers = list(credit.transfer_requests.select_related("second_beneficiary", "transferred_credit")
                     ) if access.transferable(credit) else []
    # The rule's fact read from the list the page shows (one query for both).
    facts.transfer_request = next((t for t in transfers if t.state != TransferState.REJECTED), None)
    amendment_rows, presentation_rows = _rows(request, facts, amendments, pres)
    bank = is_bank_user(user)
    terms = credit.current_terms.terms if credit.current_terms else credit.draft_terms
    events = timeline.credit_timeline(audience_for(org_of(request), credit), credit.subject)
    context = {
        "credit": credit, "terms_draft": credit.current_terms is None, "fields": mt700.mt700_fields(terms),
        "versions": _versions(credit) if credit.current_terms else [], "amendments": amendments,
        "parties": _parties(credit), "presentations": pres, "cancellation": facts.cancellation,
        "events": events, "event_counts": timeline.counts(events), "today": facts.today,
        "amendment_rows": amendment_rows, "presentation_rows": presentation_rows,
        "credit_actions": actions.offered([a for a in actions.CREDIT_ACTIONS if bank or a.corporate], facts, credit),
        "transfers": transfers,
        "availability": availability_summary(credit) if credit.current_terms else None,
        "co_drafting": drafting.panel(user, credit),
    }
    approval_levels.add_to_page(context, facts, org_of(request))
    return render_page(request, "portal/credit_detail.html", context, nav="credits")
