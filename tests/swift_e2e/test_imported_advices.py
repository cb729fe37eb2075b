"""Issue 18, import: an MT734 / MT754 / MT756 from a counterpart off the platform records its
refusal, payment or reimbursement against the credit it names, through the API and the portal
inbox on PostgreSQL; the messages are built by lc.swift's own builders."""

from __future__ import annotations

import datetime as dt
import hashlib
from decimal import Decimal
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from lc.integrations.keys import create_api_key
from lc.models import LetterOfCredit, Outcome, Presentation, PresentationState, SwiftMessage, Utilisation
from lc.services import money as accounts
from lc.services.messages import presentation_reference
from lc.swift import Message, build_mt734, build_mt754, build_mt756, serialise
from ledger.models import PendingEntry
from tests.api.conftest import client_with_key
from tests.portal.conftest import verified_client
from tests.swift_e2e.conftest import entry_payload, received_mt700_text

pytestmark = pytest.mark.django_db

NUMBER = "ISLB2025000777"  # the received credit's number (field 20 of the MT700)
ISSUER, US, PAYER = "ISLBHKHH", "NCBKCNBN", "PAYBGB2L"  # Island Bank (off the platform), the advising bank, a payer
MAXIMUM = Decimal("131250.00")  # USD 125,000.00 plus 5 % (39A 05/05)
PAID_ON = dt.date(2025, 6, 12)


def _api(cast: Any) -> Any:
    _, secret = create_api_key(user=cast.users["ncb.maker"], name="swift interface")
    return client_with_key(secret)


def _post(client: Any, message: Message) -> Any:
    return client.post("/api/v1/messages/", {"text": serialise(message)}, content_type="application/json")


def _received(client: Any) -> LetterOfCredit:
    response = client.post("/api/v1/messages/", {"text": received_mt700_text(NUMBER)}, content_type="application/json")
    assert response.status_code == 201, response.content
    return LetterOfCredit.objects.get(pk=response.json()["credit"])


def _mt754(amount: str, related: str = NUMBER) -> Message:
    return build_mt754(sender_bic=PAYER, receiver_bic=US, reference="PAYB754-01", related_reference=related,
                       principal=("USD", Decimal(amount)), value_date=PAID_ON)


def _sha(message: Message) -> str:
    return hashlib.sha256(serialise(message).encode("utf-8")).hexdigest()


def _kinds(credit: LetterOfCredit) -> list[str]:
    return list(PendingEntry.objects.filter(subject=credit.subject).values_list("kind", flat=True))


def test_an_mt754_records_the_payment_against_the_received_credits_availability(cast: Any) -> None:
    client = _api(cast)
    credit = _received(client)
    mt754 = _mt754("50000.00")
    response = _post(client, mt754)
    assert response.status_code == 201, response.content
    assert (response.json()["outcome"], response.json()["credit"]) == ("payment_recorded", str(credit.pk))
    now = accounts.figures(credit)
    assert (now.maximum, now.drawn, now.available) == (MAXIMUM, Decimal("50000"), MAXIMUM - Decimal("50000"))
    payload = entry_payload(credit.subject, "message.payment_recorded")
    assert payload["messages"] == [{"mt": "754", "sha256": _sha(mt754)}]
    assert payload["amount"] == {"currency": "USD", "amount": "50000.00"} and payload["value_date"] == "2025-06-12"
    assert (payload["availability"]["before"]["drawn"], payload["availability"]["after"]["drawn"]) == (
        "0.00", "50000.00")
    row = SwiftMessage.objects.get(direction="in", mt="754")
    assert (row.credit, row.outcome, row.findings) == (credit, Outcome.PAYMENT_RECORDED, [])
    assert Utilisation.objects.filter(credit=credit, kind="drawn", drawn=Decimal("50000")).count() == 1


