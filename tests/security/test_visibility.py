"""What each party sees (issue 17): an amendment proposal only by the applicant and the issuing
bank until issued; other organisations' people as their organisation; internal notes (the
examiner's remarks and withdrawal reasons, the applicant's waiver note) only by the organisation
that wrote them. One test per surface, each over every audience: the portal credit page (with
its timeline), the portal's action pages, the timeline itself, the API ledger feed, the API
amendments list and detail, the API discrepancies, and webhooks."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.urls import reverse

from lc import services
from lc.integrations.keys import create_api_key
from lc.models import Amendment, WebhookDelivery, WebhookSubscription
from lc.portal.timeline import credit_timeline
from lc.scenarios import Story, example_documents
from lc.services.visibility import Audience, audience_for, redact, shown_actor
from tests.api.conftest import client_with_key
from tests.portal.conftest import verified_client

pytestmark = pytest.mark.django_db

PROPOSAL = "PROPOSAL-NARRATIVE-7Q"
EXAMINER_NOTE = "EXAMINER-REMARK-4K"
WITHDRAWAL = "WITHDRAWAL-REASON-9Z"
WAIVER_NOTE = "WAIVER-NOTE-2M"

# username -> (organisation key, sees the proposal, the notes it wrote)
AUDIENCES = {
    "hhl.treasury": ("importer", True, {WAIVER_NOTE}),  # applicant
    "vhb.maker": ("issuing", True, set()),  # issuing bank
    "nef.exports": ("exporter", False, set()),  # beneficiary
    "ncb.maker": ("advising", False, {EXAMINER_NOTE, WITHDRAWAL}),  # advising bank, its examiner wrote
}
NOTES = {EXAMINER_NOTE, WITHDRAWAL, WAIVER_NOTE}


@pytest.fixture
def book(story: Story, sequenced: Any) -> dict[str, Any]:
    """An advised credit with a discrepant presentation (one finding withdrawn with a reason, one
    added with a note, waived with a note) and an applicant's proposal the bank has not issued."""
    cast = story.cast
    story.issued()
    story.advise()
    docs = example_documents()
    docs[5].data["issue_date"] = "2025-05-29"  # C24: the engine proposes a finding
    pres = story.present(documents=docs)
    services.record_engine_result(presentation_id=pres.pk, now=story.at(99, 9))
    examiner = cast.users["ncb.examiner"]
    for disc in pres.discrepancies.filter(status="proposed"):
        services.decide_discrepancy(actor=examiner, discrepancy_id=disc.pk, confirm=False, reason=WITHDRAWAL,
                                    now=story.at(99, 10))
    services.add_discrepancy(actor=examiner, presentation_id=pres.pk, code="C13", rule="UCP 600 art. 14(d)",
                             text="Invoice goods description conflicts with the credit", reason=EXAMINER_NOTE,
                             now=story.at(99, 10))
    services.conclude_examination(actor=examiner, presentation_id=pres.pk, now=story.at(99, 11))
    services.request_waiver(actor=examiner, presentation_id=pres.pk, now=story.at(99, 12))
    services.decide_waiver(actor=cast.users["hhl.treasury"], presentation_id=pres.pk, waive=True, note=WAIVER_NOTE,
                           now=story.at(99, 13))
    sequenced()
    amendment = services.propose_amendment(actor=cast.users["hhl.treasury"], credit_id=story.credit_id,
                                           changes={"charges": "All charges for the beneficiary"},
                                           narrative=PROPOSAL, now=story.at(100))
    return {"credit": story.credit, "amendment": amendment, "presentation": pres, "cast": cast}


def _org(book: dict[str, Any], username: str) -> Any:
    return book["cast"].orgs[AUDIENCES[username][0]]


def _other_people(book: dict[str, Any], username: str) -> list[Any]:
    """Everyone of the demo cast outside this person's organisation."""
    return [u for u in book["cast"].users.values() if u.organization_id != _org(book, username).pk]


def _assert_sees_what_it_may(book: dict[str, Any], username: str, text: str, *proposal_marks: str) -> None:
    """The notes it wrote and no other; the proposal's marks (its narrative, its id) only if it may."""
    _, sees_proposal, own_notes = AUDIENCES[username]
    for mark in proposal_marks:
        assert (mark in text) is sees_proposal, (username, mark)
    for note in NOTES:
        assert (note in text) is (note in own_notes), (username, note)


