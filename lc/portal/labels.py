"""Translated names of states, roles and ledger entry kinds, as the portal shows them."""

from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

CREDIT_STATES: dict[str, Promise] = {
    "draft": _("Application draft"),
    "submitted": _("Application submitted"),
    "pending_approval": _("Awaiting checker"),
    "issued": _("Issued"),
    "advised": _("Advised"),
    "settled": _("Settled"),
    "cancelled": _("Cancelled"),
    "expired": _("Expired"),
}

PRESENTATION_STATES: dict[str, Promise] = {
    "received": _("Received (incomplete)"),
    "under_examination": _("Under examination"),
    "complying": _("Complying"),
    "discrepant": _("Discrepant"),
    "waiver_requested": _("Waiver requested"),
    "refused": _("Refused"),
    "honoured": _("Honoured"),
    "reimbursed": _("Reimbursed"),
    "settled": _("Settled"),
}

AMENDMENT_STATES: dict[str, Promise] = {
    "proposed": _("Proposed by applicant"),
    "pending_approval": _("Awaiting checker"),
    "issued": _("Issued, awaiting beneficiary"),
    "accepted": _("Accepted"),
    "rejected": _("Rejected"),
}

DISCREPANCY_STATUSES: dict[str, Promise] = {
    "proposed": _("Proposed by the engine"),
    "confirmed": _("Confirmed"),
    "withdrawn": _("Withdrawn"),
}

CONFIRMATION: dict[str, Promise] = {
    "not_requested": _("Not requested"),
    "requested": _("Requested"),
    "confirmed": _("Confirmed"),
    "declined": _("Declined"),
}

DISPOSALS: dict[str, Promise] = {
    "hold_pending_instructions": _("Holding documents pending further instructions"),
    "hold_until_waiver": _("Holding documents until a waiver is received from the applicant"),
    "returning": _("Returning the documents"),
    "prior_instructions": _("Acting in accordance with instructions previously received"),
}

ROLES: dict[str, Promise] = {
    "maker": _("Maker"),
    "checker": _("Checker"),
    "examiner": _("Document examiner"),
    "auditor": _("Auditor"),
    "administrator": _("Administrator"),
    "api_client": _("API client"),
}

DOCUMENT_TYPES: dict[str, Promise] = {
    "commercial_invoice": _("Commercial invoice"),
    "draft": _("Draft (bill of exchange)"),
    "ocean_bill_of_lading": _("Ocean bill of lading"),
    "air_waybill": _("Air waybill"),
    "insurance_certificate": _("Insurance certificate"),
    "insurance_policy": _("Insurance policy"),
    "insurance_cover_note": _("Insurance cover note"),
    "certificate_of_origin": _("Certificate of origin"),
    "packing_list": _("Packing list"),
    "inspection_certificate": _("Inspection certificate"),
}

LEDGER_KINDS: dict[str, Promise] = {
    "lc.application_created": _("Application created"),
    "lc.application_updated": _("Application updated"),
    "lc.application_submitted": _("Application submitted to the issuing bank"),
    "lc.issue_prepared": _("Issuance prepared by maker"),
    "lc.issued": _("Credit issued (MT700)"),
    "lc.advised": _("Credit advised"),
    "lc.confirmed": _("Confirmation added"),
    "lc.confirmation_declined": _("Confirmation declined"),
    "lc.transferred": _("Credit transferred"),
    "lc.cancellation_requested": _("Cancellation requested"),
    "lc.cancellation_consented": _("Consent to cancellation"),
    "lc.cancelled": _("Credit cancelled"),
    "lc.expired": _("Credit expired"),
    "lc.expiry_warning": _("Expiry warning"),
    "amendment.proposed": _("Amendment proposed"),
    "amendment.prepared": _("Amendment prepared by maker"),
    "amendment.issued": _("Amendment issued (MT707)"),
    "amendment.accepted": _("Amendment accepted by beneficiary"),
    "amendment.rejected": _("Amendment rejected"),
    "amendment.confirmation_extended": _("Confirmation extended to amendment"),
    "amendment.confirmation_declined": _("Confirmation not extended to amendment"),
    "presentation.made": _("Documents presented"),
    "presentation.document_added": _("Document added"),
    "presentation.completed": _("Notice of completeness"),
    "presentation.engine_examined": _("Examined by the rules engine"),
    "presentation.complying": _("Examination: complying"),
    "presentation.discrepant": _("Examination: discrepant"),
    "presentation.deadline_warning": _("Examination deadline warning"),
    "presentation.waiver_requested": _("Waiver requested from applicant"),
    "presentation.waived": _("Discrepancies waived by applicant"),
    "presentation.waiver_declined": _("Waiver declined by applicant"),
    "presentation.refused": _("Refusal notice sent (MT734)"),
    "presentation.honoured": _("Presentation honoured"),
    "presentation.reimbursed": _("Reimbursed"),
    "presentation.settled": _("Settled"),
    "discrepancy.confirmed": _("Discrepancy confirmed"),
    "discrepancy.withdrawn": _("Discrepancy withdrawn"),
    "discrepancy.added": _("Discrepancy added by examiner"),
}


def label(table: dict[str, Promise], value: str) -> str:
    return str(table.get(value, value.replace("_", " ")))


STATE_TABLES: dict[str, dict[str, Promise]] = {
    "credit": CREDIT_STATES, "presentation": PRESENTATION_STATES, "amendment": AMENDMENT_STATES,
    "discrepancy": DISCREPANCY_STATUSES,
}


def decorate(obj: object, kind: str, attr: str = "state") -> object:
    """Give a row its translated state name (templates cannot look up a dict by variable)."""
    value = str(getattr(obj, attr, ""))
    obj.state_label = label(STATE_TABLES[kind], value)  # type: ignore[attr-defined]
    return obj
