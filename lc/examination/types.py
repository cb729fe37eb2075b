"""Plain data of a documentary credit (MT700 field set) and of a presentation.

Amounts are ``Decimal`` with an ISO 4217 currency string beside them; dates are ``date``.
Coded MT700 values (40A, 40E, 41a, 43P, 43T, 49) are kept as ``str`` so that invalid terms can
be represented and reported by ``issuance.validate_terms``; the enums below hold the valid ones.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from enum import StrEnum

from lc.examination.doctypes import (
    AirWaybill,
    CertificateOfOrigin,
    CommercialInvoice,
    DocParty,
    DocType,
    Draft,
    InspectionCertificate,
    InsuranceCertificate,
    InsuranceCoverNote,
    InsurancePolicy,
    OceanBillOfLading,
    PackingList,
)
from lc.examination.serde import ExaminationDataError, JsonRecord

__all__ = ["DocType", "Document", "ExaminationDataError"]

Document = (
    CommercialInvoice
    | Draft
    | OceanBillOfLading
    | AirWaybill
    | InsuranceCertificate
    | InsurancePolicy
    | InsuranceCoverNote
    | CertificateOfOrigin
    | PackingList
    | InspectionCertificate
)


class Form(StrEnum):  # 40A
    IRREVOCABLE = "IRREVOCABLE"
    IRREVOCABLE_TRANSFERABLE = "IRREVOCABLE TRANSFERABLE"


class ApplicableRules(StrEnum):  # 40E
    UCP = "UCP LATEST VERSION"
    EUCP = "EUCP LATEST VERSION"
    UCPURR = "UCPURR LATEST VERSION"
    EUCPURR = "EUCPURR LATEST VERSION"


class AvailableBy(StrEnum):  # 41a
    PAYMENT = "BY PAYMENT"
    DEFERRED_PAYMENT = "BY DEF PAYMENT"
    ACCEPTANCE = "BY ACCEPTANCE"
    NEGOTIATION = "BY NEGOTIATION"
    MIXED = "BY MIXED PYMT"


class ShipmentPermission(StrEnum):  # 43P, 43T
    ALLOWED = "ALLOWED"
    CONDITIONAL = "CONDITIONAL"
    NOT_ALLOWED = "NOT ALLOWED"


class Confirmation(StrEnum):  # 49
    CONFIRM = "CONFIRM"
    MAY_ADD = "MAY ADD"
    WITHOUT = "WITHOUT"


class Certainty(StrEnum):
    """How sure the engine is of a finding; the examination screen shows the two kinds apart."""

    CERTAIN = "certain"  # a discrepancy on the face of the documents
    JUDGE = "judge"  # for the examiner to judge: an unknown clause, a name that differs by a letter

    @property
    def label(self) -> str:
        return "certain" if self is Certainty.CERTAIN else "for the examiner to judge"


ANY_BANK = "ANY BANK"
# MT700 field 48 is 3n: a presentation period of at most 999 days.
PERIOD_DAYS = {"min": 0, "max": 999}


# A party of the credit (50 applicant, 59 beneficiary) has the same shape as a party named on
# a document: one class, so the two cannot drift apart.
Party = DocParty


@dataclass(frozen=True, kw_only=True)
class Bank(JsonRecord):
    name: str
    bic: str = ""
    country: str = ""


@dataclass(frozen=True, kw_only=True)
class Banks(JsonRecord):
    issuing: Bank
    advising: Bank | None = None
    confirming: Bank | None = None  # 58a
    nominated: Bank | None = None  # 41a when a named bank
    reimbursing: Bank | None = None  # 53a
    drawee: Bank | None = None  # 42a


@dataclass(frozen=True, kw_only=True)
class GoodsLine(JsonRecord):
    """One line of 45A."""

    description: str
    quantity: Decimal | None = None  # many credits state no quantity or no unit price
    unit: str = ""  # UNITS, PCS, SETS, MT, metric tons, KGS, litres ... (see units.py)
    unit_price: Decimal | None = None
    model: str = ""
    quantity_about: bool = False  # art. 30(a)
    unit_price_about: bool = False  # art. 30(a)
    # SR2026 (issue 18): the line's ICC Incoterms 2020 code and its Harmonized System codes (6 to 10
    # digits), kept structured so that the SR2026 goods fields are a serialisation change.
    incoterm: str = ""
    hs_codes: tuple[str, ...] = ()


@dataclass(frozen=True, kw_only=True)
class DocumentRequirement(JsonRecord):
    """One item of 46A."""

    doc_type: DocType
    originals: int = 1
    copies: int = 0
    full_set: bool = False
    signed: bool = False
    issuer: str = ""  # "chamber of commerce", "independent surveyor", "beneficiary" ...
    clean_on_board: bool = False
    consignee: str = ""  # e.g. "to order of issuing bank"
    freight: str = ""  # PREPAID / COLLECT
    notify_applicant: bool = False
    insurance_percent: Decimal | None = None  # default 110 (art. 28(f)(ii))
    insurance_risks: tuple[str, ...] = ()
    text: str = ""  # the clause as written, scanned for non-documentary conditions (C08)


@dataclass(frozen=True, kw_only=True)
class Instalment(JsonRecord):
    """One instalment of an art. 32 schedule: shipped within [earliest, latest]."""

    latest: date
    quantity: Decimal
    earliest: date | None = None
    amount: Decimal | None = None


@dataclass(frozen=True, kw_only=True)
class CreditTerms(JsonRecord):
    credit_number: str
    form: str  # 40A
    applicable_rules: str  # 40E
    issue_date: date  # 31C
    expiry_date: date | None  # 31D
    expiry_place: str  # 31D
    applicant: Party  # 50
    beneficiary: Party  # 59
    currency: str  # 32B
    amount: Decimal  # 32B
    banks: Banks
    available_with: str  # 41a: a bank name/BIC or ANY BANK
    available_by: str  # 41a
    goods: tuple[GoodsLine, ...] = ()  # 45A (optional in MT700)
    documents: tuple[DocumentRequirement, ...] = ()  # 46A (optional in MT700)
    tolerance_plus: Decimal | None = None  # 39A, percent
    tolerance_minus: Decimal | None = None  # 39A, percent
    amount_about: bool = False  # "about" before the amount, art. 30(a)
    drafts_at: str = ""  # 42C
    mixed_payment: str = ""  # 42M
    deferred_payment: str = ""  # 42P
    partial_shipments: str = ShipmentPermission.ALLOWED  # 43P
    transhipment: str = ShipmentPermission.ALLOWED  # 43T
    place_of_receipt: str = ""  # 44A
    port_of_loading: str = ""  # 44E
    port_of_discharge: str = ""  # 44F
    final_destination: str = ""  # 44B
    latest_shipment: date | None = None  # 44C
    shipment_period: str = ""  # 44D, an art. 3 date phrase
    incoterm: str = ""  # 45A
    incoterm_place: str = ""  # 45A
    additional_conditions: tuple[str, ...] = ()  # 47A
    charges: str = ""  # 71D
    presentation_period_days: int | None = field(default=None, metadata=PERIOD_DAYS)  # 48; None = 21 days
    confirmation: str = Confirmation.WITHOUT  # 49
    instalments: tuple[Instalment, ...] = ()  # art. 32

    @property
    def transferable(self) -> bool:
        return self.form == Form.IRREVOCABLE_TRANSFERABLE

    def requirement(self, doc_type: DocType) -> DocumentRequirement | None:
        return next((r for r in self.documents if r.doc_type == doc_type), None)


@dataclass(frozen=True, kw_only=True)
class PreviousShipment(JsonRecord):
    shipment_date: date
    quantity: Decimal
    amount: Decimal


@dataclass(frozen=True, kw_only=True)
class Presentation(JsonRecord):
    presentation_date: date
    documents: tuple[Document, ...]
    presenting_bank: Bank | None = None
    complete: bool = True  # eUCP art. e5: examination starts after the notice of completeness
    previous_drawings: Decimal = Decimal(0)  # same currency as the credit
    previous_shipments: tuple[PreviousShipment, ...] = ()
    # The amount still available under the credit as the bank's books show it (amendments,
    # reductions, earlier honours); None: the credit amount less ``previous_drawings``.
    available: Decimal | None = None


@dataclass(frozen=True, kw_only=True)
class Discrepancy(JsonRecord):
    code: str  # C12 ... C27
    rule: str  # e.g. "UCP 600 art. 20(a)(ii), 29(c)"
    text: str  # the sentence of the refusal notice
    document: str = ""  # DocType value, "" for the presentation as a whole
    index: int | None = None  # position in Presentation.documents
    field: str = ""
    required: str = ""
    found: str = ""
    certainty: str = Certainty.CERTAIN
    credit_text: str = ""  # the credit's words the document was read against (46A clause, field)
    document_text: str = ""  # what the document shows there, as written

    @property
    def certain(self) -> bool:
        return self.certainty == Certainty.CERTAIN

    @property
    def article(self) -> str:
        """The rule applied ("UCP 600 art. 20(a)(ii)"): ``rule`` under the name the screen uses."""
        return self.rule

    def sort_key(self) -> tuple[str, int, str, int]:
        return (self.code, 0 if self.certain else 1, self.document, -1 if self.index is None else self.index)


@dataclass(frozen=True, kw_only=True)
class Issue(JsonRecord):
    """A finding of the issuance checks C01-C11."""

    code: str
    field: str
    message: str
    severity: str = "error"  # "error" blocks issuance, "warning" is for the maker to see

    @property
    def blocking(self) -> bool:
        return self.severity == "error"


def money(value: str | int | Decimal) -> Decimal:
    return value if isinstance(value, Decimal) else Decimal(str(value))
