"""Operators' acts on the machinery are ledgered under a named person (issue 14): sending a
webhook delivery again, requeueing a failed checkpoint publication, lifting a sign-in lock-out."""

from __future__ import annotations

import datetime as dt
import getpass
from typing import Any

import pytest
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.core.management import call_command
from django.utils import timezone, translation

from lc import events
from lc.audit.operations import purge_signin_logs, requeue_publications, reset_lockout
from lc.errors import Forbidden
from lc.integrations.webhooks import create_subscription
from lc.models import WebhookDelivery
from ledger.anchoring import anchor_checkpoint
from ledger.models import PendingEntry, Receipt
from tests.api.conftest import api_as  # noqa: F401  (the fixture)
from tests.audit.conftest import only_new_entry
from tests.portal.conftest import verified_client

pytestmark = pytest.mark.django_db


def test_the_new_acts_are_configuration_events_with_labels() -> None:
    for event in (events.WEBHOOK_REDELIVERED, events.PUBLICATION_REQUEUED, events.LOCKOUT_RESET,
                  events.SIGNIN_LOGS_PURGED):
        assert event.config and events.EVENTS[event.kind] is event and event.action in events.CONFIG_ACTIONS
        with translation.override("zh-hant"):
            chinese = str(event.label)
        assert chinese != str(event.label) and not chinese.isascii()


def failed_delivery(cast: Any) -> WebhookDelivery:
    sub = create_subscription(actor=cast.users["hhl.treasury"], organization=cast.orgs["importer"],
                              url="https://erp.example.com/hooks", events=[])
    return WebhookDelivery.objects.create(subscription=sub, event_id="evt_1", event_type="credit.issued",
                                          payload={"type": "credit.issued"}, status="failed", attempts=8)


def test_redelivering_a_webhook_through_the_api_is_one_entry_by_the_integrator(cast: Any, api_as: Any) -> None:  # noqa: F811
    delivery = failed_delivery(cast)
    stranger = api_as("rkw.treasury")
    assert stranger.post(f"/api/v1/webhook-deliveries/{delivery.pk}/redeliver/", {}, format="json").status_code == 404
    client = api_as("hhl.treasury")
    response, e = only_new_entry(lambda: client.post(f"/api/v1/webhook-deliveries/{delivery.pk}/redeliver/", {},
                                                     format="json"))
    assert response.status_code == 202, response.content
    treasury = cast.users["hhl.treasury"]
    assert (e.kind, e.actor, e.subject) == ("webhook.redelivered", treasury.ledger_id,
                                            f"webhook:{delivery.subscription_id}")
    assert e.payload["delivery"] == str(delivery.pk) and e.payload["before"] == {"status": "failed", "attempts": 8}
    assert e.payload["by"] == "hhl.treasury" and delivery.subscription.secret not in e.raw
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == ("pending", 0)


def failed_receipt(story: Any, sequenced: Any) -> Receipt:
    story.issued()
    sequenced()
    receipt = anchor_checkpoint().receipts.order_by("id").first()
    assert receipt is not None
    Receipt.objects.filter(pk=receipt.pk).update(status=Receipt.Status.FAILED, detail="TSA unreachable")
    return receipt


def test_requeueing_a_failed_publication_in_the_admin_is_one_entry_by_the_staff_member(
        story: Any, sequenced: Any, staff: Any) -> None:
    receipt = failed_receipt(story, sequenced)
    client = verified_client(staff)
    response, e = only_new_entry(lambda: client.post("/admin/ledger/receipt/", {
        "action": "requeue", "_selected_action": [str(receipt.pk)]}))
    assert response.status_code == 302
    assert (e.kind, e.actor, e.subject) == ("ledger.publication_requeued", staff.ledger_id, "ledger:publications")
    assert e.payload["receipts"][0]["receipt"] == receipt.pk and e.payload["receipts"][0]["failure"] == "TSA unreachable"
    assert e.payload["by"] == staff.username
    assert Receipt.objects.get(pk=receipt.pk).status == Receipt.Status.PENDING
    before = PendingEntry.objects.count()
    assert requeue_publications(actor=staff, receipt_ids=[receipt.pk]) == 0  # nothing failed: nothing recorded
    assert PendingEntry.objects.count() == before


def test_only_platform_staff_requeue_publications(story: Any, sequenced: Any) -> None:
    receipt = failed_receipt(story, sequenced)
    with pytest.raises(Forbidden):
        requeue_publications(actor=story.cast.users["vhb.admin"], receipt_ids=[receipt.pk])
    assert Receipt.objects.get(pk=receipt.pk).status == Receipt.Status.FAILED


