"""The transfer's portal forms (issue 20): offered by the one rule to whom it names, a company
user reaches only the first beneficiary's request, and the maker's form starts from the request."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.test import Client
from django.urls import reverse

from lc import services
from lc.models import TransferRequest, TransferState
from lc.scenarios import Story


def offered(client: Client, story: Story) -> str:
    return client.get(reverse("portal:credit", args=[story.credit_id])).content.decode()


def test_the_first_beneficiary_is_offered_the_request_only_on_a_transferable_credit(
        as_user: Callable[[str], Client], story: Callable[..., Story]) -> None:
    plain, transferable = story(), story(form="IRREVOCABLE TRANSFERABLE")
    plain.issued(), transferable.issued()
    exporter = as_user("nef.exports")
    assert 'data-action="request-transfer"' not in offered(exporter, plain)
    assert 'data-action="request-transfer"' in offered(exporter, transferable)
    assert 'data-action="request-transfer"' not in offered(as_user("hhl.treasury"), transferable)  # the applicant
    # A company user reaches no bank action, whatever it types.
    url = reverse("portal:act", args=[transferable.credit_id, "prepare-transfer"])
    assert exporter.post(url, {}).status_code == 403


def test_the_request_form_then_the_makers_form_and_the_four_eyes(
        as_user: Callable[[str], Client], story: Callable[..., Story], cast: Any) -> None:
    s = story(form="IRREVOCABLE TRANSFERABLE")
    s.issued()

    def act(name: str) -> str:
        return reverse("portal:act", args=[s.credit_id, name])

    exporter = as_user("nef.exports")
    refused = exporter.post(act("request-transfer"), {"second_beneficiary": cast.orgs["stranger_corp"].pk,
                                                      "expiry_date": "2099-01-01"})
    assert refused.status_code == 422 and not TransferRequest.objects.exists()  # a later expiry: art. 38(g)
    made = exporter.post(act("request-transfer"), {"second_beneficiary": cast.orgs["stranger_corp"].pk,
                                                   "amount": "80000.00", "note": "partial shipment to Cologne"})
    assert made.status_code == 302
    t = TransferRequest.objects.get(credit_id=s.credit_id)
    assert t.changes == {"amount": "80000.00"} and t.note == "partial shipment to Cologne"
    maker = as_user("ncb.maker")
    page = maker.get(act("prepare-transfer")).content.decode()
    assert 'value="80000.00"' in page and "Rhine Kitchenware GmbH" in page
    assert maker.post(act("prepare-transfer"), {"amount": "75000.00"}).status_code == 302
    t.refresh_from_db()
    assert t.state == TransferState.PREPARED and t.changes == {"amount": "75000.00"}
    assert 'data-action="approve-transfer"' not in offered(maker, s)
    assert 'data-action="approve-transfer"' in offered(as_user("ncb.checker"), s)
    services.approve_transfer(actor=cast.users["ncb.checker"], credit_id=s.credit_id)
    page = offered(maker, s)
    assert 'data-action="advise-transfer"' in page and "data-transferred-credit" in page
