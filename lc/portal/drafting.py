"""Co-drafting on the draft credit page (issue 20): the comments panel both parties see, and
the forms that share the draft, comment on a field, revise a field, resolve a comment.

Each form is offered when lc.access says the service would accept it (the same rule), and
posts to one view here that calls that one service through errors.perform. Once the
application is submitted, the banks read the history and nobody gets a form."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from lc import access, services
from lc.models import DraftComment, LetterOfCredit, User
from lc.portal import mt700
from lc.portal.access import portal_view, render_page, visible_credit
from lc.portal.errors import perform
from lc.swift.fieldcodec import tag_of

# Terms keys the applicant does not revise here: they come from the credit's parties.
NOT_REVISED = frozenset({"credit_number", "applicant", "beneficiary", "banks"})


def _field_choices(credit: LetterOfCredit) -> list[tuple[str, str]]:
    """The MT700 fields of the draft, by terms key, labelled with their tag."""
    return [(f.key, f"{f.tag} {f.name}") for f in mt700.mt700_fields(credit.draft_terms) if f.key]


class CommentForm(forms.Form):
    prefix = "comment"  # two forms on the credit page: their ids must differ
    field = forms.ChoiceField(label=_("Field"))
    text = forms.CharField(label=_("Comment"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))
    suggested_value = forms.CharField(label=_("Suggested value (optional)"), max_length=2000, required=False)

    def __init__(self, *args: Any, credit: LetterOfCredit, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["field"].choices = _field_choices(credit)  # type: ignore[attr-defined]


class ReviseForm(forms.Form):
    prefix = "revise"
    field = forms.ChoiceField(label=_("Field to revise"))
    value = forms.CharField(label=_("New value"), widget=forms.Textarea(attrs={"rows": 3}),
                            help_text=_("Text as it should read; lists and numbers as JSON."))

    def __init__(self, *args: Any, credit: LetterOfCredit, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.credit = credit
        keys = sorted(k for k in credit.draft_terms if k not in NOT_REVISED)
        self.fields["field"].choices = [(k, k) for k in keys]  # type: ignore[attr-defined]

    def revised_terms(self) -> dict[str, Any]:
        """The draft terms with the one field changed; a field that is not text reads as JSON."""
        key, value = self.cleaned_data["field"], self.cleaned_data["value"]
        if not isinstance(self.credit.draft_terms.get(key), str):
            try:
                value = json.loads(value)
            except ValueError as exc:
                raise forms.ValidationError({"value": _("Enter this field as JSON (a number, a list or an "
                                                        "object), as it stands in the terms.")}) from exc
        return {**self.credit.draft_terms, key: value}


class NoFields(forms.Form):
    pass


def panel(user: User, credit: LetterOfCredit) -> dict[str, Any] | None:
    """What the credit page shows of co-drafting, or None when there is nothing to show."""
    facts = access.Facts(user, credit)
    can_share = access.can("share_draft", facts, credit)
    if not can_share and credit.draft_shared_at is None:
        return None  # never shared: no comments, and no query on the pages of every other credit
    comments = list(DraftComment.objects.filter(credit=credit).select_related("version", "author"))
    can_resolve = {c.pk for c in comments if access.can("resolve_draft_comment", facts, c)}
    rows = [{"comment": c, "by": _("Applicant") if c.author.organization_id == credit.applicant_id
             else _("Beneficiary"), "tag": mt700_tag(c.field), "resolvable": c.pk in can_resolve} for c in comments]
    return {
        "shared": credit.draft_shared_at is not None, "can_share": can_share, "rows": rows,
        "open": sum(1 for c in comments if not c.resolved),
        "versions": list(credit.draft_versions.order_by("-number")),
        "frozen": credit.draft_shared_at is not None and credit.state != "draft",
        "comment_form": CommentForm(credit=credit) if access.can("comment_on_draft", facts, credit) else None,
        "revise_form": ReviseForm(credit=credit) if access.can("revise_draft", facts, credit) else None,
    }


def mt700_tag(field: str) -> str:
    return tag_of(field) or field


def _back(credit: LetterOfCredit) -> str:
    return reverse("portal:credit", args=[credit.pk]) + "#co-drafting"


def _post(request: HttpRequest, credit: LetterOfCredit, form: forms.Form, title: Any,
          call: Callable[[], Any], done: Any) -> HttpResponse:
    """Validate the form, call the one service, and either go back to the credit with a message or
    show the form again with the reason (422 invalid, 403/409 refused)."""
    status = 422
    if form.is_valid():
        try:
            outcome = perform(request, form, call)
        except forms.ValidationError as exc:  # a revised value that does not read (ReviseForm)
            form.add_error(None, exc)
        else:
            if outcome.ok:
                messages.success(request, str(done))
                return redirect(_back(credit))
            status = outcome.status
    context = {"credit": credit, "form": form, "title": title, "back_url": _back(credit)}
    return render_page(request, "portal/draft_form.html", context, status=status, nav="credits")


@require_POST
@portal_view
def share_view(request: HttpRequest, credit_id: Any) -> HttpResponse:
    credit = visible_credit(request, credit_id)
    user: User = request.user  # type: ignore[assignment]
    return _post(request, credit, NoFields(request.POST), _("Share the draft with the beneficiary"),
                 lambda: services.share_draft(actor=user, credit_id=credit.pk),
                 _("The draft is shared: the beneficiary can now read it and comment field by field."))


@require_POST
@portal_view
def comment_view(request: HttpRequest, credit_id: Any) -> HttpResponse:
    credit = visible_credit(request, credit_id)
    user: User = request.user  # type: ignore[assignment]
    form = CommentForm(request.POST, credit=credit)
    return _post(request, credit, form, _("Comment on the draft"),
                 lambda: services.comment_on_draft(actor=user, credit_id=credit.pk, **form.cleaned_data),
                 _("Your comment is recorded."))


@require_POST
@portal_view
def revise_view(request: HttpRequest, credit_id: Any) -> HttpResponse:
    credit = visible_credit(request, credit_id)
    user: User = request.user  # type: ignore[assignment]
    form = ReviseForm(request.POST, credit=credit)
    return _post(request, credit, form, _("Revise the draft"),
                 lambda: services.revise_draft(actor=user, credit_id=credit.pk, terms=form.revised_terms()),
                 _("The draft is revised: a new version is shared with the beneficiary."))


@require_POST
@portal_view
def resolve_view(request: HttpRequest, credit_id: Any, comment_id: Any) -> HttpResponse:
    credit = visible_credit(request, credit_id)
    comment = DraftComment.objects.filter(credit=credit, pk=comment_id).first()
    if comment is None:
        raise Http404("no such comment on this draft")
    user: User = request.user  # type: ignore[assignment]
    return _post(request, credit, NoFields(request.POST), _("Resolve the comment"),
                 lambda: services.resolve_draft_comment(actor=user, comment_id=comment.pk),
                 _("The comment is resolved."))
