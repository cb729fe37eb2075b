"""C25, art. 14(d): data in documents must not conflict with each other or with the credit.

Conflict, not difference: data are compared after normalisation (weights, marks, container and
seal numbers, vessel, voyage, ports, dates, quantities in any unit of the same dimension), and
data that contradict nothing (a net weight, a standard number, a carton count in a general
description; marks with a container number added) are no discrepancy. Outside the invoice goods
may be described in general terms (14(e)); a model or a quantity stated there must still agree.

When documents disagree on a datum the credit does not fix, the value most documents show is the
reference and every other document is charged; a tie goes to the document earlier in
``_PRIORITY``. Data the credit does fix (amount, quantity, ports, issuer, addresses) belong to their
own codes, so a document that agrees with the credit is never charged here.
"""

from __future__ import annotations

import functools
import re
from collections import Counter
from collections.abc import Callable, Hashable
from decimal import Decimal, InvalidOperation

from lc.examination.amounts import _quantity
from lc.examination.context import Context, Doc, discrepancy, label, match_lines
from lc.examination.doctypes import (
    INSURANCE_TYPES,
    BaseDocument,
    CargoDetails,
    CommercialInvoice,
    DocType,
    InspectionCertificate,
    InsuranceDocument,
    OceanBillOfLading,
)
from lc.examination.names import same_carrying_vessel
from lc.examination.places import same_country
from lc.examination.text import squashed, tokens
from lc.examination.types import Discrepancy, GoodsLine
from lc.examination.units import Dimension, convert, is_packing_unit, parse_unit

RULE = "UCP 600 art. 14(d)"
_PRIORITY = {
    DocType.OCEAN_BILL_OF_LADING: 0,
    DocType.AIR_WAYBILL: 0,
    DocType.COMMERCIAL_INVOICE: 1,
    DocType.PACKING_LIST: 2,
    DocType.INSPECTION_CERTIFICATE: 4,
    DocType.CERTIFICATE_OF_ORIGIN: 5,
}
# A number and its unit in a description, unless it describes packing ("12 PCS PER CARTON").
_STATED_QUANTITY = re.compile(
    r"(?<![\w.,/-])(\d[\d,]*(?:\.\d+)?)\s*([A-Z]+(?:[./][A-Z]+)*(?:\s+TONNES?|\s+TONS?)?)(?![A-Z])"
    r"(?!\.?\s*(?:PER|/|EACH|X)\b)"
)
_MODEL = re.compile(r"^([A-Z]+)\d")
# A weight a description labels as gross or net ("GROSS WEIGHT: 6,500 KGS", "G.W. 6.5 MT", "N.W.
# 5,000 KGS"): compared with the gross or net weights the documents show, never with the quantity
# shipped (goods sold by weight are sold by net weight; a gross weight is not their quantity).
_LABELLED_WEIGHT = re.compile(
    r"\b(?P<kind>GROSS|NET|G\.?|N\.?)\s*(?:WEIGHT|WGHT|WGT|WT|W)\b\.?\s*[:.]?\s*(?:OF\s+)?"
    r"(?P<number>\d[\d,]*(?:\.\d+)?)\s*(?P<unit>[A-Z]+(?:[./][A-Z]+)*(?:\s+TONNES?|\s+TONS?)?)(?![A-Z])"
)
# A quantity in a description purports to be the quantity shipped when it is of that order
# (between half and twice the invoiced quantity); smaller or larger numbers are specifications.
_PURPORTS_TOTAL = (Decimal("0.5"), Decimal(2))


def check_consistency(ctx: Context) -> list[Discrepancy]:
    found: list[Discrepancy] = []
    for part in (_descriptions, _cargo_data, _quantities, _origin, _vessel, _inspection):
        found.extend(part(ctx))
    return found


