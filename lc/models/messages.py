"""SWIFT messages exchanged about credits: every MT the platform produced (out) and every one
a bank imported (in), stored exactly as sent or received, append-only like the ledger.

Append-only three ways, as the ledger tables (house style): PostgreSQL triggers (ENABLE
ALWAYS) refuse UPDATE, DELETE and TRUNCATE (migration 0007), `save()` refuses a change and
`delete()` refuses always, and the admin is read-only. What happened because of a message
(the credit it created or matched, the amendment it applied) is fixed when it is stored: an
import is one transaction, so its outcome is known before the row is written.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from lc.models.credits import Amendment, LetterOfCredit
from lc.models.parties import Organization
from lc.models.presentations import Presentation
from ledger.models import AppendOnlyError


class Direction(models.TextChoices):
    OUT = "out", _("Sent")
    IN = "in", _("Received")


class Outcome(models.TextChoices):
    """What an imported message did (outbound messages have none)."""

    NONE = "", _("—")
    REFUSED = "refused", _("Refused: not valid")
    CREDIT_RECEIVED = "credit_received", _("Credit received")
    MATCHED = "matched", _("Matched to a credit on the platform")
    AMENDMENT_APPLIED = "amendment_applied", _("Amendment applied")
    REFUSAL_RECORDED = "refusal_recorded", _("Refusal recorded")
    PAYMENT_RECORDED = "payment_recorded", _("Payment recorded")
    REIMBURSEMENT_RECORDED = "reimbursement_recorded", _("Reimbursement recorded")
    UNMATCHED = "unmatched", _("Kept: no credit to apply it to")


class SwiftMessageQuerySet(models.QuerySet["SwiftMessage"]):
    def visible_to(self, org: Organization | None) -> SwiftMessageQuerySet:
        """A message is seen by the organisation that sent it and the one it was sent to (or
        that imported it); every other organisation gets nothing (404)."""
        if org is None:
            return self.none()
        return self.filter(Q(sender_org=org) | Q(receiver_org=org))

    def inbound(self) -> SwiftMessageQuerySet:
        return self.filter(direction=Direction.IN)


class SwiftMessage(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    direction = models.CharField(max_length=3, choices=Direction.choices)
    mt = models.CharField(max_length=3)  # "700", "701", "707" ...
    batch = models.UUIDField()  # messages produced or imported together (an MT700 and its MT701s)
    part = models.PositiveSmallIntegerField(default=1)  # position in the batch, from 1
    sender_bic = models.CharField(max_length=11)
    receiver_bic = models.CharField(max_length=11)
    sender_org = models.ForeignKey(Organization, models.PROTECT, null=True, blank=True, related_name="+")
    receiver_org = models.ForeignKey(Organization, models.PROTECT, null=True, blank=True, related_name="+")
    reference = models.CharField(max_length=16, blank=True)  # field 20
    related_reference = models.CharField(max_length=16, blank=True)  # field 21
    text = models.TextField()  # exactly as sent or received
    sha256 = models.CharField(max_length=64)  # over the text's UTF-8 bytes, hex
    credit = models.ForeignKey(LetterOfCredit, models.PROTECT, null=True, blank=True, related_name="swift_messages")
    amendment = models.ForeignKey(Amendment, models.PROTECT, null=True, blank=True, related_name="+")
    presentation = models.ForeignKey(Presentation, models.PROTECT, null=True, blank=True, related_name="+")
    kind = models.CharField(max_length=60)  # the ledger kind of the action that produced or imported it
    findings: Any = models.JSONField(default=list, blank=True)  # validation results of an import
    outcome = models.CharField(max_length=30, choices=Outcome.choices, default=Outcome.NONE, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+")
    created_at = models.DateTimeField()

    objects = SwiftMessageQuerySet.as_manager()

    class Meta:
        db_table = "lc_swiftmessage"
        ordering = ["-created_at", "batch", "part"]
        indexes = [
            models.Index(fields=["credit", "created_at"], name="lc_swiftmessage_credit"),
            models.Index(fields=["sha256"], name="lc_swiftmessage_sha256"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(direction__in=("in", "out")), name="lc_swiftmessage_direction"),
            # A bank imports a given text once: a second copy would apply the same change twice.
            models.UniqueConstraint(fields=["receiver_org", "sha256"], condition=Q(direction="in"),
                                    name="lc_swiftmessage_import_once"),
        ]

    def __str__(self) -> str:
        return f"MT{self.mt} {self.get_direction_display()} {self.reference}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise AppendOnlyError("a stored SWIFT message cannot be changed")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        raise AppendOnlyError("a stored SWIFT message cannot be deleted")

    @property
    def valid(self) -> bool:
        return not self.findings
