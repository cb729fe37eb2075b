"""Amount and quantity checks: C17 (art. 30, 39A, cumulative drawings) and C19 (art. 32)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from lc.examination.context import HUNDRED, Context, Doc, discrepancy, label, match_lines
from lc.examination.doctypes import DocType, Draft, LineItem
from lc.examination.types import Certainty, Discrepancy, GoodsLine
from lc.examination.units import convert, is_measure

ABOUT = Decimal("0.10")  # art. 30(a)
MEASURE_TOLERANCE = Decimal("0.05")  # art. 30(b)
SHORTFALL_TOLERANCE = Decimal("0.05")  # art. 30(c)
_QUANTITY_DOCS = (DocType.COMMERCIAL_INVOICE, DocType.PACKING_LIST, DocType.INSPECTION_CERTIFICATE)


def amount_bounds(ctx: Context) -> tuple[Decimal, Decimal]:
    """Least and most that one drawing may claim (39A, 30(a), 30(c))."""
    terms = ctx.terms
    if terms.tolerance_plus is not None or terms.tolerance_minus is not None:
        plus = (terms.tolerance_plus or Decimal(0)) / HUNDRED
        minus = (terms.tolerance_minus or Decimal(0)) / HUNDRED
    elif terms.amount_about:
        plus = minus = ABOUT
    else:
        plus, minus = Decimal(0), SHORTFALL_TOLERANCE
    most = terms.amount * (1 + plus)
    # A minimum exists only when partial drawings are prohibited (art. 30(c), 31).
    least = terms.amount * (1 - minus) if ctx.partial_prohibited else Decimal(0)
    return least, most


def check_amounts(ctx: Context) -> list[Discrepancy] | None:
    """C17: amount claimed, cumulative with earlier drawings, against the credit and 39A."""
    drawn = ctx.drawn()
    if drawn is None:
        return None
    doc, amount = drawn
    currency = ctx.terms.currency
    shown = getattr(doc.document, "currency", currency)
    if shown == currency:
        return _amount_findings(ctx, doc, amount)
    if not isinstance(doc.document, Draft):
        return []  # a wrong invoice currency is C16 only, no amount check across currencies
    text = f"Draft drawn in {shown}, credit is in {currency}."
    return [
        discrepancy(
            "C17",
            "UCP 600 art. 18(a)(iii)",
            text,
            doc,
            field="currency",
            required=currency,
            found=shown,
            credit_text=f"32B {currency} {ctx.terms.amount}",
            document_text=f"{shown} {amount}",
        )
    ]


def _amount_findings(ctx: Context, doc: Doc, amount: Decimal) -> list[Discrepancy]:
    least, most = amount_bounds(ctx)
    previous = ctx.presentation.previous_drawings
    currency = ctx.terms.currency
    available = ctx.presentation.available
    if available is not None and amount > available and previous + amount <= most:
        text = f"Amount claimed {currency} {amount} exceeds the amount still available under the credit, {currency} {available}."
        return [
            discrepancy(
                "C17",
                "UCP 600 art. 30, field 32B",
                text,
                doc,
                field="amount",
                required=f"max {available}",
                found=amount,
                credit_text=f"available {currency} {available}",
                document_text=f"{currency} {amount}",
            )
        ]
    if previous + amount > most:
        cumulative = f" together with previous drawings of {currency} {previous}" if previous else ""
        text = f"Amount claimed {currency} {amount}{cumulative} exceeds the credit amount including tolerance {currency} {most:.2f}."
        return [
            discrepancy(
                "C17",
                "UCP 600 art. 30, field 39A",
                text,
                doc,
                field="amount",
                required=f"max {most:.2f}",
                found=previous + amount,
            )
        ]
    if amount < least:
        text = f"Partial drawing not allowed: amount claimed {currency} {amount} is less than {currency} {least:.2f}."
        return [
            discrepancy(
                "C17",
                "UCP 600 art. 30(c), 31",
                text,
                doc,
                field="amount",
                required=f"min {least:.2f}",
                found=amount,
            )
        ]
    return []


def quantity_tolerance(line: GoodsLine) -> Decimal:
    if line.quantity_about:
        return ABOUT
    # Art. 30(b): weights and measures however written, never packing units or items.
    return MEASURE_TOLERANCE if is_measure(line.unit) else Decimal(0)


def check_quantities(ctx: Context) -> list[Discrepancy]:
    """C17: quantity (30(a)(b), cumulative over shipments) and unit price (30(a)) per document."""
    found: list[Discrepancy] = []
    shipped_before = sum((s.quantity for s in ctx.presentation.previous_shipments), Decimal(0))
    single_line = len(ctx.terms.goods) == 1
    for doc in ctx.of_type(*_QUANTITY_DOCS):
        lines: tuple[LineItem, ...] = getattr(doc.document, "lines", ())
        for credit_line, line in match_lines(ctx.terms.goods, lines):
            if line is None:
                continue
            before = shipped_before if single_line else Decimal(0)
            found.extend(_quantity(ctx, doc, credit_line, line, before))
            if doc.doc_type == DocType.COMMERCIAL_INVOICE:
                found.extend(_unit_price(doc, credit_line, line))
    return found


def _quantity(ctx: Context, doc: Doc, credit_line: GoodsLine, line: LineItem, before: Decimal) -> list[Discrepancy]:
    if line.quantity is None or credit_line.quantity is None:
        return []
    quantity = convert(line.quantity, line.unit, credit_line.unit)
    unit = credit_line.unit
    if quantity is None:
        text = f"{label(doc).capitalize()} states the quantity in {line.unit}, which does not convert to the credit's {unit}."
        return [
            discrepancy(
                "C17",
                "UCP 600 art. 30, ISBP 821 C",
                text,
                doc,
                field="quantity",
                required=f"{credit_line.quantity} {unit}",
                found=f"{line.quantity} {line.unit}",
                certainty=Certainty.JUDGE,
            )
        ]
    tol = quantity_tolerance(credit_line)
    most = credit_line.quantity * (1 + tol) - before
    least = credit_line.quantity * (1 - tol) if ctx.partial_prohibited else Decimal(0)
    if least <= quantity <= most:
        return []
    text = (
        f"{label(doc).capitalize()} shows {line.quantity} {line.unit or unit} of {credit_line.description}; "
        f"the credit allows {least.normalize():f} to {most.normalize():f} {unit}."
    )
    return [
        discrepancy(
            "C17",
            "UCP 600 art. 30(a)(b)",
            text,
            doc,
            field="quantity",
            required=f"{least.normalize():f}-{most.normalize():f} {unit}",
            found=line.quantity,
            credit_text=f"45A {credit_line.quantity} {unit} {credit_line.description}".strip(),
            document_text=f"{line.quantity} {line.unit} {line.description}".strip(),
        )
    ]


def _unit_price(doc: Doc, credit_line: GoodsLine, line: LineItem) -> list[Discrepancy]:
    if line.unit_price is None or credit_line.unit_price is None:
        return []  # many credits state no unit price: nothing to compare
    per_credit_unit = convert(Decimal(1), credit_line.unit, line.unit)  # "USD 1.25/KG" against "USD 1,250/MT"
    if per_credit_unit is None:
        return []  # units that do not convert: the quantity finding puts it to the examiner
    price = line.unit_price * per_credit_unit
    tol = ABOUT if credit_line.unit_price_about else Decimal(0)
    low, high = credit_line.unit_price * (1 - tol), credit_line.unit_price * (1 + tol)
    if low <= price <= high:
        return []
    text = f"Invoice unit price {line.unit_price} differs from the credit unit price {credit_line.unit_price}."
    return [
        discrepancy(
            "C17",
            "UCP 600 art. 18, 30(a)",
            text,
            doc,
            field="unit_price",
            required=credit_line.unit_price,
            found=line.unit_price,
            credit_text=f"45A unit price {credit_line.unit_price}",
            document_text=f"unit price {line.unit_price}",
        )
    ]


def check_instalments(ctx: Context) -> list[Discrepancy] | None:
    """C19, art. 32: a missed instalment ends availability for it and every later one."""
    schedule = ctx.terms.instalments
    if not schedule:
        return None
    previous = ctx.presentation.previous_shipments
    rule = "UCP 600 art. 32"
    if len(previous) >= len(schedule):
        return [
            discrepancy(
                "C19",
                rule,
                "All instalments under the credit have already been drawn.",
                field="instalment",
                required=len(schedule),
                found=len(previous) + 1,
            )
        ]
    for number, (instalment, shipment) in enumerate(zip(schedule, previous, strict=False), start=1):
        if not _in_period(shipment.shipment_date, instalment.earliest, instalment.latest):
            text = f"Instalment {number} was not shipped within its period; the credit ceased to be available for it and all later instalments."
            return [
                discrepancy(
                    "C19",
                    rule,
                    text,
                    field=f"instalments[{number - 1}]",
                    required=f"by {instalment.latest}",
                    found=shipment.shipment_date,
                )
            ]
    return _current_instalment(ctx, len(previous))


def _current_instalment(ctx: Context, position: int) -> list[Discrepancy]:
    instalment = ctx.terms.instalments[position]
    shipped = ctx.shipment_date
    transport = ctx.transport[0] if ctx.transport else None
    found = []
    if shipped is not None and not _in_period(shipped, instalment.earliest, instalment.latest):
        text = f"Instalment {position + 1} shipped on {shipped.isoformat()}, outside its period ending {instalment.latest.isoformat()}."
        found.append(
            discrepancy(
                "C19",
                "UCP 600 art. 32",
                text,
                transport,
                field="shipment_date",
                required=f"{instalment.earliest or '...'} to {instalment.latest}",
                found=shipped,
            )
        )
    invoice_doc = ctx.first(DocType.COMMERCIAL_INVOICE)
    quantity = _invoiced_quantity(ctx)
    if invoice_doc is not None and quantity is not None and quantity != instalment.quantity:
        text = f"Instalment {position + 1} calls for {instalment.quantity}; the invoice shows {quantity}."
        found.append(
            discrepancy(
                "C19",
                "UCP 600 art. 32",
                text,
                invoice_doc,
                field="quantity",
                required=instalment.quantity,
                found=quantity,
            )
        )
    return found


def _invoiced_quantity(ctx: Context) -> Decimal | None:
    invoice = ctx.invoice
    if invoice is None or not invoice.lines:
        return None
    quantities = [line.quantity for line in invoice.lines if line.quantity is not None]
    return sum(quantities, Decimal(0)) if quantities else None


def _in_period(day: date, earliest: date | None, latest: date) -> bool:
    return (earliest is None or day >= earliest) and day <= latest
