"""Issue 13 through the outer routes: concurrent claims through the API against a live server,
and an over-claim that neither the API nor the portal honours in full (the service's own test
is in test_availability)."""

from __future__ import annotations

import http.client
import json
import threading
from decimal import Decimal
from typing import Any
from urllib.parse import urlparse

import pytest
from django.test.client import BOUNDARY, MULTIPART_CONTENT, encode_multipart
from django.urls import reverse

from lc import services
from lc.integrations.keys import create_api_key
from lc.models import LetterOfCredit, Presentation
from lc.scenarios import Story, example_documents, example_start
from lc.services import money as accounts
from ledger.models import PendingEntry
from tests.portal.conftest import verified_client

CLAIMS = 10
THIRTY_PERCENT = "37500.00"  # of USD 125,000: three fit in the maximum of 131,250, a fourth does not


def post(base: str, path: str, secret: str, body: bytes) -> tuple[int, str, dict[str, Any]]:
    """One POST on its own connection (the live server answers each in its own thread)."""
    url = urlparse(base)
    conn = http.client.HTTPConnection(url.hostname, url.port, timeout=60)
    try:
        conn.request("POST", path, body=body,
                     headers={"Authorization": f"Bearer {secret}", "Content-Type": MULTIPART_CONTENT})
        resp = conn.getresponse()
        return resp.status, resp.getheader("Content-Type", ""), json.loads(resp.read())
    finally:
        conn.close()


def presentation_body(story: Story, amount: str) -> bytes:
    docs = example_documents(with_files=False)
    return encode_multipart(BOUNDARY, {"presented_to": str(story.cast.orgs["advising"].pk), "amount_claimed": amount,
                                       "data": [json.dumps(d.data) for d in docs]})


@pytest.mark.django_db(transaction=True)
@pytest.mark.slow
def test_ten_concurrent_api_claims_of_30_percent_accept_exactly_three(cast: Any, live_server: Any) -> None:
    story = Story(cast, example_start())
    story.issued()
    body, path = presentation_body(story, THIRTY_PERCENT), f"/api/v1/credits/{story.credit_id}/present/"
    secrets = [create_api_key(user=cast.users["nef.exports"], name=f"erp {i}")[1] for i in range(CLAIMS)]
    answers: list[tuple[int, str, dict[str, Any]]] = []
    start = threading.Barrier(CLAIMS)

    def claim(secret: str) -> None:
        start.wait()
        answers.append(post(live_server.url, path, secret, body))

    threads = [threading.Thread(target=claim, args=(s,)) for s in secrets]
    for t in threads:
        t.start()
    for t in threads:
        t.join()

    assert sorted(status for status, _, _ in answers) == [201] * 3 + [409] * 7, answers
    for status, content_type, problem in answers:
        if status == 409:  # a clean problem+json naming what is left, not a 500 or a lock timeout
            assert content_type.startswith("application/problem+json")
            assert problem["status"] == 409 and "available" in problem["detail"]
    credit = LetterOfCredit.objects.get(pk=story.credit_id)
    stored, (summed, _) = accounts.figures(credit), accounts.recomputed(credit)
    assert stored == summed and stored.consistent()
    assert (stored.reserved, stored.available) == (Decimal("112500"), Decimal("18750"))
    assert Presentation.objects.filter(credit=credit).count() == 3
    assert PendingEntry.objects.filter(subject=credit.subject, kind="presentation.made").count() == 3


def over_claimed(cast: Any) -> tuple[Story, Presentation]:
    """USD 130,000 claimed on documents (invoice and draft) of USD 125,000: examined (C17 among
    the findings, all confirmed), then the applicant waives."""
    story = Story(cast, example_start())
    story.issued()
    story.presentation = services.present_documents(
        actor=cast.users["nef.exports"], credit_id=story.credit_id, presented_to=cast.orgs["advising"],
        amount_claimed="130000.00", documents=example_documents(with_files=False), now=story.at(98))
    pres = story.examine()
    assert pres.discrepancies.filter(code="C17", status="confirmed").exists()
    services.request_waiver(actor=cast.users["ncb.examiner"], presentation_id=pres.pk, now=story.at(99, 12))
    services.decide_waiver(actor=cast.users["hhl.treasury"], presentation_id=pres.pk, waive=True,
                           now=story.at(99, 13))
    return story, pres


def honoured(story: Story) -> Any:
    return PendingEntry.objects.filter(subject=f"lc:{story.credit_id}", kind="presentation.honoured")


@pytest.mark.django_db
def test_the_api_refuses_to_honour_an_over_claim_in_full_and_pays_the_documents_by_default(
        cast: Any, api_as: Any) -> None:
    story, pres = over_claimed(cast)
    maker = cast.users["ncb.maker"]
    maker.roles = [*maker.roles, "api_client"]
    maker.save()
    bank = api_as("ncb.maker")
    for amount in ("130000.00", "125000.01"):
        refused = bank.post(f"/api/v1/presentations/{pres.pk}/honour/", {"amount": amount}, format="json")
        assert refused.status_code == 422 and refused["Content-Type"].startswith("application/problem+json")
        assert [e["field"] for e in refused.json()["errors"]] == ["amount"]
    assert not honoured(story).exists() and Presentation.objects.get(pk=pres.pk).honoured_amount is None
    paid = bank.post(f"/api/v1/presentations/{pres.pk}/honour/", {}, format="json")
    assert paid.status_code == 200, paid.content
    assert paid.json()["honoured_amount"] == "125000.00"
    assert honoured(story).count() == 1
    assert accounts.figures(LetterOfCredit.objects.get(pk=story.credit_id)).drawn == Decimal("125000")


@pytest.mark.django_db
def test_the_portal_honour_form_refuses_an_over_claim_in_full_and_offers_the_cap(cast: Any) -> None:
    story, pres = over_claimed(cast)
    page = verified_client(cast.users["ncb.maker"])
    url = reverse("portal:act-on", args=[story.credit_id, "honour", pres.pk])
    assert b'value="125000.00"' in page.get(url).content  # the form offers the cap, not the claim
    refused = page.post(url, {"amount": "130000.00"})
    assert refused.status_code == 422 and b"field-error" in refused.content
    assert not honoured(story).exists() and Presentation.objects.get(pk=pres.pk).honoured_amount is None
    assert page.post(url, {"amount": "125000.00"}).status_code == 302
    assert Presentation.objects.get(pk=pres.pk).honoured_amount == Decimal("125000")
    assert honoured(story).count() == 1
