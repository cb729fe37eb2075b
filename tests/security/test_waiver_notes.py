"""A waiver request carries two internal notes (issue 17): the requesting bank's, written with
the request, and the applicant's, written with its decision. Each is read only by the
organisation that wrote it, on every surface: the API waivers and presentation detail, the
API ledger feed, and the portal's credit page with its timeline. Before, the one `note` column
held whichever came last and went to every party."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.urls import reverse

from lc import services
from lc.integrations.keys import create_api_key
from lc.models import User, WaiverRequest
from lc.scenarios import Story, example_documents
from tests.api.conftest import client_with_key
from tests.portal.conftest import verified_client

pytestmark = pytest.mark.django_db

REQUEST_NOTE = "BANK-WAIVER-REQUEST-NOTE-5T"
DECISION_NOTE = "APPLICANT-DECISION-NOTE-8W"

# username -> the notes its organisation wrote (and so may read)
AUDIENCES = {
    "hhl.treasury": {DECISION_NOTE},  # the applicant decided
    "vhb.maker": set(),  # the issuing bank
    "nef.exports": set(),  # the beneficiary
    "ncb.maker": {REQUEST_NOTE},  # the nominated bank, whose examiner asked for the waiver
}


@pytest.fixture
def waiver(story: Story, sequenced: Any) -> WaiverRequest:
    """A discrepant presentation; the examiner asks for a waiver with a note, the applicant waives with one."""
    cast = story.cast
    story.issued()
    story.advise()
    docs = example_documents()
    docs[5].data["issue_date"] = "2025-05-29"  # C24: the engine proposes a finding
    pres = story.present(documents=docs)
    story.examine()
    examiner = cast.users["ncb.examiner"]
    services.request_waiver(actor=examiner, presentation_id=pres.pk, note=REQUEST_NOTE, now=story.at(99, 12))
    decided = services.decide_waiver(actor=cast.users["hhl.treasury"], presentation_id=pres.pk, waive=True,
                                     note=DECISION_NOTE, now=story.at(99, 13))
    sequenced()
    return decided


def _api(waiver: WaiverRequest, username: str) -> Any:
    _, secret = create_api_key(user=_user(waiver, username), name="notes")
    return client_with_key(secret)


def _user(waiver: WaiverRequest, username: str) -> User:
    return User.objects.get(username=username)


def _assert_only_own(username: str, text: str) -> None:
    for note in (REQUEST_NOTE, DECISION_NOTE):
        assert (note in text) is (note in AUDIENCES[username]), (username, note)


def test_both_notes_are_kept_each_as_its_writer_wrote_it(waiver: WaiverRequest) -> None:
    assert (waiver.note, waiver.decision_note) == (REQUEST_NOTE, DECISION_NOTE)


@pytest.mark.parametrize("username", AUDIENCES)
def test_api_waivers_and_presentation_detail_show_each_party_its_own_notes_only(
        waiver: WaiverRequest, username: str) -> None:
    client = _api(waiver, username)
    listed = client.get(f"/api/v1/waivers/?presentation={waiver.presentation_id}")
    detail = client.get(f"/api/v1/waivers/{waiver.pk}/")
    presentation = client.get(f"/api/v1/presentations/{waiver.presentation_id}/")
    assert listed.status_code == detail.status_code == presentation.status_code == 200
    _assert_only_own(username, json.dumps([listed.json(), detail.json(), presentation.json()]))
    body = detail.json()
    assert body["note"] == (REQUEST_NOTE if username == "ncb.maker" else "")
    assert body["decision_note"] == (DECISION_NOTE if username == "hhl.treasury" else "")


@pytest.mark.parametrize("username", AUDIENCES)
def test_api_ledger_feed_shows_each_party_its_own_notes_only(waiver: WaiverRequest, username: str) -> None:
    client, rows = _api(waiver, username), []
    url: str | None = f"/api/v1/credits/{waiver.presentation.credit_id}/ledger/"
    while url:
        response = client.get(url)
        assert response.status_code == 200
        rows += response.json()["results"]
        url = response.json()["next"]
    _assert_only_own(username, json.dumps(rows))
    requested = next(r for r in rows if r["kind"] == "presentation.waiver_requested")
    assert ("note" in requested["redacted"]) is (username != "ncb.maker")
    waived = next(r for r in rows if r["kind"] == "presentation.waived")
    assert ("note" in waived["redacted"]) is (username != "hhl.treasury")


@pytest.mark.parametrize("username", AUDIENCES)
def test_portal_credit_page_shows_each_party_its_own_notes_only(waiver: WaiverRequest, username: str) -> None:
    client = verified_client(_user(waiver, username))
    page = client.get(reverse("portal:credit", args=[waiver.presentation.credit_id]))
    assert page.status_code == 200
    assert "Waiver requested" in page.content.decode()  # the timeline is there
    _assert_only_own(username, page.content.decode())

