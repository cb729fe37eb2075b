"""Credits: the read viewset and one POST action per credit business action."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.http import HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from lc import services, storage
from lc.api import inputs, ledger_feed
from lc.api.approvals import PendingApprovalSerializer
from lc.api.base import ScopedViewSet
from lc.api.credit_list import credit_list_response
from lc.api.drafting import CoDraftingActions
from lc.api.filters import CreditFilter
from lc.api.idempotency import idempotent
from lc.api.paging import CursorPagination, cursor
from lc.api.presentations import document_input
from lc.api.problems import problem_response
from lc.api.schema import READ_DETAIL_ERRORS, action_schema, detail_schema, list_schema, problems
from lc.api.serializers import (
    AmendmentSerializer,
    AvailabilitySerializer,
    CancellationSerializer,
    CreditDetailSerializer,
    CreditSerializer,
    LedgerEntrySerializer,
    PresentationDetailSerializer,
    PrintedDocumentSerializer,
    TermsVersionSerializer,
    TransferRequestSerializer,
)
from lc.models import LetterOfCredit, PrintedDocument, TermsVersion, TransferRequest
from lc.services.approvals import pending_for
from lc.services.visibility import audience_for

TAGS = ["credits"]
TRANSFER_TAGS = ["transfers"]


@extend_schema_view(
    list=list_schema(summary="Credits your organisation is party to", response=CreditSerializer(many=True), tags=TAGS),
    retrieve=detail_schema(summary="One credit with its current terms", response=CreditDetailSerializer, tags=TAGS),
)
class CreditViewSet(CoDraftingActions, mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    serializer_class = CreditSerializer
    filterset_class = CreditFilter
    pagination_class = cursor("-created_at")

    def get_queryset(self) -> Any:
        return LetterOfCredit.objects.visible_to(self.org()).with_parties().select_related("second_beneficiary")

    def list(self, request: Request, *args: Any, **kwargs: Any) -> HttpResponse:  # type: ignore[override]
        """One prepared statement, JSON from PostgreSQL (lc.api.credit_list); the filters and the
        cursor parameter are the ones declared here for the schema."""
        return credit_list_response(request, self.org())

    def get_serializer_class(self) -> Any:
        return CreditDetailSerializer if self.action != "list" else CreditSerializer

    def perform_content_negotiation(self, request: Request, force: bool = False) -> Any:
        # A PDF download answers in its own type whatever the Accept header; its errors are JSON.
        return super().perform_content_negotiation(request, force=force or self.action == "printed_file")

    def credit_id(self) -> UUID:
        """The credit of the URL, if the caller may see it (404 otherwise)."""
        return self.target().pk

    @action_schema(summary="Apply for a credit (importer)", request=inputs.CreateApplicationInput,
                   response=CreditDetailSerializer, status=201, tags=TAGS)
    @idempotent
    def create(self, request: Request) -> Response:
        credit = services.create_application(actor=self.actor(), **self.facts(inputs.CreateApplicationInput))
        return self.answer(credit, CreditDetailSerializer, 201)

    @action_schema(summary="Edit the draft application's terms", request=inputs.TermsInput,
                   response=CreditDetailSerializer, tags=TAGS)
    @action(detail=True, methods=["post"], url_path="update-application")
    @idempotent
    def update_application(self, request: Request, pk: str) -> Response:
        credit = services.update_application(actor=self.actor(), credit_id=self.credit_id(),
                                             **self.facts(inputs.TermsInput))
        return self.answer(credit, CreditDetailSerializer)

    @action_schema(summary="Submit the application to the issuing bank", request=inputs.EmptyInput,
                   response=CreditDetailSerializer, tags=TAGS)
    @action(detail=True, methods=["post"])
    @idempotent
    def submit(self, request: Request, pk: str) -> Response:
        credit = services.submit_application(actor=self.actor(), credit_id=self.credit_id())
        return self.answer(credit, CreditDetailSerializer)

    @action_schema(summary="Prepare the credit for issue (issuing bank maker)", request=inputs.IssueInput,
                   response=CreditDetailSerializer, tags=TAGS)
    @action(detail=True, methods=["post"])
    @idempotent
    def issue(self, request: Request, pk: str) -> Response:
        credit = services.prepare_credit(actor=self.actor(), credit_id=self.credit_id(),
                                       **self.facts(inputs.IssueInput))
        return self.answer(credit, CreditDetailSerializer)

    @action_schema(summary="Approve and issue, re-keying the amount (issuing bank checker)",
                   request=inputs.ApproveInput, response=CreditDetailSerializer, tags=TAGS)
    @action(detail=True, methods=["post"])
    @idempotent
    def approve(self, request: Request, pk: str) -> Response:
        amount = self.facts(inputs.ApproveInput)["amount"]
        credit = services.issue_credit(actor=self.actor(), credit_id=self.credit_id(), rekeyed_amount=amount)
        return self.answer(credit, CreditDetailSerializer)

    @action_schema(summary="Advise the credit to the beneficiary (advising bank)", request=inputs.EmptyInput,
                   response=CreditDetailSerializer, tags=TAGS)
    @action(detail=True, methods=["post"])
    @idempotent
    def advise(self, request: Request, pk: str) -> Response:
        credit = services.advise_credit(actor=self.actor(), credit_id=self.credit_id())
        return self.answer(credit, CreditDetailSerializer)

    @action_schema(summary="Add or decline confirmation (confirming bank)", request=inputs.ConfirmInput,
                   response=CreditDetailSerializer, tags=TAGS)
    @action(detail=True, methods=["post"])
    @idempotent
    def confirm(self, request: Request, pk: str) -> Response:
        credit = services.confirm_credit(actor=self.actor(), credit_id=self.credit_id(),
                                         **self.facts(inputs.ConfirmInput))
        return self.answer(credit, CreditDetailSerializer)

    # Transfer (art. 38, issue 20): request (first beneficiary), transfer (the maker's preparation,
    # the route the one-step transfer had), approve-transfer (checker), advise-transfer; or reject.
    @action_schema(summary="Request a transfer to a second beneficiary (first beneficiary; art. 38)",
                   request=inputs.RequestTransferInput, response=TransferRequestSerializer, status=201,
                   tags=TRANSFER_TAGS)
    @action(detail=True, methods=["post"], url_path="request-transfer")
    @idempotent
    def request_transfer(self, request: Request, pk: str) -> Response:
        t = services.request_transfer(actor=self.actor(), credit_id=self.credit_id(),
                                      **self.facts(inputs.RequestTransferInput))
        return self.answer(t, TransferRequestSerializer, 201)

    @action_schema(summary="Prepare the requested transfer (transferring bank maker; art. 38)",
                   request=inputs.TransferInput, response=TransferRequestSerializer, tags=TRANSFER_TAGS)
    @action(detail=True, methods=["post"])
    @idempotent
    def transfer(self, request: Request, pk: str) -> Response:
        t = services.prepare_transfer(actor=self.actor(), credit_id=self.credit_id(),
                                      **self.facts(inputs.TransferInput))
        return self.answer(t, TransferRequestSerializer)

    @action_schema(summary="Approve the transfer: earmark and create the transferred credit (transferring bank "
                           "checker)", request=inputs.EmptyInput, response=CreditDetailSerializer, status=201,
                   tags=TRANSFER_TAGS)
    @action(detail=True, methods=["post"], url_path="approve-transfer")
    @idempotent
    def approve_transfer(self, request: Request, pk: str) -> Response:
        child = services.approve_transfer(actor=self.actor(), credit_id=self.credit_id())
        return self.answer(child, CreditDetailSerializer, 201)

    @action_schema(summary="Advise the transferred credit to the second beneficiary (transferring bank)",
                   request=inputs.EmptyInput, response=CreditDetailSerializer, tags=TRANSFER_TAGS)
    @action(detail=True, methods=["post"], url_path="advise-transfer")
    @idempotent
    def advise_transfer(self, request: Request, pk: str) -> Response:
        child = services.advise_transfer(actor=self.actor(), credit_id=self.credit_id())
        return self.answer(child, CreditDetailSerializer)

    @action_schema(summary="Turn the transfer request down (transferring bank; art. 38(a))",
                   request=inputs.ReasonInput, response=TransferRequestSerializer, tags=TRANSFER_TAGS)
    @action(detail=True, methods=["post"], url_path="reject-transfer")
    @idempotent
    def reject_transfer(self, request: Request, pk: str) -> Response:
        t = services.reject_transfer(actor=self.actor(), credit_id=self.credit_id(),
                                     **self.facts(inputs.ReasonInput))
        return self.answer(t, TransferRequestSerializer)

    @list_schema(summary="The credit's transfer requests, latest first (art. 38)",
                 response=TransferRequestSerializer(many=True), tags=TRANSFER_TAGS)
    @action(detail=True, methods=["get"], url_path="transfers", pagination_class=cursor("-requested_at"),
            filterset_class=None)
    def transfers(self, request: Request, pk: str) -> Response:
        return self.paginated(TransferRequest.objects.filter(credit_id=self.credit_id()), TransferRequestSerializer)

    @action_schema(summary="Request cancellation (issuing bank; art. 10(a))", request=inputs.ReasonInput,
                   response=CancellationSerializer, tags=TAGS)
    @action(detail=True, methods=["post"], url_path="request-cancellation")
    @idempotent
    def request_cancellation(self, request: Request, pk: str) -> Response:
        cancellation = services.request_cancellation(actor=self.actor(), credit_id=self.credit_id(),
                                                     **self.facts(inputs.ReasonInput))
        return self.answer(cancellation, CancellationSerializer)

    @action_schema(summary="Consent to cancellation (beneficiary or confirming bank)", request=inputs.EmptyInput,
                   response=CancellationSerializer, tags=TAGS)
    @action(detail=True, methods=["post"], url_path="consent-cancellation")
    @idempotent
    def consent_cancellation(self, request: Request, pk: str) -> Response:
        cancellation = services.consent_to_cancellation(actor=self.actor(), credit_id=self.credit_id())
        return self.answer(cancellation, CancellationSerializer)

    @action_schema(summary="Cancel (issuing bank once all agreed; applicant for its application)",
                   request=inputs.EmptyInput, response=CreditDetailSerializer, tags=TAGS)
    @action(detail=True, methods=["post"])
    @idempotent
    def cancel(self, request: Request, pk: str) -> Response:
        credit = services.cancel_credit(actor=self.actor(), credit_id=self.credit_id())
        return self.answer(credit, CreditDetailSerializer)

    @action_schema(summary="Propose an amendment (applicant)", request=inputs.ProposeAmendmentInput,
                   response=AmendmentSerializer, status=201, tags=["amendments"])
    @action(detail=True, methods=["post"], url_path="propose-amendment")
    @idempotent
    def propose_amendment(self, request: Request, pk: str) -> Response:
        amendment = services.propose_amendment(actor=self.actor(), credit_id=self.credit_id(),
                                               **self.facts(inputs.ProposeAmendmentInput))
        return self.answer(amendment, AmendmentSerializer, 201)

    @action_schema(summary="Present documents (multipart: a JSON `data` part and a `file` part per document)",
                   request={"multipart/form-data": inputs.PresentInput}, response=PresentationDetailSerializer,
                   status=201, tags=["presentations"])
    @action(detail=True, methods=["post"])
    @idempotent
    def present(self, request: Request, pk: str) -> Response:
        facts = self.facts(inputs.PresentInput)
        files = facts.pop("file") or [None] * len(facts["data"])
        documents = [document_input(data, upload, i) for i, (data, upload) in enumerate(zip(facts.pop("data"), files, strict=True))]
        presentation = services.present_documents(actor=self.actor(), credit_id=self.credit_id(),
                                                  documents=documents, **facts)
        return self.answer(presentation, PresentationDetailSerializer, 201)

    @detail_schema(summary="Decisions on this credit awaiting further checkers at your bank (approval levels)",
                   response=PendingApprovalSerializer(many=True), tags=TAGS)
    @action(detail=True, methods=["get"], filterset_class=None, pagination_class=None)
    def approvals(self, request: Request, pk: str) -> Response:
        pending = pending_for(self.get_object(), self.org()).values()
        return Response(PendingApprovalSerializer(list(pending), many=True).data)

    @detail_schema(summary="The credit's availability: maximum, reserved, drawn, earmarked, available (issue 13)",
                   response=AvailabilitySerializer, tags=TAGS)
    @action(detail=True, methods=["get"], filterset_class=None)
    def availability(self, request: Request, pk: str) -> Response:
        return self.answer(self.get_object(), AvailabilitySerializer)

    @list_schema(summary="The credit's versions of terms (1 at issue, one per accepted amendment)",
                 response=TermsVersionSerializer(many=True), tags=TAGS)
    @action(detail=True, methods=["get"], pagination_class=cursor("number"), filterset_class=None)
    def versions(self, request: Request, pk: str) -> Response:
        return self.paginated(TermsVersion.objects.filter(credit_id=self.credit_id()), TermsVersionSerializer)

    @list_schema(summary="The credit's ledger history, oldest first, with each entry's proof status",
                 response=LedgerEntrySerializer(many=True), tags=TAGS)
    @action(detail=True, methods=["get"], pagination_class=cursor("seq"), filterset_class=None)
    def ledger(self, request: Request, pk: str) -> Response:
        credit = self.get_object()
        audience = audience_for(self.org(), credit)
        page = self.paginate_queryset(ledger_feed.sequenced(credit.subject))
        entries = ledger_feed.with_status(audience, page or [])
        assert isinstance(self.paginator, CursorPagination)
        if self.paginator.get_next_link() is None:
            entries += ledger_feed.pending(audience, credit.subject)  # the tail: committed, not yet sequenced
        return self.get_paginated_response(LedgerEntrySerializer(entries, many=True).data)


    @list_schema(summary="The documents printed for the credit (advices, refusal notices), oldest first",
                 response=PrintedDocumentSerializer(many=True), tags=TAGS)
    @action(detail=True, methods=["get"], pagination_class=cursor("created_at"), filterset_class=None)
    def printed(self, request: Request, pk: str) -> Response:
        readable = PrintedDocument.objects.filter(credit_id=self.credit_id()).readable_by(self.org())
        return self.paginated(readable, PrintedDocumentSerializer)

    @extend_schema(
        summary="Download a printed document (PDF), checked against its SHA-256", operation_id="v1_credits_printed_file",
        description="The PDF the action produced (advice of credit or amendment, refusal notice, evidence summary), "
                    "by the SHA-256 "
                    "its ledger entry holds (`documents`). `Repr-Digest` (RFC 9530) and `ETag` carry that hash; the "
                    "server re-hashes the file before sending it.",
        tags=TAGS,
        parameters=[OpenApiParameter("sha256", OpenApiTypes.STR, OpenApiParameter.PATH, pattern="^[0-9a-f]{64}$",
                                     description="The document's SHA-256, lower-case hex.")],
        responses={(200, "application/pdf"): OpenApiTypes.BINARY, **problems(*READ_DETAIL_ERRORS)},
    )
    @action(detail=True, methods=["get"], url_path=r"printed/(?P<sha256>[0-9a-f]{64})", url_name="printed-file",
            filterset_class=None, pagination_class=None)
    def printed_file(self, request: Request, pk: str, sha256: str) -> HttpResponse:
        credit = self.target()
        printed = PrintedDocument.objects.filter(credit=credit, sha256=sha256).readable_by(self.org()).first()
        if printed is None:
            return problem_response(404, "not-found", "Not found", "No such printed document for this credit.")
        printed.credit = credit
        return storage.file_response(printed.sha256, "application/pdf", printed.file_name())

    @action_schema(
        summary="Print the credit's evidence summary (PDF; any person of a party)",
        description="Parties, versions of the terms, the ledger entries your organisation sees with their seq, "
                    "event, time, first covering checkpoint and proof status, and the SHA-256 of the credit's "
                    "evidence bundle. Printing is recorded (ledger entry `lc.evidence_summary_printed` with each "
                    "file's SHA-256 in `documents`): English, and Traditional Chinese too when your organisation "
                    "reads zh-Hant. Download each at `printed/{sha256}/`; only your organisation can.",
        request=inputs.EmptyInput, response=PrintedDocumentSerializer(many=True), status=201, tags=TAGS)
    @action(detail=True, methods=["post"], url_path="evidence-summary", url_name="evidence-summary",
            filterset_class=None, pagination_class=None)
    @idempotent
    def evidence_summary(self, request: Request, pk: str) -> Response:
        docs = services.print_evidence_summary(actor=self.actor(), credit_id=self.credit_id())
        return Response(PrintedDocumentSerializer(docs, many=True, context=self.get_serializer_context()).data,
                        status=201)
