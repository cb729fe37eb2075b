"""Transfer as a full action (UCP 600 art. 38, issue 20): the first beneficiary requests, the
transferring (nominated) bank's maker prepares, its checker approves, the bank advises the
second beneficiary. Each step: the new state, exactly its ledger entries, and who may not."""

from __future__ import annotations

import json
import threading
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection

from lc import events, services
from lc.errors import Forbidden, InvalidInput, NotAllowed, NotFound
from lc.models import (
    CreditState,
    LetterOfCredit,
    TransferRequest,
    TransferState,
    WebhookDelivery,
    WebhookSubscription,
)
from lc.scenarios import Story, example_documents, example_start
from lc.services import money as accounts
from ledger.anchoring import anchor_checkpoint
from ledger.evidence import export_evidence
from ledger.models import PendingEntry
from ledger.verification import verify_chain
from ledger.verify_bundle import verify_bytes

TRANSFERABLE = "IRREVOCABLE TRANSFERABLE"


def transferable(cast: Any, **terms: Any) -> Story:
    story = Story(cast, example_start(), form=TRANSFERABLE, **terms)
    story.issued()
    return story


def entries(subject: str) -> list[tuple[str, dict[str, Any]]]:
    return [(k, json.loads(bytes(p))) for k, p in
            PendingEntry.objects.filter(subject=subject).order_by("id").values_list("kind", "payload")]


def new_entries(since: int) -> list[tuple[str, str]]:
    return list(PendingEntry.objects.filter(id__gt=since).order_by("id").values_list("kind", "subject"))


def last_id() -> int:
    return PendingEntry.objects.order_by("-id").values_list("id", flat=True).first() or 0


@pytest.fixture
def api_as(cast: Any) -> Any:
    """api_as(username) -> an API client with a fresh key of that person (the integrator's channel)."""
    from lc.integrations.keys import create_api_key
    from tests.api.conftest import client_with_key

    def get(username: str) -> Any:
        return client_with_key(create_api_key(user=cast.users[username], name=f"key of {username}")[1])

    return get


def request(story: Story, changes: dict[str, Any] | None = None, **kw: Any) -> TransferRequest:
    return services.request_transfer(actor=story.cast.users["nef.exports"], credit_id=story.credit_id,
                                     second_beneficiary=story.cast.orgs["stranger_corp"],
                                     changes=changes or {}, now=story.at(5, 9), **kw)


