"""Issue 18, "We speak SWIFT": an imported advice takes effect on our presentation.

The issuing bank (Island Bank, off the platform) refuses by MT734 the documents a presentation
made to us (the advising bank, Ningbo Coastal) carried: the presentation gets its single refusal
notice (art. 16(c)). It reimburses by MT756 what we honoured: the presentation is reimbursed and
settled, when the amounts are exactly what we claimed. Through POST /api/v1/messages/ on
PostgreSQL, messages built with lc.swift's builders, as a bank's SWIFT interface would pass them.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from lc.integrations.keys import create_api_key
from lc.models import (
    Disposal,
    LetterOfCredit,
    Outcome,
    Presentation,
    PresentationState,
    RefusalNotice,
    SwiftMessage,
    Utilisation,
)
from lc.services import money as accounts
from lc.services.messages import presentation_reference
from lc.swift import Message, build_mt734, build_mt756, serialise
from ledger.models import PendingEntry
from tests.api.conftest import client_with_key
from tests.portal.conftest import verified_client
from tests.swift_e2e.conftest import entry_payload
from tests.swift_e2e.test_imported_advices import (
    ISSUER,
    NUMBER,
    PAID_ON,
    US,
    _api,
    _post,
    _presentation,
    _received,
    _sha,
)

pytestmark = pytest.mark.django_db

CLAIM = Decimal("125000.00")
# 77B codes as SWIFT defines them -> UCP 600 art. 16(c)(iii) disposals (written out, not read
# from the code's table, so that a change to the table fails here).
DISPOSALS = {
    "HOLD": Disposal.HOLD_PENDING_INSTRUCTIONS,
    "NOTIFY": Disposal.HOLD_UNTIL_WAIVER,
    "PREVINST": Disposal.PRIOR_INSTRUCTIONS,
    "RETURN": Disposal.RETURNING,
}


def _mt734(related: str, *, disposal: str = "NOTIFY", reference: str = "ISLBREF-0100", receiver: str = US,
           charges: str = "", total: Decimal | None = None) -> Message:
    return build_mt734(sender_bic=ISSUER, receiver_bic=receiver, reference=reference, presenting_reference=related,
                       utilisation_date=PAID_ON, amount=("USD", CLAIM),
                       discrepancies=["LATE SHIPMENT: BILL OF LADING DATED 250602", "INVOICE NOT SIGNED"],
                       disposal=disposal, charges_claimed=charges,
                       total_claimed=("USD", total) if total is not None else None)


def _mt756(related: str, paid: str, claimed: str | None = None, reference: str = "ISLB756-10") -> Message:
    return build_mt756(sender_bic=ISSUER, receiver_bic=US, reference=reference, related_reference=related,
                       total_claimed=("USD", Decimal(claimed or paid)), amount_paid=("USD", Decimal(paid)),
                       value_date=PAID_ON + dt.timedelta(days=3))


def _entries(credit: LetterOfCredit) -> list[str]:
    return list(PendingEntry.objects.filter(subject=credit.subject).order_by("id").values_list("kind", flat=True))


def _written() -> tuple[int, int, int, int]:
    return (SwiftMessage.objects.count(), PendingEntry.objects.count(), RefusalNotice.objects.count(),
            Utilisation.objects.count())


def _honoured(credit: LetterOfCredit, cast: Any, amount: Decimal = CLAIM) -> Presentation:
    """A presentation made to us that we honoured (negotiated): its reservation became a drawing."""
    pres = _presentation(credit, cast, PresentationState.COMPLYING, str(amount))
    now = timezone.now()
    accounts.draw(credit, pres, pres.amount_claimed, amount, now)
    Presentation.objects.filter(pk=pres.pk).update(state=PresentationState.HONOURED, honoured_amount=amount,
                                                   honoured_at=now, honour_type="negotiation")
    pres.refresh_from_db()
    return pres


# -- MT734: the issuing bank's refusal of our presentation.

@pytest.mark.parametrize(("code", "disposal"), sorted(DISPOSALS.items()))
def test_the_issuers_mt734_gives_our_presentation_its_refusal_notice_with_the_mapped_disposal(
        cast: Any, code: str, disposal: str) -> None:
    client = _api(cast)
    credit = _received(client)
    pres = _presentation(credit, cast, PresentationState.DISCREPANT, str(CLAIM))
    mt734 = _mt734(presentation_reference(credit, pres), disposal=code, charges="USD 80.00 DISCREPANCY FEE",
                   total=Decimal("125080.00"))
    before = _entries(credit)
    response = _post(client, mt734)
    assert response.status_code == 201, response.content
    assert response.json()["outcome"] == "refusal_recorded"
    notice = RefusalNotice.objects.get()
    assert (notice.presentation, notice.refusing_bank, notice.disposal, notice.sent_by) == (
        pres, credit.issuing_bank, disposal, cast.users["ncb.maker"])
    assert [d["text"] for d in notice.discrepancies] == ["LATE SHIPMENT: BILL OF LADING DATED 250602",
                                                         "INVOICE NOT SIGNED"]
    for shown in ("ISLBREF-0100", "2025-06-12", "USD 125000.00", "USD 80.00 DISCREPANCY FEE", "USD 125080.00",
                  str(Disposal(disposal).label)):
        assert shown in notice.text
    pres.refresh_from_db()
    assert pres.state == PresentationState.REFUSED and accounts.figures(credit).reserved == 0
    assert _entries(credit) == [*before, "message.refusal_recorded"]  # exactly one entry, of its kind
    payload = entry_payload(credit.subject, "message.refusal_recorded")
    assert payload["messages"] == [{"mt": "734", "sha256": _sha(mt734)}]
    assert (payload["notice"], payload["presentation"], payload["state_changed"]) == (str(notice.pk), str(pres.pk),
                                                                                      True)
    assert (payload["disposal"], payload["utilisation_date"], payload["amount"]) == (
        code, "2025-06-12", {"currency": "USD", "amount": "125000.00"})
    assert (payload["charges"], payload["total"]) == ("USD 80.00 DISCREPANCY FEE",
                                                      {"currency": "USD", "amount": "125080.00"})
    assert payload["findings"] == []


def test_the_same_mt734_imported_again_changes_nothing(cast: Any) -> None:
    client = _api(cast)
    credit = _received(client)
    pres = _presentation(credit, cast, PresentationState.DISCREPANT, str(CLAIM))
    mt734 = _mt734(presentation_reference(credit, pres))
    assert _post(client, mt734).status_code == 201
    written = _written()
    again = _post(client, mt734)
    assert again.status_code == 409 and again["Content-Type"] == "application/problem+json"
    assert "already been imported" in again.json()["detail"]
    assert _written() == written and RefusalNotice.objects.filter(presentation=pres).count() == 1


def test_a_second_refusal_of_the_same_presentation_is_kept_but_makes_no_second_notice(cast: Any) -> None:
    client = _api(cast)
    credit = _received(client)
    pres = _presentation(credit, cast, PresentationState.DISCREPANT, str(CLAIM))
    assert _post(client, _mt734(presentation_reference(credit, pres))).status_code == 201
    first = RefusalNotice.objects.get()
    resent = _mt734(presentation_reference(credit, pres), reference="ISLBREF-0101", disposal="RETURN")
    response = _post(client, resent)
    assert response.status_code == 201
    assert list(RefusalNotice.objects.all()) == [first] and first.disposal == Disposal.HOLD_UNTIL_WAIVER
    row = SwiftMessage.objects.get(sha256=_sha(resent))
    assert [(f["code"], f["tag"]) for f in row.findings] == [("REFUSED", "77J")]
    entries = PendingEntry.objects.filter(subject=credit.subject, kind="message.refusal_recorded").count()
    assert entries == 2


def test_a_refusal_after_we_honoured_gets_its_notice_but_the_state_machine_keeps_it_honoured(cast: Any) -> None:
    client = _api(cast)
    credit = _received(client)
    pres = _honoured(credit, cast)
    drawn = accounts.figures(credit)
    assert _post(client, _mt734(presentation_reference(credit, pres))).status_code == 201
    assert RefusalNotice.objects.get().presentation == pres
    pres.refresh_from_db()
    assert pres.state == PresentationState.HONOURED and accounts.figures(credit) == drawn
    payload = entry_payload(credit.subject, "message.refusal_recorded")
    assert (payload["state_changed"], payload["availability"]) == (False, None)


@pytest.mark.parametrize("related", [f"{NUMBER}-9", "NOSUCHCREDIT-1", "NOSUCHCREDIT01"])
def test_an_mt734_naming_nothing_we_hold_is_refused_and_nothing_is_written(cast: Any, related: str) -> None:
    client = _api(cast)
    credit = _received(client)
    pres = _presentation(credit, cast, PresentationState.DISCREPANT, str(CLAIM))
    written = _written()
    response = _post(client, _mt734(related, reference="ISLBREF-0200"))
    assert response.status_code == 422 and response["Content-Type"] == "application/problem+json"
    errors = response.json()["errors"]
    assert [(e["code"], e["tag"], e["line"]) for e in errors] == [("REFERENCE", "21", 3)]
    assert related in errors[0]["message"] and "nothing was imported" in errors[0]["message"]
    assert _written() == written
    pres.refresh_from_db()
    assert pres.state == PresentationState.DISCREPANT


def test_the_inbox_shows_why_an_mt734_naming_nothing_was_turned_back(cast: Any) -> None:
    credit = _received(_api(cast))
    written = _written()
    client = verified_client(cast.users["ncb.checker"])
    response = client.post(reverse("portal:inbox"), {"text": serialise(_mt734(f"{NUMBER}-7"))})
    assert response.status_code == 422
    assert f"{NUMBER}-7 names no credit or presentation of {credit.advising_bank.name}" in response.content.decode()
    assert _written() == written


def test_a_presentation_made_to_another_bank_cannot_be_refused_through_our_import(cast: Any) -> None:
    client = _api(cast)
    credit = _received(client)
    pres = _presentation(credit, cast, PresentationState.DISCREPANT, str(CLAIM))
    Presentation.objects.filter(pk=pres.pk).update(presented_to=credit.issuing_bank)
    written = _written()
    response = _post(client, _mt734(presentation_reference(credit, pres)))
    assert response.status_code == 422 and response.json()["errors"][0]["code"] == "REFERENCE"
    assert _written() == written


def test_a_stranger_bank_can_neither_refuse_our_presentation_nor_see_its_notice(cast: Any) -> None:
    client = _api(cast)
    credit = _received(client)
    pres = _presentation(credit, cast, PresentationState.DISCREPANT, str(CLAIM))
    _, secret = create_api_key(user=cast.users["tmb.maker"], name="swift interface")
    stranger = client_with_key(secret)
    ref = presentation_reference(credit, pres)
    written = _written()
    response = _post(stranger, _mt734(ref, receiver="TMBKGB2L"))
    nowhere = _post(stranger, _mt734("NOSUCHCREDIT-1", receiver="TMBKGB2L", reference="ISLBREF-0300"))
    assert response.status_code == nowhere.status_code == 422
    # The same words whether the presentation exists at another bank or nowhere.
    assert response.json()["errors"][0]["message"].replace(ref, "X") == nowhere.json()["errors"][0][
        "message"].replace("NOSUCHCREDIT-1", "X").replace("ISLBREF-0300", "ISLBREF-0100")
    assert _written() == written
    assert _post(client, _mt734(ref)).status_code == 201
    notice = RefusalNotice.objects.get()
    assert client.get(f"/api/v1/refusals/{notice.pk}/").json()["disposal"] == Disposal.HOLD_UNTIL_WAIVER
    assert stranger.get(f"/api/v1/refusals/{notice.pk}/").status_code == 404
    assert str(notice.pk) not in stranger.get("/api/v1/refusals/").content.decode()
    page = reverse("portal:refusal", args=[credit.pk, pres.pk])
    shown = verified_client(cast.users["ncb.checker"]).get(page)
    assert shown.status_code == 200 and "INVOICE NOT SIGNED" in shown.content.decode()
    assert verified_client(cast.users["tmb.maker"]).get(page).status_code == 404


# -- MT756: the issuing bank reimburses what we honoured.

def test_an_mt756_for_exactly_our_claim_reimburses_and_settles_our_presentation(cast: Any) -> None:
    client = _api(cast)
    credit = _received(client)
    pres = _honoured(credit, cast)
    mt756 = _mt756(presentation_reference(credit, pres), "125000.00")
    before = _entries(credit)
    response = _post(client, mt756)
    assert response.status_code == 201 and response.json()["outcome"] == "reimbursement_recorded"
    pres.refresh_from_db()
    assert pres.state == PresentationState.SETTLED
    assert pres.reimbursed_at is not None and pres.reimbursed_at == pres.settled_at
    now = accounts.figures(credit)
    assert (now.drawn, now.settled) == (CLAIM, CLAIM)
    assert Utilisation.objects.filter(credit=credit, kind="settled", presentation=pres, settled=CLAIM).count() == 1
    assert _entries(credit) == [*before, "message.reimbursement_recorded"]
    payload = entry_payload(credit.subject, "message.reimbursement_recorded")
    assert payload["messages"] == [{"mt": "756", "sha256": _sha(mt756)}]
    assert (payload["presentation"], payload["state_changed"], payload["moves"], payload["state"]) == (
        str(pres.pk), True, ["reimbursed", "settled"], "settled")
    assert payload["claimed"] == payload["amount"] == {"currency": "USD", "amount": "125000.00"}
    assert (payload["flagged"], payload["findings"]) == ([], [])
    row = SwiftMessage.objects.get(sha256=_sha(mt756))
    assert (row.presentation, row.outcome, row.findings) == (pres, Outcome.REIMBURSEMENT_RECORDED, [])


@pytest.mark.parametrize(("paid", "claimed", "flags"), [
    ("124999.99", "125000.00", [("AMOUNT", "33A")]),  # one cent short
    ("125000.01", "125000.01", [("AMOUNT", "33A"), ("AMOUNT", "32B")]),  # one cent over, and another claim
    ("125000.00", "125080.00", [("AMOUNT", "32B")]),  # paid as claimed, but against another total
])
def test_an_mt756_for_another_amount_is_recorded_flagged_and_applied_to_nothing(
        cast: Any, paid: str, claimed: str, flags: list[tuple[str, str]]) -> None:
    client = _api(cast)
    credit = _received(client)
    pres = _honoured(credit, cast)
    account = accounts.figures(credit)
    mt756 = _mt756(presentation_reference(credit, pres), paid, claimed)
    response = _post(client, mt756)
    assert response.status_code == 201 and response.json()["outcome"] == "reimbursement_recorded"
    row = SwiftMessage.objects.get(sha256=_sha(mt756))
    assert [(f["code"], f["tag"]) for f in row.findings] == flags
    assert "125000.00 claimed for presentation 1" in row.findings[0]["message"]
    pres.refresh_from_db()
    assert (pres.state, pres.reimbursed_at) == (PresentationState.HONOURED, None)
    assert accounts.figures(credit) == account
    payload = entry_payload(credit.subject, "message.reimbursement_recorded")
    assert (payload["state_changed"], payload["availability"]) == (False, None)
    assert payload["flagged"] == [code for code, _ in flags]
    assert [(f["code"], f["tag"]) for f in payload["findings"]] == flags
    # The exact reimbursement, when it comes, is applied.
    assert _post(client, _mt756(presentation_reference(credit, pres), "125000.00", reference="ISLB756-11")
                 ).status_code == 201
    pres.refresh_from_db()
    assert pres.state == PresentationState.SETTLED and accounts.figures(credit).settled == CLAIM


def test_an_mt756_for_a_presentation_not_honoured_is_flagged_and_changes_nothing(cast: Any) -> None:
    client = _api(cast)
    credit = _received(client)
    pres = _presentation(credit, cast, PresentationState.COMPLYING, str(CLAIM))
    account = accounts.figures(credit)
    mt756 = _mt756(presentation_reference(credit, pres), "125000.00")
    assert _post(client, mt756).status_code == 201
    assert [f["code"] for f in SwiftMessage.objects.get(sha256=_sha(mt756)).findings] == ["STATE"]
    pres.refresh_from_db()
    assert pres.state == PresentationState.COMPLYING and accounts.figures(credit) == account


def test_an_mt756_naming_a_presentation_we_do_not_hold_is_refused_and_nothing_is_written(cast: Any) -> None:
    client = _api(cast)
    credit = _received(client)
    _honoured(credit, cast)
    written = _written()
    response = _post(client, _mt756(f"{NUMBER}-2", "125000.00"))
    assert response.status_code == 422
    assert [(e["code"], e["tag"]) for e in response.json()["errors"]] == [("REFERENCE", "21")]
    assert _written() == written
