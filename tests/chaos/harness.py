"""The fault suite's machinery (issue 15): a real stack in a temporary var/, a plain HTTP client,
the faults, and RELIABILITY.md.

The stack is what `make run` runs: the project's supervisor (tradechain.supervise) with gunicorn,
a Celery worker, Celery beat and the ledger sequencer, on the embedded PostgreSQL and Redis of a
TRADECHAIN_VAR of its own (never the repository's var/) and a free port. Faults are injected on
those very servers: redis-server paused (SIGSTOP), shut down and started again from its
append-only file, PostgreSQL restarted with the pgserver wheel's own `pg_ctl`, and `kill -9` of a
supervised process. The document store is a small tmpfs that a scenario remounts read-only.
"""

from __future__ import annotations

import http.client
import json
import os
import platform
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import psycopg

ROOT = Path(__file__).resolve().parents[2]
PY = sys.executable
REPORT = ROOT / "RELIABILITY.md"
STORE_SIZE = "256m"  # the document store's tmpfs


# --- waiting --------------------------------------------------------------------------------------


def wait_until(check: Callable[[], Any], timeout: float, what: str, every: float = 0.2) -> Any:
    """The first truthy value of check() within `timeout` seconds, else AssertionError."""
    deadline = time.monotonic() + timeout
    while True:
        result = check()
        if result:
            return result
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout:g} s waiting for {what}")
        time.sleep(every)


# --- HTTP -----------------------------------------------------------------------------------------


@dataclass
class Answer:
    status: int  # 0: no HTTP answer at all (connection refused, reset, timed out)
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    error: str = ""

    def json(self) -> Any:
        return json.loads(self.body) if self.body else {}

    @property
    def problem(self) -> bool:
        return self.headers.get("content-type", "").startswith("application/problem+json")


class Http:
    """One request per connection (gunicorn's sync workers close it anyway); never raises."""

    def __init__(self, port: int, timeout: float = 60.0) -> None:
        self.port, self.timeout = port, timeout

    def request(self, method: str, path: str, body: bytes | None = None, headers: dict[str, str] | None = None,
                timeout: float | None = None) -> Answer:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout or self.timeout)
        try:
            conn.request(method, path, body=body, headers=headers or {})
            resp = conn.getresponse()
            return Answer(resp.status, resp.read(), {k.lower(): v for k, v in resp.getheaders()})
        except (OSError, http.client.HTTPException) as exc:
            return Answer(0, error=f"{type(exc).__name__}: {exc}")
        finally:
            conn.close()

    def get(self, path: str, timeout: float | None = None) -> Answer:
        return self.request("GET", path, timeout=timeout)


class Api:
    """/api/v1 as one API key's holder."""

    def __init__(self, http_: Http, key: str) -> None:
        self.http, self.key = http_, key

    def _headers(self, idem: str | None, content_type: str = "application/json") -> dict[str, str]:
        headers = {"Authorization": f"Bearer {self.key}", "Content-Type": content_type, "Accept": "application/json"}
        if idem:
            headers["Idempotency-Key"] = idem
        return headers

    def post(self, path: str, data: Any = None, idem: str | None = None, timeout: float | None = None) -> Answer:
        return self.http.request("POST", "/api/v1/" + path, json.dumps(data or {}).encode(), self._headers(idem),
                                 timeout=timeout)

    def post_multipart(self, path: str, fields: list[tuple[str, str]], files: list[tuple[str, str, bytes]],
                       idem: str | None = None) -> Answer:
        boundary = uuid.uuid4().hex
        parts: list[bytes] = []
        for name, value in fields:
            parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode())
        for name, filename, content in files:
            parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename="{filename}"\r\n'
                         f"Content-Type: application/pdf\r\n\r\n".encode() + content + b"\r\n")
        body = b"".join(parts) + f"--{boundary}--\r\n".encode()
        return self.http.request("POST", "/api/v1/" + path, body,
                                 self._headers(idem, f"multipart/form-data; boundary={boundary}"))

    def get(self, path: str) -> Answer:
        return self.http.request("GET", "/api/v1/" + path, headers=self._headers(None))


# --- the stack ------------------------------------------------------------------------------------


