"""`make run`: migrate, seed, then run web + Celery worker + beat + ledger sequencer together.

The console shows the URLs, the demo logins and one line per process state change; what each
process writes goes to var/log/<name>.log. A child that exits is started again after a delay
that doubles with each quick failure (1 s, 2 s, 4 s ... capped at 30 s) and resets once it has
stayed up for a while: one crashed process never stops the stack. Ctrl-C (SIGINT) or SIGTERM
stops every child cleanly. The embedded servers are started by tradechain.embedded before this
runs (see the Makefile).
"""

from __future__ import annotations

import errno
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO

BASE_DIR = Path(__file__).resolve().parent.parent
PY = sys.executable
BACKOFF_START = 1.0  # seconds before the first restart
BACKOFF_CAP = 30.0  # never wait longer than this between restarts
STABLE_AFTER = 30.0  # a child up this long has recovered: its next failure starts at BACKOFF_START
STOP_GRACE = 15.0  # seconds a child has to stop on SIGTERM before it is killed
LOG_ROTATE_BYTES = 20 * 1024 * 1024


def var_dir() -> Path:
    return Path(os.environ.get("TRADECHAIN_VAR", str(BASE_DIR / "var")))


# --- the web port -------------------------------------------------------------------------------


def port_is_free(port: int) -> bool:
    """True when a listener could bind the port now.

    SO_REUSEADDR, as gunicorn sets it, so that connections of a stopped server still in
    TIME_WAIT do not count as "in use" (issue 15: the port drifted to 8001 after each restart)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind(("127.0.0.1", port))
        except OSError as exc:
            if exc.errno != errno.EADDRINUSE:
                raise
            return False
        return True


def someone_listens(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.settimeout(1.0)
        return s.connect_ex(("127.0.0.1", port)) == 0


def free_port(preferred: int, settle: float = 5.0) -> int:
    """The preferred port unless a server really listens there, else the next free one.

    A port that cannot be bound although nothing listens is held by a process on its way out
    (the previous gunicorn's workers): wait up to `settle` seconds for it before moving on."""
    for port in range(preferred, preferred + 50):
        deadline = time.monotonic() + settle
        while not port_is_free(port):
            if someone_listens(port) or time.monotonic() > deadline:
                break
            time.sleep(0.2)
        else:
            return port
    raise SystemExit(f"no free port in {preferred}..{preferred + 49}; set PORT")


# --- supervising children ---------------------------------------------------------------------


@dataclass
class Child:
    name: str
    argv: list[str]
    log_path: Path
    proc: subprocess.Popen[bytes] | None = None
    started_at: float = 0.0
    failures: int = 0  # quick exits in a row
    due: float = 0.0  # when to start it again (monotonic)
    history: list[int] = field(default_factory=list)  # pids, oldest first


def backoff(failures: int, start: float = BACKOFF_START, cap: float = BACKOFF_CAP) -> float:
    """Delay before restart after `failures` quick exits in a row: doubling, capped."""
    return min(start * 2 ** max(failures - 1, 0), cap)


def describe_exit(code: int) -> str:
    if code < 0:
        try:
            return f"killed by {signal.Signals(-code).name}"
        except ValueError:
            return f"killed by signal {-code}"
    return f"exited with code {code}"


class Supervisor:
    """Runs each child in its own session with its output in its own log file; restarts it
    when it exits; stops them all on SIGINT/SIGTERM. `say` lines are the console's only output."""

    def __init__(self, children: Mapping[str, list[str]], log_dir: Path, out: TextIO = sys.stdout,
                 env: Mapping[str, str] | None = None, backoff_start: float = BACKOFF_START,
                 backoff_cap: float = BACKOFF_CAP, stable_after: float = STABLE_AFTER) -> None:
        log_dir.mkdir(parents=True, exist_ok=True)
        self.children = {n: Child(n, argv, log_dir / f"{n}.log") for n, argv in children.items()}
        self.out, self.env = out, dict(env if env is not None else os.environ)
        self.backoff_start, self.backoff_cap, self.stable_after = backoff_start, backoff_cap, stable_after
        self.stopping = False

    def say(self, text: str) -> None:
        print(f"{time.strftime('%H:%M:%S')} {text}", file=self.out, flush=True)

    def start(self, child: Child) -> None:
        rotate_log(child.log_path)
        with open(child.log_path, "ab") as log:
            # A new session: Ctrl-C at the terminal reaches only the supervisor, which stops
            # the children in order; and the child's whole process group can be killed at once.
            child.proc = subprocess.Popen(child.argv, cwd=BASE_DIR, env=self.env, stdin=subprocess.DEVNULL,
                                          stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        child.started_at = time.monotonic()
        again = " again" if child.history else ""
        child.history.append(child.proc.pid)
        self.say(f"{child.name} started{again} (pid {child.proc.pid}; log {child.log_path})")

    def reap(self, child: Child, code: int) -> None:
        """A child exited: clean up what it left behind and schedule its restart."""
        assert child.proc is not None
        kill_group(child.proc.pid)  # orphaned pool workers would hold the port or the queue
        child.proc = None
        uptime = time.monotonic() - child.started_at
        child.failures = 1 if uptime >= self.stable_after else child.failures + 1
        delay = backoff(child.failures, self.backoff_start, self.backoff_cap)
        child.due = time.monotonic() + delay
        self.say(f"{child.name} {describe_exit(code)} after {uptime:.0f} s; restarting in {delay:g} s")

    def tick(self) -> None:
        now = time.monotonic()
        for child in self.children.values():
            if child.proc is None:
                if now >= child.due:
                    self.start(child)
            elif (code := child.proc.poll()) is not None:
                self.reap(child, code)

    def run(self) -> int:
        """Until SIGINT/SIGTERM: keep every child running. Returns the exit code (0)."""
        def on_signal(signum: int, frame: object) -> None:
            self.stopping = True

        signal.signal(signal.SIGINT, on_signal)
        signal.signal(signal.SIGTERM, on_signal)
        for child in self.children.values():
            self.start(child)
        while not self.stopping:
            self.tick()
            time.sleep(0.2)
        self.stop_all()
        return 0

    def stop_all(self) -> None:
        running = [c for c in self.children.values() if c.proc is not None and c.proc.poll() is None]
        self.say(f"stopping {', '.join(c.name for c in running) or 'nothing'}...")
        for child in running:
            assert child.proc is not None
            child.proc.send_signal(signal.SIGTERM)  # the main process only: it stops its own workers
        deadline = time.monotonic() + STOP_GRACE
        for child in running:
            assert child.proc is not None
            try:
                code = child.proc.wait(timeout=max(0.1, deadline - time.monotonic()))
                self.say(f"{child.name} stopped ({describe_exit(code)})")
            except subprocess.TimeoutExpired:
                self.say(f"{child.name} did not stop within {STOP_GRACE:g} s; killed")
            kill_group(child.proc.pid)
            child.proc.wait()
        self.say("stopped.")


def kill_group(pgid: int) -> None:
    try:
        os.killpg(pgid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass  # the group is already empty


def rotate_log(path: Path) -> None:
    """Keep one previous log: the worker and beat write a line every few seconds."""
    if path.exists() and path.stat().st_size > LOG_ROTATE_BYTES:
        path.replace(path.with_name(path.name + ".1"))


# --- make run ---------------------------------------------------------------------------------


def witnesses() -> dict[str, list[str]]:
    """The demo's two witnesses (one per counterparty bank) on loopback, and the policy that makes
    the log ask them (issue 19). LEDGER_WITNESS_POLICY_FILE set by the caller wins; set it to
    "off" to run without witnesses."""
    import shlex

    if os.environ.get("LEDGER_WITNESS_POLICY_FILE"):
        if os.environ["LEDGER_WITNESS_POLICY_FILE"] == "off":
            os.environ["LEDGER_WITNESS_POLICY_FILE"] = ""
        return {}
    import django

    django.setup()  # the log's key comes from settings (a no-op once set up, as under make run)
    from ledger.management.commands.witness_demo import DEMO_WITNESSES, ensure_demo_witnesses

    root = var_dir() / "witness"
    lines = ensure_demo_witnesses(root, base_port=free_port(int(os.environ.get("WITNESS_PORT", "7401"))))
    os.environ["LEDGER_WITNESS_POLICY_FILE"] = str(root / "policy")  # inherited by web, worker, beat
    return {f"witness-{name}": shlex.split(line) for (name, _key, _port), line in zip(DEMO_WITNESSES, lines,
                                                                                        strict=True)}


def children(port: int) -> dict[str, list[str]]:
    bin_dir = Path(PY).parent
    var = var_dir()
    return {
        "web": [str(bin_dir / "gunicorn"), "-c", "python:tradechain.gunicorn_conf", "tradechain.wsgi", "--bind", f"127.0.0.1:{port}",
                "--workers", os.environ.get("WEB_CONCURRENCY", "3"), "--access-logfile", "-",
                "--graceful-timeout", "5"],
        "worker": [str(bin_dir / "celery"), "-A", "tradechain", "worker", "--loglevel", "INFO",
                   "--concurrency", os.environ.get("WORKER_CONCURRENCY", "2"), "-n", "worker@%h"],
        "beat": [str(bin_dir / "celery"), "-A", "tradechain", "beat", "--loglevel", "INFO",
                 "--schedule", f"{var}/celerybeat-schedule", "--pidfile", ""],
        "sequencer": [PY, "manage.py", "run_sequencer"],
        **witnesses(),
    }


def banner(port: int, log_dir: Path) -> str:
    from lc.demo import DEMO_PASSWORD, demo_logins

    base = f"http://localhost:{port}"
    lines = [
        "", "TradeChain is running.",
        f"  Portal     {base}/",
        f"  API docs   {base}/api/docs/",
        f"  Admin      {base}/admin/",
        f"  Health     {base}/healthz",
        "", f"Demo logins (password for all: {DEMO_PASSWORD}; bank staff TOTP secrets are listed above):",
    ]
    lines += [f"  {u:<22} {org:<34} {roles}" for u, org, roles in demo_logins()]
    if os.environ.get("LEDGER_WITNESS_POLICY_FILE"):
        lines += ["", f"Witnesses: the demo's two counterparty banks cosign each checkpoint "
                      f"(policy {os.environ['LEDGER_WITNESS_POLICY_FILE']}); {base}/ledger/checkpoint shows their lines."]
    lines += ["", f"Logs of each process: {log_dir}/. Ctrl-C stops every process.", ""]
    return "\n".join(lines)


def setup(log_dir: Path) -> None:
    """Migrate (output to the setup log) and seed the demo (its users and TOTP secrets to the
    console): a failure here stops `make run` with the log's tail, before anything is started."""
    log_dir.mkdir(parents=True, exist_ok=True)
    setup_log = log_dir / "setup.log"
    with open(setup_log, "ab") as log:
        done = subprocess.run([PY, "manage.py", "migrate", "--noinput"], cwd=BASE_DIR, stdout=log,
                              stderr=subprocess.STDOUT, check=False)
    if done.returncode != 0:
        sys.stderr.write(setup_log.read_text(errors="replace")[-4000:])
        raise SystemExit(f"migrate failed (exit {done.returncode}); full output in {setup_log}")
    subprocess.run([PY, "manage.py", "seed_demo"], cwd=BASE_DIR, check=True)


def main() -> int:
    os.chdir(BASE_DIR)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tradechain.settings")
    log_dir = var_dir() / "log"
    setup(log_dir)
    port = free_port(int(os.environ.get("PORT", "8000")))
    import django

    django.setup()
    processes = children(port)  # before the banner: it sets up the witnesses' policy
    print(banner(port, log_dir), flush=True)
    return Supervisor(processes, log_dir).run()


if __name__ == "__main__":
    raise SystemExit(main())
