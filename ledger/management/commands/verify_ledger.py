import json
import os
import sys
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from ledger.verification import verify_parallel


class Command(BaseCommand):
    help = "Walk the ledger chain; exit 0 when intact, 1 naming the first broken seq and why."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--from", dest="start", type=int, default=None, help="first seq to check")
        parser.add_argument("--to", dest="end", type=int, default=None, help="last seq to check")
        parser.add_argument("--json", action="store_true", help="print the result as JSON")
        parser.add_argument("--canonical", action="store_true",
                            help="also check every payload is RFC 8785 canonical JSON (slower)")
        parser.add_argument("--jobs", type=int, default=min(2, os.cpu_count() or 1),
                            help="processes verifying parts of the range in parallel")
        parser.add_argument("--no-progress", action="store_true", help="never draw the progress bar")

    def handle(self, *args: Any, **options: Any) -> None:
        show = sys.stderr.isatty() and not options["json"] and not options["no_progress"]
        started = time.monotonic()
        result = verify_parallel(
            start=options["start"], end=options["end"], on_progress=self._bar if show else None,
            canonical=options["canonical"], jobs=options["jobs"],
        )
        elapsed = time.monotonic() - started
        if show:
            sys.stderr.write("\n")
        if options["json"]:
            self.stdout.write(json.dumps({**result.as_dict(), "seconds": round(elapsed, 3)}))
        elif result.ok:
            rate = result.checked / elapsed if elapsed else 0
            self.stdout.write(self.style.SUCCESS(
                f"ledger intact: {result.checked} entries ({result.first_seq}..{result.last_seq}) "
                f"verified in {elapsed:.2f} s ({rate:,.0f}/s); head {result.head_hash}"
            ))
        else:
            self.stdout.write(self.style.ERROR(
                f"ledger BROKEN at seq {result.broken_seq}: {result.reason} ({result.detail})"
            ))
        if not result.ok:
            sys.exit(1)

    @staticmethod
    def _bar(done: int, total: int) -> None:
        width = 40
        filled = int(width * done / total) if total else width
        sys.stderr.write(f"\rverifying [{'#' * filled}{'.' * (width - filled)}] {done:,}/{total:,}")
        sys.stderr.flush()
