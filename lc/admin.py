"""The admin: an operations and audit console behind the second factor (django-otp's
OTPAdminSite, lc/audit/admin_site.py).

Every change made here goes through the same ledgered services as everywhere else
(lc.audit.services, lc.integrations, lc.services), under the signed-in person's identity:
people, organisations and their closures are edited through services; API keys, webhook
subscriptions and second-factor devices are read-only with actions that call services;
credits and presentations are read-only. Secrets are never shown (key hashes, webhook
signing secrets, TOTP keys, password hashes); nothing is ever deleted.
"""

from __future__ import annotations

from typing import Any

from axes.admin import AccessAttemptAdmin, AccessFailureLogAdmin, AccessLogAdmin
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.forms import AdminPasswordChangeForm
from django.contrib.auth.models import Group
from django.db.models import QuerySet
from django.forms import ModelForm
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from lc.audit import services as config
from lc.audit.approval_levels import set_approval_level
from lc.audit.operations import requeue_publications, reset_lockout
from lc.errors import DomainError
from lc.integrations.keys import revoke_api_key
from lc.integrations.webhooks import disable_subscription
from lc.models import (
    Amendment,
    ApiKey,
    Approval,
    ApprovalLevel,
    BankClosure,
    BankWorkingDay,
    Discrepancy,
    Document,
    LetterOfCredit,
    Organization,
    Presentation,
    RefusalNotice,
    SwiftMessage,
    TermsVersion,
    User,
    WebhookDelivery,
    WebhookSubscription,
)
from ledger.admin import ReadOnlyMixin, ReceiptAdmin
from ledger.models import Receipt

for model in (Group, TOTPDevice):  # Group: unused; TOTPDevice: django-otp's admin shows the key
    if admin.site.is_registered(model):
        admin.site.unregister(model)


def _run(request: HttpRequest, label: str, call: Any) -> bool:
    """One service call from an admin page: a refusal becomes a message, never a 500."""
    try:
        call()
    except DomainError as exc:
        messages.error(request, f"{label}: {exc}")
        return False
    return True


class NoDeleteMixin:
    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # the ledger names people, keys and banks: they are disabled, never deleted


class ClosureInline(admin.TabularInline):  # type: ignore[type-arg]
    """Closures and force-majeure days; each added, changed or removed row is one ledger entry."""

    model = BankClosure
    fields = ("day", "reason", "force_majeure")
    extra = 0

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> tuple[str, ...]:
        return ()


class WorkingDayInline(admin.TabularInline):  # type: ignore[type-arg]
    """Official adjusted working days (weekend days or holidays the bank opens on); each added or
    removed row is one ledger entry; an edited row is recorded as the old day removed and the new
    one added."""

    model = BankWorkingDay
    fields = ("day", "reason")
    extra = 0


