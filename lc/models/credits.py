"""Letters of credit, their versioned terms, amendments, cancellation consents."""

from __future__ import annotations

import uuid
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from lc.models.parties import Organization


class CreditState(models.TextChoices):
    DRAFT = "draft", _("Application draft")
    SUBMITTED = "submitted", _("Application submitted")
    PENDING_APPROVAL = "pending_approval", _("Awaiting checker")
    ISSUED = "issued", _("Issued")
    ADVISED = "advised", _("Advised")
    # Issue 18: imported from an MT700 sent by an issuing bank that is not on the platform; it
    # sits at the advising bank, which advises it (art. 9) and then follows it like any other.
    RECEIVED = "received", _("Received (MT700)")
    SETTLED = "settled", _("Settled")
    CANCELLED = "cancelled", _("Cancelled")
    EXPIRED = "expired", _("Expired")


# The one table of allowed credit moves (read on one screen).
CREDIT_MOVES: dict[str, set[str]] = {
    CreditState.DRAFT: {CreditState.SUBMITTED, CreditState.CANCELLED},
    CreditState.SUBMITTED: {CreditState.PENDING_APPROVAL, CreditState.DRAFT, CreditState.CANCELLED},
    CreditState.PENDING_APPROVAL: {CreditState.ISSUED, CreditState.SUBMITTED},
    CreditState.ISSUED: {CreditState.ADVISED, CreditState.SETTLED, CreditState.CANCELLED, CreditState.EXPIRED},
    CreditState.ADVISED: {CreditState.SETTLED, CreditState.CANCELLED, CreditState.EXPIRED},
    # Not cancelled here: the issuing bank cancels (an MT707, with the beneficiary's consent), and a
    # received credit is no application its applicant could withdraw.
    CreditState.RECEIVED: {CreditState.ADVISED, CreditState.EXPIRED},
    CreditState.SETTLED: set(),
    CreditState.CANCELLED: set(),
    CreditState.EXPIRED: set(),
}
LIVE_STATES = (CreditState.ISSUED, CreditState.ADVISED)


class Confirmation(models.TextChoices):
    NOT_REQUESTED = "not_requested", _("Not requested")
    REQUESTED = "requested", _("Requested")
    CONFIRMED = "confirmed", _("Confirmed")
    DECLINED = "declined", _("Declined")


# Every organisation a credit names; the one list the queries, the API and the services use.
PARTY_FIELDS = ("applicant", "beneficiary", "issuing_bank", "advising_bank", "confirming_bank",
                "nominated_bank", "second_beneficiary")


def party_q(org: Any) -> Q:
    """Credits naming `org` (an organisation or its id) as any party."""
    q = Q()
    for name in PARTY_FIELDS:
        q |= Q(**{f"{name}_id": getattr(org, "pk", org)})
    return q


class CreditQuerySet(models.QuerySet["LetterOfCredit"]):
    def visible_to(self, org: Organization | None) -> CreditQuerySet:
        """Only the parties to a credit see it; everyone else gets nothing (404)."""
        if org is None:
            return self.none()
        party = party_q(org)
        # Applicants' drafts are theirs alone until submitted to the issuing bank, except that a
        # draft the applicant shared is its beneficiary's to read and comment on (issue 20).
        draft_hidden = Q(state=CreditState.DRAFT) & ~Q(applicant=org) & ~(
            Q(beneficiary=org) & Q(draft_shared_at__isnull=False))
        return self.filter(party).exclude(draft_hidden)

    def live(self) -> CreditQuerySet:
        return self.filter(state__in=LIVE_STATES)

    def with_parties(self) -> CreditQuerySet:
        return self.select_related(
            "applicant", "beneficiary", "issuing_bank", "advising_bank", "confirming_bank",
            "nominated_bank", "current_terms",
        )


