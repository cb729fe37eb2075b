"""Issue 18 end to end, on the real services, PostgreSQL and the portal and API: what each
action sends is stored append-only, parses back to what was decided, and its SHA-256 is in
the action's one ledger entry; imports are validated, applied or kept as refused."""

from __future__ import annotations

import datetime as dt
import hashlib
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection, transaction
from django.db.utils import DatabaseError
from django.urls import reverse

from lc import services
from lc.examination.types import Bank, CreditTerms
from lc.integrations.keys import create_api_key
from lc.models import AmendmentState, CreditState, LetterOfCredit, Organization, Outcome, SwiftMessage
from lc.portal.dashboard import STATE_TONES
from lc.scenarios import Story, example_documents
from lc.services.amendments import amended_terms
from lc.swift import directory_of, mt700_to_terms, mt707_to_amendment, parse, read_mt734
from ledger.models import AppendOnlyError, PendingEntry
from tests.api.conftest import client_with_key
from tests.portal.conftest import verified_client
from tests.swift_e2e.conftest import entry_payload, received_mt700_text, with_bad_character

pytestmark = pytest.mark.django_db


def _directory(credit: LetterOfCredit) -> Any:
    return directory_of([Bank(name=o.name, bic=o.bic, country=o.country) for o in credit.parties() if o.is_bank])


def _sent(credit: LetterOfCredit, mt: str) -> SwiftMessage:
    return SwiftMessage.objects.get(credit=credit, direction="out", mt=mt)


def test_issuing_in_the_portal_sends_an_mt700_that_parses_back_to_the_issued_terms(story: Story) -> None:
    story.apply()
    story.submit()
    story.prepare()
    checker = verified_client(story.cast.users["vhb.checker"])
    response = checker.post(reverse("portal:act", args=[story.credit_id, "approve"]), {"amount": "125000.00"})
    assert response.status_code == 302
    credit = LetterOfCredit.objects.get(pk=story.credit_id)
    assert credit.state == CreditState.ISSUED
    mt700 = _sent(credit, "700")
    assert (mt700.sender_org, mt700.receiver_org) == (story.cast.orgs["issuing"], story.cast.orgs["advising"])
    assert (mt700.sender_bic, mt700.receiver_bic, mt700.reference) == ("VHBKHKHH", "NCBKCNBN", credit.reference)
    assert mt700.sha256 == hashlib.sha256(mt700.text.encode("utf-8")).hexdigest()
    back = mt700_to_terms([parse(mt700.text)], directory=_directory(credit)).terms
    assert credit.current_terms is not None
    assert back == CreditTerms.from_dict(credit.current_terms.terms)
    assert entry_payload(credit.subject, "lc.issued")["messages"] == [{"mt": "700", "sha256": mt700.sha256}]


def test_issuing_an_amendment_sends_an_mt707_that_parses_back_to_the_amended_terms(story: Story) -> None:
    credit = story.issued()
    users = story.cast.users
    changes = {"amount": "140000.00", "expiry_date": (credit.expiry_date + dt.timedelta(days=30)).isoformat()}
    amendment = services.propose_amendment(actor=users["hhl.treasury"], credit_id=credit.pk, changes=changes)
    services.prepare_amendment(actor=users["vhb.maker"], amendment_id=amendment.pk)
    services.issue_amendment(actor=users["vhb.checker"], amendment_id=amendment.pk)
    mt707 = _sent(credit, "707")
    assert mt707.amendment_id == amendment.pk and mt707.receiver_org == story.cast.orgs["advising"]
    assert credit.current_terms is not None
    got = mt707_to_amendment([parse(mt707.text)], base=CreditTerms.from_dict(credit.current_terms.terms))
    credit.refresh_from_db()
    assert got.number == 1
    assert got.terms == CreditTerms.from_dict(amended_terms(credit, changes))
    assert entry_payload(credit.subject, "amendment.issued")["messages"] == [{"mt": "707", "sha256": mt707.sha256}]
    services.accept_amendment(actor=users["nef.exports"], amendment_id=amendment.pk)
    mt730 = _sent(credit, "730")  # the advising bank tells the issuing bank the beneficiary's answer
    assert "AMENDMENT 1 ACCEPTED BY THE BENEFICIARY" in mt730.text
    assert entry_payload(credit.subject, "amendment.accepted")["messages"] == [{"mt": "730", "sha256": mt730.sha256}]


