"""Presentations of documents, examination, discrepancies, refusal, waiver and honour."""

from __future__ import annotations

import uuid
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from lc.models.credits import LetterOfCredit
from lc.models.parties import Organization


class PresentationState(models.TextChoices):
    RECEIVED = "received", _("Received (incomplete)")
    UNDER_EXAMINATION = "under_examination", _("Under examination")
    COMPLYING = "complying", _("Complying")
    DISCREPANT = "discrepant", _("Discrepant")
    WAIVER_REQUESTED = "waiver_requested", _("Waiver requested")
    REFUSED = "refused", _("Refused")
    HONOURED = "honoured", _("Honoured")
    REIMBURSED = "reimbursed", _("Reimbursed")
    SETTLED = "settled", _("Settled")
    # eUCP 2.1 art. e6(c)(iii): no notice of completeness by the last day for presentation.
    LAPSED = "lapsed", _("Deemed not presented (eUCP e6)")
    # Art. 16(c)(iii): the refusing bank sent the held documents back (on the presenter's
    # instruction, or as its notice said): nothing more can be drawn under this presentation.
    RETURNED = "returned", _("Refused, documents returned")


PRESENTATION_MOVES: dict[str, set[str]] = {
    # The notice of completeness starts the examination; without it by the last day for
    # presentation, the timer deems the presentation not made (lc.services.timers).
    PresentationState.RECEIVED: {PresentationState.UNDER_EXAMINATION, PresentationState.LAPSED},
    PresentationState.UNDER_EXAMINATION: {PresentationState.COMPLYING, PresentationState.DISCREPANT},
    PresentationState.COMPLYING: {PresentationState.HONOURED},
    PresentationState.DISCREPANT: {
        PresentationState.WAIVER_REQUESTED, PresentationState.REFUSED, PresentationState.HONOURED,
    },
    # Art. 16(b): asking for a waiver does not extend the deadline; the bank may still refuse.
    PresentationState.WAIVER_REQUESTED: {PresentationState.HONOURED, PresentationState.REFUSED},
    # After the single notice, honour only on an act following it (the applicant's waiver, with
    # the presenter's instructions allowing it: lc.access.check_honour_presentation), or the
    # documents go back; the two exclude each other.
    PresentationState.REFUSED: {PresentationState.HONOURED, PresentationState.RETURNED},
    PresentationState.HONOURED: {PresentationState.REIMBURSED, PresentationState.SETTLED},
    PresentationState.REIMBURSED: {PresentationState.SETTLED},
    PresentationState.SETTLED: set(),
    PresentationState.LAPSED: set(),
    PresentationState.RETURNED: set(),
}
OPEN_FOR_EXAMINATION = (
    PresentationState.UNDER_EXAMINATION, PresentationState.DISCREPANT, PresentationState.WAIVER_REQUESTED,
)


class HonourType(models.TextChoices):
    SIGHT = "sight", "Sight payment"
    DEFERRED = "deferred", "Deferred payment"
    ACCEPTANCE = "acceptance", "Acceptance"
    NEGOTIATION = "negotiation", "Negotiation"


class Disposal(models.TextChoices):
    """Art. 16(c)(iii): what the refusing bank does with the documents."""

    HOLD_PENDING_INSTRUCTIONS = "hold_pending_instructions", _("Holding documents pending further instructions")
    HOLD_UNTIL_WAIVER = "hold_until_waiver", _("Holding documents until a waiver is received from the applicant")
    RETURNING = "returning", _("Returning the documents")
    PRIOR_INSTRUCTIONS = "prior_instructions", _("Acting in accordance with instructions previously received")


class DocumentType(models.TextChoices):
    """The document types the examination engine knows (lc.examination.doctypes.DocType)."""

    COMMERCIAL_INVOICE = "commercial_invoice", _("Commercial invoice")
    DRAFT = "draft", _("Draft (bill of exchange)")
    OCEAN_BILL_OF_LADING = "ocean_bill_of_lading", _("Ocean bill of lading")
    AIR_WAYBILL = "air_waybill", _("Air waybill")
    INSURANCE_CERTIFICATE = "insurance_certificate", _("Insurance certificate")
    INSURANCE_POLICY = "insurance_policy", _("Insurance policy")
    INSURANCE_COVER_NOTE = "insurance_cover_note", _("Insurance cover note")
    CERTIFICATE_OF_ORIGIN = "certificate_of_origin", _("Certificate of origin")
    PACKING_LIST = "packing_list", _("Packing list")
    INSPECTION_CERTIFICATE = "inspection_certificate", _("Inspection certificate")


