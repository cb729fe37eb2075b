"""Issue 19 end to end on separate processes: two witness processes (`python -m ledger.witness
serve`), a Celery worker process that anchors and asks them (through the outbox, as under
`make run`), the log's web process (gunicorn) serving the cosigned checkpoint and consistency
proofs to the gossip command, the evidence exported by `manage.py export_evidence` in another
process and checked by the offline verifier's command line, and the attacks: a split view, a
rollback and a rewrite.

Nothing here calls the log's witnessing code in the test process: the worker process does it,
reading the same environment the stack would (signing key, origin, policy file)."""

from __future__ import annotations

import base64
import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from django.db import connection

from ledger import tasks
from ledger.models import Checkpoint, Cosignature, Entry, Receipt, Witnessed, WitnessStatus
from ledger.note import Signer, checkpoint_body, sign_note
from ledger.proofs import proof_status
from ledger.witness.cosignature import check, generate_cosigner, split_note
from ledger.witness.protocol import format_request
from ledger.witness.store import Store
from ledger.witnessing import ask, witness_policy
from tests.conftest import database_url
from tests.ledger.conftest import LOG_KEY, LOG_VKEY, ledger_settings, record, rewrite_history, wait_for  # noqa: F401
from tests.witness.conftest import witnesses  # noqa: F401

ROOT = Path(__file__).resolve().parents[2]
ORIGIN = "tradechain.test/ledger"
NAMES = {"bank-a": "witness.bank-a.test/w1", "bank-b": "witness.bank-b.test/w1"}
BOTH = "group counterparties all bank-a bank-b\nquorum counterparties\n"

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def stack(witnesses: Any, ledger_settings: Any, tmp_path: Path, monkeypatch: Any,  # noqa: F811
          request: Any) -> SimpleNamespace:
    """Two witness processes, a policy needing both, and a worker process configured by the
    environment to sign with the test log key and ask them."""
    procs = {name: witnesses(key, [LOG_VKEY]) for name, key in NAMES.items()}
    policy = tmp_path / "policy"
    policy.write_text(f"log {LOG_VKEY}\n" + "".join(f"witness {n} {w.vkey} {w.url}\n" for n, w in procs.items()) + BOTH)
    env = {"LEDGER_SIGNING_KEY": LOG_KEY, "LEDGER_ORIGIN": ORIGIN, "LEDGER_WITNESS_POLICY_FILE": str(policy),
           "LEDGER_TLOG_DIR": str(tmp_path / "tlog"), "LEDGER_PUBLISHERS": "ledger.publishers.TlogDirectory",
           "LEDGER_TSA_URL": "", "LEDGER_EXTRA_SIGNING_KEYS": "", "LEDGER_EXTRA_VERIFIER_KEYS": "",
           "LEDGER_WITNESS_ATTEMPTS": "2", "LEDGER_WITNESS_BACKOFF": "0.05", "LEDGER_WITNESS_TIMEOUT": "2"}
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    ledger_settings.LEDGER_WITNESS_POLICY_FILE = str(policy)
    worker = request.getfixturevalue("worker_process")  # started after the environment is set
    return SimpleNamespace(policy=policy, worker=worker, tmp=tmp_path, **{n.replace("-", "_"): p for n, p in procs.items()})