def test_a_refusal_sends_an_mt734_listing_exactly_the_confirmed_discrepancies(story: Story) -> None:
    story.issued()
    story.advise()
    docs = example_documents(story.shift)
    docs[5].data["issue_date"] = (dt.date(2025, 5, 29) + dt.timedelta(days=story.shift)).isoformat()  # C24
    story.present(documents=docs)
    pres = story.examine()
    examiner = story.cast.users["ncb.examiner"]
    confirmed = [d.text for d in pres.discrepancies.filter(status="confirmed").order_by("code", "created_at")]
    withdrawn = list(pres.discrepancies.filter(status="withdrawn").values_list("text", flat=True))
    assert confirmed
    services.refuse_presentation(actor=examiner, presentation_id=pres.pk, disposal="hold_pending_instructions",
                                 now=story.at(100))
    credit = LetterOfCredit.objects.get(pk=story.credit_id)
    mt734 = _sent(credit, "734")
    refusal = read_mt734(parse(mt734.text))
    assert list(refusal.discrepancies) == confirmed and not set(withdrawn) & set(refusal.discrepancies)
    assert refusal.disposal == "HOLD" and refusal.amount == ("USD", pres.amount_claimed)
    assert (mt734.sender_org, mt734.receiver_org) == (story.cast.orgs["advising"], story.cast.orgs["issuing"])
    assert entry_payload(credit.subject, "presentation.refused")["messages"] == [{"mt": "734", "sha256": mt734.sha256}]


def test_a_nominated_banks_waiver_request_sends_mt750_and_the_waiver_an_mt752(story: Story) -> None:
    story.issued()
    story.advise()
    docs = example_documents(story.shift)
    docs[5].data["issue_date"] = (dt.date(2025, 5, 29) + dt.timedelta(days=story.shift)).isoformat()  # C24
    story.present(documents=docs)
    pres = story.examine()
    confirmed = [d.text for d in pres.discrepancies.filter(status="confirmed").order_by("code", "created_at")]
    services.request_waiver(actor=story.cast.users["ncb.examiner"], presentation_id=pres.pk, now=story.at(100))
    services.decide_waiver(actor=story.cast.users["hhl.treasury"], presentation_id=pres.pk, waive=True,
                           now=story.at(100, 14))
    credit = LetterOfCredit.objects.get(pk=story.credit_id)
    mt750, mt752 = _sent(credit, "750"), _sent(credit, "752")
    assert (mt750.sender_bic, mt750.receiver_bic, mt752.sender_bic, mt752.receiver_bic) == (
        "NCBKCNBN", "VHBKHKHH", "VHBKHKHH", "NCBKCNBN")
    assert read_mt734_like_77j(mt750.text) == confirmed
    assert mt752.related_reference == mt750.reference  # the authorisation answers the advice
    assert entry_payload(credit.subject, "presentation.waived")["messages"] == [{"mt": "752", "sha256": mt752.sha256}]


def read_mt734_like_77j(text: str) -> list[str]:
    """77J's '+' items, as read_mt734 reads them."""
    lines = list(parse(text).all("77J")[0].lines)
    items: list[list[str]] = []
    for line in lines:
        if line.startswith("+") or not items:
            items.append([line])
        else:
            items[-1].append(line)
    return [" ".join(i).removeprefix("+") for i in items]


def test_honour_by_the_nominated_bank_and_reimbursement_send_mt754_and_mt756(story: Story) -> None:
    story.issued()
    story.advise()
    story.present()
    story.examine()
    pres = story.honour()
    story.reimburse()
    credit = LetterOfCredit.objects.get(pk=story.credit_id)
    mt754, mt756 = _sent(credit, "754"), _sent(credit, "756")
    assert (mt754.sender_bic, mt754.receiver_bic) == ("NCBKCNBN", "VHBKHKHH")
    assert (mt756.sender_bic, mt756.receiver_bic) == ("VHBKHKHH", "NCBKCNBN")
    assert ":32A:" in mt754.text and f"USD{pres.honoured_amount:.2f}".replace(".", ",") in mt754.text
    assert entry_payload(credit.subject, "presentation.reimbursed")["messages"] == [
        {"mt": "756", "sha256": mt756.sha256}]


