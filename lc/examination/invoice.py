"""C16, UCP 600 art. 18: the commercial invoice.

Issued by the beneficiary, made out to the applicant (names after normalisation: a name that
differs by a letter or only by its legal form is for the examiner to judge), in the credit's
currency, goods as in 45A (typing errors tolerated only where the word does not name another
thing), the trade term as the credit states it. The invoice's own arithmetic is put to the
examiner: banks check totals against the credit, not the detail of the calculation (ISBP 821).
"""

from __future__ import annotations

from decimal import Decimal

from lc.examination.context import Context, Doc, discrepancy, match_lines
from lc.examination.doctypes import CommercialInvoice, DocType, LineItem
from lc.examination.names import name_match
from lc.examination.text import Match, covers, same_text
from lc.examination.types import Certainty, Discrepancy

_MINOR_UNITS = {"JPY": 0, "KRW": 0, "VND": 0, "CLP": 0, "ISK": 0, "BHD": 3, "KWD": 3, "OMR": 3, "JOD": 3, "TND": 3}
_CERTAINTY = {Match.DIFFERENT: Certainty.CERTAIN, Match.CLOSE: Certainty.JUDGE}


def check_invoice(ctx: Context) -> list[Discrepancy] | None:
    docs = ctx.of_type(DocType.COMMERCIAL_INVOICE)
    if not docs:
        return None
    found: list[Discrepancy] = []
    for doc in docs:
        invoice = doc.document
        assert isinstance(invoice, CommercialInvoice)
        found.extend(_parties(ctx, doc, invoice))
        found.extend(_goods(ctx, doc, invoice))
        found.extend(_arithmetic(doc, invoice))
    return found


def _parties(ctx: Context, doc: Doc, invoice: CommercialInvoice) -> list[Discrepancy]:
    terms = ctx.terms
    checks = (
        ("issuer.name", "issued by", "beneficiary", "18(a)(i)", terms.beneficiary.name, invoice.issuer.name, "59"),
        ("addressee.name", "made out to", "applicant", "18(a)(ii)", terms.applicant.name, invoice.addressee.name, "50"),
    )
    found = []
    for field, verb, role, article, wanted, shown, tag in checks:
        verdict = name_match(wanted, shown)
        if verdict == Match.SAME:
            continue
        judge = " (a name that differs slightly: for the examiner to judge)" if verdict == Match.CLOSE else ""
        found.append(
            discrepancy(
                "C16",
                f"UCP 600 art. {article}",
                f"Invoice {verb} {shown}, not the {role} {wanted}{judge}.",
                doc,
                field=field,
                required=wanted,
                found=shown,
                credit_text=f"{tag} {wanted}",
                document_text=shown,
                certainty=_CERTAINTY[verdict],
            )
        )
    if invoice.currency.strip().upper() != terms.currency.strip().upper():
        found.append(
            discrepancy(
                "C16",
                "UCP 600 art. 18(a)(iii)",
                f"Invoice in {invoice.currency}; the credit is in {terms.currency}.",
                doc,
                field="currency",
                required=terms.currency,
                found=invoice.currency,
                credit_text=f"32B {terms.currency} {terms.amount}",
                document_text=f"{invoice.currency} {invoice.total_amount}",
            )
        )
    return found


def _goods(ctx: Context, doc: Doc, invoice: CommercialInvoice) -> list[Discrepancy]:
    terms = ctx.terms
    found = []
    for credit_line, line in match_lines(terms.goods, invoice.lines):
        shown = f"{line.description} {line.model}".strip() if line else ""
        wanted = f"{credit_line.description} {credit_line.model}".strip()
        if line is None or not covers(wanted, shown):
            text = f"Goods description in the invoice ({shown or 'not stated'}) does not correspond with the credit ({wanted})."
            found.append(
                discrepancy(
                    "C16",
                    "UCP 600 art. 18(c)",
                    text,
                    doc,
                    field="lines",
                    required=wanted,
                    found=shown,
                    credit_text=f"45A {wanted}",
                    document_text=shown or "not stated",
                )
            )
    if terms.incoterm.strip() and not (
        same_text(terms.incoterm, invoice.incoterm) and _place_ok(terms.incoterm_place, invoice.incoterm_place)
    ):
        wanted = f"{terms.incoterm} {terms.incoterm_place}".strip()
        shown = f"{invoice.incoterm} {invoice.incoterm_place}".strip()
        found.append(
            discrepancy(
                "C16",
                "UCP 600 art. 18(c), ISBP 821 C8",
                f"Invoice trade term {shown or 'not stated'} differs from {wanted}.",
                doc,
                field="incoterm",
                required=wanted,
                found=shown,
                credit_text=f"45A {wanted}",
            )
        )
    return found


def _place_ok(wanted: str, shown: str) -> bool:
    return not wanted.strip() or covers(wanted, shown)


def _arithmetic(doc: Doc, invoice: CommercialInvoice) -> list[Discrepancy]:
    """Quantity x unit price = line amount; lines and adjustments add up to the total."""
    cent = Decimal(1).scaleb(-_MINOR_UNITS.get(invoice.currency.strip().upper(), 2))
    found = [_line_error(doc, line, i, cent) for i, line in enumerate(invoice.lines)]
    amounts = [line.amount for line in invoice.lines]
    if invoice.lines and all(a is not None for a in amounts):
        summed = sum((a for a in amounts if a is not None), Decimal(0)) + sum(
            (adj.amount for adj in invoice.adjustments), Decimal(0)
        )
        if abs(summed - invoice.total_amount) > cent:
            found.append(_arithmetic_finding(doc, "total_amount", f"lines add up to {summed}", invoice.total_amount))
    return [f for f in found if f is not None]


def _line_error(doc: Doc, line: LineItem, index: int, cent: Decimal) -> Discrepancy | None:
    if line.quantity is None or line.unit_price is None or line.amount is None:
        return None
    product = line.quantity * line.unit_price
    if abs(product - line.amount) <= cent:
        return None
    return _arithmetic_finding(
        doc, f"lines[{index}].amount", f"{line.quantity} x {line.unit_price} = {product}", line.amount
    )


def _arithmetic_finding(doc: Doc, field: str, expected: str, shown: Decimal) -> Discrepancy:
    return discrepancy(
        "C16",
        "UCP 600 art. 14(d), 18; ISBP 821 (calculations)",
        f"Invoice arithmetic: {expected}, the invoice shows {shown}.",
        doc,
        field=field,
        required=expected,
        found=shown,
        certainty=Certainty.JUDGE,
    )
