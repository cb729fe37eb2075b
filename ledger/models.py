"""The journal: an intake queue written inside business transactions, and the chain.

A business transaction inserts one `PendingEntry` (no global lock, so writers run in
parallel). The sequencer (ledger.sequencer) moves pending rows into `Entry` in batches,
giving each the next gapless `seq` and its chain hash. Both tables are append-only in
PostgreSQL (migration 0002); intake rows may only be deleted once they are sequenced.

The verifiable log (ledger.anchoring): `TreeNode` stores the perfect subtrees of the RFC 9162
tree over the entries, `Checkpoint` the signed tree heads, `Receipt` their publications.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.db import models


class AppendOnlyError(Exception):
    pass


class EntryQuerySet(models.QuerySet["Entry"]):
    def for_subject(self, subject: str) -> EntryQuerySet:
        return self.filter(subject=subject).order_by("seq")

    def in_range(self, start: int | None, end: int | None) -> EntryQuerySet:
        qs = self
        if start is not None:
            qs = qs.filter(seq__gte=start)
        if end is not None:
            qs = qs.filter(seq__lte=end)
        return qs


class Entry(models.Model):
    seq = models.BigIntegerField(primary_key=True)
    intake_id = models.BigIntegerField(unique=True)
    kind = models.CharField(max_length=100)
    subject = models.CharField(max_length=200)
    actor = models.CharField(max_length=200)
    actor_org = models.CharField(max_length=200)
    at = models.DateTimeField()
    payload = models.BinaryField()
    prev_hash = models.BinaryField(max_length=32)
    hash = models.BinaryField(max_length=32)
    sequenced_at = models.DateTimeField()

    objects = EntryQuerySet.as_manager()

    class Meta:
        db_table = "ledger_entry"
        verbose_name_plural = "entries"
        # Every index here is paid for by the sequencer on each entry, so only what reads
        # need: a subject's history (btree) and time ranges, newest first, a page at a time
        # (btree on (at, seq), appended at its right edge since entries arrive in time order;
        # it replaced a BRIN on `at`, which cannot return rows in order, so a one-day page
        # at 1,000,000 entries walked half the journal: lc/audit/browser.py).
        indexes = [
            models.Index(fields=["subject", "seq"], name="ledger_entry_subject_seq"),
            models.Index(fields=["at", "seq"], name="ledger_entry_at_seq"),
            # The auditors' browser filters by kind, actor and acting organisation, newest first
            # (lc/audit/browser.py): each is one backward walk of (column, seq). The sequencer
            # appends at the right edge of each column's range; bench/bench_audit.py measures the
            # browser and bench/bench_ledger.py the write path with them.
            models.Index(fields=["kind", "seq"], name="ledger_entry_kind_seq"),
            models.Index(fields=["actor", "seq"], name="ledger_entry_actor_seq"),
            models.Index(fields=["actor_org", "seq"], name="ledger_entry_org_seq"),
        ]
        constraints = [
            models.CheckConstraint(condition=models.Q(seq__gte=1), name="ledger_entry_seq_positive"),
        ]

    def __str__(self) -> str:
        return f"#{self.seq} {self.kind} {self.subject}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        raise AppendOnlyError("ledger entries are written only by the sequencer")

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        raise AppendOnlyError("ledger entries cannot be deleted")

    @property
    def hash_hex(self) -> str:
        return bytes(self.hash).hex()


class PendingEntry(models.Model):
    """An entry recorded by a committed business transaction and not yet sequenced."""

    id = models.BigAutoField(primary_key=True)
    kind = models.CharField(max_length=100)
    subject = models.CharField(max_length=200)
    actor = models.CharField(max_length=200)
    actor_org = models.CharField(max_length=200)
    at = models.DateTimeField()
    payload = models.BinaryField()

    class Meta:
        # No index beyond the key: this insert is in every business transaction, and the
        # table holds only the few milliseconds of entries the sequencer has not reached.
        db_table = "ledger_intake"
        verbose_name_plural = "pending entries"

    def __str__(self) -> str:
        return f"pending {self.id} {self.kind} {self.subject}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise AppendOnlyError("pending ledger entries cannot be edited")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        raise AppendOnlyError("pending ledger entries are removed only by the sequencer")


# --- the verifiable log (issue 4) --------------------------------------------------------------


class TreeNode(models.Model):
    """One perfect subtree of the RFC 9162 tree over the entries (see ledger.merkle).

    (level, index) covers leaves [index * 2**level, (index + 1) * 2**level); level 0 holds the
    leaf hashes SHA-256(0x00 || entry hash). A node is written by the anchorer when its last
    leaf is anchored and never changes (append-only in PostgreSQL, migration 0003), so the
    table always covers exactly the latest checkpoint's tree.
    """

    pk = models.CompositePrimaryKey("level", "index")
    level = models.SmallIntegerField()
    index = models.BigIntegerField()
    hash = models.BinaryField(max_length=32)

    class Meta:
        db_table = "ledger_node"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(level__gte=0, level__lte=63, index__gte=0), name="ledger_node_coords_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"node ({self.level}, {self.index})"


class CheckpointQuerySet(models.QuerySet["Checkpoint"]):
    def latest_first(self) -> CheckpointQuerySet:
        return self.order_by("-size")

    def covering(self, seq: int) -> CheckpointQuerySet:
        """Checkpoints whose tree contains entry `seq` (leaf seq - 1)."""
        return self.filter(size__gte=seq)


class Checkpoint(models.Model):
    """A signed tree head: the C2SP tlog-checkpoint note over (origin, size, root).

    `note` is the full signed note text and is what every verifier checks; size and root are
    copies for queries. Each checkpoint names its predecessor (one-to-one, so the chain cannot
    fork) and the anchorer proves it consistent with it before signing.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    origin = models.CharField(max_length=200)
    size = models.BigIntegerField(unique=True)
    root = models.BinaryField(max_length=32)
    note = models.TextField()
    previous = models.OneToOneField(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="next"
    )
    created_at = models.DateTimeField()

    objects = CheckpointQuerySet.as_manager()

    class Meta:
        db_table = "ledger_checkpoint"
        get_latest_by = "size"
        constraints = [
            models.CheckConstraint(condition=models.Q(size__gte=1), name="ledger_checkpoint_size_positive"),
            # Only the very first checkpoint of a log has no predecessor.
            models.UniqueConstraint(
                fields=["origin"], condition=models.Q(previous__isnull=True), name="ledger_checkpoint_one_first"
            ),
        ]

    def __str__(self) -> str:
        return f"checkpoint {self.size}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise AppendOnlyError("checkpoints cannot be edited")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        raise AppendOnlyError("checkpoints cannot be deleted")

    @property
    def root_hex(self) -> str:
        return bytes(self.root).hex()

    @property
    def signatures(self) -> list[str]:
        """The key names on the note's signature lines, in order (unverified; for display)."""
        block = self.note[self.note.rfind("\n\n") + 2 :]
        return [line.split(" ")[1] for line in block.splitlines() if line.count(" ") == 2]


