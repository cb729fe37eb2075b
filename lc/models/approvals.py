"""Approval levels (issue 20): a bank's amount thresholds above which a binding decision needs
one or two further checkers, and each checker's approval of a decision awaiting them.

A threshold is kept in a currency of the bank's choosing (its reporting currency) and compared
with the decision's amount converted by the bank's own rate table (lc.services.money.convert).
An approval is one person's signature on one pending decision (a credit's issue, an amendment's
issue, a presentation's honour): the database refuses the same person twice on an open decision.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from lc.models.credits import LetterOfCredit
from lc.models.money import money_field
from lc.models.parties import Organization


class ApprovalAction(models.TextChoices):
    """The binding bank decisions a level can apply to."""

    ISSUANCE = "issuance", _("Issuance of a credit")
    AMENDMENT_INCREASE = "amendment_increase", _("Amendment increasing the amount")
    # Art. 16(b): honouring a presentation whose discrepancies the applicant waived, the bank's
    # binding decision to take up discrepant documents.
    WAIVER = "waiver", _("Honour on the applicant's waiver of discrepancies")
    HONOUR = "honour", _("Honour of a presentation")


class ApprovalLevel(models.Model):
    """Above `threshold` (in `currency`), the decision needs `extra_checkers` more checkers than
    it does today. A bank may keep one level per number of further checkers and action."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    bank = models.ForeignKey(Organization, models.PROTECT, related_name="approval_levels")
    action = models.CharField(max_length=20, choices=ApprovalAction.choices)
    currency = models.CharField(max_length=3, help_text=_("The bank's reporting currency for this threshold."))
    threshold = money_field()
    extra_checkers = models.PositiveSmallIntegerField()
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+")
    updated_at = models.DateTimeField()

    class Meta:
        ordering = ["bank", "action", "extra_checkers"]
        constraints = [
            models.UniqueConstraint(fields=["bank", "action", "extra_checkers"], name="lc_approval_level_unique"),
            models.CheckConstraint(condition=Q(extra_checkers__in=(1, 2)), name="lc_approval_level_one_or_two"),
            models.CheckConstraint(condition=Q(threshold__gte=0), name="lc_approval_level_threshold_nonnegative"),
        ]

    def __str__(self) -> str:
        return f"{self.action} above {self.currency} {self.threshold}: +{self.extra_checkers}"


class Approval(models.Model):
    """One person's approval of one decision (`action` on `target`, a credit, an amendment or a
    presentation id). Open while the decision waits for more approvals; closed when it completes."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    credit = models.ForeignKey(LetterOfCredit, models.PROTECT, related_name="approvals")
    bank = models.ForeignKey(Organization, models.PROTECT, related_name="+")
    action = models.CharField(max_length=20, choices=ApprovalAction.choices)
    target = models.UUIDField()
    number = models.PositiveSmallIntegerField()  # 1 for the first approval of the decision
    required = models.PositiveSmallIntegerField()  # approvals the decision needed at this one
    approver = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    amount = money_field()
    currency = models.CharField(max_length=3)
    # The threshold facts at this approval: the level, the converted amount and the rate used.
    facts = models.JSONField(default=dict)
    # What the first approver decided (an honour's amount and maturity), held for the others.
    params = models.JSONField(default=dict)
    open = models.BooleanField(default=True)
    at = models.DateTimeField()

    class Meta:
        ordering = ["credit", "at", "number"]
        indexes = [models.Index(fields=["credit", "open"], name="lc_approval_credit_open")]
        constraints = [
            # The same person never signs one open decision twice (the service says so first).
            models.UniqueConstraint(fields=["target", "approver"], condition=Q(open=True),
                                    name="lc_approval_distinct_people"),
            models.UniqueConstraint(fields=["target", "number"], condition=Q(open=True),
                                    name="lc_approval_number_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.action} approval {self.number}/{self.required} of {self.target}"
