"""Transport checks: C18 partial shipments, C20 transhipment, C22 ports, C23 clean / on deck."""

from __future__ import annotations

from lc.examination.clauses import Effect, classify, states_transhipment
from lc.examination.context import Context, Doc, discrepancy, journey_of, label
from lc.examination.doctypes import AirWaybill, OceanBillOfLading
from lc.examination.places import place_match
from lc.examination.text import Match
from lc.examination.types import Certainty, Discrepancy, ShipmentPermission


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
        journey = journey_of(doc)
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
    if ctx.terms.transhipment != ShipmentPermission.NOT_ALLOWED or not ctx.original_transport:
        return None
    found = []
    for doc in ctx.original_transport:  # arts 19-25 do not apply to a copy transport document
        d = doc.document
        # Art. 23(c)(ii): an air waybill indicating transhipment is acceptable when one document
        # covers the whole carriage, which is what one air waybill does.
        if not isinstance(d, OceanBillOfLading):
            continue
        transhipped = d.transhipment or any(states_transhipment(c) for c in d.clauses)
        if transhipped and not d.container_numbers:
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
            verdict = place_match(wanted, shown)
            if verdict == Match.SAME:
                continue
            judge = " (for the examiner to judge)" if verdict == Match.CLOSE else ""
            text = f"{label(doc).capitalize()} shows {field_name.replace('_', ' ')} {shown or 'not stated'}, credit requires {wanted}{judge}."
            tag = "44E" if field_name in ("port_of_loading", "airport_of_departure") else "44F"
            found.append(
                discrepancy(
                    "C22",
                    "UCP 600 art. 20(a)(iii), 23(a)(iv)",
                    text,
                    doc,
                    field=field_name,
                    required=wanted,
                    found=shown,
                    credit_text=f"{tag} {wanted}",
                    certainty=Certainty.CERTAIN if verdict == Match.DIFFERENT else Certainty.JUDGE,
                )
            )
    return found


def check_clean(ctx: Context) -> list[Discrepancy] | None:
    """C23, art. 26, 27: no clause declaring a defect, goods not loaded on deck; unknown clauses to the examiner."""
    if not ctx.original_transport:
        return None
    found = []
    for doc in ctx.original_transport:  # arts 19-25 (and 26-27 for them) do not apply to a copy
        d = doc.document
        assert isinstance(d, (OceanBillOfLading, AirWaybill))
        found.extend(_clause_findings(doc, d.clauses, d.clean))
        if (
            isinstance(d, OceanBillOfLading)
            and d.on_deck
            and not any(classify(c)[0] == Effect.ON_DECK for c in d.clauses)
        ):
            found.append(
                _clause(doc, "states that the goods are loaded on deck", "loaded on deck", "UCP 600 art. 26(a)")
            )
    return found


def _clause_findings(doc: Doc, clauses: tuple[str, ...], clean: bool) -> list[Discrepancy]:
    found = []
    for clause in clauses:
        effect, why = classify(clause)
        if effect == Effect.UNCLEAN:
            found.append(
                _clause(doc, f"bears a clause declaring a defect: {clause} ({why})", clause, "UCP 600 art. 27")
            )
        elif effect == Effect.ON_DECK:
            found.append(_clause(doc, f"states loading on deck: {clause} ({why})", clause, "UCP 600 art. 26(a)"))
        elif effect == Effect.UNKNOWN:
            found.append(
                _clause(
                    doc,
                    f"bears a clause for the examiner to judge: {clause}",
                    clause,
                    "UCP 600 art. 26, 27",
                    judge=True,
                )
            )
    if not clean and not any(classify(c)[0] in (Effect.UNCLEAN, Effect.ON_DECK) for c in clauses):
        # The document is marked unclean without a clause that says why: the examiner reads it.
        found.append(
            _clause(
                doc, "is marked as not clean", "; ".join(clauses) or "not clean", "UCP 600 art. 27", judge=bool(clauses)
            )
        )
    return found


def _clause(doc: Doc, what: str, shown: str, rule: str, *, judge: bool = False) -> Discrepancy:
    return discrepancy(
        "C23",
        rule,
        f"{label(doc).capitalize()} {what}.",
        doc,
        field="clauses",
        required="clean, not on deck",
        found=shown,
        credit_text="clean on board (art. 27: no clause declaring a defect)",
        document_text=shown,
        certainty=Certainty.JUDGE if judge else Certainty.CERTAIN,
    )
