"""Every business action of the lc app: one function, one transaction, one ledger entry."""

from lc.services.amendments import (
    accept_amendment,
    decide_amendment_confirmation,
    issue_amendment,
    prepare_amendment,
    propose_amendment,
    reject_amendment,
)
from lc.services.corrupted_records import re_present_record, request_re_presentation
from lc.services.credits import (
    advise_credit,
    cancel_credit,
    confirm_credit,
    consent_to_cancellation,
    create_application,
    expire_credit,
    issue_credit,
    prepare_credit,
    request_cancellation,
    submit_application,
    update_application,
)
from lc.services.drafting import comment_on_draft, resolve_draft_comment, revise_draft, share_draft
from lc.services.evidence import print_evidence_summary
from lc.services.examination import (
    add_discrepancy,
    conclude_examination,
    decide_discrepancy,
    decide_waiver,
    record_engine_result,
    refuse_presentation,
    request_waiver,
)
from lc.services.facilities import override_facility, set_facility, set_rate
from lc.services.instructions import give_instructions, return_documents
from lc.services.presentations import DocumentInput, add_document, notify_completeness, present_documents
from lc.services.settlement import honour_presentation, reimburse_presentation, settle_presentation
from lc.services.timers import run_timers
from lc.services.transfers import (
    advise_transfer,
    approve_transfer,
    prepare_transfer,
    reject_transfer,
    request_transfer,
)

__all__ = [
    "DocumentInput",
    "accept_amendment",
    "add_discrepancy",
    "add_document",
    "advise_credit",
    "advise_transfer",
    "approve_transfer",
    "cancel_credit",
    "comment_on_draft",
    "conclude_examination",
    "confirm_credit",
    "consent_to_cancellation",
    "create_application",
    "decide_amendment_confirmation",
    "decide_discrepancy",
    "decide_waiver",
    "expire_credit",
    "give_instructions",
    "honour_presentation",
    "issue_amendment",
    "issue_credit",
    "notify_completeness",
    "override_facility",
    "prepare_amendment",
    "prepare_credit",
    "prepare_transfer",
    "present_documents",
    "print_evidence_summary",
    "propose_amendment",
    "re_present_record",
    "record_engine_result",
    "refuse_presentation",
    "reimburse_presentation",
    "reject_amendment",
    "reject_transfer",
    "request_cancellation",
    "request_re_presentation",
    "request_transfer",
    "request_waiver",
    "resolve_draft_comment",
    "return_documents",
    "revise_draft",
    "run_timers",
    "set_facility",
    "set_rate",
    "settle_presentation",
    "share_draft",
    "submit_application",
    "update_application",
]
