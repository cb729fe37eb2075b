"""Output serializers: what the API shows of each resource (read-only, no business logic)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import models
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from lc import money
from lc.models import (
    PARTY_FIELDS,
    Amendment,
    ApiKey,
    Cancellation,
    Confirmation,
    CreditState,
    Discrepancy,
    Document,
    HonourType,
    LetterOfCredit,
    Organization,
    Presentation,
    PresenterInstruction,
    PrintedDocument,
    RefusalNotice,
    RePresentationRequest,
    TermsVersion,
    TransferRequest,
    WaiverRequest,
    WebhookDelivery,
    WebhookSubscription,
)
from lc.services.money import availability_summary, facility_summary
from lc.services.progress import ExaminationProgress, examination_progress


class UtcDateTimeField(serializers.DateTimeField):
    """API date-times are UTC (`2026-11-22T09:30:00.000000Z`) whatever TIME_ZONE is, so an ERP
    in another country never guesses an offset. Business dates (banking days, presentation
    dates) stay in the bank's time zone: only the rendering is UTC."""

    def default_timezone(self) -> Any:
        return dt.UTC


class ApiModelSerializer(serializers.ModelSerializer):
    serializer_field_mapping = {**serializers.ModelSerializer.serializer_field_mapping,
                                models.DateTimeField: UtcDateTimeField}


class OrganizationSerializer(ApiModelSerializer):
    class Meta:
        model = Organization
        fields = ["id", "name", "kind", "bic", "country", "city"]
        read_only_fields = fields




_DATETIME = UtcDateTimeField()


def org_card(org: Organization) -> dict[str, Any]:
    return {"id": str(org.id), "name": org.name, "kind": org.kind, "bic": org.bic, "country": org.country,
            "city": org.city}


def _when(value: Any) -> Any:
    return None if value is None else _DATETIME.to_representation(value)


class CreditSerializer(serializers.Serializer):
    """A credit as lists show it. The list itself is built by PostgreSQL in this shape
    (lc.api.credit_list; tests hold the two equal); this class documents it and serves the
    detail view and the actions' answers."""

    id = serializers.UUIDField()
    reference = serializers.CharField()
    state = serializers.ChoiceField(choices=CreditState.choices)
    applicant = OrganizationSerializer()
    beneficiary = OrganizationSerializer()
    issuing_bank = OrganizationSerializer()
    advising_bank = OrganizationSerializer()
    confirming_bank = OrganizationSerializer(allow_null=True)
    nominated_bank = OrganizationSerializer(allow_null=True)
    second_beneficiary = OrganizationSerializer(allow_null=True)
    transferred_from = serializers.UUIDField(allow_null=True)
    currency = serializers.CharField()
    amount = serializers.DecimalField(max_digits=18, decimal_places=4, coerce_to_string=True,
                                      help_text="With the currency's own ISO 4217 decimals (KWD 1000.125).")
    drawn_amount = serializers.DecimalField(max_digits=18, decimal_places=4, coerce_to_string=True)
    expiry_date = serializers.DateField()
    confirmation = serializers.ChoiceField(choices=Confirmation.choices)
    terms_version = serializers.IntegerField(allow_null=True, help_text="Current version of the terms (null before issue).")
    created_at = UtcDateTimeField()
    updated_at = UtcDateTimeField()
    issued_at = UtcDateTimeField(allow_null=True)
    closed_at = UtcDateTimeField(allow_null=True)

    def to_representation(self, credit: LetterOfCredit) -> dict[str, Any]:
        def party(name: str) -> dict[str, Any] | None:
            return None if getattr(credit, f"{name}_id") is None else org_card(getattr(credit, name))

        version = credit.current_terms.number if credit.current_terms is not None else None
        return {
            "id": str(credit.id), "reference": credit.reference, "state": credit.state,
            **{name: party(name) for name in PARTY_FIELDS},
            "transferred_from": str(credit.transferred_from_id) if credit.transferred_from_id else None,
            "currency": credit.currency, "amount": money.text(credit.amount, credit.currency),
            "drawn_amount": money.text(credit.drawn_amount, credit.currency), "expiry_date": credit.expiry_date.isoformat(),
            "confirmation": credit.confirmation, "terms_version": version,
            "created_at": _when(credit.created_at), "updated_at": _when(credit.updated_at),
            "issued_at": _when(credit.issued_at), "closed_at": _when(credit.closed_at),
        }