def test_a_payment_beyond_the_availability_is_refused_and_nothing_is_written(cast: Any) -> None:
    client = _api(cast)
    credit = _received(client)
    assert _post(client, _mt754("100000.00")).status_code == 201
    before = (accounts.figures(credit), Utilisation.objects.count(), PendingEntry.objects.count(),
              SwiftMessage.objects.count())
    response = _post(client, _mt754("31250.01"))  # one cent more than the USD 31,250.00 left
    assert response.status_code == 422 and response["Content-Type"] == "application/problem+json"
    errors = response.json()["errors"]
    assert [(e["code"], e["tag"], e["line"]) for e in errors] == [("AVAILABILITY", "32A", 4)]
    assert "31,250.00" in errors[0]["message"] or "31250.00" in errors[0]["message"]
    assert (accounts.figures(credit), Utilisation.objects.count(), PendingEntry.objects.count(),
            SwiftMessage.objects.count()) == before
    assert not SwiftMessage.objects.filter(sha256=_sha(_mt754("31250.01"))).exists()
    assert _post(client, _mt754("31250.00")).status_code == 201  # exactly what is left is drawn
    assert accounts.figures(credit).available == 0


def test_a_payment_in_another_currency_is_refused_naming_the_field(cast: Any) -> None:
    client = _api(cast)
    credit = _received(client)
    message = build_mt754(sender_bic=PAYER, receiver_bic=US, reference="PAYB754-02", related_reference=NUMBER,
                          principal=("EUR", Decimal("10.00")), value_date=PAID_ON)
    response = _post(client, message)
    assert response.status_code == 422
    assert [(e["code"], e["tag"]) for e in response.json()["errors"]] == [("AVAILABILITY", "32A")]
    assert accounts.figures(credit).drawn == 0 and "message.payment_recorded" not in _kinds(credit)


def test_an_mt734_records_the_counterparts_refusal_on_the_credit_through_the_inbox(cast: Any) -> None:
    credit = _received(_api(cast))
    mt734 = build_mt734(sender_bic=ISSUER, receiver_bic=US, reference="ISLBREF-0001", presenting_reference=NUMBER,
                        utilisation_date=PAID_ON, amount=("USD", Decimal("125000.00")),
                        discrepancies=["LATE SHIPMENT: BILL OF LADING DATED 250602", "INVOICE NOT SIGNED"],
                        disposal="HOLD")
    client = verified_client(cast.users["ncb.checker"])
    response = client.post(reverse("portal:inbox"), {"text": serialise(mt734)})
    assert response.status_code == 302, response.content.decode()[:2000]
    row = SwiftMessage.objects.get(direction="in", mt="734")
    assert (row.credit, row.outcome, row.presentation) == (credit, Outcome.REFUSAL_RECORDED, None)
    payload = entry_payload(credit.subject, "message.refusal_recorded")
    assert payload["discrepancies"] == ["LATE SHIPMENT: BILL OF LADING DATED 250602", "INVOICE NOT SIGNED"]
    assert (payload["disposal"], payload["presentation"], payload["state_changed"]) == ("HOLD", None, False)
    assert payload["messages"] == [{"mt": "734", "sha256": _sha(mt734)}]
    page = client.get(reverse("portal:inbox")).content.decode()
    assert 'data-outcome="refusal_recorded"' in page


def _presentation(credit: LetterOfCredit, cast: Any, state: str, amount: str) -> Presentation:
    """A presentation made to us under the received credit, examined and forwarded to the issuer."""
    assert credit.current_terms is not None
    now = timezone.now()
    pres = Presentation.objects.create(
        credit=credit, number=1, state=state, presenter=credit.beneficiary, presented_to=cast.orgs["advising"],
        terms_version=credit.current_terms, amount_claimed=Decimal(amount), currency="USD", presented_on=PAID_ON,
        created_by=cast.users["ncb.maker"], created_at=now)
    accounts.reserve(credit, pres, now)
    return pres


@pytest.mark.parametrize(("state", "moved"), [(PresentationState.DISCREPANT, True),
                                               (PresentationState.COMPLYING, False)])
