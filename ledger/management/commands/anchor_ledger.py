from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from ledger.anchoring import AnchorError, anchor_checkpoint
from ledger.models import Receipt
from ledger.publishers import attempt_publication


class Command(BaseCommand):
    help = "Sign the next checkpoint now (what the beat task does); optionally publish it here, without Celery."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--publish", action="store_true", help="run every pending publication once, in this process")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            checkpoint = anchor_checkpoint()
        except AnchorError as exc:
            raise CommandError(f"refusing to sign: {exc}") from exc
        if checkpoint is None:
            self.stdout.write("nothing new to anchor (or another anchorer is at work)")
        else:
            self.stdout.write(self.style.SUCCESS(f"signed checkpoint {checkpoint.size} root {checkpoint.root_hex}"))
            self.stdout.write(checkpoint.note)
        if options["publish"]:
            for receipt in Receipt.objects.filter(status=Receipt.Status.PENDING).order_by("id"):
                outcome = attempt_publication(receipt.id, final=False)
                receipt.refresh_from_db()
                self.stdout.write(f"{receipt.publisher} checkpoint {receipt.checkpoint_id}: {outcome} {receipt.detail}")
