"""Evidence bundles: exported from a live run, verified offline by the standalone verifier,
and refused when any byte changes or when history was rewritten and re-signed."""

from __future__ import annotations

import json
import os
import random
import re
import shutil
import subprocess
import sys
import uuid
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from ledger import keys, tsp
from ledger.anchoring import AnchorError, anchor_checkpoint
from ledger.evidence import export_evidence
from ledger.merkle import leaf_hash, new_nodes, root_coords, root_from_nodes
from ledger.models import Checkpoint, Entry, Receipt
from ledger.note import checkpoint_body, generate_signer, sign_note
from ledger.proofs import fetch_nodes
from ledger.publishers import attempt_publication
from ledger.tasks import anchor
from ledger.verify_bundle import verify_bytes
from tradechain.embedded import url_for

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[2]
PURE_MODULES = ["__init__.py", "chain.py", "merkle.py", "note.py", "der.py", "tsp.py", "verify_bundle.py"]


def anchor_and_publish() -> Checkpoint:
    cp = anchor_checkpoint()
    for receipt in cp.receipts.all():
        assert attempt_publication(receipt.id, final=False) == "published"
    return cp


@pytest.fixture
def bundle(tsa: Any, record: Any) -> bytes:
    """Three checkpoints, each timestamped, over entries of our subject and another one."""
    for n in (3, 4, 2):
        record(n, subject="lc:evidence")
        record(2, subject="lc:other")
        anchor_and_publish()
    return export_evidence("lc:evidence").to_bytes()