class CreditDetailSerializer(CreditSerializer):
    terms = serializers.JSONField(help_text="The current terms once issued; the application's draft terms before.")
    draft_shared_at = UtcDateTimeField(allow_null=True, help_text="When the applicant shared its draft with the "
                                       "beneficiary for comments (issue 20); null if never.")

    def to_representation(self, credit: LetterOfCredit) -> dict[str, Any]:
        terms = credit.current_terms.terms if credit.current_terms is not None else credit.draft_terms
        return {**super().to_representation(credit), "terms": terms, "draft_shared_at": _when(credit.draft_shared_at)}


class TermsVersionSerializer(ApiModelSerializer):
    terms = serializers.JSONField(read_only=True)

    class Meta:
        model = TermsVersion
        fields = ["id", "credit", "number", "amendment", "terms", "created_at"]
        read_only_fields = fields


class PrintedDocumentSerializer(ApiModelSerializer):
    """A PDF an action produced (issue 20); its bytes are at `printed/{sha256}/` under the credit,
    and the same SHA-256 is in the `documents` of that action's ledger entry."""

    class Meta:
        model = PrintedDocument
        fields = ["id", "credit", "kind", "lang", "sha256", "size", "amendment", "presentation", "created_at"]
        read_only_fields = fields


class CancellationSerializer(ApiModelSerializer):
    class Meta:
        model = Cancellation
        fields = ["credit", "reason", "requested_at", "confirming_bank_consent_at", "beneficiary_consent_at"]
        read_only_fields = fields


class TransferRequestSerializer(ApiModelSerializer):
    """A transfer (art. 38): requested, prepared (maker), transferred (checker), advised; or rejected."""

    changes = serializers.JSONField(read_only=True, help_text="The curtailed terms (art. 38(g)).")

    class Meta:
        model = TransferRequest
        fields = ["id", "credit", "state", "second_beneficiary", "changes", "note", "reason", "transferred_credit",
                  "requested_at", "prepared_at", "approved_at", "advised_at", "rejected_at"]
        read_only_fields = fields


class AmendmentSerializer(ApiModelSerializer):
    changes = serializers.JSONField(read_only=True)
    base_version = serializers.SlugRelatedField(slug_field="number", read_only=True)  # type: ignore[var-annotated]

    class Meta:
        model = Amendment
        fields = ["id", "credit", "number", "state", "base_version", "changes", "narrative",
                  "confirmation_extended", "created_at", "issued_at", "decided_at"]
        read_only_fields = fields


class DocumentSerializer(ApiModelSerializer):
    data = serializers.JSONField(read_only=True)  # type: ignore[assignment]  # the API's field name

    class Meta:
        model = Document
        fields = ["id", "presentation", "doc_type", "data", "sha256", "content_type", "size", "original_name",
                  "uploaded_at"]
        read_only_fields = fields


class PresentationSerializer(ApiModelSerializer):
    amount_claimed = serializers.DecimalField(max_digits=18, decimal_places=4, read_only=True)
    honoured_amount = serializers.DecimalField(max_digits=18, decimal_places=4, read_only=True, allow_null=True)
    terms_version = serializers.SlugRelatedField(slug_field="number", read_only=True)  # type: ignore[var-annotated]
    honour_type = serializers.ChoiceField(choices=HonourType.choices, allow_blank=True, read_only=True)
    examination = serializers.SerializerMethodField(
        help_text="The rules engine's run: not_started, queued, running, done or failed (conclusion waits for done).")

    @extend_schema_field(serializers.ChoiceField(choices=ExaminationProgress.choices))
    def get_examination(self, instance: Presentation) -> str:
        return str(examination_progress(instance))

    class Meta:
        model = Presentation
        fields = ["id", "credit", "number", "state", "examination", "presenter", "presented_to", "terms_version",
                  "electronic",
                  "amount_claimed", "currency", "presented_on", "examination_deadline", "examined_at",
                  "honour_type", "maturity_date", "honoured_amount", "honoured_at", "reimbursed_at", "settled_at",
                  "created_at"]
        read_only_fields = fields

    def to_representation(self, instance: Any) -> dict[str, Any]:
        """Amounts with the currency's own decimals, the digits the portal and the ledger show."""
        data: dict[str, Any] = super().to_representation(instance)
        for name in ("amount_claimed", "honoured_amount"):
            value = getattr(instance, name)
            data[name] = None if value is None else money.text(value, instance.currency)
        return data


