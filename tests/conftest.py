"""Shared fixtures: the personas (banks, importer, exporter, a stranger) built through the
real models, a real Celery worker on Redis, and helpers to drain the ledger sequencer."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest


@pytest.fixture(autouse=True)
def _fresh_rate_limits() -> None:
    """Every test starts with no failed sign-ins or API-key guesses counted against 127.0.0.1
    (the counters live in Redis, across tests: lc/integrations/ratelimit.py)."""
    from lc.integrations import ratelimit

    ratelimit.reset()


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings: Any) -> None:
    """PBKDF2's deliberate slowness is for production; tests create many users."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def _set_ledger_triggers(enabled: bool) -> None:
    """Every append-only trigger of the ledger app (named ledger_*), found in the catalogue."""
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute("SELECT tgrelid::regclass::text, tgname FROM pg_trigger "
                    "WHERE NOT tgisinternal AND (tgname LIKE 'ledger%%' OR tgname LIKE 'lc_swiftmessage%%'"
                    " OR tgname LIKE 'lc_utilisation%%' OR tgname LIKE 'lc_rate%%')")
        for table, trigger in cur.fetchall():
            state = "ENABLE ALWAYS" if enabled else "DISABLE"
            cur.execute(f"ALTER TABLE {table} {state} TRIGGER {trigger}")


@pytest.fixture(autouse=True)
def _ledger_triggers(request: Any) -> Iterator[None]:
    """Transactional tests end with a TRUNCATE of every table, which the append-only
    triggers rightly refuse. Switch them off for that flush only (as the test superuser),
    and make sure every database test starts with them on."""
    marker = request.node.get_closest_marker("django_db")
    if marker is None:
        yield
        return
    transactional = marker.kwargs.get("transaction") or (marker.args and marker.args[0])
    request.getfixturevalue("transactional_db" if transactional else "db")
    _set_ledger_triggers(True)
    yield
    if transactional:
        _set_ledger_triggers(False)


@pytest.fixture
def cast(db: Any) -> Any:
    """Organisations and users of the demo (see lc/demo.py), without TOTP devices."""
    from lc.demo import ensure_cast

    return ensure_cast(password="test-pass-123", with_totp=False)


@pytest.fixture
def story(cast: Any) -> Any:
    """One credit's life on the worked example's clock (lc.scenarios.Story), for the cast."""
    from lc.scenarios import Story, example_start

    return Story(cast, example_start())


@pytest.fixture
def sequenced() -> Any:
    """Call to sequence everything pending (the dedicated sequencer is not running in tests)."""
    from ledger.sequencer import drain

    return drain


@contextmanager
def outbox_relay() -> Iterator[None]:
    """The outbox relay (in `make run`, a thread of the sequencer process) in a thread here, so
    that after-commit work written by the tests reaches the worker."""
    import threading

    from django.db import connection

    from outbox.relay import run_forever

    stopping = threading.Event()

    def loop() -> None:
        try:
            run_forever(stop=stopping.is_set)
        finally:
            connection.close()

    thread = threading.Thread(target=loop, name="test-outbox-relay", daemon=True)
    thread.start()
    try:
        yield
    finally:
        stopping.set()
        thread.join(timeout=10)


@pytest.fixture
def celery_worker_thread(transactional_db: Any) -> Iterator[Any]:
    """A real Celery worker (Celery's own start_worker) consuming from Redis, in a thread of
    this process so it shares the test database, with the outbox relay beside it. Needs a
    transaction=True test."""
    from celery.contrib.testing.worker import start_worker

    from tradechain.celery import app

    app.control.purge()
    with start_worker(app, pool="threads", concurrency=2, perform_ping_check=False,
                      loglevel="WARNING", shutdown_timeout=20) as worker, outbox_relay():
        yield worker


def database_url() -> str:
    """The URL of the test database (for child processes: a real worker, a command)."""
    from django.db import connection

    from tradechain.embedded import url_for

    return url_for(connection.settings_dict)


@pytest.fixture
def worker_process(transactional_db: Any) -> Iterator[Any]:
    """A separate `celery worker` OS process on the test database and Redis."""
    import os
    import subprocess
    import sys
    import time
    from pathlib import Path

    from tradechain.celery import app

    app.control.purge()
    env = {**os.environ, "DATABASE_URL": database_url()}
    celery = Path(sys.executable).parent / "celery"
    proc = subprocess.Popen([str(celery), "-A", "tradechain", "worker", "--pool", "solo", "-n", "e2e@%h",
                             "--loglevel", "WARNING", "--without-gossip", "--without-mingle"],
                            env=env, cwd=Path(__file__).resolve().parent.parent)
    deadline = time.monotonic() + 60
    while not any("e2e@" in name for reply in (app.control.ping(timeout=0.5) or []) for name in reply):
        if time.monotonic() > deadline or proc.poll() is not None:
            proc.kill()
            raise RuntimeError("the worker process did not start")
    with outbox_relay():
        yield proc
    proc.terminate()
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        proc.kill()


def pytest_collection_modifyitems(config: Any, items: list[Any]) -> None:
    """Browser and worker tests last: they are the slowest and need the most set-up."""
    def weight(item: Any) -> int:
        path = str(item.fspath)
        return 2 if "browser" in path else 1 if "integration" in path else 0

    items.sort(key=weight)


@pytest.fixture
def admin_client(db: Any, admin_user: Any) -> Any:
    """pytest-django's admin client, past the second factor: the admin is django-otp's
    OTPAdminSite (issue 14), so a password-only session gets no admin page."""
    from django.test import Client
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.create(user=admin_user, name="test", confirmed=True)
    client = Client()
    client.force_login(admin_user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client
