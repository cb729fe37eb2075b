"""The worked example of DOMAIN.md (credit HKLC2025000123) and a complying presentation of it.

Fictitious parties. Used by the tests, the benchmark and demo data.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from lc.examination.doctypes import (
    CertificateOfOrigin,
    CommercialInvoice,
    DocParty,
    DocType,
    Draft,
    InspectionCertificate,
    InsuranceCertificate,
    LineItem,
    OceanBillOfLading,
    PackingList,
)
from lc.examination.types import (
    AvailableBy,
    Bank,
    Banks,
    CreditTerms,
    DocumentRequirement,
    Form,
    GoodsLine,
    Party,
    Presentation,
    ShipmentPermission,
)

APPLICANT = Party(name="Harbour Homewares Ltd", address="18 Harbour Road, Wan Chai, Hong Kong", country="HK")
BENEFICIARY = Party(name="Ningbo Everbright Flask Co., Ltd.", address="88 Jiangnan Road, Beilun, Ningbo", country="CN")
ISSUING_BANK = Bank(name="Victoria Harbour Bank Ltd", bic="VHBKHKHH", country="HK")
ADVISING_BANK = Bank(name="Ningbo Coastal Bank", bic="NCBKCNBN", country="CN")
MARKS = "HHL / HKLC2025000123 / HONG KONG / C/NO. 1-500"
CONTAINERS = ("OSCU1234567",)
SEALS = ("SL998877",)


def worked_example_credit() -> CreditTerms:
    return CreditTerms(
        credit_number="HKLC2025000123",
        form=Form.IRREVOCABLE,
        applicable_rules="UCP LATEST VERSION",
        issue_date=date(2025, 3, 10),
        expiry_date=date(2025, 6, 15),
        expiry_place="Ningbo",
        applicant=APPLICANT,
        beneficiary=BENEFICIARY,
        currency="USD",
        amount=Decimal("125000.00"),
        tolerance_plus=Decimal(5),
        tolerance_minus=Decimal(5),
        banks=Banks(issuing=ISSUING_BANK, advising=ADVISING_BANK, nominated=ADVISING_BANK, drawee=ISSUING_BANK),
        available_with=ADVISING_BANK.bic,
        available_by=AvailableBy.NEGOTIATION,
        drafts_at="AT SIGHT",
        partial_shipments=ShipmentPermission.NOT_ALLOWED,
        transhipment=ShipmentPermission.ALLOWED,
        port_of_loading="Ningbo",
        port_of_discharge="Hong Kong",
        latest_shipment=date(2025, 5, 31),
        goods=(
            GoodsLine(
                description="Stainless steel vacuum flasks",
                model="VF-500",
                quantity=Decimal(10000),
                unit="UNITS",
                unit_price=Decimal("12.50"),
            ),
        ),
        incoterm="CIF",
        incoterm_place="Hong Kong",
        documents=_required_documents(),
        presentation_period_days=21,
    )


def _required_documents() -> tuple[DocumentRequirement, ...]:
    return (
        DocumentRequirement(
            doc_type=DocType.COMMERCIAL_INVOICE,
            originals=3,
            signed=True,
            text="Signed commercial invoice in 3 originals",
        ),
        DocumentRequirement(
            doc_type=DocType.OCEAN_BILL_OF_LADING,
            full_set=True,
            clean_on_board=True,
            consignee="to order of issuing bank",
            freight="PREPAID",
            notify_applicant=True,
            text="Full set of clean on board ocean bills of lading made out to order of the issuing bank marked freight prepaid notify applicant",
        ),
        DocumentRequirement(doc_type=DocType.PACKING_LIST, originals=2, text="Packing list in 2 originals"),
        DocumentRequirement(
            doc_type=DocType.CERTIFICATE_OF_ORIGIN,
            issuer="chamber of commerce",
            text="Certificate of origin issued by a chamber of commerce",
        ),
        DocumentRequirement(
            doc_type=DocType.INSURANCE_CERTIFICATE,
            originals=2,
            insurance_percent=Decimal(110),
            insurance_risks=("Institute Cargo Clauses (A)", "Institute War Clauses (Cargo)"),
            text="Insurance certificate in duplicate for 110% of CIF value covering ICC (A) and Institute War Clauses (Cargo)",
        ),
        DocumentRequirement(
            doc_type=DocType.INSPECTION_CERTIFICATE,
            issuer="independent surveyor",
            text="Inspection certificate issued by an independent surveyor",
        ),
    )


def _beneficiary() -> DocParty:
    return DocParty(name=BENEFICIARY.name, address=BENEFICIARY.address, country=BENEFICIARY.country)


def _line(**overrides: object) -> LineItem:
    values: dict[str, object] = {
        "description": "Stainless steel vacuum flasks",
        "model": "VF-500",
        "quantity": Decimal(10000),
        "unit": "UNITS",
    }
    values.update(overrides)
    return LineItem(**values)  # type: ignore[arg-type]


def invoice() -> CommercialInvoice:
    return CommercialInvoice(
        issuer=_beneficiary(),
        addressee=DocParty(name=APPLICANT.name, address=APPLICANT.address, country="HK"),
        issue_date=date(2025, 5, 26),
        originals_presented=3,
        currency="USD",
        total_amount=Decimal("125000.00"),
        lines=(_line(unit_price=Decimal("12.50"), amount=Decimal("125000.00")),),
        incoterm="CIF",
        incoterm_place="Hong Kong Incoterms 2020",
        origin_country="China",
        goods_description="Stainless steel vacuum flasks model VF-500",
        packages=500,
        gross_weight_kg=Decimal("6500"),
        net_weight_kg=Decimal("5000"),
        marks=MARKS,
    )


def draft() -> Draft:
    return Draft(
        issuer=_beneficiary(),
        issue_date=date(2025, 6, 10),
        drawee=DocParty(name=ISSUING_BANK.name, country="HK"),
        tenor="AT SIGHT",
        currency="USD",
        amount=Decimal("125000.00"),
    )


def bill_of_lading() -> OceanBillOfLading:
    return OceanBillOfLading(
        issuer=DocParty(name="Orient Star Container Line", country="HK"),
        issue_date=date(2025, 5, 28),
        originals_presented=3,
        originals_issued=3,
        shipper=_beneficiary(),
        consignee="TO ORDER OF VICTORIA HARBOUR BANK LTD",
        notify_party=DocParty(name=APPLICANT.name, address="18 Harbour Rd, Wanchai", country="HK"),
        vessel="MV Pacific Dawn",
        voyage="125E",
        port_of_loading="Ningbo, China",
        port_of_discharge="Hong Kong",
        on_board_date=date(2025, 5, 28),
        freight="FREIGHT PREPAID",
        goods_description="Vacuum flasks",
        packages=500,
        gross_weight_kg=Decimal("6500"),
        marks=MARKS,
        container_numbers=CONTAINERS,
        seal_numbers=SEALS,
    )


def packing_list() -> PackingList:
    return PackingList(
        issuer=_beneficiary(),
        issue_date=date(2025, 5, 26),
        originals_presented=2,
        lines=(_line(),),
        goods_description="Stainless steel vacuum flasks VF-500",
        packages=500,
        gross_weight_kg=Decimal("6500"),
        net_weight_kg=Decimal("5000"),
        marks=MARKS,
        container_numbers=CONTAINERS,
        seal_numbers=SEALS,
    )


def certificate_of_origin() -> CertificateOfOrigin:
    return CertificateOfOrigin(
        issuer=DocParty(name="Ningbo Chamber of Commerce", country="CN"),
        issue_date=date(2025, 5, 27),
        origin_country="China",
        goods_description="Stainless steel vacuum flasks",
        exporter=_beneficiary(),
    )


def insurance_certificate() -> InsuranceCertificate:
    return InsuranceCertificate(
        issuer=DocParty(name="Pacific Mutual Insurance Co., Ltd.", country="HK"),
        issue_date=date(2025, 5, 27),
        originals_issued=2,
        originals_presented=2,
        currency="USD",
        insured_amount=Decimal("137500.00"),
        risks=("Institute Cargo Clauses (A)", "Institute War Clauses (Cargo)"),
        route_from="Ningbo",
        route_to="Hong Kong",
        vessel="MV Pacific Dawn",
        assured=BENEFICIARY.name,
        goods_description="Vacuum flasks",
    )


def inspection_certificate() -> InspectionCertificate:
    return InspectionCertificate(
        issuer=DocParty(name="Sino Cargo Survey Ltd", country="CN"),
        issue_date=date(2025, 5, 25),
        inspection_date=date(2025, 5, 25),
        goods_description="Vacuum flasks model VF-500",
        lines=(_line(),),
        result="Quality and quantity found in order",
    )


def complying_presentation() -> Presentation:
    """Presented on the last day, Monday 2025-06-16 (expiry Sunday 2025-06-15 extended)."""
    return Presentation(
        presentation_date=date(2025, 6, 16),
        presenting_bank=ADVISING_BANK,
        documents=(
            invoice(),
            draft(),
            bill_of_lading(),
            packing_list(),
            certificate_of_origin(),
            insurance_certificate(),
            inspection_certificate(),
        ),
    )
