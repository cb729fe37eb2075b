"""The log side against real witness processes: cosignatures requested, verified and stored
append-only, the checkpoint served with them, entries witnessed by policy, evidence bundles that
name each witness, and the attacks: a split view and a rewrite after witnessing."""

from __future__ import annotations

import base64
import json
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from django.core.management import call_command
from django.db import DatabaseError, connection, transaction
from django.test import RequestFactory

from ledger import tasks, views
from ledger.anchoring import anchor_checkpoint
from ledger.evidence import export_evidence
from ledger.models import AppendOnlyError, Checkpoint, Cosignature, Witnessed, WitnessStatus
from ledger.note import Signer, checkpoint_body, parse_checkpoint, sign_note
from ledger.proofs import proof_status
from ledger.verify_bundle import dump_bundle, verify_bytes
from ledger.witness.cosignature import check, split_note
from ledger.witness.gossip import find_forks, view_of
from ledger.witness.policy import parse_policy
from ledger.witness.protocol import format_request
from ledger.witness.store import Store
from ledger.witnessing import ask, cosign_latest, witness_policy
from tests.ledger.conftest import LOG_KEY, LOG_VKEY, ledger_settings, record, rewrite_history, wait_for  # noqa: F401

ROOT = Path(__file__).resolve().parents[2]
ORIGIN = "tradechain.test/ledger"


def write_policy(path: Path, members: dict[str, Any], quorum: str) -> Path:
    lines = [f"log {LOG_VKEY}\n"] + [f"witness {name} {w.vkey} {w.url}\n" for name, w in members.items()]
    path.write_text("".join(lines) + quorum)
    return path


TWO_OF_THREE = "group any-two 2 operator bank-a bank-b\ngroup outside any bank-a bank-b\n" \
               "group witnessed all any-two outside\nquorum witnessed\n"


@pytest.fixture
def trio(witnesses: Any, ledger_settings: Any, tmp_path: Path) -> SimpleNamespace:  # noqa: F811
    """Three witness processes: the operator's own and one per counterparty bank."""
    names = {"operator": "witness.operator.test/w1", "bank-a": "witness.bank-a.test/w1", "bank-b": "witness.bank-b.test/w1"}
    procs = {name: witnesses(key_name, [LOG_VKEY]) for name, key_name in names.items()}
    ledger_settings.LEDGER_WITNESS_POLICY_FILE = str(write_policy(tmp_path / "policy", procs, TWO_OF_THREE))
    ledger_settings.LEDGER_WITNESS_ATTEMPTS = 2
    ledger_settings.LEDGER_WITNESS_BACKOFF = 0.05
    ledger_settings.LEDGER_WITNESS_TIMEOUT = 2
    return SimpleNamespace(start=witnesses, names=names, **{n.replace("-", "_"): p for n, p in procs.items()})


def restart(trio: SimpleNamespace, name: str) -> None:
    # Same key and state, the same port: the policy's URL stays right.
    old = getattr(trio, name.replace("-", "_"))
    port = int(old.url.rsplit(":", 1)[1])
    setattr(trio, name.replace("-", "_"), trio.start(trio.names[name], [LOG_VKEY], port=port))


def anchored(record: Any, n: int, subject: str = "lc:witnessed") -> Checkpoint:  # noqa: F811
    record(n, subject=subject)
    cp = anchor_checkpoint()
    assert cp is not None
    return cp


@pytest.mark.django_db
def test_every_witness_cosigns_and_the_entry_counts_as_witnessed(trio: Any, record: Any) -> None:  # noqa: F811
    cp = anchored(record, 5)

    outcome = cosign_latest()

    assert outcome == {"operator": "cosigned", "bank-a": "cosigned", "bank-b": "cosigned"}
    assert Witnessed.objects.get().size == 5
    assert proof_status([1, 5, 6])[5] == {"anchored": True, "checkpoint_size": 5, "witnessed": True, "witnessed_size": 5}
    served = views.checkpoint(RequestFactory().get("/ledger/checkpoint")).content.decode()
    body, signatures = split_note(served)
    assert served.startswith(cp.note) and len(signatures) == 4  # the log's line, then three cosignatures
    policy = witness_policy()
    assert policy is not None
    assert all(c.valid for c in check(body, signatures, [w.verifier for w in policy.witnesses.values()]))
    assert WitnessStatus.objects.get(witness="bank-b").cosigned_size == 5


