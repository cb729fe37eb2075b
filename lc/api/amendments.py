"""Amendments (art. 10): read viewset and one POST action per amendment business action.
Proposing one is an action on the credit (lc.api.credits)."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from drf_spectacular.utils import extend_schema_view
from rest_framework import mixins
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from lc import services
from lc.api import inputs
from lc.api.base import ScopedViewSet
from lc.api.filters import AmendmentFilter
from lc.api.idempotency import idempotent
from lc.api.paging import cursor
from lc.api.schema import action_schema, detail_schema, list_schema
from lc.api.serializers import AmendmentSerializer
from lc.models import Amendment

TAGS = ["amendments"]


@extend_schema_view(
    list=list_schema(summary="Amendments of credits your organisation is party to",
                     response=AmendmentSerializer(many=True), tags=TAGS),
    retrieve=detail_schema(summary="One amendment", response=AmendmentSerializer, tags=TAGS),
)
class AmendmentViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    serializer_class = AmendmentSerializer
    filterset_class = AmendmentFilter
    pagination_class = cursor("-created_at")

    def get_queryset(self) -> Any:
        return Amendment.objects.visible_to(self.org()).select_related("base_version")

    def amendment_id(self) -> UUID:
        return self.target().pk

    @action_schema(summary="Prepare the amendment (issuing bank maker)", request=inputs.EmptyInput,
                   response=AmendmentSerializer, tags=TAGS)
    @action(detail=True, methods=["post"])
    @idempotent
    def issue(self, request: Request, pk: str) -> Response:
        return self.answer(services.prepare_amendment(actor=self.actor(), amendment_id=self.amendment_id()),
                           AmendmentSerializer)

    @action_schema(summary="Approve and issue the amendment, MT707 (issuing bank checker)",
                   request=inputs.EmptyInput, response=AmendmentSerializer, tags=TAGS)
    @action(detail=True, methods=["post"])
    @idempotent
    def approve(self, request: Request, pk: str) -> Response:
        return self.answer(services.issue_amendment(actor=self.actor(), amendment_id=self.amendment_id()),
                           AmendmentSerializer)

    @action_schema(summary="Accept the whole amendment (beneficiary; art. 10(e))", request=inputs.AcceptAmendmentInput,
                   response=AmendmentSerializer, tags=TAGS)
    @action(detail=True, methods=["post"])
    @idempotent
    def accept(self, request: Request, pk: str) -> Response:
        amendment = services.accept_amendment(actor=self.actor(), amendment_id=self.amendment_id(),
                                              **self.facts(inputs.AcceptAmendmentInput))
        return self.answer(amendment, AmendmentSerializer)

    @action_schema(summary="Reject (beneficiary), or turn down a proposal (issuing bank)",
                   request=inputs.OptionalReasonInput, response=AmendmentSerializer, tags=TAGS)
    @action(detail=True, methods=["post"])
    @idempotent
    def reject(self, request: Request, pk: str) -> Response:
        amendment = services.reject_amendment(actor=self.actor(), amendment_id=self.amendment_id(),
                                              **self.facts(inputs.OptionalReasonInput))
        return self.answer(amendment, AmendmentSerializer)

    @action_schema(summary="Extend or decline confirmation to the amendment (confirming bank; art. 10(b))",
                   request=inputs.ExtendConfirmationInput, response=AmendmentSerializer, tags=TAGS)
    @action(detail=True, methods=["post"], url_path="confirmation-decision")
    @idempotent
    def confirmation_decision(self, request: Request, pk: str) -> Response:
        amendment = services.decide_amendment_confirmation(actor=self.actor(), amendment_id=self.amendment_id(),
                                                           **self.facts(inputs.ExtendConfirmationInput))
        return self.answer(amendment, AmendmentSerializer)
