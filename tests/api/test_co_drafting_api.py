"""Co-drafting through the API (issue 20): share, comment per field, revise, resolve, read the
versions and the comments; submission freezes them; strangers get 404 problems."""

from __future__ import annotations

from typing import Any

import pytest

from lc.models import DraftComment, DraftVersion
from tests.api.conftest import application_body

pytestmark = pytest.mark.django_db
CREDITS = "/api/v1/credits/"
PROBLEM = "application/problem+json"


@pytest.fixture
def draft(cast: Any, api_as: Any) -> dict[str, Any]:
    resp = api_as("hhl.treasury").post(CREDITS, application_body(cast), format="json")
    assert resp.status_code == 201
    return resp.json()


def url(credit: dict[str, Any], action: str) -> str:
    return f"{CREDITS}{credit['id']}/{action}/"


def share(api_as: Any, credit: dict[str, Any]) -> None:
    resp = api_as("hhl.treasury").post(url(credit, "share-draft"), {}, format="json", HTTP_IDEMPOTENCY_KEY="share")
    assert resp.status_code == 200, resp.content


def test_the_beneficiary_sees_a_draft_once_shared_and_strangers_never(draft: dict[str, Any], api_as: Any) -> None:
    exporter, stranger = api_as("nef.exports"), api_as("rkw.treasury")
    assert exporter.get(url(draft, "draft-comments")).status_code == 404
    assert exporter.get(f"{CREDITS}{draft['id']}/").status_code == 404
    assert draft["id"] not in {c["id"] for c in exporter.get(CREDITS).json()["results"]}
    share(api_as, draft)
    seen = exporter.get(f"{CREDITS}{draft['id']}/").json()
    assert seen["state"] == "draft" and draft["draft_shared_at"] is None and seen["draft_shared_at"].endswith("Z")
    assert draft["id"] in {c["id"] for c in exporter.get(CREDITS).json()["results"]}  # the list's SQL too
    versions = exporter.get(url(draft, "draft-versions")).json()["results"]
    assert [v["number"] for v in versions] == [1] and len(versions[0]["terms_sha256"]) == 64
    for who in ("rkw.treasury", "vhb.maker", "tmb.maker"):
        for path in ("", "draft-comments/", "draft-versions/"):
            resp = api_as(who).get(f"{CREDITS}{draft['id']}/{path}")
            assert resp.status_code == 404 and resp["Content-Type"] == PROBLEM, (who, path)
    resp = stranger.post(url(draft, "comment-draft"), {"field": "44C", "text": "x"}, format="json")
    assert resp.status_code == 404 and not DraftComment.objects.exists()


def test_comments_per_field_are_listed_and_replayed_not_repeated(draft: dict[str, Any], api_as: Any) -> None:
    share(api_as, draft)
    exporter = api_as("nef.exports")
    body = {"field": "44C", "text": "Two more weeks, please.", "suggested_value": "2025-06-14"}
    first = exporter.post(url(draft, "comment-draft"), body, format="json", HTTP_IDEMPOTENCY_KEY="c-1")
    again = exporter.post(url(draft, "comment-draft"), body, format="json", HTTP_IDEMPOTENCY_KEY="c-1")
    assert first.status_code == again.status_code == 201 and first.content == again.content
    made = first.json()
    assert (made["field"], made["tag"], made["version"], made["by"], made["resolved"]) == (
        "44C", "44C", 1, "beneficiary", False)
    bad = exporter.post(url(draft, "comment-draft"), {"field": "colour", "text": "x"}, format="json")
    assert bad.status_code == 422 and bad["Content-Type"] == PROBLEM
    listed = api_as("hhl.treasury").get(url(draft, "draft-comments")).json()["results"]
    assert [c["id"] for c in listed] == [made["id"]]
    refused = exporter.post(url(draft, "resolve-draft-comment"), {"comment": made["id"]}, format="json")
    assert refused.status_code == 403 and refused["Content-Type"] == PROBLEM
    done = api_as("hhl.treasury").post(url(draft, "resolve-draft-comment"), {"comment": made["id"]}, format="json")
    assert done.status_code == 200 and done.json()["resolved"] is True


def test_a_revision_is_a_new_version_and_the_beneficiary_cannot_revise(draft: dict[str, Any], api_as: Any) -> None:
    share(api_as, draft)
    terms = {**DraftVersion.objects.get(credit_id=draft["id"]).terms, "latest_shipment": "2025-06-14"}
    refused = api_as("nef.exports").post(url(draft, "revise-draft"), {"terms": terms}, format="json")
    assert refused.status_code == 403 and refused["Content-Type"] == PROBLEM
    edit = api_as("nef.exports").post(url(draft, "update-application"), {"terms": terms}, format="json")
    assert edit.status_code == 403
    resp = api_as("hhl.treasury").post(url(draft, "revise-draft"), {"terms": terms}, format="json")
    assert resp.status_code == 201 and resp.json()["number"] == 2
    numbers = [v["number"] for v in api_as("nef.exports").get(url(draft, "draft-versions")).json()["results"]]
    assert numbers == [1, 2]


def test_submission_freezes_the_draft_and_the_bank_reads_the_comments(draft: dict[str, Any], api_as: Any) -> None:
    share(api_as, draft)
    exporter, importer = api_as("nef.exports"), api_as("hhl.treasury")
    made = exporter.post(url(draft, "comment-draft"), {"field": "latest_shipment", "text": "Later, please."},
                         format="json").json()
    assert importer.post(url(draft, "submit"), {}, format="json").status_code == 200
    late = exporter.post(url(draft, "comment-draft"), {"field": "44C", "text": "One more thing."}, format="json")
    assert late.status_code == 409 and late["Content-Type"] == PROBLEM and "frozen" in late.json()["detail"]
    terms = DraftVersion.objects.get(credit_id=draft["id"]).terms
    revised = importer.post(url(draft, "revise-draft"), {"terms": {**terms, "charges": "All for the applicant"}},
                            format="json")
    assert revised.status_code == 409 and "frozen" in revised.json()["detail"]
    history = api_as("vhb.maker").get(url(draft, "draft-comments"))
    assert history.status_code == 200 and [c["id"] for c in history.json()["results"]] == [made["id"]]
    bank = api_as("vhb.maker").post(url(draft, "comment-draft"), {"field": "44C", "text": "x"}, format="json")
    assert bank.status_code == 403 and DraftComment.objects.count() == 1


def test_the_schema_documents_the_co_drafting_endpoints(db: Any, client: Any) -> None:
    from io import StringIO

    from django.core.management import call_command

    out = StringIO()
    call_command("spectacular", "--format", "openapi-json", stdout=out)
    text = out.getvalue()
    for path in ("share-draft", "revise-draft", "comment-draft", "resolve-draft-comment", "draft-comments",
                 "draft-versions"):
        assert f"/api/v1/credits/{{id}}/{path}/" in text, path
