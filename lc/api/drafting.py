"""Co-drafting (issue 20) on the credit resource: share the draft with the beneficiary, revise it,
comment on it field by field, resolve comments, and read its versions and comments. The
actions are mixed into CreditViewSet, so a draft out of the caller's sight is a 404 as ever."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from lc import services
from lc.api import inputs
from lc.api.base import ScopedViewSet
from lc.api.idempotency import idempotent
from lc.api.paging import cursor
from lc.api.problems import problem_response
from lc.api.schema import action_schema, list_schema
from lc.api.serializers import ApiModelSerializer, CreditDetailSerializer
from lc.models import DraftComment, DraftVersion, LetterOfCredit
from lc.services.drafting import MAX_TEXT
from lc.swift.fieldcodec import tag_of

TAGS = ["co-drafting"]


class DraftCommentInput(serializers.Serializer):
    field = serializers.CharField(max_length=64, help_text="A key of the draft terms (e.g. `latest_shipment`, "
                                  "`banks.drawee`) or an MT700 tag (e.g. `44C`).")
    text = serializers.CharField(max_length=MAX_TEXT)
    suggested_value = serializers.CharField(max_length=MAX_TEXT, required=False, default="", allow_blank=True)


class ResolveDraftCommentInput(serializers.Serializer):
    comment = serializers.UUIDField(help_text="The id of a comment on this credit's draft.")


class DraftVersionSerializer(ApiModelSerializer):
    terms = serializers.JSONField(read_only=True)

    class Meta:
        model = DraftVersion
        fields = ["id", "credit", "number", "terms", "terms_sha256", "created_at"]
        read_only_fields = fields


def _side(credit: LetterOfCredit, org_id: Any) -> str:
    return "applicant" if org_id == credit.applicant_id else "beneficiary"


class DraftCommentSerializer(ApiModelSerializer):
    """People are shown by their side (applicant or beneficiary), not by name (issue 17)."""

    version = serializers.IntegerField(source="version.number", read_only=True)
    tag = serializers.SerializerMethodField(help_text="The MT700 field the comment is about, if known.")
    by = serializers.SerializerMethodField(help_text="`applicant` or `beneficiary`.")
    resolved = serializers.BooleanField(read_only=True)

    class Meta:
        model = DraftComment
        fields = ["id", "credit", "version", "field", "tag", "text", "suggested_value", "by", "created_at",
                  "resolved", "resolved_at"]
        read_only_fields = fields

    def get_tag(self, obj: DraftComment) -> str:
        return tag_of(obj.field) or obj.field

    def get_by(self, obj: DraftComment) -> str:
        return _side(obj.credit, obj.author.organization_id)


class CoDraftingActions(ScopedViewSet):
    """The co-drafting actions of lc.api.credits.CreditViewSet (mixed in; the URL's credit is
    `target()`, from the credit viewset's scoped queryset)."""

    @action_schema(summary="Share the draft application with the beneficiary for comments (applicant)",
                   request=inputs.EmptyInput, response=CreditDetailSerializer, tags=TAGS)
    @action(detail=True, methods=["post"], url_path="share-draft")
    @idempotent
    def share_draft(self, request: Request, pk: str) -> Response:
        credit = services.share_draft(actor=self.actor(), credit_id=self.target().pk)
        return self.answer(credit, CreditDetailSerializer)

    @action_schema(summary="Revise the shared draft: a new version (applicant)", request=inputs.TermsInput,
                   response=DraftVersionSerializer, status=201, tags=TAGS)
    @action(detail=True, methods=["post"], url_path="revise-draft")
    @idempotent
    def revise_draft(self, request: Request, pk: str) -> Response:
        version = services.revise_draft(actor=self.actor(), credit_id=self.target().pk,
                                        **self.facts(inputs.TermsInput))
        return self.answer(version, DraftVersionSerializer, 201)

    @action_schema(summary="Comment on one field of the draft (applicant or beneficiary)",
                   request=DraftCommentInput, response=DraftCommentSerializer, status=201, tags=TAGS)
    @action(detail=True, methods=["post"], url_path="comment-draft")
    @idempotent
    def comment_draft(self, request: Request, pk: str) -> Response:
        comment = services.comment_on_draft(actor=self.actor(), credit_id=self.target().pk,
                                            **self.facts(DraftCommentInput))
        return self.answer(comment, DraftCommentSerializer, 201)

    @action_schema(summary="Resolve a comment on the draft (applicant)", request=ResolveDraftCommentInput,
                   response=DraftCommentSerializer, tags=TAGS)
    @action(detail=True, methods=["post"], url_path="resolve-draft-comment")
    @idempotent
    def resolve_draft_comment(self, request: Request, pk: str) -> Response:
        comment_id = self.facts(ResolveDraftCommentInput)["comment"]
        if not DraftComment.objects.filter(credit_id=self.target().pk, pk=comment_id).exists():
            return problem_response(404, "not-found", "Not found", "No such comment on this credit's draft.")
        comment = services.resolve_draft_comment(actor=self.actor(), comment_id=comment_id)
        return self.answer(comment, DraftCommentSerializer)

    @list_schema(summary="The shared draft's versions, oldest first, each with the SHA-256 of its terms",
                 response=DraftVersionSerializer(many=True), tags=TAGS)
    @action(detail=True, methods=["get"], url_path="draft-versions", pagination_class=cursor("number"),
            filterset_class=None)
    def draft_versions(self, request: Request, pk: str) -> Response:
        return self.paginated(DraftVersion.objects.filter(credit_id=self.target().pk),
                              DraftVersionSerializer)

    @list_schema(summary="Comments on the draft, oldest first (read-only for the banks once submitted)",
                 response=DraftCommentSerializer(many=True), tags=TAGS)
    @action(detail=True, methods=["get"], url_path="draft-comments", pagination_class=cursor("created_at"),
            filterset_class=None)
    def draft_comments(self, request: Request, pk: str) -> Response:
        return self.paginated(comments_of(self.target()), DraftCommentSerializer)


def comments_of(credit: LetterOfCredit) -> QuerySet[DraftComment]:
    return DraftComment.objects.filter(credit=credit).select_related("version", "author", "credit")
