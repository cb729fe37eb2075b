"""django-axes' axes_reset_ip_username, ledgered (see axes_reset_username)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from lc.audit.management.commands.axes_reset_username import run


class Command(BaseCommand):
    help = "Reset the access attempts and lock-outs of a username from an address (ledgered)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("ip", type=str)
        parser.add_argument("username", type=str)

    def handle(self, *args: Any, **options: Any) -> None:
        run(self, [(options["username"], options["ip"])])
