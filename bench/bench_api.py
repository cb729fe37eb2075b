"""REST API throughput: gunicorn (gthread) on this machine against its own database
`tradechain_bench_api` on the configured server (created, migrated, dropped afterwards).

Measures credit creation (POST /api/v1/credits/ with an API key) and a list read
(GET /api/v1/credits/, default page) with a small closed-loop load generator: threads with
keep-alive http.client connections, bounded by request count and time.
"""

from __future__ import annotations

import http.client
import json
import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import quote

import psycopg
from django.conf import settings

from bench import Result

ROOT = Path(__file__).resolve().parent.parent
DB_NAME = "tradechain_bench_api"
GROUP = "REST API"
WORKERS, THREADS = 4, 4
CLIENTS = 16

SEED = """
import json, django
django.setup()
from lc.api_auth import create_api_key
from lc.demo import ensure_cast
from lc.scenarios import Story
from django.utils import timezone
import datetime as dt
cast = ensure_cast(with_totp=False)
start = dt.datetime(2025, 3, 10, 10, 0, tzinfo=timezone.get_default_timezone())
for _ in range({credits}):
    story = Story(cast, start)
    story.issued()
    story.advise()
_, secret = create_api_key(user=cast.users["hhl.treasury"], name="bench")
body = {{"beneficiary": str(cast.orgs["exporter"].pk), "issuing_bank": str(cast.orgs["issuing"].pk),
        "advising_bank": str(cast.orgs["advising"].pk), "nominated_bank": str(cast.orgs["advising"].pk)}}
print(json.dumps({{"key": secret, "parties": body}}))
"""


def _admin_conninfo() -> dict[str, Any]:
    db = settings.DATABASES["default"]
    info = {"host": db.get("HOST") or None, "port": db.get("PORT") or None, "user": db.get("USER") or None,
            "password": db.get("PASSWORD") or None, "dbname": "postgres"}
    return {k: v for k, v in info.items() if v is not None}


def _bench_url() -> str:
    db = settings.DATABASES["default"]
    host, port = str(db.get("HOST") or ""), str(db.get("PORT") or "")
    auth = quote(db.get("USER") or "") + (":" + quote(db["PASSWORD"]) if db.get("PASSWORD") else "")
    where = quote(host, safe="") if host.startswith("/") else host + (f":{port}" if port else "")
    return f"postgresql://{auth}@{where}/{DB_NAME}"


def _recreate_database(drop_only: bool = False) -> None:
    with psycopg.connect(**_admin_conninfo(), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{DB_NAME}" WITH (FORCE)')
        if not drop_only:
            conn.execute(f'CREATE DATABASE "{DB_NAME}"')


def _env() -> dict[str, str]:
    return {**os.environ, "DATABASE_URL": _bench_url(), "DJANGO_SETTINGS_MODULE": "tradechain.settings",
            "DB_CONN_MAX_AGE": "600", "LOG_LEVEL": "ERROR", "DEBUG": "0"}


def _python(code_or_args: list[str]) -> str:
    out = subprocess.run([sys.executable, *code_or_args], cwd=ROOT, env=_env(), check=True,
                         capture_output=True, text=True)
    return out.stdout


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def _gunicorn(port: int) -> Iterator[None]:
    cmd = [str(Path(sys.executable).with_name("gunicorn")), "tradechain.wsgi:application", "-b", f"127.0.0.1:{port}",
           "-w", str(WORKERS), "-k", "gthread", "--threads", str(THREADS), "--log-level", "warning",
           "--keep-alive", "30"]
    proc = subprocess.Popen(cmd, cwd=ROOT, env=_env())
    try:
        yield
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def _wait_ready(port: int, key: str) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            status, _ = _request(http.client.HTTPConnection("127.0.0.1", port, timeout=5), "GET",
                                 "/api/v1/credits/", key, None)
            if status == 200:
                return
        except OSError:
            pass
        time.sleep(0.3)
    raise RuntimeError("gunicorn did not become ready")


def _request(conn: http.client.HTTPConnection, method: str, path: str, key: str,
             body: bytes | None) -> tuple[int, bytes]:
    headers = {"Authorization": f"Bearer {key}", "Content-Type": "application/json"}
    conn.request(method, path, body=body, headers=headers)
    resp = conn.getresponse()
    return resp.status, resp.read()


def load(port: int, make: Callable[[], tuple[str, str, bytes | None, int]], total: int,
         seconds: float, clients: int = CLIENTS) -> tuple[float, float, int]:
    """Closed loop: `clients` threads, each on one keep-alive connection, until `total` requests
    or `seconds` have passed. Returns (requests/s, p99 ms, errors)."""
    latencies: list[float] = []
    errors = [0]
    lock = threading.Lock()
    stop_at = time.monotonic() + seconds
    remaining = [total]

    def client() -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        while time.monotonic() < stop_at:
            with lock:
                if remaining[0] <= 0:
                    break
                remaining[0] -= 1
            method, path, body, expect = make()
            t0 = time.perf_counter()
            status, _ = _request(conn, method, path, KEY[0], body)
            elapsed = time.perf_counter() - t0
            with lock:
                latencies.append(elapsed)
                errors[0] += status != expect
        conn.close()

    started = time.perf_counter()
    threads = [threading.Thread(target=client) for _ in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.perf_counter() - started
    latencies.sort()
    p99 = latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))] * 1000 if latencies else 0.0
    return len(latencies) / wall, p99, errors[0]


KEY: list[str] = [""]


def run(quick: bool) -> list[Result]:
    from lc.scenarios import example_terms

    _recreate_database()
    try:
        _python(["manage.py", "migrate", "--no-input", "-v", "0"])
        seeded = json.loads(_python(["-c", SEED.format(credits=5 if quick else 20)]).strip().splitlines()[-1])
        KEY[0] = seeded["key"]
        body = json.dumps({"terms": example_terms(), **seeded["parties"]}).encode()
        port = _free_port()
        total, seconds = (300, 10.0) if quick else (4000, 30.0)
        with _gunicorn(port):
            _wait_ready(port, KEY[0])
            load(port, lambda: ("GET", "/api/v1/credits/", None, 200), 200, 10.0)  # warm every worker
            list_rps, list_p99, list_err = load(port, lambda: ("GET", "/api/v1/credits/", None, 200), total, seconds)
            create_rps, create_p99, create_err = load(port, lambda: ("POST", "/api/v1/credits/", body, 201),
                                                      total, seconds)
    finally:
        _recreate_database(drop_only=True)
    setup = f"gunicorn {WORKERS} workers x {THREADS} gthread threads, {CLIENTS} keep-alive clients, same machine"
    return [
        Result(GROUP, "credit creation (POST /api/v1/credits/)", create_rps, "req/s", ">= 300",
               create_rps >= 300, f"{setup}; {create_err} non-201 answers"),
        Result(GROUP, "credit creation p99", create_p99, "ms", "<= 100", create_p99 <= 100),
        Result(GROUP, "credit list (GET /api/v1/credits/, page of up to 50)", list_rps, "req/s", ">= 800",
               list_rps >= 800, f"{setup}; {list_err} non-200 answers"),
        Result(GROUP, "credit list p99", list_p99, "ms", "<= 60", list_p99 <= 60),
    ]
