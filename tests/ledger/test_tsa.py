"""Publication: the RFC 3161 timestamp authority (a real `openssl ts -reply` TSA on 127.0.0.1),
the transparency-log directory, and retries with backoff through a real Celery worker."""

from __future__ import annotations

import datetime
import subprocess
from pathlib import Path
from typing import Any

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from ledger import tsp
from ledger.anchoring import anchor_checkpoint
from ledger.models import Receipt
from ledger.publishers import TlogDirectory, attempt_publication
from ledger.tasks import anchor

pytestmark = pytest.mark.django_db


def receipt_of(checkpoint: Any, kind: str) -> Receipt:
    return checkpoint.receipts.get(publisher__endswith=kind)


def test_tsa_receipt_is_a_token_that_openssl_verifies_over_the_checkpoint_note(
    tsa: Any, record: Any, tmp_path: Path
) -> None:
    record(3)
    cp = anchor_checkpoint()
    receipt = receipt_of(cp, "TimestampAuthority")

    assert attempt_publication(receipt.id, final=False) == "published"

    receipt.refresh_from_db()
    assert receipt.status == Receipt.Status.PUBLISHED and receipt.attempts == 1
    assert "chain verified" in receipt.detail
    (tmp_path / "note").write_bytes(cp.note.encode())
    (tmp_path / "token.der").write_bytes(bytes(receipt.data))
    result = subprocess.run(
        ["openssl", "ts", "-verify", "-data", str(tmp_path / "note"), "-in", str(tmp_path / "token.der"),
         "-token_in", "-CAfile", str(tsa.ca), "-untrusted", str(tsa.cert)],
        capture_output=True, text=True,
    )
    assert result.returncode == 0 and "Verification: OK" in result.stdout


def test_our_token_check_agrees_with_openssl(tsa: Any, record: Any) -> None:
    record(2)
    cp = anchor_checkpoint()
    receipt = receipt_of(cp, "TimestampAuthority")
    attempt_publication(receipt.id, final=False)
    receipt.refresh_from_db()
    ca = tsp.load_pem_certs(tsa.ca.read_bytes())

    info = tsp.verify_token(bytes(receipt.data), cp.note.encode(), roots=ca)

    assert info.signer_subject == "CN=TradeChain Test TSA" and info.chain is not None
    with pytest.raises(tsp.TspError, match="messageImprint"):
        tsp.verify_token(bytes(receipt.data), cp.note.encode() + b" ", roots=ca)
    with pytest.raises(tsp.TspError, match="does not chain to a trusted root"):
        tsp.verify_token(bytes(receipt.data), cp.note.encode(), roots=[another_root()])
    with pytest.raises(tsp.TspError, match="not a valid self-signed"):  # a TSA certificate is no root
        tsp.verify_token(bytes(receipt.data), cp.note.encode(), roots=tsp.load_pem_certs(tsa.cert.read_bytes()))


def another_root() -> x509.Certificate:
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Some Other Root")])
    now = datetime.datetime.now(datetime.UTC)
    return (
        x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
        .serial_number(1).not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=30))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(x509.KeyUsage(False, False, False, False, False, True, True, False, False), critical=True)
        .sign(key, hashes.SHA256())
    )


def test_a_tsa_outage_leaves_the_receipt_pending_for_a_retry(tsa: Any, record: Any) -> None:
    record(1)
    cp = anchor_checkpoint()
    receipt = receipt_of(cp, "TimestampAuthority")
    tsa.fail_next = 1

    assert attempt_publication(receipt.id, final=False) == "retry"
    receipt.refresh_from_db()
    assert receipt.status == Receipt.Status.PENDING and "503" in receipt.detail

    assert attempt_publication(receipt.id, final=False) == "published"
    receipt.refresh_from_db()
    assert receipt.attempts == 2


def test_a_tsa_without_a_url_fails_at_once(tsa: Any, record: Any, ledger_settings: Any) -> None:
    ledger_settings.LEDGER_TSA_URL = ""
    record(1)
    receipt = receipt_of(anchor_checkpoint(), "TimestampAuthority")

    assert attempt_publication(receipt.id, final=False) == "failed"


def test_tlog_directory_holds_every_checkpoint_and_never_goes_back(record: Any, ledger_settings: Any) -> None:
    record(2)
    first = anchor_checkpoint()
    record(3)
    second = anchor_checkpoint()
    root = Path(ledger_settings.LEDGER_TLOG_DIR)

    TlogDirectory().publish(second)
    TlogDirectory().publish(first)  # a late retry of the older one

    assert (root / "checkpoint").read_text() == second.note
    assert (root / "checkpoints" / "2").read_text() == first.note
    assert (root / "checkpoints" / "5").read_text() == second.note
    assert (root / "keys").read_text().startswith("tradechain.test/ledger+")
    assert not [p for p in root.rglob(".*") if p.name != ".lock"]  # no temporary files left


@pytest.mark.django_db(transaction=True)
def test_worker_publishes_after_commit_and_retries_with_backoff(
    celery_worker_thread: Any, tsa: Any, record: Any, ledger_settings: Any, wait_for: Any
) -> None:
    ledger_settings.LEDGER_PUBLISH_MAX_RETRIES = 3
    tsa.fail_next = 2  # the TSA is down for the first two attempts
    record(4)

    anchor.delay()

    def published() -> bool:
        return Receipt.objects.filter(status=Receipt.Status.PUBLISHED).count() == 2

    assert wait_for(published, timeout=20)
    stamp = Receipt.objects.get(publisher__endswith="TimestampAuthority")
    assert stamp.attempts == 3 and len(bytes(stamp.data)) > 1000
    assert (Path(ledger_settings.LEDGER_TLOG_DIR) / "checkpoint").read_text() == stamp.checkpoint.note


@pytest.mark.django_db(transaction=True)
def test_worker_gives_up_after_the_last_retry_and_says_why(
    celery_worker_thread: Any, tsa: Any, record: Any, ledger_settings: Any, wait_for: Any
) -> None:
    ledger_settings.LEDGER_PUBLISH_MAX_RETRIES = 2
    ledger_settings.LEDGER_TSA_URL = "http://127.0.0.1:9/tsa"  # nothing listens on the discard port
    record(1)

    anchor.delay()

    def failed() -> Receipt | None:
        return Receipt.objects.filter(status=Receipt.Status.FAILED).first()

    receipt = wait_for(failed, timeout=20)
    assert receipt is not None and receipt.attempts == 3 and "TSA unreachable" in receipt.detail
