"""What every presentation check needs, computed once per examination."""

from __future__ import annotations

import functools
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from lc.banking import BankingCalendar
from lc.examination.doctypes import (
    INSURANCE_TYPES,
    TRANSPORT_TYPES,
    AirWaybill,
    BaseDocument,
    CommercialInvoice,
    DocType,
    Draft,
    LineItem,
    OceanBillOfLading,
)
from lc.examination.names import vessel_key, voyage_key
from lc.examination.places import port_name
from lc.examination.text import covers, squashed
from lc.examination.types import (
    Certainty,
    CreditTerms,
    Discrepancy,
    DocumentRequirement,
    GoodsLine,
    Presentation,
    ShipmentPermission,
)
from lc.examination.wording import Reading, read, with_conditions

HUNDRED = Decimal(100)
CENT = Decimal("0.01")


@dataclass(frozen=True)
class Doc:
    """A presented document that the credit requires, with its position in the presentation."""

    index: int
    document: BaseDocument

    @property
    def doc_type(self) -> DocType:
        return self.document.doc_type


@dataclass
class Context:
    terms: CreditTerms
    presentation: Presentation
    calendar: BankingCalendar
    examined: tuple[Doc, ...]
    ignored: tuple[int, ...]
    _by_type: dict[DocType, list[Doc]] = field(default_factory=dict)
    _readings: dict[DocType, Reading | None] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for doc in self.examined:
            self._by_type.setdefault(doc.doc_type, []).append(doc)

    def of_type(self, *doc_types: DocType) -> list[Doc]:
        return [d for t in doc_types for d in self._by_type.get(t, ())]

    def first(self, doc_type: DocType) -> Doc | None:
        found = self._by_type.get(doc_type)
        return found[0] if found else None

    @property
    def invoice(self) -> CommercialInvoice | None:
        doc = self.first(DocType.COMMERCIAL_INVOICE)
        return doc.document if doc is not None and isinstance(doc.document, CommercialInvoice) else None

    @functools.cached_property
    def transport(self) -> list[Doc]:
        return self.of_type(DocType.OCEAN_BILL_OF_LADING, DocType.AIR_WAYBILL)

    @functools.cached_property
    def transport_indexes(self) -> frozenset[int]:
        return frozenset(t.index for t in self.transport)

    @functools.cached_property
    def original_transport(self) -> list[Doc]:
        """Original transport documents: the only ones arts 19-25 and 14(c) apply to."""
        return [t for t in self.transport if not t.document.is_copy]

    @functools.cached_property
    def journeys(self) -> list[tuple[tuple[object, ...], date]]:
        """Each conveyance and journey with its shipment date: the latest of its sets (art. 31(b))."""
        dated: dict[tuple[object, ...], date] = {}
        for doc in self.transport:
            shipped = shipment_date_of(doc.document)
            if shipped is not None:
                key = journey_of(doc)
                dated[key] = max(shipped, dated.get(key, shipped))
        return sorted(dated.items(), key=lambda item: item[1])

    @functools.cached_property
    def shipment_date(self) -> date | None:
        """The date of shipment of the presentation.

        Several sets for one vessel and journey: the latest date (art. 31(b)). Sets covering
        different vessels or journeys (partial shipments): the earliest, which starts the
        presentation period (ISBP 821) and must be covered by the insurance.
        """
        journeys = self.journeys
        return journeys[0][1] if journeys else None

    def reading(self, doc_type: DocType) -> Reading | None:
        if doc_type not in self._readings:
            requirement = requirement_for(self.terms, doc_type)
            reading = read(requirement) if requirement is not None else None
            conditions = self.terms.additional_conditions
            if reading is not None and conditions:
                reading = with_conditions(reading, doc_type, conditions)  # 47A qualifies 46A
            self._readings[doc_type] = reading
        return self._readings[doc_type]

    @property
    def partial_prohibited(self) -> bool:
        # An art. 32 schedule is itself a programme of partial shipments.
        return self.terms.partial_shipments == ShipmentPermission.NOT_ALLOWED and not self.terms.instalments

    def drawn(self) -> tuple[Doc, Decimal] | None:
        """The amount claimed: the draft if any, else the invoice, in the credit currency."""
        for doc_type in (DocType.DRAFT, DocType.COMMERCIAL_INVOICE):
            doc = self.first(doc_type)
            if doc is not None:
                amount = _claimed(doc.document)
                return None if amount is None else (doc, amount)
        return None


def _claimed(doc: BaseDocument) -> Decimal | None:
    if isinstance(doc, Draft):
        return doc.amount
    if isinstance(doc, CommercialInvoice):
        return doc.total_amount
    return None


