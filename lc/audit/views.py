"""The auditors' views: ledger browser (and its CSV), a credit's full history with its documents'
hashes and evidence bundle, chain verification with live progress, anchoring chart, witness
status, and the read-access log. Read-only (lc.audit.access); each credit, document list and
bundle opened is written to the read-access log."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.http import urlencode

from lc.audit import browser, charts, readlog
from lc.audit.access import audit_view
from lc.audit.models import ReadAccess, VerificationRun
from lc.audit.rules import is_platform_auditor
from lc.audit.verify import progress, start_verification
from lc.events import EVENTS, label_of
from lc.models import Document, LetterOfCredit, User
from lc.portal.access import render_page
from ledger.anchoring import anchoring_lag
from ledger.evidence import EvidenceError, export_evidence
from ledger.witnessing import witnessing_status


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


def _log(request: HttpRequest, what: str, target: str) -> None:
    """A read of these views in the read-access log, with the route that served it."""
    match = request.resolver_match
    readlog.log_read(_user(request), what, target, route=match.view_name if match is not None else "")


def _credit(request: HttpRequest, credit_id: Any) -> LetterOfCredit:
    """A bank auditor sees the bank's credits; a platform auditor every credit; else 404."""
    user = _user(request)
    qs = LetterOfCredit.objects.all() if is_platform_auditor(user) else \
        LetterOfCredit.objects.visible_to(user.organization)
    return get_object_or_404(qs, pk=credit_id)


def _runs(user: User) -> Any:
    """Verifications a bank auditor sees are its own bank's people's (who audits another bank,
    and when, is that bank's affair); a platform auditor sees all."""
    runs = VerificationRun.objects.select_related("requested_by")
    return runs if is_platform_auditor(user) else runs.filter(requested_by__organization=user.organization)


@audit_view
def home_view(request: HttpRequest) -> HttpResponse:
    points = charts.anchoring_points()
    runs = _runs(_user(request))[:10]
    return render_page(request, "audit/home.html", {
        "chart": charts.anchoring_chart(points), "points": points[-10:][::-1], "lag": anchoring_lag(),
        "runs": runs, "platform": is_platform_auditor(_user(request)),
    }, nav="audit")


@audit_view
def ledger_view(request: HttpRequest) -> HttpResponse:
    f = browser.Filters.from_query(request.GET)
    scope = browser.scope_for(_user(request))
    raw = browser.fetch(f, scope, browser.PAGE + 1)
    rows = browser.rows_with_proofs(raw[: browser.PAGE])
    more = f.query(before=rows[-1].seq) if len(raw) > browser.PAGE and rows else None
    pending = browser.pending_rows(f, scope) if f.before is None else []
    return render_page(request, "audit/ledger.html", {
        "filters": f, "rows": rows, "pending": pending, "kinds": sorted(EVENTS.items()),
        "orgs": browser.org_choices(scope), "next_query": urlencode(more) if more else "",
        "csv_query": urlencode(f.query(before="")), "platform": scope is None,
    }, nav="audit")


class _Echo:
    def write(self, value: str) -> str:
        return value


@audit_view
def ledger_csv_view(request: HttpRequest) -> StreamingHttpResponse:
    f = browser.Filters.from_query(request.GET)
    user = _user(request)
    scope = browser.scope_for(user)
    _log(request, "export", urlencode(f.query()) or "all")
    writer = csv.writer(_Echo())

    def lines() -> Iterator[str]:
        yield writer.writerow(["seq", "at", "kind", "label", "subject", "actor", "actor_org", "hash", "payload"])
        for seq, kind, subject, actor, org, at, payload, digest in browser.iterate(f, scope):
            yield writer.writerow([seq, at.isoformat(), kind, label_of(kind), subject, actor, org, bytes(digest).hex(),
                                   bytes(payload).decode()])

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="ledger.csv"'
    return response


@audit_view
def credit_view(request: HttpRequest, credit_id: Any) -> HttpResponse:
    credit = _credit(request, credit_id)
    _log(request, "history", credit.subject)
    f = browser.Filters(subject=credit.subject)
    rows = browser.rows_with_proofs(list(reversed(browser.fetch(f, None, 10_000))))
    documents = Document.objects.filter(presentation__credit=credit).select_related("presentation").order_by(
        "presentation__number", "position")
    return render_page(request, "audit/credit.html", {
        "credit": credit, "rows": rows, "pending": browser.pending_rows(f, None), "documents": documents,
    }, nav="audit")


@audit_view
def evidence_view(request: HttpRequest, credit_id: Any) -> HttpResponse:
    credit = _credit(request, credit_id)
    try:
        export = export_evidence(credit.subject)
    except EvidenceError as exc:
        raise Http404(str(exc)) from exc
    _log(request, "evidence", credit.subject)
    response = HttpResponse(export.to_bytes(), content_type="application/json")
    response["Content-Disposition"] = f'attachment; filename="evidence-{credit.reference}.json"'
    return response


@audit_view(methods=("GET", "HEAD", "POST"))
def verify_view(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        run = start_verification(actor=_user(request))
        return redirect("audit:verify-run", run.pk)
    return redirect("audit:home")


@audit_view
def verify_run_view(request: HttpRequest, run_id: Any) -> HttpResponse:
    run = get_object_or_404(_runs(_user(request)), pk=run_id)
    checked, total = progress(run)
    percent = 100 if run.state == VerificationRun.State.DONE else int(100 * checked / total) if total else 0
    template = "audit/_verify_progress.html" if request.headers.get("HX-Request") else "audit/verify.html"
    return render_page(request, template, {"run": run, "checked": checked, "total": total, "percent": percent,
                                           "poll": reverse("audit:verify-run", args=[run.pk])}, nav="audit")


@audit_view
def witnesses_view(request: HttpRequest) -> HttpResponse:
    """Each policy witness's lag behind our newest checkpoint, and whether it meets the quorum.
    Not a read of any credit or person, so nothing for the read-access log (like the overview)."""
    return render_page(request, "audit/witnesses.html", {"status": witnessing_status()}, nav="audit")


@audit_view
def access_log_view(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    qs = ReadAccess.objects.order_by("-seq")
    if not is_platform_auditor(user):
        assert user.organization is not None
        qs = qs.filter(org=user.organization.ledger_id)
    before = request.GET.get("before", "")
    if before.isdigit():
        qs = qs.filter(seq__lt=int(before))
    rows = list(qs[: browser.PAGE + 1])
    more = rows[browser.PAGE - 1].seq if len(rows) > browser.PAGE else None
    return render_page(request, "audit/access_log.html", {"rows": rows[: browser.PAGE], "more": more}, nav="audit")