SUPERVISE = ("import os, sys; from pathlib import Path; from tradechain.supervise import Supervisor, children; "
             "sys.exit(Supervisor(children(int(sys.argv[1])), Path(os.environ['TRADECHAIN_VAR']) / 'log').run())")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Stack:
    """Embedded PostgreSQL + Redis in a temp var/, then web + worker + beat + sequencer under the
    project's supervisor. `pids` follows the supervisor's console (it names every (re)start)."""

    def __init__(self, base: Path) -> None:
        self.base, self.var, self.store = base, base / "var", base / "store"
        self.port = free_port()
        self.http = Http(self.port)
        self.env: dict[str, str] = {}
        self.supervisor: subprocess.Popen[str] | None = None
        self.console: list[str] = []
        self.keys: dict[str, str] = {}
        self.facts: dict[str, Any] = {}

    # set-up
    def start(self) -> None:
        self.var.mkdir(parents=True)
        self.store.mkdir()
        subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={STORE_SIZE}", "tmpfs", str(self.store)], check=True)
        base_env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")}
        self.env = {**base_env, "TRADECHAIN_VAR": str(self.var), "MEDIA_ROOT": str(self.store),
                    "DJANGO_SETTINGS_MODULE": "tradechain.settings", "PYTHONUNBUFFERED": "1",
                    # DEBUG only so that webhooks may go to the plain-http receiver on loopback
                    # (lc.integrations.egress); nothing else here depends on it.
                    "DEBUG": "true", "LOG_LEVEL": "WARNING", "PORT": str(self.port),
                    "API_RATE_PER_MINUTE": "100000000",  # faults are injected, not the per-key rate limit
                    "PYTHONPATH": os.pathsep.join([str(ROOT), *filter(None, [os.environ.get("PYTHONPATH")])])}
        up = subprocess.run([PY, "-m", "tradechain.embedded", "up"], cwd=ROOT, env=self.env, capture_output=True,
                            text=True, check=True, timeout=180)
        self.env.update(dict(line.split("=", 1) for line in up.stdout.split() if "=" in line))
        self.manage("migrate", "--noinput")
        self.facts = self.django("setup")
        self.keys = self.facts.pop("keys")
        self.supervisor = subprocess.Popen([PY, "-c", SUPERVISE, str(self.port)], cwd=ROOT, env=self.env,
                                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                                           start_new_session=True)
        threading.Thread(target=self._pump, daemon=True).start()
        wait_until(self.healthy, 180, "the stack's /healthz to answer 200", every=0.5)

    def _pump(self) -> None:
        assert self.supervisor is not None and self.supervisor.stdout is not None
        for line in self.supervisor.stdout:
            self.console.append(line.rstrip("\n"))

    def stop(self) -> None:
        if self.supervisor is not None and self.supervisor.poll() is None:
            self.supervisor.send_signal(signal.SIGTERM)
            try:
                self.supervisor.wait(timeout=40)
            except subprocess.TimeoutExpired:
                os.killpg(self.supervisor.pid, signal.SIGKILL)
        redis_pid = self.redis_pid()
        if redis_pid:
            _signal(redis_pid, signal.SIGCONT)  # a scenario that failed while Redis was paused
        subprocess.run([PY, "-m", "tradechain.embedded", "down"], cwd=ROOT, env={
            k: v for k, v in self.env.items() if k not in ("DATABASE_URL", "REDIS_URL")}, check=False, timeout=120)
        subprocess.run(["umount", "-l", str(self.store)], check=False)
        shutil.rmtree(self.base, ignore_errors=True)

    # commands in the stack's environment
    def manage(self, *args: str, timeout: float = 600) -> str:
        done = subprocess.run([PY, "manage.py", *args], cwd=ROOT, env=self.env, capture_output=True, text=True,
                              timeout=timeout)
        if done.returncode != 0:
            raise AssertionError(f"manage.py {' '.join(args)} exited {done.returncode}:\n{done.stdout[-3000:]}"
                                 f"\n{done.stderr[-3000:]}")
        return done.stdout

    def django(self, command: str, **kwargs: Any) -> Any:
        """tests.chaos.seed.<command>(**kwargs) in a Django process of the stack; its JSON answer."""
        code = (f"import json, os; from tests.chaos import seed; "
                f"print('\\n' + seed.dumps(seed.{command}(**json.loads(os.environ['CHAOS_ARGS']))))")
        done = subprocess.run([PY, "manage.py", "shell", "-c", code], cwd=ROOT, capture_output=True, text=True,
                              env={**self.env, "CHAOS_ARGS": json.dumps(kwargs)}, timeout=900)
        if done.returncode != 0:
            raise AssertionError(f"seed.{command}({kwargs}) failed:\n{done.stdout[-2000:]}\n{done.stderr[-4000:]}")
        return json.loads(done.stdout.strip().splitlines()[-1])

    def api(self, username: str) -> Api:
        return Api(self.http, self.keys[username])

    # health and processes
    def healthy(self) -> bool:
        return self.http.get("/healthz", timeout=10).status == 200

    def pids(self) -> dict[str, int]:
        """The current pid of each supervised process, from the supervisor's console."""
        pids: dict[str, int] = {}
        for line in list(self.console):
            if m := re.search(r" (\w+) started(?: again)? \(pid (\d+)", line):
                pids[m.group(1)] = int(m.group(2))
        return pids

    def exits(self) -> list[str]:
        """Console lines of processes that exited (the supervisor restarted them)."""
        return [line for line in list(self.console) if re.search(r"(killed by|exited with code)", line)]

    def kill9(self, name: str) -> int:
        pid = self.pids()[name]
        os.kill(pid, signal.SIGKILL)
        return pid

    def restarted(self, name: str, old_pid: int, timeout: float = 60) -> int:
        return int(wait_until(lambda: (p := self.pids().get(name)) != old_pid and p, timeout,
                              f"{name} to be started again"))

    # the servers
    def db(self) -> psycopg.Connection[Any]:
        return psycopg.connect(self.env["DATABASE_URL"], autocommit=True, connect_timeout=10)

    def query(self, sql: str, params: Any = None) -> list[tuple[Any, ...]]:
        with self.db() as conn:
            return conn.execute(sql, params).fetchall()

    def scalar(self, sql: str, params: Any = None) -> Any:
        return self.query(sql, params)[0][0]

    def redis_pid(self) -> int | None:
        pid_file = self.var / "redis" / "redis.pid"
        try:
            pid = int(pid_file.read_text().strip())
        except (OSError, ValueError):
            return None
        return pid if _alive(pid) else None

    def pause_redis(self) -> int:
        pid = self.redis_pid()
        assert pid, "redis-server is not running"
        os.kill(pid, signal.SIGSTOP)
        return pid

    def resume_redis(self, pid: int) -> None:
        os.kill(pid, signal.SIGCONT)

    def embedded(self, *calls: str) -> None:
        """Call tradechain.embedded functions (start_redis, stop_redis) in the stack's var/."""
        code = "from tradechain import embedded as e; " + "; ".join(f"e.{c}()" for c in calls)
        subprocess.run([PY, "-c", code], cwd=ROOT, env=self.env, check=True, timeout=180)

    def restart_postgres(self) -> None:
        """`pg_ctl restart -m fast` with the pgserver wheel's binaries, on the stack's data dir."""
        from pgserver._commands import pg_ctl  # type: ignore[attr-defined]  # defined dynamically

        user = "pgserver" if os.geteuid() == 0 else None  # PostgreSQL refuses to run as root
        pg_ctl(["-w", "-t", "120", "-l", str(self.var / "pg" / "restart.log"), "restart", "-m", "fast"],
               pgdata=self.var / "pg", user=user, timeout=180)

    @contextmanager
    def read_only_store(self) -> Iterator[None]:
        subprocess.run(["mount", "-o", "remount,ro", str(self.store)], check=True)
        try:
            yield
        finally:
            subprocess.run(["mount", "-o", "remount,rw", str(self.store)], check=True)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def _signal(pid: int, sig: int) -> None:
    try:
        os.kill(pid, sig)
    except ProcessLookupError:
        pass


