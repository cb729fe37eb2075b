"""The API key cache (see KeyCache). No DRF import here: LcConfig.ready() connects its signals."""

from __future__ import annotations

import logging
import threading
import time
import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

import redis
from django.conf import settings
from django.db import transaction
from django.db.models.signals import post_delete, post_save

import outbox

if TYPE_CHECKING:
    from lc.models import ApiKey

EPOCH_KEY = "tradechain:api-key-epoch"
CACHE_LIMIT = 4096
BUMP_TASK = "lc.tasks.bump_key_epoch"
log = logging.getLogger(__name__)


@dataclass
class CachedKey:
    epoch: bytes
    key: ApiKey
    used_at: datetime | None
    cached_at: float = 0.0  # time.monotonic() when read from the database


class KeyCache:
    """Per-process cache of valid keys (hash -> key with its user and organisation), so a request
    does not pay a three-table query to authenticate.

    Correctness rests on one Redis value, the *epoch*: a random token replaced (after commit)
    whenever a key, a user or an organisation changes, revocation included. A request reads the
    epoch *before* it reads the database, and a cached key is used only while the epoch is the
    one it was read under; so a revoked key fails on the very next request in every process.
    Without Redis there is no cache: every request reads the database.

    Two more bounds for when Redis misses a bump (it was down at the revocation, or came back
    from its append-only file with the old epoch): a cached key is used for at most
    API_KEY_CACHE_SECONDS (<= 60 s), and a process that finds Redis unreachable drops its whole
    cache, so what it serves after Redis returns is read afresh. The bump itself is also an
    outbox message (lc.tasks.bump_key_epoch), so it happens once Redis answers again.
    """

    def __init__(self) -> None:
        self._entries: dict[str, CachedKey] = {}
        self._lock = threading.Lock()
        self._client: redis.Redis | None = None

    def _redis(self) -> redis.Redis:
        if self._client is None:
            self._client = redis.Redis.from_url(settings.REDIS_URL, socket_timeout=0.5, socket_connect_timeout=0.5)
        return self._client

    def epoch(self) -> bytes | None:
        """The current epoch, or None when Redis cannot be asked (then nothing is cached)."""
        try:
            value = self._redis().get(EPOCH_KEY)
        except redis.RedisError as exc:
            self.unreachable(exc)
            return None
        return self.epoch_read(value)

    def unreachable(self, exc: Exception) -> None:
        log.warning("API key cache off: Redis unavailable (%s)", exc)
        self.forget()  # a bump may be missed meanwhile: nothing cached before it is trusted

    def epoch_read(self, value: Any) -> bytes | None:
        """The epoch from a GET of EPOCH_KEY the caller made (in its own round trip)."""
        if value is None:  # first use, or Redis was flushed: start a new epoch
            value = uuid.uuid4().hex.encode()
            try:
                if not self._redis().set(EPOCH_KEY, value, nx=True):
                    value = self._redis().get(EPOCH_KEY)
            except redis.RedisError:
                return None
        return value if isinstance(value, bytes) else None

    def get(self, key_hash: str, epoch: bytes) -> CachedKey | None:
        entry = self._entries.get(key_hash)
        if entry is None or entry.epoch != epoch:
            return None
        if time.monotonic() - entry.cached_at > min(settings.API_KEY_CACHE_SECONDS, 60.0):
            return None
        return entry

    def put(self, key_hash: str, entry: CachedKey) -> None:
        entry.cached_at = time.monotonic()
        with self._lock:
            if len(self._entries) >= CACHE_LIMIT:
                self._entries.clear()
            self._entries[key_hash] = entry

    def forget(self) -> None:
        with self._lock:
            self._entries.clear()

    def bump(self, strict: bool = False) -> None:
        """A new epoch, so every process drops what it cached. `strict` raises when Redis is
        away (the outbox task, which is then retried); otherwise that is only logged."""
        self.forget()
        try:
            self._redis().set(EPOCH_KEY, uuid.uuid4().hex.encode())
        except redis.RedisError as exc:  # the cache is off while Redis is away (epoch() is None)
            if strict:
                raise
            log.warning("API key epoch not bumped: Redis unavailable (%s)", exc)


key_cache = KeyCache()


# Saves that cannot change whether a key is valid (a portal sign-in stamps last_login).
_IRRELEVANT_UPDATES = frozenset({"last_login"})


def _bump_after_commit(update_fields: Any = None, **_: Any) -> None:
    if update_fields and set(update_fields) <= _IRRELEVANT_UPDATES:
        return
    # This process forgets at once (its own transaction sees the change); the other processes
    # when the new epoch is set, after commit, so none can cache the old state again. The
    # bump after commit is immediate but best-effort (robust: a committed change never fails
    # because Redis is away); the outbox message written with the change makes it certain.
    key_cache.forget()
    outbox.enqueue(BUMP_TASK, subject="api-key-epoch")
    transaction.on_commit(key_cache.bump, robust=True)


def connect_signals() -> None:
    """Called from LcConfig.ready(), so every process that can change a key, a user or an
    organisation (web, admin, workers, management commands) moves the epoch on."""
    from lc.models import ApiKey, Organization, User

    for model in (ApiKey, User, Organization):
        post_save.connect(_bump_after_commit, sender=model, dispatch_uid=f"api-key-epoch-save-{model.__name__}")
        post_delete.connect(_bump_after_commit, sender=model, dispatch_uid=f"api-key-epoch-delete-{model.__name__}")
