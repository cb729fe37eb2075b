"""REST API throughput: gunicorn (gthread) on this machine against its own database
`tradechain_bench_api` on the configured server (created, migrated, dropped afterwards).

Measures credit creation (POST /api/v1/credits/ with an API key) and a list read
(GET /api/v1/credits/, a full default page of 50 credits) with wrk, a C load generator
(closed loop, keep-alive connections): a Python client would take a core of this 2-core
machine away from the server it measures.
"""

from __future__ import annotations

import http.client
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
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
# gunicorn layout; BENCH_API_LAYOUT=WxT tries another (on this machine 2x1, 3x1, 4x1, 4x2 and 3x4
# measured the same as 3x2 or worse).
WORKERS, THREADS = (int(n) for n in os.environ.get("BENCH_API_LAYOUT", "3x2").split("x"))
CONNECTIONS = 8
# Keep-alive connections stay with the worker that accepted them: with 8 connections and 3
# workers, one worker sometimes held most of them for the whole run and the list measured ~620
# req/s instead of ~1,050 (about one run in four). Capping each worker at 3 connections spreads
# the 8 as a load balancer would (3 + 3 + 2). Without keep-alive the list measured ~905 req/s
# and creation ~300, every connection paying its TCP set-up.
KEEP_ALIVE = os.environ.get("BENCH_API_KEEP_ALIVE", "30")
WORKER_CONNECTIONS = os.environ.get("BENCH_API_WORKER_CONNECTIONS", "3")

SEED = """
import json, django
django.setup()
from lc.integrations.keys import create_api_key
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


# In-process, one after the other in one process: a page of 50 through the ORM and
# CreditSerializer (what the list cost before lc.api.credit_list; still how tests define it)
# against the endpoint as it is. CPU time per page, in ms.
SIDE_BY_SIDE = """
import json, time, django
django.setup()
from django.http import QueryDict
from django.test import Client
from rest_framework.renderers import JSONRenderer
from lc.api.filters import CreditFilter
from lc.api.serializers import CreditSerializer
from lc.models import LetterOfCredit, User
user = User.objects.get(username="hhl.treasury")
client = Client(HTTP_AUTHORIZATION="Bearer {key}")

def orm_page():
    qs = LetterOfCredit.objects.visible_to(user.organization).with_parties().select_related("second_beneficiary")
    page = list(CreditFilter(QueryDict(""), queryset=qs).qs.order_by("-created_at", "-id")[:51])
    return JSONRenderer().render(CreditSerializer(page[:50], many=True).data)

def endpoint():
    response = client.get("/api/v1/credits/")
    assert response.status_code == 200
    return response.content

def per_call(fn, n={n}):
    for _ in range(20):
        fn()
    best = float("inf")
    for _ in range(3):
        t = time.process_time()
        for _ in range(n):
            fn()
        best = min(best, (time.process_time() - t) / n * 1000)
    return best

assert [c["id"] for c in json.loads(orm_page())] == [c["id"] for c in json.loads(endpoint())["results"]]
print(json.dumps({{"orm": per_call(orm_page), "endpoint": per_call(endpoint)}}))
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
            "DB_CONN_MAX_AGE": "600", "LOG_LEVEL": "ERROR", "DEBUG": "0",
            # The server's throughput is measured, not the per-key rate limit (issue 17).
            "API_RATE_PER_MINUTE": "100000000"}


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
    cmd = [str(Path(sys.executable).with_name("gunicorn")), "-c", "python:tradechain.gunicorn_conf",
           "tradechain.wsgi:application", "-b", f"127.0.0.1:{port}",
           "-w", str(WORKERS), "-k", "gthread", "--threads", str(THREADS), "--log-level", "warning",
           "--keep-alive", KEEP_ALIVE, "--worker-connections", WORKER_CONNECTIONS]
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
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            conn.request("GET", "/api/v1/credits/", headers={"Authorization": f"Bearer {key}"})
            if conn.getresponse().status == 200:
                return
        except OSError:
            pass
        time.sleep(0.3)
    raise RuntimeError("gunicorn did not become ready")


def _check_create(port: int, key: str, body: bytes) -> None:
    """The body wrk will send creates a credit (201), and the list shows a full page."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    conn.request("POST", "/api/v1/credits/", body=body,
                 headers={"Authorization": f"Bearer {key}", "Content-Type": "application/json"})
    response = conn.getresponse()
    if response.status != 201:
        raise RuntimeError(f"creation answered {response.status}: {response.read()[:500]!r}")
    response.read()
    conn.request("GET", "/api/v1/credits/", headers={"Authorization": f"Bearer {key}"})
    page = json.loads(conn.getresponse().read())
    if len(page["results"]) != 50:
        raise RuntimeError(f"the list shows {len(page['results'])} credits, not a page of 50")


# wrk calls done() at the end: one parseable line (latencies in microseconds; e.status counts
# answers that are not 2xx/3xx).
WRK_SCRIPT = """
local body_file = os.getenv("BENCH_BODY")
if body_file and body_file ~= "" then
  local f = assert(io.open(body_file, "rb"))
  wrk.method = "POST"
  wrk.body = f:read("*a")
  f:close()
  wrk.headers["Content-Type"] = "application/json"
