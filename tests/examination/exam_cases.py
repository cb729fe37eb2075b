"""Builders for the table-driven examination tests: the worked example and one-line variations."""

from __future__ import annotations

from dataclasses import dataclass, field, fields, replace
from datetime import date
from decimal import Decimal
from typing import Any

from lc.examination import samples
from lc.examination.doctypes import AirWaybill, DocParty, DocType, LineItem
from lc.examination.types import CreditTerms, DocumentRequirement, GoodsLine, Instalment, Presentation, PreviousShipment

D = date
M = Decimal
BUILDERS = {
    "invoice": samples.invoice,
    "draft": samples.draft,
    "bl": samples.bill_of_lading,
    "pl": samples.packing_list,
    "coo": samples.certificate_of_origin,
    "ins": samples.insurance_certificate,
    "insp": samples.inspection_certificate,
}


def credit(**changes: Any) -> CreditTerms:
    return replace(samples.worked_example_credit(), **changes)


def without_requirement(doc_type: DocType, **changes: Any) -> CreditTerms:
    base = samples.worked_example_credit()
    return replace(base, documents=tuple(r for r in base.documents if r.doc_type != doc_type), **changes)


def worded(doc_type: DocType, text: str, **changes: Any) -> CreditTerms:
    """The worked example with one 46A item as written, and nothing keyed beside the wording."""
    return with_requirement(doc_type, DocumentRequirement(doc_type=doc_type, text=text), **changes)


def amounts(total: Decimal) -> dict[str, dict[str, Any]]:
    """Invoice total, draft and insurance (110%, rounded up) for a drawing of ``total``."""
    return {
        "invoice": {"total_amount": total},
        "draft": {"amount": total},
        "ins": {"insured_amount": (total * Decimal("1.1")).quantize(Decimal(1), rounding="ROUND_UP")},
    }


def merged(*parts: dict[str, dict[str, Any]]) -> dict[str, dict[str, Any]]:
    out: dict[str, dict[str, Any]] = {}
    for part in parts:
        for key, fields_ in part.items():
            out.setdefault(key, {}).update(fields_)
    return out


def with_requirement(old: DocType, new: DocumentRequirement, **changes: Any) -> CreditTerms:
    base = samples.worked_example_credit()
    return replace(base, documents=tuple(new if r.doc_type == old else r for r in base.documents), **changes)


def goods(**changes: Any) -> tuple[GoodsLine, ...]:
    return (replace(samples.worked_example_credit().goods[0], **changes),)


def present(
    on: date = D(2025, 6, 16),
    *,
    drop: tuple[str, ...] = (),
    extra: tuple[Any, ...] = (),
    swap: dict[str, Any] | None = None,
    previous_drawings: Decimal = M(0),
    previous_shipments: tuple[PreviousShipment, ...] = (),
    complete: bool = True,
    **changes: dict[str, Any],
) -> Presentation:
    """The complying presentation with per-document field changes, e.g. ``bl={"vessel": "X"}``."""
    documents = []
    for key, build in BUILDERS.items():
        if key in drop:
            continue
        doc = (swap or {}).get(key) or build()
        documents.append(replace(doc, **changes.get(key, {})))
    return Presentation(
        presentation_date=on,
        documents=(*documents, *extra),
        previous_drawings=previous_drawings,
        previous_shipments=previous_shipments,
        complete=complete,
    )


def line(**changes: Any) -> tuple[LineItem, ...]:
    return (replace(samples.invoice().lines[0], **changes),)


def quantity_everywhere(
    q: Decimal, unit: str = "UNITS", price: Decimal = M("12.50"), **invoice: Any
) -> dict[str, dict[str, Any]]:
    """Same quantity on invoice, packing list and inspection certificate."""
    return {
        "invoice": {"lines": line(quantity=q, unit=unit, unit_price=price, amount=q * price), **invoice},
        "pl": {"lines": (replace(samples.packing_list().lines[0], quantity=q, unit=unit),)},
        "insp": {"lines": (replace(samples.inspection_certificate().lines[0], quantity=q, unit=unit),)},
    }


def split_bills(
    vessel2: str = "MV Pacific Dawn", voyage2: str = "125E", date2: date = D(2025, 5, 28), date1: date = D(2025, 5, 28)
) -> dict[str, Any]:
    """Two bills of lading of 250 packages each, one container each."""
    bl = samples.bill_of_lading()
    first = replace(
        bl,
        on_board_date=date1,
        issue_date=date1,
        packages=250,
        gross_weight_kg=M(3250),
        container_numbers=("OSCU1234567",),
        seal_numbers=("SL998877",),
    )
    second = replace(
        bl,
        on_board_date=date2,
        issue_date=date2,
        vessel=vessel2,
        voyage=voyage2,
        packages=250,
        gross_weight_kg=M(3250),
        container_numbers=("OSCU7654321",),
        seal_numbers=("SL112233",),
    )
    return {
        "swap": {"bl": first},
        "extra": (second,),
        "pl": {"container_numbers": ("OSCU1234567", "OSCU7654321"), "seal_numbers": ("SL998877", "SL112233")},
    }


def air_waybill(**changes: Any) -> AirWaybill:
    awb = AirWaybill(
        issuer=DocParty(name="Cathay Cargo", country="HK"),
        issue_date=D(2025, 5, 28),
        consignee="Victoria Harbour Bank Ltd",
        airport_of_departure="Ningbo",
        airport_of_destination="Hong Kong",
        flight_number="CX 991",
        flight_date=D(2025, 5, 28),
        freight="PREPAID",
        packages=500,
        gross_weight_kg=M(6500),
        marks=samples.MARKS,
        goods_description="Vacuum flasks",
    )
    return replace(awb, **changes)


AWB_REQUIREMENT = DocumentRequirement(doc_type=DocType.AIR_WAYBILL, text="Air waybill consigned to the issuing bank")
INSTALMENTS = (
    Instalment(latest=D(2025, 5, 15), quantity=M(5000)),
    Instalment(earliest=D(2025, 5, 16), latest=D(2025, 5, 31), quantity=M(5000)),
)


def instalment_presentation(shipped: date, previous: tuple[PreviousShipment, ...] = ()) -> Presentation:
    half = quantity_everywhere(M(5000), total_amount=M("62500.00"))
    return present(
        D(2025, 6, 4),
        previous_shipments=previous,
        bl={"on_board_date": shipped, "issue_date": shipped, "packages": 500},
        ins={"issue_date": shipped},
        draft={"amount": M("62500.00"), "issue_date": D(2025, 6, 4)},
        **half,
    )


@dataclass(frozen=True)
class Case:
    name: str
    terms: CreditTerms
    presentation: Presentation
    expected: frozenset[str]  # codes of the certain discrepancies
    where: tuple[tuple[str, str], ...] = field(default=())  # (document, field) of expected findings
    # Codes of the findings for the examiner to judge; None: not asserted (the wave-1 cases
    # change an invoice total without its lines, which the engine rightly refers as arithmetic).
    judged: frozenset[str] | None = None


def case(
    name: str,
    terms: CreditTerms,
    presentation: Presentation,
    *codes: str,
    where: tuple[tuple[str, str], ...] = (),
    judged: tuple[str, ...] | None = None,
) -> Case:
    return Case(name, terms, presentation, frozenset(codes), where, None if judged is None else frozenset(judged))


def insurance_as(kind: type) -> Any:
    """The sample insurance certificate re-issued as another insurance document kind."""
    original = samples.insurance_certificate()
    return kind(**{f.name: getattr(original, f.name) for f in fields(original)})