@pytest.mark.django_db
def test_a_transfer_goes_request_maker_checker_advice_with_one_entry_a_step(cast: Any) -> None:
    story = transferable(cast)
    first = f"lc:{story.credit_id}"
    sub = WebhookSubscription.objects.create(organization=cast.orgs["exporter"], url="https://example.com/h",
                                             secret="whsec_" + "A" * 32)

    mark = last_id()
    t = request(story, {"amount": "60000.00", "latest_shipment": "2025-05-20"}, note="ship from Ningbo")
    assert t.state == TransferState.REQUESTED and t.requested_by == cast.users["nef.exports"]
    assert new_entries(mark) == [(events.TRANSFER_REQUESTED.kind, first)]
    assert WebhookDelivery.objects.filter(subscription=sub, event_type="transfer.requested").count() == 1

    mark = last_id()
    t = services.prepare_transfer(actor=cast.users["ncb.maker"], credit_id=story.credit_id, now=story.at(5, 10))
    assert t.state == TransferState.PREPARED and t.maker == cast.users["ncb.maker"]
    assert new_entries(mark) == [(events.TRANSFER_PREPARED.kind, first)]
    assert accounts.figures(LetterOfCredit.objects.get(pk=story.credit_id)).earmarked == 0  # not before the checker

    mark = last_id()
    child = services.approve_transfer(actor=cast.users["ncb.checker"], credit_id=story.credit_id,
                                      now=story.at(5, 11))
    # The first credit's entry names the transferred credit, whose own history starts here.
    assert new_entries(mark) == [(events.CREDIT_TRANSFERRED.kind, first),
                                 (events.CREDIT_TRANSFERRED_IN.kind, child.subject)]
    t.refresh_from_db()
    assert t.state == TransferState.TRANSFERRED and t.transferred_credit == child and t.checker is not None
    assert child.state == CreditState.ISSUED and child.transferred_from_id == story.credit_id
    assert child.second_beneficiary == cast.orgs["stranger_corp"] and child.amount == Decimal("60000.00")
    assert child.current_terms is not None and child.current_terms.terms["latest_shipment"] == "2025-05-20"
    assert child.current_terms.terms["beneficiary"]["name"] == cast.orgs["stranger_corp"].name
    assert accounts.figures(LetterOfCredit.objects.get(pk=story.credit_id)).earmarked == Decimal("63000")  # +5%
    assert accounts.figures(child).maximum == Decimal("63000")

    mark = last_id()
    advised = services.advise_transfer(actor=cast.users["ncb.maker"], credit_id=story.credit_id, now=story.at(6))
    assert advised.pk == child.pk and advised.state == CreditState.ADVISED
    assert new_entries(mark) == [(events.TRANSFER_ADVISED.kind, child.subject)]
    t.refresh_from_db()
    assert t.state == TransferState.ADVISED

    # The second beneficiary sees the transferred credit, never the first one.
    second = cast.orgs["stranger_corp"]
    assert list(LetterOfCredit.objects.visible_to(second)) == [advised]
    [(_, payload)] = [e for e in entries(first) if e[0] == events.CREDIT_TRANSFERRED.kind]
    assert payload["transferred_credit"] == str(child.pk) and payload["transferred_subject"] == child.subject
    kinds = [k for k, _ in entries(child.subject)]
    assert kinds == [events.CREDIT_TRANSFERRED_IN.kind, events.TRANSFER_ADVISED.kind]
    assert entries(child.subject)[0][1]["transferred_from"] == str(story.credit_id)


@pytest.mark.django_db
def test_the_checker_cannot_approve_a_transfer_she_prepared(cast: Any) -> None:
    story = transferable(cast)
    both = cast.users["ncb.checker"]
    both.roles = ["maker", "checker"]
    both.save()
    request(story)
    services.prepare_transfer(actor=both, credit_id=story.credit_id, now=story.at(5, 10))
    mark = last_id()
    with pytest.raises(Forbidden, match="four eyes"):
        services.approve_transfer(actor=both, credit_id=story.credit_id, now=story.at(5, 11))
    with pytest.raises(Forbidden):  # a maker is no checker
        services.approve_transfer(actor=cast.users["ncb.maker"], credit_id=story.credit_id, now=story.at(5, 11))
    assert new_entries(mark) == [] and not LetterOfCredit.objects.filter(transferred_from_id=story.credit_id).exists()


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["hhl.treasury", "ncb.maker", "vhb.maker", "rkw.treasury", "tmb.maker"])
def test_only_the_first_beneficiary_requests_a_transfer(cast: Any, who: str) -> None:
    story = transferable(cast)
    mark = last_id()
    with pytest.raises((Forbidden, NotFound)):
        services.request_transfer(actor=cast.users[who], credit_id=story.credit_id,
                                  second_beneficiary=cast.orgs["stranger_corp"], changes={})
    assert new_entries(mark) == []


@pytest.mark.django_db
def test_only_the_transferring_bank_prepares_it(cast: Any) -> None:
    """The nominated bank (Ningbo Coastal) or the issuing bank; not the confirming bank or a stranger."""
    story = transferable(cast)
    request(story)
    for who, error in (("lctb.maker", NotFound), ("tmb.maker", NotFound), ("nef.exports", Forbidden),
                       ("ncb.examiner", Forbidden)):
        with pytest.raises(error):
            services.prepare_transfer(actor=cast.users[who], credit_id=story.credit_id)
    assert services.prepare_transfer(actor=cast.users["vhb.maker"], credit_id=story.credit_id).state == "prepared"


GOODS_PRICE = [{"description": "Stainless steel vacuum flasks", "quantity": "10000", "unit": "UNITS",
                "unit_price": "12.00", "model": "VF-500"}]


