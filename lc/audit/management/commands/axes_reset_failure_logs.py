"""django-axes' axes_reset_failure_logs, ledgered (see axes_reset_logs)."""

from __future__ import annotations

from lc.audit.management.commands import axes_reset_logs


class Command(axes_reset_logs.Command):
    help = "Remove sign-in failure logs older than --age days (ledgered as user.signin_logs_purged)."
    failures = True
