"""`make run` from a fresh clone, then again (issue 2).

Clones the repository's HEAD into a temporary folder, runs `make run` there with no
DATABASE_URL or REDIS_URL (so the clone creates its own virtualenv and embedded PostgreSQL
and Redis under its own var/), and times until the login page answers 200 and /healthz
answers 200 with a Celery worker seen. Then Ctrl-C, and the same again: the second start
reuses the virtualenv and var/. Everything is removed afterwards.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

from bench import Result

ROOT = Path(__file__).resolve().parent.parent
TIMEOUT = 600


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _status(url: str) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=5) as resp:
            return resp.status, resp.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read()
    except (urllib.error.URLError, OSError):
        return 0, b""


def _ready(port: int) -> bool:
    login, _ = _status(f"http://127.0.0.1:{port}/login/")
    health, body = _status(f"http://127.0.0.1:{port}/healthz")
    # /healthz tells the public only up or down (issue 17), and "ok" includes a worker answering.
    return login == 200 and health == 200 and json.loads(body or b"{}").get("status") == "ok"


def _start(clone: Path, port: int, log: Path) -> tuple[float, subprocess.Popen[bytes]]:
    env = {k: v for k, v in os.environ.items()
           if k not in {"DATABASE_URL", "REDIS_URL", "TRADECHAIN_VAR", "VIRTUAL_ENV", "BENCH_DB_NAME"}}
    env["PORT"] = str(port)
    started = time.monotonic()
    with log.open("ab") as out:
        proc = subprocess.Popen(["make", "run"], cwd=clone, env=env, stdout=out, stderr=subprocess.STDOUT,
                                start_new_session=True)
    while not _ready(port):
        if proc.poll() is not None or time.monotonic() - started > TIMEOUT:
            _stop(proc)
            raise RuntimeError(f"make run did not become ready; see {log}")
        time.sleep(0.5)
    return time.monotonic() - started, proc


def _stop(proc: subprocess.Popen[bytes]) -> None:
    """What Ctrl-C does in a terminal: SIGINT to the whole foreground process group."""
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGINT)
        try:
            proc.wait(timeout=60)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)


def run(quick: bool) -> list[Result]:
    tmp = Path(tempfile.mkdtemp(prefix="tc-startup-"))
    clone = tmp / "tradechain"
    log = tmp / "make-run.log"
    try:
        subprocess.run(["git", "clone", "--quiet", str(ROOT), str(clone)], check=True)
        cold, proc = _start(clone, _free_port(), log)
        _stop(proc)
        warm, proc = _start(clone, _free_port(), log)
        _stop(proc)
        leftovers = subprocess.run(["pgrep", "-f", str(clone)], capture_output=True, text=True).stdout.split()
    finally:
        subprocess.run(["make", "stop"], cwd=clone, capture_output=True)
        shutil.rmtree(tmp, ignore_errors=True)
    group = "make run (fresh clone, embedded servers)"
    return [
        Result(group, "first start: venv, install, initdb, migrate, seed, serve", cold, "s", "<= 180 s", cold <= 180),
        Result(group, "second start (reuses .venv and var/)", warm, "s", "<= 30 s", warm <= 30,
               note=f"processes left after Ctrl-C: {len(leftovers)}"),
    ]