@pytest.fixture
def web(stack: SimpleNamespace) -> Iterator[str]:
    """The log's web process, as make run starts it (gunicorn), on the test database: its
    /ledger base URL."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    gunicorn = Path(sys.executable).parent / "gunicorn"
    proc = subprocess.Popen([str(gunicorn), "tradechain.wsgi", "--bind", f"127.0.0.1:{port}", "--workers", "1"],
                            cwd=ROOT, env={**os.environ, "DATABASE_URL": database_url()},
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}/ledger"
    deadline = time.monotonic() + 30
    while True:
        try:
            with urllib.request.urlopen(base + "/checkpoint", timeout=2):
                break
        except urllib.error.HTTPError:
            break  # it answers (404 before the first checkpoint)
        except OSError:
            if time.monotonic() > deadline or proc.poll() is not None:
                proc.kill()
                raise RuntimeError("the web process did not start") from None
            time.sleep(0.2)
    yield base
    proc.terminate()
    proc.wait(timeout=20)


def served_checkpoint(base: str) -> str:
    with urllib.request.urlopen(base + "/checkpoint", timeout=5) as reply:
        return str(reply.read().decode())


def anchor_and_wait(wait_for: Any, size: int, cosignatures: int) -> Checkpoint:  # noqa: F811
    """The worker process signs checkpoint `size` and asks the witnesses (via the outbox)."""
    tasks.anchor.delay()
    assert wait_for(lambda: Checkpoint.objects.filter(size=size).exists(), timeout=30)
    assert wait_for(lambda: WitnessStatus.objects.filter(attempted_at__isnull=False).count() == 2
                    and Cosignature.objects.filter(checkpoint__size=size).count() == cosignatures
                    and all(s.attempted_at and s.attempted_at >= Checkpoint.objects.get(size=size).created_at
                            for s in WitnessStatus.objects.all()), timeout=30)
    return Checkpoint.objects.get(size=size)


def export(stack: SimpleNamespace, subject: str) -> Path:
    """manage.py export_evidence in its own process, on the live database."""
    out = subprocess.run([sys.executable, "manage.py", "export_evidence", subject], cwd=ROOT, capture_output=True,
                         env={**os.environ, "DATABASE_URL": database_url()}, check=True)
    path = stack.tmp / f"{subject.replace(':', '_')}.json"
    path.write_bytes(out.stdout)
    return path


def verify(bundle: Path, policy: Path) -> subprocess.CompletedProcess[str]:
    """The offline verifier as a counterparty bank runs it: no Django, no database, no settings."""
    return subprocess.run([sys.executable, "-m", "ledger.verify_bundle", str(bundle), "--key", LOG_VKEY,
                           "--policy", str(policy)], cwd=ROOT, capture_output=True, text=True,
                          env={"PATH": "/usr/bin:/bin"})


def entries(n: int, record: Any, subject: str) -> int:  # noqa: F811
    record(n, subject=subject)
    return int(Entry.objects.count())


def test_a_bundle_from_a_live_run_verifies_offline_and_fails_naming_the_witness(
    stack: Any, web: str, record: Any, wait_for: Any  # noqa: F811
) -> None:
    size = entries(3, record, "lc:live")
    cp = anchor_and_wait(wait_for, size, cosignatures=2)
    assert wait_for(lambda: Witnessed.objects.filter(size=size).exists(), timeout=10)
    assert proof_status([size])[size]["witnessed"] and stack.worker.poll() is None
    # The web process serves the checkpoint with both cosignatures: one note, three signature lines.
    served = served_checkpoint(web)
    body, signatures = split_note(served)
    policy = witness_policy()
    assert policy is not None and served.startswith(cp.note) and len(signatures) == 3
    assert [c.valid for c in check(body, signatures, [w.verifier for w in policy.witnesses.values()])] == [True, True]
    bundle = export(stack, "lc:live")

    good = verify(bundle, stack.policy)

    assert good.returncode == 0, good.stdout
    assert f"witness bank-a (witness.bank-a.test/w1) cosigned checkpoint {cp.size}" in good.stdout
    assert "witness policy met: cosigned by bank-a, bank-b" in good.stdout and "RESULT: HOLDS" in good.stdout

    data = json.loads(bundle.read_bytes())
    for c in data["witnesses"]["cosignatures"]:
        if " witness.bank-b.test/w1 " in c["line"]:
            raw = bytearray(base64.b64decode(c["line"].split(" ")[2]))
            raw[20] ^= 0x01  # one byte of the Ed25519 signature
            c["line"] = c["line"].rsplit(" ", 1)[0] + " " + base64.b64encode(bytes(raw)).decode() + "\n"
    tampered = stack.tmp / "tampered.json"
    tampered.write_text(json.dumps(data, ensure_ascii=True, indent=1))
    bad = verify(tampered, stack.policy)
    assert bad.returncode != 0 and "RESULT: HOLDS" not in bad.stdout
    assert f"witness bank-b (witness.bank-b.test/w1): cosignature on checkpoint {cp.size} does NOT verify" in bad.stdout
    assert "witness bank-a (witness.bank-a.test/w1): cosignature on checkpoint" not in bad.stdout

    # A verifier whose pinned policy also wants a third bank: not met, and it says who signed.
    _, vkey_c = generate_cosigner("witness.bank-c.test/w1")
    stricter = stack.tmp / "stricter"
    stricter.write_text(stack.policy.read_text().replace(BOTH, f"witness bank-c {vkey_c}\n"
                                                         "group all-three all bank-a bank-b bank-c\nquorum all-three\n"))
    unmet = verify(bundle, stricter)
    assert unmet.returncode != 0
    assert ("witness policy NOT met: cosigned by bank-a, bank-b; quorum requires all of (bank-a, bank-b, bank-c); "
            "no valid cosignature from bank-c" in unmet.stdout)


def test_split_view_a_witness_fed_a_fork_refuses_the_log_and_the_policy_stays_unmet(
    stack: Any, record: Any, wait_for: Any  # noqa: F811
) -> None:
    size = entries(4, record, "lc:split")
    # The log key signs a second history of the same size and shows it to bank-a only.
    fork = sign_note(checkpoint_body(ORIGIN, size, bytes(range(32))), [Signer.from_string(LOG_KEY)])
    policy = witness_policy()
    assert policy is not None
    assert ask(policy.witnesses["bank-a"], format_request(0, [], fork), split_note(fork)[0]).status == 200

    cp = anchor_and_wait(wait_for, size, cosignatures=1)  # the worker asks both for the real one

    assert list(Cosignature.objects.values_list("witness", flat=True)) == ["bank-b"]
    status = WitnessStatus.objects.get(witness="bank-a")
    assert (status.last_status, status.detail) == (409, f"FORK: holds another checkpoint of size {size}: a split view")
    assert not Witnessed.objects.exists() and proof_status([1])[1]["witnessed"] is False
    (refusal,) = Store(stack.bank_a.state).refusals()  # the log's real checkpoint, kept as evidence
    assert refusal.note == cp.note and "forked" in refusal.reason
    gossip = subprocess.run([sys.executable, "-m", "ledger.witness", "gossip", "--policy", str(stack.policy),
                             "--origin", ORIGIN], cwd=ROOT, capture_output=True, text=True)
    assert gossip.returncode == 1, gossip.stdout
    assert "RESULT: SPLIT VIEW" in gossip.stdout and fork in gossip.stdout and cp.note in gossip.stdout


def restore_backup(small: int) -> None:
    """What restoring a database backup taken at checkpoint `small` does to the log: every row
    newer than it is gone (as the superuser, append-only triggers switched off for it)."""
    tables = ("ledger_cosignature", "ledger_witnessed", "ledger_receipt", "ledger_checkpoint", "ledger_entry",
              "ledger_node")
    with connection.cursor() as cur:
        for table in tables:
            cur.execute(f"ALTER TABLE {table} DISABLE TRIGGER USER")
        cur.execute("DELETE FROM ledger_cosignature c USING ledger_checkpoint k WHERE c.checkpoint_id = k.id "
                    "AND k.size > %s", [small])
        cur.execute("DELETE FROM ledger_witnessed WHERE size > %s", [small])
        cur.execute("DELETE FROM ledger_receipt r USING ledger_checkpoint k WHERE r.checkpoint_id = k.id "
                    "AND k.size > %s", [small])
        cur.execute("DELETE FROM ledger_checkpoint WHERE size > %s", [small])
        cur.execute("DELETE FROM ledger_entry WHERE seq > %s", [small])
        cur.execute("DELETE FROM ledger_node WHERE (index + 1) * (1::bigint << level) > %s", [small])
    from tests.conftest import _set_ledger_triggers

    _set_ledger_triggers(True)


def test_rollback_a_log_restored_from_a_backup_is_refused_by_both_witness_processes(
    stack: Any, web: str, record: Any, wait_for: Any  # noqa: F811
) -> None:
    small = entries(3, record, "lc:rollback")
    first = anchor_and_wait(wait_for, small, cosignatures=2)
    large = entries(5, record, "lc:rollback")
    anchor_and_wait(wait_for, large, cosignatures=2)
    assert wait_for(lambda: not Receipt.objects.filter(status=Receipt.Status.PENDING).exists(), timeout=30)

    restore_backup(small)
    newer = entries(2, record, "lc:after-restore")  # a second history from `small` on
    assert small < newer < large
    restored = anchor_and_wait(wait_for, newer, cosignatures=0)  # the worker asks from `small`

    for proc in (stack.bank_a, stack.bank_b):
        assert Store(proc.state).seen(ORIGIN).size == large  # neither rolled back
    assert set(WitnessStatus.objects.values_list("last_status", "detail")) == {
        (409, f"FORK: holds size {large}, larger than any checkpoint this log signed: the log was rolled back or forked")}
    assert not Witnessed.objects.filter(size=newer).exists()
    assert proof_status([newer])[newer]["witnessed"] is False and proof_status([1])[1]["witnessed_size"] == small
    # Neither accepts the old checkpoint either, whichever old size it is sent with.
    policy = witness_policy()
    assert policy is not None
    for name, w in policy.witnesses.items():
        from_zero = ask(w, format_request(0, [], first.note), "")
        from_large = ask(w, format_request(large, [], first.note), "")
        assert (from_zero.status, from_zero.known_size, from_large.status) == (409, large, 400), name
        assert ask(w, format_request(small, [], restored.note), "").known_size == large, name
    # Gossip with the log's web process: it cannot prove its new checkpoint extends to what the
    # witnesses hold, and serves no cosignature for it.
    assert served_checkpoint(web) == restored.note
    gossip = subprocess.run([sys.executable, "-m", "ledger.witness", "gossip", "--policy", str(stack.policy),
                             "--origin", ORIGIN, "--log", web], cwd=ROOT, capture_output=True, text=True)
    assert gossip.returncode == 1, gossip.stdout
    assert f"log: size {newer}" in gossip.stdout and f"bank-a: size {large}" in gossip.stdout
    assert "RESULT: SPLIT VIEW" in gossip.stdout


def test_rewriting_the_log_after_witnessing_is_caught_offline_and_refused_by_both_witnesses(
    stack: Any, record: Any, wait_for: Any, rewrite_history: Any  # noqa: F811
) -> None:
    size = entries(4, record, "lc:rewritten")
    cp = anchor_and_wait(wait_for, size, cosignatures=2)
    # The operator, holding the log key and the database, rewrites entry 2 and re-signs the checkpoint.
    rewrite_history(2, b'{"amount":"999999.00"}', nodes_up_to=size)
    from ledger.merkle import leaf_hash, root_from_hashes

    with connection.cursor() as cur:
        cur.execute("SELECT hash FROM ledger_entry ORDER BY seq")
        root = root_from_hashes([leaf_hash(bytes(r[0])) for r in cur.fetchall()])
        forged = sign_note(checkpoint_body(ORIGIN, size, root), [Signer.from_string(LOG_KEY)])
        cur.execute("ALTER TABLE ledger_checkpoint DISABLE TRIGGER USER")
        cur.execute("UPDATE ledger_checkpoint SET root = %s, note = %s WHERE id = %s", [root, forged, cp.id])
        for trigger in ("ledger_checkpoint_no_update_delete", "ledger_checkpoint_no_truncate"):
            cur.execute(f"ALTER TABLE ledger_checkpoint ENABLE ALWAYS TRIGGER {trigger}")

    caught = verify(export(stack, "lc:rewritten"), stack.policy)

    assert caught.returncode != 0
    for name, key in NAMES.items():
        assert f"witness {name} ({key}): cosignature on checkpoint {size} does NOT verify" in caught.stdout
    assert "witness policy NOT met" in caught.stdout

    # The operator also drops the stored cosignatures so that the worker asks for new ones.
    with connection.cursor() as cur:
        cur.execute("ALTER TABLE ledger_cosignature DISABLE TRIGGER ledger_cosignature_no_update_delete")
        cur.execute("DELETE FROM ledger_cosignature")
        cur.execute("ALTER TABLE ledger_cosignature ENABLE ALWAYS TRIGGER ledger_cosignature_no_update_delete")
    tasks.witness.delay()
    assert wait_for(lambda: [r.note for r in Store(stack.bank_a.state).refusals()] == [forged]
                    and [r.note for r in Store(stack.bank_b.state).refusals()] == [forged], timeout=30)
    forked = (409, f"FORK: holds another checkpoint of size {size}: a split view")
    assert wait_for(lambda: set(WitnessStatus.objects.values_list("last_status", "detail")) == {forked}, timeout=10)
    assert not Cosignature.objects.exists()
