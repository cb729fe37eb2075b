"""C25 for the parties a document names: issuers, consignee, notify party, drawer and drawee.

Role words in the credit are resolved to parties first (``parties``), so "issued by the
beneficiary", "to order of the issuing bank" and "notify applicant" are met by those parties'
names however the document writes them. A name that differs by a typing error or only by its
legal form is put to the examiner rather than charged.
"""

from __future__ import annotations

import re
from datetime import date

from lc.examination.amounts import amount_bounds
from lc.examination.context import Context, Doc, discrepancy, label
from lc.examination.doctypes import INSURANCE_TYPES, TRANSPORT_TYPES, AirWaybill, DocType, Draft, OceanBillOfLading
from lc.examination.names import name_match
from lc.examination.parties import consignee_verdict, issuer_rule, issuer_verdict
from lc.examination.text import Match, covers, same_text
from lc.examination.types import Certainty, Discrepancy

RULE = "UCP 600 art. 14(d)"
_C_TERMS = frozenset({"CFR", "CIF", "CPT", "CIP"})
_CERTAINTY = {Match.DIFFERENT: Certainty.CERTAIN, Match.CLOSE: Certainty.JUDGE}


def check_roles(ctx: Context) -> list[Discrepancy]:
    return [*_issuers(ctx), *_transport_parties(ctx), *_drafts(ctx)]


def _issuers(ctx: Context) -> list[Discrepancy]:
    """Art. 3, ISBP 821 A30: issuer as the credit requires ("independent" = not the beneficiary)."""
    found = []
    for doc in ctx.examined:
        reading = ctx.reading(doc.doc_type)
        if reading is None or not reading.issuer or doc.doc_type in INSURANCE_TYPES:
            continue  # the insurer is art. 28(a), C24
        issuer = doc.document.issuer
        rule = issuer_rule(reading.issuer, ctx.terms)
        transport = doc.doc_type in TRANSPORT_TYPES
        verdict = issuer_verdict(rule, issuer.name, doc.document.issuer_kind, ctx.terms, transport=transport)
        if verdict == Match.SAME:
            continue
        text = f"{label(doc).capitalize()} issued by {issuer.name}; the credit requires issuance by {reading.issuer.lower()}."
        found.append(
            discrepancy(
                "C25",
                "UCP 600 art. 3, 14(d)",
                text,
                doc,
                field="issuer.name",
                required=reading.issuer,
                found=issuer.name,
                credit_text=_clause(ctx, doc) or reading.issuer,
                document_text=f"{issuer.name}" + (f" ({doc.document.issuer_kind})" if doc.document.issuer_kind else ""),
                certainty=_CERTAINTY[verdict],
            )
        )
    return found


def _clause(ctx: Context, doc: Doc) -> str:
    requirement = next((r for r in ctx.terms.documents if r.doc_type == doc.doc_type), None)
    reading = ctx.reading(doc.doc_type)
    clause = requirement.text if requirement else ""
    return reading.credit_text(clause) if reading is not None else clause


def _transport_parties(ctx: Context) -> list[Discrepancy]:
    """Consignee, notify party and freight as 46A calls for them (art. 14(d), ISBP 821 E)."""
    found = []
    for doc in ctx.transport:
        d = doc.document
        reading = ctx.reading(doc.doc_type)
        if reading is None or not isinstance(d, (OceanBillOfLading, AirWaybill)):
            continue
        clause = _clause(ctx, doc)
        if reading.consignee:
            verdict = consignee_verdict(reading.consignee, d.consignee, ctx.terms)
            if verdict != Match.SAME:
                found.append(_finding(doc, "consignee", reading.consignee, d.consignee, clause, verdict))
        freight = reading.freight or ("PREPAID" if ctx.terms.incoterm.strip().upper() in _C_TERMS else "")
        if freight and not _freight_ok(freight, d.freight):
            found.append(_finding(doc, "freight", f"freight {freight.lower()}", d.freight, clause, Match.DIFFERENT))
        if reading.notify_applicant:
            shown = d.notify_party.name if d.notify_party else ""
            verdict = name_match(ctx.terms.applicant.name, shown) if shown else Match.DIFFERENT
            if verdict != Match.SAME:
                found.append(_finding(doc, "notify_party.name", ctx.terms.applicant.name, shown, clause, verdict))
    return found


def _freight_ok(wanted: str, shown: str) -> bool:
    upper = shown.upper()
    if wanted == "PREPAID":
        return "PREPAID" in upper or "PRE-PAID" in upper or "FREIGHT PAID" in upper
    if wanted == "COLLECT":
        return "COLLECT" in upper or "PAYABLE AT DESTINATION" in upper
    return covers(wanted, shown)


def _finding(doc: Doc, field: str, wanted: str, shown: str, clause: str, verdict: Match) -> Discrepancy:
    judge = " (for the examiner to judge)" if verdict == Match.CLOSE else ""
    text = f"{label(doc).capitalize()} {field.split('.')[0].replace('_', ' ')} shows {shown or 'nothing'}; the credit requires {wanted}{judge}."
    return discrepancy(
        "C25",
        RULE,
        text,
        doc,
        field=field,
        required=wanted,
        found=shown or None,
        credit_text=clause or wanted,
        certainty=_CERTAINTY[verdict],
    )