@admin.register(Organization)
class OrganizationAdmin(NoDeleteMixin, admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("name", "kind", "bic", "country", "city")
    list_filter = ("kind", "country")
    search_fields = ("name", "bic", "city")
    fields = ("name", "kind", "bic", "country", "city", "address", "time_zone")
    inlines = [ClosureInline, WorkingDayInline]

    def get_form(self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any) -> Any:
        form = super().get_form(request, obj, change=change, **kwargs)
        form.base_fields["time_zone"].help_text = (
            "IANA zone of the organisation's place (e.g. Asia/Singapore): its business dates and banking "
            "days are taken there. Left blank on a new organisation: its country's. A change is ledgered.")
        return form

    def save_model(self, request: HttpRequest, obj: Organization, form: ModelForm, change: bool) -> None:  # type: ignore[type-arg]
        data = {f: form.cleaned_data[f] for f in config.ORG_FIELDS if f in form.cleaned_data}
        if change:
            config.change_organization(actor=request.user, org_id=obj.pk,  # type: ignore[arg-type]
                                       changes={f: data[f] for f in form.changed_data if f in data})
            if "time_zone" in form.changed_data and form.cleaned_data["time_zone"]:
                # Its own ledgered change (org.time_zone_changed), as a calendar's working days are.
                _run(request, "time zone", lambda: config.change_time_zone(
                    actor=request.user, org_id=obj.pk, time_zone=form.cleaned_data["time_zone"]))  # type: ignore[arg-type]
        else:
            created = config.create_organization(actor=request.user,  # type: ignore[arg-type]
                                                 time_zone=form.cleaned_data.get("time_zone", ""), **data)
            obj.pk, obj._state.adding = created.pk, False

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        if formset.model is BankWorkingDay:
            self._save_working_days(request, form, formset)
            return
        actor: User = request.user  # type: ignore[assignment]
        rows = formset.save(commit=False)
        moved = {obj.pk for obj, fields in formset.changed_objects if "day" in fields}
        for row in rows:
            if row.pk is None or row.pk in moved:
                # A closure's day is what deadlines read, and change_bank_closure keeps it: a row
                # moved to another day is the new day added, then the old one removed (two entries).
                added = _run(request, "closure", lambda r=row: config.add_bank_closure(
                    actor=actor, bank_id=form.instance.pk, day=r.day, reason=r.reason, force_majeure=r.force_majeure))
                if added and row.pk is not None:
                    _run(request, "closure", lambda r=row: config.remove_bank_closure(actor=actor, closure_id=r.pk))
            else:
                _run(request, "closure", lambda r=row: config.change_bank_closure(
                    actor=actor, closure_id=r.pk, reason=r.reason, force_majeure=r.force_majeure))
        for row in formset.deleted_objects:
            _run(request, "closure", lambda r=row: config.remove_bank_closure(actor=actor, closure_id=r.pk))

    def _save_working_days(self, request: HttpRequest, form: Any, formset: Any) -> None:
        actor: User = request.user  # type: ignore[assignment]
        for row in formset.save(commit=False):
            if row.pk is not None and not _run(request, "working day", lambda r=row: config.remove_bank_working_day(
                    actor=actor, working_day_id=r.pk)):
                continue
            _run(request, "working day", lambda r=row: config.add_bank_working_day(
                actor=actor, bank_id=form.instance.pk, day=r.day, reason=r.reason))
        for row in formset.deleted_objects:
            _run(request, "working day", lambda r=row: config.remove_bank_working_day(
                actor=actor, working_day_id=r.pk))


@admin.register(User)
class UserAdmin(NoDeleteMixin, BaseUserAdmin):  # type: ignore[type-arg]
    """People: created and changed through lc.audit.services (one ledger entry each); active flag
    and password through their actions; the password hash is never shown."""

    list_display = ("username", "first_name", "last_name", "organization", "roles", "is_active", "is_staff")
    list_filter = ("organization", "is_active", "is_staff")
    fieldsets = (
        (None, {"fields": ("username",)}),
        ("Person", {"fields": ("first_name", "last_name", "email")}),
        ("Rights", {"fields": ("organization", "roles", "is_staff", "is_superuser")}),
        ("Read only", {"fields": ("is_active", "last_login", "date_joined")}),
    )
    readonly_fields = ("is_active", "last_login", "date_joined")
    actions = ["deactivate", "reactivate"]

    def save_model(self, request: HttpRequest, obj: User, form: Any, change: bool) -> None:
        actor: User = request.user  # type: ignore[assignment]
        if change:
            fields = [f for f in form.changed_data if f in config.USER_FIELDS]
            config.change_user(actor=actor, user_id=obj.pk, changes={f: form.cleaned_data[f] for f in fields})
            return
        created = config.create_user(actor=actor, username=form.cleaned_data["username"], organization=None,
                                     roles=[], password=form.cleaned_data.get("password1") or None)
        obj.pk, obj._state.adding = created.pk, False

    def user_change_password(self, request: HttpRequest, id: str, form_url: str = "") -> HttpResponse:
        """Through the ledgered service; Django's view would save the hash itself."""
        if request.method == "POST":
            user = self.get_object(request, id)
            if user is None:
                return super().user_change_password(request, id, form_url)
            form = AdminPasswordChangeForm(user, request.POST)
            if form.is_valid() and form.cleaned_data.get("password1"):
                if _run(request, "password", lambda: config.set_password(
                        actor=request.user, user_id=user.pk, password=form.cleaned_data["password1"])):  # type: ignore[arg-type]
                    messages.success(request, f"Password of {user.username} set (ledgered, without the hash).")
                return HttpResponseRedirect(reverse("admin:lc_user_change", args=[user.pk]))
        return super().user_change_password(request, id, form_url)

    @admin.action(description="Deactivate the selected people")
    def deactivate(self, request: HttpRequest, queryset: QuerySet[User]) -> None:
        for user in queryset:
            _run(request, user.username, lambda u=user: config.set_user_active(
                actor=request.user, user_id=u.pk, active=False))  # type: ignore[arg-type]

    @admin.action(description="Reactivate the selected people")
    def reactivate(self, request: HttpRequest, queryset: QuerySet[User]) -> None:
        for user in queryset:
            _run(request, user.username, lambda u=user: config.set_user_active(
                actor=request.user, user_id=u.pk, active=True))  # type: ignore[arg-type]


@admin.register(TOTPDevice)
class TOTPDeviceAdmin(ReadOnlyMixin, admin.ModelAdmin):  # type: ignore[type-arg]
    """Second-factor devices without their keys; removing one is a ledgered service."""

    list_display = ("user", "name", "confirmed", "created_at", "last_used_at")
    fields = ("user", "name", "confirmed", "created_at", "last_used_at")
    readonly_fields = fields
    actions = ["remove"]

    @admin.action(description="Remove the selected devices (the person enrols again)")
    def remove(self, request: HttpRequest, queryset: QuerySet[TOTPDevice]) -> None:
        for device in queryset:
            _run(request, str(device), lambda d=device: config.remove_device(actor=request.user, device_id=d.pk))  # type: ignore[arg-type]


class VersionInline(ReadOnlyMixin, admin.TabularInline):  # type: ignore[type-arg]
    model = TermsVersion
    fields = ("number", "amendment", "created_at")
    readonly_fields = fields
    extra = 0


class AmendmentInline(ReadOnlyMixin, admin.TabularInline):  # type: ignore[type-arg]
    model = Amendment
    fields = ("number", "state", "changes", "maker", "checker", "confirmation_extended", "issued_at")
    readonly_fields = fields
    extra = 0


class PresentationInline(ReadOnlyMixin, admin.TabularInline):  # type: ignore[type-arg]
    model = Presentation
    fields = ("number", "state", "presented_to", "amount_claimed", "presented_on", "examination_deadline")
    readonly_fields = fields
    extra = 0
    show_change_link = True


@admin.register(LetterOfCredit)
class CreditAdmin(ReadOnlyMixin, admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("reference", "state", "applicant", "beneficiary", "issuing_bank", "currency", "amount",
                    "expiry_date", "confirmation")
    list_filter = ("state", "currency", "confirmation", "issuing_bank")
    search_fields = ("reference", "applicant__name", "beneficiary__name")
    date_hierarchy = "created_at"
    list_select_related = ("applicant", "beneficiary", "issuing_bank")
    inlines = [VersionInline, AmendmentInline, PresentationInline]
    actions = ["run_expiry_check"]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return [f.name for f in LetterOfCredit._meta.fields]

    @admin.action(description="Expire the selected credits if past their (extended) expiry")
    def run_expiry_check(self, request: HttpRequest, queryset: QuerySet[LetterOfCredit]) -> None:
        from lc.services import expire_credit

        for credit in queryset:
            try:
                expire_credit(credit_id=credit.pk, actor=request.user)  # type: ignore[arg-type]
                messages.success(request, f"{credit.reference} expired")
            except DomainError as exc:
                messages.warning(request, f"{credit.reference}: {exc}")


class DocumentInline(ReadOnlyMixin, admin.TabularInline):  # type: ignore[type-arg]
    model = Document
    fields = ("doc_type", "sha256", "content_type", "size", "original_name", "uploaded_at")
    readonly_fields = fields
    extra = 0


class DiscrepancyInline(ReadOnlyMixin, admin.TabularInline):  # type: ignore[type-arg]
    model = Discrepancy
    fields = ("code", "rule", "text", "source", "status", "reason")
    readonly_fields = fields
    extra = 0


@admin.register(Presentation)
class PresentationAdmin(ReadOnlyMixin, admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("credit", "number", "state", "presented_to", "amount_claimed", "presented_on",
                    "examination_deadline")
    list_filter = ("state", "presented_to")
    search_fields = ("credit__reference",)
    list_select_related = ("credit", "presented_to")
    inlines = [DocumentInline, DiscrepancyInline]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return [f.name for f in Presentation._meta.fields]


@admin.register(RefusalNotice)
class RefusalAdmin(ReadOnlyMixin, admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("presentation", "refusing_bank", "disposal", "sent_at", "within_deadline")
    readonly_fields = ("presentation", "refusing_bank", "disposal", "discrepancies", "text", "sent_by", "sent_at",
                       "within_deadline")


@admin.register(SwiftMessage)
class SwiftMessageAdmin(ReadOnlyMixin, admin.ModelAdmin):  # type: ignore[type-arg]
    """SWIFT messages (issue 18) are evidence of what was sent and received: visible, never editable."""

    list_display = ("created_at", "direction", "mt", "sender_bic", "receiver_bic", "reference",
                    "related_reference", "credit", "outcome")
    list_filter = ("direction", "mt", "outcome")
    search_fields = ("reference", "related_reference", "sha256")
    readonly_fields = tuple(f.name for f in SwiftMessage._meta.fields)


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(ReadOnlyMixin, admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("event_type", "subscription", "status", "attempts", "last_status_code", "created_at")
    list_filter = ("status", "event_type")


@admin.register(WebhookSubscription)
class WebhookSubscriptionAdmin(ReadOnlyMixin, admin.ModelAdmin):  # type: ignore[type-arg]
    """Never the signing secret; disabling keeps the delivery log."""

    list_display = ("url", "organization", "events", "active", "created_at")
    list_filter = ("active", "organization")
    fields = ("url", "organization", "events", "active", "created_at")
    readonly_fields = fields
    actions = ["disable"]

    @admin.action(description="Disable the selected subscriptions (their delivery log is kept)")
    def disable(self, request: HttpRequest, queryset: QuerySet[WebhookSubscription]) -> None:
        for sub in queryset.filter(active=True):
            _run(request, sub.url, lambda s=sub: disable_subscription(actor=request.user, subscription=s))  # type: ignore[arg-type]


@admin.register(ApiKey)
class ApiKeyAdmin(ReadOnlyMixin, admin.ModelAdmin):  # type: ignore[type-arg]
    """Prefix only, never the hash; revocation is an action (and cannot be undone here)."""

    list_display = ("prefix", "name", "organization", "user", "created_at", "last_used_at", "revoked_at")
    list_filter = ("organization",)
    fields = ("prefix", "name", "organization", "user", "created_at", "last_used_at", "revoked_at")
    readonly_fields = fields
    actions = ["revoke"]

    @admin.action(description="Revoke the selected keys (effective at once)")
    def revoke(self, request: HttpRequest, queryset: QuerySet[ApiKey]) -> None:
        for key in queryset.filter(revoked_at__isnull=True):
            _run(request, key.prefix, lambda k=key: revoke_api_key(key=k, actor=request.user))  # type: ignore[arg-type]


# Operators' acts on the machinery, ledgered through lc.audit.operations under the signed-in person.

if admin.site.is_registered(Receipt):
    admin.site.unregister(Receipt)


@admin.register(Receipt)
class LedgeredReceiptAdmin(ReceiptAdmin):
    """The ledger's receipt console, its requeue action ledgered here (the ledger knows no lc)."""

    @admin.action(description="Publish the selected failed receipts again")
    def requeue(self, request: HttpRequest, queryset: QuerySet[Receipt]) -> None:
        try:
            count = requeue_publications(actor=request.user, receipt_ids=[r.id for r in queryset])  # type: ignore[arg-type]
        except DomainError as exc:
            messages.error(request, f"requeue: {exc}")
            return
        self.message_user(request, f"{count} failed publications queued again (ledgered)", messages.SUCCESS)


for log_model, log_admin in ((AccessLog, AccessLogAdmin), (AccessFailureLog, AccessFailureLogAdmin)):
    # django-axes' sign-in logs are evidence of who signed in, and failed, from where: shown,
    # never edited or deleted here (django-axes' own admin offers both).
    if admin.site.is_registered(log_model):
        admin.site.unregister(log_model)
    admin.site.register(log_model, type(f"ReadOnly{log_admin.__name__}", (ReadOnlyMixin, log_admin), {}))


if admin.site.is_registered(AccessAttempt):
    admin.site.unregister(AccessAttempt)


@admin.register(AccessAttempt)
class LedgeredAccessAttemptAdmin(AccessAttemptAdmin):
    """django-axes' failed sign-ins; deleting one lifts that lock-out, as a ledgered reset of
    its username from its address (user.lockout_reset) under the signed-in person."""

    def delete_model(self, request: HttpRequest, obj: AccessAttempt) -> None:
        self.delete_queryset(request, AccessAttempt.objects.filter(pk=obj.pk))

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[AccessAttempt]) -> None:
        for username, ip in sorted(set(queryset.values_list("username", "ip_address")), key=str):
            _run(request, f"{username}@{ip}", lambda u=username, a=ip: reset_lockout(
                actor=request.user, username=u, ip=a))  # type: ignore[arg-type]


@admin.register(ApprovalLevel)
class ApprovalLevelAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """A bank's approval levels (issue 20): set, changed and removed through the ledgered service
    (org.approval_level_set / removed) under the signed-in person; who set a level is shown."""

    list_display = ("bank", "action", "currency", "threshold", "extra_checkers", "updated_by", "updated_at")
    list_filter = ("action", "extra_checkers")
    fields = ("bank", "action", "extra_checkers", "currency", "threshold", "updated_by", "updated_at")
    readonly_fields = ("updated_by", "updated_at")

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        # A level is named by its bank, action and number of checkers: change its threshold, or
        # remove it and set another.
        fixed = ("bank", "action", "extra_checkers") if obj is not None else ()
        return (*fixed, *self.readonly_fields)

    def save_model(self, request: HttpRequest, obj: ApprovalLevel, form: ModelForm, change: bool) -> None:  # type: ignore[type-arg]
        _run(request, "approval level", lambda: set_approval_level(
            actor=request.user, bank_id=obj.bank_id, action=obj.action,  # type: ignore[arg-type]
            extra_checkers=obj.extra_checkers, currency=obj.currency, threshold=obj.threshold))

    def delete_model(self, request: HttpRequest, obj: ApprovalLevel) -> None:
        self.delete_queryset(request, ApprovalLevel.objects.filter(pk=obj.pk))

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[ApprovalLevel]) -> None:
        for level in queryset:
            _run(request, str(level), lambda lv=level: set_approval_level(
                actor=request.user, bank_id=lv.bank_id, action=lv.action,  # type: ignore[arg-type]
                extra_checkers=lv.extra_checkers))


@admin.register(Approval)
class ApprovalAdmin(ReadOnlyMixin, admin.ModelAdmin):  # type: ignore[type-arg]
    """Each checker's approval of a decision above a level (the ledger holds the same facts)."""

    list_display = ("credit", "action", "number", "required", "approver", "amount", "currency", "open", "at")
    list_filter = ("action", "open")
