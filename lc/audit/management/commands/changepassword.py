"""Django's changepassword, ledgered: lc.audit.services.set_password records user.password_set
(who, for whom, when; never the hash) under the operator who ran it."""

from __future__ import annotations

import getpass
import os
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from lc.audit.record import Operator
from lc.audit.services import set_password
from lc.errors import DomainError
from lc.models import User


class Command(BaseCommand):
    help = "Set a user's password (ledgered as user.password_set by the operator at this shell)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")

    def handle(self, *args: Any, username: str, **options: Any) -> None:
        try:
            user = User.objects.get(username=username)
        except User.DoesNotExist as exc:
            raise CommandError(f"no user {username!r}") from exc
        password = os.environ.get("TRADECHAIN_NEW_PASSWORD") or getpass.getpass(f"New password for {username}: ")
        try:
            set_password(actor=Operator.current(), user_id=user.pk, password=password)
        except DomainError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"Password of {username} changed (ledgered, without the hash).")
