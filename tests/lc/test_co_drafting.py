"""Co-drafting (issue 20): the applicant shares its draft with the beneficiary, who comments field
by field; the applicant revises (a numbered version with the hash of its terms) and resolves;
submission to the issuing bank freezes it all. Through the services, on the real ledger."""

from __future__ import annotations

import hashlib
import json
from typing import Any

import pytest
from django.db import connection

from lc import services
from lc.api.credit_list import _visible
from lc.errors import Forbidden, InvalidInput, NotAllowed, NotFound
from lc.models import DraftComment, DraftVersion, LetterOfCredit, Organization, WebhookDelivery, WebhookSubscription
from lc.scenarios import Story
from ledger.models import PendingEntry
from tests.lc.test_guards import refused

pytestmark = pytest.mark.django_db


def only_new_entry(change: Any) -> tuple[Any, PendingEntry, dict[str, Any]]:
    """Run `change`; exactly one ledger entry appears. Returns (result, entry, its payload)."""
    before = set(PendingEntry.objects.values_list("id", flat=True))
    result = change()
    new = list(PendingEntry.objects.exclude(id__in=before))
    assert len(new) == 1, [e.kind for e in new]
    return result, new[0], json.loads(bytes(new[0].payload).decode())


def sees(org: Organization, credit_id: Any) -> bool:
    """Visibility by all three forms of the rule, which must agree."""
    by_queryset = LetterOfCredit.objects.visible_to(org).filter(pk=credit_id).exists()
    by_method = LetterOfCredit.objects.get(pk=credit_id).is_visible_to(org)
    with connection.cursor() as cur:
        cur.execute(f"SELECT c.id FROM lc_letterofcredit c WHERE c.id = %(id)s AND {_visible()}",
                    {"org": org.pk, "draft": "draft", "id": credit_id})
        by_sql = cur.fetchone() is not None
    assert by_queryset == by_method == by_sql
    return by_queryset


@pytest.fixture
def draft(story: Story) -> Story:
    story.apply()
    return story


@pytest.fixture
def shared(draft: Story) -> Story:
    services.share_draft(actor=draft.cast.users["hhl.treasury"], credit_id=draft.credit_id, now=draft.at(-5, 11))
    return draft


def comment(story: Story, who: str = "nef.exports", field: str = "latest_shipment", **kw: Any) -> DraftComment:
    return services.comment_on_draft(actor=story.cast.users[who], credit_id=story.credit_id, field=field,
                                     text=kw.pop("text", "We need two more weeks to ship."), **kw)


def test_an_unshared_draft_is_invisible_to_the_beneficiary(draft: Story) -> None:
    assert not sees(draft.cast.orgs["exporter"], draft.credit_id)
    refused(NotFound, lambda: comment(draft))


def test_sharing_shows_the_draft_to_the_beneficiary_and_no_one_else(draft: Story) -> None:
    orgs = draft.cast.orgs
    hooks = {key: WebhookSubscription.objects.create(organization=orgs[key], url=f"https://{key}.example.com/h",
                                                     secret="whsec_" + "B" * 32)
             for key in ("exporter", "issuing")}
    credit, entry, payload = only_new_entry(lambda: services.share_draft(
        actor=draft.cast.users["hhl.treasury"], credit_id=draft.credit_id, now=draft.at(-5, 11)))
    assert entry.kind == "draft.shared" and credit.draft_shared_at == draft.at(-5, 11)
    version = DraftVersion.objects.get(credit=credit)
    assert version.number == 1 and version.terms == credit.draft_terms
    assert payload["version"] == 1 and payload["terms_sha256"] == version.terms_sha256
    assert sees(orgs["exporter"], credit.pk) and sees(orgs["importer"], credit.pk)
    for other in ("issuing", "advising", "stranger_bank", "stranger_corp"):
        assert not sees(orgs[other], credit.pk), other
    # The banks are not told of a draft they cannot see; the beneficiary is.
    assert WebhookDelivery.objects.filter(subscription=hooks["exporter"], event_type="draft.shared").count() == 1
    assert not WebhookDelivery.objects.filter(subscription=hooks["issuing"]).exists()
    refused(NotAllowed, lambda: services.share_draft(actor=draft.cast.users["hhl.treasury"],
                                                     credit_id=draft.credit_id), "already shared")


def test_a_stranger_cannot_reach_a_shared_draft(shared: Story) -> None:
    for who in ("rkw.treasury", "tmb.maker", "vhb.maker"):
        refused(NotFound, lambda: comment(shared, who))


def test_a_comment_on_one_field_is_ledgered_with_its_text_and_suggestion(shared: Story) -> None:
    made, entry, payload = only_new_entry(lambda: comment(shared, field="44C", suggested_value="2025-06-14"))
    assert entry.kind == "draft.commented" and entry.actor == shared.cast.users["nef.exports"].ledger_id
    assert (made.field, made.version.number, made.suggested_value) == ("44C", 1, "2025-06-14")
    assert payload["field"] == "44C" and payload["text"] == "We need two more weeks to ship."
    assert payload["suggested_value"] == "2025-06-14" and payload["comment"] == str(made.pk)
    assert comment(shared, field="latest_shipment").field == "latest_shipment"  # a terms key does too
    refused(InvalidInput, lambda: comment(shared, field="favourite_colour"))
    refused(InvalidInput, lambda: comment(shared, text="   "))
    assert DraftComment.objects.filter(credit_id=shared.credit_id).count() == 2


