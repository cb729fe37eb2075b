"""The examination screen (terms beside each document, the engine's findings, the
examiner's decisions), the refusal notice and its live preview (htmx)."""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext_lazy as _

from lc import access
from lc.examination.context import required_types
from lc.examination.serde import ExaminationDataError
from lc.examination.types import CreditTerms
from lc.models import (
    OPEN_FOR_EXAMINATION,
    Certainty,
    Discrepancy,
    DiscrepancyStatus,
    LetterOfCredit,
    Presentation,
    PrintedDocument,
    PrintedKind,
    RefusalNotice,
    User,
)
from lc.portal import actions, mt700
from lc.portal.access import bank_view, portal_view, render_page, visible_credit
from lc.portal.action_views import refusal_preview
from lc.portal.credits import facts_for
from lc.portal.dashboard import deadline_tone
from lc.services.common import calendar_for, years_around
from lc.services.progress import examination_progress

PRESENTATION_STEPS = ["request-waiver", "refuse", "honour", "request-re-presentation"]


def _presentation(credit: LetterOfCredit, presentation_id: Any) -> Presentation:
    discrepancies = Discrepancy.objects.order_by("code", "created_at").select_related("decided_by")
    qs = (credit.presentations.select_related("presented_to", "presenter", "terms_version", "examined_by", "refusal")
          .prefetch_related("documents", "waivers", "engine_runs", Prefetch("discrepancies", queryset=discrepancies)))
    return get_object_or_404(qs, pk=presentation_id)


def _required(terms: dict[str, Any]) -> frozenset[str]:
    """The document types the credit calls for, as the engine decides it (46A, and 42C drafts)."""
    try:
        return frozenset(str(t) for t in required_types(CreditTerms.from_dict(terms)))
    except ExaminationDataError:
        return frozenset(d.get("doc_type", "") for d in terms.get("documents") or [])


def _documents(pres: Presentation, terms: dict[str, Any]) -> list[dict[str, Any]]:
    """Each document's data beside the clause of the credit that calls for it."""
    clauses = {d.get("doc_type"): d.get("text", "") for d in terms.get("documents") or []}
    if terms.get("drafts_at"):
        clauses.setdefault("draft", f"42C {terms['drafts_at']}")
    required = _required(terms)
    out = []
    for doc in pres.documents.all():
        out.append({"doc": doc, "name": doc.get_doc_type_display(), "rows": mt700.flatten(doc.data),
                    "clause": clauses.get(doc.doc_type, ""), "required": doc.doc_type in required,
                    "findings": [d for d in pres.discrepancies.all() if d.document_type == doc.doc_type]})
    return out


def _discrepancy_actions(facts: access.Facts, pres: Presentation) -> dict[Any, list[actions.Action]]:
    names = ("confirm-discrepancy", "withdraw-discrepancy")
    out = {}
    for d in pres.discrepancies.all():
        d.presentation = pres
        out[d.pk] = [actions.ACTIONS[n] for n in names if actions.ACTIONS[n].offer(facts, d)]
    return out


@bank_view
def examine_view(request: HttpRequest, credit_id: Any, presentation_id: Any) -> HttpResponse:
    credit = visible_credit(request, credit_id)
    pres = _presentation(credit, presentation_id)
    pres.credit = credit
    user: User = request.user  # type: ignore[assignment]
    facts = facts_for(user, credit, [pres], every=False)
    terms = pres.terms_version.terms
    findings = list(pres.discrepancies.all())
    judge = [d for d in findings if d.certainty == Certainty.JUDGE and d.source == "engine"]
    groups = [{"key": "certain", "title": _("Discrepancies"), "findings": [d for d in findings if d not in judge]},
              {"key": "judge", "title": _("For the examiner to judge"), "findings": judge}]
    calendar = calendar_for(pres.presented_to, years_around(facts.today))
    runs = list(pres.engine_runs.all())
    context = {
        "credit": credit, "presentation": pres, "fields": mt700.mt700_fields(terms),
        "documents": _documents(pres, terms), "findings": findings, "finding_groups": groups,
        "proposed": sum(d.status == DiscrepancyStatus.PROPOSED for d in findings),
        "findings_confirmed": any(d.status == DiscrepancyStatus.CONFIRMED for d in findings), "engine_run": runs[0] if runs else None,
        "can_examine": access.can("add_discrepancy", facts, pres), "disc_actions": _discrepancy_actions(facts, pres),
        "steps": [actions.ACTIONS[n] for n in PRESENTATION_STEPS if actions.ACTIONS[n].offer(facts, pres)],
        "tone": deadline_tone(pres.examination_deadline, facts.today, calendar) if pres.state in OPEN_FOR_EXAMINATION
        else "",
        "days_left": (pres.examination_deadline - facts.today).days if pres.examination_deadline else None,
        "add_form": actions.ACTIONS["add-discrepancy"].form(), "withdraw_form": actions.ACTIONS[
            "withdraw-discrepancy"].form(),
        "notice": getattr(pres, "refusal", None), "today": facts.today,
        "examination_progress": examination_progress(pres),
    }
    return render_page(request, "portal/examination.html", context, nav="credits")


@portal_view
def refusal_view(request: HttpRequest, credit_id: Any, presentation_id: Any) -> HttpResponse:
    credit = visible_credit(request, credit_id)
    notice = (RefusalNotice.objects.select_related("presentation", "refusing_bank", "sent_by")
              .filter(presentation__credit=credit, presentation_id=presentation_id).first())
    if notice is None:
        raise Http404("no refusal notice for this presentation")
    printed = PrintedDocument.objects.filter(credit=credit, presentation=notice.presentation,
                                             kind=PrintedKind.REFUSAL_NOTICE).order_by("created_at", "lang")
    context = {"credit": credit, "notice": notice, "presentation": notice.presentation,
               "disposal_label": notice.get_disposal_display(), "printed": printed}
    return render_page(request, "portal/refusal.html", context, nav="credits")


@bank_view
def refusal_preview_view(request: HttpRequest, credit_id: Any, presentation_id: Any) -> HttpResponse:
    credit = visible_credit(request, credit_id)
    pres = get_object_or_404(credit.presentations.all(), pk=presentation_id)
    context = refusal_preview(pres, request.GET.get("disposal", ""))
    return render(request, "portal/_refusal_preview.html", context)
