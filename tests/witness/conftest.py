"""Witness test helpers: a synthetic log that signs real checkpoints, and real witness processes
(`python -m ledger.witness serve`, each with its own key and SQLite file)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from ledger.merkle import consistency_proof_from_hashes, leaf_hashes, root_from_hashes
from ledger.note import Signer, checkpoint_body, generate_signer, sign_note
from ledger.witness.cosignature import CosignatureVerifier
from ledger.witness.protocol import format_request

ROOT = Path(__file__).resolve().parents[2]


@dataclass
class SyntheticLog:
    """A log of `leaves` whose key signs whatever checkpoint the test asks for, forks included."""

    origin: str
    signer: Signer
    vkey: str
    hashes: list[bytes] = field(default_factory=list)

    def root(self, size: int) -> bytes:
        return root_from_hashes(self.hashes[:size])

    def note(self, size: int, root: bytes | None = None) -> str:
        return sign_note(checkpoint_body(self.origin, size, self.root(size) if root is None else root), [self.signer])

    def proof(self, old: int, new: int) -> list[bytes]:
        return consistency_proof_from_hashes(self.hashes[:new], old) if 0 < old < new else []

    def request(self, old: int, new: int) -> bytes:
        return format_request(old, self.proof(old, new), self.note(new))

    def forked(self) -> SyntheticLog:
        """The same key and origin over different leaves: a second history."""
        return SyntheticLog(self.origin, self.signer, self.vkey, leaf_hashes([b"fork"] + [bytes([i]) for i in range(99)]))


def make_log(origin: str = "witness.test/log") -> SyntheticLog:
    skey, vkey = generate_signer(origin)
    return SyntheticLog(origin, Signer.from_string(skey), vkey, leaf_hashes([bytes([i]) for i in range(100)]))


@pytest.fixture
def synthetic_log() -> SyntheticLog:
    return make_log()


@dataclass
class WitnessProcess:
    name: str
    url: str
    vkey: str
    state: Path
    proc: subprocess.Popen[str]

    @property
    def verifier(self) -> CosignatureVerifier:
        return CosignatureVerifier.from_string(self.vkey)

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(timeout=10)


def start_witness(directory: Path, key_name: str, log_vkeys: list[str], state: Path | None = None,
                  port: int = 0) -> WitnessProcess:
    """keygen + serve as separate commands, exactly as a bank would run them."""
    directory.mkdir(parents=True, exist_ok=True)
    key = directory / "witness.key"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    vkey = subprocess.run([sys.executable, "-m", "ledger.witness", "keygen", "--name", key_name, "--key", str(key)],
                          check=True, capture_output=True, text=True, env=env, cwd=ROOT).stdout.strip()
    (directory / "logs").write_text("".join(f"log {v}\n" for v in log_vkeys))
    state = state or directory / "state.sqlite"
    proc = subprocess.Popen([sys.executable, "-m", "ledger.witness", "serve", "--state", str(state), "--key", str(key),
                             "--logs", str(directory / "logs"), "--port", str(port)],
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, env=env, cwd=ROOT)
    assert proc.stdout is not None
    line = proc.stdout.readline()
    found = re.search(r"on (http://127\.0\.0\.1:\d+)", line)
    if not found:
        proc.kill()
        raise RuntimeError(f"witness did not start: {line!r}")
    return WitnessProcess(key_name, found.group(1), vkey, state, proc)


@pytest.fixture
def witnesses(tmp_path: Path) -> Iterator[Callable[..., WitnessProcess]]:
    """start(name, log_vkeys, state=None): a witness process, stopped after the test. Starting
    the same name again reuses its key and state (a restart)."""
    started: list[WitnessProcess] = []

    def start(name: str, log_vkeys: list[str], state: Path | None = None, port: int = 0) -> WitnessProcess:
        w = start_witness(tmp_path / re.sub(r"\W", "_", name), name, log_vkeys, state, port)
        started.append(w)
        return w

    yield start
    for w in started:
        w.stop()
