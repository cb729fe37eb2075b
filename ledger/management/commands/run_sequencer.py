import signal
import threading
from typing import Any

from django.core.management.base import BaseCommand

from ledger.sequencer import run_forever
from outbox.relay import run_forever as relay_forever


class Command(BaseCommand):
    help = ("Run the ledger sequencer loop (moves committed intake rows into the hash chain) and, in a "
            "thread beside it, the outbox relay (hands after-commit work to the broker).")

    def handle(self, *args: Any, **options: Any) -> None:
        stopping = False

        def stop(signum: int, frame: Any) -> None:
            nonlocal stopping
            stopping = True

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
        # A thread, not a second loop step: a broker that hangs (a paused Redis) must never
        # hold up sequencing, which needs only the database.
        relay = threading.Thread(target=relay_forever, kwargs={"stop": lambda: stopping}, name="outbox-relay",
                                 daemon=True)
        relay.start()
        self.stdout.write("ledger sequencer and outbox relay running")
        run_forever(stop=lambda: stopping)
        relay.join(timeout=10)
