"""Date checks C12-C15: expiry, presentation period, shipment date, documents dated too late."""

from __future__ import annotations

from datetime import date

from lc.banking import extended_expiry, last_presentation_day
from lc.examination.context import Context, Doc, discrepancy, label, shipment_date_of
from lc.examination.doctypes import AirWaybill, OceanBillOfLading
from lc.examination.phrases import normalise_date_phrase
from lc.examination.types import Discrepancy


def check_expiry(ctx: Context) -> list[Discrepancy] | None:
    """C12, art. 6(e), 29(a): presented on or before expiry, extended past closed days."""
    expiry = ctx.terms.expiry_date
    if expiry is None:
        return None
    last = extended_expiry(expiry, ctx.calendar)
    presented = ctx.presentation.presentation_date
    if presented <= last:
        return []
    text = f"Credit expired: presented on {presented.isoformat()}, after the expiry date {last.isoformat()}."
    return [
        discrepancy(
            "C12",
            "UCP 600 art. 6(e), 29(a)",
            text,
            field="presentation_date",
            required=f"on or before {last}",
            found=presented,
        )
    ]


def check_presentation_period(ctx: Context) -> list[Discrepancy] | None:
    """C13, art. 14(c): with an original transport document, within 21 days (or 48) of shipment."""
    originals = ctx.original_transport
    if not originals or ctx.terms.expiry_date is None:
        return None
    shipped = ctx.shipment_date
    period = ctx.terms.presentation_period_days
    last = last_presentation_day(ctx.terms.expiry_date, shipped, period, ctx.calendar)
    presented = ctx.presentation.presentation_date
    if presented <= last:
        return []
    days = 21 if period is None else period
    text = (
        f"Late presentation: documents presented on {presented.isoformat()}, later than {days} days after "
        f"shipment or the expiry date (last day {last.isoformat()})."
    )
    rule = "UCP 600 art. 14(c), 29(a)" + (", field 48" if period is not None else "")
    return [
        discrepancy(
            "C13",
            rule,
            text,
            originals[0],
            field="presentation_date",
            required=f"on or before {last}",
            found=presented,
        )
    ]


def shipment_window(ctx: Context) -> tuple[date | None, date | None] | None:
    terms = ctx.terms
    if terms.latest_shipment is not None:
        return None, terms.latest_shipment
    if terms.shipment_period:
        try:
            return normalise_date_phrase(terms.shipment_period)
        except (ValueError, OverflowError):
            return None  # reported at issuance (C06)
    return None


def check_shipment_date(ctx: Context) -> list[Discrepancy] | None:
    """C14, art. 20(a)(ii), 23(a)(iii), 29(c): the latest shipment date is never extended.

    Every set, on whatever vessel, must meet it (art. 31). A copy transport document is not
    subject to art. 20 or 23, but the date it shows must not conflict with the credit (14(d)).
    """
    if not ctx.transport:
        return None
    window = shipment_window(ctx)
    found: list[Discrepancy] = []
    for doc in ctx.transport:
        shipped = shipment_date_of(doc.document)
        if shipped is None:
            if not doc.document.is_copy:
                found.append(_no_shipment_evidence(doc))
        elif window is not None and not _inside(shipped, window):
            found.append(_late(ctx, doc, shipped, window))
        elif (
            isinstance(doc.document, AirWaybill) and not doc.document.accepted_for_carriage and not doc.document.is_copy
        ):
            found.append(_no_shipment_evidence(doc))
    return found


def _inside(day: date, window: tuple[date | None, date | None]) -> bool:
    start, end = window
    return (start is None or day >= start) and (end is None or day <= end)


def _late(ctx: Context, doc: Doc, shipped: date, window: tuple[date | None, date | None]) -> Discrepancy:
    start, end = window
    late = end is not None and shipped > end
    required = f"not later than {end}" if start is None else f"between {start or '...'} and {end or '...'}"
    what = "Late shipment" if late else "Shipment outside the shipment period"
    text = f"{what}: {label(doc)} evidences shipment on {shipped.isoformat()}, credit requires shipment {required}."
    terms = ctx.terms
    clause = f"44C {terms.latest_shipment}" if terms.latest_shipment else f"44D {terms.shipment_period}"
    return discrepancy(
        "C14",
        "UCP 600 art. 20(a)(ii), 29(c)",
        text,
        doc,
        field="shipment_date",
        required=required,
        found=shipped,
        credit_text=clause,
        document_text=f"shipped on board {shipped.isoformat()}",
    )


def _no_shipment_evidence(doc: Doc) -> Discrepancy:
    if isinstance(doc.document, OceanBillOfLading):
        text = "Bill of lading does not bear a dated on-board notation and is not a shipped on board bill of lading."
        return discrepancy(
            "C14",
            "UCP 600 art. 20(a)(ii)",
            text,
            doc,
            field="on_board_date",
            required="dated on-board notation",
            found=None,
        )
    text = "Air waybill does not indicate that the goods have been accepted for carriage."
    return discrepancy(
        "C14",
        "UCP 600 art. 23(a)(ii)",
        text,
        doc,
        field="accepted_for_carriage",
        required="accepted for carriage",
        found="no",
    )


_DATE_FIELDS = ("issue_date", "on_board_date", "inspection_date", "actual_shipment_date")


def check_document_dates(ctx: Context) -> list[Discrepancy]:
    """C15, art. 14(i): a document may be dated before, never after, the presentation."""
    presented = ctx.presentation.presentation_date
    found = []
    for doc in ctx.examined:
        for name in _DATE_FIELDS:
            value = getattr(doc.document, name, None)
            if value is not None and value > presented:
                text = f"{label(doc).capitalize()} {name.replace('_', ' ')} {value.isoformat()} is later than the presentation date {presented.isoformat()}."
                found.append(
                    discrepancy(
                        "C15",
                        "UCP 600 art. 14(i)",
                        text,
                        doc,
                        field=name,
                        required=f"on or before {presented}",
                        found=value,
                    )
                )
                break
    return found