def _feed(username: str, book: dict[str, Any]) -> list[dict[str, Any]]:
    _, secret = create_api_key(user=book["cast"].users[username], name="feed")
    client, rows = client_with_key(secret), []
    url: str | None = f"/api/v1/credits/{book['credit'].pk}/ledger/?page_size=7"
    while url:
        response = client.get(url)
        assert response.status_code == 200, response.content[:300]
        rows += response.json()["results"]
        url = response.json()["next"]
    return rows


@pytest.mark.parametrize("username", AUDIENCES)
def test_api_ledger_feed_shows_each_party_what_it_may(book: dict[str, Any], username: str) -> None:
    rows = _feed(username, book)
    text = json.dumps(rows)
    _assert_sees_what_it_may(book, username, text, PROPOSAL, str(book["amendment"].pk))
    assert ("amendment.proposed" in {r["kind"] for r in rows}) is AUDIENCES[username][1]
    org = _org(book, username)
    for row in rows:
        if row["actor_org"] != org.ledger_id and row["actor"].startswith(("user:", "org:")):
            assert row["actor"] == row["actor_org"], row  # another organisation's person shows as it
    for person in _other_people(book, username):
        assert person.ledger_id not in text and person.username not in text and str(person) not in text
    # The importer's own person is named to it; to the advising bank the importer is an organisation.
    importer = book["cast"].orgs["importer"]
    names = {r["actor_name"] for r in rows if r["actor_org"] == importer.ledger_id}
    assert names == ({"Harriet Ng"} if username == "hhl.treasury" else {importer.name})
    redacted = {k for r in rows for k in r["redacted"]}
    assert redacted == ({"reason", "note"} if username in ("vhb.maker", "nef.exports", "hhl.treasury") else
                        {"note"})  # the waiver request's note (empty here) is the examining bank's


def test_the_feed_filters_entries_not_yet_sequenced_too(book: dict[str, Any]) -> None:
    """The proposal is pending (proposed after the sequencer ran): the feed's tail filters it too."""
    beneficiary = _feed("nef.exports", book)
    assert all(r["proof_status"] != "pending" for r in beneficiary)
    applicant = _feed("hhl.treasury", book)
    assert [r["kind"] for r in applicant if r["proof_status"] == "pending"] == ["amendment.proposed"]


@pytest.mark.parametrize("username", AUDIENCES)
def test_portal_credit_page_and_its_timeline_show_each_party_what_it_may(book: dict[str, Any], username: str) -> None:
    response = verified_client(book["cast"].users[username]).get(reverse("portal:credit", args=[book["credit"].pk]))
    assert response.status_code == 200
    page = response.content.decode()
    _assert_sees_what_it_may(book, username, page, PROPOSAL, "Amendment 1")
    for person in _other_people(book, username):
        assert person.ledger_id not in page and person.username not in page and str(person) not in page


@pytest.mark.parametrize("username", AUDIENCES)
def test_timeline_shows_each_party_what_it_may(book: dict[str, Any], username: str) -> None:
    credit = book["credit"]
    events = credit_timeline(audience_for(_org(book, username), credit), credit.subject)
    text = repr([(e.kind, e.actor, e.actor_name, e.details) for e in events])
    _assert_sees_what_it_may(book, username, text, "amendment.proposed")
    assert ("amendment.proposed" in {e.kind for e in events}) is AUDIENCES[username][1]
    for person in _other_people(book, username):
        assert person.ledger_id not in text


@pytest.mark.parametrize("username", ["vhb.maker", "ncb.maker"])
def test_action_pages_of_a_proposal_exist_only_for_the_issuing_bank(book: dict[str, Any], username: str) -> None:
    """The action pages are for bank staff; the advising bank gets a 404 for a proposal's page."""
    client = verified_client(book["cast"].users[username])
    for action in ("issue-amendment", "reject-proposal", "extend-confirmation"):
        url = reverse("portal:act-on", args=[book["credit"].pk, action, book["amendment"].pk])
        response = client.get(url)
        assert response.status_code == (200 if username == "vhb.maker" else 404), (action, response.status_code)
        assert (PROPOSAL in response.content.decode()) is False  # the form never shows the narrative text
    reject = reverse("portal:act-on", args=[book["credit"].pk, "reject-proposal", book["amendment"].pk])
    if username == "ncb.maker":
        assert client.post(reverse("portal:act-on", args=[book["credit"].pk, "reject-proposal", book["amendment"].pk]),
                           {"reason": "x"}).status_code == 404
        assert Amendment.objects.get(pk=book["amendment"].pk).state == "proposed"
    else:
        assert client.get(reject).status_code == 200