class LetterOfCredit(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    reference = models.CharField(max_length=16, unique=True)  # MT700 field 20
    state = models.CharField(max_length=20, choices=CreditState.choices, default=CreditState.DRAFT)
    applicant = models.ForeignKey(Organization, models.PROTECT, related_name="credits_applied")
    beneficiary = models.ForeignKey(Organization, models.PROTECT, related_name="credits_benefiting")
    issuing_bank = models.ForeignKey(Organization, models.PROTECT, related_name="credits_issued")
    advising_bank = models.ForeignKey(Organization, models.PROTECT, related_name="credits_advised")
    confirming_bank = models.ForeignKey(
        Organization, models.PROTECT, null=True, blank=True, related_name="credits_confirmed"
    )
    nominated_bank = models.ForeignKey(
        Organization, models.PROTECT, null=True, blank=True, related_name="credits_nominated"
    )
    second_beneficiary = models.ForeignKey(
        Organization, models.PROTECT, null=True, blank=True, related_name="credits_transferred_to"
    )
    transferred_from = models.OneToOneField(
        "self", models.PROTECT, null=True, blank=True, related_name="transfer"
    )
    # The application's terms while drafted, submitted and prepared; frozen into
    # TermsVersion 1 at issuance.
    draft_terms: Any = models.JSONField(default=dict)
    # When the applicant shared its draft with the beneficiary for comments (issue 20).
    draft_shared_at = models.DateTimeField(null=True, blank=True)
    current_terms = models.ForeignKey(
        "TermsVersion", models.PROTECT, null=True, blank=True, related_name="+"
    )
    # Denormalised from the current terms for lists, filters and exposure charts.
    currency = models.CharField(max_length=3)
    # Stored with four places (every ISO 4217 currency exactly); shown with the currency's own
    # minor units, which the credit list's trigger reads from here (lc.money.minor_units).
    amount = models.DecimalField(max_digits=18, decimal_places=4)
    minor_units = models.PositiveSmallIntegerField(default=2)
    expiry_date = models.DateField()
    confirmation = models.CharField(
        max_length=20, choices=Confirmation.choices, default=Confirmation.NOT_REQUESTED
    )
    drawn_amount = models.DecimalField(max_digits=18, decimal_places=4, default=Decimal("0"))  # money.text needs a Decimal
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    issue_maker = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+"
    )
    issue_checker = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()
    issued_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    expiry_warned_at = models.DateTimeField(null=True, blank=True)

    objects = CreditQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["state", "expiry_date"], name="lc_credit_state_expiry"),
            # The API list's keyset order: a page is an index range, however deep.
            models.Index(fields=["created_at", "id"], name="lc_credit_created_id"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="lc_credit_amount_positive"),
            models.CheckConstraint(
                condition=~Q(issue_maker=models.F("issue_checker")), name="lc_credit_maker_not_checker"
            ),
        ]

    def __str__(self) -> str:
        return self.reference

    @property
    def subject(self) -> str:
        return f"lc:{self.id}"

    PARTY_FIELDS = PARTY_FIELDS

    def is_visible_to(self, org: Organization | None) -> bool:
        """The rule of CreditQuerySet.visible_to for one loaded credit (kept side by side)."""
        if org is None:
            return False
        party_ids = {getattr(self, f"{name}_id") for name in self.PARTY_FIELDS}
        if org.pk not in party_ids:
            return False
        if self.state != CreditState.DRAFT or self.applicant_id == org.pk:
            return True
        return self.beneficiary_id == org.pk and self.draft_shared_at is not None

    def parties(self) -> list[Organization]:
        orgs = [self.applicant, self.beneficiary, self.issuing_bank, self.advising_bank,
                self.confirming_bank, self.nominated_bank, self.second_beneficiary]
        return [o for o in orgs if o is not None]


class TermsVersion(models.Model):
    """One version of a credit's terms: version 1 at issue, one more per accepted amendment."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    credit = models.ForeignKey(LetterOfCredit, models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    terms: Any = models.JSONField()
    amendment = models.OneToOneField(
        "Amendment", models.PROTECT, null=True, blank=True, related_name="resulting_version"
    )
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["credit", "number"]
        constraints = [
            models.UniqueConstraint(fields=["credit", "number"], name="lc_terms_version_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.credit_id} v{self.number}"


class AmendmentState(models.TextChoices):
    PROPOSED = "proposed", _("Proposed by applicant")
    PENDING_APPROVAL = "pending_approval", _("Awaiting checker")
    ISSUED = "issued", _("Issued, awaiting beneficiary")
    ACCEPTED = "accepted", _("Accepted")
    REJECTED = "rejected", _("Rejected")


AMENDMENT_MOVES: dict[str, set[str]] = {
    AmendmentState.PROPOSED: {AmendmentState.PENDING_APPROVAL, AmendmentState.REJECTED},
    AmendmentState.PENDING_APPROVAL: {AmendmentState.ISSUED},
    AmendmentState.ISSUED: {AmendmentState.ACCEPTED, AmendmentState.REJECTED},
    AmendmentState.ACCEPTED: set(),
    AmendmentState.REJECTED: set(),
}


class AmendmentQuerySet(models.QuerySet["Amendment"]):
    def visible_to(self, org: Organization | None) -> AmendmentQuerySet:
        """Amendments of credits the org is party to; an applicant's proposal stays between the
        applicant and the issuing bank until the bank issues it (art. 10: it is not yet an offer),
        and for ever if it never is (a proposal the bank turned down)."""
        credits = LetterOfCredit.objects.visible_to(org).values("pk")
        internal = Q(issued_at__isnull=True) & ~(
            Q(credit__applicant=org) | Q(credit__issuing_bank=org)
        )
        return self.filter(credit__in=credits).exclude(internal)


class Amendment(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    credit = models.ForeignKey(LetterOfCredit, models.CASCADE, related_name="amendments")
    number = models.PositiveIntegerField()  # MT707 26E
    state = models.CharField(max_length=20, choices=AmendmentState.choices, default=AmendmentState.PROPOSED)
    base_version = models.ForeignKey(TermsVersion, models.PROTECT, related_name="+")
    changes: Any = models.JSONField()  # only the changed fields, as MT707 carries them
    narrative = models.TextField(blank=True)
    proposed_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    maker = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+")
    checker = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+")
    # Art. 10(b): a confirming bank may decline to extend its confirmation to an amendment.
    confirmation_extended = models.BooleanField(null=True, blank=True)
    created_at = models.DateTimeField()
    issued_at = models.DateTimeField(null=True, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)

    objects = AmendmentQuerySet.as_manager()

    class Meta:
        ordering = ["credit", "number"]
        constraints = [
            models.UniqueConstraint(fields=["credit", "number"], name="lc_amendment_number_unique"),
            models.CheckConstraint(condition=~Q(maker=models.F("checker")), name="lc_amendment_maker_not_checker"),
        ]

    def __str__(self) -> str:
        return f"{self.credit_id} amendment {self.number}"


class Cancellation(models.Model):
    """Art. 10(a): cancelling needs the issuing bank, the confirming bank (if any) and the beneficiary."""

    id = models.BigAutoField(primary_key=True)
    credit = models.OneToOneField(LetterOfCredit, models.CASCADE, related_name="cancellation")
    reason = models.TextField()
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    requested_at = models.DateTimeField()
    confirming_bank_consent_at = models.DateTimeField(null=True, blank=True)
    beneficiary_consent_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"cancellation of {self.credit_id}"
