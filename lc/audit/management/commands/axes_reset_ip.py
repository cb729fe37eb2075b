"""django-axes' axes_reset_ip, ledgered (see axes_reset_username)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from lc.audit.management.commands.axes_reset_username import run


class Command(BaseCommand):
    help = "Reset the access attempts and lock-outs from the given addresses (ledgered)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("ip", nargs="+", type=str)

    def handle(self, *args: Any, **options: Any) -> None:
        run(self, [(None, ip) for ip in options["ip"]])