def _descriptions(ctx: Context) -> list[Discrepancy]:
    """Art. 14(d)(e): a general description may say less or more, but not other goods."""
    found = []
    for doc in ctx.examined:
        if doc.doc_type == DocType.COMMERCIAL_INVOICE:
            continue  # C16
        texts = [getattr(doc.document, "goods_description", "")]
        texts += [f"{line.description} {line.model}" for line in getattr(doc.document, "lines", ())]
        odd = [c for text in texts if text.strip() for c in _conflicts(ctx, doc, text)]
        if odd:
            text = f"Goods description in the {label(doc)} ({'; '.join(odd)}) conflicts with the credit or the invoice."
            found.append(
                discrepancy(
                    "C25",
                    "UCP 600 art. 14(d)(e)",
                    text,
                    doc,
                    field="goods_description",
                    required="; ".join(f"{g.description} {g.model}".strip() for g in ctx.terms.goods),
                    found=" | ".join(t for t in texts if t.strip()),
                    credit_text="45A "
                    + "; ".join(
                        f"{g.quantity or ''} {g.unit} {g.description} {g.model}".strip() for g in ctx.terms.goods
                    ),
                )
            )
    return found


def _conflicts(ctx: Context, doc: Doc, text: str) -> list[str]:
    """The models and quantities a description states that contradict the credit or the invoice."""
    out = []
    models = {squashed(g.model): g for g in ctx.terms.goods if g.model}
    for word in tokens(text):
        prefix = _MODEL.match(word)
        if prefix and word not in models and any(m.startswith(prefix[1]) for m in models):
            out.append(f"model {word}")
    upper = text.upper()
    for match in _LABELLED_WEIGHT.finditer(text.upper()):
        compared, conflict = _stated_weight(ctx, doc, match)
        if compared:
            upper = upper.replace(match[0], " ")  # read as a weight, not as a quantity
        if conflict:
            out.append(conflict)
    for number, unit in _STATED_QUANTITY.findall(upper):
        conflict = _stated_quantity(ctx, doc, number, unit.strip())
        if conflict:
            out.append(conflict)
    return out


def _stated_weight(ctx: Context, doc: Doc, match: re.Match[str]) -> tuple[bool, str]:
    """(read as a weight, the conflict if any) for one labelled weight in a description."""
    field = "gross_weight_kg" if match["kind"].startswith("G") else "net_weight_kg"
    try:
        stated = convert(Decimal(match["number"].replace(",", "")), match["unit"].strip(), "KGS")
    except InvalidOperation:
        return False, ""
    unit = parse_unit(match["unit"].strip())
    if stated is None or unit is None or unit.dimension is not Dimension.MASS:
        return False, ""
    reference = getattr(doc.document, field, None)
    if reference is None:
        cargo = [d for d in ctx.examined if isinstance(d.document, CargoDetails)]
        values = _values(ctx, cargo, _cargo_value(field))
        reference = _majority(values) if values else None
    if not isinstance(reference, Decimal):
        # No weight of that kind on the documents: a net weight may still be the quantity shipped.
        return field == "gross_weight_kg", ""
    shown = f"{field.split('_')[0]} weight {match['number']} {match['unit'].strip()}"
    return True, shown if stated.normalize() != reference.normalize() else ""


def _stated_quantity(ctx: Context, doc: Doc, number: str, unit: str) -> str:
    try:
        stated = Decimal(number.replace(",", ""))
    except InvalidOperation:
        return ""
    if is_packing_unit(unit):
        packages = getattr(doc.document, "packages", None) or _reference_packages(ctx)
        return f"{number} {unit}" if packages is not None and stated != packages else ""
    if parse_unit(unit) is None or len(ctx.terms.goods) != 1:
        return ""
    line = ctx.terms.goods[0]
    expected = _invoiced(ctx, line)
    converted = convert(stated, unit, line.unit)
    if expected is None or converted is None or not expected:
        return ""  # another dimension (a net weight, a capacity of 500 ml): contradicts nothing
    if (
        f"{number} {unit}" in line.description.upper()
        or not _PURPORTS_TOTAL[0] <= converted / expected <= _PURPORTS_TOTAL[1]
    ):
        return ""  # a specification ("in 50 kg bags", "width 150 cm"), not the quantity shipped
    return f"{number} {unit}" if converted != expected else ""