def test_the_issuers_refusal_of_our_presentation_refuses_it_by_the_state_machine(
        cast: Any, state: str, moved: bool) -> None:
    client = _api(cast)
    credit = _received(client)
    pres = _presentation(credit, cast, state, "125000.00")
    mt734 = build_mt734(sender_bic=ISSUER, receiver_bic=US, reference="ISLBREF-0002",
                        presenting_reference=presentation_reference(credit, pres), utilisation_date=PAID_ON,
                        amount=("USD", Decimal("125000.00")), discrepancies=["DOCUMENTS PRESENTED LATE"],
                        disposal="RETURN")
    response = _post(client, mt734)
    assert response.status_code == 201 and response.json()["outcome"] == "refusal_recorded"
    pres.refresh_from_db()
    row = SwiftMessage.objects.get(direction="in", mt="734")
    assert (row.presentation, row.credit) == (pres, credit)
    payload = entry_payload(credit.subject, "message.refusal_recorded")
    assert (payload["presentation"], payload["state_changed"]) == (str(pres.pk), moved)
    if moved:  # discrepant -> refused: the claim no longer holds the credit
        assert pres.state == PresentationState.REFUSED
        assert accounts.figures(credit).reserved == 0 and payload["availability"]["after"]["reserved"] == "0.00"
    else:  # complying -> refused is no move of the state machine: recorded, nothing changed
        assert pres.state == PresentationState.COMPLYING
        assert accounts.figures(credit).reserved == Decimal("125000") and payload["availability"] is None


def test_an_mt756_settles_what_was_paid(cast: Any) -> None:
    client = _api(cast)
    credit = _received(client)
    assert _post(client, _mt754("50000.00")).status_code == 201
    too_much = build_mt756(sender_bic=ISSUER, receiver_bic=US, reference="ISLB756-00", related_reference=NUMBER,
                           total_claimed=("USD", Decimal("50000.01")), amount_paid=("USD", Decimal("50000.01")),
                           value_date=PAID_ON)
    refused = _post(client, too_much)
    assert refused.status_code == 422 and refused.json()["errors"][0]["tag"] == "33A"
    mt756 = build_mt756(sender_bic=ISSUER, receiver_bic=US, reference="ISLB756-01", related_reference=NUMBER,
                        total_claimed=("USD", Decimal("50000.00")), amount_paid=("USD", Decimal("50000.00")),
                        value_date=PAID_ON + dt.timedelta(days=2))
    response = _post(client, mt756)
    assert response.status_code == 201 and response.json()["outcome"] == "reimbursement_recorded"
    now = accounts.figures(credit)
    assert (now.drawn, now.settled) == (Decimal("50000"), Decimal("50000"))
    payload = entry_payload(credit.subject, "message.reimbursement_recorded")
    assert payload["messages"] == [{"mt": "756", "sha256": _sha(mt756)}]
    assert (payload["amount"]["amount"], payload["value_date"]) == ("50000.00", "2025-06-14")
    assert payload["availability"]["after"]["settled"] == "50000.00"


def test_an_advice_naming_no_credit_is_kept_unmatched_with_a_note(cast: Any) -> None:
    client = _api(cast)
    credit = _received(client)
    kinds = _kinds(credit)
    response = _post(client, _mt754("1000.00", related="NOSUCHCREDIT01"))
    assert response.status_code == 201 and response.json()["outcome"] == "unmatched"
    row = SwiftMessage.objects.get(direction="in", mt="754")
    assert row.credit is None and [(f["code"], f["tag"]) for f in row.findings] == [("UNMATCHED", "21")]
    assert "NOSUCHCREDIT01" in row.findings[0]["message"]
    assert accounts.figures(credit).drawn == 0 and _kinds(credit) == kinds
    assert PendingEntry.objects.filter(kind="message.imported", subject=f"swift:{row.batch}").count() == 1
