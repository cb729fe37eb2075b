"""Importing what a bank received through its SWIFT interface (issue 18): pasted or uploaded
text, or `POST /api/v1/messages/`.

One import is one business action: the text is parsed and validated, each message stored
(append-only, canonical text, SHA-256) with its findings, and ONE ledger entry records it.
A message that fails validation is kept in the bank's inbox as refused and changes nothing
else. A valid one does what it says:

- MT700 (+701) that the platform itself sent to this bank (same SHA-256): matched to that credit.
- MT700 from an issuing bank not on the platform: a credit "received" at this (advising) bank.
- MT707 (+708) for such a credit: the amendment, issued and awaiting the beneficiary (art. 10).
- MT734 / MT754 / MT756 about a credit of this bank: the counterpart's refusal, payment or
  reimbursement, recorded with the facts read from it (lc.services.advices), its own entry kind;
  an MT734 naming nothing this bank holds is refused (422) with nothing kept.
Anything else is kept, linked to its credit when field 20 or 21 names one; a message that
names no credit is kept "unmatched" with a note saying so.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.db.models import Q

from lc import access, events
from lc.errors import InvalidInput, NotAllowed
from lc.events import Event
from lc.examination.types import Bank, CreditTerms, Party
from lc.integrations.webhooks import emit
from lc.models import (
    Amendment,
    AmendmentState,
    CreditState,
    Direction,
    LetterOfCredit,
    Organization,
    OrgKind,
    Outcome,
    SwiftMessage,
    TermsVersion,
    User,
)
from lc.services import messages as swift_messages
from lc.services.advices import ADVICES, record_advice, unknown_reference
from lc.services.common import local_date, now_or, org_of, record
from lc.services.credits import complete_terms
from lc.swift import (
    Finding,
    Message,
    SwiftParseError,
    TermsMappingError,
    directory_of,
    mt700_to_terms,
    mt707_to_amendment,
    read_inbound,
    serialise,
    validate,
)
from lc.swift.message import bic_of
from lc.swift.specs import SPECS
from lc.time_zones import default_time_zone

MAX_TEXT = 200_000  # an MT700 with seven MT701s is under 90,000 characters


@dataclass
class Imported:
    """What one import did: its stored rows, the outcome, the credit (if any), the findings."""

    rows: list[SwiftMessage]
    outcome: str
    credit: LetterOfCredit | None = None
    findings: list[dict[str, Any]] = field(default_factory=list)

    @property
    def refused(self) -> bool:
        return self.outcome == Outcome.REFUSED

    def problem(self) -> InvalidInput:
        """The refusal as the API and the portal show it: every finding with line and field."""
        summary = "; ".join(f"{f['code']} line {f['line']} field {f['tag']}: {f['message']}" for f in self.findings)
        return InvalidInput(f"the message is not valid and was not applied: {summary}", self.findings)


def finding_dict(mt: str, finding: Finding) -> dict[str, Any]:
    spec = SPECS.get(mt)
    found = spec.spec_for(finding.tag) if spec and finding.tag else None
    name = found[1].name if found else ""
    return {"code": finding.code, "tag": finding.tag, "field": name or finding.tag, "line": finding.line,
            "message": finding.message, "mt": mt}


def _bic8(bic: str) -> str:
    return bic.upper()[:8]


@transaction.atomic
def import_messages(*, actor: User, text: str, now: dt.datetime | None = None) -> Imported:
    """A bank imports the text of one or more messages addressed to it (see the module doc)."""
    now = now_or(now)
    org = org_of(actor)
    access.check_import_message(access.Facts(actor, LetterOfCredit(), today=local_date(now, org)))
    messages = _read(text)
    for message in messages:
        if _bic8(bic_of(message.receiver)) != _bic8(org.bic):
            raise InvalidInput(f"MT{message.message_type} is addressed to {bic_of(message.receiver)}, not to "
                               f"{org.bic}", [{"field": "text", "tag": "block 2", "code": "RECEIVER",
                                               "message": "addressed to another bank"}])
    texts = [serialise(m) for m in messages]
    if SwiftMessage.objects.inbound().filter(receiver_org=org, sha256__in=[
            swift_messages.sha256_of(t) for t in texts]).exists():
        raise NotAllowed("this message has already been imported")
    per_message = [[finding_dict(m.message_type, f) for f in validate(m)] for m in messages]
    if any(per_message):
        return _keep(messages, org, actor, now, Outcome.REFUSED, None, findings=per_message)
    return _apply(messages, org, actor, now)


def _read(text: str) -> list[Message]:
    if not text.strip() or len(text) > MAX_TEXT:
        raise InvalidInput("give the text of one or more FIN messages",
                           [{"field": "text", "code": "EMPTY" if not text.strip() else "SIZE", "message": "length"}])
    try:
        inbound = read_inbound(text)
    except SwiftParseError as exc:
        raise InvalidInput(f"not a FIN message: line {exc.line}: {exc.reason}",
                           [{"field": "text", "code": "PARSE", "line": exc.line, "tag": "",
                             "message": f"line {exc.line}: {exc.reason}"}]) from exc
    return list(inbound.messages)


def _keep(messages: Sequence[Message], org: Organization, actor: User, now: dt.datetime, outcome: str,
          credit: LetterOfCredit | None, findings: Sequence[list[dict[str, Any]]] = (),
          event: Event = events.MESSAGE_IMPORTED, facts: dict[str, Any] | None = None,
          **links: Any) -> Imported:
    """Store the messages and record the import's one ledger entry."""
    sender = Organization.objects.filter(bic__startswith=_bic8(bic_of(messages[0].sender))).first()
    rows = swift_messages.store(messages, direction=Direction.IN, event=event, credit=credit, sender_org=sender,
                                receiver_org=org, actor=actor, now=now, findings=findings, outcome=outcome, **links)
    flat = [f for group in findings for f in group]
    subject = credit.subject if credit is not None else f"swift:{rows[0].batch}"
    record(event, subject=subject, actor=actor, at=now, payload={
        "messages": swift_messages.digests(rows), "outcome": outcome, "findings": flat,
        "credit": str(credit.id) if credit else None, **(facts or {})})
    return Imported(rows, outcome, credit, flat)