@pytest.mark.django_db
@pytest.mark.parametrize(("changes", "field"), [
    ({"amount": "130000.00"}, "amount"),  # more, not less
    ({"expiry_date": "2025-07-15"}, "expiry_date"),  # later
    ({"latest_shipment": "2025-06-30"}, "latest_shipment"),
    ({"presentation_period_days": 30}, "presentation_period_days"),
    ({"port_of_loading": "Shanghai"}, "changes.port_of_loading"),  # not an art. 38(g) term at all
    ({"currency": "EUR"}, "changes.currency"),
    ({"goods": [{**GOODS_PRICE[0], "unit_price": "13.00"}]}, "goods[0].unit_price"),
])
def test_a_transfer_changes_only_what_art_38g_allows(cast: Any, changes: dict[str, Any], field: str) -> None:
    story = transferable(cast)
    mark = last_id()
    with pytest.raises(InvalidInput) as refused:
        request(story, changes)
    assert any(e["field"] == field for e in refused.value.errors), refused.value.errors
    assert new_entries(mark) == [] and not TransferRequest.objects.exists()


@pytest.mark.django_db
def test_the_allowed_curtailments_pass_and_the_maker_may_curtail_further(cast: Any) -> None:
    story = transferable(cast)
    request(story, {"amount": "100000.00", "expiry_date": "2025-06-10", "latest_shipment": "2025-05-25",
                    "presentation_period_days": 14, "goods": GOODS_PRICE})
    with pytest.raises(InvalidInput):  # never past what the first beneficiary asked for the original
        services.prepare_transfer(actor=cast.users["ncb.maker"], credit_id=story.credit_id,
                                  changes={"amount": "126000.00"})
    with pytest.raises(InvalidInput):  # the first beneficiary names the second one
        services.prepare_transfer(actor=cast.users["ncb.maker"], credit_id=story.credit_id,
                                  second_beneficiary=cast.orgs["importer"])
    services.prepare_transfer(actor=cast.users["ncb.maker"], credit_id=story.credit_id,
                              changes={"amount": "90000.00", "goods": GOODS_PRICE})
    child = services.approve_transfer(actor=cast.users["ncb.checker"], credit_id=story.credit_id)
    assert child.amount == Decimal("90000.00") and child.current_terms is not None
    assert child.current_terms.terms["goods"][0]["unit_price"] == "12.00"


def insurance_at(story: Story, percent: str, originals: int = 2) -> list[dict[str, Any]]:
    docs = [dict(d) for d in story.terms["documents"]]
    for d in docs:
        if d["doc_type"] == "insurance_certificate":
            d["insurance_percent"], d["originals"] = percent, originals
    return docs


@pytest.mark.django_db
def test_the_insurance_cover_may_only_rise_and_no_other_document_changes(cast: Any) -> None:
    """Art. 38(g): the percentage of insurance cover may be increased, nothing else about the documents."""
    story = transferable(cast)
    for docs, field in ((insurance_at(story, "100"), "insurance_percent"), (insurance_at(story, "120", 1), "originals")):
        with pytest.raises(InvalidInput) as refused:
            request(story, {"documents": docs})
        assert any(e["field"].endswith(field) for e in refused.value.errors), refused.value.errors
    request(story, {"documents": insurance_at(story, "120")})
    services.prepare_transfer(actor=cast.users["ncb.maker"], credit_id=story.credit_id)
    child = services.approve_transfer(actor=cast.users["ncb.checker"], credit_id=story.credit_id)
    assert child.current_terms is not None
    [cover] = [d["insurance_percent"] for d in child.current_terms.terms["documents"] if d["insurance_percent"]]
    assert cover == "120"