def new_stack() -> Stack:
    return Stack(Path(tempfile.mkdtemp(prefix="tc-chaos-")))


# --- RELIABILITY.md ---------------------------------------------------------------------------


@dataclass
class Row:
    scenario: str
    load: str
    fault: str
    acknowledged: int
    lost: int
    duplicated: int
    recovery: str
    notes: str = ""


HEADER = ("| Scenario | Load | Fault | Acknowledged writes | Lost | Duplicated | Seconds to recover | Notes |\n"
          "|---|---|---|---|---|---|---|---|\n")


def machine() -> str:
    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor() or "unknown CPU")
    mem = next((int(line.split()[1]) // 1024 for line in Path("/proc/meminfo").read_text().splitlines()
                if line.startswith("MemTotal")), 0)
    load = " ".join(f"{x:.1f}" for x in os.getloadavg())
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True,
                            text=True).stdout.strip() or "unknown"
    return (f"{os.cpu_count()} cores ({cpu}), {mem} MiB RAM, {platform.system()} {platform.release()}, "
            f"Python {platform.python_version()}; load average at the end {load} (the machine is shared); "
            f"commit {commit}; {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}")


PREAMBLE = """# Reliability: the fault suite (`make chaos`)

Each row is one scenario of `tests/chaos/` (issue 15) on a real stack: gunicorn + Celery worker +
Celery beat + ledger sequencer under the project's supervisor, with the embedded PostgreSQL and
Redis of a temporary `TRADECHAIN_VAR`, load driven through the HTTP API, faults injected on the
real servers and processes. *Acknowledged* counts writes the API answered 2xx; *lost* those
acknowledged but absent afterwards; *duplicated* objects present more than once (retries included).
The suite asserts every figure the issue states and exits non-zero when one fails; a row is
written only when its scenario passed. `make chaos` rewrites the rows of the scenarios it ran.

"""


def write_row(row: Row) -> None:
    """Replace this scenario's row (rows kept in scenario order) and the machine line."""
    rows: dict[str, str] = {}
    if REPORT.exists():
        for line in REPORT.read_text().splitlines():
            if m := re.match(r"\| (\d[a-z]?\. [^|]*)\|", line):
                rows[m.group(1).strip()] = line
    cells = [row.scenario, row.load, row.fault, str(row.acknowledged), str(row.lost), str(row.duplicated),
             row.recovery, row.notes]
    rows[row.scenario] = "| " + " | ".join(c.replace("|", "/") for c in cells) + " |"
    body = "\n".join(rows[k] for k in sorted(rows))
    REPORT.write_text(f"{PREAMBLE}Machine: {machine()}\n\n{HEADER}{body}\n")
