"""Document checks: C16 invoice (art. 18), C21 presence and originals (art. 17), C27 addresses (14(j))."""

from __future__ import annotations

from lc.examination.context import Context, Doc, discrepancy, label, match_lines, requirement_for
from lc.examination.doctypes import (
    INSURANCE_TYPES,
    TRANSPORT_TYPES,
    AirWaybill,
    CommercialInvoice,
    DocParty,
    DocType,
    Draft,
    OceanBillOfLading,
)
from lc.examination.text import covers, same_text
from lc.examination.types import Discrepancy, DocumentRequirement, Party


def check_invoice(ctx: Context) -> list[Discrepancy] | None:
    """C16, art. 18: issued by the beneficiary, to the applicant, in the credit currency, goods as 45A."""
    docs = ctx.of_type(DocType.COMMERCIAL_INVOICE)
    if not docs:
        return None
    found: list[Discrepancy] = []
    for doc in docs:
        invoice = doc.document
        assert isinstance(invoice, CommercialInvoice)
        found.extend(_invoice_parties(ctx, doc, invoice))
        found.extend(_invoice_goods(ctx, doc, invoice))
    return found


def _invoice_parties(ctx: Context, doc: Doc, invoice: CommercialInvoice) -> list[Discrepancy]:
    terms = ctx.terms
    found = []
    if not same_text(terms.beneficiary.name, invoice.issuer.name):
        found.append(
            discrepancy(
                "C16",
                "UCP 600 art. 18(a)(i)",
                f"Invoice issued by {invoice.issuer.name}, not by the beneficiary {terms.beneficiary.name}.",
                doc,
                field="issuer.name",
                required=terms.beneficiary.name,
                found=invoice.issuer.name,
            )
        )
    if not same_text(terms.applicant.name, invoice.addressee.name):
        found.append(
            discrepancy(
                "C16",
                "UCP 600 art. 18(a)(ii)",
                f"Invoice made out to {invoice.addressee.name}, not to the applicant {terms.applicant.name}.",
                doc,
                field="addressee.name",
                required=terms.applicant.name,
                found=invoice.addressee.name,
            )
        )
    if invoice.currency != terms.currency:
        found.append(
            discrepancy(
                "C16",
                "UCP 600 art. 18(a)(iii)",
                f"Invoice in {invoice.currency}; the credit is in {terms.currency}.",
                doc,
                field="currency",
                required=terms.currency,
                found=invoice.currency,
            )
        )
    return found


def _invoice_goods(ctx: Context, doc: Doc, invoice: CommercialInvoice) -> list[Discrepancy]:
    terms = ctx.terms
    found = []
    for credit_line, line in match_lines(terms.goods, invoice.lines):
        text_found = f"{line.description} {line.model}" if line else ""
        wanted = f"{credit_line.description} {credit_line.model}"
        if line is None or not covers(wanted, text_found):
            text = f"Goods description in the invoice ({text_found.strip() or 'not stated'}) does not correspond with the credit ({wanted.strip()})."
            found.append(
                discrepancy(
                    "C16",
                    "UCP 600 art. 18(c)",
                    text,
                    doc,
                    field="lines",
                    required=wanted.strip(),
                    found=text_found.strip(),
                )
            )
    if terms.incoterm and not (
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
            )
        )
    return found


def _place_ok(wanted: str, shown: str) -> bool:
    return not wanted.strip() or covers(wanted, shown)


def check_presence(ctx: Context) -> list[Discrepancy]:
    """C21, art. 17: each required document, full set of B/L originals, one original of the others."""
    found: list[Discrepancy] = []
    for requirement in _requirements(ctx):
        docs = ctx.of_type(*_satisfying(requirement.doc_type))
        if not docs:
            text = f"{str(requirement.doc_type).replace('_', ' ').capitalize()} required by the credit not presented."
            found.append(
                discrepancy(
                    "C21",
                    "UCP 600 art. 14(a), 17",
                    text,
                    field="documents",
                    required=requirement.doc_type,
                    found="not presented",
                )
            )
            continue
        if requirement.doc_type not in INSURANCE_TYPES:  # originals of insurance documents: C24
            for doc in docs:
                found.extend(_originals(doc, requirement))
    return found


