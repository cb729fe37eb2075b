"""SWIFT messages (issue 18): the ones your organisation sent or received, one credit's with
`?credit=`, the exact text as a download, and the import of received text (POST)."""

from __future__ import annotations

from typing import Any

import django_filters as filters
from django.http import HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, extend_schema_field, extend_schema_view
from rest_framework import mixins, serializers
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from lc import storage
from lc.api.base import ScopedViewSet
from lc.api.idempotency import idempotent
from lc.api.paging import cursor
from lc.api.schema import READ_DETAIL_ERRORS, action_schema, detail_schema, list_schema, problems
from lc.models import Direction, Outcome, SwiftMessage
from lc.services.inbound import import_messages
from lc.services.messages import named_fields

TAGS = ["messages"]


class FindingSerializer(serializers.Serializer):
    code = serializers.CharField(help_text="SWIFT's error code (T26, M60, C90 ...) or ours (MISSING, ORDER ...).")
    tag = serializers.CharField()
    field = serializers.CharField(help_text="The field's name in the message type's specification.")
    line = serializers.IntegerField(help_text="Line in the imported text (1-based; 0 when not tied to a line).")
    message = serializers.CharField()
    mt = serializers.CharField()


class FieldSerializer(serializers.Serializer):
    tag = serializers.CharField()
    name = serializers.CharField()
    lines = serializers.ListField(child=serializers.CharField())


class MessageSerializer(serializers.ModelSerializer):
    credit = serializers.UUIDField(source="credit_id", allow_null=True, read_only=True)
    findings = FindingSerializer(many=True, read_only=True)
    content = serializers.SerializerMethodField(help_text="The message's fields with their names.")

    class Meta:
        model = SwiftMessage
        fields = ["id", "direction", "mt", "batch", "part", "sender_bic", "receiver_bic", "reference",
                  "related_reference", "sha256", "credit", "kind", "outcome", "findings", "created_at", "content"]

    @extend_schema_field(FieldSerializer(many=True))
    def get_content(self, obj: SwiftMessage) -> list[dict[str, Any]]:
        return [{"tag": tag, "name": name, "lines": list(lines)} for tag, name, lines in named_fields(obj)]


class MessageFilter(filters.FilterSet):
    credit = filters.UUIDFilter(field_name="credit_id", help_text="Only this credit's messages.")
    mt = filters.CharFilter(max_length=3, help_text="Message type, e.g. 700.")
    direction = filters.ChoiceFilter(choices=Direction.choices)
    outcome = filters.ChoiceFilter(choices=Outcome.choices)

    class Meta:
        model = SwiftMessage
        fields: list[str] = []


class ImportInput(serializers.Serializer):
    text = serializers.CharField(trim_whitespace=False, max_length=200_000,
                                 help_text="One or more FIN messages as received (an MT700 with its MT701s ...).")


class ImportResultSerializer(serializers.Serializer):
    outcome = serializers.CharField()
    credit = serializers.UUIDField(allow_null=True)
    messages = MessageSerializer(many=True)


@extend_schema_view(
    list=list_schema(summary="SWIFT messages your organisation sent or received", response=MessageSerializer(many=True),
                     tags=TAGS),
    retrieve=detail_schema(summary="One SWIFT message with its fields named", response=MessageSerializer, tags=TAGS),
)
class MessageViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    serializer_class = MessageSerializer
    filterset_class = MessageFilter
    pagination_class = cursor("-created_at")

    def get_queryset(self) -> Any:
        return SwiftMessage.objects.visible_to(self.org())

    def perform_content_negotiation(self, request: Request, force: bool = False) -> Any:
        # The download answers in text/plain whatever the Accept header; its errors are JSON.
        return super().perform_content_negotiation(request, force=force or self.action == "raw")

    @action_schema(summary="Import SWIFT messages your bank received (MT700, 707, 734, 754, 756 ...)",
                   request=ImportInput, response=ImportResultSerializer, status=201, tags=TAGS)
    @idempotent
    def create(self, request: Request) -> Response:
        result = import_messages(actor=self.actor(), **self.facts(ImportInput))
        if result.refused:
            # Kept in the inbox with its findings (what the bank received is evidence), not applied.
            raise result.problem()
        body = {"outcome": result.outcome, "credit": result.credit.pk if result.credit else None,
                "messages": result.rows}
        return Response(ImportResultSerializer(body, context=self.get_serializer_context()).data, status=201)

    @extend_schema(
        summary="The exact text of the message, as sent or received",
        description="`Repr-Digest` (RFC 9530) and `ETag` carry the SHA-256 the ledger entry holds.",
        tags=TAGS, responses={(200, "text/plain"): OpenApiTypes.STR, **problems(*READ_DETAIL_ERRORS)},
    )
    @action(detail=True, methods=["get"], pagination_class=None)
    def raw(self, request: Request, pk: str) -> HttpResponse:
        row = self.get_object()
        name = f"MT{row.mt}-{row.reference or row.id}-{row.part}.fin"
        return storage.download_response(row.text.encode("utf-8"), "text/plain; charset=utf-8", name, row.sha256)
