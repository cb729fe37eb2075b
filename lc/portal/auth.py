"""Sign-in: password (django-axes counts failures and locks the account), then for everyone of
an organisation, bank staff and company users alike, a second factor: a TOTP code (django-otp) or
a passkey (django-otp-webauthn, lc/portal/passkeys.py), with enrolment of either, by QR code or
by registering a passkey, for those without one (issue 17: a company's password alone must not
bind it)."""

from __future__ import annotations

from base64 import b32encode
from typing import Any

import qrcode
import qrcode.image.svg
from django import forms
from django.conf import settings
from django.contrib.auth import authenticate, login, logout
from django.contrib.auth.signals import user_login_failed
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render, resolve_url
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST
from django_otp import login as otp_login
from django_otp import user_has_device
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp_webauthn.models import WebAuthnCredential

from lc.audit.rules import is_auditor
from lc.audit.services import enrol_device
from lc.integrations import ratelimit
from lc.portal.passkeys import passkey_context

NEXT_KEY = "portal_next"


class LoginForm(forms.Form):
    username = forms.CharField(label=gettext_lazy("Username"), max_length=150,
                               widget=forms.TextInput(attrs={"autocomplete": "username", "autofocus": True}))
    password = forms.CharField(label=gettext_lazy("Password"), strip=False,
                               widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}))


class TokenForm(forms.Form):
    token = forms.RegexField(
        label=gettext_lazy("Six-digit code"), regex=r"^\s*\d{6}\s*$",
        error_messages={"invalid": gettext_lazy("Enter the six digits shown by your authenticator app.")},
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric",
                                      "autofocus": True, "pattern": r"\d{6}", "maxlength": 6}),
    )


def _next_url(request: HttpRequest) -> str:
    target = request.session.get(NEXT_KEY) or ""
    if url_has_allowed_host_and_scheme(target, {request.get_host()}, require_https=request.is_secure()):
        return target
    # The platform's auditors belong to no organisation: their home is the audit views.
    platform = getattr(request.user, "organization", None) is None
    return resolve_url("audit:home" if platform else settings.LOGIN_REDIRECT_URL)


def _lockout_context() -> dict[str, Any]:
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60) if settings.AXES_COOLOFF_TIME else 0
    return {"locked": True, "cooloff_minutes": minutes, "failure_limit": settings.AXES_FAILURE_LIMIT}


def _source(request: HttpRequest) -> str:
    return str(request.META.get("REMOTE_ADDR", ""))


def _render_throttled(request: HttpRequest, template: str, form: forms.Form, wait: int) -> HttpResponse:
    """Too many failed checks from this address (lc.integrations.ratelimit): 429, Retry-After."""
    form.errors.clear()
    form.add_error(None, _("Too many failed attempts from your network. Try again in %(minutes)d minutes.")
                   % {"minutes": max(1, round(wait / 60))})
    response = render(request, template, {"form": form}, status=429)
    response["Retry-After"] = str(wait)
    return response


def _render_locked(request: HttpRequest, form: forms.Form) -> HttpResponse:
    # The page says it is locked itself: stop AxesMiddleware replacing it with its plain 403.
    request.axes_locked_out = False  # type: ignore[attr-defined]
    return render(request, "registration/login.html", {"form": form, **_lockout_context()}, status=403)


@sensitive_post_parameters("password")
@csrf_protect
@never_cache
def login_view(request: HttpRequest) -> HttpResponse:
    if request.method == "GET" and request.GET.get("next"):
        request.session[NEXT_KEY] = request.GET["next"]
    form = LoginForm(request.POST or None)
    if request.method == "POST" and (wait := ratelimit.SIGNIN.retry_after(_source(request))):
        return _render_throttled(request, "registration/login.html", form, wait)
    if request.method == "POST" and form.is_valid():
        username = form.cleaned_data["username"]
        user = authenticate(request, username=username, password=form.cleaned_data["password"])
        if getattr(request, "axes_locked_out", False):
            return _render_locked(request, form)
        if user is None:
            ratelimit.SIGNIN.failed(username, _source(request))
            ratelimit.SIGNIN.wait(username, _source(request))  # the progressive delay
            form.add_error(None, _("The username or password is not correct."))
        else:
            ratelimit.SIGNIN.succeeded(username, _source(request))
            next_url = request.session.get(NEXT_KEY)
            login(request, user)
            if next_url:
                request.session[NEXT_KEY] = next_url
            return _after_password(request, user)
    return render(request, "registration/login.html", {"form": form})


