"""Document checks: C21 presence, originals and copies (art. 17, 20(a)(iv)), C27 addresses (14(j))."""

from __future__ import annotations

from lc.examination.context import Context, Doc, discrepancy, label, requirement_for
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
from lc.examination.names import address_match, name_match
from lc.examination.places import same_country
from lc.examination.text import Match
from lc.examination.types import Certainty, Discrepancy, DocumentRequirement, Party
from lc.examination.wording import Reading, read


def check_presence(ctx: Context) -> list[Discrepancy]:
    """C21, art. 14(a), 17: each required document, in the originals and copies the credit asks for."""
    found: list[Discrepancy] = []
    for requirement in _requirements(ctx):
        docs = ctx.of_type(*_satisfying(requirement.doc_type))
        if not docs:
            name = str(requirement.doc_type).replace("_", " ")
            found.append(
                discrepancy(
                    "C21",
                    "UCP 600 art. 14(a), 17",
                    f"{name.capitalize()} required by the credit not presented.",
                    field="documents",
                    required=requirement.doc_type,
                    found="not presented",
                    credit_text=requirement.text or f"46A {name}",
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
    reading = read(requirement)
    d = doc.document
    clause = requirement.text or f"46A {label(doc)}"
    shown = f"{d.originals_presented} original(s), {d.copies_presented} copies"
    if reading.copies_only:
        needed = max(reading.copies, 1)  # art. 17(d): originals or copies
        if d.originals_presented + d.copies_presented >= needed:
            return []
        text = f"{label(doc).capitalize()}: {d.originals_presented + d.copies_presented} presented, {needed} copies required."
        return [_count(doc, "UCP 600 art. 17(d)", text, "copies_presented", needed, shown, clause)]
    if d.is_copy:
        text = f"{label(doc).capitalize()} presented in copies only; the credit requires an original."
        return [_count(doc, "UCP 600 art. 17(a)", text, "originals_presented", "original", shown, clause)]
    problem = _form_of_original(doc, reading)
    if problem is not None:
        return [problem]
    return _numbers(doc, reading, clause, shown)


def _form_of_original(doc: Doc, reading: Reading) -> Discrepancy | None:
    d = doc.document
    if (reading.signed or doc.doc_type in TRANSPORT_TYPES) and not d.signed:
        return discrepancy(
            "C21",
            "UCP 600 art. 17(b), 20(a)(i)",
            f"{label(doc).capitalize()} is not signed and so is not an original.",
            doc,
            field="signed",
            required="signed",
            found="unsigned",
        )
    if isinstance(d, OceanBillOfLading | AirWaybill) and d.signed:
        problem = _signatory(doc, d)
        if problem is not None:
            return problem
    if isinstance(d, OceanBillOfLading) and not d.issuer.name.strip():
        return discrepancy(
            "C21",
            "UCP 600 art. 20(a)(i)",
            "Bill of lading does not indicate the name of the carrier.",
            doc,
            field="issuer.name",
            required="carrier named",
            found=None,
        )
    return None


# Who may sign an original transport document, and for whom an agent may (art. 20(a)(i), 23(a)(i)).
_SIGNATORIES = {DocType.OCEAN_BILL_OF_LADING: ("CARRIER", "MASTER"), DocType.AIR_WAYBILL: ("CARRIER",)}


def _signatory(doc: Doc, d: OceanBillOfLading | AirWaybill) -> Discrepancy | None:
    """Signed by the carrier or master, or by a named agent for one of them (ISBP 821 E5, H4: an
    agent's signature names the agent and says for whom it signs)."""
    allowed = _SIGNATORIES[d.doc_type]
    signer, principal = d.signed_by.strip().upper(), d.agent_for.strip().upper()
    if signer in allowed or (signer == "AGENT" and principal in allowed and d.agent_name.strip()):
        return None
    if signer == "AGENT":
        why = "does not name the agent" if not d.agent_name.strip() else \
            f"does not indicate that the agent signs for the {' or '.join(a.lower() for a in allowed)}"
        text = f"{label(doc).capitalize()} is signed by an agent but {why}."
    else:
        text = f"{label(doc).capitalize()} is signed by {d.signed_by.strip().lower() or 'an unidentified party'}, " \
            f"not by the {' or '.join(a.lower() for a in allowed)} or a named agent for them."
    article = "UCP 600 art. 20(a)(i)" if d.doc_type is DocType.OCEAN_BILL_OF_LADING else "UCP 600 art. 23(a)(i)"
    return discrepancy("C21", article, text, doc, field="signed_by",
                       required=" or ".join(allowed) + " or AGENT for them", found=d.signed_by)


def _numbers(doc: Doc, reading: Reading, clause: str, shown: str) -> list[Discrepancy]:
    d = doc.document
    if reading.multiple:  # art. 17(e): "in duplicate": one original, the rest originals or copies
        if d.originals_presented + d.copies_presented >= reading.multiple:
            return []
        text = f"{label(doc).capitalize()}: {d.originals_presented + d.copies_presented} presented, {reading.multiple} required (one original, the rest in copies)."
        return [_count(doc, "UCP 600 art. 17(e)", text, "copies_presented", reading.multiple, shown, clause)]
    needed = max(reading.originals, 1)
    if isinstance(d, OceanBillOfLading):
        needed = max(needed, _full_set(d, reading))
    if d.originals_presented < needed:
        text = f"{label(doc).capitalize()}: {d.originals_presented} original(s) presented, {needed} required."
        return [_count(doc, "UCP 600 art. 17(a), 20(a)(iv)", text, "originals_presented", needed, shown, clause)]
    # Art. 17(d): further originals count as copies.
    if d.originals_presented - needed + d.copies_presented < reading.copies:
        text = f"{label(doc).capitalize()}: {d.copies_presented} copies presented, {reading.copies} required."
        return [_count(doc, "UCP 600 art. 17(d)", text, "copies_presented", reading.copies, shown, clause)]
    return []


def _full_set(bl: OceanBillOfLading, reading: Reading) -> int:
    """Art. 20(a)(iv): the sole original, or the full set as the B/L indicates; "2/3" as the credit says."""
    if reading.set_fraction is not None and reading.set_fraction[0] < reading.set_fraction[1]:
        return reading.set_fraction[0]
    return bl.originals_issued


def _count(doc: Doc, rule: str, text: str, field: str, required: object, shown: str, clause: str) -> Discrepancy:
    return discrepancy(
        "C21", rule, text, doc, field=field, required=required, found=shown, credit_text=clause, document_text=shown
    )


def check_addresses(ctx: Context) -> list[Discrepancy]:
    """C27, art. 14(j): addresses need only be in the same country as stated in the credit.

    Contact details are disregarded; the shipper or consignor may differ from the beneficiary
    (art. 14(k)), so no shipper is compared at all. The applicant's address in a transport
    document's consignee or notify details must be as the credit states it.
    """
    found: list[Discrepancy] = []
    for doc in ctx.examined:
        for field_name, party, wanted in _addressed_parties(ctx, doc):
            if (
                party is not None
                and party.country
                and wanted.country
                and not same_country(party.country, wanted.country)
            ):
                text = f"{label(doc).capitalize()} shows the {field_name.replace('_', ' ')} in {party.country}, the credit in {wanted.country}."
                found.append(
                    discrepancy(
                        "C27",
                        "UCP 600 art. 14(j)",
                        text,
                        doc,
                        field=f"{field_name}.country",
                        required=wanted.country,
                        found=party.country,
                        credit_text=f"{wanted.name}, {wanted.address}".strip(", "),
                        document_text=f"{party.name}, {party.address}, {party.country}".strip(", "),
                    )
                )
        found.extend(_applicant_address(ctx, doc))
    return found


def _addressed_parties(ctx: Context, doc: Doc) -> list[tuple[str, DocParty | None, Party]]:
    d = doc.document
    terms = ctx.terms
    if isinstance(d, CommercialInvoice):
        return [("issuer", d.issuer, terms.beneficiary), ("addressee", d.addressee, terms.applicant)]
    if isinstance(d, Draft):
        return [("issuer", d.issuer, terms.beneficiary)]
    if isinstance(d, (OceanBillOfLading, AirWaybill)):
        reading = ctx.reading(doc.doc_type)
        if reading is not None and reading.notify_applicant:
            return [("notify_party", d.notify_party, terms.applicant)]
    return []


def _applicant_address(ctx: Context, doc: Doc) -> list[Discrepancy]:
    """Art. 14(j), second sentence: the applicant as consignee or notify party, address as in 50."""
    d = doc.document
    wanted = ctx.terms.applicant
    if not isinstance(d, (OceanBillOfLading, AirWaybill)) or d.is_copy or not wanted.address.strip():
        return []
    found = []
    for field_name, party in (("consignee_party", d.consignee_party), ("notify_party", d.notify_party)):
        if party is None or not party.address.strip() or name_match(wanted.name, party.name) == Match.DIFFERENT:
            continue
        verdict = address_match(wanted.address, party.address)
        if verdict == Match.SAME:
            continue
        text = f"{label(doc).capitalize()} shows the applicant's address as {party.address}; the credit states {wanted.address}."
        found.append(
            discrepancy(
                "C27",
                "UCP 600 art. 14(j)",
                text,
                doc,
                field=f"{field_name}.address",
                required=wanted.address,
                found=party.address,
                credit_text=f"50 {wanted.name}, {wanted.address}",
                document_text=f"{party.name}, {party.address}",
                certainty=Certainty.CERTAIN if verdict == Match.DIFFERENT else Certainty.JUDGE,
            )
        )
    return found
