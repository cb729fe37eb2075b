"""The co-drafting panel on the draft credit page (issue 20), for both sides: the applicant shares
and revises, the beneficiary comments, the applicant resolves; after submission the bank reads
the history and every form is refused with a clear message."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from lc import services
from lc.models import DraftComment, DraftVersion, LetterOfCredit
from lc.scenarios import Story

pytestmark = pytest.mark.django_db


@pytest.fixture
def draft(story: Any) -> Story:
    s = story()
    s.apply()
    return s


def page(client: Any, credit_id: Any) -> Any:
    return client.get(reverse("portal:credit", args=[credit_id]))


def comment_post(client: Any, credit_id: Any, **data: str) -> Any:
    return client.post(reverse("portal:draft-comment", args=[credit_id]),
                       {f"comment-{k}": v for k, v in data.items()})


def test_the_two_sides_co_draft_through_the_panel(draft: Story, as_user: Any) -> None:
    importer, exporter = as_user("hhl.treasury"), as_user("nef.exports")
    assert page(exporter, draft.credit_id).status_code == 404  # not shared yet
    body = page(importer, draft.credit_id).content.decode()
    assert 'id="co-drafting"' in body and 'data-submit="share-draft"' in body
    resp = importer.post(reverse("portal:draft-share", args=[draft.credit_id]), follow=True)
    assert "the beneficiary can now read it" in resp.content.decode()

    body = page(exporter, draft.credit_id).content.decode()
    assert 'id="draft-comment-form"' in body and 'id="draft-revise-form"' not in body  # the beneficiary never edits
    resp = comment_post(exporter, draft.credit_id, field="latest_shipment", text="Two more weeks, please.",
                        suggested_value="2025-06-14")
    assert resp.status_code == 302
    made = DraftComment.objects.get(credit_id=draft.credit_id)
    assert (made.field, made.suggested_value, made.version.number) == ("latest_shipment", "2025-06-14", 1)
    invalid = comment_post(exporter, draft.credit_id, field="latest_shipment", text="")
    assert invalid.status_code == 422 and DraftComment.objects.count() == 1
    assert page(exporter, draft.credit_id).content.decode().count('data-submit="resolve-comment"') == 0

    body = page(importer, draft.credit_id).content.decode()
    assert "Two more weeks, please." in body and 'data-submit="resolve-comment"' in body
    resp = importer.post(reverse("portal:draft-revise", args=[draft.credit_id]),
                         {"revise-field": "latest_shipment", "revise-value": "2025-06-14"})
    assert resp.status_code == 302
    assert DraftVersion.objects.filter(credit_id=draft.credit_id).count() == 2
    assert LetterOfCredit.objects.get(pk=draft.credit_id).draft_terms["latest_shipment"] == "2025-06-14"
    resp = importer.post(reverse("portal:draft-resolve", args=[draft.credit_id, made.pk]))
    assert resp.status_code == 302 and DraftComment.objects.get(pk=made.pk).resolved


def test_the_beneficiary_cannot_revise_through_the_portal(draft: Story, as_user: Any) -> None:
    services.share_draft(actor=draft.cast.users["hhl.treasury"], credit_id=draft.credit_id)
    resp = as_user("nef.exports").post(reverse("portal:draft-revise", args=[draft.credit_id]),
                                       {"revise-field": "amount", "revise-value": "999999.00"})
    assert resp.status_code == 403 and "only the applicant" in resp.content.decode()
    assert DraftVersion.objects.filter(credit_id=draft.credit_id).count() == 1


def test_submission_freezes_the_panel_and_the_bank_reads_it(draft: Story, as_user: Any) -> None:
    services.share_draft(actor=draft.cast.users["hhl.treasury"], credit_id=draft.credit_id)
    services.comment_on_draft(actor=draft.cast.users["nef.exports"], credit_id=draft.credit_id,
                              field="44C", text="Later shipment, please.")
    draft.submit()
    exporter = as_user("nef.exports")
    resp = comment_post(exporter, draft.credit_id, field="latest_shipment", text="One more thing.")
    assert resp.status_code == 409 and "frozen" in resp.content.decode()
    resp = as_user("hhl.treasury").post(reverse("portal:draft-revise", args=[draft.credit_id]),
                                        {"revise-field": "charges", "revise-value": "All for the applicant"})
    assert resp.status_code == 409 and "frozen" in resp.content.decode()
    assert DraftComment.objects.count() == 1 and DraftVersion.objects.count() == 1
    body = page(as_user("vhb.maker"), draft.credit_id).content.decode()
    assert "Later shipment, please." in body and "Frozen at submission" in body
    assert 'id="draft-comment-form"' not in body and 'data-submit="resolve-comment"' not in body


def test_a_stranger_gets_404_on_the_panel_and_its_forms(draft: Story, as_user: Any) -> None:
    services.share_draft(actor=draft.cast.users["hhl.treasury"], credit_id=draft.credit_id)
    stranger = as_user("rkw.treasury")
    assert page(stranger, draft.credit_id).status_code == 404
    assert comment_post(stranger, draft.credit_id, field="44C", text="x").status_code == 404
    assert page(as_user("vhb.maker"), draft.credit_id).status_code == 404  # the bank: not before submission
    assert not DraftComment.objects.exists()