def lock_out(username: str, ip: str = "203.0.113.9") -> AccessAttempt:
    return AccessAttempt.objects.create(username=username, ip_address=ip, user_agent="test", http_accept="*/*",
                                        path_info="/login/", get_data="", post_data="", failures_since_start=5,
                                        attempt_time=timezone.now())


def test_axes_reset_username_is_one_entry_by_the_operator_at_the_shell(cast: Any) -> None:
    maker = cast.users["vhb.maker"]
    lock_out("vhb.maker")
    lock_out("ncb.maker")
    _, e = only_new_entry(lambda: call_command("axes_reset_username", "vhb.maker", stdout=open("/dev/null", "w")))
    assert (e.kind, e.actor, e.subject) == ("user.lockout_reset", f"operator:{getpass.getuser()}", maker.ledger_id)
    assert e.payload["cleared"] == [{"username": "vhb.maker", "ip_address": "203.0.113.9", "failures": 5}]
    assert e.payload["attempts"] == 1
    assert list(AccessAttempt.objects.values_list("username", flat=True)) == ["ncb.maker"]
    before = PendingEntry.objects.count()
    call_command("axes_reset_username", "vhb.maker", stdout=open("/dev/null", "w"))  # nothing locked: nothing
    assert PendingEntry.objects.count() == before


def test_deleting_a_lockout_in_the_admin_is_a_ledgered_reset_by_the_staff_member(cast: Any, staff: Any) -> None:
    attempt = lock_out("ncb.examiner", "198.51.100.7")
    client = verified_client(staff)
    response, e = only_new_entry(lambda: client.post("/admin/axes/accessattempt/", {
        "action": "delete_selected", "_selected_action": [str(attempt.pk)], "post": "yes"}))
    assert response.status_code == 302
    assert (e.kind, e.actor, e.subject) == ("user.lockout_reset", staff.ledger_id,
                                            cast.users["ncb.examiner"].ledger_id)
    assert (e.payload["username"], e.payload["ip_address"], e.payload["by"]) == (
        "ncb.examiner", "198.51.100.7", staff.username)
    assert not AccessAttempt.objects.exists()


def test_a_banks_administrator_lifts_only_its_own_peoples_lockouts(cast: Any) -> None:
    lock_out("vhb.maker")
    lock_out("ncb.maker")
    with pytest.raises(Forbidden):
        reset_lockout(actor=cast.users["vhb.admin"], username="ncb.maker")
    _, e = only_new_entry(lambda: reset_lockout(actor=cast.users["vhb.admin"], username="vhb.maker"))
    assert e.actor == cast.users["vhb.admin"].ledger_id
    assert list(AccessAttempt.objects.values_list("username", flat=True)) == ["ncb.maker"]


@pytest.mark.parametrize(("command", "model", "log"), [("axes_reset_logs", AccessLog, "sign-ins"),
                                                       ("axes_reset_failure_logs", AccessFailureLog, "failures")])
def test_purging_old_sign_in_logs_is_one_entry_by_the_operator_at_the_shell(
        cast: Any, command: str, model: Any, log: str) -> None:
    now = timezone.now()
    for days in (40, 35, 2):
        row = model.objects.create(username="vhb.maker", ip_address="203.0.113.9", user_agent="test",
                                   path_info="/login/", **({"locked_out": False} if model is AccessFailureLog else {}))
        model.objects.filter(pk=row.pk).update(attempt_time=now - dt.timedelta(days=days))
    _, e = only_new_entry(lambda: call_command(command, "--age", "30", stdout=open("/dev/null", "w")))
    assert (e.kind, e.actor, e.subject) == ("user.signin_logs_purged", f"operator:{getpass.getuser()}", "signin:logs")
    assert (e.payload["log"], e.payload["age_days"], e.payload["removed"]) == (log, 30, 2)
    assert model.objects.count() == 1  # the recent one stays
    before = PendingEntry.objects.count()
    call_command(command, "--age", "30", stdout=open("/dev/null", "w"))  # nothing that old: nothing recorded
    assert PendingEntry.objects.count() == before


def test_only_platform_staff_purge_sign_in_logs(cast: Any) -> None:
    with pytest.raises(Forbidden):
        purge_signin_logs(actor=cast.users["vhb.admin"], age_days=0)
