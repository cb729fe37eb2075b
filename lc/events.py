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
    # A configuration change (who may do what, what decisions depend on): its action is a
    # service of lc.audit.services, checked by lc.audit.rules, never a credit action of lc.access.
    config: bool = False

    def __str__(self) -> str:
        return self.kind


def _e(kind: str, label: Promise, action: str, webhook: str = "") -> Event:
    return Event(kind, label, action, webhook)


def _c(kind: str, label: Promise, action: str) -> Event:
    return Event(kind, label, action, config=True)


# Credits: application, issuance (maker/checker), advice, confirmation, transfer, cancellation, expiry.
APPLICATION_CREATED = _e("lc.application_created", _("Application created"), "create_application")
APPLICATION_UPDATED = _e("lc.application_updated", _("Application updated"), "update_application")
APPLICATION_SUBMITTED = _e("lc.application_submitted", _("Application submitted to the issuing bank"),
                           "submit_application")
# Co-drafting (issue 20): the applicant shares its draft with the beneficiary, who comments
# field by field; each revision is a version with the SHA-256 of its terms. Submission freezes them.
DRAFT_SHARED = _e("draft.shared", _("Draft shared with the beneficiary for comments"), "share_draft",
                  "draft.shared")
DRAFT_REVISED = _e("draft.revised", _("Draft revised (new version)"), "revise_draft", "draft.revised")
DRAFT_COMMENTED = _e("draft.commented", _("Comment on the draft"), "comment_on_draft", "draft.commented")
DRAFT_COMMENT_RESOLVED = _e("draft.comment_resolved", _("Draft comment resolved"), "resolve_draft_comment",
                            "draft.comment_resolved")
CREDIT_PREPARED = _e("lc.issue_prepared", _("Issuance prepared by maker"), "prepare_credit")
CREDIT_ISSUED = _e("lc.issued", _("Credit issued (MT700)"), "issue_credit", "credit.issued")
CREDIT_ADVISED = _e("lc.advised", _("Credit advised"), "advise_credit", "credit.advised")
CREDIT_CONFIRMED = _e("lc.confirmed", _("Confirmation added"), "confirm_credit", "credit.confirmed")
CONFIRMATION_DECLINED = _e("lc.confirmation_declined", _("Confirmation declined"), "confirm_credit")
# Transfer (art. 38, issue 20): the first beneficiary requests, the transferring bank's maker
# prepares and its checker approves (the first credit's entry names the transferred credit,
# whose own history starts with CREDIT_TRANSFERRED_IN), then the bank advises it. Before issue
# 20 one step wrote lc.transferred; the kind is the same, its action is now the approval.
TRANSFER_REQUESTED = _e("transfer.requested", _("Transfer requested by the first beneficiary"), "request_transfer",
                        "transfer.requested")
TRANSFER_PREPARED = _e("transfer.prepared", _("Transfer prepared by maker"), "prepare_transfer")
CREDIT_TRANSFERRED = _e("lc.transferred", _("Credit transferred"), "approve_transfer", "credit.transferred")
CREDIT_TRANSFERRED_IN = _e("lc.transferred_in", _("Transferred credit created (art. 38)"), "approve_transfer")
TRANSFER_ADVISED = _e("transfer.advised", _("Transferred credit advised to the second beneficiary"),
                      "advise_transfer", "transfer.advised")
TRANSFER_REJECTED = _e("transfer.rejected", _("Transfer request rejected"), "reject_transfer", "transfer.rejected")
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
# eUCP 2.1 art. e6(c)(iii): no notice of completeness by the last day for presentation.
PRESENTATION_LAPSED = _e("presentation.lapsed", _("Deemed not presented: no notice of completeness (eUCP e6)"),
                         SYSTEM, "presentation.lapsed")
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
# After refusal (art. 16(c)(iii)): the presenter's instructions on the documents the bank holds,
# and the bank's return of them (the presentation is then closed).
INSTRUCTIONS_GIVEN = _e("presentation.instructions_given", _("Presenter's instructions on the refused documents"),
                        "give_instructions", "presentation.instructions_given")