def _apply(messages: list[Message], org: Organization, actor: User, now: dt.datetime) -> Imported:
    mt = messages[0].message_type
    matched = _matched(messages, org)
    if matched is not None:
        return _keep(messages, org, actor, now, Outcome.MATCHED, matched)
    if mt == "700":
        return _receive_credit(messages, org, actor, now)
    credit = _credit_named(messages[0], org)
    if credit is None and mt == "734":
        # A refusal runs against an art. 16 clock: one that names nothing of ours is turned back
        # at once (422, nothing kept) for the operator to take up, not left in the inbox.
        raise unknown_reference(messages[0], org)
    if credit is None:
        return _keep(messages, org, actor, now, Outcome.UNMATCHED, None, findings=_unmatched(messages))
    if mt == "707":
        return _apply_amendment(messages, credit, org, actor, now)
    if mt in ADVICES:
        return _record_advice(messages, credit, org, actor, now)
    return _keep(messages, org, actor, now, Outcome.MATCHED, credit)


def _unmatched(messages: Sequence[Message]) -> list[list[dict[str, Any]]]:
    """The note an unmatched message carries in the inbox: which references named no credit."""
    first = messages[0]
    refs = ", ".join(r for r in (first.reference, first.related_reference) if r)
    where = first.get("21") or first.get("20")
    note = Finding("UNMATCHED", where.tag if where else "", where.line if where else 0,
                   f"no credit of this bank is named by {refs or 'the message'}: kept, applied to nothing")
    return [[finding_dict(first.message_type, note)]] + [[] for _ in messages[1:]]


def _record_advice(messages: list[Message], credit: LetterOfCredit, org: Organization, actor: User,
                   now: dt.datetime) -> Imported:
    """An MT734 / MT754 / MT756 about a credit of this bank: the counterpart's refusal, payment
    or reimbursement, recorded by lc.services.advices in this transaction."""
    received = credit.advising_bank_id == org.pk and not _on_platform(credit.issuing_bank.bic)
    got = record_advice(messages[0], credit, org, received=received, actor=actor, now=now)
    flags = [got.notes] + [[] for _ in messages[1:]] if got.notes else ()
    result = _keep(messages, org, actor, now, got.outcome, credit, findings=flags, event=got.event,
                   facts=got.facts, presentation=got.presentation)
    emit(credit, got.event, {**got.webhook, "message": result.rows[0].sha256})
    return result


def _matched(messages: Sequence[Message], org: Organization) -> LetterOfCredit | None:
    """Both banks on the platform: the copy the receiver imports is the text the platform
    stored when it sent it, so the SHA-256 finds the credit."""
    digest = swift_messages.sha256_of(serialise(messages[0]))
    sent = (SwiftMessage.objects.filter(direction=Direction.OUT, receiver_org=org, sha256=digest)
            .select_related("credit").first())
    return sent.credit if sent is not None else None


def _credit_named(message: Message, org: Organization) -> LetterOfCredit | None:
    """The credit of this bank that field 20, 21 or 23 names (the credit number)."""
    refs = {message.reference, message.related_reference, message.text("23")} - {"", "NONREF"}
    refs |= {r.rsplit("-", 1)[0] for r in refs if "-" in r}  # our presentation references: CREDIT-n
    return LetterOfCredit.objects.visible_to(org).filter(reference__in=refs).order_by("created_at").first()


def _directory() -> Any:
    return directory_of([Bank(name=o.name, bic=o.bic, country=o.country) for o in Organization.objects.banks()])


def _on_platform(bic: str) -> bool:
    return Organization.objects.filter(bic__startswith=_bic8(bic), users__isnull=False).exists()