def isolated_verifier(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """Run the verifier with `python -I` from a directory holding only the pure modules, and
    report whether Django or a database driver got imported."""
    pkg = tmp_path / "isolated" / "ledger"
    pkg.mkdir(parents=True, exist_ok=True)
    for name in PURE_MODULES:
        shutil.copy(ROOT / "ledger" / name, pkg / name)
    code = (
        "import sys; sys.path.insert(0, sys.argv[1]); from ledger.verify_bundle import main; rc = main(sys.argv[2:]); "
        "bad = sorted({m.split('.')[0] for m in sys.modules} & {'django', 'psycopg', 'psycopg2', 'celery'}); "
        "print('IMPORTED:', bad); sys.exit(rc)"
    )
    return subprocess.run([sys.executable, "-I", "-c", code, str(pkg.parent), *args], capture_output=True, text=True)


def test_bundle_verifies_offline_in_an_isolated_interpreter(bundle: bytes, tsa: Any, tmp_path: Path) -> None:
    path = tmp_path / "bundle.json"
    path.write_bytes(bundle)

    result = isolated_verifier(tmp_path, str(path), "--key", keys.verifier_strings()[0], "--tsa-ca", str(tsa.ca))

    assert result.returncode == 0, result.stdout + result.stderr
    assert "IMPORTED: []" in result.stdout
    assert "RESULT: HOLDS: every check passed\n" in result.stdout
    assert result.stdout.count("PASS  entries[") == 9 and result.stdout.count("PASS  timestamps[") == 3
    assert "consistent with checkpoint 5" in result.stdout and "consistent with checkpoint 11" in result.stdout


def test_bundle_shape_holds_the_subject_only_with_proofs_to_the_latest_checkpoint(bundle: bytes) -> None:
    data = json.loads(bundle)

    assert data["format"] == "tradechain-evidence/1" and data["subject"] == "lc:evidence"
    assert [c["size"] for c in data["checkpoints"]] == [5, 11, 15]
    assert [e["seq"] for e in data["entries"]] == [1, 2, 3, 6, 7, 8, 9, 12, 13]
    assert {e["subject"] for e in data["entries"]} == {"lc:evidence"}
    assert [t["checkpoint_size"] for t in data["timestamps"]] == [5, 11, 15]
    assert len(data["tsa"]["certificates"]) == 1 and len(data["tsa"]["roots"]) == 1


def test_compact_bundle_keeps_the_anchoring_checkpoints_and_still_verifies(bundle: bytes, record: Any) -> None:
    record(1, subject="lc:other")
    anchor_and_publish()

    compact = export_evidence("lc:evidence", compact=True)

    assert [c["size"] for c in compact.bundle["checkpoints"]] == [5, 11, 15, 16]
    assert verify_bytes(compact.to_bytes()).ok


def sections(data: bytes) -> dict[str, range]:
    starts = [(m.start(), m.group(1).decode()) for m in re.finditer(rb'\n "(\w+)":', data)]
    ends = [s for s, _ in starts[1:]] + [len(data) - 2]
    return {name: range(start + 1, end) for (start, name), end in zip(starts, ends, strict=True)}


def mutate(data: bytes, i: int, rng: random.Random) -> bytes:
    new = data[i] ^ 0x01 if rng.random() < 0.5 else rng.choice([c for c in range(32, 127) if c != data[i]])
    return data[:i] + bytes([new]) + data[i + 1 :]


def test_changing_any_byte_fails_and_says_where(bundle: bytes, tsa: Any) -> None:
    rng = random.Random(4)
    roots = tsp.load_pem_certs(tsa.ca.read_bytes())
    layout = sections(bundle)
    assert set(layout) == {"format", "origin", "subject", "keys", "checkpoints", "entries", "timestamps", "tsa"}
    positions = [(i, None) for i in range(0, len(bundle), max(1, len(bundle) // 300))]
    positions += [(rng.choice(span), name) for name, span in layout.items() for _ in range(25)]

    for i, name in positions:
        report = verify_bytes(mutate(bundle, i, rng), tsa_roots=roots)

        assert not report.ok, f"byte {i} changed and the bundle still verifies"
        said = " ".join(f"{where}: {text}" for _, where, text in report.failures)
        if name is not None:
            assert name in said or "line " in said, f"byte {i} in {name}: {said}"


def test_a_changed_bundle_makes_the_command_line_verifier_exit_1(bundle: bytes, tmp_path: Path) -> None:
    data = json.loads(bundle)
    data["entries"][1]["payload"] = data["entries"][1]["payload"].replace("125000.00", "925000.00")
    path = tmp_path / "bundle.json"
    path.write_bytes(json.dumps(data, indent=1, sort_keys=True).encode() + b"\n")

    result = subprocess.run([sys.executable, "-m", "ledger.verify_bundle", str(path)], cwd=ROOT,
                            capture_output=True, text=True)

    assert result.returncode == 1
    assert "FAIL  entries[1] (seq 2): entry hash does not match its fields" in result.stdout
    assert "RESULT: DOES NOT HOLD: 1 of" in result.stdout


def test_pinning_a_different_log_key_fails(bundle: bytes, tmp_path: Path) -> None:
    path = tmp_path / "bundle.json"
    path.write_bytes(bundle)

    result = isolated_verifier(tmp_path, str(path), "--key", generate_signer("tradechain.test/ledger")[1])

    assert result.returncode == 1 and "not signed by the key given with --key" in result.stdout


def test_a_rewritten_and_re_signed_history_fails_the_consistency_check(record: Any, rewrite_history: Any) -> None:
    record(6, subject="lc:evidence")
    anchor_checkpoint()
    record(4, subject="lc:evidence")
    rewrite_history(3, b'{"amount":"1.00"}', nodes_up_to=6)
    with pytest.raises(AnchorError):
        anchor_checkpoint()
    forge_checkpoint(10)  # the superuser signs anyway, with the log's own key

    report = verify_bytes(export_evidence("lc:evidence").to_bytes())

    assert [where for _, where, _ in report.failures] == ["checkpoints[1] (size 10)"]
    assert "NOT consistent with checkpoint 6" in report.failures[0][2]


def forge_checkpoint(size: int) -> None:
    """What anchoring refuses to do: extend the (rewritten) node table and sign its root."""
    prev = Checkpoint.objects.latest_first().first()
    hashes = [leaf_hash(bytes(h)) for h in
              Entry.objects.filter(seq__gt=prev.size, seq__lte=size).order_by("seq").values_list("hash", flat=True)]
    frontier = fetch_nodes(root_coords(prev.size))
    nodes = new_nodes(prev.size, hashes, lambda level, index: frontier[(level, index)])
    with connection.cursor() as cur:
        for row in nodes:
            cur.execute("INSERT INTO ledger_node (level, index, hash) VALUES (%s, %s, %s)", row)
    root = root_from_nodes(size, {**frontier, **{(lv, ix): h for lv, ix, h in nodes}})
    note = sign_note(checkpoint_body(settings.LEDGER_ORIGIN, size, root), keys.signers())
    Checkpoint.objects.create(origin=settings.LEDGER_ORIGIN, size=size, root=root, note=note, previous=prev,
                              created_at=timezone.now())


def test_export_command_writes_the_bundle_and_counts_what_is_not_anchored(bundle: bytes, record: Any) -> None:
    record(2, subject="lc:evidence")
    out, err = StringIO(), StringIO()

    call_command("export_evidence", "lc:evidence", stdout=out, stderr=err)

    assert out.getvalue().encode() == bundle
    assert "2 later entries of lc:evidence are not anchored yet" in err.getvalue()


@pytest.mark.django_db(transaction=True)
def test_bundle_from_a_live_worker_run_verifies_offline(
    celery_worker_thread: Any, tsa: Any, record: Any, wait_for: Any, tmp_path: Path
) -> None:
    subject = f"lc:{uuid.uuid4()}"
    for round_ in range(1, 3):
        record(3, subject=subject)
        record(1, subject="lc:other")
        anchor.delay()

        def all_published(expected: int = 2 * round_) -> bool:
            return Receipt.objects.filter(status=Receipt.Status.PUBLISHED).count() == expected

        assert wait_for(all_published, timeout=20)

    bundle = tmp_path / "bundle.json"
    export = subprocess.run([sys.executable, "manage.py", "export_evidence", subject], cwd=ROOT,
                            env=subprocess_env(), capture_output=True)
    assert export.returncode == 0, export.stderr.decode()
    bundle.write_bytes(export.stdout)

    result = isolated_verifier(tmp_path, str(bundle), "--key", keys.verifier_strings()[0], "--tsa-ca", str(tsa.ca))

    assert result.returncode == 0, result.stdout
    assert "IMPORTED: []" in result.stdout and result.stdout.count("PASS  entries[") == 6


def subprocess_env() -> dict[str, str]:
    """The test's database and ledger settings, for a manage.py run in another process."""
    env = {**os.environ, "DATABASE_URL": url_for(connection.settings_dict)}
    for name in ("LEDGER_ORIGIN", "LEDGER_SIGNING_KEY", "LEDGER_TSA_URL", "LEDGER_TSA_CA_FILE", "LEDGER_TSA_CERT_FILE"):
        env[name] = str(getattr(settings, name))
    env["LEDGER_PUBLISHERS"] = " ".join(settings.LEDGER_PUBLISHERS)
    return env