DOCUMENTS_RETURNED = _e("presentation.documents_returned", _("Refused documents returned to the presenter"),
                        "return_documents", "presentation.documents_returned")
# eUCP 2.1 art. e12: a corrupted electronic record; the examination time stands still until it
# is re-presented (30 calendar days at most).
RE_PRESENTATION_REQUESTED = _e("presentation.re_presentation_requested",
                               _("Corrupted record: re-presentation requested (eUCP e12)"),
                               "request_re_presentation", "presentation.re_presentation_requested")
RECORD_RE_PRESENTED = _e("presentation.record_re_presented", _("Corrupted record re-presented (eUCP e12)"),
                         "re_present_record", "presentation.record_re_presented")

# SWIFT messages (issue 18): a bank imports what it received through its SWIFT interface. An
# MT700 from an issuing bank not on the platform becomes a credit "received" at the advising bank.
CREDIT_RECEIVED = _e("lc.received", _("Credit received (MT700 imported)"), "import_message")
MESSAGE_IMPORTED = _e("message.imported", _("SWIFT message imported"), "import_message")
# What a counterpart off the platform told this bank about one of its credits (or a presentation
# under it): the refusal (MT734), the payment (MT754), the reimbursement (MT756).
REFUSAL_RECORDED = _e("message.refusal_recorded", _("Counterpart's refusal recorded (MT734 imported)"),
                      "import_message", "message.refusal_recorded")
PAYMENT_RECORDED = _e("message.payment_recorded", _("Counterpart's payment recorded (MT754 imported)"),
                      "import_message", "message.payment_recorded")
REIMBURSEMENT_RECORDED = _e("message.reimbursement_recorded", _("Reimbursement recorded (MT756 imported)"),
                            "import_message", "message.reimbursement_recorded")

# Printed documents (issue 20): a person of a party prints the credit's evidence summary (its
# parties, versions, ledger entries with their checkpoints, and the evidence bundle's SHA-256).
EVIDENCE_SUMMARY_PRINTED = _e("lc.evidence_summary_printed", _("Evidence summary printed"),
                              "print_evidence_summary")


# Money (issue 13): the issuing bank's facilities per applicant, its rate table, and a credit
# officer's override of a facility limit for one issuance or one increase.
FACILITY_SET = _e("facility.set", _("Facility limit set"), "set_facility")
RATE_SET = _e("facility.rate_set", _("Exchange rate entered"), "set_rate")
FACILITY_OVERRIDDEN = _e("facility.overridden", _("Facility limit overridden by credit officer"),
                         "override_facility")

# Approval levels (issue 20): above a bank's threshold a decision needs further checkers; each
# approval short of the last is its own entry (the person, the amount, its conversion, the
# level), recorded by the action it approves; the last one completes the decision as usual.
ISSUE_APPROVED = _e("lc.issue_approved", _("Issuance approved: awaiting a further checker"), "issue_credit")
AMENDMENT_APPROVED = _e("amendment.issue_approved", _("Amendment approved: awaiting a further checker"),
                        "issue_amendment")
HONOUR_APPROVED = _e("presentation.honour_approved", _("Honour approved: awaiting a further checker"),
                     "honour_presentation")

