"""The forms of the portal's actions. Field names match the services' InvalidInput fields
("amount", "reason", "disposal", "maturity_date", ...) so errors land next to the field."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from lc import money
from lc.models import Disposal, DocumentType, InstructionKind, Organization, OrgKind

DATE = forms.DateInput(attrs={"type": "date"})


class AmountField(forms.CharField):
    """An amount as lc.money reads it (ASCII digits, positive, SWIFT 15d, never rounded); the
    currency's own decimals are checked by the service, whose error lands on this field."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("widget", forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}))
        super().__init__(**kwargs)

    def to_python(self, value: Any) -> Decimal | None:  # type: ignore[override]
        text = super().to_python(value)
        if text in self.empty_values:
            return None
        try:
            return money.parse_amount(text, None, "amount")
        except money.MoneyError as exc:
            raise forms.ValidationError(exc.message, code="invalid") from exc


class NoFieldsForm(forms.Form):
    """An action with nothing to enter: the button is the decision."""


class PrepareForm(forms.Form):
    """The maker completes the application's key terms before sending it to a checker."""

    amount = AmountField(label=_("Amount (32B)"))
    expiry_date = forms.DateField(label=_("Date of expiry (31D)"), widget=DATE)
    expiry_place = forms.CharField(label=_("Place of expiry (31D)"), max_length=35)
    latest_shipment = forms.DateField(label=_("Latest date of shipment (44C)"), required=False, widget=DATE)


class ApproveForm(forms.Form):
    amount = AmountField(
        label=_("Re-key the amount"),
        help_text=_("Type the credit amount again from the application, without looking at the maker's entry."),
    )


class AdviseForm(forms.Form):
    authenticity = forms.BooleanField(
        label=_("We have checked the apparent authenticity of the credit (UCP 600 art. 9(b))."), required=True)


class ConfirmForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"), widget=forms.RadioSelect,
        choices=[("confirm", _("Add our confirmation (art. 8)")),
                 ("decline", _("Decline to confirm, advise without confirmation (art. 8(d))"))])
    reason = forms.CharField(label=_("Reason or remarks"), required=False, widget=forms.Textarea(attrs={"rows": 3}))


class TransferTermsForm(forms.Form):
    """Art. 38(g): the terms a transfer may curtail; empty fields stay as in the credit."""

    amount = AmountField(label=_("Amount (32B), reduced"), required=False)
    expiry_date = forms.DateField(label=_("Date of expiry (31D), earlier"), required=False, widget=DATE)
    latest_shipment = forms.DateField(label=_("Latest date of shipment (44C), earlier"), required=False, widget=DATE)
    presentation_period_days = forms.IntegerField(label=_("Period for presentation in days (48), shorter"),
                                                  required=False, min_value=1, max_value=999)



TRANSFER_TERMS = ("amount", "expiry_date", "latest_shipment", "presentation_period_days")


def transfer_changes(cleaned: dict[str, Any], currency: str) -> dict[str, Any]:
    """A transfer form's cleaned fields as the service's `changes` (only those filled in)."""
    out: dict[str, Any] = {}
    for name in TRANSFER_TERMS:
        value = cleaned.get(name)
        if value not in (None, ""):
            out[name] = value.isoformat() if hasattr(value, "isoformat") else value
    if "amount" in out:
        # With the currency's digits, as 32B carries them; an amount with more decimals stays as
        # keyed (never rounded) for the service to refuse at the field.
        amount = out["amount"]
        out["amount"] = money.text(amount, currency) if money.q(amount, currency) == amount else f"{amount:f}"
    return out


class RequestTransferForm(TransferTermsForm):
    second_beneficiary = forms.ModelChoiceField(
        label=_("Second beneficiary"), queryset=Organization.objects.filter(kind=OrgKind.CORPORATE).order_by("name"))
    note = forms.CharField(label=_("Instructions to the transferring bank"), required=False,
                           widget=forms.Textarea(attrs={"rows": 2}))
    field_order = ["second_beneficiary", *TRANSFER_TERMS, "note"]


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}))


class OptionalReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), required=False, widget=forms.Textarea(attrs={"rows": 3}))


class ExtendConfirmationForm(forms.Form):
    extend = forms.TypedChoiceField(
        label=_("Confirmation of this amendment"), widget=forms.RadioSelect, coerce=lambda v: v == "yes",
        choices=[("yes", _("Extend our confirmation to the amendment")),
                 ("no", _("Do not extend our confirmation (art. 10(b))"))])


class WaiverForm(forms.Form):
    note = forms.CharField(label=_("Note to the applicant"), required=False, widget=forms.Textarea(attrs={"rows": 3}))


class RefuseForm(forms.Form):
    disposal = forms.ChoiceField(label=_("What we do with the documents (art. 16(c)(iii))"),
                                 choices=Disposal.choices, widget=forms.RadioSelect)


class InstructionsForm(forms.Form):
    """The presenter's instructions on documents a bank refused and holds (art. 16(c)(iii))."""

    kind = forms.ChoiceField(label=_("What the bank does with the documents"), choices=InstructionKind.choices,
                             widget=forms.RadioSelect)
    note = forms.CharField(label=_("Note to the bank"), required=False, widget=forms.Textarea(attrs={"rows": 3}))


class RePresentationForm(forms.Form):
    """eUCP art. e12: which electronic record appears corrupted, and how."""

    document = forms.UUIDField(label=_("Record that appears corrupted (document id)"))
    reason = forms.CharField(label=_("What is wrong with it"), widget=forms.Textarea(attrs={"rows": 3}))


class HonourForm(forms.Form):
    amount = AmountField(label=_("Amount to pay"),
                         help_text=_("At most the claim, the documents' amount and what the credit has available."))
    maturity_date = forms.DateField(label=_("Maturity date"), required=False, widget=DATE,
                                    help_text=_("Required for deferred payment and acceptance."))


class WithdrawForm(forms.Form):
    reason = forms.CharField(label=_("Why is this not a discrepancy?"), widget=forms.Textarea(attrs={"rows": 2}))


DISCREPANCY_CODES = [
    ("C12", "C12 · art. 6(e), 29"), ("C13", "C13 · art. 14(c)"), ("C14", "C14 · art. 20, 23, 29(c)"),
    ("C15", "C15 · art. 14(i)"), ("C16", "C16 · art. 18"), ("C17", "C17 · art. 30"), ("C18", "C18 · art. 31"),
    ("C19", "C19 · art. 32"), ("C20", "C20 · art. 20(c)"), ("C21", "C21 · art. 17"), ("C22", "C22 · art. 20(a)(iii)"),
    ("C23", "C23 · art. 26, 27"), ("C24", "C24 · art. 28"), ("C25", "C25 · art. 14(d)"), ("C27", "C27 · art. 14(j)"),
]


class AddDiscrepancyForm(forms.Form):
    code = forms.ChoiceField(label=_("Check"), choices=DISCREPANCY_CODES)
    rule = forms.CharField(label=_("UCP 600 article"), max_length=120, initial="UCP 600 art. 14(d)")
    document_type = forms.ChoiceField(label=_("Document"), required=False,
                                      choices=[("", _("The presentation as a whole")), *DocumentType.choices])
    text = forms.CharField(label=_("Discrepancy, as it will read in the refusal notice"),
                           widget=forms.Textarea(attrs={"rows": 2}))
    reason = forms.CharField(label=_("Examiner's note"), required=False)


class OverrideForm(forms.Form):
    reason = forms.CharField(label=_("Why this credit may exceed the applicant's facility"),
                             widget=forms.Textarea(attrs={"rows": 3}))