def journey_of(doc: Doc) -> tuple[object, ...]:
    """Art. 31(b): the same means of conveyance and the same journey (destination)."""
    d = doc.document
    if isinstance(d, OceanBillOfLading):
        return ("SEA", vessel_key(d.vessel), voyage_key(d.voyage), port_name(d.port_of_discharge))
    if isinstance(d, AirWaybill):
        return ("AIR", squashed(d.flight_number), port_name(d.airport_of_destination))
    return ("OTHER", doc.index)


def shipment_date_of(doc: BaseDocument) -> date | None:
    """Art. 20(a)(ii): on-board notation, else the issue date of a "shipped" B/L.

    Art. 23(a)(iii): an air waybill's issue date, unless it bears a notation of the actual date
    of shipment; the flight date box is ignored.
    """
    if isinstance(doc, OceanBillOfLading):
        if doc.on_board_date is not None:
            return doc.on_board_date
        return doc.issue_date if doc.preprinted_shipped_on_board else None
    if isinstance(doc, AirWaybill):
        return doc.actual_shipment_date or doc.issue_date
    return None


def required_types(terms: CreditTerms) -> frozenset[DocType]:
    types = {r.doc_type for r in terms.documents}
    if terms.drafts_at.strip():
        types.add(DocType.DRAFT)  # 42C calls for drafts even when 46A does not list them
    if types & INSURANCE_TYPES:
        types |= INSURANCE_TYPES  # examined so that a cover note or certificate is reported (C24)
    return frozenset(types)


def build_context(terms: CreditTerms, presentation: Presentation, calendar: BankingCalendar) -> Context:
    wanted = required_types(terms)
    examined, ignored = [], []
    for index, document in enumerate(presentation.documents):
        if document.doc_type in wanted:
            examined.append(Doc(index, document))
        else:
            ignored.append(index)  # art. 14(g): a document not required is disregarded (C26)
    return Context(terms, presentation, calendar, tuple(examined), tuple(ignored))


def requirement_for(terms: CreditTerms, doc_type: DocType) -> DocumentRequirement | None:
    if doc_type in INSURANCE_TYPES:
        return next((r for r in terms.documents if r.doc_type in INSURANCE_TYPES), None)
    if doc_type == DocType.DRAFT and terms.requirement(DocType.DRAFT) is None and terms.drafts_at:
        return DocumentRequirement(doc_type=DocType.DRAFT)
    return terms.requirement(doc_type)


def match_lines(
    credit_lines: tuple[GoodsLine, ...], lines: tuple[LineItem, ...]
) -> Iterator[tuple[GoodsLine, LineItem | None]]:
    """Pair each 45A line with the document line that describes it (model first, then words)."""
    unused = list(lines)
    for credit_line in credit_lines:
        hit = _find_line(credit_line, unused)
        if hit is None and len(credit_lines) == 1 and len(unused) == 1:
            hit = unused[0]
        if hit is not None:
            unused.remove(hit)
        yield credit_line, hit


def _find_line(credit_line: GoodsLine, lines: list[LineItem]) -> LineItem | None:
    for line in lines:
        text = f"{line.description} {line.model}"
        if credit_line.model and covers(credit_line.model, text):
            return line
    for line in lines:
        if not credit_line.model and covers(credit_line.description, line.description):
            return line
    return None


def discrepancy(
    code: str,
    rule: str,
    text: str,
    doc: Doc | None = None,
    *,
    field: str = "",
    required: object = "",
    found: object = "",
    credit_text: str = "",
    document_text: str = "",
    certainty: Certainty = Certainty.CERTAIN,
) -> Discrepancy:
    """A finding; the credit's and the document's words default to what was required and found."""
    shown_required, shown_found = _show(required), _show(found)
    return Discrepancy(
        code=code,
        rule=rule,
        text=text,
        document=str(doc.doc_type) if doc else "",
        index=doc.index if doc else None,
        field=field,
        required=shown_required,
        found=shown_found,
        certainty=certainty,
        credit_text=credit_text or shown_required or "not stated",
        document_text=document_text or shown_found or "not stated",
    )


def _show(value: object) -> str:
    if value is None:
        return "not stated"
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, (tuple, list, frozenset, set)):
        return ", ".join(sorted(str(v) for v in value))
    return str(value)


def label(doc: Doc) -> str:
    return str(doc.doc_type).replace("_", " ")


def is_transport(doc: Doc) -> bool:
    return doc.doc_type in TRANSPORT_TYPES