@pytest.mark.django_db
def test_cosignatures_are_append_only_three_ways(trio: Any, record: Any) -> None:  # noqa: F811
    anchored(record, 2)
    cosign_latest()
    row = Cosignature.objects.first()
    assert row is not None

    with pytest.raises(AppendOnlyError):
        row.save()
    with pytest.raises(AppendOnlyError):
        row.delete()
    for sql in ("UPDATE ledger_cosignature SET timestamp = 0", "DELETE FROM ledger_witnessed"):
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
            connection.cursor().execute(sql)
    with connection.cursor() as cur:  # TRUNCATE too, and replica mode cannot skip them
        cur.execute("SELECT tgrelid::regclass::text, count(*) FILTER (WHERE tgenabled = 'A') FROM pg_trigger "
                    "WHERE tgrelid IN ('ledger_cosignature'::regclass, 'ledger_witnessed'::regclass) "
                    "AND NOT tgisinternal GROUP BY 1 ORDER BY 1")
        assert cur.fetchall() == [("ledger_cosignature", 2), ("ledger_witnessed", 2)]
    from ledger.admin import CosignatureAdmin

    assert not CosignatureAdmin(Cosignature, None).has_change_permission(RequestFactory().get("/"))  # type: ignore[arg-type]


@pytest.mark.django_db
def test_witnesses_down_never_fail_anchoring_and_are_asked_again_later(trio: Any, record: Any) -> None:  # noqa: F811
    anchored(record, 5)
    cosign_latest()
    anchored(record, 7)
    assert set(cosign_latest().values()) == {"cosigned"}  # 5 -> 12 with a consistency proof

    trio.bank_b.stop()
    anchored(record, 3)
    assert cosign_latest()["bank-b"].startswith("unreachable")
    assert Witnessed.objects.filter(size=15).exists()  # operator + bank-a: two, one outside

    trio.bank_a.stop()
    anchored(record, 2)
    cosign_latest()
    assert not Witnessed.objects.filter(size=17).exists()
    assert proof_status([16])[16]["witnessed"] is False

    restart(trio, "bank-a")
    restart(trio, "bank-b")
    assert cosign_latest() == {"bank-a": "cosigned", "bank-b": "cosigned"}  # from 15 and 12 to 17
    assert proof_status([16])[16]["witnessed_size"] == 17


@pytest.mark.django_db
def test_a_witness_holding_a_newer_checkpoint_of_ours_is_proven_from_that_size(trio: Any, record: Any) -> None:  # noqa: F811
    cp = anchored(record, 5)
    policy = witness_policy()
    assert policy is not None
    # Someone else (a monitor) fed our checkpoint 5 to bank-a; we hold no cosignature from it.
    assert ask(policy.witnesses["bank-a"], format_request(0, [], cp.note), split_note(cp.note)[0]).status == 200
    anchored(record, 4)

    assert cosign_latest()["bank-a"] == "cosigned"  # old 0 -> 409 "5" -> proof from 5 to 9 -> 200
    assert WitnessStatus.objects.get(witness="bank-a").cosigned_size == 9


@pytest.mark.django_db
def test_bundle_verifies_with_the_quorum_and_fails_naming_the_witness(trio: Any, record: Any, tmp_path: Path) -> None:  # noqa: F811
    anchored(record, 3, subject="lc:bundle")
    cosign_latest()
    policy = witness_policy()
    export = export_evidence("lc:bundle")

    report = verify_bytes(export.to_bytes(), policy=policy)

    assert report.ok, report.render()
    text = report.render()
    assert "witness bank-a (witness.bank-a.test/w1) cosigned checkpoint 3" in text
    assert "PASS  witnesses (checkpoint 3): witness policy met: cosigned by bank-a, bank-b, operator" in text

    bundle = json.loads(export.to_bytes())
    line = bundle["witnesses"]["cosignatures"][0]["line"]
    raw = bytearray(base64.b64decode(line.split(" ")[2]))
    raw[-1] ^= 0x01
    bundle["witnesses"]["cosignatures"][0]["line"] = line.rsplit(" ", 1)[0] + " " + base64.b64encode(bytes(raw)).decode() + "\n"
    tampered = verify_bytes(dump_bundle(bundle), policy=policy)
    assert not tampered.ok
    assert any("witness bank-a (witness.bank-a.test/w1): cosignature on checkpoint 3 does NOT verify" in t
               for _, _, t in tampered.failures)
    # One bad cosignature fails the bundle, while the two good ones still meet "two of three".
    assert any("witness policy met: cosigned by bank-b, operator" in t for s, _, t in tampered.lines if s == "PASS")

    all_three = parse_policy(policy.text.replace("quorum witnessed", "group all-three all operator bank-a bank-b\nquorum all-three"))  # type: ignore[union-attr]
    bundle = json.loads(export.to_bytes())
    bundle["witnesses"]["cosignatures"] = [c for c in bundle["witnesses"]["cosignatures"] if "operator" not in c["line"]]
    unmet = verify_bytes(dump_bundle(bundle), policy=all_three)
    assert [t for _, _, t in unmet.failures] == [
        "the bundle's policy differs from the pinned one; the pinned policy is applied",
        "witness policy NOT met: cosigned by bank-a, bank-b; quorum requires all of (operator, bank-a, bank-b); "
        "no valid cosignature from operator",
    ]