class Receipt(models.Model):
    """The outcome of publishing one checkpoint through one publisher (ledger.publishers)."""

    class Status(models.TextChoices):
        PENDING = "pending"
        PUBLISHED = "published"
        FAILED = "failed"

    # The allowed moves: retries stay pending; an operator may requeue a failed publication.
    MOVES: dict[str, set[str]] = {
        Status.PENDING: {Status.PUBLISHED, Status.FAILED},
        Status.FAILED: {Status.PENDING},
        Status.PUBLISHED: set(),
    }

    id = models.BigAutoField(primary_key=True)
    checkpoint = models.ForeignKey(Checkpoint, on_delete=models.PROTECT, related_name="receipts")
    publisher = models.CharField(max_length=200)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveIntegerField(default=0)
    data = models.BinaryField(default=b"")
    detail = models.TextField(blank=True, default="")
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()

    class Meta:
        db_table = "ledger_receipt"
        constraints = [
            models.UniqueConstraint(fields=["checkpoint", "publisher"], name="ledger_receipt_one_per_publisher"),
        ]
        indexes = [
            # The anchor task looks for pending receipts whose task was lost (requeue_stale_receipts).
            models.Index(fields=["updated_at"], condition=models.Q(status="pending"), name="ledger_receipt_pending"),
        ]

    def __str__(self) -> str:
        return f"{self.publisher} for checkpoint {self.checkpoint_id}: {self.status}"


