"""Row locks name their table; a revoked key stops working within a bounded time even when
Redis missed the revocation."""

from __future__ import annotations

import time
from typing import Any

from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from lc.integrations import keycache
from lc.integrations.keycache import CachedKey
from lc.integrations.keys import create_api_key
from lc.services.common import lock_presentation


def test_locking_a_presentation_locks_the_credit_and_the_presentation_never_an_organisation(story: Any) -> None:
    story.issued()
    pres = story.present()
    with transaction.atomic(), CaptureQueriesContext(connection) as queries:
        lock_presentation(None, pres.pk)
    locks = [q["sql"] for q in queries if "FOR UPDATE" in q["sql"]]
    assert len(locks) == 2
    assert locks[0].endswith('FOR UPDATE OF "lc_letterofcredit"')
    assert locks[1].endswith('FOR UPDATE OF "lc_presentation"')


def test_a_cached_key_is_trusted_for_a_bounded_time_only(cast: Any, settings: Any) -> None:
    settings.API_KEY_CACHE_SECONDS = 0.2
    key, _ = create_api_key(user=cast.users["hhl.treasury"], name="ttl")
    cache = keycache.KeyCache()
    epoch = cache.epoch()
    assert epoch is not None
    cache.put("h", CachedKey(epoch, key, None))
    assert cache.get("h", epoch) is not None
    time.sleep(0.3)
    assert cache.get("h", epoch) is None  # read again from the database: a missed revocation shows


def test_the_cache_bound_never_exceeds_sixty_seconds(cast: Any, settings: Any) -> None:
    settings.API_KEY_CACHE_SECONDS = 3600
    key, _ = create_api_key(user=cast.users["hhl.treasury"], name="ttl")
    cache = keycache.KeyCache()
    cache.put("h", CachedKey(b"e", key, None))
    cache._entries["h"].cached_at -= 61
    assert cache.get("h", b"e") is None


def test_a_process_that_cannot_reach_redis_forgets_every_cached_key(cast: Any, settings: Any) -> None:
    key, _ = create_api_key(user=cast.users["hhl.treasury"], name="outage")
    cache = keycache.KeyCache()
    cache.put("h", CachedKey(b"e", key, None))
    settings.REDIS_URL = "redis://127.0.0.1:1/0"  # nothing listens: Redis is "down"
    assert cache.epoch() is None
    assert cache._entries == {}
