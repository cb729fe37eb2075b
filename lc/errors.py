"""The one domain error type of the lc app (and its kinds), mapped to HTTP in lc.api.problems."""

from __future__ import annotations

from typing import Any


class DomainError(Exception):
    """A move that is not allowed; nothing was changed and nothing written to the ledger."""


class NotAllowed(DomainError):
    """The move is not allowed in the current state (HTTP 409)."""


class Forbidden(DomainError):
    """The actor's organisation or role may not make this move (HTTP 403)."""


class NotFound(DomainError):
    """The object does not exist or is not visible to the actor (HTTP 404)."""


class InvalidInput(DomainError):
    """The facts given are invalid (HTTP 422), with per-field errors."""

    def __init__(self, message: str, errors: list[dict[str, Any]] | None = None) -> None:
        super().__init__(message)
        self.errors = errors or []
