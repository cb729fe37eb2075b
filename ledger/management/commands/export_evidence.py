from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from ledger.evidence import EvidenceError, export_evidence


class Command(BaseCommand):
    help = (
        "Write the evidence bundle of SUBJECT (e.g. lc:<uuid>) to standard output: its anchored "
        "entries with inclusion proofs, the checkpoint chain, keys and RFC 3161 receipts. "
        "Check it with `python -m ledger.verify_bundle`."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("subject")
        parser.add_argument(
            "--compact", action="store_true",
            help="only the checkpoints that first anchored the subject's entries, plus the latest",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            export = export_evidence(options["subject"], compact=options["compact"])
        except EvidenceError as exc:
            raise CommandError(str(exc)) from exc
        # The layout is ASCII by construction and written untouched: the verifier checks every byte.
        self.stdout.write(export.to_bytes().decode("ascii"), ending="")
        if export.not_anchored:
            self.stderr.write(
                f"note: {export.not_anchored} later entries of {options['subject']} are not anchored yet and "
                "are not in the bundle; export again after the next checkpoint"
            )
