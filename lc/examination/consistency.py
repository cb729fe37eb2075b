"""C25, art. 14(d): data in documents must not conflict with each other or with the credit.

When documents disagree on a datum the credit does not fix (weights, packages, marks,
containers, seals), the value most documents show is the reference and every other document
is charged; a tie goes to the document earlier in ``_PRIORITY`` (transport document, invoice,
packing list, ...). Data the credit does fix (amount, quantity, ports, issuer, addresses) belong
to their own codes, so a document that agrees with the credit is never charged here.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Hashable
from decimal import Decimal

from lc.examination.amounts import _quantity
from lc.examination.context import Context, Doc, discrepancy, label, match_lines, requirement_for
from lc.examination.doctypes import (
    INSURANCE_TYPES,
    BaseDocument,
    CargoDetails,
    CommercialInvoice,
    DocType,
    Draft,
    InspectionCertificate,
    InsuranceDocument,
    OceanBillOfLading,
)
from lc.examination.text import conflicting_numbers, covers, issuer_requirement_met, same_text, tokens
from lc.examination.types import Discrepancy

RULE = "UCP 600 art. 14(d)"
_PRIORITY = {
    DocType.OCEAN_BILL_OF_LADING: 0,
    DocType.AIR_WAYBILL: 0,
    DocType.COMMERCIAL_INVOICE: 1,
    DocType.PACKING_LIST: 2,
    DocType.INSPECTION_CERTIFICATE: 4,
    DocType.CERTIFICATE_OF_ORIGIN: 5,
}
_C_TERMS = frozenset({"CFR", "CIF", "CPT", "CIP"})


def check_consistency(ctx: Context) -> list[Discrepancy]:
    found: list[Discrepancy] = []
    for part in (
        _issuers,
        _descriptions,
        _cargo_data,
        _quantities,
        _origin,
        _transport_terms,
        _vessel,
        _draft,
        _inspection,
    ):
        found.extend(part(ctx))
    return found


def _issuers(ctx: Context) -> list[Discrepancy]:
    """Art. 3, ISBP 821 A30: issuer as the credit requires ("independent" = not the beneficiary)."""
    found = []
    for doc in ctx.examined:
        requirement = requirement_for(ctx.terms, doc.doc_type)
        wanted = requirement.issuer if requirement else ""
        if wanted and not issuer_requirement_met(wanted, doc.document.issuer.name, ctx.terms.beneficiary.name):
            text = f"{label(doc).capitalize()} issued by {doc.document.issuer.name}; the credit requires issuance by {wanted}."
            found.append(
                discrepancy(
                    "C25",
                    "UCP 600 art. 3, 14(d)",
                    text,
                    doc,
                    field="issuer.name",
                    required=wanted,
                    found=doc.document.issuer.name,
                )
            )
    return found


def _descriptions(ctx: Context) -> list[Discrepancy]:
    """Art. 14(e): outside the invoice goods may be described in general terms, without conflict."""
    references = tuple(f"{g.description} {g.model}" for g in ctx.terms.goods)
    found = []
    for doc in ctx.examined:
        if doc.doc_type == DocType.COMMERCIAL_INVOICE:
            continue  # C16
        texts = [getattr(doc.document, "goods_description", "")]
        texts += [f"{line.description} {line.model}" for line in getattr(doc.document, "lines", ())]
        odd = tuple(w for t in texts for w in conflicting_numbers(t, references))
        if odd:
            text = f"Goods description in the {label(doc)} ({', '.join(odd)}) conflicts with the credit."
            found.append(
                discrepancy(
                    "C25",
                    "UCP 600 art. 14(d)(e)",
                    text,
                    doc,
                    field="goods_description",
                    required="; ".join(references),
                    found=" | ".join(texts).strip(" |"),
                )
            )
    return found


def _cargo_value(name: str) -> Callable[[BaseDocument], Hashable]:
    def get(d: BaseDocument) -> Hashable:
        value = getattr(d, name, None)
        if name == "marks":
            return tokens(value) or None
        if name in ("container_numbers", "seal_numbers"):
            return frozenset(tokens(" ".join(value or ()))) or None
        return None if value is None else (value.normalize() if hasattr(value, "normalize") else value)

    return get


_CARGO_FIELDS = ("gross_weight_kg", "net_weight_kg", "packages", "marks", "container_numbers", "seal_numbers")


def _cargo_data(ctx: Context) -> list[Discrepancy]:
    cargo = [d for d in ctx.examined if isinstance(d.document, CargoDetails)]
    found = []
    for name in _CARGO_FIELDS:
        values = _values(ctx, cargo, _cargo_value(name))
        if len({v for _, v in values}) < 2:
            continue
        reference = _majority(values)
        for doc, value in values:
            if value != reference:
                shown = getattr(doc.document, name) if len(ctx.transport) < 2 or doc not in ctx.transport else value
                text = f"{label(doc).capitalize()} {name.replace('_', ' ')} conflicts with the other documents."
                found.append(
                    discrepancy("C25", RULE, text, doc, field=name, required=_show(reference), found=_show(shown))
                )
    return found


def _values(ctx: Context, docs: list[Doc], get: Callable[[BaseDocument], Hashable]) -> list[tuple[Doc, Hashable]]:
    """One value per document; several transport documents count as one (totals and unions)."""
    out: list[tuple[Doc, Hashable]] = []
    transport = [d for d in docs if d in ctx.transport]
    if len(transport) > 1:
        parts = [get(d.document) for d in transport]
        if all(p is not None for p in parts):
            out.append((transport[0], _combine(parts)))
        docs = [d for d in docs if d not in transport]
    out.extend((d, v) for d in docs if (v := get(d.document)) is not None)
    return out


def _combine(parts: list[Hashable]) -> Hashable:
    if isinstance(parts[0], frozenset):
        return frozenset().union(*parts)  # type: ignore[arg-type]
    if isinstance(parts[0], tuple):
        return parts[0] if all(p == parts[0] for p in parts) else tuple(w for p in parts for w in p)  # type: ignore[attr-defined]
    return sum(parts)  # type: ignore[arg-type]


def _majority(values: list[tuple[Doc, Hashable]]) -> Hashable:
    counts = Counter(v for _, v in values)
    best = max(counts.values())
    ranked = sorted(values, key=lambda item: (_PRIORITY.get(item[0].doc_type, 3), item[0].index))
    return next(v for _, v in ranked if counts[v] == best)


def _show(value: object) -> str:
    if isinstance(value, frozenset):
        return ", ".join(sorted(value))
    if isinstance(value, tuple):
        return " ".join(value)
    return str(value)


def _quantities(ctx: Context) -> list[Discrepancy]:
    """Quantities inside the credit's tolerance that still differ from the invoice."""
    invoice_doc = ctx.first(DocType.COMMERCIAL_INVOICE)
    if invoice_doc is None:
        return []
    invoice = invoice_doc.document
    assert isinstance(invoice, CommercialInvoice)
    invoiced = {g: line for g, line in match_lines(ctx.terms.goods, invoice.lines) if line is not None}
    found = []
    for doc in ctx.of_type(DocType.PACKING_LIST, DocType.INSPECTION_CERTIFICATE):
        for credit_line, line in match_lines(ctx.terms.goods, getattr(doc.document, "lines", ())):
            reference = invoiced.get(credit_line)
            if (
                line is None
                or reference is None
                or line.quantity is None
                or reference.quantity is None
                or line.quantity == reference.quantity
            ):
                continue
            zero = Decimal(0)
            if _quantity(ctx, doc, credit_line, line, zero) or _quantity(ctx, invoice_doc, credit_line, reference, zero):
                continue  # outside the credit's range: C17 on whichever departs
            text = f"{label(doc).capitalize()} quantity {line.quantity} conflicts with the invoice quantity {reference.quantity}."
            found.append(
                discrepancy("C25", RULE, text, doc, field="quantity", required=reference.quantity, found=line.quantity)
            )
    return found


