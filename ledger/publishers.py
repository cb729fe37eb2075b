"""Publishing checkpoints outside the database, and the receipts that record it.

A publisher is any class named by a dotted path in LEDGER_PUBLISHERS with a no-argument
constructor and `publish(checkpoint) -> Publication`; raising means "try again later"
(PublishError(permanent=True) means "do not"). Two ship here:

  TlogDirectory       var/tlog/checkpoint and var/tlog/checkpoints/<size>, written atomically,
                      servable by any static web server (the C2SP tlog layout's checkpoint file).
  TimestampAuthority  an RFC 3161 timestamp of the signed note; the token is the receipt.

`attempt_publication` runs one attempt for one receipt; ledger.tasks.publish_receipt wraps it
with retries and exponential backoff (outbox messages due later).
"""

from __future__ import annotations

import fcntl
import hashlib
import logging
import os
import random
import secrets
import tempfile
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from cryptography import x509
from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.module_loading import import_string

from ledger import tsp
from ledger.keys import verifier_strings
from ledger.models import Checkpoint, Receipt

log = logging.getLogger(__name__)

MAX_TSA_RESPONSE = 1 << 20


class PublishError(Exception):
    def __init__(self, message: str, *, permanent: bool = False) -> None:
        super().__init__(message)
        self.permanent = permanent


@dataclass(frozen=True)
class Publication:
    data: bytes = b""
    detail: str = ""


class Publisher(Protocol):
    kind: str  # "rfc3161" receipts go into evidence bundles

    def publish(self, checkpoint: Checkpoint) -> Publication: ...


# --- one attempt for one receipt ---------------------------------------------------------------


def attempt_publication(receipt_id: int, *, final: bool) -> str:
    """Publish one receipt once: "published", "retry", "failed", or "done" (nothing to do).

    The outcome is written with a guarded update (status still pending), so a redelivered
    task that raced this one cannot overwrite a published receipt.
    """
    receipt = Receipt.objects.select_related("checkpoint").filter(id=receipt_id).first()
    if receipt is None or receipt.status != Receipt.Status.PENDING:
        return "done"
    pending = Receipt.objects.filter(id=receipt_id, status=Receipt.Status.PENDING)
    pending.update(attempts=F("attempts") + 1, updated_at=timezone.now())
    try:
        publisher: Publisher = import_string(receipt.publisher)()
        result = publisher.publish(receipt.checkpoint)
    except Exception as exc:  # a publisher's failure, whatever it is, is retried and recorded
        give_up = final or getattr(exc, "permanent", False)
        log.warning("publishing checkpoint %s via %s failed: %s", receipt.checkpoint.size, receipt.publisher, exc)
        status = Receipt.Status.FAILED if give_up else Receipt.Status.PENDING
        pending.update(status=status, detail=f"{type(exc).__name__}: {exc}"[:2000], updated_at=timezone.now())
        return "failed" if give_up else "retry"
    pending.update(
        status=Receipt.Status.PUBLISHED, data=result.data, detail=result.detail[:2000], updated_at=timezone.now()
    )
    return "published"


def requeue_failed(receipt_ids: list[int]) -> int:
    """Operator action: move failed receipts back to pending and publish them again."""
    from ledger.anchoring import schedule_publication

    ids = list(Receipt.objects.filter(id__in=receipt_ids, status=Receipt.Status.FAILED).values_list("id", flat=True))
    with transaction.atomic():
        moved = Receipt.objects.filter(id__in=ids, status=Receipt.Status.FAILED)
        count = moved.update(status=Receipt.Status.PENDING, updated_at=timezone.now())
        schedule_publication(ids)  # outbox messages, committed with the move
    return count


def backoff(retries: int) -> float:
    """Seconds before retry number `retries` + 1: exponential, capped, with jitter so that
    many receipts failing together (a TSA outage) do not retry in lockstep."""
    delay = float(min(settings.LEDGER_PUBLISH_BACKOFF * 2**retries, settings.LEDGER_PUBLISH_BACKOFF_MAX))
    return delay * random.uniform(0.5, 1.0)


