"""The API's contract on its own: problem bodies, idempotent retries, keys, webhooks, uploads,
the ledger feed. Whole journeys are in test_end_to_end.py."""

from __future__ import annotations

from typing import Any

from lc.models import ApiKey, IdempotencyRecord, LetterOfCredit
from lc.scenarios import PDF_BYTES, example_documents
from ledger.models import Entry, PendingEntry
from tests.api.conftest import application_body

CREDITS = "/api/v1/credits/"


def test_importer_applies_for_a_credit_and_sees_it(cast: Any, api_as: Any) -> None:
    importer = api_as("hhl.treasury")
    resp = importer.post(CREDITS, application_body(cast), format="json")
    assert resp.status_code == 201, resp.content
    body = resp.json()
    assert body["state"] == "draft" and body["amount"] == "125000.00"
    assert body["applicant"]["id"] == str(cast.orgs["importer"].pk)
    listed = importer.get(CREDITS).json()
    assert [c["id"] for c in listed["results"]] == [body["id"]]
    assert importer.get(f"{CREDITS}{body['id']}/").json()["terms"]["currency"] == "USD"


def test_draft_application_is_hidden_from_the_issuing_bank(cast: Any, api_as: Any) -> None:
    credit = api_as("hhl.treasury").post(CREDITS, application_body(cast), format="json").json()
    assert api_as("vhb.maker").get(f"{CREDITS}{credit['id']}/").status_code == 404
    api_as("hhl.treasury").post(f"{CREDITS}{credit['id']}/submit/", {}, format="json")
    assert api_as("vhb.maker").get(f"{CREDITS}{credit['id']}/").status_code == 200


def test_errors_are_problem_details(cast: Any, api_as: Any) -> None:
    importer = api_as("hhl.treasury")
    bad = importer.post(CREDITS, {"terms": "nope"}, format="json")
    assert bad.status_code == 400 and bad["Content-Type"] == "application/problem+json"
    problem = bad.json()
    assert {"type", "title", "status", "detail", "errors"} <= problem.keys()
    assert {e["field"] for e in problem["errors"]} >= {"terms", "beneficiary"}
    credit = importer.post(CREDITS, application_body(cast), format="json").json()
    twice = importer.post(f"{CREDITS}{credit['id']}/advise/", {}, format="json")
    assert twice.status_code == 403  # only the advising bank advises
    again = importer.post(f"{CREDITS}{credit['id']}/cancel/", {}, format="json")
    assert again.status_code == 200
    moved = importer.post(f"{CREDITS}{credit['id']}/submit/", {}, format="json")
    assert moved.status_code == 409 and moved.json()["status"] == 409
    invalid = importer.post(CREDITS, application_body(cast, amount="lots"), format="json")
    assert invalid.status_code in (400, 422) and invalid.json()["errors"]


def test_unauthenticated_is_401_problem(db: Any, client: Any) -> None:
    resp = client.get(CREDITS, HTTP_AUTHORIZATION="Bearer tck_nope_nope")
    assert resp.status_code == 401 and resp["Content-Type"] == "application/problem+json"
    assert client.get("/api/v1/no-such-thing/").status_code in (401, 404)


