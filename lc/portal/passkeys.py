"""Passkeys (WebAuthn, django-otp-webauthn) as a second factor beside TOTP (issue 17).

The library runs the ceremonies (its views under /webauthn/, its scripts as static files); this
module decides where it may run (relying party ID, origins), makes every registration a ledgered
enrolment by the person in the registration's own transaction, and gives a person their security
page: their second factors, a passkey to add, one to remove (ledgered too). A passkey is never a
way round the password: passwordless sign-in is off (settings.OTP_WEBAUTHN_ALLOW_PASSWORDLESS_LOGIN).
"""

from __future__ import annotations

import json
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.base_user import AbstractBaseUser
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.http.request import split_domain_port
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp_webauthn.helpers import WebAuthnHelper
from django_otp_webauthn.models import WebAuthnCredential
from django_otp_webauthn.templatetags.otp_webauthn import get_configuration

from lc.audit.services import enrol_passkey, remove_passkey
from lc.errors import DomainError
from lc.portal.access import portal_view, render_page

LOCAL_HOSTS = ("localhost",)


def relying_party_id(request: HttpRequest) -> str:
    """WEBAUTHN_RP_ID, or the name of the host the request came to (Django has checked it
    against ALLOWED_HOSTS). Browsers refuse IP addresses here: open the dev server as localhost."""
    return settings.WEBAUTHN_RP_ID or split_domain_port(request.get_host())[0]


def allowed_origins(request: HttpRequest) -> list[str]:
    """The configured origins; while WEBAUTHN_ALLOWED_ORIGINS is unset, also the dev server's own
    http://localhost:<port> (localhost is a secure context, and its port is not known before)."""
    origins = list(settings.OTP_WEBAUTHN_ALLOWED_ORIGINS)
    host = split_domain_port(request.get_host())[0]
    if not settings.WEBAUTHN_ORIGINS_CONFIGURED and host in LOCAL_HOSTS:
        origins.append(f"{request.scheme}://{request.get_host()}")
    return origins


class PortalWebAuthnHelper(WebAuthnHelper):
    """The library's helper, with our origins, and a registration that is confirmed and ledgered
    (lc.audit.services.enrol_passkey) in the transaction that stores the credential."""

    def get_allowed_origins(self) -> list[str]:
        return allowed_origins(self.request)

    def create_credential(self, user: AbstractBaseUser, *args: Any, **kwargs: Any) -> WebAuthnCredential:
        credential: WebAuthnCredential = super().create_credential(user, *args, **kwargs)
        credential.name = _("Passkey")
        credential.confirmed = False  # enrol_passkey confirms it, with the ledger entry
        return credential

    def register_complete(self, user: AbstractBaseUser, state: dict[str, Any], data: dict[str, Any]) -> WebAuthnCredential:
        with transaction.atomic():
            credential: WebAuthnCredential = super().register_complete(user=user, state=state, data=data)
            return enrol_passkey(actor=user, credential_id=credential.pk)  # type: ignore[arg-type]


def passkey_context(request: HttpRequest, next_url: str) -> dict[str, Any]:
    """What templates/registration/_passkey_scripts.html needs: the library's configuration as
    JSON text in a hidden element (no inline script, CSP) and where to go once it is done."""
    return {"passkey_config": json.dumps(get_configuration(request)), "passkey_next": next_url}


@portal_view
def security_view(request: HttpRequest) -> HttpResponse:
    """The person's second factors: their authenticator app, their passkeys, and a passkey to add."""
    user = request.user
    passkeys = WebAuthnCredential.objects.filter(user=user, confirmed=True).order_by("created_at")
    context = {"passkeys": passkeys, "totp": TOTPDevice.objects.filter(user=user, confirmed=True).exists(),
               **passkey_context(request, reverse("portal:security"))}
    return render_page(request, "portal/security.html", context)


@require_POST
@portal_view
def remove_passkey_view(request: HttpRequest, credential_id: int) -> HttpResponse:
    """Remove one of the person's own passkeys (ledgered); never their only second factor."""
    if not WebAuthnCredential.objects.filter(pk=credential_id, user=request.user).exists():
        raise Http404("no such passkey")
    try:
        remove_passkey(actor=request.user, credential_id=credential_id)  # type: ignore[arg-type]
    except DomainError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("The passkey was removed."))
    return redirect("portal:security")