# --- transparency-log directory ------------------------------------------------------------------


class TlogDirectory:
    kind = "tlog"

    def publish(self, checkpoint: Checkpoint) -> Publication:
        root = Path(settings.LEDGER_TLOG_DIR)
        (root / "checkpoints").mkdir(parents=True, exist_ok=True)
        note = checkpoint.note.encode()
        atomic_write(root / "checkpoints" / str(checkpoint.size), note)
        with _locked(root / ".lock"):
            # Publications may finish out of order (retries): never move `checkpoint` backwards.
            if _published_size(root / "checkpoint") <= checkpoint.size:
                atomic_write(root / "checkpoint", note)
            atomic_write(root / "keys", "".join(f"{k}\n" for k in verifier_strings()).encode())
        return Publication(detail=f"wrote {root / 'checkpoints' / str(checkpoint.size)}")


def atomic_write(path: Path, data: bytes) -> None:
    """Readers see the old file or the new one, never a torn one (rename is atomic)."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, 0o644)  # public by design: served to anyone
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    dir_fd = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(dir_fd)  # make the rename itself durable
    finally:
        os.close(dir_fd)


@contextmanager
def _locked(path: Path) -> Iterator[None]:
    with open(path, "a") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def _published_size(path: Path) -> int:
    try:
        lines = path.read_text().split("\n")
        return int(lines[1])
    except (OSError, IndexError, ValueError):
        return 0


# --- RFC 3161 timestamp authority -----------------------------------------------------------------


class TimestampAuthority:
    kind = "rfc3161"

    def publish(self, checkpoint: Checkpoint) -> Publication:
        url = settings.LEDGER_TSA_URL
        if not url.startswith(("http://", "https://")):
            raise PublishError("LEDGER_TSA_URL is not an http(s) URL", permanent=True)
        message = checkpoint.note.encode()
        nonce = secrets.randbits(63)
        request = tsp.build_request(hashlib.sha256(message).digest(), nonce=nonce)
        token = tsp.token_from_response(_post(url, request))
        roots, certs = tsa_certificates()
        # Check before storing: a receipt that does not verify is worth nothing later.
        info = tsp.verify_token(token, message, roots=roots, extra_certs=certs, nonce=nonce)
        chain = "chain verified" if info.chain else "chain not checked (LEDGER_TSA_CA_FILE unset)"
        return Publication(
            data=token,
            detail=f"RFC 3161 token from {info.signer_subject}, genTime {info.gen_time.isoformat()}, "
            f"serial {info.serial}, {chain}",
        )


def tsa_certificates() -> tuple[list[x509.Certificate], list[x509.Certificate]]:
    """(trusted roots, TSA certificate and intermediates) from LEDGER_TSA_CA_FILE/_CERT_FILE."""
    def load(path: str) -> list[x509.Certificate]:
        return tsp.load_pem_certs(Path(path).read_bytes()) if path else []

    return load(settings.LEDGER_TSA_CA_FILE), load(settings.LEDGER_TSA_CERT_FILE)


def _post(url: str, body: bytes) -> bytes:
    request = urllib.request.Request(  # noqa: S310 - scheme checked by the caller
        url, data=body, method="POST",
        headers={"Content-Type": "application/timestamp-query", "Accept": "application/timestamp-reply"},
    )
    try:
        with urllib.request.urlopen(request, timeout=settings.LEDGER_TSA_TIMEOUT) as response:  # noqa: S310
            ctype = response.headers.get("Content-Type", "")
            data: bytes = response.read(MAX_TSA_RESPONSE + 1)
    except (urllib.error.URLError, OSError) as exc:
        raise PublishError(f"TSA unreachable: {exc}") from exc
    if not ctype.startswith("application/timestamp-reply") or len(data) > MAX_TSA_RESPONSE:
        raise PublishError(f"TSA answered {ctype or 'no content type'}, not a timestamp reply")
    return data
