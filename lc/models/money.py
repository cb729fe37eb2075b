"""Money: each credit's availability account and its append-only utilisation rows, the issuing
bank's facilities per applicant, their exposure, the bank's rate table and credit officers'
overrides.

The account is read and changed only under the credit's row lock (lc.services.money), one
utilisation row per change, so the account always equals the sum of its rows (the stateful
test in tests/money recomputes it after every step). Utilisation rows and rates are append-only
three ways, like the ledger: `ENABLE ALWAYS` triggers (migration 0007), `save`/`delete` that
refuse a change, and a read-only admin.
"""

from __future__ import annotations

import uuid
from typing import Any, NoReturn

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from lc.models.credits import Amendment, LetterOfCredit
from lc.models.parties import Organization
from lc.models.presentations import Presentation

# Every amount column: 14 integer digits (SWIFT 15d with its comma) and 4 decimal places, the
# most any ISO 4217 currency has, so KWD 1000.125 is stored exactly; each amount is shown with
# its own currency's minor units (lc.money.text).
MONEY = {"max_digits": 18, "decimal_places": 4}


def money_field(**kwargs: Any) -> models.DecimalField:
    return models.DecimalField(max_digits=MONEY["max_digits"], decimal_places=MONEY["decimal_places"], **kwargs)


class AppendOnly(models.Model):
    """Rows that are written once: an update or a delete is a bug (and the database refuses it)."""

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise TypeError(f"{type(self).__name__} rows are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise TypeError(f"{type(self).__name__} rows are append-only")


class AvailabilityAccount(models.Model):
    """One per issued credit: its maximum (art. 30(a), 39A) and what is reserved, drawn,
    earmarked by a transfer (art. 38) and settled. Available = maximum - reserved - drawn -
    earmarked; the check constraint is the last line of the no-over-drawing invariant."""

    credit = models.OneToOneField(LetterOfCredit, models.PROTECT, primary_key=True, related_name="account")
    currency = models.CharField(max_length=3)
    maximum = money_field(default=0)
    reserved = money_field(default=0)
    drawn = money_field(default=0)
    earmarked = money_field(default=0)
    settled = money_field(default=0)
    # Open while the credit is live: its liability counts against the applicant's facility.
    open = models.BooleanField(default=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(reserved__gte=0, drawn__gte=0, earmarked__gte=0, settled__gte=0, settled__lte=F("drawn")),
                name="lc_account_parts_nonnegative"),
            models.CheckConstraint(
                condition=Q(maximum__gte=F("reserved") + F("drawn") + F("earmarked")),
                name="lc_account_never_overdrawn"),
        ]

    def __str__(self) -> str:
        return f"account of {self.credit_id}"


class UtilisationKind(models.TextChoices):
    OPENED = "opened", _("Opened at issue")
    RESERVED = "reserved", _("Reserved by a presentation")
    RELEASED = "released", _("Released on refusal")
    DRAWN = "drawn", _("Drawn on honour")
    SETTLED = "settled", _("Settled")
    EARMARKED = "earmarked", _("Earmarked by a transfer")
    INCREASED = "increased", _("Increased by an amendment (32B)")
    DECREASED = "decreased", _("Decreased by an amendment (33B)")
    CLOSED = "closed", _("Closed (expired, cancelled or settled)")


class Utilisation(AppendOnly):
    """One change of an account, as signed changes of each of its figures (the account is the sum)."""

    id = models.BigAutoField(primary_key=True)
    credit = models.ForeignKey(LetterOfCredit, models.PROTECT, related_name="utilisations")
    kind = models.CharField(max_length=10, choices=UtilisationKind.choices)
    presentation = models.ForeignKey(Presentation, models.PROTECT, null=True, blank=True, related_name="+")
    maximum = money_field(default=0)
    reserved = money_field(default=0)
    drawn = money_field(default=0)
    earmarked = money_field(default=0)
    settled = money_field(default=0)
    closed = models.BooleanField(default=False)
    at = models.DateTimeField()

    class Meta:
        ordering = ["credit", "id"]
        indexes = [models.Index(fields=["credit", "id"], name="lc_utilisation_credit")]

    def __str__(self) -> str:
        return f"{self.kind} on {self.credit_id}"


class Facility(models.Model):
    """An applicant's credit line at its issuing bank: credits beyond it need a credit officer."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    bank = models.ForeignKey(Organization, models.PROTECT, related_name="facilities_granted")
    applicant = models.ForeignKey(Organization, models.PROTECT, related_name="facilities")
    currency = models.CharField(max_length=3)
    limit = money_field()
    expiry_date = models.DateField()
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    updated_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["bank", "applicant"], name="lc_facility_one_per_applicant"),
            models.CheckConstraint(condition=Q(limit__gte=0), name="lc_facility_limit_nonnegative"),
        ]

    def __str__(self) -> str:
        return f"facility of {self.applicant_id} at {self.bank_id}"


class Exposure(models.Model):
    """The stored utilisation of a bank's lending to an applicant, per currency of its credits:
    the sum of the live credits' liabilities, kept by every account change that moves it."""

    id = models.BigAutoField(primary_key=True)
    bank = models.ForeignKey(Organization, models.PROTECT, related_name="+")
    applicant = models.ForeignKey(Organization, models.PROTECT, related_name="+")
    currency = models.CharField(max_length=3)
    amount = money_field(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["bank", "applicant", "currency"], name="lc_exposure_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.currency} {self.amount} of {self.applicant_id} at {self.bank_id}"


class Rate(AppendOnly):
    """The bank's own rate: 1 `base` = `rate` `quote`. The latest entry per pair counts; entries
    are never changed, so the rate used for any past decision stays readable."""

    id = models.BigAutoField(primary_key=True)
    bank = models.ForeignKey(Organization, models.PROTECT, related_name="+")
    base = models.CharField(max_length=3)
    quote = models.CharField(max_length=3)
    rate = models.DecimalField(max_digits=20, decimal_places=10)
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    entered_at = models.DateTimeField()

    class Meta:
        ordering = ["bank", "base", "quote", "-id"]
        indexes = [models.Index(fields=["bank", "base", "quote", "-id"], name="lc_rate_latest")]
        constraints = [models.CheckConstraint(condition=Q(rate__gt=0), name="lc_rate_positive")]

    def __str__(self) -> str:
        return f"1 {self.base} = {self.rate} {self.quote}"


class FacilityOverride(models.Model):
    """A credit officer's decision to let one issuance (or one amendment's increase) exceed the
    applicant's facility, with the reason; used by the issue it covers."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    credit = models.ForeignKey(LetterOfCredit, models.PROTECT, related_name="facility_overrides")
    amendment = models.ForeignKey(Amendment, models.PROTECT, null=True, blank=True, related_name="+")
    reason = models.TextField()
    officer = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    at = models.DateTimeField()

    class Meta:
        ordering = ["credit", "-at"]

    def __str__(self) -> str:
        return f"facility override on {self.credit_id}"