@pytest.mark.django_db
def test_the_command_line_verifier_pins_the_policy(trio: Any, record: Any, tmp_path: Path, ledger_settings: Any) -> None:  # noqa: F811
    anchored(record, 2, subject="lc:cli")
    cosign_latest()
    bundle = tmp_path / "bundle.json"
    bundle.write_bytes(export_evidence("lc:cli").to_bytes())

    result = subprocess.run([sys.executable, "-m", "ledger.verify_bundle", str(bundle), "--key", LOG_VKEY,
                             "--policy", ledger_settings.LEDGER_WITNESS_POLICY_FILE],
                            cwd=ROOT, capture_output=True, text=True)

    assert result.returncode == 0, result.stdout
    assert "the bundle's policy is the pinned one" in result.stdout and "RESULT: HOLDS" in result.stdout


@pytest.mark.django_db
def test_rewriting_the_log_after_witnessing_is_caught_through_the_cosignatures(
    trio: Any, record: Any, rewrite_history: Any  # noqa: F811
) -> None:
    cp = anchored(record, 4, subject="lc:rewritten")
    cosign_latest()
    # The operator, holding the log key and the database, rewrites entry 2 and re-signs size 4.
    rewrite_history(2, b'{"amount":"999999.00"}', nodes_up_to=4)
    from ledger.merkle import leaf_hash, root_from_hashes

    with connection.cursor() as cur:
        cur.execute("SELECT hash FROM ledger_entry WHERE seq <= 4 ORDER BY seq")
        root = root_from_hashes([leaf_hash(bytes(r[0])) for r in cur.fetchall()])
        note = sign_note(checkpoint_body(ORIGIN, 4, root), [Signer.from_string(LOG_KEY)])
        cur.execute("SET CONSTRAINTS ALL IMMEDIATE")  # no deferred FK check may be pending for ALTER
        cur.execute("ALTER TABLE ledger_checkpoint DISABLE TRIGGER USER")
        cur.execute("UPDATE ledger_checkpoint SET root = %s, note = %s WHERE id = %s", [root, note, cp.id])
        for trigger in ("ledger_checkpoint_no_update_delete", "ledger_checkpoint_no_truncate"):
            cur.execute(f"ALTER TABLE ledger_checkpoint ENABLE ALWAYS TRIGGER {trigger}")

    report = verify_bytes(export_evidence("lc:rewritten").to_bytes(), policy=witness_policy())

    failures = [t for _, _, t in report.failures]
    for name in ("operator", "bank-a", "bank-b"):
        assert any(t.startswith(f"witness {name} (") and "does NOT verify" in t for t in failures), failures
    assert "witness policy NOT met: cosigned by no witness" in failures[-1]
    assert failures[-1].endswith("no valid cosignature from operator, bank-a, bank-b")
    # Asked to cosign the rewritten checkpoint, a witness refuses and keeps it as evidence.
    witness = witness_policy().witnesses["bank-a"]  # type: ignore[union-attr]
    assert ask(witness, format_request(4, [], note), "").status == 409
    assert Store(trio.bank_a.state).refusals()[0].note == note
    # Gossip: what the witness saw and what the log now serves cannot both be true.
    seen = view_of("bank-a", Store(trio.bank_a.state).seen(ORIGIN).note, ORIGIN, [Signer.from_string(LOG_KEY).verifier()])
    now = view_of("log", note, ORIGIN, [Signer.from_string(LOG_KEY).verifier()])
    assert [f.reason for f in find_forks([seen, now])] == ["two roots for size 4, both signed by the log"]