def _origin(ctx: Context) -> list[Discrepancy]:
    invoice = ctx.invoice
    found = []
    for doc in ctx.of_type(DocType.CERTIFICATE_OF_ORIGIN):
        origin = getattr(doc.document, "origin_country", "")
        if invoice and invoice.origin_country and origin and not same_text(invoice.origin_country, origin):
            text = f"Certificate of origin shows origin {origin}; the invoice shows {invoice.origin_country}."
            found.append(
                discrepancy(
                    "C25",
                    RULE,
                    text,
                    doc,
                    field="origin_country",
                    required=invoice.origin_country,
                    found=origin,
                )
            )
    return found


def _transport_terms(ctx: Context) -> list[Discrepancy]:
    """Consignee, notify party and freight as 46A calls for them (art. 14(d), ISBP 821 E)."""
    found = []
    for doc in ctx.transport:
        d = doc.document
        requirement = requirement_for(ctx.terms, doc.doc_type)
        if requirement is None:
            continue
        freight_wanted = requirement.freight or ("PREPAID" if ctx.terms.incoterm.upper() in _C_TERMS else "")
        checks = (
            (
                "consignee",
                requirement.consignee,
                getattr(d, "consignee", ""),
                lambda w, s: _consignee_ok(ctx, w, s),
            ),
            ("freight", freight_wanted, getattr(d, "freight", ""), covers),
        )
        for name, wanted, shown, ok in checks:
            if wanted and shown is not None and not ok(wanted, shown):
                found.append(
                    discrepancy(
                        "C25",
                        RULE,
                        f"{label(doc).capitalize()} {name} shows {shown or 'nothing'}; the credit requires {wanted}.",
                        doc,
                        field=name,
                        required=wanted,
                        found=shown,
                    )
                )
        notify = getattr(d, "notify_party", None)
        if requirement.notify_applicant and (notify is None or not same_text(ctx.terms.applicant.name, notify.name)):
            found.append(
                discrepancy(
                    "C25",
                    RULE,
                    f"{label(doc).capitalize()} does not show the applicant as notify party.",
                    doc,
                    field="notify_party.name",
                    required=ctx.terms.applicant.name,
                    found=notify.name if notify else None,
                )
            )
    return found


