"""Sign-in: password, then TOTP for bank staff (with enrolment), lockout, corporate access."""

from __future__ import annotations

from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from lc.demo import totp_key

PASSWORD = "test-pass-123"  # the cast fixture's password


def code_for(key_hex: str) -> str:
    return f"{TOTP(bytes.fromhex(key_hex)).token():06d}"


def sign_in(client: Client, username: str, password: str = PASSWORD) -> Any:
    return client.post(reverse("portal:login"), {"username": username, "password": password})


@pytest.fixture
def checker_device(cast: Any) -> TOTPDevice:
    user = cast.users["vhb.checker"]
    return TOTPDevice.objects.create(user=user, name="phone", key=totp_key(user.username), confirmed=True)


def test_anonymous_visitor_is_sent_to_sign_in(client: Client, cast: Any) -> None:
    response = client.get(reverse("portal:dashboard"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("portal:login"))


def test_sign_in_page_has_csrf_token_and_language_switcher(client: Client, db: Any) -> None:
    page = client.get(reverse("portal:login")).content.decode()
    assert "csrfmiddlewaretoken" in page
    assert 'action="/i18n/setlang/"' in page


def test_bank_user_without_otp_verification_is_redirected_to_the_otp_step(
        client: Client, checker_device: TOTPDevice) -> None:
    response = sign_in(client, "vhb.checker")
    assert response.status_code == 302 and response["Location"] == reverse("portal:otp")
    # Password alone does not open the portal: every page sends the user back to the OTP step.
    for url in (reverse("portal:dashboard"), reverse("portal:credits")):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"] == reverse("portal:otp")


def test_bank_user_with_a_valid_code_reaches_the_dashboard(client: Client, checker_device: TOTPDevice) -> None:
    sign_in(client, "vhb.checker")
    response = client.post(reverse("portal:otp"), {"token": code_for(checker_device.key)})
    assert response.status_code == 302 and response["Location"] == reverse("portal:dashboard")
    assert client.get(reverse("portal:dashboard")).status_code == 200


def test_a_wrong_code_is_refused_next_to_the_field(client: Client, checker_device: TOTPDevice) -> None:
    sign_in(client, "vhb.checker")
    good = int(code_for(checker_device.key))
    response = client.post(reverse("portal:otp"), {"token": f"{(good + 1) % 1_000_000:06d}"})
    assert response.status_code == 200
    assert "That code is not valid" in response.content.decode()
    assert client.get(reverse("portal:dashboard")).status_code == 302


def test_bank_user_without_a_device_enrols_by_qr_code(client: Client, cast: Any) -> None:
    response = sign_in(client, "ncb.maker")
    assert response["Location"] == reverse("portal:enrol")
    page = client.get(reverse("portal:enrol")).content.decode()
    assert "<svg" in page and "QR code" in page  # inline SVG, no image request
    device = TOTPDevice.objects.get(user=cast.users["ncb.maker"], confirmed=False)
    response = client.post(reverse("portal:enrol"), {"token": code_for(device.key)})
    assert response.status_code == 302
    device.refresh_from_db()
    assert device.confirmed
    assert client.get(reverse("portal:dashboard")).status_code == 200


def test_login_is_locked_after_axes_failure_limit(client: Client, checker_device: TOTPDevice) -> None:
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        response = sign_in(client, "vhb.checker", "wrong-password")
        assert response.status_code == 200
        assert "The username or password is not correct." in response.content.decode()
    response = sign_in(client, "vhb.checker", "wrong-password")
    assert response.status_code == 403
    assert "This account is locked." in response.content.decode()
    # Even the right password is refused now, with the same clear message on the form.
    response = sign_in(client, "vhb.checker")
    assert response.status_code == 403
    page = response.content.decode()
    assert "This account is locked." in page and 'name="username"' in page


def test_corporate_user_must_enrol_a_second_factor_after_the_password(client: Client, cast: Any) -> None:
    """Issue 17: company users bind their company too; a password alone reaches nothing."""
    response = sign_in(client, "hhl.treasury")
    assert response.status_code == 302 and response["Location"] == reverse("portal:enrol")
    assert client.get(reverse("portal:dashboard"))["Location"] == reverse("portal:otp")


def test_sign_out_needs_a_post(client: Client, checker_device: TOTPDevice) -> None:
    sign_in(client, "vhb.checker")
    assert client.get(reverse("portal:logout")).status_code == 405
    assert client.post(reverse("portal:logout")).status_code == 302
    assert client.get(reverse("portal:dashboard")).status_code == 302


def test_sessions_expire_after_the_idle_timeout_and_cookies_are_hardened() -> None:
    assert settings.SESSION_SAVE_EVERY_REQUEST and settings.SESSION_COOKIE_AGE <= 60 * 60
    assert settings.SESSION_COOKIE_HTTPONLY


def test_forms_are_refused_without_a_csrf_token(cast: Any, checker_device: TOTPDevice) -> None:
    client = Client(enforce_csrf_checks=True)
    response = client.post(reverse("portal:login"), {"username": "vhb.checker", "password": PASSWORD})
    assert response.status_code == 403
