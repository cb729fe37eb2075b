"""The transactional outbox: after-commit work written as a row in the business transaction.

A service that needs work done after its commit (run the examination engine, deliver a
webhook, publish a checkpoint, move the API-key epoch on) inserts one `Message` next to its
business change, so the work and the change commit together or not at all, whatever the
broker is doing. The relay (outbox.relay) hands due messages to the broker; the consumer
(outbox.consumer) runs each one under its row lock and marks it done in the same
transaction as the work, so a message delivered twice runs once.
"""

from __future__ import annotations

from typing import Any

from django.db import models
from django.db.models import Q
from django.db.models.functions import Now


class MessageQuerySet(models.QuerySet["Message"]):
    def undone(self) -> MessageQuerySet:
        return self.filter(done_at__isnull=True)

    def about(self, subject: str, task: str) -> MessageQuerySet:
        return self.filter(subject=subject, task=task)


class Message(models.Model):
    id = models.BigAutoField(primary_key=True)
    task = models.CharField(max_length=200)  # the Celery task (by name) that does the work
    args: Any = models.JSONField(default=list)
    subject = models.CharField(max_length=200, blank=True, db_default="")  # what the work is about
    created_at = models.DateTimeField(db_default=Now())
    available_at = models.DateTimeField(db_default=Now())  # not before (retries wait here, not in the broker)
    published_at = models.DateTimeField(null=True, blank=True)  # last handed to the broker
    publications = models.PositiveIntegerField(db_default=0)
    started_at = models.DateTimeField(null=True, blank=True)  # a consumer took it ("running")
    attempts = models.PositiveIntegerField(db_default=0)
    done_at = models.DateTimeField(null=True, blank=True)
    failed = models.BooleanField(db_default=False)  # done_at set after the last attempt failed
    last_error = models.TextField(blank=True, db_default="")

    objects = MessageQuerySet.as_manager()

    class Meta:
        db_table = "outbox_message"
        ordering = ["id"]
        indexes = [
            # The relay's scan: only undone rows, in id order.
            models.Index(fields=["available_at", "id"], condition=Q(done_at__isnull=True), name="outbox_due"),
            models.Index(fields=["subject", "task"], condition=~Q(subject=""), name="outbox_subject"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(failed=False) | Q(done_at__isnull=False), name="outbox_failed_is_done"),
        ]

    def __str__(self) -> str:
        return f"outbox {self.id} {self.task}"

    @property
    def status(self) -> str:
        """queued, running, done or failed (what the portal and the API show)."""
        if self.done_at is not None:
            return "failed" if self.failed else "done"
        return "running" if self.started_at is not None else "queued"
