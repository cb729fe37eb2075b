"""Documents, discrepancies, refusal notices and waivers: read viewsets scoped to the
presentations the caller's organisation may see, and the examiner's discrepancy decisions."""

from __future__ import annotations

import base64
from typing import Any

from django.http import HttpResponse
from django.utils.http import content_disposition_header
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from lc import services, storage
from lc.api import inputs
from lc.api.base import ScopedViewSet
from lc.api.filters import DiscrepancyFilter, DocumentFilter, RefusalFilter, WaiverFilter
from lc.api.idempotency import idempotent
from lc.api.paging import cursor
from lc.api.problems import problem_response
from lc.api.schema import READ_DETAIL_ERRORS, action_schema, detail_schema, list_schema, problems
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

    def perform_content_negotiation(self, request: Request, force: bool = False) -> Any:
        # A download answers in the file's own type whatever the Accept header; its errors are JSON.
        return super().perform_content_negotiation(request, force=force or self.action == "file")

    @extend_schema(
        summary="Download the presented file, checked against its SHA-256",
        description="The bytes as presented, in the type sniffed at upload. `Repr-Digest` (RFC 9530) and "
                    "`ETag` carry the SHA-256 the ledger holds; the server re-hashes the file before sending it.",
        tags=["presentations"],
        responses={**{(200, ctype): OpenApiTypes.BINARY for ctype in storage.ACCEPTED},
                   **problems(*READ_DETAIL_ERRORS)},
    )
    @action(detail=True, methods=["get"], filterset_class=None, pagination_class=None)
    def file(self, request: Request, pk: str) -> HttpResponse:
        document = self.get_object()
        if not document.sha256:
            return problem_response(404, "no-file", "No file", "This document was presented as data only.")
        data = storage.read_verified(document.sha256)
        response = HttpResponse(data, content_type=document.content_type)
        response["Content-Disposition"] = content_disposition_header(True, storage.display_name(document))
        response["ETag"] = f'"{document.sha256}"'
        response["Repr-Digest"] = f"sha-256=:{base64.b64encode(bytes.fromhex(document.sha256)).decode()}:"
        response["X-Content-Type-Options"] = "nosniff"
        response["Cache-Control"] = "private, no-store"
        return response


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

    def get_queryset(self) -> Any:
        return super().get_queryset().select_related("requested_by", "decided_by")  # whose notes (serializer)