def _invoiced(ctx: Context, line: GoodsLine) -> Decimal | None:
    invoice = ctx.invoice
    lines = [item for g, item in match_lines(ctx.terms.goods, invoice.lines) if item is not None] if invoice else []
    if lines and lines[0].quantity is not None:
        return convert(lines[0].quantity, lines[0].unit, line.unit)
    return line.quantity


def _reference_packages(ctx: Context) -> int | None:
    counts = Counter(p for d in ctx.examined if (p := getattr(d.document, "packages", None)) is not None)
    return counts.most_common(1)[0][0] if counts else None


def _cargo_value(name: str) -> Callable[[BaseDocument], Hashable]:
    def get(d: BaseDocument) -> Hashable:
        value = getattr(d, name, None)
        if name == "marks" and isinstance(value, str):
            return frozenset(_mark_tokens(value).items()) or None
        if name in ("container_numbers", "seal_numbers") and isinstance(value, tuple):
            return frozenset(squashed(str(v)) for v in value if squashed(str(v))) or None
        if isinstance(value, Decimal):
            return value.normalize()
        return value if isinstance(value, int) else None

    return get


@functools.lru_cache(maxsize=1024)
def _mark_tokens(marks: str) -> Counter[str]:
    """Marks word by word: "HHL/HK/C/NO.1-500" = "HHL / HONG KONG / C/NO. 1-500"."""
    return Counter(t for piece in re.findall(r"[^\W_]+", marks.upper()) for t in tokens(piece))


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
            if value != reference and not (name == "marks" and _marks_agree(value, reference)):
                shown = getattr(doc.document, name)
                text = f"{label(doc).capitalize()} {name.replace('_', ' ')} conflicts with the other documents."
                found.append(
                    discrepancy(
                        "C25",
                        RULE,
                        text,
                        doc,
                        field=name,
                        required=_show(reference),
                        found=_show(shown),
                        credit_text=f"{name.replace('_', ' ')} on the other documents: {_show(reference)}",
                    )
                )
    return found


def _marks_agree(a: Hashable, b: Hashable) -> bool:
    """Marks with more data (a container number) contradict nothing: one contains the other."""
    if not isinstance(a, frozenset) or not isinstance(b, frozenset):
        return False
    ca, cb = Counter(dict(a)), Counter(dict(b))
    return not (ca - cb) or not (cb - ca)


def _values(ctx: Context, docs: list[Doc], get: Callable[[BaseDocument], Hashable]) -> list[tuple[Doc, Hashable]]:
    """One value per document; several transport documents count as one (totals and unions)."""
    out: list[tuple[Doc, Hashable]] = []
    transport = [d for d in docs if d.index in ctx.transport_indexes]
    if len(transport) > 1:
        parts = [get(d.document) for d in transport]
        if all(p is not None for p in parts):
            out.append((transport[0], _combine(parts)))
        docs = [d for d in docs if d.index not in ctx.transport_indexes]
    out.extend((d, v) for d in docs if (v := get(d.document)) is not None)
    return out


def _combine(parts: list[Hashable]) -> Hashable:
    first = parts[0]
    if isinstance(first, frozenset):
        sets = [p for p in parts if isinstance(p, frozenset)]
        if all(isinstance(x, str) for s in sets for x in s):
            return frozenset().union(*sets)  # containers and seals
        merged: Counter[str] = Counter()
        for marks in sets:
            merged |= Counter(dict(marks))  # marks of every set, each word as often as one set has it
        return frozenset(merged.items())
    if isinstance(first, (int, Decimal)):
        return Decimal(sum(p for p in parts if isinstance(p, (int, Decimal)))).normalize()
    return first


def _majority(values: list[tuple[Doc, Hashable]]) -> Hashable:
    counts = Counter(v for _, v in values)
    best = max(counts.values())
    ranked = sorted(values, key=lambda item: (_PRIORITY.get(item[0].doc_type, 3), item[0].index))
    return next(v for _, v in ranked if counts[v] == best)


