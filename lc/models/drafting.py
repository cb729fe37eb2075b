"""Co-drafting (issue 20): the applicant shares its draft application with the beneficiary, who
comments field by field; each revision of the shared draft is a numbered version with the hash
of its terms. Submission to the issuing bank freezes both (lc.access)."""

from __future__ import annotations

import uuid
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q

from lc.models.credits import LetterOfCredit


class DraftVersion(models.Model):
    """One version of a shared draft: 1 when shared, one more per revision."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    credit = models.ForeignKey(LetterOfCredit, models.CASCADE, related_name="draft_versions")
    number = models.PositiveIntegerField()
    terms: Any = models.JSONField()
    # SHA-256 of the RFC 8785 bytes of `terms` (ledger.chain.canonical), also in its ledger entry.
    terms_sha256 = models.CharField(max_length=64)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["credit", "number"]
        constraints = [
            models.UniqueConstraint(fields=["credit", "number"], name="lc_draft_version_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.credit_id} draft v{self.number}"


class DraftComment(models.Model):
    """A party's comment on one field of one version of the draft (a terms key or an MT700 tag),
    with an optional suggested value; the applicant resolves it."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    credit = models.ForeignKey(LetterOfCredit, models.CASCADE, related_name="draft_comments")
    version = models.ForeignKey(DraftVersion, models.PROTECT, related_name="comments")
    field = models.CharField(max_length=64)
    text = models.TextField()
    suggested_value = models.TextField(blank=True)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    created_at = models.DateTimeField()
    resolved_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True,
                                    related_name="+")
    resolved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["credit", "created_at"]
        constraints = [
            models.CheckConstraint(condition=Q(resolved_by__isnull=True, resolved_at__isnull=True)
                                   | Q(resolved_by__isnull=False, resolved_at__isnull=False),
                                   name="lc_draft_comment_resolved_together"),
        ]

    def __str__(self) -> str:
        return f"{self.credit_id} comment on {self.field}"

    @property
    def resolved(self) -> bool:
        return self.resolved_at is not None
