"""Helpers for the operations tests: real processes whose console is read line by line."""

from __future__ import annotations

import re
import subprocess
import threading
import time
from pathlib import Path

import psutil


class Console:
    """A process's stdout, collected by a thread so that a test can wait for a line."""

    def __init__(self, proc: subprocess.Popen[str]) -> None:
        self.proc = proc
        self.lines: list[str] = []
        self._read = 0
        self._thread = threading.Thread(target=self._pump, daemon=True)
        self._thread.start()

    def _pump(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            self.lines.append(line.rstrip("\n"))

    def expect(self, pattern: str, timeout: float = 20.0) -> re.Match[str]:
        """The next line (after the last one matched) that matches `pattern`."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for i in range(self._read, len(self.lines)):
                if match := re.search(pattern, self.lines[i]):
                    self._read = i + 1
                    return match
            time.sleep(0.05)
        raise AssertionError(f"no line matching {pattern!r} within {timeout} s; console:\n" + "\n".join(self.lines))

    def text(self) -> str:
        return "\n".join(self.lines)


def gone(pid: int) -> bool:
    """The process has exited (a zombie awaiting its parent counts as exited)."""
    try:
        return psutil.Process(pid).status() == psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return True


def wait_gone(pid: int, timeout: float = 10.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if gone(pid):
            return True
        time.sleep(0.05)
    return False


def log_text(path: Path) -> str:
    return path.read_text(errors="replace") if path.exists() else ""


def wait_for_text(path: Path, needle: str, timeout: float = 20.0) -> str:
    """The file's text once it contains `needle`."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if needle in (text := log_text(path)):
            return text
        time.sleep(0.05)
    raise AssertionError(f"{needle!r} not in {path} within {timeout} s:\n{log_text(path)[-2000:]}")
