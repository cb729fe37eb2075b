"""The directory of organisations on the platform (ids to name parties in an application)."""

from __future__ import annotations

from typing import Any

import django_filters as filters
from drf_spectacular.utils import extend_schema_view
from rest_framework import mixins, serializers

from lc.api.base import ScopedViewSet
from lc.api.paging import cursor
from lc.api.schema import detail_schema, list_schema
from lc.api.serializers import OrganizationSerializer
from lc.models import Organization, OrgKind


class DirectoryEntrySerializer(OrganizationSerializer):
    """An organisation as the directory shows it: with the time zone of its place (issue 20)."""

    time_zone = serializers.CharField(source="zone.key", read_only=True, help_text=(
        "IANA time zone of the organisation's place: the dates it acts on (a bank's day of presentation, "
        "its deadlines) are its local dates there (UCP 600 art. 2)."))

    class Meta(OrganizationSerializer.Meta):
        fields = [*OrganizationSerializer.Meta.fields, "time_zone"]
        read_only_fields = fields


class OrganizationFilter(filters.FilterSet):
    kind = filters.ChoiceFilter(choices=OrgKind.choices)
    bic = filters.CharFilter(lookup_expr="iexact", max_length=11)
    country = filters.CharFilter(lookup_expr="iexact", max_length=2)

    class Meta:
        model = Organization
        fields: list[str] = []


@extend_schema_view(
    list=list_schema(summary="Organisations on the platform", response=DirectoryEntrySerializer(many=True),
                     tags=["organizations"]),
    retrieve=detail_schema(summary="One organisation", response=DirectoryEntrySerializer, tags=["organizations"]),
)
class OrganizationViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    """A public directory: names, BICs and places are what parties put in an MT700 anyway."""

    serializer_class = DirectoryEntrySerializer
    filterset_class = OrganizationFilter
    pagination_class = cursor("-created_at")

    def get_queryset(self) -> Any:
        return Organization.objects.all()
