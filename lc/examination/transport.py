"""Transport checks: C18 partial shipments, C20 transhipment, C22 ports, C23 clean / on deck."""

from __future__ import annotations

from lc.examination.context import Context, Doc, discrepancy, label
from lc.examination.doctypes import AirWaybill, OceanBillOfLading
from lc.examination.text import place_matches, tokens
from lc.examination.types import Discrepancy, ShipmentPermission


def _journey(doc: Doc) -> tuple[object, ...]:
    """Art. 31(b): same means of conveyance and same journey (destination), whatever the dates."""
    d = doc.document
    if isinstance(d, OceanBillOfLading):
        return ("SEA", tokens(d.vessel), tokens(d.voyage), tokens(d.port_of_discharge.split(",")[0]))
    if isinstance(d, AirWaybill):
        return ("AIR", tokens(d.flight_number), tokens(d.airport_of_destination))
    return ("OTHER", doc.index)


def check_partial_shipments(ctx: Context) -> list[Discrepancy] | None:
    """C18, art. 31: with 43P NOT ALLOWED, one conveyance and one journey only."""
    if not ctx.partial_prohibited:
        return None
    rule = "UCP 600 art. 31(b), field 43P"
    if ctx.presentation.previous_shipments:
        text = "Partial shipments prohibited: goods have already been shipped under an earlier presentation."
        return [
            discrepancy(
                "C18",
                rule,
                text,
                ctx.transport[0] if ctx.transport else None,
                field="previous_shipments",
                required="one shipment",
                found="second shipment",
            )
        ]
    first: tuple[object, ...] | None = None
    found = []
    for doc in ctx.transport:
        journey = _journey(doc)
        if first is None:
            first = journey
        elif journey != first:
            text = (
                f"Partial shipments prohibited: {label(doc)} evidences shipment on a different conveyance or journey."
            )
            found.append(
                discrepancy(
                    "C18",
                    rule,
                    text,
                    doc,
                    field="vessel",
                    required="same conveyance and journey",
                    found=_conveyance(doc),
                )
            )
    return found


def _conveyance(doc: Doc) -> str:
    d = doc.document
    if isinstance(d, OceanBillOfLading):
        return f"{d.vessel} {d.voyage}".strip()
    return getattr(d, "flight_number", "")


def check_transhipment(ctx: Context) -> list[Discrepancy] | None:
    """C20, art. 20(c), 23(c): with 43T NOT ALLOWED, transhipment only with the container exception."""
    if ctx.terms.transhipment != ShipmentPermission.NOT_ALLOWED or not ctx.transport:
        return None
    found = []
    for doc in ctx.transport:
        d = doc.document
        # Art. 23(c)(ii): an air waybill indicating transhipment is acceptable when one document
        # covers the whole carriage, which is what one air waybill does.
        if isinstance(d, OceanBillOfLading) and d.transhipment and not d.container_numbers:
            text = "Transhipment prohibited: bill of lading indicates transhipment and the goods are not shipped in containers, trailers or LASH barges."
            found.append(
                discrepancy(
                    "C20",
                    "UCP 600 art. 20(c)(ii), field 43T",
                    text,
                    doc,
                    field="transhipment",
                    required="no transhipment",
                    found="transhipment",
                )
            )
    return found


def check_ports(ctx: Context) -> list[Discrepancy] | None:
    """C22, art. 20(a)(iii), 23(a)(iv): loading and discharge as in 44E / 44F (any one alternative)."""
    if not ctx.transport:
        return None
    terms = ctx.terms
    found = []
    for doc in ctx.transport:
        d = doc.document
        if isinstance(d, OceanBillOfLading):
            pairs = (
                ("port_of_loading", terms.port_of_loading, d.port_of_loading),
                ("port_of_discharge", terms.port_of_discharge, d.port_of_discharge),
            )
        else:
            assert isinstance(d, AirWaybill)
            pairs = (
                ("airport_of_departure", terms.port_of_loading, d.airport_of_departure),
                ("airport_of_destination", terms.port_of_discharge, d.airport_of_destination),
            )
        for field_name, wanted, shown in pairs:
            if wanted.strip() and not place_matches(wanted, shown):
                text = f"{label(doc).capitalize()} shows {field_name.replace('_', ' ')} {shown or 'not stated'}, credit requires {wanted}."
                found.append(
                    discrepancy(
                        "C22",
                        "UCP 600 art. 20(a)(iii), 23(a)(iv)",
                        text,
                        doc,
                        field=field_name,
                        required=wanted,
                        found=shown,
                    )
                )
    return found


def check_clean(ctx: Context) -> list[Discrepancy] | None:
    """C23, art. 26(a), 27: a clean transport document, goods not loaded on deck."""
    if not ctx.transport:
        return None
    found = []
    for doc in ctx.transport:
        d = doc.document
        clauses = getattr(d, "clauses", ())
        if not getattr(d, "clean", True) or clauses:
            text = f"{label(doc).capitalize()} is claused: {'; '.join(clauses) or 'defective condition of goods or packaging'}."
            found.append(
                discrepancy(
                    "C23",
                    "UCP 600 art. 27",
                    text,
                    doc,
                    field="clean",
                    required="clean",
                    found="; ".join(clauses) or "claused",
                )
            )
        if getattr(d, "on_deck", False):
            text = "Bill of lading states that the goods are loaded on deck."
            found.append(
                discrepancy(
                    "C23",
                    "UCP 600 art. 26(a)",
                    text,
                    doc,
                    field="on_deck",
                    required="not on deck",
                    found="on deck",
                )
            )
    return found
