"""Input serializers: the small set of facts each business action takes (shape only; the
services decide whether the move is allowed)."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

from django.conf import settings
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from lc import money
from lc.api.schema import JSONObjectField
from lc.integrations import egress
from lc.integrations.webhooks import EVENT_TYPES
from lc.models import Disposal, InstructionKind, Organization


def org_field(**kwargs: Any) -> serializers.PrimaryKeyRelatedField:
    return serializers.PrimaryKeyRelatedField(queryset=Organization.objects.all(), **kwargs)


@extend_schema_field({"type": "string", "pattern": r"^[0-9]+(\.[0-9]+)?$", "example": "125000.00",
                      "description": "In the credit's currency, with at most its ISO 4217 decimals"})
class AmountField(serializers.Field):
    """An amount in the currency of the action's credit (or presentation), read by lc.money:
    ISO 4217 minor units (never rounded), positive, SWIFT 15d, ASCII digits: 400 otherwise.
    A JSON string or number; answered as a string with the currency's decimals."""

    def to_internal_value(self, data: Any) -> Decimal:
        try:
            return money.parse_amount(data, self._currency(), self.field_name or "amount")
        except money.MoneyError as exc:
            raise serializers.ValidationError(exc.message) from exc

    def to_representation(self, value: Any) -> str:
        return str(value)

    def _currency(self) -> str | None:
        view = self.context.get("view")
        target = view.target() if view is not None and hasattr(view, "target") else None
        return getattr(target, "currency", None) or None


def amount_field(**kwargs: Any) -> AmountField:
    return AmountField(**kwargs)


def check_terms_money(terms: dict[str, Any]) -> None:
    """32B of submitted terms, by the same rule as the services (which check again): 400 naming
    `terms.currency` or `terms.amount`."""
    try:
        money.parse_money(terms.get("currency"), terms.get("amount"))
    except money.MoneyError as exc:
        raise serializers.ValidationError({"terms": {exc.field: [exc.message]}}) from exc


class EmptyInput(serializers.Serializer):
    """No facts needed: the action is the whole request."""


# ISO 9362: institution (4, letters or digits), country (2 letters), location (2), branch (3,
# optional), in ASCII upper case only: a Cyrillic or full-width look-alike is not a BIC.
BIC = re.compile(r"[A-Z0-9]{4}[A-Z]{2}[A-Z0-9]{2}(?:[A-Z0-9]{3})?")


def validate_bics(terms: dict[str, Any]) -> None:
    """A DRF field validator: raises, or returns nothing (its value is not used)."""
    banks = terms.get("banks")
    if isinstance(banks, dict):
        for role, bank in banks.items():
            bic = bank.get("bic") if isinstance(bank, dict) else None
            if bic not in (None, "") and not (isinstance(bic, str) and BIC.fullmatch(bic)):
                raise serializers.ValidationError({f"banks.{role}.bic": "not an ISO 9362 BIC (A-Z, 0-9)"})


class CreateApplicationInput(serializers.Serializer):
    terms = JSONObjectField(help_text="The credit terms (MT700 fields as JSON); parties come from the ids.",
                            validators=[validate_bics])
    beneficiary = serializers.UUIDField(help_text="Organisation id (see /api/v1/organizations/).")
    issuing_bank = serializers.UUIDField()
    advising_bank = serializers.UUIDField()
    confirming_bank = serializers.UUIDField(required=False, allow_null=True)
    nominated_bank = serializers.UUIDField(required=False, allow_null=True)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        """The parties in one query (creation is a hot path)."""
        check_terms_money(attrs["terms"])
        names = ["beneficiary", "issuing_bank", "advising_bank", "confirming_bank", "nominated_bank"]
        found = Organization.objects.in_bulk([attrs[n] for n in names if attrs.get(n)])
        missing = {n: "no such organisation" for n in names if attrs.get(n) and attrs[n] not in found}
        if missing:
            raise serializers.ValidationError(missing)
        return {**attrs, **{n: found[attrs[n]] for n in names if attrs.get(n)}}


class TermsInput(serializers.Serializer):
    terms = JSONObjectField(validators=[validate_bics])


class IssueInput(serializers.Serializer):
    terms = JSONObjectField(required=False, help_text="Adjusted terms; omitted: the application's terms.",
                            validators=[validate_bics])


class ApproveInput(serializers.Serializer):
    amount = amount_field(help_text="The credit amount, re-keyed by the checker (four eyes).")


class ConfirmInput(serializers.Serializer):
    confirm = serializers.BooleanField(help_text="true adds confirmation; false declines (art. 8(d)).")
    reason = serializers.CharField(required=False, allow_blank=True, default="", max_length=2000)


TRANSFER_CHANGES = ("Only the terms art. 38(g) lets a transfer curtail: amount, goods (unit price), expiry_date, "
                    "presentation_period_days, latest_shipment reduced; documents (insurance percentage) raised.")


class RequestTransferInput(serializers.Serializer):
    second_beneficiary = org_field(help_text="The company the credit is to be transferred to.")
    changes = JSONObjectField(required=False, default=dict, help_text=TRANSFER_CHANGES)
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=2000)


