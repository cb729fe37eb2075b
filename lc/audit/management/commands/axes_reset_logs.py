"""django-axes' axes_reset_logs, ledgered: lc.audit.operations.purge_signin_logs records
user.signin_logs_purged (which log, how many rows, older than when) under the operator."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from lc.audit.operations import purge_signin_logs
from lc.audit.record import Operator
from lc.errors import DomainError


def run(command: BaseCommand, age_days: int, failures: bool) -> None:
    try:
        count = purge_signin_logs(actor=Operator.current(), age_days=age_days, failures=failures)
    except DomainError as exc:
        raise CommandError(str(exc)) from exc
    command.stdout.write(f"{count} logs removed (ledgered)." if count else "No logs found.")


class Command(BaseCommand):
    help = "Remove sign-in logs older than --age days (ledgered as user.signin_logs_purged)."
    failures = False

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--age", type=int, default=30, help="Maximum age for records to keep in days")

    def handle(self, *args: Any, **options: Any) -> None:
        run(self, options["age"], self.failures)
