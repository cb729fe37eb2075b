"""The transactional outbox on the real database and Redis: work commits with the change or not
at all, a broker that is down delays work without losing it, a message runs once however often
it is delivered, and what was never acknowledged is published again."""

from __future__ import annotations

import datetime as dt
import threading
from typing import Any

import pytest
from django.db import connection, transaction
from django.utils import timezone

from lc.models import EngineRun, WebhookDelivery, WebhookSubscription
from lc.services.presentations import EXAMINE_TASK
from lc.services.progress import ExaminationProgress, examination_progress
from outbox.consumer import consume
from outbox.models import Message
from outbox.relay import BrokerUnavailable, Relay

pytestmark = pytest.mark.django_db(transaction=True)


class DeadBroker(Relay):
    """A relay whose broker is a port nothing listens on (connection refused at once)."""

    def _broker(self) -> Any:
        from celery import current_app

        if self._connection is None:
            self._connection = current_app.connection_for_write(url="redis://127.0.0.1:1/0", connect_timeout=1,
                                                                 transport_options={"max_retries": 0})
        return self._connection


def examine_message(pres: Any) -> Message:
    return Message.objects.get(subject=pres.subject, task=EXAMINE_TASK)


def test_a_presentation_writes_its_examination_into_the_outbox_with_the_change(story: Any) -> None:
    story.issued()
    pres = story.present()
    message = examine_message(pres)
    assert message.status == "queued" and message.args == [str(pres.pk)]
    assert examination_progress(pres) == ExaminationProgress.QUEUED


def test_work_of_a_rolled_back_transaction_is_never_sent(story: Any) -> None:
    import outbox

    before = Message.objects.count()
    with pytest.raises(RuntimeError), transaction.atomic():
        outbox.enqueue(EXAMINE_TASK, "nothing", subject="presentation:rolled-back")
        raise RuntimeError("the business change failed")
    assert Message.objects.count() == before


def test_a_broker_that_is_down_delays_the_work_and_loses_nothing(story: Any) -> None:
    story.issued()
    pres = story.present()
    with pytest.raises(BrokerUnavailable):
        DeadBroker().relay_pending()
    message = examine_message(pres)
    assert message.published_at is None and message.publications == 0  # still due for the next pass
    assert Relay().relay_pending() >= 1  # the real Redis answers
    assert examine_message(pres).publications == 1


def test_a_message_delivered_twice_runs_once(story: Any) -> None:
    story.issued()
    pres = story.present()
    message = examine_message(pres)
    assert consume(message.pk) == "done"
    assert consume(message.pk) == "skipped"  # a redelivery
    assert EngineRun.objects.filter(presentation=pres).count() == 1
    assert examination_progress(pres) == ExaminationProgress.DONE


def test_two_workers_given_the_same_message_at_once_run_it_once(story: Any) -> None:
    story.issued()
    pres = story.present()
    message = examine_message(pres)
    outcomes: list[str] = []
    start = threading.Barrier(2)

    def work() -> None:
        try:
            start.wait()
            outcomes.append(consume(message.pk))
        finally:
            connection.close()

    threads = [threading.Thread(target=work) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == ["done", "skipped"]
    assert EngineRun.objects.filter(presentation=pres).count() == 1


def test_a_published_message_never_acknowledged_is_published_again(story: Any, settings: Any) -> None:
    settings.OUTBOX_REDELIVER_AFTER = 30
    story.issued()
    pres = story.present()
    relay = Relay()
    relay.relay_pending()
    assert relay.relay_pending() == 0  # published, not yet due again
    long_ago = timezone.now() - dt.timedelta(seconds=31)
    Message.objects.filter(subject=pres.subject).update(published_at=long_ago)  # the broker lost it
    assert relay.relay_pending() >= 1
    assert examine_message(pres).publications == 2


def test_a_failing_task_waits_in_the_database_and_is_retried(story: Any) -> None:
    import outbox

    message_id = outbox.enqueue("lc.tasks.examine_presentation", "not-a-uuid", subject="presentation:broken")
    assert message_id is not None
    assert consume(message_id) == "retry"
    message = Message.objects.get(pk=message_id)
    assert message.done_at is None and message.attempts == 1 and message.published_at is None
    assert message.available_at > timezone.now() and message.last_error


def test_a_webhook_already_being_sent_is_not_sent_again(cast: Any) -> None:
    """The guarded claim: pending -> sending only once; a second delivery finds it claimed."""
    from lc.integrations.webhooks import deliver

    sub = WebhookSubscription.objects.create(organization=cast.orgs["importer"], url="https://example.com/h",
                                             secret="whsec_" + "A" * 32)
    delivery = WebhookDelivery.objects.create(subscription=sub, event_id="evt_1", event_type="credit.issued",
                                              payload={}, status="sending")
    assert deliver(str(delivery.pk)) is None
    delivery.refresh_from_db()
    assert delivery.attempts == 0 and delivery.status == "sending"


class LosesTheBrokerOnce(Relay):
    """The real relay, except that its first pass finds the broker gone (as a paused or restarted
    Redis does); `passes` counts the passes so the loop can be stopped."""

    def __init__(self) -> None:
        super().__init__()
        self.passes = 0

    def relay_pending(self, batch_size: int = 200) -> int:
        self.passes += 1
        if self.passes == 1:
            raise BrokerUnavailable(0, ConnectionError("broker gone"))
        return super().relay_pending(batch_size)


def test_after_a_broker_outage_what_was_handed_over_just_before_is_offered_again_at_once(
        story: Any, settings: Any) -> None:
    from outbox.relay import run_forever

    settings.OUTBOX_REDELIVER_AFTER, settings.OUTBOX_RELAY_IDLE_SLEEP = 3600, 0.01
    story.issued()
    pres = story.present()
    Relay().relay_pending()  # handed over; then the broker goes and takes it with it
    handed = examine_message(pres)
    assert handed.publications == 1 and handed.published_at is not None
    old = Message.objects.create(task=EXAMINE_TASK, args=["old"], subject="presentation:old",
                                 published_at=timezone.now() - dt.timedelta(minutes=30), publications=1)
    relay = LosesTheBrokerOnce()
    run_forever(stop=lambda: relay.passes >= 3, relay=relay)
    # Not after the hour the redelivery interval would wait: on the first pass the broker took.
    assert examine_message(pres).publications == 2
    # Only what was handed over within the margin before the outage; older work waits its turn.
    assert Message.objects.get(pk=old.pk).publications == 1
