"""Portal and API reads in the read-access log: who opened which credit, document, presentation,
SWIFT message or evidence bundle, through which route, with which API key (issue 14)."""

from __future__ import annotations

import hashlib
import json
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from lc.audit import readlog
from lc.audit.models import ReadAccess
from lc.models import ApiKey, Document, SwiftMessage
from ledger.anchoring import anchor_checkpoint
from tests.api.conftest import api_as  # noqa: F401  (the fixture)
from tests.portal.conftest import verified_client

pytestmark = pytest.mark.django_db


def logged() -> list[tuple[str, str, str]]:
    return list(ReadAccess.objects.order_by("seq").values_list("username", "what", "target"))


def test_opening_a_credit_or_document_in_the_portal_or_api_is_logged(story: Any, api_as: Any) -> None:  # noqa: F811
    story.issued()
    story.advise()
    document = Document.objects.filter(presentation=story.present()).first()
    assert document is not None
    credit = f"lc:{story.credit_id}"

    assert verified_client(story.cast.users["vhb.maker"]).get(f"/credits/{story.credit_id}/").status_code == 200
    assert api_as("ncb.examiner").get(f"/api/v1/credits/{story.credit_id}/").status_code == 200
    assert api_as("ncb.examiner").get(f"/api/v1/documents/{document.pk}/").status_code == 200

    assert logged() == [("vhb.maker", "credit", credit), ("ncb.examiner", "credit", credit),
                        ("ncb.examiner", "document", f"document:{document.pk}")]
    assert readlog.verify_read_log().ok


def test_lists_refusals_and_changes_are_not_reads_of_a_credit(story: Any, api_as: Any) -> None:  # noqa: F811
    story.issued()
    assert api_as("ncb.examiner").get("/api/v1/credits/").status_code == 200
    assert api_as("rkw.treasury").get(f"/api/v1/credits/{story.credit_id}/").status_code == 404
    assert verified_client(story.cast.users["tmb.maker"]).get(f"/credits/{story.credit_id}/").status_code in (403, 404)
    assert api_as("ncb.maker").post(f"/api/v1/credits/{story.credit_id}/advise/", {}).status_code == 200
    assert logged() == []


def rows() -> list[tuple[str, str, str, str, str]]:
    return list(ReadAccess.objects.order_by("seq").values_list("username", "what", "target", "route", "via"))


def key_of(username: str) -> str:
    return f"apikey:{ApiKey.objects.get(user__username=username).pk}"


def test_presentations_and_swift_messages_opened_are_logged_with_route_and_key(story: Any, api_as: Any) -> None:  # noqa: F811
    story.issued()
    story.advise()
    pres = story.present()
    examiner = story.cast.users["ncb.examiner"]
    message = SwiftMessage.objects.visible_to(examiner.organization).order_by("created_at").first()
    assert message is not None
    api, portal = api_as("ncb.examiner"), verified_client(examiner)
    presentation, swift = f"presentation:{pres.pk}", f"message:{message.pk}"

    assert api.get("/api/v1/presentations/").status_code == 200  # lists are not reads of one thing
    assert api.get("/api/v1/messages/").status_code == 200
    assert api.get(f"/api/v1/presentations/{pres.pk}/").status_code == 200
    assert api.get(f"/api/v1/messages/{message.pk}/").status_code == 200
    raw = api.get(f"/api/v1/messages/{message.pk}/raw/")
    assert raw.status_code == 200 and raw.content == message.text.encode()
    assert portal.get(f"/messages/{message.pk}/raw/").status_code == 200
    assert portal.get(f"/credits/{story.credit_id}/presentations/{pres.pk}/examine/").status_code == 200
    # Refused reads are not reads: another organisation's presentation and message are 404s.
    assert api_as("rkw.treasury").get(f"/api/v1/presentations/{pres.pk}/").status_code == 404
    assert api_as("rkw.treasury").get(f"/api/v1/messages/{message.pk}/raw/").status_code == 404

    key = key_of("ncb.examiner")
    assert rows() == [
        ("ncb.examiner", "presentation", presentation, "api:presentation-detail", key),
        ("ncb.examiner", "message", swift, "api:message-detail", key),
        ("ncb.examiner", "message", swift, "api:message-raw", key),
        ("ncb.examiner", "message", swift, "portal:message-raw", ""),
        ("ncb.examiner", "presentation", presentation, "portal:examine", ""),
    ]
    assert readlog.verify_read_log().ok


def test_credit_reads_name_the_route_and_the_api_key(story: Any, api_as: Any) -> None:  # noqa: F811
    story.issued()
    assert api_as("vhb.maker").get(f"/api/v1/credits/{story.credit_id}/").status_code == 200
    assert verified_client(story.cast.users["vhb.maker"]).get(f"/credits/{story.credit_id}/").status_code == 200
    credit = f"lc:{story.credit_id}"
    assert rows() == [("vhb.maker", "credit", credit, "api:credit-detail", key_of("vhb.maker")),
                      ("vhb.maker", "credit", credit, "portal:credit", "")]


def test_an_evidence_bundle_download_is_logged_once_with_its_route(story: Any, sequenced: Any) -> None:
    story.issued()
    sequenced()
    anchor_checkpoint()
    auditor = verified_client(story.cast.users["vhb.auditor"])
    bundle = auditor.get(reverse("audit:evidence", args=[story.credit_id]))
    assert bundle.status_code == 200 and json.loads(bundle.content)["subject"] == f"lc:{story.credit_id}"
    stranger = verified_client(story.cast.users["tmb.maker"])
    assert stranger.get(reverse("audit:evidence", args=[story.credit_id])).status_code == 403
    assert rows() == [("vhb.auditor", "evidence", f"lc:{story.credit_id}", "audit:evidence", "")]
    assert readlog.verify_read_log().ok


def test_rows_written_before_route_and_via_existed_still_verify(cast: Any) -> None:
    """A row without route and via hashes as it did before those columns (migration 0003)."""
    from lc.audit.readlog import row_hash
    from ledger.chain import GENESIS, canonical, format_time

    at = timezone.now()
    old = hashlib.sha256(GENESIS + canonical({"seq": 1, "at": format_time(at), "user": "user:x", "username": "x",
                                              "org": "org:y", "what": "credit", "target": "lc:z"})).digest()
    assert row_hash(GENESIS, 1, at, "user:x", "x", "org:y", "credit", "lc:z") == old
    assert row_hash(GENESIS, 1, at, "user:x", "x", "org:y", "credit", "lc:z", "api:credit-detail") != old