def test_a_revision_is_the_next_version_ledgered_with_the_hash_of_its_terms(shared: Story) -> None:
    credit = LetterOfCredit.objects.get(pk=shared.credit_id)
    terms = {**credit.draft_terms, "latest_shipment": "2025-06-14"}
    version, entry, payload = only_new_entry(lambda: services.revise_draft(
        actor=shared.cast.users["hhl.treasury"], credit_id=shared.credit_id, terms=terms))
    from ledger.chain import canonical

    assert entry.kind == "draft.revised" and version.number == 2 and payload["version"] == 2
    assert version.terms_sha256 == hashlib.sha256(canonical(version.terms)).hexdigest() == payload["terms_sha256"]
    assert hashlib.sha256(canonical(payload["terms"])).hexdigest() == payload["terms_sha256"]
    assert version.terms_sha256 != DraftVersion.objects.get(credit=credit, number=1).terms_sha256
    credit.refresh_from_db()
    assert credit.draft_terms["latest_shipment"] == "2025-06-14"
    assert comment(shared).version.number == 2  # comments now attach to the new version
    refused(InvalidInput, lambda: services.revise_draft(actor=shared.cast.users["hhl.treasury"],
                                                        credit_id=shared.credit_id, terms=terms), "same")


def test_the_beneficiary_cannot_edit_the_terms(shared: Story) -> None:
    credit = LetterOfCredit.objects.get(pk=shared.credit_id)
    changed = {**credit.draft_terms, "amount": "999999.00"}
    exporter = shared.cast.users["nef.exports"]
    refused(Forbidden, lambda: services.revise_draft(actor=exporter, credit_id=credit.pk, terms=changed), "applicant")
    refused(Forbidden, lambda: services.update_application(actor=exporter, credit_id=credit.pk, terms=changed))
    credit.refresh_from_db()
    assert credit.draft_terms["amount"] != "999999.00" and DraftVersion.objects.filter(credit=credit).count() == 1


def test_a_shared_draft_changes_only_by_revision(shared: Story) -> None:
    credit = LetterOfCredit.objects.get(pk=shared.credit_id)
    refused(NotAllowed, lambda: services.update_application(actor=shared.cast.users["hhl.treasury"],
                                                            credit_id=credit.pk, terms=credit.draft_terms), "revise")


def test_only_the_applicant_resolves_a_comment_and_only_once(shared: Story) -> None:
    made = comment(shared)
    refused(Forbidden, lambda: services.resolve_draft_comment(actor=shared.cast.users["nef.exports"],
                                                              comment_id=made.pk))
    resolved, entry, payload = only_new_entry(lambda: services.resolve_draft_comment(
        actor=shared.cast.users["hhl.treasury"], comment_id=made.pk))
    assert entry.kind == "draft.comment_resolved" and payload["comment"] == str(made.pk)
    assert resolved.resolved_by == shared.cast.users["hhl.treasury"] and resolved.resolved_at is not None
    refused(NotAllowed, lambda: services.resolve_draft_comment(actor=shared.cast.users["hhl.treasury"],
                                                               comment_id=made.pk), "already resolved")
    refused(NotFound, lambda: services.resolve_draft_comment(actor=shared.cast.users["rkw.treasury"],
                                                             comment_id=made.pk))


def test_submission_freezes_comments_and_revisions(shared: Story) -> None:
    open_comment = comment(shared)
    shared.submit()
    credit = LetterOfCredit.objects.get(pk=shared.credit_id)
    users = shared.cast.users
    refused(NotAllowed, lambda: comment(shared), "frozen")
    refused(NotAllowed, lambda: comment(shared, "hhl.treasury"), "frozen")
    refused(NotAllowed, lambda: services.revise_draft(actor=users["hhl.treasury"], credit_id=credit.pk,
                                                      terms={**credit.draft_terms, "charges": "x"}), "frozen")
    refused(NotAllowed, lambda: services.resolve_draft_comment(actor=users["hhl.treasury"],
                                                               comment_id=open_comment.pk), "frozen")
    # The issuing bank now sees the credit and its comment history, and cannot add to it.
    assert sees(shared.cast.orgs["issuing"], credit.pk)
    refused(Forbidden, lambda: comment(shared, "vhb.maker"))
    assert DraftComment.objects.filter(credit=credit).count() == 1


def test_the_co_drafting_events_are_catalogued_with_labels_and_webhook_types() -> None:
    from django.utils import translation

    from lc import events
    from lc.integrations.webhooks import EVENT_TYPES

    for event in (events.DRAFT_SHARED, events.DRAFT_REVISED, events.DRAFT_COMMENTED, events.DRAFT_COMMENT_RESOLVED):
        assert events.EVENTS[event.kind] is event and event.action in events.ACTIONS
        assert event.webhook == event.kind and event.webhook in EVENT_TYPES
        with translation.override("zh-hant"):
            chinese = str(event.label)
        assert chinese != str(event.label) and not chinese.isascii()
