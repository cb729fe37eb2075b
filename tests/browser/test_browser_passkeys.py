"""A company user registers a passkey in Chromium (its CDP virtual authenticator: a real
authenticator to the page, keys held by the browser), signs out, signs in with password and
passkey, and can then waive a discrepancy through the API with the session; before the passkey
the same session cannot. The registration is the person's ledger entry (issue 17)."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from django_otp_webauthn.models import WebAuthnCredential
from playwright.sync_api import Page, expect

from lc.demo import DEMO_PASSWORD
from ledger.models import PendingEntry
from tests.browser.test_browser_second_factor import _done, _tries, book, password_only  # noqa: F401  (book: fixture)

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]
USER = "hhl.treasury"  # the applicant: the waiver is theirs to decide


def virtual_authenticator(page: Page) -> Any:
    """A platform authenticator (resident keys, user verification) attached to this page."""
    cdp = page.context.new_cdp_session(page)
    cdp.send("WebAuthn.enable")
    cdp.send("WebAuthn.addVirtualAuthenticator", {"options": {
        "protocol": "ctap2", "transport": "internal", "hasResidentKey": True,
        "hasUserVerification": True, "isUserVerified": True}})
    return cdp


def sign_in_with_password(page: Page) -> None:
    page.goto("/login/")
    page.fill("#id_username", USER)
    page.fill("#id_password", DEMO_PASSWORD)
    page.click("form.form button.btn-primary")
    page.wait_for_url("**/login/verify/")


def test_register_a_passkey_sign_in_with_it_and_act(
        book: dict[str, Any], new_page: Callable[[], Page], shot: Callable[[Page, str], None]) -> None:  # noqa: F811
    page = new_page()
    virtual_authenticator(page)
    password_only(page, USER)  # no second factor yet: the enrolment page, TOTP or a passkey
    page.click("#passkey-register-button")
    page.wait_for_url(lambda url: "/login/" not in url)
    expect(page.get_by_role("navigation", name="Main")).to_be_visible()
    credential = WebAuthnCredential.objects.get(user__username=USER)
    [entry] = PendingEntry.objects.filter(kind="otp.device_enrolled", subject=credential.user.ledger_id)
    payload = json.loads(bytes(entry.payload))
    assert entry.actor == credential.user.ledger_id and payload["type"] == "webauthn"
    assert payload["credential_id_sha256"] == credential.credential_id_sha256
    shot(page, "passkey-1-registered")

    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url("**/login/")
    sign_in_with_password(page)
    expect(page.locator("#id_token")).to_have_count(0)  # a passkey only: no code to type
    assert _tries(page, book, USER) in (401, 403) and not _done(book, USER)
    shot(page, "passkey-2-verify")
    page.click("#passkey-verification-button")
    page.wait_for_url(lambda url: "/login/" not in url)
    assert _tries(page, book, USER) == 200
    assert _done(book, USER)
    credential.refresh_from_db()
    assert credential.last_used_at is not None
    page.goto("/account/security/")
    expect(page.locator(f"#passkey-{credential.pk}")).to_be_visible()
    shot(page, "passkey-3-security-page")