def _receive_credit(messages: list[Message], org: Organization, actor: User, now: dt.datetime) -> Imported:
    issuer_bic = bic_of(messages[0].sender)
    if _on_platform(issuer_bic):
        # The issuing bank is here, but never sent this text: nothing to create it from.
        return _keep(messages, org, actor, now, Outcome.UNMATCHED, None)
    got = mt700_to_terms(messages, directory=_directory())
    if LetterOfCredit.objects.filter(reference=got.terms.credit_number).exists():
        raise NotAllowed(f"a credit numbered {got.terms.credit_number} is already on the platform")
    credit = _new_credit(got.terms, org, actor, now)
    terms = complete_terms(json.loads(json.dumps(got.terms.to_dict(), default=str)), credit)
    version = TermsVersion.objects.create(credit=credit, number=1, terms=terms, created_at=now)
    credit.current_terms, credit.draft_terms = version, terms
    credit.save(update_fields=["current_terms", "draft_terms"])
    notes = [{"tag": n.tag, "field": n.path, "message": n.message} for n in got.notes]
    return _keep(messages, org, actor, now, Outcome.CREDIT_RECEIVED, credit, event=events.CREDIT_RECEIVED,
                 facts={"reference": credit.reference, "state": credit.state, "terms": terms, "notes": notes})


def _new_credit(terms: CreditTerms, org: Organization, actor: User, now: dt.datetime) -> LetterOfCredit:
    banks = terms.banks
    assert terms.expiry_date is not None
    credit = LetterOfCredit(
        reference=terms.credit_number, state=CreditState.RECEIVED, applicant=_company(terms.applicant),
        beneficiary=_company(terms.beneficiary), issuing_bank=_bank(banks.issuing), advising_bank=org,
        confirming_bank=_bank(banks.confirming) if banks.confirming and banks.confirming.bic else None,
        nominated_bank=_bank(banks.nominated) if banks.nominated and banks.nominated.bic else None,
        currency=terms.currency, amount=terms.amount, expiry_date=terms.expiry_date, created_by=actor,
        created_at=now, updated_at=now, issued_at=now)
    credit.save()
    return credit


def _bank(bank: Bank) -> Organization:
    """The platform's organisation for a BIC; a bank not on the platform gets a directory entry
    (no users) so that the credit can name it."""
    found = Organization.objects.filter(bic__startswith=_bic8(bank.bic)).order_by("bic").first()
    if found is not None:
        return found
    country = bank.country or bank.bic[4:6]
    return Organization.objects.create(name=bank.name or bank.bic, kind=OrgKind.BANK, bic=bank.bic,
                                       country=country, city="", time_zone=default_time_zone(country))


def _company(party: Party) -> Organization:
    """The applicant or beneficiary as named in 50/59: an existing company of that exact name and
    country, else a directory entry for it."""
    found = Organization.objects.corporates().filter(name=party.name, country=party.country).first()
    if found is not None:
        return found
    return Organization.objects.create(name=party.name, kind=OrgKind.CORPORATE, country=party.country,
                                       address=party.address, city="", time_zone=default_time_zone(party.country))


def _apply_amendment(messages: list[Message], credit: LetterOfCredit, org: Organization, actor: User,
                     now: dt.datetime) -> Imported:
    """An MT707 from the issuing bank of a received credit: the amendment is issued and awaits
    the beneficiary's acceptance (art. 10(c)); nothing changes in the terms until then."""
    if credit.advising_bank_id != org.pk or credit.current_terms is None or _on_platform(credit.issuing_bank.bic):
        return _keep(messages, org, actor, now, Outcome.MATCHED, credit)
    LetterOfCredit.objects.select_for_update().filter(pk=credit.pk).first()
    base = CreditTerms.from_dict(credit.current_terms.terms)
    try:
        got = mt707_to_amendment(messages, base=base, directory=_directory())
    except TermsMappingError as exc:
        findings = [[{"code": p.code or "MAPPING", "tag": p.tag, "field": p.path or p.tag, "line": 0,
                      "message": p.message, "mt": "707"} for p in exc.problems]] + [[] for _ in messages[1:]]
        return _keep(messages, org, actor, now, Outcome.REFUSED, credit, findings=findings)
    if credit.amendments.filter(Q(number=got.number) | Q(state=AmendmentState.ISSUED)).exists():
        raise NotAllowed(f"amendment {got.number} of {credit.reference} is already here, or another awaits an answer")
    amendment = Amendment.objects.create(
        credit=credit, number=got.number, state=AmendmentState.ISSUED, base_version=credit.current_terms,
        changes=got.changes, proposed_by=actor, created_at=now, issued_at=now)
    return _keep(messages, org, actor, now, Outcome.AMENDMENT_APPLIED, credit, amendment=amendment,
                 facts={"amendment": str(amendment.id), "number": amendment.number, "changes": got.changes})
