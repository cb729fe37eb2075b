"""`make run` starts the demo's two witnesses (issue 19): the process table the supervisor runs
holds one witness per counterparty bank, each listening on loopback only, and the policy the web,
worker and beat processes inherit makes the log ask them; their cosignatures meet it."""

from __future__ import annotations

import json
import os
import re
import signal
import socket
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from ops_processes import wait_for_text

from ledger.anchoring import anchor_checkpoint
from ledger.models import Witnessed
from ledger.witness.policy import parse_policy
from ledger.witnessing import cosign_latest
from tests.ledger.conftest import LOG_VKEY, ledger_settings, record  # noqa: F401
from tradechain import supervise

ROOT = Path(__file__).resolve().parents[2]
RUN_SUPERVISOR = """
import json, sys
from pathlib import Path
from tradechain.supervise import Supervisor
sys.exit(Supervisor(json.loads(sys.argv[1]), Path(sys.argv[2])).run())
"""


def unused_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.mark.django_db
def test_make_run_starts_two_loopback_witnesses_whose_cosignatures_meet_the_policy(
    tmp_path: Path, monkeypatch: Any, spawned: list[subprocess.Popen[str]], record: Any,  # noqa: F811
    ledger_settings: Any  # noqa: F811
) -> None:
    monkeypatch.setenv("TRADECHAIN_VAR", str(tmp_path / "var"))
    monkeypatch.setenv("LEDGER_WITNESS_POLICY_FILE", "")  # unset: make run's default is on
    monkeypatch.setenv("WITNESS_PORT", str(unused_port()))

    children = supervise.children(8000)

    witness_children = {name: argv for name, argv in children.items() if name.startswith("witness-")}
    assert set(children) - set(witness_children) == {"web", "worker", "beat", "sequencer"}
    assert sorted(witness_children) == ["witness-lion-city", "witness-ningbo-coastal"]
    policy_file = Path(os.environ["LEDGER_WITNESS_POLICY_FILE"])  # what web, worker and beat inherit
    assert policy_file == tmp_path / "var" / "witness" / "policy"
    policy = parse_policy(policy_file.read_text())
    assert [log.verifier.to_string() for log in policy.logs] == [LOG_VKEY]

    log_dir = tmp_path / "log"
    proc = subprocess.Popen([sys.executable, "-c", RUN_SUPERVISOR, json.dumps(witness_children), str(log_dir)],
                            cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, text=True,
                            env={**os.environ, "PYTHONPATH": str(ROOT)})
    spawned.append(proc)
    try:
        for name, w in policy.witnesses.items():
            line = wait_for_text(log_dir / f"witness-{name}.log", " on http://")
            host, port = re.search(r" on http://([\d.]+):(\d+)", line).groups()  # type: ignore[union-attr]
            assert host == "127.0.0.1" and w.url == f"http://127.0.0.1:{port}", (name, line)
            assert w.verifier.to_string() in line
        ledger_settings.LEDGER_WITNESS_POLICY_FILE = str(policy_file)
        record(3)
        checkpoint = anchor_checkpoint()
        assert checkpoint is not None

        assert cosign_latest() == {"ningbo-coastal": "cosigned", "lion-city": "cosigned"}
        assert Witnessed.objects.filter(size=checkpoint.size).exists()
    finally:
        proc.send_signal(signal.SIGTERM)  # the supervisor stops the witnesses it started
        proc.wait(timeout=20)


def test_make_run_without_witnesses_when_the_policy_is_off(tmp_path: Path, monkeypatch: Any) -> None:
    monkeypatch.setenv("TRADECHAIN_VAR", str(tmp_path / "var"))
    monkeypatch.setenv("LEDGER_WITNESS_POLICY_FILE", "off")

    children = supervise.children(8000)

    assert set(children) == {"web", "worker", "beat", "sequencer"}
    assert os.environ["LEDGER_WITNESS_POLICY_FILE"] == "" and not (tmp_path / "var" / "witness").exists()