class PresenterInstructionSerializer(ApiModelSerializer):
    class Meta:
        model = PresenterInstruction
        fields = ["id", "presentation", "kind", "note", "at"]
        read_only_fields = fields


class RePresentationSerializer(ApiModelSerializer):
    class Meta:
        model = RePresentationRequest
        fields = ["id", "presentation", "document", "reason", "requested_at", "days_used", "deadline_before",
                  "re_present_by", "replacement", "re_presented_at"]
        read_only_fields = fields


class PresentationDetailSerializer(PresentationSerializer):
    documents = DocumentSerializer(many=True, read_only=True)
    instructions = PresenterInstructionSerializer(many=True, read_only=True, help_text=(
        "The presenter's instructions after a refusal (art. 16(c)(iii)), oldest first; the latest stands."))
    re_presentations = RePresentationSerializer(many=True, read_only=True, help_text=(
        "Corrupted records the bank asked to be re-presented (eUCP art. e12), and their re-presentation."))

    class Meta(PresentationSerializer.Meta):
        fields = [*PresentationSerializer.Meta.fields, "documents", "instructions", "re_presentations"]
        read_only_fields = fields


def _viewer_org(serializer: serializers.Serializer) -> Any:
    """The organisation of the person reading (None for platform staff): internal notes are its own only."""
    request = serializer.context.get("request")
    return getattr(getattr(request, "user", None), "organization_id", None)


class DiscrepancySerializer(ApiModelSerializer):
    reason = serializers.SerializerMethodField(help_text=(
        "The examiner's note: shown to the examining bank only (empty for everyone else)."))

    class Meta:
        model = Discrepancy
        fields = ["id", "presentation", "code", "rule", "document_type", "field", "required", "found", "text",
                  "source", "status", "reason", "created_at"]
        read_only_fields = fields

    def get_reason(self, disc: Discrepancy) -> str:
        """Internal to the organisation that wrote it (issue 17; lc.services.visibility)."""
        viewer = _viewer_org(self)
        writer = disc.decided_by.organization_id if disc.decided_by is not None else None
        return disc.reason if viewer is not None and viewer == writer else ""


class RefusalNoticeSerializer(ApiModelSerializer):
    discrepancies = serializers.JSONField(read_only=True)

    class Meta:
        model = RefusalNotice
        fields = ["id", "presentation", "refusing_bank", "disposal", "discrepancies", "text", "sent_at",
                  "within_deadline"]
        read_only_fields = fields


class WaiverSerializer(ApiModelSerializer):
    note = serializers.SerializerMethodField(help_text=(
        "The requesting bank's note: shown to that bank only (empty for everyone else)."))
    decision_note = serializers.SerializerMethodField(help_text=(
        "The applicant's note on its decision: shown to the applicant only (empty for everyone else)."))

    class Meta:
        model = WaiverRequest
        fields = ["id", "presentation", "requested_at", "decision", "decided_at", "note", "decision_note"]
        read_only_fields = fields

    def get_note(self, waiver: WaiverRequest) -> str:
        """Internal to the organisation that wrote it (issue 17; lc.services.visibility)."""
        viewer = _viewer_org(self)
        return waiver.note if viewer is not None and viewer == waiver.requested_by.organization_id else ""

    def get_decision_note(self, waiver: WaiverRequest) -> str:
        viewer = _viewer_org(self)
        writer = waiver.decided_by.organization_id if waiver.decided_by is not None else None
        return waiver.decision_note if viewer is not None and viewer == writer else ""