def test_an_imported_mt700_with_a_bad_character_is_refused_with_m60_naming_the_field(cast: Any) -> None:
    _, secret = create_api_key(user=cast.users["ncb.maker"], name="swift interface")
    client = client_with_key(secret)
    credits_before = LetterOfCredit.objects.count()
    response = client.post("/api/v1/messages/", {"text": with_bad_character(received_mt700_text())},
                           content_type="application/json")
    assert response.status_code == 422 and response["Content-Type"] == "application/problem+json"
    m60 = [e for e in response.json()["errors"] if e["code"] == "M60"]
    assert [(e["tag"], e["field"]) for e in m60] == [("31D", "Date and Place of Expiry")]
    assert m60[0]["line"] == received_mt700_text().splitlines().index(
        next(ln for ln in received_mt700_text().splitlines() if ln.startswith(":31D:"))) + 1
    assert LetterOfCredit.objects.count() == credits_before  # nothing applied
    kept = SwiftMessage.objects.get(direction="in", receiver_org=cast.orgs["advising"])
    assert kept.outcome == Outcome.REFUSED and kept.credit is None and kept.findings[0]["code"] == "M60"


def test_the_inbox_shows_a_refused_import_per_line_and_field(cast: Any) -> None:
    client = verified_client(cast.users["ncb.maker"])
    response = client.post(reverse("portal:inbox"), {"text": with_bad_character(received_mt700_text())})
    assert response.status_code == 422
    page = response.content.decode()
    assert 'data-code="M60" data-tag="31D"' in page and "Date and Place of Expiry" in page
    assert client.get(reverse("portal:inbox")).content.decode().count('data-outcome="refused"') == 1


def test_an_mt700_from_a_bank_off_the_platform_becomes_a_received_credit_that_the_advising_bank_advises(
        cast: Any) -> None:
    maker = cast.users["ncb.maker"]
    result = services_import(maker, received_mt700_text())
    credit = result.credit
    assert result.outcome == Outcome.CREDIT_RECEIVED and credit is not None
    assert (credit.state, credit.reference, credit.advising_bank) == (CreditState.RECEIVED, "ISLB2025000777",
                                                                       cast.orgs["advising"])
    assert credit.issuing_bank.bic == "ISLBHKHH" and not credit.issuing_bank.users.exists()
    assert credit.amount == Decimal("125000.00")
    payload = entry_payload(credit.subject, "lc.received")
    assert payload["messages"] == [{"mt": r.mt, "sha256": r.sha256} for r in result.rows]
    assert set(STATE_TONES) == set(CreditState.values)  # the dashboard's chart knows every state
    page = verified_client(maker).get(reverse("portal:dashboard")).content.decode()
    assert credit.reference in page  # waiting in "Credits to advise"
    services.advise_credit(actor=maker, credit_id=credit.pk)
    credit.refresh_from_db()
    assert credit.state == CreditState.ADVISED


def services_import(actor: Any, text: str) -> Any:
    from lc.services.inbound import import_messages

    return import_messages(actor=actor, text=text)


def test_an_mt707_from_the_off_platform_bank_issues_an_amendment_awaiting_the_beneficiary(cast: Any) -> None:
    from lc.examination.samples import worked_example_credit
    from lc.swift import amendment_to_mt707, serialise

    credit = services_import(cast.users["ncb.maker"], received_mt700_text()).credit
    assert credit is not None and credit.current_terms is not None
    base = CreditTerms.from_dict(credit.current_terms.terms)
    messages = amendment_to_mt707(base=base, changes={"amount": "150000.00"}, number=1,
                                  amendment_date=worked_example_credit().issue_date + dt.timedelta(days=20))
    result = services_import(cast.users["ncb.checker"], "".join(serialise(m) for m in messages))
    assert result.outcome == Outcome.AMENDMENT_APPLIED
    amendment = credit.amendments.get()
    assert amendment.state == AmendmentState.ISSUED and amendment.changes == {"amount": "150000.00"}


