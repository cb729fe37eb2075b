"""Presented documents, one dataclass per kind, with the data the examination cross-checks.

Each document is tagged with its ``doc_type`` in JSON (``{"type": "ocean_bill_of_lading", ...}``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import StrEnum
from typing import ClassVar

from lc.examination.serde import JsonRecord, register_document


class DocType(StrEnum):
    COMMERCIAL_INVOICE = "commercial_invoice"
    DRAFT = "draft"
    OCEAN_BILL_OF_LADING = "ocean_bill_of_lading"
    AIR_WAYBILL = "air_waybill"
    INSURANCE_CERTIFICATE = "insurance_certificate"
    INSURANCE_POLICY = "insurance_policy"
    INSURANCE_COVER_NOTE = "insurance_cover_note"  # never acceptable (art. 28(c))
    CERTIFICATE_OF_ORIGIN = "certificate_of_origin"
    PACKING_LIST = "packing_list"
    INSPECTION_CERTIFICATE = "inspection_certificate"


TRANSPORT_TYPES = frozenset({DocType.OCEAN_BILL_OF_LADING, DocType.AIR_WAYBILL})
INSURANCE_TYPES = frozenset({DocType.INSURANCE_CERTIFICATE, DocType.INSURANCE_POLICY, DocType.INSURANCE_COVER_NOTE})


@dataclass(frozen=True, kw_only=True)
class DocParty(JsonRecord):
    name: str
    address: str = ""
    country: str = ""


@dataclass(frozen=True, kw_only=True)
class LineItem(JsonRecord):
    """Goods as a document shows them (invoice, packing list, inspection certificate)."""

    description: str
    quantity: Decimal | None = None
    unit: str = ""
    model: str = ""
    unit_price: Decimal | None = None
    amount: Decimal | None = None


@dataclass(frozen=True, kw_only=True)
class Adjustment(JsonRecord):
    """A line of an invoice that is not goods: freight, insurance, a discount, an advance deducted."""

    description: str
    amount: Decimal  # negative for a deduction


@dataclass(frozen=True, kw_only=True)
class BaseDocument(JsonRecord):
    doc_type: ClassVar[DocType]
    issuer: DocParty
    issue_date: date | None = None
    originals_presented: int = 1
    copies_presented: int = 0
    signed: bool = True
    reference: str = ""
    # Who the issuer is, where the credit or the rules care (parties.IssuerKind: "carrier",
    # "insurance company", "insurance broker", "chamber of commerce", "surveyor" ...); "" when
    # the document does not say, and the issuer's name is read instead.
    issuer_kind: str = ""

    @property
    def is_copy(self) -> bool:
        """Presented in copies only: arts 19-25 do not apply to a copy transport document."""
        return self.originals_presented == 0


@dataclass(frozen=True, kw_only=True)
class CargoDetails(BaseDocument):
    """Fields shared by documents that describe the shipped cargo."""

    goods_description: str = ""
    packages: int | None = None
    gross_weight_kg: Decimal | None = None
    net_weight_kg: Decimal | None = None
    marks: str = ""
    container_numbers: tuple[str, ...] = ()
    seal_numbers: tuple[str, ...] = ()


@register_document
@dataclass(frozen=True, kw_only=True)
class CommercialInvoice(CargoDetails):
    doc_type: ClassVar[DocType] = DocType.COMMERCIAL_INVOICE
    addressee: DocParty
    currency: str
    total_amount: Decimal
    lines: tuple[LineItem, ...] = ()
    adjustments: tuple[Adjustment, ...] = ()
    incoterm: str = ""
    incoterm_place: str = ""
    origin_country: str = ""


@register_document
@dataclass(frozen=True, kw_only=True)
class Draft(BaseDocument):
    """Bill of exchange; ``issuer`` is the drawer."""

    doc_type: ClassVar[DocType] = DocType.DRAFT
    drawee: DocParty
    tenor: str
    currency: str
    amount: Decimal


@register_document
@dataclass(frozen=True, kw_only=True)
class OceanBillOfLading(CargoDetails):
    """``issuer`` is the carrier; ``signed_by`` is CARRIER, MASTER or AGENT (art. 20(a)(i)); an
    agent's signature shows the agent's name and for whom it signs (``agent_for``: CARRIER or
    MASTER)."""

    doc_type: ClassVar[DocType] = DocType.OCEAN_BILL_OF_LADING
    signed_by: str = "CARRIER"
    agent_name: str = ""
    agent_for: str = ""
    shipper: DocParty | None = None
    consignee: str = ""  # as printed: "TO ORDER OF ...", or a name
    consignee_party: DocParty | None = None  # a named consignee with its address, when one is shown
    notify_party: DocParty | None = None
    vessel: str = ""
    voyage: str = ""
    place_of_receipt: str = ""
    port_of_loading: str = ""
    port_of_discharge: str = ""
    place_of_delivery: str = ""
    on_board_date: date | None = None
    preprinted_shipped_on_board: bool = False
    originals_issued: int = 3
    clean: bool = True
    clauses: tuple[str, ...] = ()
    on_deck: bool = False
    transhipment: bool = False
    freight: str = ""


@register_document
@dataclass(frozen=True, kw_only=True)
class AirWaybill(CargoDetails):
    """``issuer`` is the carrier; ``signed_by`` is CARRIER or AGENT (for the carrier, art.
    23(a)(i): an air waybill has no master). The flight box is ignored (art. 23(a)(iii))."""

    doc_type: ClassVar[DocType] = DocType.AIR_WAYBILL
    signed_by: str = "CARRIER"
    agent_name: str = ""
    agent_for: str = ""
    accepted_for_carriage: bool = True
    consignee: str = ""
    consignee_party: DocParty | None = None
    notify_party: DocParty | None = None
    airport_of_departure: str = ""
    airport_of_destination: str = ""
    actual_shipment_date: date | None = None  # a specific notation of the actual date
    flight_number: str = ""
    flight_date: date | None = None
    transhipment: bool = False
    clean: bool = True
    clauses: tuple[str, ...] = ()
    freight: str = ""


@dataclass(frozen=True, kw_only=True)
class InsuranceDocument(BaseDocument):
    """``issuer`` is the insurer or underwriter (art. 28(a))."""

    currency: str
    insured_amount: Decimal
    originals_issued: int = 1
    effective_date: date | None = None  # cover effective from (art. 28(e))
    risks: tuple[str, ...] = ()
    route_from: str = ""
    route_to: str = ""
    vessel: str = ""
    assured: str = ""
    goods_description: str = ""


@register_document
@dataclass(frozen=True, kw_only=True)
class InsuranceCertificate(InsuranceDocument):
    doc_type: ClassVar[DocType] = DocType.INSURANCE_CERTIFICATE


@register_document
@dataclass(frozen=True, kw_only=True)
class InsurancePolicy(InsuranceDocument):
    doc_type: ClassVar[DocType] = DocType.INSURANCE_POLICY


@register_document
@dataclass(frozen=True, kw_only=True)
class InsuranceCoverNote(InsuranceDocument):
    doc_type: ClassVar[DocType] = DocType.INSURANCE_COVER_NOTE


@register_document
@dataclass(frozen=True, kw_only=True)
class CertificateOfOrigin(BaseDocument):
    doc_type: ClassVar[DocType] = DocType.CERTIFICATE_OF_ORIGIN
    origin_country: str
    goods_description: str = ""
    exporter: DocParty | None = None
    consignee: DocParty | None = None
    form: str = ""  # e.g. "FORM A", "RCEP"


@register_document
@dataclass(frozen=True, kw_only=True)
class PackingList(CargoDetails):
    doc_type: ClassVar[DocType] = DocType.PACKING_LIST
    lines: tuple[LineItem, ...] = ()


@register_document
@dataclass(frozen=True, kw_only=True)
class InspectionCertificate(BaseDocument):
    doc_type: ClassVar[DocType] = DocType.INSPECTION_CERTIFICATE
    inspection_date: date | None = None
    goods_description: str = ""
    lines: tuple[LineItem, ...] = ()
    result: str = ""
