"""Portal and API reads in the read-access log: who opened which credit or document (issue 14)."""

from __future__ import annotations

from typing import Any

import pytest

from lc.audit import readlog
from lc.audit.models import ReadAccess
from lc.models import Document
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