def test_retry_with_the_same_idempotency_key_replays_and_creates_nothing(cast: Any, api_as: Any) -> None:
    importer = api_as("hhl.treasury")
    body = application_body(cast)
    first = importer.post(CREDITS, body, format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    second = importer.post(CREDITS, body, format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    assert first.status_code == second.status_code == 201
    assert first.content == second.content and second["Idempotent-Replayed"] == "true"
    assert LetterOfCredit.objects.count() == 1
    other = importer.post(CREDITS, {**body, "nominated_bank": None}, format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    assert other.status_code == 422 and other.json()["type"].endswith("idempotency-key-reused")
    assert LetterOfCredit.objects.count() == 1 and IdempotencyRecord.objects.count() == 1


def test_a_refused_move_is_replayed_too(cast: Any, api_as: Any) -> None:
    importer = api_as("hhl.treasury")
    credit = importer.post(CREDITS, application_body(cast), format="json").json()
    url = f"{CREDITS}{credit['id']}/advise/"
    first = importer.post(url, {}, format="json", HTTP_IDEMPOTENCY_KEY="adv")
    assert first.status_code == 403
    assert importer.post(url, {}, format="json", HTTP_IDEMPOTENCY_KEY="adv").content == first.content


def test_api_keys_are_shown_once_listed_by_prefix_and_revocable(cast: Any, api_as: Any) -> None:
    importer = api_as("hhl.treasury")
    created = importer.post("/api/v1/api-keys/", {"name": "erp"}, format="json")
    assert created.status_code == 201
    key = created.json()
    assert key["key"].startswith(key["prefix"])
    listed = importer.get("/api/v1/api-keys/").json()["results"]
    assert all("key" not in k for k in listed) and key["prefix"] in {k["prefix"] for k in listed}
    from tests.api.conftest import client_with_key

    fresh = client_with_key(key["key"])
    assert fresh.get(CREDITS).status_code == 200
    assert importer.post(f"/api/v1/api-keys/{key['id']}/revoke/", {}, format="json").status_code == 200
    assert fresh.get(CREDITS).status_code == 401
    assert api_as("rkw.treasury").post(f"/api/v1/api-keys/{key['id']}/revoke/", {}, format="json").status_code == 404


def test_webhook_subscription_shows_its_secret_once_and_checks_the_scheme(cast: Any, api_as: Any) -> None:
    importer = api_as("hhl.treasury")
    bad = importer.post("/api/v1/webhooks/", {"url": "ftp://example.com/hook"}, format="json")
    assert bad.status_code == 400
    sub = importer.post("/api/v1/webhooks/", {"url": "https://example.com/hook", "events": ["credit.issued"]},
                        format="json").json()
    assert sub["secret"].startswith("whsec_")
    shown = importer.get(f"/api/v1/webhooks/{sub['id']}/").json()
    assert "secret" not in shown and shown["events"] == ["credit.issued"]
    patched = importer.patch(f"/api/v1/webhooks/{sub['id']}/", {"active": False}, format="json")
    assert patched.status_code == 200 and patched.json()["active"] is False
    assert api_as("rkw.treasury").get(f"/api/v1/webhooks/{sub['id']}/").status_code == 404
    assert importer.delete(f"/api/v1/webhooks/{sub['id']}/").status_code == 204


def test_present_uploads_documents_and_shows_their_sha256(story: Any, api_as: Any) -> None:
    story.issued()
    exporter = api_as("nef.exports")
    docs = example_documents()
    parts: dict[str, Any] = {"presented_to": str(story.cast.orgs["advising"].pk), "amount_claimed": "125000.00",
                             "data": [_json(d.data) for d in docs], "file": [_pdf(d.filename) for d in docs]}
    resp = exporter.post(f"{CREDITS}{story.credit_id}/present/", parts, format="multipart")
    assert resp.status_code == 201, resp.content
    documents = resp.json()["documents"]
    assert len(documents) == 7 and all(len(d["sha256"]) == 64 for d in documents)
    assert {d["original_name"] for d in documents} >= {"commercial_invoice.pdf"}


def test_uploads_are_sniffed_not_trusted(story: Any, api_as: Any) -> None:
    story.issued()
    docs = example_documents()
    fake = _pdf("../../etc/passwd.pdf", b"#!/bin/sh\necho not a pdf\n")
    parts = {"presented_to": str(story.cast.orgs["advising"].pk), "amount_claimed": "125000.00",
             "data": [_json(docs[0].data)], "file": [fake]}
    resp = api_as("nef.exports").post(f"{CREDITS}{story.credit_id}/present/", parts, format="multipart")
    assert resp.status_code == 415 and resp.json()["errors"][0]["message"] == "unsupported file type"


def test_oversized_upload_is_refused(story: Any, api_as: Any, settings: Any) -> None:
    settings.UPLOAD_MAX_BYTES = 100
    story.issued()
    parts = {"presented_to": str(story.cast.orgs["advising"].pk), "amount_claimed": "125000.00",
             "data": [_json(example_documents()[0].data)], "file": [_pdf("big.pdf", PDF_BYTES * 3)]}
    resp = api_as("nef.exports").post(f"{CREDITS}{story.credit_id}/present/", parts, format="multipart")
    # Stopped while the file streams in (lc.api.guard.CappedUploadHandler), issue 17.
    assert resp.status_code == 413 and resp["Content-Type"] == "application/problem+json"


def test_ledger_history_shows_pending_then_sequenced_entries(story: Any, api_as: Any, sequenced: Any) -> None:
    story.issued()
    url = f"{CREDITS}{story.credit_id}/ledger/"
    before = api_as("vhb.maker").get(url).json()["results"]
    assert [e["proof_status"] for e in before] == ["pending"] * 4
    sequenced()
    after = api_as("vhb.maker").get(url).json()["results"]
    assert [e["kind"] for e in after] == ["lc.application_created", "lc.application_submitted",
                                          "lc.issue_prepared", "lc.issued"]
    assert all(e["proof_status"] in ("sequenced", "anchored") and len(e["hash"]) == 64 for e in after)
    # Only the credit's own: creating the API keys of api_as is ledgered too (issue 14).
    assert [e["seq"] for e in after] == sorted(Entry.objects.filter(subject=f"lc:{story.credit_id}")
                                                 .values_list("seq", flat=True))
    assert PendingEntry.objects.count() == 0


def test_list_filters(cast: Any, api_as: Any) -> None:
    importer = api_as("hhl.treasury")
    importer.post(CREDITS, application_body(cast), format="json")
    importer.post(CREDITS, application_body(cast, currency="EUR"), format="json")
    assert len(importer.get(CREDITS, {"currency": "eur"}).json()["results"]) == 1
    assert len(importer.get(CREDITS, {"state": "draft"}).json()["results"]) == 2
    assert len(importer.get(CREDITS, {"state": "issued"}).json()["results"]) == 0
    assert len(importer.get(CREDITS, {"counterparty": str(cast.orgs["exporter"].pk)}).json()["results"]) == 2
    assert len(importer.get(CREDITS, {"counterparty": str(cast.orgs["stranger_corp"].pk)}).json()["results"]) == 0
    assert importer.get(CREDITS, {"expiry_after": "not-a-date"}).status_code == 400


def _json(data: dict[str, Any]) -> str:
    import json

    return json.dumps(data)


def _pdf(name: str, content: bytes = PDF_BYTES) -> Any:
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, content, content_type="application/pdf")


def test_integration_settings_are_for_api_clients_and_administrators(cast: Any, api_as: Any) -> None:
    """Keys and webhooks: a maker or checker may not create them; a user revokes their own keys,
    an administrator any key of the organisation; another organisation's are 404."""
    maker, checker, admin = api_as("vhb.maker"), api_as("vhb.checker"), api_as("vhb.admin")
    refused = maker.post("/api/v1/api-keys/", {"name": "mine"}, format="json")
    assert refused.status_code == 403 and refused["Content-Type"] == "application/problem+json"
    assert maker.post("/api/v1/webhooks/", {"url": "https://example.com/h"}, format="json").status_code == 403
    sub = admin.post("/api/v1/webhooks/", {"url": "https://example.com/h"}, format="json")
    assert sub.status_code == 201
    sub_url = f"/api/v1/webhooks/{sub.json()['id']}/"
    assert maker.patch(sub_url, {"active": False}, format="json").status_code == 403
    assert maker.delete(sub_url).status_code == 403
    assert api_as("tmb.maker").delete(sub_url).status_code == 404
    assert admin.patch(sub_url, {"active": False}, format="json").json()["active"] is False

    makers_key = ApiKey.objects.get(user=cast.users["vhb.maker"])  # the key api_as made for the maker
    revoke = f"/api/v1/api-keys/{makers_key.pk}/revoke/"
    assert checker.post(revoke, {}, format="json").status_code == 403
    assert api_as("tmb.maker").post(revoke, {}, format="json").status_code == 404
    assert maker.get(CREDITS).status_code == 200  # still valid
    assert admin.post(revoke, {}, format="json").status_code == 200
    assert maker.get(CREDITS).status_code == 401
    own = api_as("hhl.treasury")
    key = own.post("/api/v1/api-keys/", {"name": "second"}, format="json").json()
    assert own.post(f"/api/v1/api-keys/{key['id']}/revoke/", {}, format="json").status_code == 200


def test_parties_download_presented_files_checked_against_their_hash(
        story: Any, api_as: Any, settings: Any, tmp_path: Any) -> None:
    import base64
    import hashlib

    from lc import storage

    settings.MEDIA_ROOT = tmp_path
    story.issued()
    docs = example_documents()
    png = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
    parts: dict[str, Any] = {"presented_to": str(story.cast.orgs["advising"].pk), "amount_claimed": "125000.00",
                             "data": [_json(docs[0].data), _json(docs[1].data)],
                             "file": [_pdf("../../etc/invoice<1>.pdf"), _upload("photo.png", png, "image/png")]}
    presented = api_as("nef.exports").post(f"{CREDITS}{story.credit_id}/present/", parts, format="multipart").json()
    invoice, photo = presented["documents"]
    for who in ("nef.exports", "hhl.treasury", "ncb.examiner", "vhb.maker"):
        got = api_as(who).get(f"/api/v1/documents/{invoice['id']}/file/", HTTP_ACCEPT="application/pdf")
        assert got.status_code == 200, who
        assert got.content == PDF_BYTES and got["Content-Type"] == "application/pdf"
        assert got["ETag"] == f'"{invoice["sha256"]}"' == f'"{hashlib.sha256(PDF_BYTES).hexdigest()}"'
        assert got["Repr-Digest"] == f"sha-256=:{base64.b64encode(hashlib.sha256(PDF_BYTES).digest()).decode()}:"
        assert got["Content-Disposition"] == 'attachment; filename="invoice_1_.pdf"'
        assert got["X-Content-Type-Options"] == "nosniff"
    got = api_as("hhl.treasury").get(f"/api/v1/documents/{photo['id']}/file/")
    assert got.content == png and got["Content-Type"] == "image/png"

    stranger = api_as("rkw.treasury").get(f"/api/v1/documents/{invoice['id']}/file/")
    assert stranger.status_code == 404 and stranger["Content-Type"] == "application/problem+json"

    # A file changed on disk is refused, never served as the presented original.
    storage.path_for(invoice["sha256"]).write_bytes(PDF_BYTES + b"% appended later\n")
    tampered = api_as("hhl.treasury").get(f"/api/v1/documents/{invoice['id']}/file/")
    assert tampered.status_code == 500 and tampered["Content-Type"] == "application/problem+json"
    assert "no longer matches" in tampered.json()["detail"]


def test_a_data_only_document_has_no_file_to_download(story: Any, api_as: Any) -> None:
    story.issued()
    docs = example_documents()
    parts = {"presented_to": str(story.cast.orgs["advising"].pk), "amount_claimed": "125000.00",
             "data": [_json(docs[0].data)]}
    presented = api_as("nef.exports").post(f"{CREDITS}{story.credit_id}/present/", parts, format="multipart")
    assert presented.status_code == 201, presented.content
    document = presented.json()["documents"][0]
    got = api_as("nef.exports").get(f"/api/v1/documents/{document['id']}/file/")
    assert got.status_code == 404 and got.json()["type"].endswith("/no-file")


def _upload(name: str, content: bytes, content_type: str) -> Any:
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, content, content_type=content_type)


def test_the_browser_session_reaches_the_api_only_after_the_second_factor(cast: Any) -> None:
    from django.test import Client

    from tests.portal.conftest import verified_client

    half_signed_in = Client()
    half_signed_in.force_login(cast.users["vhb.checker"])  # password step done, TOTP not yet
    refused = half_signed_in.get(CREDITS)
    assert refused.status_code in (401, 403) and refused["Content-Type"] == "application/problem+json"
    assert "second factor" in refused.json()["detail"]
    assert verified_client(cast.users["vhb.checker"]).get(CREDITS).status_code == 200
    corporate = Client()
    corporate.force_login(cast.users["hhl.treasury"])  # company users too (issue 17)
    assert corporate.get(CREDITS).status_code in (401, 403)
    assert verified_client(cast.users["hhl.treasury"]).get(CREDITS).status_code == 200


def test_the_openapi_schema_is_valid_and_generates_without_warnings(tmp_path: Any) -> None:
    from django.core.management import call_command

    out = tmp_path / "schema.yml"
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(out))
    text = out.read_text()
    assert "/api/v1/documents/{id}/file/" in text and "cookieAuth" in text and "CreditStateEnum" in text