def _consignee_ok(ctx: Context, wanted: str, shown: str) -> bool:
    """ "To order of issuing bank" is met by the issuing bank's name as well."""
    named = wanted.upper().replace("ISSUING BANK", ctx.terms.banks.issuing.name.upper())
    return covers(wanted, shown) or covers(named, shown)


def _vessel(ctx: Context) -> list[Discrepancy]:
    vessels = {
        tokens(d.document.vessel)
        for d in ctx.transport
        if isinstance(d.document, OceanBillOfLading) and d.document.vessel
    }
    found = []
    for doc in ctx.of_type(*INSURANCE_TYPES):
        d = doc.document
        assert isinstance(d, InsuranceDocument)
        if vessels and d.vessel and tokens(d.vessel) not in vessels:
            found.append(
                discrepancy(
                    "C25",
                    RULE,
                    f"Insurance document names vessel {d.vessel}, which differs from the bill of lading.",
                    doc,
                    field="vessel",
                    required=" / ".join(" ".join(v) for v in vessels),
                    found=d.vessel,
                )
            )
    return found


def _draft(ctx: Context) -> list[Discrepancy]:
    """Drawer = beneficiary, drawee as 42a, tenor as 42C, amount as the invoice."""
    found = []
    terms = ctx.terms
    invoice = ctx.invoice
    for doc in ctx.of_type(DocType.DRAFT):
        d = doc.document
        assert isinstance(d, Draft)
        drawee = terms.banks.drawee
        checks = (
            (
                "issuer.name",
                terms.beneficiary.name,
                d.issuer.name,
                same_text(terms.beneficiary.name, d.issuer.name),
            ),
            (
                "drawee.name",
                drawee.name if drawee else "",
                d.drawee.name,
                drawee is None
                or same_text(drawee.name, d.drawee.name)
                or bool(drawee.bic and covers(drawee.bic, d.drawee.name)),
            ),
            ("tenor", terms.drafts_at, d.tenor, not terms.drafts_at or same_text(terms.drafts_at, d.tenor)),
            (
                "amount",
                invoice.total_amount if invoice else "",
                d.amount,
                invoice is None
                or invoice.currency != d.currency
                or invoice.total_amount == d.amount
                or _over_credit(ctx, d),
            ),
        )
        for name, wanted, shown, ok in checks:
            if not ok:
                found.append(
                    discrepancy(
                        "C25",
                        "UCP 600 art. 6(c), 14(d)",
                        f"Draft {name.split('.')[0]} {shown} differs from {wanted}.",
                        doc,
                        field=name,
                        required=wanted,
                        found=shown,
                    )
                )
    return found


def _over_credit(ctx: Context, d: Draft) -> bool:
    from lc.examination.amounts import amount_bounds  # the C17 finding already covers it

    return ctx.presentation.previous_drawings + d.amount > amount_bounds(ctx)[1]


def _inspection(ctx: Context) -> list[Discrepancy]:
    shipped = ctx.shipment_date
    found = []
    for doc in ctx.of_type(DocType.INSPECTION_CERTIFICATE):
        d = doc.document
        assert isinstance(d, InspectionCertificate)
        requirement = requirement_for(ctx.terms, doc.doc_type)
        pre_shipment = requirement is not None and "PRE-SHIPMENT" in requirement.text.upper().replace(
            "PRESHIPMENT", "PRE-SHIPMENT"
        )
        if pre_shipment and shipped and d.inspection_date and d.inspection_date > shipped:
            text = f"Pre-shipment inspection dated {d.inspection_date.isoformat()}, after shipment on {shipped.isoformat()}."
            found.append(
                discrepancy(
                    "C25",
                    RULE,
                    text,
                    doc,
                    field="inspection_date",
                    required=f"on or before {shipped}",
                    found=d.inspection_date,
                )
            )
    return found
