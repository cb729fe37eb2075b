"""Facilities (issue 13): an applicant's credit line at its issuing bank and its utilisation.

The bank that granted a facility and the applicant it was granted to see it; anyone else gets
a 404. Facilities are set by the bank's credit officer (lc.services.facilities), not here.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q
from drf_spectacular.utils import extend_schema_view
from rest_framework import mixins

from lc.api.base import ScopedViewSet
from lc.api.paging import cursor
from lc.api.schema import detail_schema, list_schema
from lc.api.serializers import FacilitySerializer
from lc.models import Facility


@extend_schema_view(
    list=list_schema(summary="Facilities the caller's organisation granted or holds, with their utilisation",
                     response=FacilitySerializer(many=True), tags=["facilities"]),
    retrieve=detail_schema(summary="One facility with its utilisation", response=FacilitySerializer,
                           tags=["facilities"]),
)
class FacilityViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    serializer_class = FacilitySerializer
    filterset_class = None
    pagination_class = cursor("-updated_at")

    def get_queryset(self) -> Any:
        org = self.org()
        if org is None:
            return Facility.objects.none()
        return Facility.objects.filter(Q(bank=org) | Q(applicant=org))
