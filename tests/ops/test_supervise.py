"""The `make run` supervisor on real processes: a killed child comes back, the console says so in
one line, the rest of the stack keeps running, and Ctrl-C/SIGTERM still stops everything."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

from ops_processes import Console, gone, log_text, wait_for_text, wait_gone

from tradechain.supervise import backoff

# The supervisor's restart loop, in its own process, on small child commands.
RUN_SUPERVISOR = """
import json, sys
from pathlib import Path
from tradechain.supervise import Supervisor
children, log_dir, start, cap = json.loads(sys.argv[1]), Path(sys.argv[2]), float(sys.argv[3]), float(sys.argv[4])
sys.exit(Supervisor(children, log_dir, backoff_start=start, backoff_cap=cap).run())
"""
SLEEPER = [sys.executable, "-c", "import time; print('sleeper says hello', flush=True); time.sleep(600)"]
CRASHER = [sys.executable, "-c", "import sys; print('crashing', flush=True); sys.exit(3)"]
# Starts a grandchild in its process group, as gunicorn and Celery start their workers.
PARENT = [sys.executable, "-c",
          "import subprocess, time; p = subprocess.Popen(['sleep', '600']); "
          "print('grandchild', p.pid, flush=True); time.sleep(600)"]


def supervise(spawned: list[subprocess.Popen[str]], tmp_path: Path, children: dict[str, list[str]],
              start: float = 0.5, cap: float = 2.0) -> Console:
    root = Path(__file__).resolve().parents[2]
    proc = subprocess.Popen([sys.executable, "-c", RUN_SUPERVISOR, json.dumps(children), str(tmp_path / "log"),
                             str(start), str(cap)], cwd=root, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            text=True, env={**os.environ, "PYTHONPATH": str(root)})
    spawned.append(proc)
    return Console(proc)


def test_killed_child_is_started_again_and_the_console_says_so(spawned: list, tmp_path: Path) -> None:
    console = supervise(spawned, tmp_path, {"sleeper": SLEEPER, "other": SLEEPER})
    first = int(console.expect(r"sleeper started \(pid (\d+)").group(1))
    other = int(console.expect(r"other started \(pid (\d+)").group(1))
    log = tmp_path / "log" / "sleeper.log"
    wait_for_text(log, "sleeper says hello")

    os.kill(first, signal.SIGKILL)

    console.expect(r"sleeper killed by SIGKILL after \d+ s; restarting in 0.5 s")
    second = int(console.expect(r"sleeper started again \(pid (\d+)").group(1))
    assert second != first and not gone(second)
    assert not gone(other), "one child's death must not stop the others"
    assert console.proc.poll() is None
    # Children write to their own log, never to the console.
    wait_for_text(log, "hello\nsleeper says hello")
    assert log_text(log).count("sleeper says hello") == 2
    assert "hello" not in console.text()


def test_restart_delay_doubles_up_to_the_cap_and_the_stack_keeps_running(spawned: list, tmp_path: Path) -> None:
    console = supervise(spawned, tmp_path, {"crasher": CRASHER, "sleeper": SLEEPER}, start=0.5, cap=2.0)
    sleeper = int(console.expect(r"sleeper started \(pid (\d+)").group(1))

    delays = [float(console.expect(r"crasher exited with code 3 after \d+ s; restarting in ([\d.]+) s").group(1))
              for _ in range(5)]

    assert delays == [0.5, 1.0, 2.0, 2.0, 2.0]
    assert not gone(sleeper) and console.proc.poll() is None


def test_sigterm_stops_every_child_and_what_they_started(spawned: list, tmp_path: Path) -> None:
    console = supervise(spawned, tmp_path, {"parent": PARENT, "sleeper": SLEEPER})
    parent = int(console.expect(r"parent started \(pid (\d+)").group(1))
    sleeper = int(console.expect(r"sleeper started \(pid (\d+)").group(1))
    grandchild = int(wait_for_text(tmp_path / "log" / "parent.log", "grandchild").split()[1])

    console.proc.send_signal(signal.SIGTERM)

    assert console.proc.wait(timeout=30) == 0
    console.expect(r"stopped\.$")
    assert all(wait_gone(pid) for pid in (parent, sleeper, grandchild))


def test_backoff_doubles_from_the_start_value_and_stops_at_the_cap() -> None:
    assert [backoff(n, 1.0, 30.0) for n in range(1, 8)] == [1, 2, 4, 8, 16, 30, 30]
