"""Credit pages: the list, and one credit with its terms (MT700), versions, parties,
presentations, documents, discrepancies, the actions offered and its ledger timeline."""

from __future__ import annotations

from typing import Any

from django.core.paginator import Paginator
from django.db.models import Prefetch, Q
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lc.models import (
    Amendment,
    Cancellation,
    CreditState,
    Discrepancy,
    LetterOfCredit,
    Presentation,
    PresentationState,
    TermsVersion,
    User,
)
from lc.portal import actions, mt700, rights, timeline
from lc.portal.access import is_bank_user, org_of, portal_view, render_page, visible_credit
from lc.portal.labels import CONFIRMATION, CREDIT_STATES, DOCUMENT_TYPES, decorate, label

PAGE_SIZE = 25
CLOSED_PRESENTATIONS = (PresentationState.SETTLED, PresentationState.REFUSED)


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
    states = [(s, CREDIT_STATES[s]) for s in CreditState.values]
    for credit in page:
        decorate(credit, "credit")
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
    pres = list(
        credit.presentations.select_related("presented_to", "presenter", "examined_by", "refusal")
        .prefetch_related("documents", Prefetch("discrepancies", queryset=discrepancies), "waivers")
        .order_by("-number")
    )
    for p in pres:
        p.notice = getattr(p, "refusal", None)  # type: ignore[attr-defined]
    return pres


def facts_for(request: HttpRequest, credit: LetterOfCredit, pres: list[Presentation]) -> rights.Facts:
    user: User = request.user  # type: ignore[assignment]
    return rights.Facts(
        user=user, today=timezone.localdate(), cancellation=Cancellation.objects.filter(credit=credit).first(),
        open_presentations=any(p.state not in CLOSED_PRESENTATIONS for p in pres), waived=rights.waived_ids(pres),
    )


def _offers(request: HttpRequest, facts: rights.Facts, credit: LetterOfCredit, amendments: list[Amendment],
            pres: list[Presentation]) -> list[actions.Action]:
    """Attach the actions offered on each amendment and presentation; return the credit's own."""
    bank = is_bank_user(request.user)
    for a in amendments:
        a.offered = actions.offered(actions.AMENDMENT_ACTIONS, facts, a) if bank else []  # type: ignore[attr-defined]
    for p in pres:
        p.offered = actions.offered(actions.PRESENTATION_ACTIONS, facts, p) if bank else []  # type: ignore[attr-defined]
        p.examinable = bank and rights.can_examine(facts, p)  # type: ignore[attr-defined]
    return actions.offered(actions.CREDIT_ACTIONS, facts, credit) if bank else []


def decorate_all(credit: LetterOfCredit, amendments: list[Amendment], pres: list[Presentation]) -> None:
    decorate(credit, "credit")
    credit.confirmation_label = label(CONFIRMATION, credit.confirmation)  # type: ignore[attr-defined]
    for a in amendments:
        decorate(a, "amendment")
    for p in pres:
        decorate(p, "presentation")
        for d in p.discrepancies.all():
            decorate(d, "discrepancy", "status")
            d.doc_label = label(DOCUMENT_TYPES, d.document_type) if d.document_type else ""  # type: ignore[attr-defined]
        for doc in p.documents.all():
            doc.type_label = label(DOCUMENT_TYPES, doc.doc_type)  # type: ignore[attr-defined]


@portal_view
def credit_view(request: HttpRequest, credit_id: Any) -> HttpResponse:
    credit = visible_credit(request, credit_id)
    pres = load_presentations(credit)
    amendments = list(credit.amendments.select_related("maker", "checker", "proposed_by").order_by("-number"))
    for a in amendments:
        a.change_rows = [mt700.Change(k, "", mt700._show(v)) for k, v in a.changes.items()]  # type: ignore[attr-defined]
    decorate_all(credit, amendments, pres)
    facts = facts_for(request, credit, pres)
    terms = credit.current_terms.terms if credit.current_terms else credit.draft_terms
    events = timeline.credit_timeline(credit.subject)
    context = {
        "credit": credit, "terms_draft": credit.current_terms is None, "fields": mt700.mt700_fields(terms),
        "versions": _versions(credit) if credit.current_terms else [], "amendments": amendments,
        "parties": _parties(credit), "presentations": pres, "cancellation": facts.cancellation,
        "events": events, "event_counts": timeline.counts(events), "today": facts.today,
        "credit_actions": _offers(request, facts, credit, amendments, pres),
    }
    return render_page(request, "portal/credit_detail.html", context, nav="credits")
