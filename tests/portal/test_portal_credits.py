"""Credit pages and actions: tenant isolation, MT700 layout, offered actions, and the
server refusing what is not offered (domain errors shown at the top or next to fields)."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from lc.models import CreditState, PresentationState
from lc.scenarios import Story
from ledger.models import PendingEntry


@pytest.fixture
def pending_approval(story: Callable[..., Story]) -> Story:
    s = story()
    s.apply()
    s.submit()
    s.prepare()  # by vhb.maker
    return s


def test_a_user_of_another_bank_gets_404_on_every_credit_url(
        as_user: Callable[[str], Client], presented: Any) -> None:
    s, pres = presented(late_shipment=True)
    stranger = as_user("tmb.maker")
    urls = [
        reverse("portal:credit", args=[s.credit_id]),
        reverse("portal:act", args=[s.credit_id, "advise"]),
        reverse("portal:act-on", args=[s.credit_id, "refuse", pres.pk]),
        reverse("portal:examine", args=[s.credit_id, pres.pk]),
        reverse("portal:refusal", args=[s.credit_id, pres.pk]),
        reverse("portal:refusal-preview", args=[s.credit_id, pres.pk]),
    ]
    for url in urls:
        assert stranger.get(url).status_code == 404, url
    assert stranger.post(reverse("portal:act", args=[s.credit_id, "advise"]), {"authenticity": "on"}).status_code == 404
    assert s.credit.reference not in stranger.get(reverse("portal:credits")).content.decode()


def test_credit_page_shows_mt700_terms_parties_documents_discrepancies_and_timeline(
        as_user: Callable[[str], Client], presented: Any, sequenced: Any) -> None:
    s, pres = presented(late_shipment=True)
    sequenced()
    page = as_user("ncb.examiner").get(reverse("portal:credit", args=[s.credit_id])).content.decode()
    for tag in ("20", "31C", "40A", "40E", "31D", "50", "59", "32B", "39A", "41a", "42C", "43P", "43T",
                "44E", "44F", "44C", "45A", "46A", "48", "49"):
        assert f":{tag}:" in page, tag
    assert "USD125000," in page  # 32B in SWIFT notation
    assert "Ningbo Everbright Flask Co., Ltd." in page and "Victoria Harbour Bank Ltd" in page
    assert pres.documents.first().sha256 in page
    assert "UCP 600 art. 20(a)(ii), 29(c)" in page or "C14" in page
    assert "Credit issued (MT700)" in page and "Documents presented" in page


def test_maker_is_not_offered_approval_of_own_credit_and_the_server_refuses_it(
        as_user: Callable[[str], Client], pending_approval: Story, cast: Any) -> None:
    maker = cast.users["vhb.maker"]
    maker.roles = ["maker", "checker"]  # a senior maker who may check others' work, never her own
    maker.save()
    client = as_user("vhb.maker")
    page = client.get(reverse("portal:credit", args=[pending_approval.credit_id])).content.decode()
    assert 'data-action="approve"' not in page
    before = PendingEntry.objects.count()
    response = client.post(reverse("portal:act", args=[pending_approval.credit_id, "approve"]),
                           {"amount": "125000.00"})
    assert response.status_code == 403
    assert "four eyes" in response.content.decode()
    assert PendingEntry.objects.count() == before
    pending_approval.credit.refresh_from_db()
    assert pending_approval.credit.state == CreditState.PENDING_APPROVAL


def test_checker_approves_with_the_re_keyed_amount_and_a_wrong_amount_is_shown_at_the_field(
        as_user: Callable[[str], Client], pending_approval: Story) -> None:
    client = as_user("vhb.checker")
    url = reverse("portal:act", args=[pending_approval.credit_id, "approve"])
    assert 'data-action="approve"' in client.get(reverse("portal:credit", args=[pending_approval.credit_id])).content.decode()
    response = client.post(url, {"amount": "152000.00"})
    assert response.status_code == 422
    assert response.context["form"].errors["amount"] == ["does not match"]
    response = client.post(url, {"amount": "125000.00"})
    assert response.status_code == 302
    pending_approval.credit.refresh_from_db()
    assert pending_approval.credit.state == CreditState.ISSUED


def test_maker_prepares_and_issuance_checks_land_next_to_the_field(
        as_user: Callable[[str], Client], story: Callable[..., Story]) -> None:
    s = story()
    s.apply()
    s.submit()
    client = as_user("vhb.maker")
    url = reverse("portal:act", args=[s.credit_id, "prepare"])
    form = client.get(url).context["form"]
    assert form.initial["amount"] == "125000.00"
    data = {"amount": "125000.00", "expiry_date": "2001-01-01", "expiry_place": "Ningbo", "latest_shipment": ""}
    response = client.post(url, data)
    assert response.status_code == 422
    assert any("C05" in e for e in response.context["form"].errors["expiry_date"])
    data["expiry_date"] = s.terms["expiry_date"]
    data["latest_shipment"] = s.terms["latest_shipment"]
    assert client.post(url, data).status_code == 302
    s.credit.refresh_from_db()
    assert s.credit.state == CreditState.PENDING_APPROVAL and s.credit.issue_maker.username == "vhb.maker"


def test_an_action_not_allowed_in_this_state_is_refused_with_a_message_at_the_top(
        as_user: Callable[[str], Client], story: Callable[..., Story]) -> None:
    s = story()
    s.issued()
    s.advise()
    response = as_user("ncb.maker").post(reverse("portal:act", args=[s.credit_id, "advise"]), {"authenticity": "on"})
    assert response.status_code == 409
    page = response.content.decode()
    assert "This action is not allowed now" in page and 'class="alert alert-error"' in page


def test_advising_bank_advises(as_user: Callable[[str], Client], story: Callable[..., Story]) -> None:
    s = story()
    s.issued()
    client = as_user("ncb.maker")
    assert 'data-action="advise"' in client.get(reverse("portal:credit", args=[s.credit_id])).content.decode()
    response = client.post(reverse("portal:act", args=[s.credit_id, "advise"]), {"authenticity": "on"})
    assert response.status_code == 302
    s.credit.refresh_from_db()
    assert s.credit.state == CreditState.ADVISED


def test_nominated_bank_honours_a_complying_presentation(
        as_user: Callable[[str], Client], presented: Any, cast: Any) -> None:
    from lc import services

    s, pres = presented()
    services.conclude_examination(actor=cast.users["ncb.examiner"], presentation_id=pres.pk)
    client = as_user("ncb.maker")
    page = client.get(reverse("portal:credit", args=[s.credit_id])).content.decode()
    assert 'data-action="honour"' in page
    response = client.post(reverse("portal:act-on", args=[s.credit_id, "honour", pres.pk]),
                           {"amount": "125000.00", "maturity_date": ""})
    assert response.status_code == 302
    pres.refresh_from_db()
    assert pres.state == PresentationState.HONOURED and pres.honoured_amount == Decimal("125000.00")


def test_corporate_users_get_a_read_only_view(as_user: Callable[[str], Client], presented: Any) -> None:
    s, pres = presented()
    client = as_user("nef.exports")
    page = client.get(reverse("portal:credit", args=[s.credit_id])).content.decode()
    assert s.credit.reference in page and "data-action=" not in page
    assert client.get(reverse("portal:examine", args=[s.credit_id, pres.pk])).status_code == 403
    assert client.post(reverse("portal:act", args=[s.credit_id, "advise"]), {}).status_code == 403


def test_credit_list_filters_by_state_and_reference(as_user: Callable[[str], Client],
                                                    story: Callable[..., Story]) -> None:
    a, b = story(), story()
    a.issued()
    b.apply()
    b.submit()
    client = as_user("vhb.maker")
    page = client.get(reverse("portal:credits"), {"state": "issued"}).content.decode()
    assert a.credit.reference in page and b.credit.reference not in page
    page = client.get(reverse("portal:credits"), {"q": b.credit.reference[-4:]}).content.decode()
    assert b.credit.reference in page


def test_the_portal_speaks_traditional_chinese(as_user: Callable[[str], Client], story: Callable[..., Story]) -> None:
    s = story()
    s.issued()
    client = as_user("ncb.maker")
    response = client.post(reverse("set_language"), {"language": "zh-hant", "next": "/"})
    assert response.status_code == 302
    page = client.get(reverse("portal:dashboard")).content.decode()
    assert 'lang="zh-hant"' in page
    assert "工作隊列" in page and "待通知的信用證" in page
    page = client.get(reverse("portal:credit", args=[s.credit_id])).content.decode()
    assert "受益人" in page and "已開立" in page


def test_the_timeline_says_which_entries_counterparty_banks_witnessed(
        as_user: Callable[[str], Client], presented: Any, sequenced: Any) -> None:
    """An entry in a checkpoint that met the witness policy shows as witnessed; one only in a
    later signed checkpoint shows as anchored (issue 19)."""
    from django.utils import timezone

    from lc import services
    from ledger.anchoring import anchor_checkpoint
    from ledger.models import Entry, Witnessed

    s, pres = presented(late_shipment=True)
    sequenced()
    first = anchor_checkpoint()
    assert first is not None
    Witnessed.objects.create(checkpoint=first, size=first.size, policy_sha256=bytes(32), witnessed_at=timezone.now())
    finding = pres.discrepancies.get(status="proposed")
    services.decide_discrepancy(actor=s.cast.users["ncb.examiner"], discrepancy_id=finding.pk, confirm=True)
    sequenced()
    assert anchor_checkpoint() is not None  # a later checkpoint that no witness cosigned
    witnessed = Entry.objects.filter(subject=s.credit.subject, seq__lte=first.size).count()
    page = as_user("ncb.examiner").get(reverse("portal:credit", args=[s.credit_id])).content.decode()
    assert f"{witnessed} witnessed by counterparty banks" in page
    assert page.count(">witnessed</span>") == witnessed
    assert page.count(">anchored</span>") == 1  # the examiner's confirmation
