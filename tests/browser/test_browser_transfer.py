"""Transfer (UCP 600 art. 38, issue 20) clicked through the portal in a real browser: the first
beneficiary requests it, the nominated bank's maker prepares, its checker approves (never the
maker: the button is not offered to her), the bank advises; the second beneficiary then sees
the transferred credit (and not the first one), and the ledger verifies."""

from __future__ import annotations

import json
from collections.abc import Callable
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.utils import timezone
from playwright.sync_api import Page, expect

from lc.demo import DEMO_PASSWORD, _ensure_totp, ensure_cast
from lc.models import CreditState, LetterOfCredit, TransferRequest, TransferState
from lc.scenarios import Story
from ledger.sequencer import drain
from tests.browser.test_browser_portal import sign_in, this_weeks_shift

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]


@pytest.fixture
def cast(db: Any) -> Any:
    """The demo cast; the two companies enrol the demo TOTP device too (the banks have theirs)."""
    cast = ensure_cast(password=DEMO_PASSWORD, with_totp=True)
    for company in ("nef.exports", "rkw.treasury"):
        _ensure_totp(cast.users[company])
    return cast


def act(page: Page, credit_id: Any, action: str, done: str) -> None:
    page.goto(f"/credits/{credit_id}/")
    page.click(f"[data-action={action}]")
    page.click(f"[data-submit={action}]")
    expect(page.get_by_text(done)).to_be_visible()


def test_a_transfer_from_request_to_advice_through_the_portal(
        cast: Any, new_page: Callable[[], Page], shot: Callable[[Page, str], None]) -> None:
    story = Story(cast, timezone.now(), shift_days=this_weeks_shift(), form="IRREVOCABLE TRANSFERABLE")
    story.issued()
    story.advise()
    credit_id = story.credit_id

    # The first beneficiary asks for a transfer of USD 60,000 to Rhine Kitchenware.
    exporter = new_page()
    sign_in(exporter, "nef.exports")
    exporter.goto(f"/credits/{credit_id}/")
    exporter.click("[data-action=request-transfer]")
    exporter.select_option("#id_second_beneficiary", label="Rhine Kitchenware GmbH")
    exporter.fill("#id_amount", "130000.00")  # more than the credit: refused at the field (art. 38(g))
    exporter.click("[data-submit=request-transfer]")
    expect(exporter.locator(".alert-error, .field-error").first).to_be_visible()
    exporter.fill("#id_amount", "60000.00")
    exporter.click("[data-submit=request-transfer]")
    expect(exporter.get_by_text("Transfer requested from the transferring bank.")).to_be_visible()
    expect(exporter.locator("[data-transfer-state=requested]")).to_be_visible()
    shot(exporter, "20-transfer-requested")

    # The nominated bank's maker prepares it, starting from what was asked.
    maker = new_page()
    sign_in(maker, "ncb.maker")
    maker.goto(f"/credits/{credit_id}/")
    maker.click("[data-action=prepare-transfer]")
    expect(maker.locator("#id_amount")).to_have_value("60000.00")
    maker.click("[data-submit=prepare-transfer]")
    expect(maker.get_by_text("Transfer prepared and sent to a checker.")).to_be_visible()
    expect(maker.locator("[data-action=approve-transfer]")).to_have_count(0)  # four eyes

    # Its checker approves: the transferred credit exists.
    checker = new_page()
    sign_in(checker, "ncb.checker")
    act(checker, credit_id, "approve-transfer", "The credit is transferred.")
    transfer = TransferRequest.objects.get(credit_id=credit_id)
    assert transfer.state == TransferState.TRANSFERRED and transfer.maker == cast.users["ncb.maker"]
    assert transfer.checker == cast.users["ncb.checker"]
    child = LetterOfCredit.objects.get(transferred_from_id=credit_id)
    shot(checker, "21-transfer-approved")

    # The bank advises the transferred credit to the second beneficiary.
    act(maker, credit_id, "advise-transfer", "The transferred credit is advised to the second beneficiary.")
    child.refresh_from_db()
    assert child.state == CreditState.ADVISED

    # The second beneficiary sees its credit, with the transfer's terms, and not the first credit.
    second = new_page()
    sign_in(second, "rkw.treasury")
    second.goto("/credits/")
    expect(second.get_by_text(child.reference)).to_be_visible()
    expect(second.get_by_text(story.reference)).to_have_count(0)
    second.goto(f"/credits/{child.pk}/")
    expect(second.locator("[data-transferred-from]")).to_contain_text("Rhine Kitchenware GmbH")
    expect(second.locator("#main")).to_contain_text("60,000.00")
    shot(second, "22-transferred-credit-second-beneficiary")
    refused = second.goto(f"/credits/{credit_id}/")
    assert refused is not None and refused.status == 404

    # Every step is in the ledger, and the chain verifies.
    drain()
    out = StringIO()
    call_command("verify_ledger", "--json", "--jobs", "1", stdout=out)
    result = json.loads(out.getvalue())
    assert result["ok"] and result["checked"] > 0
