"""Downloads of the printed documents (issue 20): the PDF an action produced, checked against
the SHA-256 its ledger entry holds, for the parties who may see the credit (others get 404);
an evidence summary for the organisation that printed it only. And printing the credit's
evidence summary (a POST: it is a ledgered act), which answers with the English PDF."""

from __future__ import annotations

from typing import Any

from django import forms
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.views.decorators.http import require_POST

from lc import storage
from lc.models import PrintedDocument, User
from lc.portal.access import org_of, portal_view, visible_credit
from lc.portal.errors import perform
from lc.services import print_evidence_summary


@portal_view
def printed_view(request: HttpRequest, credit_id: Any, sha256: str) -> HttpResponse:
    credit = visible_credit(request, credit_id)
    printed = get_object_or_404(PrintedDocument.objects.filter(credit=credit).readable_by(org_of(request)),
                                sha256=sha256)
    printed.credit = credit
    return storage.file_response(printed.sha256, "application/pdf", printed.file_name())


@require_POST
@portal_view
def evidence_summary_view(request: HttpRequest, credit_id: Any) -> HttpResponse:
    credit = visible_credit(request, credit_id)
    user: User = request.user  # type: ignore[assignment]
    outcome = perform(request, forms.Form(), lambda: print_evidence_summary(actor=user, credit_id=credit.pk))
    if not outcome.ok:  # the rule's refusal, shown as a message on the credit page
        return redirect("portal:credit", credit.pk)
    return redirect("portal:printed", credit.pk, outcome.result[0].sha256)