@pytest.mark.django_db
def test_a_credit_not_designated_transferable_is_not_transferred(cast: Any) -> None:
    story = Story(cast, example_start())
    story.issued()
    with pytest.raises(NotAllowed, match="transferable"):  # art. 38(b): the rule, so the portal never offers it
        request(story)
    credit = LetterOfCredit.objects.select_related("current_terms").get(pk=story.credit_id)
    assert credit.current_terms is not None
    # And validate_transfer (C11) says the same of the terms, should they ever reach it.
    from lc.examination.issuance import validate_transfer
    from lc.services.credits import parse_terms

    terms = parse_terms(credit.current_terms.terms)
    assert [i.field for i in validate_transfer(terms, terms)] == ["form"]


@pytest.mark.django_db
def test_a_credit_is_transferred_once_and_a_rejected_request_may_be_made_again(cast: Any) -> None:
    story = transferable(cast)
    request(story)
    with pytest.raises(NotAllowed):  # one request at a time
        request(story)
    mark = last_id()
    services.reject_transfer(actor=cast.users["ncb.maker"], credit_id=story.credit_id, reason="no consent")
    assert new_entries(mark) == [(events.TRANSFER_REJECTED.kind, f"lc:{story.credit_id}")]
    child = story.transfer({"amount": "50000.00"})
    with pytest.raises(NotAllowed):
        request(story)
    with pytest.raises(NotAllowed):  # the transferred credit is not transferred again (art. 38(d))
        services.request_transfer(actor=cast.users["nef.exports"], credit_id=child.pk,
                                  second_beneficiary=cast.orgs["importer"], changes={})
    with pytest.raises(NotAllowed):  # and a transfer, once approved, is not turned down
        services.reject_transfer(actor=cast.users["ncb.maker"], credit_id=story.credit_id, reason="too late")


@pytest.mark.django_db
def test_no_more_than_is_available_is_transferred(cast: Any) -> None:
    story = transferable(cast)
    services.present_documents(actor=cast.users["nef.exports"], credit_id=story.credit_id,
                               presented_to=cast.orgs["advising"], amount_claimed="100000.00",
                               documents=example_documents(with_files=False), now=story.at(20))
    with pytest.raises(InvalidInput, match="available"):  # 131,250 - 100,000 reserved = 31,250 left
        request(story, {"amount": "30000.00"})
    request(story, {"amount": "29000.00"})  # 30,450 with its 5%


@pytest.mark.django_db(transaction=True)
def test_an_approval_racing_a_presentation_never_takes_more_than_is_available(cast: Any) -> None:
    """The transfer of everything and a claim of 60% at once: the credit's row lock orders them,
    exactly one wins, and the account is still the sum of its rows."""
    story = transferable(cast)
    request(story)
    services.prepare_transfer(actor=cast.users["ncb.maker"], credit_id=story.credit_id)
    outcomes: list[str] = []
    start = threading.Barrier(2)

    def run(name: str, fn: Any) -> None:
        try:
            start.wait()
            fn()
            outcomes.append(f"{name} ok")
        except (InvalidInput, NotAllowed):
            outcomes.append(f"{name} refused")
        finally:
            connection.close()

    threads = [
        threading.Thread(target=run, args=("transfer", lambda: services.approve_transfer(
            actor=cast.users["ncb.checker"], credit_id=story.credit_id))),
        threading.Thread(target=run, args=("claim", lambda: services.present_documents(
            actor=cast.users["nef.exports"], credit_id=story.credit_id, presented_to=cast.orgs["advising"],
            amount_claimed="75000.00", documents=example_documents(with_files=False), now=story.at(20)))),
    ]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    assert sorted(outcomes) in (["claim ok", "transfer refused"], ["claim refused", "transfer ok"]), outcomes
    credit = LetterOfCredit.objects.get(pk=story.credit_id)
    stored, (recomputed, _) = accounts.figures(credit), accounts.recomputed(credit)
    assert stored == recomputed and stored.available >= 0


