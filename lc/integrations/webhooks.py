"""Webhooks: events for the parties of a credit, signed per the Standard Webhooks scheme
(HMAC-SHA256 over "<id>.<timestamp>.<body>"), delivered by Celery after commit through the
transactional outbox (retries wait as outbox rows, not as countdowns held by a worker)."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import json
import secrets
import time
import uuid
from typing import Any

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.utils import timezone

import outbox
from lc import events as events_catalogue
from lc.audit import rules
from lc.audit.record import Actor, record_change
from lc.events import WEBHOOK_TYPES, Event
from lc.integrations import egress
from lc.models import LetterOfCredit, Organization, WebhookDelivery, WebhookSubscription

EVENT_TYPES = WEBHOOK_TYPES
MAX_ATTEMPTS = 8


def new_secret() -> str:
    return "whsec_" + base64.b64encode(secrets.token_bytes(24)).decode()


def _key(secret: str) -> bytes:
    return base64.b64decode(secret.removeprefix("whsec_"))


def sign(secret: str, msg_id: str, timestamp: int, body: bytes) -> str:
    signed = f"{msg_id}.{timestamp}.".encode() + body
    return "v1," + base64.b64encode(hmac.new(_key(secret), signed, hashlib.sha256).digest()).decode()


def verify(secret: str, headers: dict[str, str], body: bytes, tolerance: int = 300) -> bool:
    """What a receiver does (used by our tests' receiver): check one of the v1 signatures."""
    msg_id, ts = headers.get("webhook-id", ""), headers.get("webhook-timestamp", "")
    if not ts.isdigit() or abs(time.time() - int(ts)) > tolerance:
        return False
    expected = sign(secret, msg_id, int(ts), body)
    return any(hmac.compare_digest(expected, s) for s in headers.get("webhook-signature", "").split())


def _subscription_payload(sub: WebhookSubscription) -> dict[str, Any]:
    """The ledger shows where events go and which: never the signing secret."""
    return {"subscription": str(sub.id), "organization": sub.organization.ledger_id, "url": sub.url,
            "events": list(sub.events), "active": sub.active}


@transaction.atomic
def create_subscription(*, actor: Actor, organization: Organization, url: str, events: list[str],
                        active: bool = True) -> WebhookSubscription:
    rules.check("create_webhook", actor, organization)
    sub = WebhookSubscription.objects.create(organization=organization, url=url, events=events, active=active,
                                             secret=new_secret())
    record_change(events_catalogue.WEBHOOK_CREATED, subject=f"webhook:{sub.id}", actor=actor, at=sub.created_at,
                  payload=_subscription_payload(sub))
    return sub


@transaction.atomic
def update_subscription(*, actor: Actor, subscription: WebhookSubscription, **changes: Any) -> WebhookSubscription:
    sub = WebhookSubscription.objects.select_for_update(of=("self",)).select_related("organization").get(pk=subscription.pk)
    rules.check("change_webhook", actor, sub)
    before = {name: getattr(sub, name) for name in changes}
    for name, value in changes.items():
        setattr(sub, name, value)
    sub.save(update_fields=list(changes) or None)
    changed = {n: [before[n], v] for n, v in changes.items() if before[n] != v}
    if changed:
        record_change(events_catalogue.WEBHOOK_CHANGED, subject=f"webhook:{sub.id}", actor=actor, at=timezone.now(),
                      payload={**_subscription_payload(sub), "changed": changed})
    return sub


@transaction.atomic
def disable_subscription(*, actor: Actor, subscription: WebhookSubscription) -> WebhookSubscription:
    """What deleting a subscription does: it stops, and its delivery log stays for the audit."""
    sub = WebhookSubscription.objects.select_for_update(of=("self",)).select_related("organization").get(pk=subscription.pk)
    rules.check("disable_webhook", actor, sub)
    if not sub.active:
        return sub  # already stopped (a repeated DELETE): nothing changes, so nothing is recorded
    sub.active = False
    sub.save(update_fields=["active"])
    record_change(events_catalogue.WEBHOOK_DISABLED, subject=f"webhook:{sub.id}", actor=actor, at=timezone.now(),
                  payload=_subscription_payload(sub))
    return sub


def emit(credit: LetterOfCredit, event: Event, data: dict[str, Any],
         to: list[Organization] | None = None) -> list[WebhookDelivery]:
    """Queue the event's webhook for every subscription of every party (or of `to` only, e.g. an
    amendment proposal's two parties: lc.services.visibility); sent after the commit."""
    event_type = event.webhook
    if not event_type:
        raise ValueError(f"{event.kind} has no webhook event type in lc.events")
    orgs = [o.pk for o in (credit.parties() if to is None else to)]
    subs = WebhookSubscription.objects.filter(organization_id__in=orgs, active=True)
    now = timezone.now().astimezone(dt.UTC)  # in the API's date-time format
    payload = {"type": event_type, "timestamp": now.strftime(str(settings.REST_FRAMEWORK["DATETIME_FORMAT"])),
               "data": {"credit": str(credit.id), "reference": credit.reference, **data}}
    payload = json.loads(json.dumps(payload, cls=DjangoJSONEncoder))
    deliveries = [
        WebhookDelivery.objects.create(subscription=s, event_id=f"evt_{uuid.uuid4().hex}",
                                       event_type=event_type, payload=payload)
        for s in subs if not s.events or event_type in s.events
    ]
    for d in deliveries:
        _enqueue(d.pk)
    return deliveries


DELIVER_TASK = "lc.tasks.deliver_webhook"


def _enqueue(delivery_id: Any) -> None:
    """An outbox message in the caller's transaction, by task name (this module never imports
    lc.tasks): sent after the commit by the relay, whatever the broker does meanwhile."""
    outbox.enqueue(DELIVER_TASK, str(delivery_id), subject=f"webhook-delivery:{delivery_id}")


def backoff(attempts: int) -> float:
    """Seconds before the next attempt: 2, 4, 8 ... capped at an hour."""
    return float(min(2 ** attempts, 3600))


@transaction.atomic
def deliver(delivery_id: str) -> outbox.Later | None:
    """One attempt of a pending delivery, claimed with a guarded state change: pending ->
    sending only if still pending, so a second delivery of the same work (a redelivered
    message, or a redeliver request racing the retry) waits on the row and then finds it
    delivered, failed or pending again, and never sends at the same time. The claim commits
    with the outcome (a worker killed mid-send leaves the delivery pending). Returns when to
    try again, if it should."""
    if WebhookDelivery.objects.filter(pk=delivery_id, status="pending").update(status="sending") != 1:
        return None  # delivered, failed, or gone
    delivery = WebhookDelivery.objects.select_related("subscription").get(pk=delivery_id)
    if attempt(delivery) or delivery.status == "failed":
        return None
    return outbox.Later(backoff(delivery.attempts), delivery.last_error)


def attempt(delivery: WebhookDelivery) -> bool:
    """One HTTP attempt; records the outcome on the delivery (the delivery log)."""
    body = json.dumps(delivery.payload, separators=(",", ":")).encode()
    ts = int(time.time())
    headers = {
        "content-type": "application/json", "user-agent": "TradeChain-Webhooks/1",
        "webhook-id": delivery.event_id, "webhook-timestamp": str(ts),
        "webhook-signature": sign(delivery.subscription.secret, delivery.event_id, ts, body),
    }
    delivery.attempts += 1
    # SSRF (issue 17): https only, the name resolved now and every address public, the connection
    # made to the address checked; no redirects; bounded time and answer (lc.integrations.egress).
    outcome = egress.post(delivery.subscription.url, body, headers, debug=settings.DEBUG)
    delivery.last_status_code, delivery.last_error = outcome.status, outcome.error
    ok = outcome.status is not None and 200 <= outcome.status < 300
    if ok:
        delivery.status, delivery.delivered_at = "delivered", timezone.now()
    elif delivery.attempts >= MAX_ATTEMPTS:
        delivery.status = "failed"
    else:
        delivery.status = "pending"  # the next attempt is an outbox message due later
    delivery.save()
    return ok


@transaction.atomic
def redeliver(delivery: WebhookDelivery, *, actor: Actor) -> WebhookDelivery:
    """Send an event again (a fresh series of attempts), ledgered under who asked for it."""
    delivery = WebhookDelivery.objects.select_for_update(of=("self",)).select_related(
        "subscription__organization").get(pk=delivery.pk)
    sub = delivery.subscription
    rules.check("redeliver_webhook", actor, sub)
    before = {"status": delivery.status, "attempts": delivery.attempts}
    delivery.status, delivery.attempts = "pending", 0
    delivery.save(update_fields=["status", "attempts"])
    _enqueue(delivery.pk)
    record_change(events_catalogue.WEBHOOK_REDELIVERED, subject=f"webhook:{sub.id}", actor=actor, at=timezone.now(),
                  payload={**_subscription_payload(sub), "delivery": str(delivery.pk), "event_id": delivery.event_id,
                           "event_type": delivery.event_type, "before": before})
    return delivery
