"""Three banks click a credit through the portal in a real browser: issuance with maker
and checker (and the four-eyes refusal), advice, examination with a confirmed engine
finding and a single refusal notice; and on a second credit, complying and honour.

Presentations are made in set-up through the services, as the exporter would through the
API, and the engine runs synchronously there (no Celery worker in these tests).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from typing import Any

import pytest
from django.utils import timezone
from django_otp.oath import TOTP
from playwright.sync_api import Page, expect

from lc import services
from lc.demo import DEMO_PASSWORD, ensure_cast, totp_key
from lc.models import CreditState, PresentationState, RefusalNotice, Role
from lc.scenarios import EXAMPLE_ISSUE, Story, example_documents, weeks_between
from ledger.sequencer import drain

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]


def this_weeks_shift() -> int:
    """The worked example moved so that its presentation Monday is this week's."""
    today = timezone.localdate()
    return weeks_between(EXAMPLE_ISSUE + dt.timedelta(days=98), today - dt.timedelta(days=today.weekday()))


def sign_in(page: Page, username: str, shot: Callable[[Page, str], None] | None = None) -> None:
    page.goto("/login/")
    if shot:
        shot(page, "01-login")
    page.fill("#id_username", username)
    page.fill("#id_password", DEMO_PASSWORD)
    page.click("form.form button.btn-primary")
    page.wait_for_url("**/login/verify/")
    if shot:
        shot(page, "02-otp")
    page.fill("#id_token", f"{TOTP(bytes.fromhex(totp_key(username))).token():06d}")
    page.click("form.form button.btn-primary")
    expect(page.get_by_role("heading", name="Dashboard")).to_be_visible()


def open_from_queue(page: Page, queue: str, reference: str) -> None:
    page.goto("/")
    page.locator(f"#queue-{queue}").get_by_role("link", name=re.compile(reference)).click()


def forged_post(page: Page, url: str, fields: dict[str, str]) -> None:
    """Submit a form the page does not offer (what a tampered browser would send)."""
    page.evaluate(
        """([url, fields]) => {
            const form = document.createElement('form');
            form.method = 'post'; form.action = url;
            const all = {...fields, csrfmiddlewaretoken: document.querySelector('[name=csrfmiddlewaretoken]').value};
            for (const [k, v] of Object.entries(all)) {
                const input = document.createElement('input'); input.name = k; input.value = v; form.appendChild(input);
            }
            document.body.appendChild(form); form.submit();
        }""",
        [url, fields],
    )
    page.wait_for_load_state()


@pytest.fixture
def cast(db: Any) -> Any:
    cast = ensure_cast(password=DEMO_PASSWORD, with_totp=True)
    maker = cast.users["vhb.maker"]
    maker.roles = [Role.MAKER, Role.CHECKER]  # may check others' work, never her own
    maker.save()
    return cast