end
-- No response() callback: with one, wrk hands every 60 KB body to Lua (wrk.status counts non-2xx).
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("RESULT %d %d %d %d %.1f %.1f\\n", summary.requests, summary.duration,
    e.connect + e.read + e.write + e.timeout, e.status, latency:percentile(50), latency:percentile(99)))
end
"""


def wrk(port: int, path: str, key: str, seconds: float, body: bytes | None = None,
        connections: int = CONNECTIONS) -> dict[str, float]:
    """Run wrk; requests/s, p50/p99 ms, and errors (socket errors and answers that are not 2xx)."""
    with tempfile.TemporaryDirectory() as tmp:
        script = Path(tmp, "bench.lua")
        script.write_text(WRK_SCRIPT)
        env = {**os.environ, "BENCH_BODY": ""}
        if body is not None:
            Path(tmp, "body.json").write_bytes(body)
            env["BENCH_BODY"] = str(Path(tmp, "body.json"))
        out = subprocess.run(["wrk", "-t1", f"-c{connections}", f"-d{round(seconds)}s", "--timeout", "10s",
                              "-s", str(script), "-H", f"Authorization: Bearer {key}",
                              f"http://127.0.0.1:{port}{path}"], env=env, check=True, capture_output=True,
                             text=True).stdout
    m = re.search(r"RESULT (\d+) (\d+) (\d+) (\d+) ([\d.]+) ([\d.]+)", out)
    if m is None:
        raise RuntimeError(f"wrk printed no result:\n{out}")
    requests, micros, socket_errors, bad, p50, p99 = (float(g) for g in m.groups())
    return {"rps": requests / (micros / 1e6), "p50": p50 / 1000, "p99": p99 / 1000, "requests": requests,
            "errors": socket_errors + bad}


def run(quick: bool) -> list[Result]:
    from lc.scenarios import example_terms

    if shutil.which("wrk") is None:
        raise RuntimeError("wrk is not installed (make bench installs it: scripts/ensure-wrk.sh)")
    _recreate_database()
    try:
        _python(["manage.py", "migrate", "--no-input", "-v", "0"])
        seeded = json.loads(_python(["-c", SEED.format(credits=10 if quick else 60)]).strip().splitlines()[-1])
        with psycopg.connect(_bench_url(), autocommit=True) as conn:
            # Plans for the data, not an empty table; and autovacuum has nothing left to do mid-measurement.
            conn.execute("VACUUM ANALYZE")
        key = seeded["key"]
        side = json.loads(_python(["-c", SIDE_BY_SIDE.format(key=key, n=30 if quick else 200)]).strip().splitlines()[-1])
        body = json.dumps({"terms": example_terms(), **seeded["parties"]}).encode()
        port = _free_port()
        seconds = 3.0 if quick else 20.0
        with _gunicorn(port):
            _wait_ready(port, key)
            _check_create(port, key, body)
            wrk(port, "/api/v1/credits/", key, 3.0)  # warm every worker (key cache, prepared statements)
            listed = wrk(port, "/api/v1/credits/", key, seconds)
            created = wrk(port, "/api/v1/credits/", key, seconds, body=body)
    finally:
        _recreate_database(drop_only=True)
    setup = (f"gunicorn {WORKERS} workers x {THREADS} gthread threads, at most {WORKER_CONNECTIONS} connections a "
             f"worker; wrk, {CONNECTIONS} keep-alive connections, "
             f"{seconds:.0f} s; same machine")
    return [
        Result(GROUP, "credit creation (POST /api/v1/credits/)", created["rps"], "req/s", ">= 300",
               created["rps"] >= 300, f"{setup}; {created['requests']:.0f} requests, {created['errors']:.0f} errors"),
        Result(GROUP, "credit creation p99", created["p99"], "ms", "<= 100", created["p99"] <= 100,
               f"p50 {created['p50']:.1f} ms"),
        Result(GROUP, "credit list (GET /api/v1/credits/, a page of 50)", listed["rps"], "req/s", ">= 800",
               listed["rps"] >= 800, f"{setup}; {listed['requests']:.0f} requests, {listed['errors']:.0f} errors"),
        Result(GROUP, "credit list p99", listed["p99"], "ms", "<= 60", listed["p99"] <= 60,
               f"p50 {listed['p50']:.1f} ms"),
        Result(GROUP, "list page, ORM + CreditSerializer (in-process CPU)", side["orm"], "ms", "",
               note="best of 3, Python process CPU only (PostgreSQL not counted); the page of 50 as tests define it: visible_to, CreditFilter, serializer, renderer"),
        Result(GROUP, "list page, the endpoint with its read model (in-process CPU)", side["endpoint"], "ms", "",
               note="best of 3; the whole request through Django and DRF (auth, filters, keyset, trigger-kept JSON)"),
        Result(GROUP, "list page CPU, ORM path / endpoint", side["orm"] / side["endpoint"], "ratio", "",
               note="measured side by side in one process, same data"),
    ]