@pytest.mark.django_db
def test_split_view_is_refused_by_shared_state_and_exposed_by_gossip(
    witnesses: Any, record: Any, tmp_path: Path, ledger_settings: Any  # noqa: F811
) -> None:
    cp = anchored(record, 5)
    fork_root = bytes(32)
    fork = sign_note(checkpoint_body(ORIGIN, 5, fork_root), [Signer.from_string(LOG_KEY)])
    assert parse_checkpoint(split_note(fork)[0])[1] == cp.size  # same size, another history

    # Two witness processes over one state file: the second fork is refused with 409.
    shared = tmp_path / "shared.sqlite"
    first = witnesses("witness.shared.test/w1", [LOG_VKEY], state=shared)
    second = witnesses("witness.shared.test/w2", [LOG_VKEY], state=shared)
    view = SimpleNamespace(vkey=first.vkey, url=first.url)
    ledger_settings.LEDGER_WITNESS_POLICY_FILE = str(write_policy(tmp_path / "p1", {"first": view}, "quorum first\n"))
    policy = witness_policy()
    assert policy is not None
    real = ask(policy.witnesses["first"], format_request(0, [], cp.note), split_note(cp.note)[0])
    other = SimpleNamespace(url=second.url, verifier=second.verifier, name="second")
    assert real.status == 200
    assert ask(other, format_request(0, [], fork), "").status == 409  # type: ignore[arg-type]
    assert ask(other, format_request(5, [], fork), "").detail == "conflict"  # type: ignore[arg-type]

    # Two disjoint witnesses, one fork each: each cosigns, neither fork meets "both".
    a = witnesses("witness.disjoint.test/a", [LOG_VKEY])
    b = witnesses("witness.disjoint.test/b", [LOG_VKEY])
    both = write_policy(tmp_path / "p2", {"a": a, "b": b}, "group both all a b\nquorum both\n")
    policy = parse_policy(both.read_text())
    for note, w in ((cp.note, "a"), (fork, "b")):
        outcome = ask(policy.witnesses[w], format_request(0, [], note), split_note(note)[0])
        assert outcome.cosignature is not None
        body, signatures = split_note(note + outcome.cosignature.line)
        cosigned = {c.verifier.name for c in check(body, signatures, [x.verifier for x in policy.witnesses.values()]) if c.valid}
        assert len(cosigned) == 1 and not policy.satisfied({n for n, x in policy.witnesses.items() if x.verifier.name in cosigned})

    gossip = subprocess.run([sys.executable, "-m", "ledger.witness", "gossip", "--policy", str(both), "--origin", ORIGIN],
                            cwd=ROOT, capture_output=True, text=True)
    assert gossip.returncode == 1, gossip.stdout
    assert "FORK: a saw size 5" in gossip.stdout and "RESULT: SPLIT VIEW" in gossip.stdout
    assert fork in gossip.stdout and cp.note in gossip.stdout  # both signed notes: the evidence


@pytest.mark.django_db(transaction=True)
def test_a_real_worker_asks_the_witnesses_after_anchoring(trio: Any, celery_worker_thread: Any, record: Any,  # noqa: F811
                                                          wait_for: Any, ledger_settings: Any) -> None:  # noqa: F811
    ledger_settings.LEDGER_ANCHOR_INTERVAL = 30
    record(4, subject="lc:worker")

    tasks.anchor.delay()

    assert wait_for(lambda: Cosignature.objects.count() == 3, timeout=30)
    assert wait_for(lambda: proof_status([4])[4]["witnessed"], timeout=5)


def test_witness_demo_command_is_idempotent(tmp_path: Path, ledger_settings: Any) -> None:  # noqa: F811
    call_command("witness_demo", "--dir", str(tmp_path / "w"), stdout=open("/dev/null", "w"))
    policy = (tmp_path / "w" / "policy").read_text()
    keys = sorted(p.read_text() for p in (tmp_path / "w").glob("*/witness.key"))

    call_command("witness_demo", "--dir", str(tmp_path / "w"), stdout=open("/dev/null", "w"))

    assert (tmp_path / "w" / "policy").read_text() == policy and len(keys) == 2
    assert sorted(p.read_text() for p in (tmp_path / "w").glob("*/witness.key")) == keys
    parsed = parse_policy(policy)
    assert parsed.describe() == "all of (ningbo-coastal, lion-city)" and parsed.logs[0].verifier.to_string() == LOG_VKEY


def test_the_log_takes_its_witness_cosignature_from_a_reply_that_also_carries_the_specs_example_lines(
    trio: Any, record: Any  # noqa: F811
) -> None:
    """tlog-witness: clients MUST ignore cosignatures from unknown keys. The spec's example
    response lines (other keys, placeholder bytes) around the real line do not spoil it."""
    from ledger.witnessing import _verified
    from tests.witness.test_protocol import SPEC_RESPONSE

    cp = anchored(record, 3)
    policy = witness_policy()
    assert policy is not None
    bank_a = policy.witnesses["bank-a"]
    reply = ask(bank_a, format_request(0, [], cp.note), split_note(cp.note)[0])
    assert reply.cosignature is not None
    body = split_note(cp.note)[0]

    mixed = SPEC_RESPONSE.replace("\n", "\n" + reply.cosignature.line, 1).encode()
    outcome = _verified(bank_a, mixed, body)

    assert (outcome.detail, outcome.cosignature) == ("cosigned", reply.cosignature)
    assert _verified(bank_a, SPEC_RESPONSE.encode(), body).detail == "no valid cosignature from the key in our policy"
    assert _verified(policy.witnesses["bank-b"], mixed, body).cosignature is None  # bank-a's line is not bank-b's