def test_credit_from_application_to_refusal_across_three_banks(
        cast: Any, new_page: Callable[[], Page], shot: Callable[[Page, str], None]) -> None:
    story = Story(cast, timezone.now(), shift_days=this_weeks_shift())
    story.apply()
    story.submit()
    credit = story.credit
    assert credit is not None
    ref = credit.reference

    # Issuing bank maker prepares the credit.
    maker = new_page()
    sign_in(maker, "vhb.maker", shot)
    shot(maker, "03-dashboard-maker")
    open_from_queue(maker, "prepare", ref)
    shot(maker, "04-credit-page-submitted")
    maker.click("[data-action=prepare]")
    expect(maker.locator("#id_amount")).to_have_value("125000.00")
    maker.click("[data-submit=prepare]")
    expect(maker.get_by_text("Prepared and sent to a checker.")).to_be_visible()

    # Four eyes: approval of her own credit is not offered, and the server refuses it anyway.
    expect(maker.locator("[data-action=approve]")).to_have_count(0)
    forged_post(maker, f"/credits/{credit.pk}/act/approve/", {"amount": "125000.00"})
    expect(maker.locator(".alert-error")).to_contain_text("four eyes")
    shot(maker, "05-maker-checker-refusal")

    # Issuing bank checker re-keys the amount: a wrong amount is caught at the field.
    checker = new_page()
    sign_in(checker, "vhb.checker")
    open_from_queue(checker, "approve", ref)
    checker.click("[data-action=approve]")
    checker.fill("#id_amount", "152000.00")
    checker.click("[data-submit=approve]")
    expect(checker.locator(".field-error")).to_contain_text("does not match")
    shot(checker, "06-approve-field-error")
    checker.fill("#id_amount", "125000.00")
    checker.click("[data-submit=approve]")
    expect(checker.get_by_text("The credit is issued.")).to_be_visible()

    # Advising bank advises.
    adviser = new_page()
    sign_in(adviser, "ncb.maker")
    open_from_queue(adviser, "advise", ref)
    adviser.click("[data-action=advise]")
    adviser.check("#id_authenticity")
    adviser.click("[data-submit=advise]")
    expect(adviser.get_by_text("The credit is advised.")).to_be_visible()
    credit.refresh_from_db()
    assert credit.state == CreditState.ADVISED and credit.issue_maker == cast.users["vhb.maker"]

    # The exporter presents (API, in set-up); the engine runs synchronously.
    docs = example_documents(story.shift)
    docs[2].data["on_board_date"] = (dt.date(2025, 6, 2) + dt.timedelta(days=story.shift)).isoformat()  # late
    pres = services.present_documents(actor=cast.users["nef.exports"], credit_id=credit.pk,
                                      presented_to=cast.orgs["advising"], amount_claimed="125000.00",
                                      documents=docs, now=story.at(98))
    services.record_engine_result(presentation_id=pres.pk)

    # The nominated bank's examiner confirms the engine's finding and refuses once.
    examiner = new_page()
    sign_in(examiner, "ncb.examiner")
    expect(examiner.locator("#queue-examine .countdown")).not_to_have_count(0)
    shot(examiner, "07-dashboard-examiner")
    open_from_queue(examiner, "examine", ref)
    expect(examiner.locator(".finding-proposed")).to_have_count(1)
    shot(examiner, "08-examination")
    examiner.click("[data-submit=confirm-discrepancy]")  # htmx: the findings panel swaps in place
    expect(examiner.locator(".finding-confirmed")).to_have_count(1)
    examiner.click("[data-submit=conclude]")
    expect(examiner.get_by_text("Examination concluded.")).to_be_visible()
    examiner.click("[data-action=refuse]")
    examiner.get_by_label("Returning the documents").check()
    expect(examiner.locator("#refusal-preview")).to_contain_text("Returning the documents")  # htmx preview
    shot(examiner, "09-refusal-compose")
    examiner.click("[data-submit=refuse]")
    expect(examiner.get_by_role("heading", name="Refusal notice")).to_be_visible()
    shot(examiner, "10-refusal-notice")

    notice = RefusalNotice.objects.get(presentation=pres)
    assert notice.disposal == "returning" and [d["code"] for d in notice.discrepancies] == ["C14"]
    drain()  # the sequencer gives every entry its place in the chain; the timeline shows it
    examiner.goto(f"/credits/{credit.pk}/")
    expect(examiner.locator("#timeline .badge-seq").first).to_be_visible()
    shot(examiner, "11-credit-page-refused")


def test_complying_presentation_is_examined_and_honoured(
        cast: Any, new_page: Callable[[], Page], shot: Callable[[Page, str], None]) -> None:
    story = Story(cast, timezone.now(), shift_days=this_weeks_shift())
    story.issued()
    story.advise()
    pres = story.present()
    services.record_engine_result(presentation_id=pres.pk)
    ref = story.credit.reference

    examiner = new_page()
    sign_in(examiner, "ncb.examiner")
    open_from_queue(examiner, "examine", ref)
    expect(examiner.get_by_text("No discrepancies: the documents comply on their face.")).to_be_visible()
    examiner.click("[data-submit=conclude]")
    expect(examiner.locator(".exam-bar .badge")).to_have_text("Complying")

    payer = new_page()
    sign_in(payer, "ncb.maker")
    open_from_queue(payer, "honour", ref)
    payer.click("[data-action=honour]")
    expect(payer.locator("#id_amount")).to_have_value("125000.00")
    payer.click("[data-submit=honour]")
    expect(payer.get_by_text("The presentation is honoured.")).to_be_visible()
    pres.refresh_from_db()
    assert pres.state == PresentationState.HONOURED

    payer.click("button[value=zh-hant]")
    expect(payer.get_by_role("heading", name="跟單信用證")).to_have_count(0)
    expect(payer.locator(".badge-honoured")).to_have_text("已承付")
    shot(payer, "12-credit-page-zh-hant")
    payer.goto("/")
    shot(payer, "13-dashboard-zh-hant")
