"""`make run`: migrate, seed, then run web + Celery worker + beat + ledger sequencer together.

Ctrl-C (SIGINT) or SIGTERM stops every child cleanly; if one child dies, the others are
stopped too and the exit code says so. The embedded servers are started by
tradechain.embedded before this runs (see the Makefile).
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
PY = sys.executable


def free_port(preferred: int) -> int:
    """The preferred port if free, else the next free one (the README's 'port in use')."""
    for port in range(preferred, preferred + 50):
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
            try:
                s.bind(("127.0.0.1", port))
                return port
            except OSError:
                continue
    raise SystemExit(f"no free port in {preferred}..{preferred + 49}; set PORT")


def manage(*args: str) -> None:
    subprocess.run([PY, "manage.py", *args], cwd=BASE_DIR, check=True)


def children(port: int) -> dict[str, list[str]]:
    bin_dir = Path(PY).parent
    var = os.environ.get("TRADECHAIN_VAR", str(BASE_DIR / "var"))
    return {
        "web": [str(bin_dir / "gunicorn"), "tradechain.wsgi", "--bind", f"127.0.0.1:{port}",
                "--workers", os.environ.get("WEB_CONCURRENCY", "3"), "--access-logfile", "-",
                "--graceful-timeout", "5"],
        "worker": [str(bin_dir / "celery"), "-A", "tradechain", "worker", "--loglevel", "INFO",
                   "--concurrency", os.environ.get("WORKER_CONCURRENCY", "2"), "-n", "worker@%h"],
        "beat": [str(bin_dir / "celery"), "-A", "tradechain", "beat", "--loglevel", "INFO",
                 "--schedule", f"{var}/celerybeat-schedule", "--pidfile", ""],
        "sequencer": [PY, "manage.py", "run_sequencer"],
    }


def banner(port: int) -> str:
    from lc.demo import DEMO_PASSWORD, demo_logins

    base = f"http://localhost:{port}"
    lines = [
        "", "TradeChain is running.",
        f"  Portal     {base}/",
        f"  API docs   {base}/api/docs/",
        f"  Admin      {base}/admin/",
        f"  Health     {base}/healthz",
        "", f"Demo logins (password for all: {DEMO_PASSWORD}; TOTP secrets for bank staff are printed by seed_demo):",
    ]
    lines += [f"  {u:<22} {org:<34} {roles}" for u, org, roles in demo_logins()]
    lines += ["", "Press Ctrl-C to stop web, worker, beat and sequencer.", ""]
    return "\n".join(lines)


def stop_all(procs: dict[str, subprocess.Popen[bytes]]) -> None:
    for proc in procs.values():
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
    deadline = time.monotonic() + 15
    for proc in procs.values():
        try:
            proc.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            proc.kill()


def main() -> int:
    os.chdir(BASE_DIR)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tradechain.settings")
    manage("migrate", "--noinput")
    manage("seed_demo")
    port = free_port(int(os.environ.get("PORT", "8000")))
    procs = {name: subprocess.Popen(cmd, cwd=BASE_DIR, start_new_session=True)
             for name, cmd in children(port).items()}
    stopping = False

    def on_signal(signum: int, frame: object) -> None:
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGINT, on_signal)
    signal.signal(signal.SIGTERM, on_signal)
    import django

    django.setup()
    print(banner(port), flush=True)
    code = 0
    while not stopping:
        dead = [n for n, p in procs.items() if p.poll() is not None]
        if dead:
            print(f"{', '.join(dead)} exited; stopping the rest", file=sys.stderr)
            code = 1
            break
        time.sleep(0.5)
    stop_all(procs)
    print("stopped.")
    return code


if __name__ == "__main__":
    raise SystemExit(main())