class TransferInput(serializers.Serializer):
    """The transferring bank's maker prepares the first beneficiary's request."""

    second_beneficiary = org_field(required=False, allow_null=True, default=None,
                                   help_text="If given, must be the one the first beneficiary named.")
    changes = JSONObjectField(required=False, allow_null=True, default=None,
                              help_text=TRANSFER_CHANGES + " Omitted: the changes requested.")


class ReasonInput(serializers.Serializer):
    reason = serializers.CharField(max_length=2000, allow_blank=True)


class OptionalReasonInput(serializers.Serializer):
    reason = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")


class ProposeAmendmentInput(serializers.Serializer):
    changes = JSONObjectField(help_text="Only the changed terms, as MT707 carries them.")
    narrative = serializers.CharField(required=False, allow_blank=True, default="", max_length=10000)


class AcceptAmendmentInput(serializers.Serializer):
    accepted_fields = serializers.ListField(
        child=serializers.CharField(max_length=100), required=False, allow_null=True, default=None,
        help_text="If given, must list every changed field: partial acceptance is refused (art. 10(e)).")


class ExtendConfirmationInput(serializers.Serializer):
    extend = serializers.BooleanField()


class PresentInput(serializers.Serializer):
    """Multipart: one `data` part (a JSON object) per document and, in the same order, its `file` part."""

    presented_to = org_field()
    amount_claimed = amount_field()
    electronic = serializers.BooleanField(required=False, default=False)
    data = serializers.ListField(child=JSONObjectField(), required=False, default=list,  # type: ignore[assignment]  # the API's field name
                                 help_text="The structured data of each document, in order.")
    file = serializers.ListField(child=serializers.FileField(allow_empty_file=True), required=False, default=list,
                                 help_text="The original of each document, same order as `data` (optional).")

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if attrs["file"] and len(attrs["file"]) != len(attrs["data"]):
            raise serializers.ValidationError({"file": "give one file per data part, or none"})
        return attrs


class DocumentInput(serializers.Serializer):
    data = JSONObjectField(help_text="The document's structured data.")  # type: ignore[assignment]  # the API's field name
    file = serializers.FileField(required=False, allow_empty_file=True, help_text="The original (PDF or image).")


class AddDiscrepancyInput(serializers.Serializer):
    code = serializers.CharField(max_length=4)
    rule = serializers.CharField(max_length=120)
    text = serializers.CharField(max_length=5000)
    document_type = serializers.CharField(max_length=40, required=False, allow_blank=True, default="")
    field = serializers.CharField(max_length=80, required=False, allow_blank=True, default="")
    required = serializers.CharField(max_length=5000, required=False, allow_blank=True, default="")  # type: ignore[assignment]  # the API's field name
    found = serializers.CharField(max_length=5000, required=False, allow_blank=True, default="")
    reason = serializers.CharField(max_length=5000, required=False, allow_blank=True, default="")


class NoteInput(serializers.Serializer):
    note = serializers.CharField(max_length=5000, required=False, allow_blank=True, default="")


class DecideWaiverInput(serializers.Serializer):
    waive = serializers.BooleanField()
    note = serializers.CharField(max_length=5000, required=False, allow_blank=True, default="")


class RefuseInput(serializers.Serializer):
    disposal = serializers.ChoiceField(choices=Disposal.choices, help_text="Art. 16(c)(iii).")


class InstructionsInput(serializers.Serializer):
    kind = serializers.ChoiceField(choices=InstructionKind.choices, help_text=(
        "What the refusing bank does with the documents it holds (art. 16(c)(iii)); the latest instruction "
        "stands. Corrected documents are a new presentation."))
    note = serializers.CharField(max_length=5000, required=False, allow_blank=True, default="")


class RePresentationRequestInput(serializers.Serializer):
    document = serializers.UUIDField(help_text="The electronic record that appears corrupted (eUCP art. e12).")
    reason = serializers.CharField(max_length=5000)


class HonourInput(serializers.Serializer):
    amount = amount_field(required=False, allow_null=True, default=None,
                          help_text="Omitted: the amount claimed.")
    maturity_date = serializers.DateField(required=False, allow_null=True, default=None)


class WebhookSubscriptionInput(serializers.Serializer):
    url = serializers.URLField(max_length=500, help_text="https only, to a public address (plain http only to "
                               "loopback when the server runs with DEBUG).")
    events = serializers.ListField(child=serializers.ChoiceField(choices=EVENT_TYPES), required=False,
                                   default=list, help_text="Empty: every event.")
    active = serializers.BooleanField(required=False, default=True)

    def validate_url(self, value: str) -> str:
        """The static part of the SSRF rule; the address is checked again at each delivery."""
        try:
            egress.parse(value, debug=settings.DEBUG)
        except egress.Refused as exc:
            raise serializers.ValidationError(str(exc)) from exc
        return value


class WebhookSubscriptionUpdateInput(WebhookSubscriptionInput):
    url = serializers.URLField(max_length=500, required=False)
    events = serializers.ListField(child=serializers.ChoiceField(choices=EVENT_TYPES), required=False)
    active = serializers.BooleanField(required=False)


class ApiKeyInput(serializers.Serializer):
    name = serializers.CharField(max_length=100)