@pytest.mark.django_db
def test_the_log_names_a_fork_when_a_witness_holds_another_history(trio: Any, record: Any, cast: Any) -> None:  # noqa: F811
    """bank-a was shown a checkpoint of a size this log never signed, bank-b another root for a
    size it did sign: both refusals are reported as forks (status, the auditor's witness page,
    critical log), and the operator's cosignature alone does not meet the policy."""
    from django.urls import reverse

    from tests.portal.conftest import verified_client

    key = Signer.from_string(LOG_KEY)
    three = anchored(record, 3)
    policy = witness_policy()
    assert policy is not None
    for name, size in (("bank-a", three.size - 1), ("bank-b", three.size)):
        fork = sign_note(checkpoint_body(ORIGIN, size, bytes([size % 256]) * 32), [key])
        assert ask(policy.witnesses[name], format_request(0, [], fork), split_note(fork)[0]).status == 200
    anchored(record, 2)

    outcome = cosign_latest()

    assert outcome == {
        "operator": "cosigned",
        "bank-a": f"FORK: holds size {three.size - 1}, which this log never signed: a split view",
        "bank-b": f"FORK: refused our consistency proof from its size {three.size}: it holds another history",
    }
    assert WitnessStatus.objects.get(witness="bank-b").detail == outcome["bank-b"]
    assert not Witnessed.objects.exists()
    page = verified_client(cast.users["vhb.auditor"]).get(reverse("audit:witnesses")).content.decode()
    assert outcome["bank-a"] in page and outcome["bank-b"] in page and "quorum not met" in page


@pytest.mark.django_db
def test_the_bundle_verifier_refuses_cosignatures_it_cannot_place(trio: Any, record: Any) -> None:  # noqa: F811
    """Each way of slipping a cosignature into a bundle fails, saying why: a key outside the
    policy, a checkpoint the bundle does not hold, a real cosignature moved to another
    checkpoint, the same bytes in another base64 spelling, a malformed line."""
    from ledger.witness.cosignature import Cosigner, generate_cosigner

    first = anchored(record, 2, subject="lc:placed")
    cosign_latest()
    latest = anchored(record, 2, subject="lc:placed")
    cosign_latest()
    policy = witness_policy()
    good = json.loads(export_evidence("lc:placed").to_bytes())
    assert verify_bytes(dump_bundle(good), policy=policy).ok
    items = good["witnesses"]["cosignatures"]
    bank_a = next(c for c in items if c["checkpoint_size"] == latest.size and " witness.bank-a.test/w1 " in c["line"])
    outsider = Cosigner.from_string(generate_cosigner("witness.outsider.test/w1")[0])

    def failures(extra: dict[str, Any]) -> list[str]:
        bundle = json.loads(json.dumps(good))
        bundle["witnesses"]["cosignatures"].append(extra)
        report = verify_bytes(dump_bundle(bundle), policy=policy)
        assert not report.ok
        return [t for _, _, t in report.failures]

    body = split_note(latest.note)[0]
    line = outsider.cosign(body, 1_700_000_000).line
    assert any("which is no witness of the policy" in t for t in failures({"checkpoint_size": latest.size, "line": line}))
    assert any("not a verified checkpoint of the bundle" in t
               for t in failures({**bank_a, "checkpoint_size": latest.size + 100}))
    moved = failures({**bank_a, "checkpoint_size": first.size})
    assert any(f"witness bank-a (witness.bank-a.test/w1): cosignature on checkpoint {first.size} does NOT verify" in t
               for t in moved)
    # The same 76 bytes spelled differently: base64's unused low bits of the last character set.
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
    text = bank_a["line"]
    assert text.endswith("==\n")
    respelled = text[:-4] + alphabet[alphabet.index(text[-4]) ^ 0x01] + "==\n"
    assert base64.b64decode(respelled.split(" ")[2]) == base64.b64decode(text.split(" ")[2])
    assert any("malformed cosignature line: non-canonical base64" in t for t in failures({**bank_a, "line": respelled}))
    assert any("malformed cosignature line" in t for t in failures({**bank_a, "line": text.replace("\n", " \n")}))