@pytest.mark.parametrize("username", AUDIENCES)
def test_api_amendments_list_and_detail_show_a_proposal_to_its_two_parties_only(
        book: dict[str, Any], username: str) -> None:
    _, secret = create_api_key(user=book["cast"].users[username], name="amendments")
    client = client_with_key(secret)
    listed = {a["id"] for a in client.get("/api/v1/amendments/").json()["results"]}
    detail = client.get(f"/api/v1/amendments/{book['amendment'].pk}/")
    sees = AUDIENCES[username][1]
    assert (str(book["amendment"].pk) in listed) is sees
    assert detail.status_code == (200 if sees else 404)
    assert detail["Content-Type"].startswith("application/json" if sees else "application/problem+json")


@pytest.mark.parametrize("username", AUDIENCES)
def test_api_discrepancies_show_the_examiners_notes_to_the_examining_bank_only(
        book: dict[str, Any], username: str) -> None:
    _, secret = create_api_key(user=book["cast"].users[username], name="discrepancies")
    rows = client_with_key(secret).get(f"/api/v1/discrepancies/?presentation={book['presentation'].pk}").json()
    reasons = {d["reason"] for d in rows["results"]}
    assert reasons == ({EXAMINER_NOTE, WITHDRAWAL} if username == "ncb.maker" else {""})


def _subscribe_every_party(book: dict[str, Any]) -> dict[Any, str]:
    credit = book["credit"]
    return {WebhookSubscription.objects.create(organization=org, url=f"https://hooks.example.com/{key}",
                                               secret="whsec_" + "A" * 32).pk: key
            for key, org in book["cast"].orgs.items() if org in credit.parties()}


def test_webhooks_about_a_turned_down_proposal_go_to_its_two_parties_only(book: dict[str, Any]) -> None:
    subs = _subscribe_every_party(book)
    services.reject_amendment(actor=book["cast"].users["vhb.maker"], amendment_id=book["amendment"].pk,
                              reason="not acceptable")
    told = {subs[d.subscription_id] for d in WebhookDelivery.objects.filter(event_type="amendment.rejected")}
    assert told == {"importer", "issuing"}
    # Turned down before it was issued, it stays theirs: the beneficiary never sees it.
    beneficiary = Amendment.objects.visible_to(book["cast"].orgs["exporter"])
    assert not beneficiary.filter(pk=book["amendment"].pk).exists()


def test_webhooks_about_an_issued_amendment_go_to_every_party(book: dict[str, Any]) -> None:
    subs = _subscribe_every_party(book)
    cast, amendment_id = book["cast"], book["amendment"].pk
    assert not WebhookDelivery.objects.filter(payload__data__amendment=str(amendment_id)).exists()
    services.prepare_amendment(actor=cast.users["vhb.maker"], amendment_id=amendment_id)
    services.issue_amendment(actor=cast.users["vhb.checker"], amendment_id=amendment_id)
    told = {subs[d.subscription_id] for d in WebhookDelivery.objects.filter(event_type="amendment.issued")}
    assert told == {"importer", "issuing", "exporter", "advising"}
    # Once issued, the beneficiary sees it and its history (the proposal's entries included).
    assert PROPOSAL in json.dumps(_feed("nef.exports", book))


def test_the_rules_alone() -> None:
    """The pure rules: notes kept for their writer, people shown as their organisation."""
    mine = Audience(org="org:a", names={"org:b": "Bank B", "user:1": "Ann"},
                    people={"user:1": "org:a", "user:2": "org:b"})
    payload = {"reason": "note", "code": "C13"}
    assert redact(mine, "discrepancy.withdrawn", "org:a", payload) == (payload, [])
    assert redact(mine, "discrepancy.withdrawn", "org:b", payload) == ({"code": "C13"}, ["reason"])
    assert redact(mine, "presentation.honoured", "org:b", payload) == (payload, [])
    named = {"maker": "user:2", "checker": "user:1", "deep": [{"by": "user:2"}], "x": "user:9"}
    assert redact(mine, "lc.issued", "org:b", named)[0] == {"maker": "org:b", "checker": "user:1",
                                                          "deep": [{"by": "org:b"}], "x": "org:unknown"}
    assert shown_actor(mine, "user:1", "org:a") == ("user:1", "Ann")
    assert shown_actor(mine, "user:2", "org:b") == ("org:b", "Bank B")
    assert shown_actor(mine, "system:timers", "org:tradechain") == ("system:timers", "system:timers")
