"""The ledger's admin: an audit console that shows everything and changes nothing."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.management import call_command

from ledger.anchoring import anchor_checkpoint
from ledger.models import Checkpoint, Entry, PendingEntry, Receipt

pytestmark = pytest.mark.django_db


@pytest.fixture
def anchored_log(record: Any) -> Checkpoint:
    record(3, subject="lc:admin")
    cp = anchor_checkpoint()
    record(2, subject="lc:admin")
    return cp


def test_entry_list_and_detail_show_the_chain_read_only(admin_client: Any, anchored_log: Checkpoint) -> None:
    listing = admin_client.get("/admin/ledger/entry/")
    detail = admin_client.get("/admin/ledger/entry/2/change/")

    assert listing.status_code == 200 and b"lc:admin" in listing.content
    assert Entry.objects.get(seq=2).hash_hex[:12].encode() in listing.content
    assert detail.status_code == 200
    assert b"&quot;amount&quot;: &quot;125000.00&quot;" in detail.content  # pretty-printed payload
    assert b"first in checkpoint 3" in detail.content
    assert b'name="_save"' not in detail.content


def test_entry_admin_refuses_add_change_and_delete(admin_client: Any, anchored_log: Checkpoint) -> None:
    assert admin_client.get("/admin/ledger/entry/add/").status_code == 403
    assert admin_client.post("/admin/ledger/entry/2/change/", {"kind": "x.y"}).status_code == 403
    assert admin_client.post("/admin/ledger/entry/2/delete/", {"post": "yes"}).status_code == 403
    assert Entry.objects.get(seq=2).kind == "lc.noted"


def test_entry_list_filters_and_searches(admin_client: Any, anchored_log: Checkpoint, record: Any) -> None:
    record(1, subject="lc:elsewhere", kind="lc.issued")

    by_kind = admin_client.get("/admin/ledger/entry/", {"kind": "lc.issued"})
    by_search = admin_client.get("/admin/ledger/entry/", {"q": "lc:elsewhere"})

    assert by_kind.context["cl"].result_count == 1 and by_search.context["cl"].result_count == 1


def test_pending_entries_are_listed_read_only(admin_client: Any, anchored_log: Checkpoint) -> None:
    from django.db import transaction
    from django.utils import timezone

    import ledger

    with transaction.atomic():
        pending = ledger.append(kind="lc.noted", subject="lc:queued", actor="user:bob", actor_org="bank:X",
                                at=timezone.now(), payload={"a": "b"})

    assert b"lc:queued" in admin_client.get("/admin/ledger/pendingentry/").content
    assert admin_client.get(f"/admin/ledger/pendingentry/{pending.id}/change/").status_code == 200
    assert admin_client.get("/admin/ledger/pendingentry/add/").status_code == 403
    assert PendingEntry.objects.filter(id=pending.id).exists()


def test_checkpoint_list_shows_the_anchoring_lag_and_receipts(admin_client: Any, anchored_log: Checkpoint) -> None:
    listing = admin_client.get("/admin/ledger/checkpoint/")
    detail = admin_client.get(f"/admin/ledger/checkpoint/{anchored_log.id}/change/")

    assert b"Anchoring lag: chain head 5, latest checkpoint 3" in listing.content
    assert b"2 entries not yet anchored" in listing.content
    assert b"TlogDirectory: pending" in listing.content
    assert detail.status_code == 200 and b"tradechain.test/ledger\n3\n" in detail.content
    assert admin_client.post(f"/admin/ledger/checkpoint/{anchored_log.id}/delete/", {"post": "yes"}).status_code == 403


def test_failed_receipts_can_be_requeued_from_the_admin(admin_client: Any, anchored_log: Checkpoint) -> None:
    receipt = anchored_log.receipts.get()
    Receipt.objects.filter(id=receipt.id).update(status=Receipt.Status.FAILED)

    admin_client.post("/admin/ledger/receipt/", {"action": "requeue", "_selected_action": [receipt.id]})

    receipt.refresh_from_db()
    assert receipt.status == Receipt.Status.PENDING


@pytest.mark.django_db(transaction=True)
def test_migration_0003_is_reversible() -> None:
    call_command("migrate", "ledger", "0002", verbosity=0)
    call_command("migrate", "ledger", verbosity=0)

    assert Checkpoint.objects.count() == 0
