"""The auditors' own records: chain verification runs and the read-access log."""

from __future__ import annotations

import uuid
from typing import Any

from django.conf import settings
from django.db import models

from ledger.models import AppendOnlyError


class VerificationRun(models.Model):
    """One "verify the chain" started by an auditor: its progress (a work record, written by
    the Celery task) and its result, which is also ledgered (audit.chain_verified)."""

    class State(models.TextChoices):
        QUEUED = "queued"
        RUNNING = "running"
        DONE = "done"
        FAILED = "failed"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    requested_at = models.DateTimeField()
    state = models.CharField(max_length=10, choices=State.choices, default=State.QUEUED)
    checked = models.BigIntegerField(default=0)
    total = models.BigIntegerField(default=0)
    ok = models.BooleanField(null=True)
    result: Any = models.JSONField(default=dict)
    finished_at = models.DateTimeField(null=True)

    class Meta:
        ordering = ["-requested_at"]

    def __str__(self) -> str:
        return f"verification {self.id} ({self.state})"

    @property
    def percent(self) -> int:
        if self.state == self.State.DONE:
            return 100
        return int(100 * self.checked / self.total) if self.total else 0


class ReadAccess(models.Model):
    """Who opened which credit, document or evidence bundle, when: append-only and hash-chained
    (each row's hash covers the previous row's), sealed into the ledger periodically
    (audit.read_log_sealed), so a changed or removed row shows against an anchored checkpoint.

    Its own table rather than ledger entries: reads outnumber changes by orders of magnitude
    and would swamp the evidence journal (every entry is sequenced, Merkle-hashed and carried by
    proofs); a seal every few minutes puts the whole log under the ledger's anchors at the cost
    of one entry. PostgreSQL refuses UPDATE, DELETE and TRUNCATE (migration 0002, ENABLE ALWAYS).
    """

    seq = models.BigIntegerField(primary_key=True)
    at = models.DateTimeField()
    user = models.CharField(max_length=200)  # immutable ledger id, user:<uuid>
    username = models.CharField(max_length=150)
    org = models.CharField(max_length=200)
    what = models.CharField(max_length=20)  # credit, document, presentation, message, evidence, history, export
    target = models.CharField(max_length=200)
    route = models.CharField(max_length=100, default="")  # the URL name that served it
    via = models.CharField(max_length=100, default="")  # apikey:<uuid> for an API key; "" for a session
    prev_hash = models.BinaryField(max_length=32)
    hash = models.BinaryField(max_length=32)

    class Meta:
        db_table = "audit_read_access"
        indexes = [models.Index(fields=["org", "seq"], name="audit_read_access_org_seq")]

    def __str__(self) -> str:
        return f"#{self.seq} {self.username} read {self.what} {self.target}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        raise AppendOnlyError("the read-access log is written only by lc.audit.readlog")

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        raise AppendOnlyError("the read-access log cannot be changed")
