"""django-axes' axes_reset, ledgered (see axes_reset_username): every lock-out at once."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from lc.audit.management.commands.axes_reset_username import run


class Command(BaseCommand):
    help = "Reset all access attempts and lock-outs (ledgered as one user.lockout_reset)."

    def handle(self, *args: Any, **options: Any) -> None:
        run(self, [(None, None)])
