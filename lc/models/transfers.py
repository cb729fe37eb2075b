"""Transfers (UCP 600 art. 38): the first beneficiary's request, the transferring bank's maker
and checker, and the advice of the transferred credit to the second beneficiary."""

from __future__ import annotations

import uuid
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from lc.models.credits import LetterOfCredit
from lc.models.parties import Organization


class TransferState(models.TextChoices):
    REQUESTED = "requested", _("Requested by the first beneficiary")
    PREPARED = "prepared", _("Prepared, awaiting checker")
    TRANSFERRED = "transferred", _("Approved: credit transferred")
    ADVISED = "advised", _("Advised to the second beneficiary")
    REJECTED = "rejected", _("Rejected by the transferring bank")


# The one table of allowed transfer moves. Art. 38(a): the bank is not obliged to transfer, so
# it may turn a request down until its checker approves; after that the transfer is done.
TRANSFER_MOVES: dict[str, set[str]] = {
    TransferState.REQUESTED: {TransferState.PREPARED, TransferState.REJECTED},
    TransferState.PREPARED: {TransferState.TRANSFERRED, TransferState.REJECTED},
    TransferState.TRANSFERRED: {TransferState.ADVISED},
    TransferState.ADVISED: set(),
    TransferState.REJECTED: set(),
}
OPEN_TRANSFERS = (TransferState.REQUESTED, TransferState.PREPARED, TransferState.TRANSFERRED)


class TransferRequestQuerySet(models.QuerySet["TransferRequest"]):
    def visible_to(self, org: Organization | None) -> TransferRequestQuerySet:
        """Requests on credits the org is party to (the first credit's parties)."""
        return self.filter(credit__in=LetterOfCredit.objects.visible_to(org).values("pk"))

    def latest_first(self) -> TransferRequestQuerySet:
        return self.order_by("-requested_at")


class TransferRequest(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    credit = models.ForeignKey(LetterOfCredit, models.CASCADE, related_name="transfer_requests")
    state = models.CharField(max_length=20, choices=TransferState.choices, default=TransferState.REQUESTED)
    second_beneficiary = models.ForeignKey(Organization, models.PROTECT, related_name="transfers_requested_for")
    changes: Any = models.JSONField(default=dict)  # only the curtailed terms (art. 38(g))
    note = models.TextField(blank=True)  # the first beneficiary's instructions
    reason = models.TextField(blank=True)  # why the bank turned it down
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    maker = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+")
    checker = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+")
    transferred_credit = models.OneToOneField(
        LetterOfCredit, models.PROTECT, null=True, blank=True, related_name="transfer_request"
    )
    requested_at = models.DateTimeField()
    prepared_at = models.DateTimeField(null=True, blank=True)
    approved_at = models.DateTimeField(null=True, blank=True)
    advised_at = models.DateTimeField(null=True, blank=True)
    rejected_at = models.DateTimeField(null=True, blank=True)

    objects = TransferRequestQuerySet.as_manager()

    class Meta:
        ordering = ["credit", "requested_at"]
        constraints = [
            models.CheckConstraint(condition=~Q(maker=models.F("checker")), name="lc_transfer_maker_not_checker"),
            # Art. 38(d): one transfer per credit, and one request in flight at a time; only a
            # rejected request leaves room for another.
            models.UniqueConstraint(fields=["credit"], condition=~Q(state="rejected"),
                                    name="lc_transfer_one_per_credit"),
        ]

    def __str__(self) -> str:
        return f"transfer of {self.credit_id} ({self.state})"