def test_the_advising_banks_copy_of_a_platform_mt700_is_matched_by_hash(story: Story) -> None:
    credit = story.issued()
    text = _sent(credit, "700").text
    before = LetterOfCredit.objects.count()
    result = services_import(story.cast.users["ncb.maker"], text.replace("\r\n", "\n"))  # line ends as pasted
    assert result.outcome == Outcome.MATCHED and result.credit == credit
    assert LetterOfCredit.objects.count() == before


def test_a_counterparts_refusal_is_recorded_against_the_received_credit(cast: Any) -> None:
    from lc.swift import build_mt734, serialise

    credit = services_import(cast.users["ncb.maker"], received_mt700_text()).credit
    assert credit is not None
    mt734 = build_mt734(sender_bic="ISLBHKHH", receiver_bic="NCBKCNBN", reference="ISLB2025000777",
                        presenting_reference="NCBPRES0001", utilisation_date=dt.date(2025, 6, 10),
                        amount=("USD", Decimal("125000.00")), discrepancies=["Late shipment"], disposal="RETURN")
    result = services_import(cast.users["ncb.maker"], serialise(mt734))
    assert (result.outcome, result.credit) == (Outcome.REFUSAL_RECORDED, credit)
    assert entry_payload(credit.subject, "message.refusal_recorded")["discrepancies"] == ["Late shipment"]


@pytest.mark.parametrize("value", ["NINGBO\r\n:20:FAKE", "NINGBO\n:20:FAKE", "NINGBO -}{4:", "NINGBÖ"])
def test_no_terms_value_can_inject_a_field_through_the_api(cast: Any, value: str) -> None:
    _, secret = create_api_key(user=cast.users["hhl.treasury"], name="erp")
    client = client_with_key(secret)
    from lc.scenarios import example_terms

    entries, credits = PendingEntry.objects.count(), LetterOfCredit.objects.count()
    body = {"terms": example_terms(expiry_place=value), "beneficiary": str(cast.orgs["exporter"].pk),
            "issuing_bank": str(cast.orgs["issuing"].pk), "advising_bank": str(cast.orgs["advising"].pk)}
    response = client.post("/api/v1/credits/", body, content_type="application/json")
    assert 400 <= response.status_code < 500 and response["Content-Type"] == "application/problem+json"
    assert "expiry_place" in {e["field"] for e in response.json()["errors"]}
    assert (PendingEntry.objects.count(), LetterOfCredit.objects.count()) == (entries, credits)
    assert not SwiftMessage.objects.exists()


def test_a_maker_cannot_prepare_terms_that_would_inject_a_field(story: Story) -> None:
    from lc.errors import InvalidInput

    story.apply()
    story.submit()
    terms = {**story.terms, "additional_conditions": ["ALL DOCUMENTS IN ENGLISH\r\n:72Z:PAY AT ONCE"]}
    with pytest.raises(InvalidInput) as refused:
        services.prepare_credit(actor=story.cast.users["vhb.maker"], credit_id=story.credit_id, terms=terms)
    assert {(e["field"], e["code"]) for e in refused.value.errors} == {("additional_conditions[0]", "INJECTION")}
    assert LetterOfCredit.objects.get(pk=story.credit_id).state == CreditState.SUBMITTED


def test_stored_messages_are_append_only_three_ways(story: Story) -> None:
    from django.contrib import admin

    from lc.admin import SwiftMessageAdmin

    credit = story.issued()
    row = _sent(credit, "700")
    with pytest.raises(AppendOnlyError):
        row.save()
    with pytest.raises(AppendOnlyError):
        row.delete()
    for sql in ("UPDATE lc_swiftmessage SET text = 'x'", "DELETE FROM lc_swiftmessage"):
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cur:
            cur.execute("SET LOCAL session_replication_role = replica")  # ENABLE ALWAYS: still refused
            cur.execute(sql)
    with connection.cursor() as cur:  # TRUNCATE cannot run inside the test's transaction: its trigger is checked
        cur.execute("SELECT tgname, tgenabled FROM pg_trigger WHERE tgrelid = 'lc_swiftmessage'::regclass "
                    "AND NOT tgisinternal ORDER BY tgname")
        assert cur.fetchall() == [("lc_swiftmessage_no_truncate", "A"), ("lc_swiftmessage_no_update_delete", "A")]
    page = SwiftMessageAdmin(SwiftMessage, admin.site)
    request: Any = type("R", (), {"user": story.cast.users["vhb.maker"]})()
    assert not (page.has_add_permission(request) or page.has_change_permission(request, row)
                or page.has_delete_permission(request, row))
    assert SwiftMessage.objects.get(pk=row.pk).text == row.text


