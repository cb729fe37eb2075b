"""The one catalogue of business events: each ledger entry kind, the action that records it,
its webhook event type (if the parties are told) and its label (English, and Traditional
Chinese through the locale catalogue).

Services record an `Event` from here, never a string; the portal's timeline, the webhook
subscription choices and the access rule read the same entries. Kinds are part of the
append-only ledger: once written, a kind stays readable here for ever, so a rename changes
the label or the action, never the kind.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

SYSTEM = ""  # recorded by a timer or the rules engine, not by a person's action


@dataclass(frozen=True)
class Event:
    kind: str  # the ledger entry kind, e.g. "lc.issued"
    label: Promise
    action: str  # the service function (and access rule) that records it; SYSTEM for timers
    webhook: str = ""  # the webhook event type sent to the credit's parties, if any

    def __str__(self) -> str:
        return self.kind


def _e(kind: str, label: Promise, action: str, webhook: str = "") -> Event:
    return Event(kind, label, action, webhook)


# Credits: application, issuance (maker/checker), advice, confirmation, transfer, cancellation, expiry.
APPLICATION_CREATED = _e("lc.application_created", _("Application created"), "create_application")
APPLICATION_UPDATED = _e("lc.application_updated", _("Application updated"), "update_application")
APPLICATION_SUBMITTED = _e("lc.application_submitted", _("Application submitted to the issuing bank"),
                           "submit_application")
CREDIT_PREPARED = _e("lc.issue_prepared", _("Issuance prepared by maker"), "prepare_credit")
CREDIT_ISSUED = _e("lc.issued", _("Credit issued (MT700)"), "issue_credit", "credit.issued")
CREDIT_ADVISED = _e("lc.advised", _("Credit advised"), "advise_credit", "credit.advised")
CREDIT_CONFIRMED = _e("lc.confirmed", _("Confirmation added"), "confirm_credit", "credit.confirmed")
CONFIRMATION_DECLINED = _e("lc.confirmation_declined", _("Confirmation declined"), "confirm_credit")
CREDIT_TRANSFERRED = _e("lc.transferred", _("Credit transferred"), "transfer_credit")
CANCELLATION_REQUESTED = _e("lc.cancellation_requested", _("Cancellation requested"), "request_cancellation")
CANCELLATION_CONSENTED = _e("lc.cancellation_consented", _("Consent to cancellation"), "consent_to_cancellation")
CREDIT_CANCELLED = _e("lc.cancelled", _("Credit cancelled"), "cancel_credit", "credit.cancelled")
CREDIT_EXPIRED = _e("lc.expired", _("Credit expired"), SYSTEM, "credit.expired")
EXPIRY_WARNING = _e("lc.expiry_warning", _("Expiry warning"), SYSTEM)

# Amendments (art. 10).
AMENDMENT_PROPOSED = _e("amendment.proposed", _("Amendment proposed"), "propose_amendment")
AMENDMENT_PREPARED = _e("amendment.prepared", _("Amendment prepared by maker"), "prepare_amendment")
AMENDMENT_ISSUED = _e("amendment.issued", _("Amendment issued (MT707)"), "issue_amendment", "amendment.issued")
AMENDMENT_ACCEPTED = _e("amendment.accepted", _("Amendment accepted by beneficiary"), "accept_amendment",
                        "amendment.accepted")
AMENDMENT_REJECTED = _e("amendment.rejected", _("Amendment rejected"), "reject_amendment", "amendment.rejected")
AMENDMENT_CONFIRMATION_EXTENDED = _e("amendment.confirmation_extended", _("Confirmation extended to amendment"),
                                     "decide_amendment_confirmation")
AMENDMENT_CONFIRMATION_DECLINED = _e("amendment.confirmation_declined",
                                     _("Confirmation not extended to amendment"), "decide_amendment_confirmation")

# Presentations, examination (arts 14-16) and settlement (arts 7, 8, 12, 13).
PRESENTATION_MADE = _e("presentation.made", _("Documents presented"), "present_documents", "presentation.made")
DOCUMENT_ADDED = _e("presentation.document_added", _("Document added"), "add_document")
PRESENTATION_COMPLETED = _e("presentation.completed", _("Notice of completeness"), "notify_completeness")
ENGINE_EXAMINED = _e("presentation.engine_examined", _("Examined by the rules engine"), SYSTEM,
                     "presentation.discrepancies_found")
FOUND_COMPLYING = _e("presentation.complying", _("Examination: complying"), "conclude_examination")
FOUND_DISCREPANT = _e("presentation.discrepant", _("Examination: discrepant"), "conclude_examination")
DEADLINE_WARNING = _e("presentation.deadline_warning", _("Examination deadline warning"), SYSTEM)
WAIVER_REQUESTED = _e("presentation.waiver_requested", _("Waiver requested from applicant"), "request_waiver")
WAIVED = _e("presentation.waived", _("Discrepancies waived by applicant"), "decide_waiver")
WAIVER_DECLINED = _e("presentation.waiver_declined", _("Waiver declined by applicant"), "decide_waiver")
REFUSED = _e("presentation.refused", _("Refusal notice sent (MT734)"), "refuse_presentation",
             "presentation.refused")
HONOURED = _e("presentation.honoured", _("Presentation honoured"), "honour_presentation", "presentation.honoured")
REIMBURSED = _e("presentation.reimbursed", _("Reimbursed"), "reimburse_presentation")
SETTLED = _e("presentation.settled", _("Settled"), "settle_presentation", "presentation.settled")
DISCREPANCY_CONFIRMED = _e("discrepancy.confirmed", _("Discrepancy confirmed"), "decide_discrepancy")
DISCREPANCY_WITHDRAWN = _e("discrepancy.withdrawn", _("Discrepancy withdrawn"), "decide_discrepancy")
DISCREPANCY_ADDED = _e("discrepancy.added", _("Discrepancy added by examiner"), "add_discrepancy")

EVENTS: dict[str, Event] = {e.kind: e for e in globals().values() if isinstance(e, Event)}
WEBHOOK_TYPES: tuple[str, ...] = tuple(dict.fromkeys(e.webhook for e in EVENTS.values() if e.webhook))
ACTIONS: tuple[str, ...] = tuple(dict.fromkeys(e.action for e in EVENTS.values() if e.action != SYSTEM))


def event(kind: str) -> Event:
    """The catalogue entry of a kind read back from the ledger (KeyError if unknown)."""
    return EVENTS[kind]


def label_of(kind: str) -> str:
    """A ledger kind's label; a kind from outside this catalogue shows as written."""
    found = EVENTS.get(kind)
    return str(found.label) if found is not None else kind
