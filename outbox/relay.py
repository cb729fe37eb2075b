"""The relay: hands due outbox messages to the broker, and hands them again when they were
not acknowledged (the sweeper).

It runs as a thread of the ledger sequencer's process (`manage.py run_sequencer`), polling
like the sequencer does (NOTIFY would take a database-wide lock at every commit), with a beat
task as a safety net. Each pass is one transaction that takes a batch of due rows with
FOR UPDATE SKIP LOCKED, so two relays never send the same batch and a message whose consumer
is running (it holds the row lock) is never sent again under it. What the broker accepted is
marked `published_at`; a row published but still undone after OUTBOX_REDELIVER_AFTER (x the
number of times it was published, at most x4) is due again: a message lost in the broker (a
Redis restart drops the last second of its append-only file; a killed worker's unacknowledged
task is only handed out again after the broker's visibility timeout) is sent again within
that time, and consumers are idempotent by message id.

The broker is given short socket timeouts here: a paused Redis must not hold a relay pass
(and its row locks) for long.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.db import DatabaseError, connection, transaction

log = logging.getLogger(__name__)

DELIVER_TASK = "outbox.deliver"
DUE = (
    "SELECT id FROM outbox_message WHERE done_at IS NULL AND available_at <= now() "
    "AND (published_at IS NULL OR published_at < now() - make_interval(secs => %s * LEAST(publications, 4))) "
    "ORDER BY available_at, id LIMIT %s FOR UPDATE SKIP LOCKED"
)
MARK = "UPDATE outbox_message SET published_at = now(), publications = publications + 1 WHERE id = ANY(%s)"
# After an outage, what was handed over shortly before it and not done since is offered again at
# once instead of after the redelivery interval: a restarted Redis may have dropped the last second
# of its append-only file, and a worker cut off mid-task holds its message until the visibility
# timeout. Consumers are idempotent by message id, so a second copy costs one skipped run.
REOFFER = ("UPDATE outbox_message SET published_at = NULL WHERE done_at IS NULL AND published_at IS NOT NULL "
           "AND published_at >= to_timestamp(%s)")
REOFFER_MARGIN = 10.0  # seconds before the first failure, and any clock difference with the database


class BrokerUnavailable(Exception):
    """The broker refused or timed out: nothing after `sent` was handed over."""

    def __init__(self, sent: int, cause: BaseException) -> None:
        super().__init__(f"broker unavailable after {sent} messages: {cause}")
        self.sent = sent


class Relay:
    """One relay with its own broker connection (kept between passes, dropped on error)."""

    def __init__(self) -> None:
        self._connection: Any = None

    def _broker(self) -> Any:
        from celery import current_app

        if self._connection is None:
            timeout = settings.OUTBOX_BROKER_TIMEOUT
            self._connection = current_app.connection_for_write(
                connect_timeout=timeout,
                transport_options={"socket_timeout": timeout, "socket_connect_timeout": timeout,
                                   "max_retries": 0},
            )
        return self._connection

    def _drop(self) -> None:
        if self._connection is not None:
            try:
                self._connection.release()
            except Exception:  # a dead connection may fail to close: it is dropped either way
                log.debug("closing the relay's broker connection failed", exc_info=True)
        self._connection = None

    def publish(self, message_id: int) -> None:
        from celery import current_app

        current_app.send_task(DELIVER_TASK, args=[message_id], connection=self._broker(), retry=False)

    def relay_pending(self, batch_size: int = 200) -> int:
        """Publish up to `batch_size` due messages; return how many. Raises BrokerUnavailable
        (after committing what was sent) when the broker stops answering."""
        failure: BaseException | None = None
        with transaction.atomic(), connection.cursor() as cur:
            cur.execute(DUE, [settings.OUTBOX_REDELIVER_AFTER, batch_size])
            ids = [row[0] for row in cur.fetchall()]
            sent: list[int] = []
            for message_id in ids:
                try:
                    self.publish(message_id)
                except Exception as exc:  # kombu/redis/amqp errors all mean "not now"
                    failure = exc
                    self._drop()
                    break
                sent.append(message_id)
            if sent:
                cur.execute(MARK, [sent])
        if failure is not None:
            raise BrokerUnavailable(len(sent), failure)
        return len(sent)

    def reoffer_since(self, since: float) -> int:
        """Make every undone message published at or after `since` (a Unix time) due now."""
        with connection.cursor() as cur:
            cur.execute(REOFFER, [since])
            return int(cur.rowcount)


def run_forever(stop: Callable[[], bool] | None = None, relay: Relay | None = None) -> None:
    """The relay loop: publish what is due, sleep briefly when idle, back off (up to 5 s)
    while the broker or the database is away, and say once when each comes back. The first
    pass the broker takes after it was lost re-offers what was handed over shortly before
    (REOFFER): the wait after an outage is one pass, not the redelivery interval."""
    relay = relay or Relay()
    idle = settings.OUTBOX_RELAY_IDLE_SLEEP
    pause, down, broker_lost_at = 0.0, False, None
    while not (stop and stop()):
        try:
            sent = relay.relay_pending()
            if broker_lost_at is not None:  # the broker took this pass: it is back
                sent += relay.reoffer_since(broker_lost_at - REOFFER_MARGIN)
                broker_lost_at = None
            if sent == 0:
                time.sleep(idle)
            if down:
                log.warning("outbox relay: broker and database answer again")
            pause, down = 0.0, False
        except (BrokerUnavailable, DatabaseError) as exc:
            if not down:
                log.warning("outbox relay paused: %s", exc)
            if isinstance(exc, DatabaseError):
                connection.close()
            elif broker_lost_at is None:
                broker_lost_at = time.time()
            down, pause = True, min(max(pause * 2, 0.25), 5.0)
            time.sleep(pause)