# Configuration (issue 14): people, organisations, calendars, integrations, second factors, and
# the auditors' own acts. Subjects are immutable ids (user:<uuid>, org:<uuid>, apikey:<uuid>,
# webhook:<uuid>); names go in the payload; secrets and hashes never do.
USER_CREATED = _c("user.created", _("User created"), "create_user")
USER_CHANGED = _c("user.changed", _("User changed (roles, organisation, names, flags)"), "change_user")
USER_DEACTIVATED = _c("user.deactivated", _("User deactivated"), "set_user_active")
USER_REACTIVATED = _c("user.reactivated", _("User reactivated"), "set_user_active")
PASSWORD_SET = _c("user.password_set", _("Password set or reset"), "set_password")
ORG_CREATED = _c("org.created", _("Organisation created"), "create_organization")
ORG_CHANGED = _c("org.changed", _("Organisation changed"), "change_organization")
CLOSURE_ADDED = _c("org.closure_added", _("Bank closure or force-majeure day added"), "add_bank_closure")
CLOSURE_CHANGED = _c("org.closure_changed", _("Bank closure changed"), "change_bank_closure")
CLOSURE_REMOVED = _c("org.closure_removed", _("Bank closure removed"), "remove_bank_closure")
WORKING_DAY_ADDED = _c("org.working_day_added", _("Adjusted working day added"), "add_bank_working_day")
WORKING_DAY_REMOVED = _c("org.working_day_removed", _("Adjusted working day removed"), "remove_bank_working_day")
# Issue 20: the zone an organisation's business dates are taken in (art. 2: a banking day is a day
# the bank is open at its own place): it moves its "today", so its deadlines, like its calendar.
TIME_ZONE_CHANGED = _c("org.time_zone_changed", _("Time zone changed"), "change_time_zone")
API_KEY_CREATED = _c("apikey.created", _("API key created"), "create_api_key")
API_KEY_REVOKED = _c("apikey.revoked", _("API key revoked"), "revoke_api_key")
WEBHOOK_CREATED = _c("webhook.created", _("Webhook subscription created"), "create_webhook")
WEBHOOK_CHANGED = _c("webhook.changed", _("Webhook subscription changed"), "change_webhook")
WEBHOOK_DISABLED = _c("webhook.disabled", _("Webhook subscription disabled (delivery log kept)"), "disable_webhook")
DEVICE_ENROLLED = _c("otp.device_enrolled", _("Second-factor device enrolled"), "enrol_device")
DEVICE_REMOVED = _c("otp.device_removed", _("Second-factor device removed"), "remove_device")
# Operators' acts on the machinery that people and auditors rely on: sending a webhook again,
# publishing a failed checkpoint publication again, lifting a sign-in lock-out.
WEBHOOK_REDELIVERED = _c("webhook.redelivered", _("Webhook delivery sent again on request"), "redeliver_webhook")
PUBLICATION_REQUEUED = _c("ledger.publication_requeued", _("Failed checkpoint publication queued again"),
                          "requeue_publication")
LOCKOUT_RESET = _c("user.lockout_reset", _("Sign-in lock-out reset"), "reset_lockout")
SIGNIN_LOGS_PURGED = _c("user.signin_logs_purged", _("Old sign-in logs purged"), "purge_signin_logs")
CHAIN_VERIFIED = _c("audit.chain_verified", _("Ledger chain verified by an auditor"), "verify_chain")
READ_LOG_SEALED = _c("audit.read_log_sealed", _("Read-access log sealed into the ledger"), "seal_read_log")
# Who may do what above which amount (issue 20): a bank's approval levels.
APPROVAL_LEVEL_SET = _c("org.approval_level_set", _("Approval level set"), "set_approval_level")
APPROVAL_LEVEL_REMOVED = _c("org.approval_level_removed", _("Approval level removed"), "set_approval_level")

EVENTS: dict[str, Event] = {e.kind: e for e in globals().values() if isinstance(e, Event)}
WEBHOOK_TYPES: tuple[str, ...] = tuple(dict.fromkeys(e.webhook for e in EVENTS.values() if e.webhook))
# Credit actions: one lc.access check each. Configuration actions: one lc.audit.rules check each.
ACTIONS: tuple[str, ...] = tuple(dict.fromkeys(e.action for e in EVENTS.values()
                                               if e.action != SYSTEM and not e.config))
CONFIG_ACTIONS: tuple[str, ...] = tuple(dict.fromkeys(e.action for e in EVENTS.values() if e.config))


def event(kind: str) -> Event:
    """The catalogue entry of a kind read back from the ledger (KeyError if unknown)."""
    return EVENTS[kind]


def label_of(kind: str) -> str:
    """A ledger kind's label; a kind from outside this catalogue shows as written."""
    found = EVENTS.get(kind)
    return str(found.label) if found is not None else kind
