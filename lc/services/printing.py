"""The printed documents of the business actions (issue 20): the advice of a credit, the advice
of an amendment and the refusal notice, made by lc.printing inside the action's transaction.

Each action calls one function here before it records its ledger entry: the PDF is rendered,
stored by content address (lc.storage, written and fsynced before the commit) and a
PrintedDocument row names it; the returned item goes into the entry's `payload["documents"]`,
so the ledger holds the SHA-256 of the very bytes that are downloaded. A document that cannot
be rendered or stored makes the action fail: nothing of it commits (a file written before the
rollback is an orphan that lc.tasks.sweep_orphan_files removes).

Organisations carry no language yet (lc.models.parties), so every document is printed in
English; lc.printing also lays them out in Traditional Chinese once a receiving party's
language is known.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from lc import money, printing, storage
from lc.models import (
    Amendment,
    LetterOfCredit,
    Presentation,
    PrintedDocument,
    PrintedKind,
    RefusalNotice,
    SwiftMessage,
    User,
)
from lc.services.common import local_date
from lc.swift import Message, parse

LANGUAGE = "en"  # no organisation has a language field to choose another (see the module docstring)


def _advice_facts(credit: LetterOfCredit, now: dt.datetime) -> printing.AdviceFacts:
    return printing.AdviceFacts(
        credit_number=credit.reference, issuing_bank=credit.issuing_bank.name,
        advising_bank=credit.advising_bank.name, applicant=credit.applicant.name,
        beneficiary=(credit.second_beneficiary or credit.beneficiary).name,
        advised_on=local_date(now, credit.advising_bank))  # printed by the advising bank, at its place


def _messages(rows: Iterable[SwiftMessage]) -> list[Message]:
    """Stored SWIFT rows parsed back: the advice shows the fields exactly as sent or received."""
    return [parse(row.text) for row in rows]


def _keep(pdf: bytes, kind: str, credit: LetterOfCredit, actor: User, now: dt.datetime,
          **link: Any) -> dict[str, str]:
    stored = storage.store(pdf)
    PrintedDocument.objects.create(credit=credit, kind=kind, lang=LANGUAGE, sha256=stored.sha256, size=stored.size,
                                   created_by=actor, created_at=now, **link)
    return {"kind": kind, "sha256": stored.sha256, "lang": LANGUAGE}


def credit_advice(credit: LetterOfCredit, *, actor: User, now: dt.datetime) -> dict[str, str]:
    """Art. 9: the MT700 (and MT701s) the advising bank received, laid out for the beneficiary."""
    rows = list(SwiftMessage.objects.filter(credit=credit, mt__in=("700", "701")).order_by("created_at", "batch", "part"))
    first = [row for row in rows if row.batch == rows[0].batch]  # the one that created the credit here
    doc = printing.credit_advice(_messages(first), _advice_facts(credit, now), LANGUAGE)
    return _keep(printing.render(doc, LANGUAGE), PrintedKind.CREDIT_ADVICE, credit, actor, now)


def amendment_advice(credit: LetterOfCredit, amendment: Amendment, *, actor: User,
                     now: dt.datetime) -> dict[str, str]:
    """Art. 10: the MT707 (and MT708s) of the amendment, as issued, laid out for the beneficiary."""
    rows = SwiftMessage.objects.filter(amendment=amendment, mt__in=("707", "708")).order_by("part")
    doc = printing.amendment_advice(_messages(rows), _advice_facts(credit, now), amendment.number,
                                    local_date(now, credit.advising_bank), LANGUAGE)
    return _keep(printing.render(doc, LANGUAGE), PrintedKind.AMENDMENT_ADVICE, credit, actor, now,
                 amendment=amendment)


def refusal_notice(credit: LetterOfCredit, pres: Presentation, notice: RefusalNotice, *, actor: User,
                   now: dt.datetime) -> dict[str, str]:
    """Art. 16(c): the refusal, each discrepancy (code, rule, text) and the disposal of the documents."""
    facts = printing.RefusalFacts(
        credit_number=credit.reference, presentation_number=pres.number, currency=pres.currency,
        amount_claimed=money.q(pres.amount_claimed, pres.currency), presented_on=pres.presented_on,
        refusing_bank=pres.presented_to.name,
        sent_on=local_date(now, pres.presented_to), disposal=notice.disposal,
        discrepancies=tuple((d["code"], d["rule"], d["text"]) for d in notice.discrepancies))
    return _keep(printing.render(printing.refusal_notice(facts, LANGUAGE), LANGUAGE), PrintedKind.REFUSAL_NOTICE,
                 credit, actor, now, presentation=pres)
