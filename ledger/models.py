"""The journal: an intake queue written inside business transactions, and the chain.

A business transaction inserts one `PendingEntry` (no global lock, so writers run in
parallel). The sequencer (ledger.sequencer) moves pending rows into `Entry` in batches,
giving each the next gapless `seq` and its chain hash. Both tables are append-only in
PostgreSQL (migration 0002); intake rows may only be deleted once they are sequenced.
"""

from __future__ import annotations

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
    kind = models.CharField(max_length=100, db_index=True)
    subject = models.CharField(max_length=200, db_index=True)
    actor = models.CharField(max_length=200)
    actor_org = models.CharField(max_length=200, db_index=True)
    at = models.DateTimeField(db_index=True)
    payload = models.BinaryField()
    prev_hash = models.BinaryField(max_length=32)
    hash = models.BinaryField(max_length=32, unique=True)
    sequenced_at = models.DateTimeField()

    objects = EntryQuerySet.as_manager()

    class Meta:
        db_table = "ledger_entry"
        verbose_name_plural = "entries"
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
    subject = models.CharField(max_length=200, db_index=True)
    actor = models.CharField(max_length=200)
    actor_org = models.CharField(max_length=200)
    at = models.DateTimeField()
    payload = models.BinaryField()

    class Meta:
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