def _requirements(ctx: Context) -> list[DocumentRequirement]:
    reqs = list(ctx.terms.documents)
    draft_req = requirement_for(ctx.terms, DocType.DRAFT)
    if draft_req is not None and draft_req not in reqs:
        reqs.append(draft_req)
    return reqs


def _satisfying(doc_type: DocType) -> tuple[DocType, ...]:
    return tuple(INSURANCE_TYPES) if doc_type in INSURANCE_TYPES else (doc_type,)


def _originals(doc: Doc, requirement: DocumentRequirement) -> list[Discrepancy]:
    d = doc.document
    if (requirement.signed or doc.doc_type in TRANSPORT_TYPES) and not d.signed:
        return [
            discrepancy(
                "C21",
                "UCP 600 art. 17(b), 20(a)(i)",
                f"{label(doc).capitalize()} is not signed and so is not an original.",
                doc,
                field="signed",
                required="signed",
                found="unsigned",
            )
        ]
    if isinstance(d, OceanBillOfLading) and not d.issuer.name.strip():
        return [
            discrepancy(
                "C21",
                "UCP 600 art. 20(a)(i)",
                "Bill of lading does not indicate the name of the carrier.",
                doc,
                field="issuer.name",
                required="carrier named",
                found=None,
            )
        ]
    needed = max(requirement.originals, 1)
    if isinstance(d, OceanBillOfLading) and (requirement.full_set or d.originals_issued > 1):
        needed = max(needed, d.originals_issued)  # art. 20(a)(iv): the full set as issued
    if d.originals_presented < needed:
        text = f"{label(doc).capitalize()}: {d.originals_presented} original(s) presented, {needed} required."
        return [
            discrepancy(
                "C21",
                "UCP 600 art. 17(a), 20(a)(iv)",
                text,
                doc,
                field="originals_presented",
                required=needed,
                found=d.originals_presented,
            )
        ]
    if d.copies_presented < requirement.copies:
        text = f"{label(doc).capitalize()}: {d.copies_presented} copies presented, {requirement.copies} required."
        return [
            discrepancy(
                "C21",
                "UCP 600 art. 17(d)",
                text,
                doc,
                field="copies_presented",
                required=requirement.copies,
                found=d.copies_presented,
            )
        ]
    return []


def check_addresses(ctx: Context) -> list[Discrepancy]:
    """C27, art. 14(j): addresses need only be in the same country as stated in the credit.

    Contact details are disregarded; the shipper or consignor may differ from the beneficiary
    (art. 14(k)), so no shipper is compared at all.
    """
    found: list[Discrepancy] = []
    for doc in ctx.examined:
        for field_name, party, wanted in _addressed_parties(ctx, doc):
            if (
                party is not None
                and party.country
                and wanted.country
                and party.country.upper() != wanted.country.upper()
            ):
                text = f"{label(doc).capitalize()} shows the {field_name.split('.')[0].replace('_', ' ')} in {party.country}, the credit in {wanted.country}."
                found.append(
                    discrepancy(
                        "C27",
                        "UCP 600 art. 14(j)",
                        text,
                        doc,
                        field=f"{field_name}.country",
                        required=wanted.country,
                        found=party.country,
                    )
                )
    return found


def _addressed_parties(ctx: Context, doc: Doc) -> list[tuple[str, DocParty | None, Party]]:
    d = doc.document
    terms = ctx.terms
    if isinstance(d, CommercialInvoice):
        return [("issuer", d.issuer, terms.beneficiary), ("addressee", d.addressee, terms.applicant)]
    if isinstance(d, Draft):
        return [("issuer", d.issuer, terms.beneficiary)]
    if isinstance(d, (OceanBillOfLading, AirWaybill)):
        requirement = requirement_for(terms, doc.doc_type)
        if requirement is not None and requirement.notify_applicant:
            return [("notify_party", d.notify_party, terms.applicant)]
    return []
