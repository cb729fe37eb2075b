"""C24, UCP 600 art. 28: every defect of the insurance document is reported under this one code."""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal

from lc.examination.context import CENT, HUNDRED, Context, Doc, discrepancy, label
from lc.examination.doctypes import INSURANCE_TYPES, DocType, InsuranceDocument
from lc.examination.parties import INSURER_KINDS, IssuerKind, kind_of
from lc.examination.places import place_match
from lc.examination.text import Match, covers
from lc.examination.types import Certainty, Discrepancy, DocumentRequirement
from lc.examination.wording import read, risks_in

DEFAULT_COVER_PERCENT = Decimal(110)  # art. 28(f)(ii)
RULE = "UCP 600 art. 28"


def minimum_cover(ctx: Context, requirement: DocumentRequirement) -> Decimal | None:
    """Percent of the CIF/CIP value, else of the greater of amount claimed and invoice value."""
    currency = ctx.terms.currency
    invoice = ctx.invoice
    drawn = ctx.drawn()
    candidates = []
    # No insurance minimum is derived from an amount in another currency (that is C16's defect).
    if invoice is not None and invoice.currency == currency:
        candidates.append(invoice.total_amount)
    if drawn is not None and getattr(drawn[0].document, "currency", currency) == currency:
        candidates.append(drawn[1])
    if not candidates:
        return None
    percent = read(requirement).insurance_percent or DEFAULT_COVER_PERCENT
    return (max(candidates) * percent / HUNDRED).quantize(CENT, rounding=ROUND_HALF_UP)


def check_insurance(ctx: Context) -> list[Discrepancy] | None:
    requirement = next((r for r in ctx.terms.documents if r.doc_type in INSURANCE_TYPES), None)
    if requirement is None:
        return None
    found: list[Discrepancy] = []
    for doc in ctx.of_type(*INSURANCE_TYPES):
        found.extend(_check_one(ctx, doc, requirement))
    return found


def _check_one(ctx: Context, doc: Doc, requirement: DocumentRequirement) -> list[Discrepancy]:
    if doc.doc_type == DocType.INSURANCE_COVER_NOTE:
        return [
            discrepancy(
                "C24",
                "UCP 600 art. 28(c)",
                "Cover note presented; cover notes are not accepted.",
                doc,
                field="type",
                required=requirement.doc_type,
                found=doc.doc_type,
            )
        ]
    if requirement.doc_type == DocType.INSURANCE_POLICY and doc.doc_type == DocType.INSURANCE_CERTIFICATE:
        return [
            discrepancy(
                "C24",
                "UCP 600 art. 28(d)",
                "Insurance certificate presented; the credit requires an insurance policy.",
                doc,
                field="type",
                required=requirement.doc_type,
                found=doc.doc_type,
            )
        ]
    d = doc.document
    assert isinstance(d, InsuranceDocument)
    checks = (
        _form(doc, d, requirement),
        _dated(ctx, doc, d),
        _amount(ctx, doc, d, requirement),
        _risks(doc, d, requirement),
        _route(ctx, doc, d),
    )
    return [finding for group in checks for finding in group]


def _form(doc: Doc, d: InsuranceDocument, requirement: DocumentRequirement) -> list[Discrepancy]:
    found = []
    if not d.signed or not d.issuer.name.strip():
        found.append(
            discrepancy(
                "C24",
                "UCP 600 art. 28(a)",
                "Insurance document is not issued and signed by an insurance company, underwriter or their agent.",
                doc,
                field="signed",
                required="signed by insurer",
                found="unsigned",
            )
        )
    else:
        found.extend(_insurer(doc, d))
    reading = read(requirement)
    # Art. 28(b): every original issued; "in duplicate" (17(e)): one original, the rest copies.
    needed = max(d.originals_issued, 1 if reading.multiple else reading.originals, 1)
    total = max(reading.multiple, needed + reading.copies)
    if d.originals_presented < needed or d.originals_presented + d.copies_presented < total:
        text = f"Insurance document issued in {d.originals_issued} original(s); {d.originals_presented} original(s) and {d.copies_presented} copies presented, {needed} original(s) and {total} in all required."
        found.append(
            discrepancy(
                "C24",
                "UCP 600 art. 17, 28(b)",
                text,
                doc,
                field="originals_presented",
                required=needed,
                found=d.originals_presented,
                credit_text=requirement.text or "46A insurance document",
                document_text=f"{d.originals_presented} original(s), {d.copies_presented} copies",
            )
        )
    return found


