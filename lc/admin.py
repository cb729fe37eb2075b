"""The admin: operations (organisations, people, bank closures) and audit (credits, presentations,
webhook deliveries, API keys). Business state is changed only through lc.services, so credit
and presentation pages are read-only; the one action here calls a service."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.db.models import QuerySet
from django.http import HttpRequest

from lc.errors import DomainError
from lc.models import (
    Amendment,
    ApiKey,
    BankClosure,
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
)
from ledger.admin import ReadOnlyMixin


class ClosureInline(admin.TabularInline):
    model = BankClosure
    extra = 0


@admin.register(Organization)
class OrganizationAdmin(admin.ModelAdmin):
    list_display = ("name", "kind", "bic", "country", "city")
    list_filter = ("kind", "country")
    search_fields = ("name", "bic", "city")
    inlines = [ClosureInline]


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ("username", "first_name", "last_name", "organization", "roles", "is_active")
    list_filter = ("organization", "is_active", "is_staff")
    fieldsets = (*(BaseUserAdmin.fieldsets or ()), ("Organisation", {"fields": ("organization", "roles")}))


class VersionInline(ReadOnlyMixin, admin.TabularInline):
    model = TermsVersion
    fields = ("number", "amendment", "created_at")
    readonly_fields = fields
    extra = 0


class AmendmentInline(ReadOnlyMixin, admin.TabularInline):
    model = Amendment
    fields = ("number", "state", "changes", "maker", "checker", "confirmation_extended", "issued_at")
    readonly_fields = fields
    extra = 0


class PresentationInline(ReadOnlyMixin, admin.TabularInline):
    model = Presentation
    fields = ("number", "state", "presented_to", "amount_claimed", "presented_on", "examination_deadline")
    readonly_fields = fields
    extra = 0
    show_change_link = True


@admin.register(LetterOfCredit)
class CreditAdmin(ReadOnlyMixin, admin.ModelAdmin):
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
                expire_credit(credit_id=credit.pk)
                messages.success(request, f"{credit.reference} expired")
            except DomainError as exc:
                messages.warning(request, f"{credit.reference}: {exc}")


class DocumentInline(ReadOnlyMixin, admin.TabularInline):
    model = Document
    fields = ("doc_type", "sha256", "content_type", "size", "original_name", "uploaded_at")
    readonly_fields = fields
    extra = 0


class DiscrepancyInline(ReadOnlyMixin, admin.TabularInline):
    model = Discrepancy
    fields = ("code", "rule", "text", "source", "status", "reason")
    readonly_fields = fields
    extra = 0


@admin.register(Presentation)
class PresentationAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ("credit", "number", "state", "presented_to", "amount_claimed", "presented_on",
                    "examination_deadline")
    list_filter = ("state", "presented_to")
    search_fields = ("credit__reference",)
    list_select_related = ("credit", "presented_to")
    inlines = [DocumentInline, DiscrepancyInline]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return [f.name for f in Presentation._meta.fields]


@admin.register(RefusalNotice)
class RefusalAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ("presentation", "refusing_bank", "disposal", "sent_at", "within_deadline")
    readonly_fields = ("presentation", "refusing_bank", "disposal", "discrepancies", "text", "sent_by", "sent_at",
                       "within_deadline")


@admin.register(SwiftMessage)
class SwiftMessageAdmin(ReadOnlyMixin, admin.ModelAdmin):
    """SWIFT messages are evidence of what was sent and received: visible, never editable."""

    list_display = ("created_at", "direction", "mt", "sender_bic", "receiver_bic", "reference",
                    "related_reference", "credit", "outcome")
    list_filter = ("direction", "mt", "outcome")
    search_fields = ("reference", "related_reference", "sha256")
    readonly_fields = tuple(f.name for f in SwiftMessage._meta.fields)


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ("event_type", "subscription", "status", "attempts", "last_status_code", "created_at")
    list_filter = ("status", "event_type")


@admin.register(ApiKey)
class ApiKeyAdmin(admin.ModelAdmin):
    list_display = ("prefix", "name", "organization", "user", "created_at", "last_used_at", "revoked_at")
    list_filter = ("organization",)
    readonly_fields = ("prefix", "key_hash", "organization", "user", "created_at", "last_used_at")

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # keys are created through the API or the portal, where the secret is shown once
