"""Who may open the audit views: a signed-in auditor, verified with the second factor.

Read-only: every unsafe method is refused (405), except starting a chain verification, which
changes nothing a decision depends on and is itself recorded in the ledger.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponseNotAllowed
from django.http.response import HttpResponseBase
from django.shortcuts import redirect

from lc.audit.rules import is_auditor

View = Callable[..., HttpResponseBase]
SAFE = ("GET", "HEAD")


def audit_view(view: View | None = None, *, methods: tuple[str, ...] = SAFE) -> Any:
    def decorate(fn: View) -> View:
        @wraps(fn)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
            user: Any = request.user
            if not user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not user.is_verified():
                request.session["portal_next"] = request.get_full_path()
                return redirect("portal:otp")
            if not is_auditor(user):
                raise PermissionDenied("the audit views are for auditors")
            if request.method not in methods:
                return HttpResponseNotAllowed(methods)
            return fn(request, *args, **kwargs)

        return wrapped

    return decorate(view) if view is not None else decorate
