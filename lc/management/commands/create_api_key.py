"""Issue an API key for a user from the command line (an operator setting up an integration,
or the demo): the secret is printed once and only its SHA-256 is stored."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from lc.errors import Forbidden
from lc.integrations.keys import create_api_key, require_integrator
from lc.models import User


class Command(BaseCommand):
    help = "Create an API key for USERNAME (API client or administrator) and print it once."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument("--name", default="command line", help="a label shown in key lists")

    def handle(self, *args: Any, username: str, name: str, **options: Any) -> None:
        try:
            user = User.objects.select_related("organization").get(username=username, is_active=True)
        except User.DoesNotExist as exc:
            raise CommandError(f"no active user {username!r}") from exc
        if user.organization is None:
            raise CommandError(f"{username} belongs to no organisation")
        try:
            require_integrator(user)
        except Forbidden as exc:
            raise CommandError(str(exc)) from exc
        key, secret = create_api_key(user=user, name=name)
        self.stderr.write(f"key {key.prefix} for {username} ({user.organization.name}); shown once:")
        self.stdout.write(secret)
