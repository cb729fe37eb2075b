"""List filters (django-filter): state, currency, counterparty, dates."""

from __future__ import annotations

import django_filters as filters
from django.db.models import QuerySet

from lc.models import (
    Amendment,
    AmendmentState,
    CreditState,
    Discrepancy,
    DiscrepancyStatus,
    Document,
    LetterOfCredit,
    Presentation,
    PresentationState,
    RefusalNotice,
    WaiverDecision,
    WaiverRequest,
    WebhookDelivery,
    party_q,
)


class CreditFilter(filters.FilterSet):
    state = filters.MultipleChoiceFilter(choices=CreditState.choices)
    currency = filters.CharFilter(field_name="currency", lookup_expr="iexact", max_length=3)
    reference = filters.CharFilter(field_name="reference", lookup_expr="iexact", max_length=16)
    counterparty = filters.UUIDFilter(method="filter_counterparty",
                                      help_text="Organisation id: credits where it is any party.")
    created_after = filters.IsoDateTimeFilter(field_name="created_at", lookup_expr="gte")
    created_before = filters.IsoDateTimeFilter(field_name="created_at", lookup_expr="lt")
    issued_after = filters.IsoDateTimeFilter(field_name="issued_at", lookup_expr="gte")
    issued_before = filters.IsoDateTimeFilter(field_name="issued_at", lookup_expr="lt")
    expiry_after = filters.DateFilter(field_name="expiry_date", lookup_expr="gte")
    expiry_before = filters.DateFilter(field_name="expiry_date", lookup_expr="lte")

    class Meta:
        model = LetterOfCredit
        fields: list[str] = []

    def filter_counterparty(self, queryset: QuerySet, name: str, value: object) -> QuerySet:
        return queryset.filter(party_q(value))


class AmendmentFilter(filters.FilterSet):
    credit = filters.UUIDFilter(field_name="credit_id")
    state = filters.MultipleChoiceFilter(choices=AmendmentState.choices)

    class Meta:
        model = Amendment
        fields: list[str] = []


class PresentationFilter(filters.FilterSet):
    credit = filters.UUIDFilter(field_name="credit_id")
    state = filters.MultipleChoiceFilter(choices=PresentationState.choices)
    presented_after = filters.DateFilter(field_name="presented_on", lookup_expr="gte")
    presented_before = filters.DateFilter(field_name="presented_on", lookup_expr="lte")
    deadline_before = filters.DateFilter(field_name="examination_deadline", lookup_expr="lte")

    class Meta:
        model = Presentation
        fields: list[str] = []


class PresentationPartFilter(filters.FilterSet):
    """Filters shared by everything that belongs to a presentation."""

    presentation = filters.UUIDFilter(field_name="presentation_id")
    credit = filters.UUIDFilter(field_name="presentation__credit_id")


class DocumentFilter(PresentationPartFilter):
    doc_type = filters.CharFilter(max_length=40)

    class Meta:
        model = Document
        fields: list[str] = []


class DiscrepancyFilter(PresentationPartFilter):
    status = filters.MultipleChoiceFilter(choices=DiscrepancyStatus.choices)

    class Meta:
        model = Discrepancy
        fields: list[str] = []


class RefusalFilter(PresentationPartFilter):
    class Meta:
        model = RefusalNotice
        fields: list[str] = []


class WaiverFilter(PresentationPartFilter):
    decision = filters.MultipleChoiceFilter(choices=WaiverDecision.choices)

    class Meta:
        model = WaiverRequest
        fields: list[str] = []


class DeliveryFilter(filters.FilterSet):
    subscription = filters.UUIDFilter(field_name="subscription_id")
    status = filters.ChoiceFilter(choices=[("pending", "pending"), ("delivered", "delivered"), ("failed", "failed")])
    event_type = filters.CharFilter(max_length=100)

    class Meta:
        model = WebhookDelivery
        fields: list[str] = []