def test_other_organisations_get_404_for_a_credits_messages(story: Story) -> None:
    credit = story.issued()
    row = _sent(credit, "700")
    for username in ("tmb.maker", "hhl.treasury"):  # a stranger bank, and the applicant (not a SWIFT party)
        _, secret = create_api_key(user=story.cast.users[username], name="k")
        client = client_with_key(secret)
        assert client.get(f"/api/v1/messages/{row.pk}/").status_code == 404
        assert client.get(f"/api/v1/messages/{row.pk}/raw/").status_code == 404
        assert client.get("/api/v1/messages/", {"credit": str(credit.pk)}).json()["results"] == []
    assert verified_client(story.cast.users["tmb.maker"]).get(
        reverse("portal:message-raw", args=[row.pk])).status_code == 404
    _, secret = create_api_key(user=story.cast.users["ncb.maker"], name="k")
    advising = client_with_key(secret)
    listed = advising.get("/api/v1/messages/", {"credit": str(credit.pk)}).json()["results"]
    assert [m["mt"] for m in listed] == ["700"] and listed[0]["content"][0]["tag"] == "27"
    raw = advising.get(f"/api/v1/messages/{row.pk}/raw/")
    assert raw.content.decode() == row.text and raw["ETag"] == f'"{row.sha256}"'


def test_the_credit_page_has_a_messages_tab_with_named_fields(story: Story) -> None:
    credit = story.issued()
    client = verified_client(story.cast.users["ncb.maker"])
    assert reverse("portal:credit-messages", args=[credit.pk]) in client.get(
        reverse("portal:credit", args=[credit.pk])).content.decode()
    page = client.get(reverse("portal:credit-messages", args=[credit.pk])).content.decode()
    assert 'data-mt="700"' in page and "Date and Place of Expiry" in page
    assert Organization.objects.filter(bic="VHBKHKHH").exists()


def test_sr2026_goods_codes_are_kept_structured_and_checked_with_the_field_named(cast: Any) -> None:
    from lc.errors import InvalidInput
    from tests.portal.conftest import current_shift

    good = Story(cast, timezone_now(), shift_days=current_shift())
    good.terms["goods"][0].update(incoterm="CIF", hs_codes=["961700"])
    credit = good.issued()
    assert credit.current_terms is not None
    assert credit.current_terms.terms["goods"][0]["hs_codes"] == ["961700"]
    assert "INCOTERM CIF HS CODE 961700" in _sent(credit, "700").text
    bad = Story(cast, timezone_now(), shift_days=current_shift())
    bad.terms["goods"][0].update(incoterm="XYZ", hs_codes=["9617.00"])
    with pytest.raises(InvalidInput) as refused:
        bad.apply()
    assert {e["field"] for e in refused.value.errors} == {"goods[0].incoterm", "goods[0].hs_codes[0]"}


def timezone_now() -> Any:
    from django.utils import timezone

    return timezone.now()


def test_the_api_imports_a_received_credit_and_a_second_copy_is_refused(cast: Any) -> None:
    _, secret = create_api_key(user=cast.users["ncb.maker"], name="swift interface")
    client = client_with_key(secret)
    response = client.post("/api/v1/messages/", {"text": received_mt700_text()}, content_type="application/json")
    assert response.status_code == 201, response.content
    body = response.json()
    credit = LetterOfCredit.objects.get(pk=body["credit"])
    assert body["outcome"] == "credit_received" and credit.state == CreditState.RECEIVED
    assert [m["mt"] for m in body["messages"]] == ["700"] and body["messages"][0]["credit"] == str(credit.pk)
    again = client.post("/api/v1/messages/", {"text": received_mt700_text()}, content_type="application/json")
    assert again.status_code == 409 and again["Content-Type"] == "application/problem+json"
    assert SwiftMessage.objects.filter(direction="in").count() == 1
