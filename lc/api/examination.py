"""Documents, discrepancies, refusal notices and waivers: read viewsets scoped to the
presentations the caller's organisation may see, and the examiner's discrepancy decisions."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema_view
from rest_framework import mixins
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from lc import services
from lc.api import inputs
from lc.api.base import ScopedViewSet
from lc.api.filters import DiscrepancyFilter, DocumentFilter, RefusalFilter, WaiverFilter
from lc.api.idempotency import idempotent
from lc.api.paging import cursor
from lc.api.schema import action_schema, detail_schema, list_schema
from lc.api.serializers import DiscrepancySerializer, DocumentSerializer, RefusalNoticeSerializer, WaiverSerializer
from lc.models import Discrepancy, Document, Presentation, RefusalNotice, WaiverRequest


def _read_views(name: str, serializer: Any, tags: list[str]) -> Any:
    return extend_schema_view(
        list=list_schema(summary=f"{name} visible to your organisation", response=serializer(many=True), tags=tags),
        retrieve=detail_schema(summary=f"One of the {name.lower()}", response=serializer, tags=tags),
    )


class _PresentationChildViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    model: Any = None

    def get_queryset(self) -> Any:
        visible = Presentation.objects.visible_to(self.org()).values("pk")
        return self.model.objects.filter(presentation__in=visible)


@_read_views("Presented documents", DocumentSerializer, ["presentations"])
class DocumentViewSet(_PresentationChildViewSet):
    model = Document
    serializer_class = DocumentSerializer
    filterset_class = DocumentFilter
    pagination_class = cursor("-uploaded_at")


@_read_views("Discrepancies", DiscrepancySerializer, ["examination"])
class DiscrepancyViewSet(_PresentationChildViewSet):
    model = Discrepancy
    serializer_class = DiscrepancySerializer
    filterset_class = DiscrepancyFilter
    pagination_class = cursor("-created_at")

    @action_schema(summary="Confirm a finding (examiner)", request=inputs.OptionalReasonInput,
                   response=DiscrepancySerializer, tags=["examination"])
    @action(detail=True, methods=["post"])
    @idempotent
    def confirm(self, request: Request, pk: str) -> Response:
        disc = services.decide_discrepancy(actor=self.actor(), discrepancy_id=self.target().pk, confirm=True,
                                           **self.facts(inputs.OptionalReasonInput))
        return self.answer(disc, DiscrepancySerializer)

    @action_schema(summary="Withdraw a finding, giving the reason (examiner)", request=inputs.ReasonInput,
                   response=DiscrepancySerializer, tags=["examination"])
    @action(detail=True, methods=["post"])
    @idempotent
    def withdraw(self, request: Request, pk: str) -> Response:
        disc = services.decide_discrepancy(actor=self.actor(), discrepancy_id=self.target().pk, confirm=False,
                                           **self.facts(inputs.ReasonInput))
        return self.answer(disc, DiscrepancySerializer)


@_read_views("Refusal notices", RefusalNoticeSerializer, ["examination"])
class RefusalViewSet(_PresentationChildViewSet):
    model = RefusalNotice
    serializer_class = RefusalNoticeSerializer
    filterset_class = RefusalFilter
    pagination_class = cursor("-sent_at")


@_read_views("Waiver requests", WaiverSerializer, ["examination"])
class WaiverViewSet(_PresentationChildViewSet):
    model = WaiverRequest
    serializer_class = WaiverSerializer
    filterset_class = WaiverFilter
    pagination_class = cursor("-requested_at")