def _drafts(ctx: Context) -> list[Discrepancy]:
    """Drawer = beneficiary, drawee as 42a, tenor as 42C, amount as the invoice."""
    found = []
    for doc in ctx.of_type(DocType.DRAFT):
        d = doc.document
        assert isinstance(d, Draft)
        for field, wanted, shown, verdict in _draft_checks(ctx, d):
            if verdict != Match.SAME:
                judge = " (for the examiner to judge)" if verdict == Match.CLOSE else ""
                found.append(
                    discrepancy(
                        "C25",
                        "UCP 600 art. 6(c), 14(d)",
                        f"Draft {field.split('.')[0]} {shown} differs from {wanted}{judge}.",
                        doc,
                        field=field,
                        required=wanted,
                        found=shown,
                        certainty=_CERTAINTY[verdict],
                    )
                )
    return found


def _draft_checks(ctx: Context, d: Draft) -> list[tuple[str, object, object, Match]]:
    terms, invoice = ctx.terms, ctx.invoice
    drawee = terms.banks.drawee
    checks: list[tuple[str, object, object, Match]] = [
        ("issuer.name", terms.beneficiary.name, d.issuer.name, name_match(terms.beneficiary.name, d.issuer.name))
    ]
    if drawee is not None:
        by_bic = bool(drawee.bic) and covers(drawee.bic, d.drawee.name)
        checks.append(
            (
                "drawee.name",
                drawee.name,
                d.drawee.name,
                Match.SAME if by_bic else name_match(drawee.name, d.drawee.name),
            )
        )
    if terms.drafts_at.strip():
        checks.append(("tenor", terms.drafts_at, d.tenor, tenor_match(terms.drafts_at, d.tenor, ctx.shipment_date)))
    if (
        invoice is not None
        and invoice.currency == d.currency
        and invoice.total_amount != d.amount
        and not _over_credit(ctx, d)
    ):
        checks.append(("amount", invoice.total_amount, d.amount, Match.DIFFERENT))
    return checks


def _over_credit(ctx: Context, d: Draft) -> bool:
    """A draft over the credit is C17's finding already."""
    return ctx.presentation.previous_drawings + d.amount > amount_bounds(ctx)[1]


# Art. 6(c), ISBP 821 B2: a tenor is read for its meaning (sight, or so many days after a basis),
# not its wording: "SIGHT" = "AT *** SIGHT"; "BILL OF LADING DATE" = "B/L DATE"; "from" = "after"
# for a period of payment (art. 3); a draft on a B/L-date tenor may state that date (B2(b)).
_SIGHT = re.compile(r"^(?:AT\s+)?[X*\s.-]*SIGHT$")
_DAYS = re.compile(r"^(?:AT\s+)?(?P<days>\d{1,3})\s+DAYS?\s+(?:AFTER|FROM|FOLLOWING)\s+(?P<basis>.+)$")
_BL_BASIS = re.compile(r"\bB\s*/\s*L\b|\bBILLS?\s+OF\s+LADING\b|\bSHIPMENT\b|\bON\s*BOARD\b|\bAWB\b|\bAIR\s*WAYBILL\b")
_MONTHS = "JAN FEB MAR APR MAY JUN JUL AUG SEP OCT NOV DEC".split()
_DATE_FORMS = (
    re.compile(r"\b(?P<y>\d{4})-(?P<m>\d{1,2})-(?P<d>\d{1,2})\b"),
    re.compile(r"\b(?P<d>\d{1,2})\.(?P<m>\d{1,2})\.(?P<y>\d{4})\b"),
    re.compile(r"\b(?P<d>\d{1,2})(?:ST|ND|RD|TH)?\s+(?P<mon>[A-Z]{3})[A-Z]*\.?,?\s+(?P<y>\d{4})\b"),
    re.compile(r"\b(?P<mon>[A-Z]{3})[A-Z]*\.?\s+(?P<d>\d{1,2})(?:ST|ND|RD|TH)?,?\s+(?P<y>\d{4})\b"),
)


def _date_in(text: str) -> date | None:
    for form in _DATE_FORMS:
        match = form.search(text)
        if match is None:
            continue
        parts = match.groupdict()
        month = _MONTHS.index(parts["mon"]) + 1 if parts.get("mon") in _MONTHS else int(parts.get("m") or 0)
        try:
            return date(int(parts["y"]), month, int(parts["d"]))
        except ValueError:
            return None
    return None


def _tenor(text: str) -> tuple[int, str, date | None] | None:
    """(days, basis, the basis date the text states) of a tenor; None when it is not read."""
    upper = " ".join(text.upper().replace("’", "'").split()).strip(" .")
    if _SIGHT.match(upper):
        return 0, "SIGHT", None
    match = _DAYS.match(upper)
    if match is None:
        return None
    basis = match["basis"]
    kind = "SIGHT" if re.search(r"\bSIGHT\b", basis) else "BL" if _BL_BASIS.search(basis) else ""
    kind = kind or ("INVOICE" if "INVOICE" in basis else "DATE" if _date_in(basis) else "")
    return (int(match["days"]), kind, _date_in(basis)) if kind else None


def tenor_match(wanted: str, shown: str, shipped: date | None) -> Match:
    """How a draft's tenor corresponds to 42C."""
    if same_text(wanted, shown):
        return Match.SAME
    a, b = _tenor(wanted), _tenor(shown)
    if a is None or b is None:
        return Match.DIFFERENT
    if a[0] != b[0]:
        return Match.DIFFERENT
    if a[1] == b[1] and (a[2] is None or b[2] is None or a[2] == b[2]):
        if a[1] == "BL" and b[2] is not None and shipped is not None and b[2] != shipped:
            return Match.DIFFERENT  # the B/L date the draft states is not the B/L's
        return Match.SAME
    if {a[1], b[1]} == {"BL", "DATE"} and shipped is not None:
        stated = b[2] if b[1] == "DATE" else a[2]
        return Match.SAME if stated == shipped else Match.DIFFERENT
    return Match.DIFFERENT