def _has_organisation(user: Any) -> bool:
    """Who signs in with a second factor: everyone of an organisation, and the platform's own
    auditors and staff (issue 14), who belong to none."""
    return getattr(user, "organization", None) is not None or is_auditor(user) or bool(user.is_staff)


def _after_password(request: HttpRequest, user: Any) -> HttpResponse:
    if not _has_organisation(user):
        return redirect(_next_url(request))
    return redirect("portal:otp" if user_has_device(user, confirmed=True) else "portal:enrol")


def _needs_password(request: HttpRequest) -> bool:
    return not request.user.is_authenticated or not _has_organisation(request.user)


def _otp_failed(request: HttpRequest) -> HttpResponse | None:
    """A wrong code counts as a failed sign-in for axes; at the limit the account locks."""
    username = request.user.get_username()
    user_login_failed.send(sender=__name__, credentials={"username": username}, request=request)
    if getattr(request, "axes_locked_out", False):
        logout(request)
        return _render_locked(request, LoginForm(initial={"username": username}))
    return None


@sensitive_post_parameters("token")
@csrf_protect
@never_cache
def otp_view(request: HttpRequest) -> HttpResponse:
    if _needs_password(request):
        return redirect("portal:login")
    if request.user.is_verified():  # type: ignore[union-attr]
        return redirect(_next_url(request))
    if not user_has_device(request.user, confirmed=True):
        return redirect("portal:enrol")
    device = TOTPDevice.objects.filter(user=request.user, confirmed=True).first()
    form = TokenForm(request.POST or None)
    subject = str(request.user.pk)
    if request.method == "POST" and (wait := ratelimit.TOTP.retry_after(_source(request))):
        return _render_throttled(request, "registration/otp.html", form, wait)
    if request.method == "POST" and device is not None and form.is_valid():
        if device.verify_token(form.cleaned_data["token"].strip()):
            ratelimit.TOTP.succeeded(subject, _source(request))
            otp_login(request, device)
            return redirect(_next_url(request))
        ratelimit.TOTP.failed(subject, _source(request))
        ratelimit.TOTP.wait(subject, _source(request))
        locked = _otp_failed(request)
        if locked is not None:
            return locked
        form.add_error("token", _("That code is not valid. Check your device's clock and try again."))
    context = {"form": form, "totp": device is not None,
               "passkeys": WebAuthnCredential.objects.filter(user=request.user, confirmed=True).exists(),
               **passkey_context(request, _next_url(request))}
    return render(request, "registration/otp.html", context)


def qr_svg(data: str) -> SafeString:
    """The otpauth:// URL as an inline SVG QR code (no image request, no outside service)."""
    image = qrcode.make(data, image_factory=qrcode.image.svg.SvgPathImage, box_size=8, border=2)
    svg = image.to_string(encoding="unicode")
    svg = svg[svg.index("<svg"):]  # drop the XML declaration: the markup sits inside HTML
    return mark_safe(svg.replace("<svg ", '<svg role="img" aria-label="QR code" ', 1))  # noqa: S308 - our own markup


@sensitive_post_parameters("token")
@csrf_protect
@never_cache
def enrol_view(request: HttpRequest) -> HttpResponse:
    if _needs_password(request):
        return redirect("portal:login")
    if user_has_device(request.user, confirmed=True):
        return redirect("portal:otp")
    device, _created = TOTPDevice.objects.get_or_create(user=request.user, confirmed=False,
                                                       defaults={"name": "portal"})
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_data["token"].strip()):
            enrol_device(actor=request.user, device_id=device.pk)  # type: ignore[arg-type]  # ledgered, never the key
            device.confirmed = True
            otp_login(request, device)
            return redirect(_next_url(request))
        form.add_error("token", _("That code is not valid. Scan the code again and enter the current six digits."))
    secret = b32encode(device.bin_key).decode().rstrip("=")
    context = {"form": form, "qr": qr_svg(device.config_url), "secret": secret,
               **passkey_context(request, _next_url(request))}
    return render(request, "registration/enrol.html", context)


@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    logout(request)
    return redirect("portal:login")