@pytest.mark.django_db
def test_the_transferred_credits_evidence_bundle_holds_its_whole_history(
        cast: Any, sequenced: Any, settings: Any, tmp_path: Any) -> None:
    settings.LEDGER_TLOG_DIR = tmp_path
    story = transferable(cast)
    child = story.transfer({"amount": "40000.00"}, advise=True)
    services.present_documents(actor=cast.users["rkw.treasury"], credit_id=child.pk,
                               presented_to=cast.orgs["advising"], amount_claimed="1000.00",
                               documents=example_documents(with_files=False)[:1], now=story.at(20))
    sequenced()
    anchor_checkpoint()
    bundle = export_evidence(child.subject)
    kinds = [e["kind"] for e in bundle.bundle["entries"]]
    assert kinds == [events.CREDIT_TRANSFERRED_IN.kind, events.TRANSFER_ADVISED.kind, events.PRESENTATION_MADE.kind]
    assert bundle.not_anchored == 0
    first = json.loads(bundle.bundle["entries"][0]["payload"])
    assert first["transferred_from"] == str(story.credit_id) and first["terms"]["amount"] == "40000.00"
    assert verify_bytes(bundle.to_bytes()).ok
    parent = [json.loads(e["payload"]) for e in export_evidence(f"lc:{story.credit_id}").bundle["entries"]
              if e["kind"] == events.CREDIT_TRANSFERRED.kind]
    assert [p["transferred_credit"] for p in parent] == [str(child.pk)]
    assert verify_chain().ok


@pytest.mark.django_db
def test_the_api_runs_the_transfer_and_the_second_beneficiary_sees_only_its_credit(
        cast: Any, api_as: Any) -> None:
    story = transferable(cast)
    url = f"/api/v1/credits/{story.credit_id}/"
    body = {"second_beneficiary": str(cast.orgs["stranger_corp"].pk), "changes": {"amount": "70000.00"}}
    assert api_as("hhl.treasury").post(url + "request-transfer/", body, format="json").status_code == 403
    made = api_as("nef.exports").post(url + "request-transfer/", body, format="json")
    assert made.status_code == 201, made.content
    assert made.json()["state"] == "requested"
    assert api_as("tmb.maker").post(url + "transfer/", {}, format="json").status_code == 404
    prepared = api_as("ncb.maker").post(url + "transfer/", {}, format="json")  # the old route: the maker's step
    assert prepared.status_code == 200 and prepared.json()["state"] == "prepared", prepared.content
    assert api_as("ncb.maker").post(url + "approve-transfer/", {}, format="json").status_code == 403
    approved = api_as("ncb.checker").post(url + "approve-transfer/", {}, format="json")
    assert approved.status_code == 201, approved.content
    child = approved.json()["id"]
    assert approved.json()["transferred_from"] == str(story.credit_id)
    advised = api_as("ncb.maker").post(url + "advise-transfer/", {}, format="json")
    assert advised.status_code == 200 and advised.json()["state"] == "advised"
    listed = api_as("nef.exports").get(url + "transfers/").json()
    assert [t["state"] for t in listed["results"]] == ["advised"] and listed["results"][0]["transferred_credit"] == child
    second = api_as("rkw.treasury")
    assert second.get(f"/api/v1/credits/{child}/").status_code == 200
    assert second.get(url).status_code == 404


def test_every_transfer_step_is_a_catalogued_event_with_its_rule() -> None:
    from lc import access

    steps = {"request_transfer", "prepare_transfer", "approve_transfer", "advise_transfer", "reject_transfer"}
    assert steps <= set(events.ACTIONS) and steps <= set(access.CHECKS)
    assert {"transfer.requested", "credit.transferred", "transfer.advised", "transfer.rejected"} <= set(
        events.WEBHOOK_TYPES)
    assert "transfer_credit" not in events.ACTIONS


def test_the_transfer_labels_read_in_traditional_chinese() -> None:
    from django.utils import translation

    for e in (events.TRANSFER_REQUESTED, events.TRANSFER_PREPARED, events.CREDIT_TRANSFERRED_IN,
              events.TRANSFER_ADVISED, events.TRANSFER_REJECTED):
        with translation.override("zh-hant"):
            assert not str(e.label).isascii(), e.kind
    for _, label in TransferState.choices:
        with translation.override("zh-hant"):
            assert not str(label).isascii()

