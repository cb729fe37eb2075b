"""Approval levels in the portal (issue 20): the credit page shows "approval 1 of 2" and who
approved, offers the second approval only to a checker who may give it, refuses the same person
twice with a message, and every approval needs the second factor like the first."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from lc import services
from lc.audit.approval_levels import set_approval_level
from lc.models import CreditState, PresentationState
from lc.scenarios import Story
from ledger.models import PendingEntry

pytestmark = pytest.mark.django_db


@pytest.fixture
def above_threshold(story: Callable[..., Story], cast: Any) -> Story:
    set_approval_level(actor=cast.users["vhb.admin"], bank_id=cast.orgs["issuing"].pk, action="issuance",
                       extra_checkers=1, currency="USD", threshold="100000.00")
    s = story()
    s.apply()
    s.submit()
    s.prepare()
    return s


def test_the_first_approval_shows_one_of_two_and_offers_a_second_approval_to_another_checker(
        as_user: Callable[[str], Client], above_threshold: Story) -> None:
    credit_url = reverse("portal:credit", args=[above_threshold.credit_id])
    approve_url = reverse("portal:act", args=[above_threshold.credit_id, "approve"])
    first = as_user("vhb.checker")
    response = first.post(approve_url, {"amount": "125000.00"}, follow=True)
    page = response.content.decode()
    assert "approval 1 of 2" in page  # the message after the action
    assert 'data-approval="1/2"' in page and "Approval 1 of 2" in page and "Kenneth Lau" in page
    assert 'data-action="approve"' not in page  # not offered to the one who approved
    second_page = as_user("vhb.checker2").get(credit_url).content.decode()
    assert 'data-action="approve"' in second_page and "Second approval" in second_page
    assert "Kenneth Lau" in second_page
    maker_page = as_user("vhb.maker").get(credit_url).content.decode()
    assert 'data-action="approve"' not in maker_page
    response = as_user("vhb.checker2").post(approve_url, {"amount": "125000.00"})
    assert response.status_code == 302
    above_threshold.credit.refresh_from_db()
    assert above_threshold.credit.state == CreditState.ISSUED


def test_the_same_person_twice_is_refused_with_a_message(as_user: Callable[[str], Client],
                                                         above_threshold: Story) -> None:
    client = as_user("vhb.checker")
    url = reverse("portal:act", args=[above_threshold.credit_id, "approve"])
    assert client.post(url, {"amount": "125000.00"}).status_code == 302
    before = PendingEntry.objects.count()
    response = client.post(url, {"amount": "125000.00"})
    assert response.status_code == 403
    assert "You may not do this" in response.content.decode() and "already approved" in response.content.decode()
    assert PendingEntry.objects.count() == before


def test_a_further_approval_needs_the_second_factor_like_the_first(cast: Any, above_threshold: Story) -> None:
    services.issue_credit(actor=cast.users["vhb.checker"], credit_id=above_threshold.credit_id,
                          rekeyed_amount="125000.00")
    password_only = Client()
    password_only.force_login(cast.users["vhb.checker2"])
    response = password_only.post(reverse("portal:act", args=[above_threshold.credit_id, "approve"]),
                                  {"amount": "125000.00"})
    assert response.status_code == 302 and response["Location"] == reverse("portal:otp")
    above_threshold.credit.refresh_from_db()
    assert above_threshold.credit.state == CreditState.PENDING_APPROVAL


def test_the_second_honour_approval_is_offered_to_the_checker_with_the_first_approvers_amount(
        as_user: Callable[[str], Client], presented: Any, cast: Any) -> None:
    set_approval_level(actor=cast.users["vhb.admin"], bank_id=cast.orgs["issuing"].pk, action="honour",
                       extra_checkers=1, currency="USD", threshold="1.00")  # another bank's level: not ncb's
    s, pres = presented()
    services.conclude_examination(actor=cast.users["ncb.examiner"], presentation_id=pres.pk)
    from lc.audit.record import Operator

    set_approval_level(actor=Operator("test-ops"), bank_id=cast.orgs["advising"].pk, action="honour",
                       extra_checkers=1, currency="USD", threshold="100000.00")
    url = reverse("portal:act-on", args=[s.credit_id, "honour", pres.pk])
    assert as_user("ncb.maker").post(url, {"amount": "120000.00", "maturity_date": ""}).status_code == 302
    pres.refresh_from_db()
    assert pres.state == PresentationState.COMPLYING
    checker = as_user("ncb.checker")
    page = checker.get(reverse("portal:credit", args=[s.credit_id])).content.decode()
    assert "Second approval" in page and 'data-approval="1/2"' in page and "Li Wei" in page
    assert checker.get(url).context["form"].initial["amount"] == "120000.00"
    assert checker.post(url, {"amount": "120000.00", "maturity_date": ""}).status_code == 302
    pres.refresh_from_db()
    assert pres.state == PresentationState.HONOURED
    # The issuing bank never sees the advising bank's people approving.
    assert "Li Wei" not in as_user("vhb.checker").get(reverse("portal:credit", args=[s.credit_id])).content.decode()