class LedgerEntrySerializer(serializers.Serializer):
    seq = serializers.IntegerField(allow_null=True, help_text="Position in the chain; null while pending.")
    kind = serializers.CharField()
    subject = serializers.CharField()
    actor = serializers.CharField(help_text="user:<uuid> for a person of your organisation; another organisation's "
                                  "person shows as that organisation, org:<uuid>.")
    actor_name = serializers.CharField(help_text="The person's name (your organisation) or the organisation's name.")
    actor_org = serializers.CharField()
    at = UtcDateTimeField()
    hash = serializers.CharField(allow_null=True, help_text="Hex SHA-256 chain hash; null while pending.")
    payload = serializers.JSONField()
    redacted = serializers.ListField(child=serializers.CharField(), help_text=(
        "Payload keys left out: another organisation's internal notes (the chain hash covers the full payload)."))
    proof_status = serializers.ChoiceField(
        choices=["pending", "sequenced", "anchored", "witnessed"],
        help_text="pending: committed, not yet in the chain; sequenced: in the chain; anchored: covered by a "
                  "signed checkpoint (seq <= its size); witnessed: covered by a checkpoint that the witness "
                  "policy's quorum of counterparty banks cosigned (GET /ledger/checkpoint shows their lines).")
    checkpoint_size = serializers.IntegerField(allow_null=True, help_text="The first checkpoint containing it.")
    witnessed_size = serializers.IntegerField(allow_null=True, help_text=(
        "The first witnessed checkpoint containing it; null until one is."))


class WebhookSubscriptionSerializer(ApiModelSerializer):
    events = serializers.ListField(child=serializers.CharField(), read_only=True)

    class Meta:
        model = WebhookSubscription
        fields = ["id", "url", "events", "active", "created_at"]
        read_only_fields = fields


class WebhookSubscriptionCreatedSerializer(WebhookSubscriptionSerializer):
    secret = serializers.CharField(read_only=True, help_text="Shown once: verify signatures with it.")

    class Meta(WebhookSubscriptionSerializer.Meta):
        fields = [*WebhookSubscriptionSerializer.Meta.fields, "secret"]
        read_only_fields = fields


class WebhookDeliverySerializer(ApiModelSerializer):
    payload = serializers.JSONField(read_only=True)

    class Meta:
        model = WebhookDelivery
        fields = ["id", "subscription", "event_id", "event_type", "payload", "status", "attempts",
                  "last_status_code", "last_error", "created_at", "delivered_at"]
        read_only_fields = fields


class ApiKeySerializer(ApiModelSerializer):
    user = serializers.SlugRelatedField(slug_field="username", read_only=True)  # type: ignore[var-annotated]

    class Meta:
        model = ApiKey
        fields = ["id", "name", "prefix", "user", "created_at", "last_used_at", "revoked_at"]
        read_only_fields = fields


class ApiKeyCreatedSerializer(ApiKeySerializer):
    key = serializers.CharField(read_only=True, help_text="The full key, shown once: send it as "
                                                          "`Authorization: Bearer <key>`.")

    class Meta(ApiKeySerializer.Meta):
        fields = [*ApiKeySerializer.Meta.fields, "key"]
        read_only_fields = fields


class AvailabilitySerializer(serializers.Serializer):
    """A credit's availability account (issue 13): available = maximum - reserved - drawn - earmarked."""

    def to_representation(self, instance: Any) -> dict[str, Any]:
        return super().to_representation(availability_summary(instance))

    credit = serializers.UUIDField()
    currency = serializers.CharField()
    maximum = serializers.CharField(help_text="Amount with the 39A plus tolerance, or +10% when \"about\" (art. 30(a)).")
    reserved = serializers.CharField(help_text="Claimed by presentations under examination.")
    drawn = serializers.CharField(help_text="Honoured (settled drawings included).")
    earmarked = serializers.CharField(help_text="Transferred to a second beneficiary (art. 38).")
    settled = serializers.CharField()
    available = serializers.CharField()


class FacilitySerializer(serializers.Serializer):
    """An applicant's facility at its issuing bank and its utilisation (live credits' liabilities)."""

    id = serializers.UUIDField()
    bank = serializers.UUIDField()
    applicant = serializers.UUIDField()
    currency = serializers.CharField()
    limit = serializers.CharField()
    expiry_date = serializers.DateField()
    utilised = serializers.CharField(allow_null=True, help_text="In the facility's currency at the bank's rates; "
                                                               "null when a rate is missing.")
    exposure = serializers.DictField(child=serializers.CharField(), help_text="Per credit currency.")

    def to_representation(self, instance: Any) -> dict[str, Any]:
        return super().to_representation(facility_summary(instance))