class PresentationQuerySet(models.QuerySet["Presentation"]):
    def visible_to(self, org: Organization | None) -> PresentationQuerySet:
        return self.filter(credit__in=LetterOfCredit.objects.visible_to(org))

    def awaiting_examination(self) -> PresentationQuerySet:
        return self.filter(state__in=OPEN_FOR_EXAMINATION)


class Presentation(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    credit = models.ForeignKey(LetterOfCredit, models.PROTECT, related_name="presentations")
    number = models.PositiveIntegerField()
    state = models.CharField(max_length=20, choices=PresentationState.choices, default=PresentationState.RECEIVED)
    presenter = models.ForeignKey(Organization, models.PROTECT, related_name="+")
    presented_to = models.ForeignKey(Organization, models.PROTECT, related_name="presentations_received")
    terms_version = models.ForeignKey("TermsVersion", models.PROTECT, related_name="+")
    electronic = models.BooleanField(default=False)  # eUCP: examination starts at notice of completeness
    amount_claimed = models.DecimalField(max_digits=18, decimal_places=4)
    currency = models.CharField(max_length=3)
    presented_on = models.DateField(null=True, blank=True)  # the day of presentation (art. 14(b))
    examination_deadline = models.DateField(null=True, blank=True)
    deadline_warned_at = models.DateTimeField(null=True, blank=True)
    examined_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+")
    examined_at = models.DateTimeField(null=True, blank=True)
    honour_type = models.CharField(max_length=20, choices=HonourType.choices, blank=True)
    maturity_date = models.DateField(null=True, blank=True)
    honoured_amount = models.DecimalField(max_digits=18, decimal_places=4, null=True, blank=True)
    honoured_at = models.DateTimeField(null=True, blank=True)
    reimbursed_at = models.DateTimeField(null=True, blank=True)
    settled_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    created_at = models.DateTimeField()

    objects = PresentationQuerySet.as_manager()

    class Meta:
        ordering = ["credit", "number"]
        constraints = [
            models.UniqueConstraint(fields=["credit", "number"], name="lc_presentation_number_unique"),
            models.CheckConstraint(condition=Q(amount_claimed__gt=0), name="lc_presentation_amount_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.credit_id} presentation {self.number}"

    @property
    def subject(self) -> str:
        return f"presentation:{self.id}"


class Document(models.Model):
    """A presented document: the original file (stored off-ledger) and its structured data."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    presentation = models.ForeignKey(Presentation, models.PROTECT, related_name="documents")
    doc_type = models.CharField(max_length=40, choices=DocumentType.choices)
    data: Any = models.JSONField()
    sha256 = models.CharField(max_length=64, blank=True)
    content_type = models.CharField(max_length=100, blank=True)
    size = models.PositiveBigIntegerField(default=0)
    original_name = models.CharField(max_length=255, blank=True)  # shown only, never a path
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField()
    position = models.PositiveIntegerField(default=0)  # order within one upload (same uploaded_at)

    class Meta:
        ordering = ["presentation", "uploaded_at", "position"]

    def __str__(self) -> str:
        return f"{self.doc_type} {self.sha256[:12]}"


class EngineRun(models.Model):
    id = models.BigAutoField(primary_key=True)
    presentation = models.ForeignKey(Presentation, models.CASCADE, related_name="engine_runs")
    complying = models.BooleanField()
    result: Any = models.JSONField()
    ran_at = models.DateTimeField()

    class Meta:
        ordering = ["-ran_at"]

    def __str__(self) -> str:
        return f"engine run {self.id} on {self.presentation_id}"


class DiscrepancyStatus(models.TextChoices):
    PROPOSED = "proposed", _("Proposed by the engine")
    CONFIRMED = "confirmed", _("Confirmed")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class Certainty(models.TextChoices):
    """How sure the engine is (lc.examination.types.Certainty): the examination screen shows them apart."""

    CERTAIN = "certain", _("Discrepancy")
    JUDGE = "judge", _("For the examiner to judge")


class Discrepancy(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    presentation = models.ForeignKey(Presentation, models.CASCADE, related_name="discrepancies")
    code = models.CharField(max_length=4)
    rule = models.CharField(max_length=120)
    document_type = models.CharField(max_length=40, blank=True, choices=DocumentType.choices)
    field = models.CharField(max_length=80, blank=True)
    required = models.TextField(blank=True)
    found = models.TextField(blank=True)
    text = models.TextField()
    certainty = models.CharField(max_length=8, choices=Certainty.choices, default=Certainty.CERTAIN)
    credit_text = models.TextField(blank=True)  # the credit's words the document was read against
    document_text = models.TextField(blank=True)  # what the document shows there, as written
    source = models.CharField(max_length=10, choices=[("engine", "Engine"), ("examiner", "Examiner")])
    status = models.CharField(max_length=10, choices=DiscrepancyStatus.choices)
    reason = models.TextField(blank=True)
    created_at = models.DateTimeField()
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+")

    class Meta:
        ordering = ["presentation", "code", "created_at"]
        verbose_name_plural = "discrepancies"

    def __str__(self) -> str:
        return f"{self.code} {self.text[:60]}"


class RefusalNotice(models.Model):
    """Art. 16(c): one single notice per presentation (the one-to-one is the DB's guard)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    presentation = models.OneToOneField(Presentation, models.PROTECT, related_name="refusal")
    refusing_bank = models.ForeignKey(Organization, models.PROTECT, related_name="+")
    disposal = models.CharField(max_length=40, choices=Disposal.choices)
    discrepancies: Any = models.JSONField()
    text = models.TextField()
    sent_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    sent_at = models.DateTimeField()
    within_deadline = models.BooleanField()

    def __str__(self) -> str:
        return f"refusal of {self.presentation_id}"


class WaiverDecision(models.TextChoices):
    PENDING = "pending", "Awaiting applicant"
    WAIVED = "waived", "Discrepancies waived"
    DECLINED = "declined", "Waiver declined"


class WaiverRequest(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    presentation = models.ForeignKey(Presentation, models.PROTECT, related_name="waivers")
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    requested_at = models.DateTimeField()
    decision = models.CharField(max_length=10, choices=WaiverDecision.choices, default=WaiverDecision.PENDING)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    # Two notes, two writers, each read only by its own organisation (lc.services.visibility):
    note = models.TextField(blank=True)  # the requesting bank's, with the request
    decision_note = models.TextField(blank=True)  # the applicant's, with its decision

    class Meta:
        ordering = ["presentation", "requested_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["presentation"], condition=Q(decision="pending"), name="lc_one_pending_waiver"
            ),
        ]

    def __str__(self) -> str:
        return f"waiver {self.decision} for {self.presentation_id}"


class InstructionKind(models.TextChoices):
    """What the presenter tells the bank that refused to do with the documents it holds
    (UCP 600 art. 16(c)(iii)(a)(b)). Corrected documents are a new presentation, not an instruction."""

    RETURN_DOCUMENTS = "return_documents", _("Return the documents")
    HOLD_PENDING = "hold_pending", _("Hold the documents pending further instructions")
    DELIVER_AGAINST_WAIVER = "deliver_against_waiver", _("Release the documents against the applicant's waiver")


class PresenterInstruction(models.Model):
    """One instruction of the presenter on a refused presentation; the latest one stands."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    presentation = models.ForeignKey(Presentation, models.PROTECT, related_name="instructions")
    kind = models.CharField(max_length=30, choices=InstructionKind.choices)
    note = models.TextField(blank=True)
    given_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    at = models.DateTimeField()

    class Meta:
        ordering = ["presentation", "at"]

    def __str__(self) -> str:
        return f"{self.kind} on {self.presentation_id}"


# eUCP 2.1 art. e12(b)(iii): a record not re-presented within 30 calendar days may be treated
# as not presented.
RE_PRESENTATION_DAYS = 30


class RePresentationRequest(models.Model):
    """eUCP 2.1 art. e12: an electronic record that appears corrupted, the bank's request to
    re-present it, and the re-presentation. The examination time stands still in between."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    presentation = models.ForeignKey(Presentation, models.PROTECT, related_name="re_presentations")
    document = models.ForeignKey(Document, models.PROTECT, related_name="+")  # the corrupted record
    reason = models.TextField()
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    requested_at = models.DateTimeField()
    days_used = models.PositiveSmallIntegerField()  # banking days of examination used before it
    deadline_before = models.DateField()  # the examination deadline the request suspended
    re_present_by = models.DateField()  # the last calendar day for re-presentation (30 days)
    replacement = models.ForeignKey(Document, models.PROTECT, null=True, blank=True, related_name="+")
    re_presented_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True,
                                        related_name="+")
    re_presented_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["presentation", "requested_at"]
        constraints = [
            models.UniqueConstraint(fields=["presentation"], condition=Q(re_presented_at__isnull=True),
                                    name="lc_one_open_re_presentation"),
        ]

    def __str__(self) -> str:
        return f"re-presentation of {self.document_id}"
