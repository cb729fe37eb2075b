"""The one place where the portal turns domain errors into what a person sees.

Views never catch `lc.errors.DomainError` themselves: they hand the service call to
`perform`, which maps InvalidInput to errors next to the form's fields, NotFound to 404,
and a refused move (NotAllowed, Forbidden) to a message at the top of the page.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django import forms
from django.contrib import messages
from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _

from lc.errors import DomainError, Forbidden, InvalidInput, NotAllowed, NotFound

# HTTP status of a form page that comes back with an error (as the API uses them).
STATUS_INVALID = 422
STATUS_FORBIDDEN = 403
STATUS_NOT_ALLOWED = 409


@dataclass
class Outcome:
    ok: bool
    status: int = 200
    result: Any = None


def _field_name(form: forms.Form, field: str) -> str | None:
    """Service field paths ("amount", "documents[0].data.x") -> a field of this form, if any."""
    base = field.split(".")[0].split("[")[0]
    for name in (field, base):
        if name in form.fields:
            return name
    return None


def add_input_errors(form: forms.Form, exc: InvalidInput) -> None:
    if not exc.errors:
        form.add_error(None, str(exc))
    for err in exc.errors:
        message = str(err.get("message", "invalid"))
        code = err.get("code")
        text = f"{code}: {message}" if code else message
        name = _field_name(form, str(err.get("field", "")))
        form.add_error(name, text if name else f"{err.get('field', '')}: {text}".lstrip(": "))


def perform(request: HttpRequest, form: forms.Form, call: Callable[[], Any]) -> Outcome:
    """Run one service call for a submitted form and translate its domain error, if any."""
    try:
        return Outcome(ok=True, result=call())
    except InvalidInput as exc:
        add_input_errors(form, exc)
        return Outcome(ok=False, status=STATUS_INVALID)
    except NotFound as exc:
        raise Http404(str(exc)) from exc
    except Forbidden as exc:
        messages.error(request, _("You may not do this: %(reason)s") % {"reason": exc})
        return Outcome(ok=False, status=STATUS_FORBIDDEN)
    except (NotAllowed, DomainError) as exc:
        messages.error(request, _("This action is not allowed now: %(reason)s") % {"reason": exc})
        return Outcome(ok=False, status=STATUS_NOT_ALLOWED)
