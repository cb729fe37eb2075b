"""Every concrete model with a write path, and how its changes are accounted for (issue 14).

LEDGERED: the ledger kinds that record the model's changes (each written by a service in the
change's transaction). DERIVED: data re-made from ledgered facts or kept for the machinery
(caches, read models, idempotency records, work queues, framework bookkeeping), with why.
tests/audit/test_model_coverage.py fails when a model is in neither, so a new model cannot
slip past unclassified.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

LEDGERED: dict[str, tuple[str, ...]] = {
    "lc.Organization": ("org.created", "org.changed"),
    "lc.User": ("user.created", "user.changed", "user.deactivated", "user.reactivated", "user.password_set"),
    "lc.BankClosure": ("org.closure_added", "org.closure_changed", "org.closure_removed"),
    "lc.BankWorkingDay": ("org.working_day_added", "org.working_day_removed"),
    "lc.ApiKey": ("apikey.created", "apikey.revoked"),
    "lc.WebhookSubscription": ("webhook.created", "webhook.changed", "webhook.disabled"),
    "otp_totp.TOTPDevice": ("otp.device_enrolled", "otp.device_removed"),
    # Passkeys: the same kinds with type "webauthn" (lc.audit.services.enrol_passkey / remove_passkey);
    # sign count and last use change at each sign-in, as a TOTP device's counters do.
    "django_otp_webauthn.WebAuthnCredential": ("otp.device_enrolled", "otp.device_removed"),
    "lc.LetterOfCredit": ("lc.application_created", "draft.shared", "lc.issued", "lc.advised", "lc.cancelled",
                          "lc.expired", "lc.transferred_in", "transfer.advised"),
    # Co-drafting (issue 20): the applicant's shared draft, its versions and the beneficiary's comments.
    "lc.DraftVersion": ("draft.shared", "draft.revised"),
    "lc.DraftComment": ("draft.commented", "draft.comment_resolved"),
    "lc.TermsVersion": ("lc.issued", "amendment.accepted", "lc.transferred_in"),
    # Transfer (art. 38, issue 20): each step of the request; the approval also writes the
    # transferred credit's first entry (lc.transferred_in) on its own subject.
    "lc.TransferRequest": ("transfer.requested", "transfer.prepared", "lc.transferred", "transfer.advised",
                           "transfer.rejected"),
    "lc.Amendment": ("amendment.proposed", "amendment.prepared", "amendment.issued", "amendment.accepted"),
    "lc.Cancellation": ("lc.cancellation_requested", "lc.cancellation_consented"),
    "lc.Presentation": ("presentation.made", "presentation.completed", "presentation.honoured",
                        "presentation.lapsed", "message.refusal_recorded", "message.reimbursement_recorded",
                        "presentation.documents_returned", "presentation.re_presentation_requested",
                        "presentation.record_re_presented"),
    "lc.Document": ("presentation.made", "presentation.document_added", "presentation.record_re_presented"),
    "lc.EngineRun": ("presentation.engine_examined",),
    "lc.Discrepancy": ("presentation.engine_examined", "discrepancy.added", "discrepancy.confirmed"),
    "lc.RefusalNotice": ("presentation.refused", "message.refusal_recorded"),
    "lc.WaiverRequest": ("presentation.waiver_requested", "presentation.waived"),
    "lc.PresenterInstruction": ("presentation.instructions_given",),
    "lc.RePresentationRequest": ("presentation.re_presentation_requested", "presentation.record_re_presented"),
    "lc.SwiftMessage": ("message.imported", "lc.received", "message.refusal_recorded", "message.payment_recorded",
                        "message.reimbursement_recorded"),
    "lc.Facility": ("facility.set",),
    "lc.Rate": ("facility.rate_set",),
    "lc.FacilityOverride": ("facility.overridden",),
    "lc.ApprovalLevel": ("org.approval_level_set", "org.approval_level_removed"),
    # Each approval short of the last has its own entry; the last is in the decision's entry.
    "lc.Approval": ("lc.issue_approved", "amendment.issue_approved", "presentation.honour_approved",
                    "lc.issued", "amendment.issued", "presentation.honoured"),
    # Written in the action's transaction; the entry's payload["documents"] holds its SHA-256.
    "lc.PrintedDocument": ("lc.advised", "amendment.issued", "presentation.refused", "lc.evidence_summary_printed"),
    "audit.VerificationRun": ("audit.chain_verified",),
    "audit.ReadAccess": ("audit.read_log_sealed",),  # its own chain, sealed into the ledger
}

DERIVED: dict[str, str] = {
    "ledger.Entry": "the ledger itself (append-only, hash-chained)",
    "ledger.PendingEntry": "the ledger's intake queue",
    "ledger.TreeNode": "Merkle nodes recomputable from the entries",
    "ledger.Checkpoint": "signed tree heads over the entries (evidence of the ledger itself)",
    "ledger.Receipt": "publication work records of checkpoints (an operator's requeue: ledger.publication_requeued)",
    "ledger.Cosignature": "witnesses' signatures on checkpoints (evidence of the ledger itself)",
    "ledger.Witnessed": "when a checkpoint met the witness policy, derived from cosignatures",
    "ledger.WitnessStatus": "last exchange with each witness (operator's status view)",
    "outbox.Message": "after-commit work queue of committed changes",
    "lc.IdempotencyRecord": "replay cache of API responses (purged after IDEMPOTENCY_TTL_HOURS)",
    "lc.WebhookDelivery": "delivery log of events already in the ledger (a redelivery: webhook.redelivered)",
    "lc.AvailabilityAccount": "read model of a credit's money, from the ledgered money effects",
    "lc.Utilisation": "read model of drawings and reservations, from ledgered presentation entries",
    "lc.Exposure": "read model of facility use, from ledgered issuances and drawings",
    "admin.LogEntry": "the admin's own history; every change it makes goes through a ledgered service",
    "auth.Permission": "framework table written by migrate",
    "auth.Group": "unused (no admin, no service): roles live on lc.User and are ledgered",
    "contenttypes.ContentType": "framework table written by migrate",
    "django_otp_webauthn.WebAuthnAttestation": "the authenticator's attestation, stored with its passkey's "
                                               "ledgered registration and deleted with it",
    "django_otp_webauthn.WebAuthnUserHandle": "a person's random WebAuthn user handle, made at their first "
                                              "passkey registration (ledgered)",
    "sessions.Session": "sign-in sessions (who opened what is in the read-access log)",
    "axes.AccessAttempt": "failed sign-in counters of django-axes (a reset: user.lockout_reset)",
    "axes.AccessAttemptExpiration": "django-axes lockout expiry",
    "axes.AccessFailureLog": "django-axes failure log (read-only in the admin; a purge: user.signin_logs_purged)",
    "axes.AccessLog": "django-axes sign-in log (read-only in the admin; a purge: user.signin_logs_purged)",
}


def concrete_models() -> list[Any]:
    from django.apps import apps

    return [m for m in apps.get_models() if not m._meta.abstract and not m._meta.proxy and m._meta.managed]


def unaccounted(models: Iterable[Any]) -> list[str]:
    """Models neither ledgered nor marked derived: each is a change nobody would see."""
    return sorted(m._meta.label for m in models if m._meta.label not in LEDGERED and m._meta.label not in DERIVED)
