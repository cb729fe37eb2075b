"""manage.py witness_demo: keys and configuration of the demo's two witnesses, under var/witness/.

One witness per counterparty bank of the demo (the advising and the confirming bank), each with
its own key and SQLite state, trusting our log key. Safe to run any number of times: keys are
created once; the trusted-log file and the policy are rewritten only when they would change.
Prints the command lines that start the witnesses and the setting that makes the log use them.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand

from ledger.keys import verifier_strings
from ledger.publishers import atomic_write
from ledger.witness.keyfile import ensure_key

# (policy name, key name, port offset): the demo's counterparty banks (lc/demo.py ORGS).
DEMO_WITNESSES = [
    ("ningbo-coastal", "witness.ncbkcnbn.demo/w1", 0),
    ("lion-city", "witness.lctbsgsg.demo/w1", 1),
]


def ensure_demo_witnesses(root: Path, base_port: int = 7401) -> list[str]:
    """Create what is missing under `root`; return the shell lines that start each witness."""
    logs = root / "logs"
    _write_if_changed(logs, "".join(f"log {vkey}\n" for vkey in verifier_strings()))
    lines, policy = [], ["# Demo witness policy (manage.py witness_demo): both counterparty banks must cosign.\n"]
    policy += [f"log {vkey}\n" for vkey in verifier_strings()]
    for name, key_name, offset in DEMO_WITNESSES:
        key = root / name / "witness.key"
        vkey = ensure_key(key, key_name).verifier().to_string()
        port = base_port + offset
        policy.append(f"witness {name} {vkey} http://127.0.0.1:{port}\n")
        lines.append(f"{sys.executable} -m ledger.witness serve --state {root / name / 'state.sqlite'} "
                     f"--key {key} --logs {logs} --port {port}")
    names = " ".join(n for n, _, _ in DEMO_WITNESSES)
    policy += [f"group counterparties all {names}\n", "quorum counterparties\n"]
    _write_if_changed(root / "policy", "".join(policy))
    return lines


def _write_if_changed(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    if not path.exists() or path.read_text() != text:
        atomic_write(path, text.encode())


class Command(BaseCommand):
    help = "Create the demo witnesses' keys and configuration under var/witness/ (idempotent)."

    def add_arguments(self, parser: argparse.ArgumentParser) -> None:
        parser.add_argument("--dir", default=str(Path(settings.VAR_DIR) / "witness"))
        parser.add_argument("--base-port", type=int, default=7401)

    def handle(self, *args: object, **options: object) -> None:
        root = Path(str(options["dir"]))
        lines = ensure_demo_witnesses(root, int(str(options["base_port"])))
        self.stdout.write("Start the witnesses:\n" + "".join(f"  {line}\n" for line in lines))
        self.stdout.write(f"Then run the log with:\n  LEDGER_WITNESS_POLICY_FILE={root / 'policy'}\n")
