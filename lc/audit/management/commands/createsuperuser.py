"""Django's createsuperuser, ledgered: the new superuser is created through
lc.audit.services.create_user, so a user.created entry names the operator who ran it."""

from __future__ import annotations

import getpass
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from lc.audit.record import Operator
from lc.audit.services import create_user
from lc.errors import DomainError


class Command(BaseCommand):
    help = "Create a platform superuser (ledgered as user.created by the operator at this shell)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--username", required=True)
        parser.add_argument("--email", default="")
        parser.add_argument("--noinput", "--no-input", action="store_false", dest="interactive")

    def handle(self, *args: Any, username: str, email: str, interactive: bool, **options: Any) -> None:
        import os

        password = os.environ.get("DJANGO_SUPERUSER_PASSWORD", "")
        if not password and interactive:
            password = getpass.getpass("Password: ")
            if password != getpass.getpass("Password (again): "):
                raise CommandError("the passwords do not match")
        try:
            user = create_user(actor=Operator.current(), username=username, organization=None, roles=[],
                               email=email, password=password or None, is_staff=True, is_superuser=True)
        except DomainError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"Superuser {user.username} created (ledgered).")
