"""What every presentation check needs, computed once per examination."""

from __future__ import annotations

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
from lc.examination.text import covers
from lc.examination.types import (
    CreditTerms,
    Discrepancy,
    DocumentRequirement,
    GoodsLine,
    Presentation,
    ShipmentPermission,
)

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
        return doc.document if doc else None  # type: ignore[return-value]

    @property
    def transport(self) -> list[Doc]:
        return self.of_type(DocType.OCEAN_BILL_OF_LADING, DocType.AIR_WAYBILL)

    @property
    def shipment_date(self) -> date | None:
        """Several transport documents: the latest shipment date counts (art. 31(b))."""
        dates = [d for d in (shipment_date_of(t.document) for t in self.transport) if d]
        return max(dates) if dates else None

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
) -> Discrepancy:
    return Discrepancy(
        code=code,
        rule=rule,
        text=text,
        document=str(doc.doc_type) if doc else "",
        index=doc.index if doc else None,
        field=field,
        required=_show(required),
        found=_show(found),
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
