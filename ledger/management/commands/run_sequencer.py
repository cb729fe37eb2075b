import signal
from typing import Any

from django.core.management.base import BaseCommand

from ledger.sequencer import run_forever


class Command(BaseCommand):
    help = "Run the ledger sequencer loop (moves committed intake rows into the hash chain)."

    def handle(self, *args: Any, **options: Any) -> None:
        stopping = False

        def stop(signum: int, frame: Any) -> None:
            nonlocal stopping
            stopping = True

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
        self.stdout.write("ledger sequencer running")
        run_forever(stop=lambda: stopping)
