"""django-axes' axes_reset_username, ledgered: lc.audit.operations.reset_lockout records
user.lockout_reset (whose lock-out, how many attempts) under the operator who ran it."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from lc.audit.operations import reset_lockout
from lc.audit.record import Operator
from lc.errors import DomainError


def run(command: BaseCommand, pairs: list[tuple[str | None, str | None]]) -> None:
    """Reset each (username, address) pair as the operator at this shell; report the count."""
    try:
        count = sum(reset_lockout(actor=Operator.current(), username=u, ip=ip) for u, ip in pairs)
    except DomainError as exc:
        raise CommandError(str(exc)) from exc
    command.stdout.write(f"{count} attempts removed (ledgered)." if count else "No attempts found.")


class Command(BaseCommand):
    help = "Reset the access attempts and lock-outs of the given usernames (ledgered as user.lockout_reset)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username", nargs="+", type=str)

    def handle(self, *args: Any, **options: Any) -> None:
        run(self, [(u, None) for u in options["username"]])
