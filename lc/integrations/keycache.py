"""The API key cache (see KeyCache). No DRF import here: LcConfig.ready() connects its signals."""

from __future__ import annotations

import logging
import threading
import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

import redis
from django.conf import settings
from django.db import transaction
from django.db.models.signals import post_delete, post_save

if TYPE_CHECKING:
    from lc.models import ApiKey

EPOCH_KEY = "tradechain:api-key-epoch"
CACHE_LIMIT = 4096
log = logging.getLogger(__name__)


@dataclass
class CachedKey:
    epoch: bytes
    key: ApiKey
    used_at: datetime | None


class KeyCache:
    """Per-process cache of valid keys (hash -> key with its user and organisation), so a request
    does not pay a three-table query to authenticate.

    Correctness rests on one Redis value, the *epoch*: a random token replaced (after commit)
    whenever a key, a user or an organisation changes, revocation included. A request reads the
    epoch *before* it reads the database, and a cached key is used only while the epoch is the
    one it was read under; so a revoked key fails on the very next request in every process.
    Without Redis there is no cache: every request reads the database.
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
            log.warning("API key cache off: Redis unavailable (%s)", exc)
            return None
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
        return entry if entry is not None and entry.epoch == epoch else None

    def put(self, key_hash: str, entry: CachedKey) -> None:
        with self._lock:
            if len(self._entries) >= CACHE_LIMIT:
                self._entries.clear()
            self._entries[key_hash] = entry

    def forget(self) -> None:
        with self._lock:
            self._entries.clear()

    def bump(self) -> None:
        """A new epoch, so every process drops what it cached."""
        self.forget()
        try:
            self._redis().set(EPOCH_KEY, uuid.uuid4().hex.encode())
        except redis.RedisError as exc:  # the cache is off while Redis is away (epoch() is None)
            log.warning("API key epoch not bumped: Redis unavailable (%s)", exc)


key_cache = KeyCache()


# Saves that cannot change whether a key is valid (a portal sign-in stamps last_login).
_IRRELEVANT_UPDATES = frozenset({"last_login"})


def _bump_after_commit(update_fields: Any = None, **_: Any) -> None:
    if update_fields and set(update_fields) <= _IRRELEVANT_UPDATES:
        return
    # This process forgets at once (its own transaction sees the change); the other processes
    # when the new epoch is set, after commit, so none can cache the old state again.
    key_cache.forget()
    transaction.on_commit(key_cache.bump)


def connect_signals() -> None:
    """Called from LcConfig.ready(), so every process that can change a key, a user or an
    organisation (web, admin, workers, management commands) moves the epoch on."""
    from lc.models import ApiKey, Organization, User

    for model in (ApiKey, User, Organization):
        post_save.connect(_bump_after_commit, sender=model, dispatch_uid=f"api-key-epoch-save-{model.__name__}")
        post_delete.connect(_bump_after_commit, sender=model, dispatch_uid=f"api-key-epoch-delete-{model.__name__}")