def _insurer(doc: Doc, d: InsuranceDocument) -> list[Discrepancy]:
    """Art. 28(a): an insurance company, an underwriter or their agent or proxy; not a broker."""
    kind = kind_of(d.issuer_kind, d.issuer.name)
    if kind in INSURER_KINDS:
        return []
    certain = kind is not None
    what = (
        "a broker"
        if kind == IssuerKind.BROKER
        else (str(kind) if kind else "an issuer whose name does not show an insurer")
    )
    return [
        discrepancy(
            "C24",
            "UCP 600 art. 28(a)",
            f"Insurance document issued by {d.issuer.name}, {what}.",
            doc,
            field="issuer.name",
            required="insurance company, underwriter or their agent or proxy",
            found=d.issuer.name,
            document_text=f"{d.issuer.name} ({d.issuer_kind or 'kind not stated'})",
            certainty=Certainty.CERTAIN if certain else Certainty.JUDGE,
        )
    ]


def _dated(ctx: Context, doc: Doc, d: InsuranceDocument) -> list[Discrepancy]:
    shipped = ctx.shipment_date
    if shipped is None or d.issue_date is None or d.issue_date <= shipped:
        return []
    if d.effective_date is not None and d.effective_date <= shipped:
        return []  # art. 28(e): cover effective from a date not later than shipment
    text = (
        f"Insurance document dated {d.issue_date.isoformat()}, later than the date of shipment {shipped.isoformat()}."
    )
    return [
        discrepancy(
            "C24",
            "UCP 600 art. 28(e)",
            text,
            doc,
            field="issue_date",
            required=f"on or before {shipped}",
            found=d.issue_date,
        )
    ]


def _amount(ctx: Context, doc: Doc, d: InsuranceDocument, requirement: DocumentRequirement) -> list[Discrepancy]:
    currency = ctx.terms.currency
    if d.currency != currency:
        text = f"Insurance document in {d.currency}; it must be in the currency of the credit, {currency}."
        return [
            discrepancy(
                "C24",
                "UCP 600 art. 28(f)(i)",
                text,
                doc,
                field="currency",
                required=currency,
                found=d.currency,
            )
        ]
    minimum = minimum_cover(ctx, requirement)
    if minimum is None or d.insured_amount >= minimum:
        return []
    text = f"Insured amount {currency} {d.insured_amount} is less than the minimum cover {currency} {minimum}."
    return [
        discrepancy(
            "C24",
            "UCP 600 art. 28(f)(ii)",
            text,
            doc,
            field="insured_amount",
            required=f"min {minimum}",
            found=d.insured_amount,
        )
    ]


def _risks(doc: Doc, d: InsuranceDocument, requirement: DocumentRequirement) -> list[Discrepancy]:
    shown = " | ".join(d.risks)
    wanted = read(requirement).insurance_risks
    named = {risk for r in d.risks for risk in risks_in(r)}
    missing = [risk for risk in wanted if not any(covers(risk, r) for r in d.risks) and not _named(risk, named)]
    if not missing:
        return []
    text = f"Insurance document does not cover {'; '.join(missing)}."
    return [
        discrepancy(
            "C24",
            "UCP 600 art. 28(g)",
            text,
            doc,
            field="risks",
            required="; ".join(wanted),
            found=shown,
            credit_text=requirement.text or "; ".join(wanted),
        )
    ]


# ISBP 821 K17: Institute Cargo Clauses (A) meet a call for "all risks"; war risks are the
# Institute War Clauses.
_MET_BY = {"All Risks": "Institute Cargo Clauses (A)", "War Risks": "Institute War Clauses (Cargo)"}
# Cover from or to a warehouse "at" a place covers that place and more (art. 28(f)(iii): at least).
_WAREHOUSE = re.compile(r"\b(?:WAREHOUSES?|STORES?|PREMISES|FACTORY|MILL|DOOR)\b")


def _named(risk: str, named: set[str]) -> bool:
    return risk in named or _MET_BY.get(risk) in named


def _place_verdict(wanted: str, shown: str) -> Match:
    verdict = place_match(wanted, shown)
    if verdict == Match.SAME or not _WAREHOUSE.search(shown.upper()):
        return verdict
    parts = [p for p in re.split(r",|\bAT\b|\bIN\b", shown.upper()) if p.strip()]
    return max((place_match(wanted, p) for p in parts), default=verdict)


def _route(ctx: Context, doc: Doc, d: InsuranceDocument) -> list[Discrepancy]:
    terms = ctx.terms
    start = terms.place_of_receipt or terms.port_of_loading
    end = terms.final_destination or terms.port_of_discharge
    found = []
    for field_name, wanted, shown in (("route_from", start, d.route_from), ("route_to", end, d.route_to)):
        verdict = _place_verdict(wanted, shown)
        if verdict == Match.SAME:
            continue
        text = f"{label(doc).capitalize()} covers {field_name.replace('_', ' ')} {shown or 'not stated'}; cover must run from {start} to {end}."
        found.append(
            discrepancy(
                "C24",
                "UCP 600 art. 28(f)(iii)",
                text,
                doc,
                field=field_name,
                required=wanted,
                found=shown,
                credit_text=f"44A/44E {start} to 44F/44B {end}",
                certainty=Certainty.CERTAIN if verdict == Match.DIFFERENT else Certainty.JUDGE,
            )
        )
    return found
