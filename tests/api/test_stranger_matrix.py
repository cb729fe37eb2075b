"""Isolation: every endpoint, as an organisation party to nothing, is a 404 (detail and every
POST action) or an empty list (not even a count leaks), and nothing is written."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import URLPattern, reverse

from lc import services
from lc.api.urls import router
from lc.integrations.keys import create_api_key
from lc.models import PrintedDocument, SwiftMessage, WebhookDelivery, WebhookSubscription
from lc.scenarios import Story, example_documents
from lc.services.facilities import set_facility
from ledger.models import Entry, PendingEntry
from tests.api.conftest import client_with_key

STRANGERS = ["tmb.maker", "rkw.treasury"]
# Creating one's own application, subscription or key is not reaching into someone else's objects.
OWN_CREATES = {"credit-list", "webhook-list", "api-key-list", "message-list"}  # message: one's own import
PUBLIC_DIRECTORY = {"organization-list", "organization-detail"}


@pytest.fixture
def world(story: Story) -> dict[str, Any]:
    """One credit with an object of every kind, plus the importer's webhook and API key."""
    cast = story.cast
    sub = WebhookSubscription.objects.create(organization=cast.orgs["importer"], url="https://example.com/h",
                                             secret="whsec_" + "A" * 32)
    story.issued()
    story.advise()
    docs = example_documents()
    docs[5].data["issue_date"] = "2025-05-29"  # insurance dated after shipment: a C24 discrepancy
    story.present(documents=docs)
    pres = story.examine()
    waiver = services.request_waiver(actor=cast.users["ncb.examiner"], presentation_id=pres.pk, now=story.at(100))
    notice = services.refuse_presentation(actor=cast.users["ncb.examiner"], presentation_id=pres.pk,
                                          disposal="hold_pending_instructions", now=story.at(100, 15))
    amendment = services.propose_amendment(actor=cast.users["hhl.treasury"], credit_id=story.credit_id,
                                           changes={"charges": "All charges for the beneficiary"}, now=story.at(101))
    key, _ = create_api_key(user=cast.users["hhl.treasury"], name="importer erp")
    facility = set_facility(actor=cast.users["vhb.credit"], applicant=cast.orgs["importer"], currency="USD",
                            limit="500000.00", expiry_date=story.at(365).date())
    return {
        "credit": story.credit_id, "amendment": amendment.pk, "presentation": pres.pk,
        "document": pres.documents.first().pk, "discrepancy": pres.discrepancies.first().pk,
        "refusal": notice.pk, "waiver": waiver.pk, "webhook": sub.pk,
        "webhook-delivery": WebhookDelivery.objects.filter(subscription=sub).first().pk, "api-key": key.pk,
        "message": SwiftMessage.objects.filter(credit_id=story.credit_id).first().pk, "facility": facility.pk,
        "printed": PrintedDocument.objects.get(credit_id=story.credit_id, kind="credit_advice").sha256,
    }


def endpoints() -> list[tuple[str, str]]:
    out = []
    for pattern in router.urls:
        assert isinstance(pattern, URLPattern)
        for method in pattern.callback.actions:  # type: ignore[attr-defined]
            # (DRF adds "head" to the map once a GET was served: HEAD is GET without a body.)
            if pattern.name not in PUBLIC_DIRECTORY and method != "head":
                out.append((pattern.name, method.upper()))
    return sorted(set(out))


def test_the_matrix_covers_every_action() -> None:
    names = {name for name, _ in endpoints()}
    assert {"credit-present", "presentation-refuse", "discrepancy-withdraw", "amendment-accept",
            "webhook-delivery-redeliver", "api-key-revoke", "credit-ledger", "credit-versions"} <= names
    assert len(endpoints()) > 50


@pytest.mark.parametrize("stranger", STRANGERS)
def test_strangers_see_nothing_and_change_nothing(world: dict[str, Any], stranger: str, cast: Any) -> None:
    _, secret = create_api_key(user=cast.users[stranger], name="stranger")
    client = client_with_key(secret)
    entries_before = Entry.objects.count() + PendingEntry.objects.count()
    failures = []
    for name, method in endpoints():
        if name.endswith("-list") and method != "GET":
            assert name in OWN_CREATES, name
            continue
        if name == "api-key-list":  # the stranger's own key is there, and only that
            resp = client.get(reverse(f"api:{name}"))
            ok = [k["name"] for k in resp.json()["results"]] == ["stranger"]
        elif name.endswith("-list"):
            resp = client.get(reverse(f"api:{name}"))
            ok = resp.status_code == 200 and resp.json()["results"] == [] and "count" not in resp.json()
            by_credit = client.get(reverse(f"api:{name}"), {"credit": str(world["credit"])})
            if not _unknown_parameter(by_credit):  # lists that filter by credit: empty for it too
                resp = by_credit
                ok = ok and resp.status_code == 200 and resp.json()["results"] == []
        else:
            kwargs = {"pk": world[_kind(name)]}
            if name == "credit-printed-file":  # a printed PDF: its SHA-256 beside the credit's id
                kwargs["sha256"] = world["printed"]
            url = reverse(f"api:{name}", kwargs=kwargs)
            resp = client.generic(method, url, "{}", content_type="application/json", HTTP_IDEMPOTENCY_KEY=name)
            ok = resp.status_code == 404 and resp["Content-Type"] == "application/problem+json"
        if not ok:
            failures.append(f"{method} {name}: {resp.status_code} {resp.content[:200]!r}")
    assert failures == []
    assert Entry.objects.count() + PendingEntry.objects.count() == entries_before


def _unknown_parameter(resp: Any) -> bool:
    """A list without a credit filter refuses the parameter (400) rather than ignore it."""
    return resp.status_code == 400 and any(e["field"] == "credit" for e in resp.json().get("errors", []))


def _kind(name: str) -> str:
    for kind in ("webhook-delivery", "api-key", "message", "facility", "credit", "amendment", "presentation", "document", "discrepancy",
                 "refusal", "waiver", "webhook"):
        if name.startswith(kind + "-"):
            return kind
    raise AssertionError(name)


@pytest.mark.parametrize("stranger", STRANGERS)
def test_parties_still_see_what_strangers_cannot(world: dict[str, Any], stranger: str, api_as: Any) -> None:
    """The matrix is not vacuous: the same URLs answer the parties."""
    assert api_as("ncb.examiner").get(f"/api/v1/presentations/{world['presentation']}/").status_code == 200
    assert api_as("hhl.treasury").get(f"/api/v1/waivers/{world['waiver']}/").status_code == 200
    assert len(api_as("nef.exports").get("/api/v1/discrepancies/").json()["results"]) >= 1
    assert api_as(stranger).get("/api/v1/discrepancies/").json()["results"] == []
