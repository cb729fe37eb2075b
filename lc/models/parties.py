"""Organisations, their people and their banking-day calendars."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.contrib.postgres.fields import ArrayField
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from schwifty import BIC
from schwifty.exceptions import SchwiftyException

from lc.time_zones import default_time_zone, is_time_zone


def validate_bic(value: str) -> None:
    """ISO 9362: 8 or 11 characters, valid country code (schwifty checks the structure)."""
    try:
        BIC(value)
    except SchwiftyException as exc:
        raise ValidationError(f"{value!r} is not a valid BIC (ISO 9362): {exc}") from exc


def validate_country(value: str) -> None:
    import pycountry

    if pycountry.countries.get(alpha_2=value) is None:
        raise ValidationError(f"{value!r} is not an ISO 3166 country code")


def validate_time_zone(value: str) -> None:
    if not is_time_zone(value):
        raise ValidationError(f"{value!r} is not an IANA time zone (e.g. Asia/Hong_Kong)")


class OrgKind(models.TextChoices):
    BANK = "bank", "Bank"
    CORPORATE = "corporate", "Importer / exporter"


class Language(models.TextChoices):
    """The language an organisation reads its printed documents in (issue 20): advices and
    refusal notices addressed to it are printed in English and, for zh-Hant, in Traditional
    Chinese too (lc.services.printing)."""

    EN = "en", "English"
    ZH_HANT = "zh-Hant", "繁體中文 (Traditional Chinese)"


class OrganizationQuerySet(models.QuerySet["Organization"]):
    def banks(self) -> OrganizationQuerySet:
        return self.filter(kind=OrgKind.BANK)

    def corporates(self) -> OrganizationQuerySet:
        return self.filter(kind=OrgKind.CORPORATE)


class Organization(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    name = models.CharField(max_length=140)
    kind = models.CharField(max_length=20, choices=OrgKind.choices)
    bic = models.CharField(max_length=11, blank=True, validators=[validate_bic])
    country = models.CharField(max_length=2, validators=[validate_country])
    city = models.CharField(max_length=70)
    address = models.TextField(blank=True)
    language = models.CharField(max_length=10, choices=Language.choices, default=Language.EN)
    # SR2026 structured postal address (ISO 20022 PostalAddress24 lengths), beside the free-text
    # address above, so that the SR2026 party fields are a serialisation change, not a migration.
    street = models.CharField(max_length=70, blank=True)
    building = models.CharField(max_length=16, blank=True)
    post_code = models.CharField(max_length=16, blank=True)
    town = models.CharField(max_length=35, blank=True)
    country_sub_division = models.CharField(max_length=35, blank=True)
    # Where the organisation keeps its business days (UCP 600 art. 2: a banking day is a day the
    # bank is open at its own place). Blank only on rows made outside the services: read as the
    # zone of its country (lc.time_zones.default_time_zone). Changed by a ledgered service only.
    time_zone = models.CharField(max_length=64, blank=True, validators=[validate_time_zone])
    created_at = models.DateTimeField(auto_now_add=True)

    objects = OrganizationQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["bic"], condition=~models.Q(bic=""), name="lc_org_bic_unique"
            ),
            models.CheckConstraint(
                condition=~models.Q(kind="bank") | ~models.Q(bic=""), name="lc_org_bank_has_bic"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.bic})" if self.bic else self.name

    @property
    def is_bank(self) -> bool:
        return self.kind == OrgKind.BANK

    @property
    def ledger_id(self) -> str:
        # Immutable: a BIC can be corrected; the ledger's org.* entries carry names and BICs.
        return f"org:{self.id}"

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.time_zone or default_time_zone(self.country, self.city) or settings.TIME_ZONE)

    def local_date(self, at: datetime) -> date:
        """The business date of the instant `at` at this organisation's place."""
        return at.astimezone(self.zone).date()


class Role(models.TextChoices):
    MAKER = "maker", _("Maker")
    CHECKER = "checker", _("Checker")
    EXAMINER = "examiner", _("Document examiner")
    AUDITOR = "auditor", _("Auditor")
    ADMINISTRATOR = "administrator", _("Administrator")
    API_CLIENT = "api_client", _("API client")
    # Decides facility overrides (issue or increase beyond an applicant's limit) and keeps the
    # bank's facilities and rate table.
    CREDIT_OFFICER = "credit_officer", _("Credit officer")


class User(AbstractUser):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, null=True, blank=True, related_name="users"
    )
    roles = ArrayField(models.CharField(max_length=20, choices=Role.choices), default=list, blank=True)

    def __str__(self) -> str:
        return self.get_full_name() or self.username

    def has_role(self, role: str) -> bool:
        return role in self.roles

    @property
    def ledger_id(self) -> str:
        # Immutable: usernames can be edited; user.created/user.changed entries carry them.
        return f"user:{self.id}"


class BankClosure(models.Model):
    """A day a bank is closed at its location beyond weekends and public holidays.

    Force-majeure closures (UCP 600 art. 36) are kept apart: they close the bank but
    give no extension of expiry or the presentation period.
    """

    id = models.BigAutoField(primary_key=True)
    bank = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="closures")
    day = models.DateField()
    reason = models.CharField(max_length=200)
    force_majeure = models.BooleanField(default=False)

    class Meta:
        ordering = ["day"]
        constraints = [
            models.UniqueConstraint(fields=["bank", "day"], name="lc_closure_one_per_day"),
        ]

    def __str__(self) -> str:
        kind = "force majeure" if self.force_majeure else "closure"
        return f"{self.bank} {kind} {self.day}"


class BankWorkingDay(models.Model):
    """An official adjusted working day: a weekend day or public holiday on which the bank opens
    because the authorities moved a working day there (mainland China's make-up weekend days,
    published each year by the State Council). Entered by the bank; a banking day in every count."""

    id = models.BigAutoField(primary_key=True)
    bank = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="working_days")
    day = models.DateField()
    reason = models.CharField(max_length=200)

    class Meta:
        ordering = ["day"]
        constraints = [
            models.UniqueConstraint(fields=["bank", "day"], name="lc_working_day_one_per_day"),
        ]

    def __str__(self) -> str:
        return f"{self.bank} working day {self.day}"


def calendar_days(bank: Organization) -> tuple[set[date], set[date], set[date]]:
    """The bank's own closures, force-majeure days and adjusted working days, in one query."""
    closures = bank.closures.values_list("day", "force_majeure", models.Value(False))
    openings = bank.working_days.values_list("day", models.Value(False), models.Value(True))
    rows = list(closures.union(openings, all=True))
    return ({d for d, fm, opening in rows if not fm and not opening}, {d for d, fm, _ in rows if fm},
            {d for d, _, opening in rows if opening})
