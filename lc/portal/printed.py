"""Downloads of the printed documents (issue 20): the PDF an action produced, checked against
the SHA-256 its ledger entry holds, for the parties who may see the credit (others get 404)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404

from lc import storage
from lc.models import PrintedDocument
from lc.portal.access import portal_view, visible_credit


@portal_view
def printed_view(request: HttpRequest, credit_id: Any, sha256: str) -> HttpResponse:
    credit = visible_credit(request, credit_id)
    printed = get_object_or_404(PrintedDocument.objects.filter(credit=credit), sha256=sha256)
    printed.credit = credit
    return storage.file_response(printed.sha256, "application/pdf", printed.file_name())
