"""Who may see the portal: signed in, and for bank staff, verified with a second factor.

Tenant scope comes from `LetterOfCredit.objects.visible_to(org)`: a credit another
organisation cannot see does not exist (404), exactly as in the API.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render

from lc.access import is_bank_user, needs_second_factor
from lc.models import LetterOfCredit, Organization, User

__all__ = ["bank_view", "is_bank_user", "needs_second_factor", "org_of", "portal_view", "render_page", "visible_credit"]

View = Callable[..., HttpResponse]


def portal_view(view: View) -> View:
    """Signed in (and OTP-verified for bank staff), with an organisation."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        user = request.user
        if not user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if needs_second_factor(user):
            request.session["portal_next"] = request.get_full_path()
            return redirect("portal:otp")
        if getattr(user, "organization", None) is None:
            raise PermissionDenied("this account belongs to no organisation")
        return view(request, *args, **kwargs)

    return wrapped


def bank_view(view: View) -> View:
    """Portal pages that act: bank staff only (corporate users have the read-only view)."""

    @portal_view
    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not is_bank_user(request.user):
            raise PermissionDenied("bank staff only")
        return view(request, *args, **kwargs)

    return wrapped


def org_of(request: HttpRequest) -> Organization:
    user: User = request.user  # type: ignore[assignment]
    assert user.organization is not None
    return user.organization


def visible_credit(request: HttpRequest, credit_id: Any) -> LetterOfCredit:
    qs = LetterOfCredit.objects.visible_to(org_of(request)).with_parties()
    return get_object_or_404(qs.select_related("second_beneficiary", "issue_maker", "issue_checker"), pk=credit_id)


def render_page(request: HttpRequest, template: str, context: dict[str, Any], status: int = 200,
                nav: str = "") -> HttpResponse:
    """render() plus what every portal page shows: the section and the idle timeout."""
    context = {**context, "nav": nav, "session_minutes": settings.SESSION_COOKIE_AGE // 60}
    return render(request, template, context, status=status)
