from lc.models.credits import (
    AMENDMENT_MOVES,
    CREDIT_MOVES,
    LIVE_STATES,
    PARTY_FIELDS,
    Amendment,
    AmendmentState,
    Cancellation,
    Confirmation,
    CreditState,
    LetterOfCredit,
    TermsVersion,
    party_q,
)
from lc.models.integration import ApiKey, IdempotencyRecord, WebhookDelivery, WebhookSubscription
from lc.models.messages import Direction, Outcome, SwiftMessage
from lc.models.parties import BankClosure, Organization, OrgKind, Role, User, closure_sets
from lc.models.presentations import (
    OPEN_FOR_EXAMINATION,
    PRESENTATION_MOVES,
    Certainty,
    Discrepancy,
    DiscrepancyStatus,
    Disposal,
    Document,
    DocumentType,
    EngineRun,
    HonourType,
    Presentation,
    PresentationState,
    RefusalNotice,
    WaiverDecision,
    WaiverRequest,
)

__all__ = [
    "AMENDMENT_MOVES", "CREDIT_MOVES", "LIVE_STATES", "OPEN_FOR_EXAMINATION", "PARTY_FIELDS", "PRESENTATION_MOVES",
    "Amendment", "AmendmentState", "ApiKey", "BankClosure", "Cancellation", "Certainty", "Confirmation",
    "CreditState", "Direction", "Discrepancy", "DiscrepancyStatus", "Disposal", "Document", "DocumentType", "EngineRun",
    "HonourType", "IdempotencyRecord", "LetterOfCredit", "OrgKind", "Organization", "Outcome", "Presentation",
    "PresentationState", "RefusalNotice", "Role", "SwiftMessage", "TermsVersion", "User", "WaiverDecision",
    "WaiverRequest", "WebhookDelivery", "WebhookSubscription", "closure_sets", "party_q",
]
