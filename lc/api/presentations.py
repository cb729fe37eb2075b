"""Presentations: read viewset and one POST action per presentation business action
(documents, examination, waiver, refusal, honour, reimbursement, settlement). Presenting
is an action on the credit (lc.api.credits)."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.conf import settings
from drf_spectacular.utils import extend_schema_view
from rest_framework import mixins
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from lc import services
from lc.api import inputs
from lc.api.base import ScopedViewSet
from lc.api.filters import PresentationFilter
from lc.api.idempotency import idempotent
from lc.api.paging import cursor
from lc.api.schema import action_schema, detail_schema, list_schema
from lc.api.serializers import (
    DiscrepancySerializer,
    DocumentSerializer,
    PresentationDetailSerializer,
    PresentationSerializer,
    PresenterInstructionSerializer,
    RefusalNoticeSerializer,
    RePresentationSerializer,
    WaiverSerializer,
)
from lc.errors import InvalidInput
from lc.models import Presentation
from lc.services import DocumentInput

TAGS = ["presentations"]


def document_input(data: dict[str, Any], upload: Any, index: int = 0) -> DocumentInput:
    if upload is None:
        return DocumentInput(data=data)
    if upload.size > settings.UPLOAD_MAX_BYTES:  # refuse before reading it into memory
        raise InvalidInput(f"file is larger than {settings.UPLOAD_MAX_BYTES} bytes",
                           [{"field": f"file[{index}]", "message": "too large"}])
    # Streamed to the store in chunks by lc.storage (never read whole into memory); the client's
    # file name is kept for display only, never used as a path.
    return DocumentInput(data=data, content=upload, filename=str(upload.name or "")[:255])


def _simple(summary: str, output: Any = PresentationSerializer, request: Any = inputs.EmptyInput,
            status: int = 200) -> Any:
    return action_schema(summary=summary, request=request, response=output, status=status, tags=TAGS)


@extend_schema_view(
    list=list_schema(summary="Presentations under credits your organisation is party to",
                     response=PresentationSerializer(many=True), tags=TAGS),
    retrieve=detail_schema(summary="One presentation with its documents", response=PresentationDetailSerializer,
                           tags=TAGS),
)
class PresentationViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    filterset_class = PresentationFilter
    pagination_class = cursor("-created_at")

    def get_queryset(self) -> Any:
        qs = Presentation.objects.visible_to(self.org()).select_related("terms_version")
        return qs.prefetch_related("documents", "instructions", "re_presentations") if self.action == "retrieve" else qs

    def get_serializer_class(self) -> Any:
        return PresentationDetailSerializer if self.action == "retrieve" else PresentationSerializer

    def presentation_id(self) -> UUID:
        return self.target().pk

    @_simple("Add a document before the notice of completeness (eUCP; multipart)", DocumentSerializer,
             {"multipart/form-data": inputs.DocumentInput}, 201)
    @action(detail=True, methods=["post"], url_path="add-document")
    @idempotent
    def add_document(self, request: Request, pk: str) -> Response:
        facts = self.facts(inputs.DocumentInput)
        document = services.add_document(actor=self.actor(), presentation_id=self.presentation_id(),
                                         document=document_input(facts["data"], facts.get("file")))
        return self.answer(document, DocumentSerializer, 201)

    @_simple("Send the notice of completeness (eUCP): examination starts")
    @action(detail=True, methods=["post"], url_path="notify-completeness")
    @idempotent
    def notify_completeness(self, request: Request, pk: str) -> Response:
        pres = services.notify_completeness(actor=self.actor(), presentation_id=self.presentation_id())
        return self.answer(pres, PresentationSerializer)

    @_simple("Add a discrepancy the engine did not find (examiner)", DiscrepancySerializer, inputs.AddDiscrepancyInput, 201)
    @action(detail=True, methods=["post"], url_path="add-discrepancy")
    @idempotent
    def add_discrepancy(self, request: Request, pk: str) -> Response:
        disc = services.add_discrepancy(actor=self.actor(), presentation_id=self.presentation_id(),
                                        **self.facts(inputs.AddDiscrepancyInput))
        return self.answer(disc, DiscrepancySerializer, 201)

    @_simple("Conclude the examination: complying or discrepant (examiner)")
    @action(detail=True, methods=["post"], url_path="conclude-examination")
    @idempotent
    def conclude_examination(self, request: Request, pk: str) -> Response:
        pres = services.conclude_examination(actor=self.actor(), presentation_id=self.presentation_id())
        return self.answer(pres, PresentationSerializer)

    @_simple("Ask the applicant for a waiver (art. 16(b); the deadline does not move)", WaiverSerializer,
             inputs.NoteInput, 201)
    @action(detail=True, methods=["post"], url_path="request-waiver")
    @idempotent
    def request_waiver(self, request: Request, pk: str) -> Response:
        waiver = services.request_waiver(actor=self.actor(), presentation_id=self.presentation_id(),
                                         **self.facts(inputs.NoteInput))
        return self.answer(waiver, WaiverSerializer, 201)

    @_simple("Waive the discrepancies or decline (applicant)", WaiverSerializer, inputs.DecideWaiverInput)
    @action(detail=True, methods=["post"], url_path="decide-waiver")
    @idempotent
    def decide_waiver(self, request: Request, pk: str) -> Response:
        waiver = services.decide_waiver(actor=self.actor(), presentation_id=self.presentation_id(),
                                        **self.facts(inputs.DecideWaiverInput))
        return self.answer(waiver, WaiverSerializer)

    @_simple("Refuse with the single notice of art. 16(c)", RefusalNoticeSerializer, inputs.RefuseInput, 201)
    @action(detail=True, methods=["post"])
    @idempotent
    def refuse(self, request: Request, pk: str) -> Response:
        notice = services.refuse_presentation(actor=self.actor(), presentation_id=self.presentation_id(),
                                              **self.facts(inputs.RefuseInput))
        return self.answer(notice, RefusalNoticeSerializer, 201)

    @_simple("Give instructions on refused documents the bank holds (presenter; art. 16(c)(iii))",
             PresenterInstructionSerializer, inputs.InstructionsInput, 201)
    @action(detail=True, methods=["post"], url_path="give-instructions")
    @idempotent
    def give_instructions(self, request: Request, pk: str) -> Response:
        instruction = services.give_instructions(actor=self.actor(), presentation_id=self.presentation_id(),
                                                 **self.facts(inputs.InstructionsInput))
        return self.answer(instruction, PresenterInstructionSerializer, 201)

    @_simple("Record the refused documents returned to the presenter (the bank presented to; art. 16(e))")
    @action(detail=True, methods=["post"], url_path="return-documents")
    @idempotent
    def return_documents(self, request: Request, pk: str) -> Response:
        pres = services.return_documents(actor=self.actor(), presentation_id=self.presentation_id())
        return self.answer(pres, PresentationSerializer)

    @_simple("Ask for a corrupted electronic record again: examination suspended (eUCP art. e12)",
             RePresentationSerializer, inputs.RePresentationRequestInput, 201)
    @action(detail=True, methods=["post"], url_path="request-re-presentation")
    @idempotent
    def request_re_presentation(self, request: Request, pk: str) -> Response:
        facts = self.facts(inputs.RePresentationRequestInput)
        asked = services.request_re_presentation(actor=self.actor(), presentation_id=self.presentation_id(),
                                                 document_id=facts["document"], reason=facts["reason"])
        return self.answer(asked, RePresentationSerializer, 201)

    @_simple("Re-present the corrupted record asked for (presenter; eUCP art. e12; multipart)",
             RePresentationSerializer, {"multipart/form-data": inputs.DocumentInput})
    @action(detail=True, methods=["post"], url_path="re-present")
    @idempotent
    def re_present(self, request: Request, pk: str) -> Response:
        facts = self.facts(inputs.DocumentInput)
        done = services.re_present_record(actor=self.actor(), presentation_id=self.presentation_id(),
                                          document=document_input(facts["data"], facts.get("file")))
        return self.answer(done, RePresentationSerializer)

    @_simple("Honour: pay, accept or negotiate (the bank presented to)", request=inputs.HonourInput)
    @action(detail=True, methods=["post"])
    @idempotent
    def honour(self, request: Request, pk: str) -> Response:
        pres = services.honour_presentation(actor=self.actor(), presentation_id=self.presentation_id(),
                                            **self.facts(inputs.HonourInput))
        return self.answer(pres, PresentationSerializer)

    @_simple("Reimburse the nominated bank (issuing bank; art. 7(c))")
    @action(detail=True, methods=["post"])
    @idempotent
    def reimburse(self, request: Request, pk: str) -> Response:
        pres = services.reimburse_presentation(actor=self.actor(), presentation_id=self.presentation_id())
        return self.answer(pres, PresentationSerializer)

    @_simple("Settle with the applicant (issuing bank)")
    @action(detail=True, methods=["post"])
    @idempotent
    def settle(self, request: Request, pk: str) -> Response:
        pres = services.settle_presentation(actor=self.actor(), presentation_id=self.presentation_id())
        return self.answer(pres, PresentationSerializer)