def _show(value: object) -> str:
    if isinstance(value, frozenset):
        parts = (
            [f"{k} x{n}" if n > 1 else str(k) for k, n in sorted(value)]
            if all(isinstance(p, tuple) for p in value)
            else sorted(str(v) for v in value)
        )
        return ", ".join(parts)
    if isinstance(value, tuple):
        return " ".join(str(v) for v in value)
    return str(value)


def _quantities(ctx: Context) -> list[Discrepancy]:
    """Quantities inside the credit's tolerance that still differ from the invoice."""
    invoice_doc = ctx.first(DocType.COMMERCIAL_INVOICE)
    if invoice_doc is None or not isinstance(invoice_doc.document, CommercialInvoice):
        return []
    invoiced = {g: line for g, line in match_lines(ctx.terms.goods, invoice_doc.document.lines) if line is not None}
    found = []
    zero = Decimal(0)
    for doc in ctx.of_type(DocType.PACKING_LIST, DocType.INSPECTION_CERTIFICATE):
        for credit_line, line in match_lines(ctx.terms.goods, getattr(doc.document, "lines", ())):
            reference = invoiced.get(credit_line)
            if line is None or reference is None or line.quantity is None or reference.quantity is None:
                continue
            if convert(line.quantity, line.unit, reference.unit) in (reference.quantity, None):
                continue  # the same quantity in another unit, or not comparable (C17 judges)
            if _quantity(ctx, doc, credit_line, line, zero) or _quantity(
                ctx, invoice_doc, credit_line, reference, zero
            ):
                continue  # outside the credit's range: C17 on whichever departs
            text = f"{label(doc).capitalize()} quantity {line.quantity} {line.unit} conflicts with the invoice quantity {reference.quantity} {reference.unit}."
            found.append(
                discrepancy(
                    "C25",
                    RULE,
                    text,
                    doc,
                    field="quantity",
                    required=reference.quantity,
                    found=line.quantity,
                    credit_text=f"invoice: {reference.quantity} {reference.unit}".strip(),
                    document_text=f"{line.quantity} {line.unit}".strip(),
                )
            )
    return found


def _origin(ctx: Context) -> list[Discrepancy]:
    invoice = ctx.invoice
    found = []
    for doc in ctx.of_type(DocType.CERTIFICATE_OF_ORIGIN):
        origin = getattr(doc.document, "origin_country", "")
        if invoice and invoice.origin_country and origin and not same_country(invoice.origin_country, origin):
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
                    credit_text=f"invoice: origin {invoice.origin_country}",
                )
            )
    return found


def _vessel(ctx: Context) -> list[Discrepancy]:
    carried = [
        (d.document.vessel, d.document.voyage)
        for d in ctx.transport
        if isinstance(d.document, OceanBillOfLading) and d.document.vessel
    ]
    vessels = [v for v, _ in carried]
    found = []
    for doc in ctx.of_type(*INSURANCE_TYPES):
        d = doc.document
        assert isinstance(d, InsuranceDocument)
        if carried and d.vessel and not any(same_carrying_vessel(v, voy, d.vessel) for v, voy in carried):
            found.append(
                discrepancy(
                    "C25",
                    RULE,
                    f"Insurance document names vessel {d.vessel}, which differs from the bill of lading.",
                    doc,
                    field="vessel",
                    required=" / ".join(vessels),
                    found=d.vessel,
                    credit_text=f"bill of lading: {' / '.join(vessels)}",
                )
            )
    return found


def _inspection(ctx: Context) -> list[Discrepancy]:
    shipped = ctx.shipment_date
    found = []
    for doc in ctx.of_type(DocType.INSPECTION_CERTIFICATE):
        d = doc.document
        assert isinstance(d, InspectionCertificate)
        clause = next((r.text for r in ctx.terms.documents if r.doc_type == doc.doc_type), "")
        pre_shipment = bool(re.search(r"PRE-?\s?SHIPMENT|BEFORE\s+SHIPMENT", clause.upper()))
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
                    credit_text=clause,
                )
            )
    return found
