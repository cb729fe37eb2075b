"""A corpus of complying presentations, written as real credits and documents are written.

Ten credits (steel coils in metric tons, olive oil in litres, fabric in metres, garments in
pieces, machinery in sets, air-freighted electronics, a credit without unit prices, "any port in
China", partial shipments allowed, copies called for) each presented in six styles that an
examiner accepts: plain; names abbreviated and ports with their country; documents that say more
than the credit (net weights, standard numbers, acceptable B/L clauses, marks with a container
number); shipment in two sets; copies and duplicates as art. 17 allows; typing errors that do
not change the meaning. The engine must find no certain discrepancy in any of them.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, timedelta
from decimal import ROUND_UP, Decimal
from typing import Any

import pycountry

from lc.examination.doctypes import (
    AirWaybill,
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
    Bank,
    Banks,
    CreditTerms,
    DocumentRequirement,
    GoodsLine,
    Party,
    Presentation,
)
from lc.examination.units import convert

M = Decimal
STYLES = ("plain", "abbreviated", "detailed", "split", "copies", "typo")
# Typing errors that do not change the meaning (ISBP 821 A23), one or more in every deal's goods.
TYPOS = (
    ("Stainless", "Stainles"),
    ("machine", "mashine"),
    ("cotton", "coton"),
    ("coils", "coiles"),
    ("virgin", "virgen"),
    ("wireless", "wireles"),
    ("broken", "brokken"),
    ("porcelain", "porcelian"),
)


@dataclass(frozen=True)
class Deal:
    name: str
    applicant: Party
    beneficiary: Party
    issuing: Bank
    goods: tuple[GoodsLine, ...]
    amount: Decimal
    incoterm: str
    incoterm_place: str
    loading: str  # 44E as the credit words it
    discharge: str  # 44F
    port_shown: str  # the port of loading the documents show
    documents: tuple[tuple[DocType, str], ...]  # 46A, as written
    origin: str = "China"
    currency: str = "USD"
    partial: str = "NOT ALLOWED"
    air: bool = False
    drafts_at: str = "AT SIGHT"
    tolerance: Decimal | None = None
    shipped: date = date(2025, 5, 20)
    conditions: tuple[str, ...] = ()  # 47A, as written


def _party(name: str, address: str, country: str) -> Party:
    return Party(name=name, address=address, country=country)


INVOICE_3 = (DocType.COMMERCIAL_INVOICE, "SIGNED COMMERCIAL INVOICE IN 3 ORIGINALS AND 2 COPIES")
BL_ORDER_BANK = (
    DocType.OCEAN_BILL_OF_LADING,
    "FULL SET OF CLEAN ON BOARD OCEAN BILLS OF LADING MADE OUT TO ORDER OF ISSUING BANK MARKED FREIGHT PREPAID "
    "NOTIFY APPLICANT WITH FULL ADDRESS",
)
BL_TO_ORDER_COLLECT = (
    DocType.OCEAN_BILL_OF_LADING,
    "3/3 ORIGINAL CLEAN SHIPPED ON BOARD BILLS OF LADING MADE OUT TO ORDER AND BLANK ENDORSED MARKED FREIGHT "
    "COLLECT NOTIFY APPLICANT",
)
PACKING_DUPLICATE = (DocType.PACKING_LIST, "PACKING LIST IN DUPLICATE")
ORIGIN_CHAMBER = (DocType.CERTIFICATE_OF_ORIGIN, "CERTIFICATE OF ORIGIN ISSUED BY CHAMBER OF COMMERCE")
INSURANCE_110 = (
    DocType.INSURANCE_CERTIFICATE,
    "INSURANCE POLICY OR CERTIFICATE IN DUPLICATE BLANK ENDORSED FOR 110 PCT OF INVOICE VALUE COVERING INSTITUTE "
    "CARGO CLAUSES (A) AND INSTITUTE WAR CLAUSES (CARGO)",
)
INSPECTION_INDEPENDENT = (
    DocType.INSPECTION_CERTIFICATE,
    "INSPECTION CERTIFICATE ISSUED BY AN INDEPENDENT SURVEYOR CERTIFYING QUALITY AND QUANTITY",
)
VHB = Bank(name="Victoria Harbour Bank Ltd", bic="VHBKHKHH", country="HK")
GULF = Bank(name="Gulf Commercial Bank P.S.C.", bic="GCBKAEAD", country="AE")
HANSA = Bank(name="Hansa Handelsbank AG", bic="HANSDEHH", country="DE")

DEALS = (
    Deal(
        "steel_coils_mt",
        _party("Harbour Steel Trading Limited", "Unit 1203, 88 Gloucester Road, Wan Chai", "HK"),
        _party("Tangshan Iron and Steel Co., Ltd.", "18 Xinhua East Road, Tangshan, Hebei", "CN"),
        VHB,
        (GoodsLine(description="Hot rolled steel coils SAE1006", quantity=M(500), unit="MT", unit_price=M(560)),),
        M(280000),
        "CFR",
        "Hong Kong",
        "Tianjin, China",
        "Hong Kong",
        "Tianjin",
        (INVOICE_3, BL_ORDER_BANK, PACKING_DUPLICATE, ORIGIN_CHAMBER),
        tolerance=M(5),
        conditions=(
            "ALL DOCUMENTS MUST INDICATE THIS CREDIT NUMBER.",
            "B/L MUST NOTIFY APPLICANT WITH FULL ADDRESS.",
            "THIRD PARTY DOCUMENTS EXCEPT DRAFT AND INVOICE ACCEPTABLE.",
        ),
    ),
    Deal(
        "olive_oil_litres",
        _party("Al Noor Foodstuff Trading LLC", "Office 402, Deira Tower, Deira, Dubai", "AE"),
        _party("Olivares del Sur S.L.", "Calle Mayor 12, Jaen", "ES"),
        GULF,
        (
            GoodsLine(
                description="Extra virgin olive oil in 1 litre tins",
                quantity=M(20000),
                unit="litres",
                unit_price=M("6.20"),
            ),
        ),
        M(124000),
        "CIF",
        "Jebel Ali",
        "Valencia",
        "Jebel Ali",
        "Valencia, Spain",
        (INVOICE_3, BL_ORDER_BANK, PACKING_DUPLICATE, ORIGIN_CHAMBER, INSURANCE_110),
        origin="Spain",
        currency="EUR",
    ),
    Deal(
        "fabric_metres",
        _party("Hamburg Textil Import GmbH", "Grosse Elbstrasse 145, Hamburg", "DE"),
        _party("Shaoxing Keqiao Weaving Co., Ltd.", "66 Keqiao Avenue, Shaoxing, Zhejiang", "CN"),
        HANSA,
        (
            GoodsLine(
                description="100% cotton poplin fabric width 150 cm",
                quantity=M(60000),
                unit="MTRS",
                unit_price=M("1.85"),
                quantity_about=True,
            ),
        ),
        M(111000),
        "FOB",
        "Ningbo",
        "Ningbo",
        "Hamburg",
        "Ningbo",
        (INVOICE_3, BL_TO_ORDER_COLLECT, PACKING_DUPLICATE, INSPECTION_INDEPENDENT),
        currency="EUR",
        partial="ALLOWED",
    ),
    Deal(
        "garments_pcs",
        _party("Northwind Apparel Inc.", "350 Fifth Avenue, New York, NY 10118", "US"),
        _party("Dhaka Knit Composite Ltd.", "Plot 14, Sector 7, Uttara, Dhaka", "BD"),
        Bank(name="First Atlantic Bank N.A.", bic="FATLUS33", country="US"),
        (
            GoodsLine(
                description="Men's cotton T-shirts",
                model="NW-TS-220",
                quantity=M(24000),
                unit="PCS",
                unit_price=M("3.15"),
            ),
            GoodsLine(
                description="Men's denim jeans", model="NW-DJ-510", quantity=M(8000), unit="PCS", unit_price=M("7.40")
            ),
        ),
        M(134800),
        "FOB",
        "Chittagong",
        "Chittagong",
        "New York",
        "Chittagong, Bangladesh",
        (INVOICE_3, BL_TO_ORDER_COLLECT, PACKING_DUPLICATE, INSPECTION_INDEPENDENT, ORIGIN_CHAMBER),
        origin="Bangladesh",
        partial="ALLOWED",
        conditions=(
            "PACKING LIST MUST BE ISSUED BY THE BENEFICIARY.",
            "CERTIFICATE OF ORIGIN ISSUED BY EXPORT PROMOTION BUREAU ACCEPTABLE.",
        ),
    ),
    Deal(
        "machinery_sets",
        _party("Saigon Packaging Joint Stock Company", "45 Nguyen Hue Boulevard, District 1, Ho Chi Minh City", "VN"),
        _party("Guangdong Huaxing Machinery Manufacturing Co., Ltd.", "8 Industrial Road, Foshan, Guangdong", "CN"),
        Bank(name="Mekong Commercial Bank", bic="MKCBVNVX", country="VN"),
        (
            GoodsLine(
                description="Automatic carton folding and gluing machine",
                model="HX-1100",
                quantity=M(2),
                unit="SETS",
                unit_price=M(68500),
            ),
        ),
        M(137000),
        "CIF",
        "Ho Chi Minh City",
        "Any port in China",
        "Ho Chi Minh City",
        "Nansha, Guangzhou, China",
        (INVOICE_3, BL_ORDER_BANK, PACKING_DUPLICATE, ORIGIN_CHAMBER, INSURANCE_110, INSPECTION_INDEPENDENT),
    ),
    Deal(
        "electronics_air",
        _party("Harbour Homewares Ltd", "18 Harbour Road, Wan Chai, Hong Kong", "HK"),
        _party("Shenzhen Brightway Electronics Co., Ltd.", "3 Keji South Road, Nanshan, Shenzhen", "CN"),
        VHB,
        (
            GoodsLine(
                description="Bluetooth wireless earphones",
                model="BW-E7",
                quantity=M(6000),
                unit="UNITS",
                unit_price=M("11.20"),
            ),
        ),
        M(67200),
        "CPT",
        "Hong Kong",
        "Shenzhen",
        "Hong Kong",
        "Shenzhen",
        (
            INVOICE_3,
            (DocType.AIR_WAYBILL, "AIR WAYBILL CONSIGNED TO ISSUING BANK MARKED FREIGHT PREPAID NOTIFY APPLICANT"),
            PACKING_DUPLICATE,
            ORIGIN_CHAMBER,
        ),
        air=True,
    ),
    Deal(
        "no_unit_price",
        _party("Kowloon Retail Ltd", "9 Nathan Road, Tsim Sha Tsui, Kowloon", "HK"),
        _party("Ningbo Everbright Flask Co., Ltd.", "88 Jiangnan Road, Beilun, Ningbo", "CN"),
        VHB,
        (GoodsLine(description="Stainless steel vacuum flasks and food jars as per proforma invoice PI-2025-031"),),
        M(98000),
        "CIF",
        "Hong Kong",
        "Ningbo",
        "Hong Kong",
        "Ningbo",
        (INVOICE_3, BL_ORDER_BANK, PACKING_DUPLICATE, INSURANCE_110),
        tolerance=M(10),
    ),
    Deal(
        "rice_kgs_any_port",
        _party("West Africa Grains Ltd", "12 Marina Road, Lagos Island, Lagos", "NG"),
        _party("Bangkok Rice Export Co., Ltd.", "99 Rama IV Road, Khlong Toei, Bangkok", "TH"),
        Bank(name="Lagoon Trust Bank Plc", bic="LGTBNGLA", country="NG"),
        (
            GoodsLine(
                description="Thai white rice 5% broken, crop 2025, in 50 kg PP bags",
                quantity=M(1000000),
                unit="KGS",
                unit_price=M("0.42"),
            ),
        ),
        M(420000),
        "CFR",
        "Lagos",
        "Any Thai port",
        "Lagos",
        "Bangkok, Thailand",
        (INVOICE_3, BL_ORDER_BANK, PACKING_DUPLICATE, ORIGIN_CHAMBER),
        origin="Thailand",
    ),
    Deal(
        "copies_called_for",
        _party("Osaka Kitchen Supply K.K.", "2-3-1 Umeda, Kita-ku, Osaka", "JP"),
        _party("Ningbo Everbright Flask Co., Ltd.", "88 Jiangnan Road, Beilun, Ningbo", "CN"),
        Bank(name="Kansai Mercantile Bank Ltd", bic="KMBKJPJT", country="JP"),
        (
            GoodsLine(
                description="Stainless steel vacuum flasks",
                model="VF-500",
                quantity=M(10000),
                unit="UNITS",
                unit_price=M("12.50"),
            ),
        ),
        M(125000),
        "FOB",
        "Ningbo",
        "Ningbo",
        "Osaka",
        "Ningbo",
        (
            INVOICE_3,
            (DocType.OCEAN_BILL_OF_LADING, "COPY OF CLEAN ON BOARD BILL OF LADING MADE OUT TO ORDER OF SHIPPER"),
            (DocType.PACKING_LIST, "2 COPIES OF PACKING LIST"),
            (DocType.CERTIFICATE_OF_ORIGIN, "COPY OF CERTIFICATE OF ORIGIN"),
        ),
        conditions=("B/L TO BE MARKED FREIGHT COLLECT; CERTIFICATE OF ORIGIN TO BE ISSUED BY A CHAMBER OF COMMERCE.",),
    ),
    Deal(
        "tiles_sqm_partial",
        _party("Sydney Stone and Tile Pty Ltd", "21 Parramatta Road, Auburn NSW 2144", "AU"),
        _party("Foshan Ceramics Industrial Co., Ltd.", "1 Ceramics Avenue, Chancheng, Foshan", "CN"),
        Bank(name="Harbour City Bank Limited", bic="HCBKAU2S", country="AU"),
        (
            GoodsLine(
                description="Glazed porcelain floor tiles 600 x 600 mm",
                quantity=M(12000),
                unit="SQM",
                unit_price=M("7.80"),
            ),
        ),
        M(93600),
        "CIF",
        "Sydney",
        "Foshan, Shekou",
        "Sydney",
        "Shekou, China",
        (INVOICE_3, BL_ORDER_BANK, PACKING_DUPLICATE, ORIGIN_CHAMBER, INSURANCE_110),
        partial="ALLOWED",
    ),
)


def credit(deal: Deal) -> CreditTerms:
    return CreditTerms(
        credit_number=f"LC-{deal.name.upper()}",
        form="IRREVOCABLE",
        applicable_rules="UCP LATEST VERSION",
        issue_date=date(2025, 3, 3),
        expiry_date=date(2025, 6, 30),
        expiry_place="Counters of the nominated bank",
        applicant=deal.applicant,
        beneficiary=deal.beneficiary,
        currency=deal.currency,
        amount=deal.amount,
        tolerance_plus=deal.tolerance,
        tolerance_minus=deal.tolerance,
        banks=Banks(issuing=deal.issuing, drawee=deal.issuing if deal.drafts_at else None),
        available_with="ANY BANK",
        available_by="BY NEGOTIATION",
        drafts_at=deal.drafts_at,
        partial_shipments=deal.partial,
        transhipment="ALLOWED",
        port_of_loading=deal.loading,
        port_of_discharge=deal.discharge,
        latest_shipment=date(2025, 5, 31),
        goods=deal.goods,
        incoterm=deal.incoterm,
        incoterm_place=deal.incoterm_place,
        documents=tuple(DocumentRequirement(doc_type=t, text=text) for t, text in deal.documents),
        additional_conditions=deal.conditions,
    )


def presentation(deal: Deal, style: str) -> Presentation:
    built = _Builder(deal, style)
    docs: list[Any] = []
    for doc_type, _ in deal.documents:
        docs.extend(built.documents(doc_type))
    if deal.drafts_at:
        docs.append(built.draft())
    return Presentation(presentation_date=built.presented, documents=tuple(docs))


def corpus() -> list[tuple[str, CreditTerms, Presentation]]:
    return [(f"{deal.name}-{style}", credit(deal), presentation(deal, style)) for deal in DEALS for style in STYLES]


class _Builder:
    """Documents for one deal, written in one style."""

    def __init__(self, deal: Deal, style: str) -> None:
        self.deal, self.style = deal, style
        self.shipped = deal.shipped
        self.presented = date(2025, 6, 2)
        self.lines = tuple(self._line(g) for g in deal.goods)
        self.total = sum((line.amount or M(0) for line in self.lines), M(0))
        first = deal.goods[0]
        in_kg = convert(first.quantity, first.unit, "KGS") if first.quantity is not None else None
        self.packages = 400
        self.net = in_kg if in_kg is not None else M(24800)
        self.gross = self.net + M("600.5")

    def _line(self, g: GoodsLine) -> LineItem:
        share = self.deal.amount / len(self.deal.goods)
        quantity = g.quantity if g.quantity is not None else M(8000)
        price = g.unit_price if g.unit_price is not None else (share / quantity).quantize(M("0.01"))
        description = g.description
        if self.style == "typo":
            for word, typo in TYPOS:
                description = description.replace(word, typo)
        unit = {"MT": "metric tons", "KGS": "kilograms", "litres": "LTRS", "MTRS": "metres"}.get(g.unit, g.unit)
        unit = unit if self.style == "abbreviated" else g.unit
        return LineItem(
            description=description,
            model=g.model,
            quantity=quantity,
            unit=unit,
            unit_price=price,
            amount=quantity * price,
        )

    def name(self, party: Party) -> DocParty:
        name = party.name
        if self.style == "abbreviated":
            name = (
                name.upper()
                .replace("COMPANY", "CO.")
                .replace("LIMITED", "LTD.")
                .replace("CO., LTD.", "CO.,LTD")
                .replace("INDUSTRIAL", "IND.")
            )
        return DocParty(name=name, address=party.address, country=party.country)

    def port(self, text: str, country: str = "") -> str:
        """The abbreviated style writes ports in capitals with their country ("NINGBO, CHINA")."""
        if self.style != "abbreviated" or "," in text:
            return text
        return f"{text.upper()}, {(country or self.deal.origin).upper()}"

    def destination(self) -> str:
        code = self.deal.applicant.country
        return self.port(
            self.deal.discharge, pycountry.countries.get(alpha_2=code).name if code != "HK" else "HONG KONG"
        )

    def documents(self, doc_type: DocType) -> list[Any]:
        make = {
            DocType.COMMERCIAL_INVOICE: self.invoice,
            DocType.OCEAN_BILL_OF_LADING: self.bills,
            DocType.AIR_WAYBILL: self.air_waybill,
            DocType.PACKING_LIST: self.packing_list,
            DocType.CERTIFICATE_OF_ORIGIN: self.origin,
            DocType.INSURANCE_CERTIFICATE: self.insurance,
            DocType.INSPECTION_CERTIFICATE: self.inspection,
        }[doc_type]
        made = make()
        return made if isinstance(made, list) else [made]

    def _cargo(self) -> dict[str, Any]:
        extra = self.style == "detailed"
        return {
            "packages": self.packages,
            "gross_weight_kg": self.gross,
            "net_weight_kg": self.net if extra else None,
            "marks": "N/M"
            if self.deal.name == "steel_coils_mt"
            else f"{self.deal.applicant.name.split()[0].upper()} / LC-{self.deal.name.upper()} / C/NO. 1-{self.packages}",
        }

    def _general(self) -> str:
        first = self.deal.goods[0].description.split(" as per")[0]
        if self.style == "detailed":
            return f"{first}, packed in {self.packages} cartons, net weight {self.net:,} kgs, quality as per ISO 9001"
        return first

    def invoice(self) -> CommercialInvoice:
        d = self.deal
        copies = 2 if self.style != "copies" else 0
        originals = 3 if self.style != "copies" else 5  # further originals count as copies (17(d))
        return CommercialInvoice(
            issuer=self.name(d.beneficiary),
            addressee=self.name(d.applicant),
            issue_date=self.shipped - timedelta(days=2),
            originals_presented=originals,
            copies_presented=copies,
            currency=d.currency,
            total_amount=self.total,
            lines=self.lines,
            incoterm=d.incoterm,
            incoterm_place=f"{d.incoterm_place} Incoterms 2020",
            origin_country=d.origin,
            goods_description=self._general() if self.style == "detailed" else "",
            **self._cargo(),
        )

    def draft(self) -> Draft:
        return Draft(
            issuer=self.name(self.deal.beneficiary),
            issue_date=self.presented,
            drawee=DocParty(name=self.deal.issuing.name),
            tenor=self.deal.drafts_at,
            currency=self.deal.currency,
            amount=self.total,
        )

    def _consignee(self) -> str:
        text = next(t for k, t in self.deal.documents if k in (DocType.OCEAN_BILL_OF_LADING, DocType.AIR_WAYBILL))
        if "TO ORDER OF ISSUING BANK" in text:
            return f"TO ORDER OF {self.deal.issuing.name.upper()}"
        if "CONSIGNED TO ISSUING BANK" in text:
            return self.deal.issuing.name.upper()
        return "TO ORDER" if "MADE OUT TO ORDER AND" in text else "TO ORDER OF SHIPPER"

    def _notify(self) -> DocParty:
        a = self.deal.applicant
        address = a.address.replace("Road", "Rd").replace("Avenue", "Ave") if self.style == "abbreviated" else a.address
        return DocParty(
            name=a.name.upper() if self.style == "abbreviated" else a.name, address=address, country=a.country
        )

    def _freight(self) -> str:
        return "FREIGHT PREPAID" if self.deal.incoterm in ("CFR", "CIF", "CPT", "CIP") else "FREIGHT COLLECT"

    def bills(self) -> list[OceanBillOfLading]:
        copies = self.style == "copies" or "COPY OF" in self.deal.documents[1][1]
        clauses = (
            (
                "SHIPPER'S LOAD, STOW AND COUNT",
                "SAID TO CONTAIN 400 PACKAGES",
                "CARRIER RESERVES THE RIGHT TO TRANSHIP",
                "CARGO MAY BE CARRIED ON DECK",
            )
            if self.style == "detailed"
            else ()
        )
        bl = OceanBillOfLading(
            issuer=DocParty(name="Orient Star Container Line", country="HK"),
            issuer_kind="carrier",
            issue_date=self.shipped,
            originals_issued=3,
            originals_presented=0 if copies and "COPY OF" in self.deal.documents[1][1] else 3,
            copies_presented=2 if copies else 0,
            shipper=self.name(self.deal.beneficiary),
            consignee=self._consignee(),
            notify_party=self._notify(),
            vessel="M/V PACIFIC DAWN" if self.style == "abbreviated" else "MV Pacific Dawn",
            voyage="0521 S" if self.style == "abbreviated" else "0521S",
            port_of_loading=self.port(self.deal.port_shown),
            port_of_discharge=self.destination(),
            on_board_date=self.shipped,
            freight=self._freight(),
            goods_description=self._general(),
            clauses=clauses,
            container_numbers=("OSCU1234567", "OSCU7654321"),
            seal_numbers=("SL998877", "SL112233"),
            **self._cargo(),
        )
        if self.style == "detailed":
            bl = replace(bl, marks=f"{bl.marks} / CONTAINER OSCU1234567")
        if self.style != "split":
            return [bl]
        other = "MV Pacific Dawn" if self.deal.partial == "NOT ALLOWED" else "MV Ocean Grace"
        first = replace(
            bl,
            packages=250,
            gross_weight_kg=self.gross - M(10400),
            container_numbers=("OSCU1234567",),
            seal_numbers=("SL998877",),
        )
        second = replace(
            bl,
            vessel=other,
            voyage="0521S" if other == bl.vessel else "77W",
            packages=150,
            gross_weight_kg=M(10400),
            container_numbers=("OSCU7654321",),
            seal_numbers=("SL112233",),
            on_board_date=self.shipped + timedelta(days=3),
            issue_date=self.shipped + timedelta(days=3),
        )
        return [first, second]

    def air_waybill(self) -> list[AirWaybill]:
        awb = AirWaybill(
            issuer=DocParty(name="Cathay Cargo Services", country="HK"),
            issuer_kind="agent for the carrier",
            issue_date=self.shipped,
            consignee=self._consignee(),
            notify_party=self._notify(),
            airport_of_departure=self.port(self.deal.port_shown),
            airport_of_destination=self.destination(),
            flight_number="CX 991",
            flight_date=self.shipped + timedelta(days=1),
            freight=self._freight(),
            goods_description=self._general(),
            **self._cargo(),
        )
        if self.style != "split":
            return [awb]
        # Two air waybills for one flight to one destination: one shipment (art. 31(b)).
        return [
            replace(awb, reference="160-1234 5675", packages=250, gross_weight_kg=self.gross - M(2000)),
            replace(awb, reference="160-1234 5686", packages=150, gross_weight_kg=M(2000)),
        ]

    def packing_list(self) -> PackingList:
        copies_only = "COPIES OF" in dict(self.deal.documents)[DocType.PACKING_LIST]
        originals, copies = (0, 2) if copies_only else ((1, 1) if self.style == "copies" else (2, 0))
        lines = tuple(replace(line, unit_price=None, amount=None) for line in self.lines)
        return PackingList(
            issuer=self.name(self.deal.beneficiary),
            issue_date=self.shipped - timedelta(days=2),
            originals_presented=originals,
            copies_presented=copies,
            lines=lines,
            goods_description=self._general(),
            container_numbers=("OSCU1234567", "OSCU7654321"),
            seal_numbers=("SL998877", "SL112233"),
            **self._cargo(),
        )

    def origin(self) -> CertificateOfOrigin:
        copies_only = "COPY OF" in dict(self.deal.documents)[DocType.CERTIFICATE_OF_ORIGIN]
        issuer = (
            "China Council for the Promotion of International Trade"
            if self.deal.origin == "China"
            else f"{self.deal.origin} Chamber of Commerce and Industry"
        )
        return CertificateOfOrigin(
            issuer=DocParty(name=issuer),
            issue_date=self.shipped - timedelta(days=1),
            origin_country=self.deal.origin.upper() if self.style == "abbreviated" else self.deal.origin,
            goods_description=self._general(),
            originals_presented=0 if copies_only else 1,
            copies_presented=1 if copies_only else 0,
        )

    def insurance(self) -> InsuranceCertificate:
        cover = (self.total * M("1.1")).quantize(M(1), rounding=ROUND_UP)
        return InsuranceCertificate(
            issuer=DocParty(name="Pacific Mutual Insurance Co., Ltd.", country="HK"),
            issue_date=self.shipped - timedelta(days=1),
            originals_issued=1 if self.style == "copies" else 2,
            originals_presented=1 if self.style == "copies" else 2,
            copies_presented=1 if self.style == "copies" else 0,
            currency=self.deal.currency,
            insured_amount=cover,
            risks=("Institute Cargo Clauses (A) 1/1/2009", "Institute War Clauses (Cargo) 1/1/2009"),
            route_from=self.port(self.deal.port_shown),
            route_to=self.destination(),
            vessel="PACIFIC DAWN" if self.style == "abbreviated" else "MV Pacific Dawn",
            goods_description=self._general(),
        )

    def inspection(self) -> InspectionCertificate:
        return InspectionCertificate(
            issuer=DocParty(name="Pacific Cargo Survey Ltd"),
            issue_date=self.shipped - timedelta(days=3),
            inspection_date=self.shipped - timedelta(days=3),
            goods_description=self._general(),
            lines=tuple(replace(line, unit_price=None, amount=None) for line in self.lines),
            result="Quality and quantity found in order",
        )
