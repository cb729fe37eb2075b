"""Printed documents (issue 20): the PDFs an action produced, stored off-ledger by content
address (lc.storage) like presented files; the action's ledger entry carries the same SHA-256.

The row is what downloads are looked up by, and what keeps the stored file from being swept
as an orphan (lc.tasks.sweep_orphan_files)."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from lc.models.credits import Amendment, LetterOfCredit
from lc.models.parties import Organization
from lc.models.presentations import Presentation


class PrintedKind(models.TextChoices):
    CREDIT_ADVICE = "credit_advice", _("Advice of credit")
    AMENDMENT_ADVICE = "amendment_advice", _("Advice of amendment")
    REFUSAL_NOTICE = "refusal_notice", _("Refusal notice")
    EVIDENCE_SUMMARY = "evidence_summary", _("Evidence summary")


class PrintedQuerySet(models.QuerySet["PrintedDocument"]):
    def readable_by(self, org: Organization | None) -> PrintedQuerySet:
        """Of a credit the caller sees already: the advices and refusal notices are every
        party's; an evidence summary lists what its producer's organisation may see of the
        history (lc.services.visibility), so it is that organisation's alone."""
        return self.filter(models.Q(audience__isnull=True) | models.Q(audience=org)) if org is not None \
            else self.filter(audience__isnull=True)


class PrintedDocument(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    credit = models.ForeignKey(LetterOfCredit, models.PROTECT, related_name="printed")
    kind = models.CharField(max_length=30, choices=PrintedKind.choices)
    lang = models.CharField(max_length=10)
    sha256 = models.CharField(max_length=64)
    size = models.PositiveBigIntegerField()
    amendment = models.ForeignKey(Amendment, models.PROTECT, null=True, blank=True, related_name="+")
    presentation = models.ForeignKey(Presentation, models.PROTECT, null=True, blank=True, related_name="+")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    created_at = models.DateTimeField()
    # Set for a document only one organisation may read (an evidence summary: its producer's).
    audience = models.ForeignKey(Organization, models.PROTECT, null=True, blank=True, related_name="+")

    objects = PrintedQuerySet.as_manager()

    class Meta:
        ordering = ["credit", "created_at"]
        constraints = [
            models.UniqueConstraint(fields=["credit", "sha256"], name="lc_printed_one_per_file"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.sha256[:12]}"

    def file_name(self) -> str:
        """The download name: what it is, for which credit (never anything a user typed)."""
        return f"{self.credit.reference}-{self.kind.replace('_', '-')}-{self.sha256[:8]}.pdf"