# --- witnesses (issue 19) ------------------------------------------------------------------------


class Cosignature(models.Model):
    """A witness's cosignature (C2SP tlog-cosignature) on one of our checkpoints.

    Stored only after it verified against the checkpoint's body with the witness key from the
    policy (ledger.witnessing); `line` is the signature line exactly as the witness sent it, so
    `/ledger/checkpoint` and evidence bundles carry the witness's own bytes. Append-only.
    """

    id = models.BigAutoField(primary_key=True)
    checkpoint = models.ForeignKey(Checkpoint, on_delete=models.PROTECT, related_name="cosignatures")
    witness = models.CharField(max_length=200)  # the policy's name for the witness, when stored
    key_name = models.CharField(max_length=200)
    key_id = models.BinaryField(max_length=4)
    timestamp = models.BigIntegerField()  # the witness's time in the cosignature (POSIX seconds)
    line = models.TextField()
    received_at = models.DateTimeField()

    class Meta:
        db_table = "ledger_cosignature"
        constraints = [
            models.UniqueConstraint(fields=["checkpoint", "key_name", "key_id"], name="ledger_cosignature_one_per_key"),
        ]

    def __str__(self) -> str:
        return f"{self.witness} on checkpoint {self.checkpoint_id}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise AppendOnlyError("cosignatures cannot be edited")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        raise AppendOnlyError("cosignatures cannot be deleted")


class Witnessed(models.Model):
    """The moment a checkpoint's stored cosignatures first met the witness policy.

    Written once, when the quorum is reached, with the SHA-256 of the policy text that judged
    it; `size` copies the checkpoint's so "first witnessed checkpoint covering entry n" is one
    index probe, like "first anchoring checkpoint". Append-only.
    """

    checkpoint = models.OneToOneField(Checkpoint, on_delete=models.PROTECT, primary_key=True, related_name="witnessed")
    size = models.BigIntegerField(unique=True)
    policy_sha256 = models.BinaryField(max_length=32)
    witnessed_at = models.DateTimeField()

    class Meta:
        db_table = "ledger_witnessed"
        verbose_name_plural = "witnessed checkpoints"

    def __str__(self) -> str:
        return f"checkpoint {self.size} witnessed"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise AppendOnlyError("a witnessed checkpoint cannot be edited")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        raise AppendOnlyError("a witnessed checkpoint cannot be deleted")


class WitnessStatus(models.Model):
    """The last exchange with one witness (a mutable work record, like Receipt): for the
    operator's status and lag views. The evidence is in Cosignature, never here."""

    witness = models.CharField(max_length=200, primary_key=True)
    url = models.CharField(max_length=500)
    cosigned_size = models.BigIntegerField(null=True)  # the largest of our checkpoints it cosigned
    last_status = models.IntegerField(default=0)  # HTTP status, 0 when it could not be reached
    detail = models.TextField(blank=True, default="")
    attempted_at = models.DateTimeField(null=True)
    cosigned_at = models.DateTimeField(null=True)

    class Meta:
        db_table = "ledger_witness_status"
        verbose_name_plural = "witness status"

    def __str__(self) -> str:
        return f"{self.witness}: {self.last_status or 'unreachable'}"
