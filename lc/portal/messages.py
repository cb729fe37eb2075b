"""SWIFT messages in the portal (issue 18): a credit's Messages tab (each message's fields with
their names, the exact text to download) and the bank's inbox of imported messages with
their validation results, where staff paste or upload what their SWIFT interface received."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from lc.errors import InvalidInput
from lc.models import SwiftMessage, User
from lc.portal.access import bank_view, org_of, portal_view, render_page, visible_credit
from lc.portal.errors import STATUS_INVALID, perform
from lc.services.inbound import MAX_TEXT, import_messages
from lc.services.messages import named_fields

PAGE_SIZE = 25


def _rows(messages: list[SwiftMessage]) -> list[dict[str, Any]]:
    return [{"message": m, "fields": named_fields(m)} for m in messages]


@portal_view
def credit_messages_view(request: HttpRequest, credit_id: Any) -> HttpResponse:
    """The Messages tab: what this organisation sent or received about the credit."""
    credit = visible_credit(request, credit_id)
    messages = list(SwiftMessage.objects.visible_to(org_of(request)).filter(credit=credit)
                    .order_by("created_at", "batch", "part"))
    return render_page(request, "portal/credit_messages.html", {"credit": credit, "rows": _rows(messages)},
                       nav="credits")


@portal_view
def raw_message_view(request: HttpRequest, message_id: Any) -> HttpResponse:
    """The exact text as sent or received (another organisation's message is a 404)."""
    row = get_object_or_404(SwiftMessage.objects.visible_to(org_of(request)), pk=message_id)
    response = HttpResponse(row.text.encode("utf-8"), content_type="text/plain; charset=utf-8")
    response["Content-Disposition"] = content_disposition_header(True, f"MT{row.mt}-{row.reference or row.id}.fin")
    response["ETag"] = f'"{row.sha256}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


class ImportForm(forms.Form):
    text = forms.CharField(label=gettext_lazy("Paste the message text"), required=False, strip=False,
                           widget=forms.Textarea(attrs={"rows": 12, "class": "mono", "spellcheck": "false"}))
    file = forms.FileField(label=gettext_lazy("or upload a file"), required=False)

    def message_text(self) -> str:
        upload = self.cleaned_data.get("file")
        if upload is not None:
            if upload.size > MAX_TEXT:
                raise InvalidInput("the file is too large", [{"field": "file", "message": "too large"}])
            try:
                return str(upload.read().decode("utf-8"))
            except UnicodeDecodeError as exc:
                raise InvalidInput("the file is not UTF-8 text", [{"field": "file", "message": "not text"}]) from exc
        return str(self.cleaned_data.get("text") or "")


@bank_view
def inbox_view(request: HttpRequest) -> HttpResponse:
    """Imported messages, newest first, each with its validation result and what it did; the
    import form on top. A refused message is shown with its findings per line and field."""
    form = ImportForm(request.POST or None, request.FILES or None)
    status, findings = 200, []
    if request.method == "POST" and form.is_valid():
        user: User = request.user  # type: ignore[assignment]
        outcome = perform(request, form, lambda: import_messages(actor=user, text=form.message_text()))
        status = outcome.status
        if outcome.ok and not outcome.result.refused:
            messages.success(request, _("Imported: %(outcome)s.") % {"outcome": outcome.result.rows[0].get_outcome_display()})
            return redirect("portal:inbox")
        if outcome.ok:  # kept in the inbox as received, not applied
            status, findings = STATUS_INVALID, outcome.result.findings
    inbound = SwiftMessage.objects.visible_to(org_of(request)).inbound().filter(receiver_org=org_of(request))
    page = Paginator(inbound.select_related("credit").order_by("-created_at", "batch", "part"), PAGE_SIZE).get_page(
        request.GET.get("page"))
    context = {"form": form, "page": page, "findings": findings}
    return render_page(request, "portal/inbox.html", context, status=status, nav="inbox")
