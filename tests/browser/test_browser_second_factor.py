"""A company user without a second factor cannot waive discrepancies or accept an amendment by
any route a browser has: the portal's pages send the session to enrolment, and the API refuses
the password-only session cookie (with its CSRF token) (issue 17). Once the same person enrols a
TOTP device in the browser, the same requests succeed. Screenshots under test-artifacts/."""

from __future__ import annotations

import datetime as dt
from base64 import b32decode
from collections.abc import Callable
from typing import Any

import pytest
from django.utils import timezone
from django_otp.oath import TOTP
from playwright.sync_api import Page, expect

from lc import services
from lc.demo import DEMO_PASSWORD, ensure_cast
from lc.models import Amendment, AmendmentState, ApiKey, WaiverDecision, WaiverRequest
from lc.scenarios import Story, example_documents
from tests.browser.test_browser_portal import this_weeks_shift

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]

# fetch() with the page's session cookie and its CSRF token, as a script in the page could.
API_POST = """async ([url, body]) => {
    const csrf = (document.cookie.match(/csrftoken=([^;]+)/) || [])[1] || '';
    const r = await fetch(url, {method: 'POST', credentials: 'same-origin',
        headers: {'Content-Type': 'application/json', 'X-CSRFToken': csrf}, body: JSON.stringify(body)});
    return r.status;
}"""


@pytest.fixture
def book(db: Any) -> dict[str, Any]:
    """A discrepant presentation awaiting the applicant's waiver, and an issued amendment awaiting
    the beneficiary, on this week's clock."""
    cast = ensure_cast(password=DEMO_PASSWORD, with_totp=True)  # TOTP for bank staff only
    story = Story(cast, timezone.now(), shift_days=this_weeks_shift())
    story.issued()
    story.advise()
    docs = example_documents(story.shift)
    # On board after 44C: the engine proposes C14 (art. 29(c)), which the examiner confirms.
    docs[2].data["on_board_date"] = (dt.date(2025, 6, 2) + dt.timedelta(days=story.shift)).isoformat()
    story.present(documents=docs)
    pres = story.examine()
    services.request_waiver(actor=cast.users["ncb.examiner"], presentation_id=pres.pk, now=story.at(99, 14))
    amendment = services.propose_amendment(actor=cast.users["hhl.treasury"], credit_id=story.credit_id,
                                           changes={"charges": "All charges for the beneficiary"}, now=story.at(100))
    services.prepare_amendment(actor=cast.users["vhb.maker"], amendment_id=amendment.pk, now=story.at(100, 11))
    services.issue_amendment(actor=cast.users["vhb.checker"], amendment_id=amendment.pk, now=story.at(100, 12))
    return {"credit": story.credit, "presentation": pres, "amendment": amendment}


def password_only(page: Page, username: str) -> None:
    page.goto("/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", DEMO_PASSWORD)
    page.click("form.form button.btn-primary")
    page.wait_for_url("**/login/enrol/")


def enrol(page: Page) -> None:
    page.goto("/login/enrol/")
    page.locator("details.secret summary").click()
    secret = page.locator("details.secret code").inner_text().strip()
    page.fill("#id_token", f"{TOTP(_b32(secret)).token():06d}")
    page.click("form.form button.btn-primary")
    page.wait_for_url(lambda url: "/login/" not in url)  # back to the page it asked for
    expect(page.get_by_role("navigation", name="Main")).to_be_visible()


def _b32(secret: str) -> bytes:
    return b32decode(secret + "=" * (-len(secret) % 8))


def _tries(page: Page, book: dict[str, Any], username: str) -> int:
    if username == "hhl.treasury":
        url, body = f"/api/v1/presentations/{book['presentation'].pk}/decide-waiver/", {"waive": True}
    else:
        url, body = f"/api/v1/amendments/{book['amendment'].pk}/accept/", {}
    return int(page.evaluate(API_POST, [url, body]))


def _done(book: dict[str, Any], username: str) -> bool:
    if username == "hhl.treasury":
        return WaiverRequest.objects.filter(presentation=book["presentation"], decision=WaiverDecision.WAIVED).exists()
    return Amendment.objects.get(pk=book["amendment"].pk).state == AmendmentState.ACCEPTED


@pytest.mark.parametrize("username", ["hhl.treasury", "nef.exports"])
def test_a_company_user_acts_only_after_enrolling_a_second_factor(
        book: dict[str, Any], new_page: Callable[[], Page], shot: Callable[[Page, str], None], username: str) -> None:
    page = new_page()
    password_only(page, username)
    who = "applicant-waiver" if username == "hhl.treasury" else "beneficiary-amendment"
    # The portal: every page of the credit sends the password-only session to the second factor.
    for path in ("/", f"/credits/{book['credit'].pk}/", "/credits/"):
        page.goto(path)
        assert "/login/" in page.url, (path, page.url)
    shot(page, f"2fa-{who}-1-portal-asks-enrolment")
    # The API with the session cookie and its CSRF token: refused, nothing changed; nor can the
    # session mint an API key to act with instead (the other channel).
    assert _tries(page, book, username) in (401, 403)
    assert int(page.evaluate(API_POST, ["/api/v1/api-keys/", {"name": "side door"}])) in (401, 403)
    assert not _done(book, username) and not ApiKey.objects.filter(user__username=username).exists()
    # After enrolling TOTP in the browser, the same request succeeds.
    enrol(page)
    shot(page, f"2fa-{who}-2-enrolled")
    assert _tries(page, book, username) == 200
    assert _done(book, username)
    page.goto(f"/credits/{book['credit'].pk}/")
    shot(page, f"2fa-{who}-3-credit-after")
