"""The printed documents of the business actions (issue 20): the advice of a credit, the advice
of an amendment and the refusal notice, made by lc.printing inside the action's transaction.

Each action calls one function here before it records its ledger entry: the PDF is rendered,
stored by content address (lc.storage, written and fsynced before the commit) and a
PrintedDocument row names it; the returned item goes into the entry's `payload["documents"]`,
so the ledger holds the SHA-256 of the very bytes that are downloaded. A document that cannot
be rendered or stored makes the action fail: nothing of it commits (a file written before the
rollback is an orphan that lc.tasks.sweep_orphan_files removes).

Each document is printed in English and, when the organisation it is addressed to reads
Traditional Chinese (Organization.language: the beneficiary for the advices, the presenter for
the refusal notice), in zh-Hant too: one file, one PrintedDocument row and one
{kind, sha256, lang} item of the entry's documents per language, English first.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from lc import money, printing, storage
from lc.models import (
    Amendment,
    Language,
    LetterOfCredit,
    Organization,
    Presentation,
    PrintedDocument,
    PrintedKind,
    RefusalNotice,
    SwiftMessage,
    User,
)
from lc.services.common import local_date
from lc.swift import Message, parse


def languages_for(reader: Organization | None) -> tuple[str, ...]:
    """English always (the credit's language of record), and the reader's own beside it."""
    if reader is not None and reader.language == Language.ZH_HANT:
        return (Language.EN.value, Language.ZH_HANT.value)
    return (Language.EN.value,)


def _advice_facts(credit: LetterOfCredit, now: dt.datetime) -> printing.AdviceFacts:
    return printing.AdviceFacts(
        credit_number=credit.reference, issuing_bank=credit.issuing_bank.name,
        advising_bank=credit.advising_bank.name, applicant=credit.applicant.name,
        beneficiary=(credit.second_beneficiary or credit.beneficiary).name,
        advised_on=local_date(now, credit.advising_bank))  # printed by the advising bank, at its place


def _messages(rows: Iterable[SwiftMessage]) -> list[Message]:
    """Stored SWIFT rows parsed back: the advice shows the fields exactly as sent or received."""
    return [parse(row.text) for row in rows]


def keep(pdf: bytes, kind: str, lang: str, credit: LetterOfCredit, actor: User, now: dt.datetime,
         **link: Any) -> dict[str, str]:
    """Store the file and name it; the item for the entry's payload["documents"]."""
    stored = storage.store(pdf)
    PrintedDocument.objects.create(credit=credit, kind=kind, lang=lang, sha256=stored.sha256, size=stored.size,
                                   created_by=actor, created_at=now, **link)
    return {"kind": kind, "sha256": stored.sha256, "lang": lang}


def _beneficiary(credit: LetterOfCredit) -> Organization:
    return credit.second_beneficiary or credit.beneficiary


def credit_advice(credit: LetterOfCredit, *, actor: User, now: dt.datetime) -> list[dict[str, str]]:
    """Art. 9: the MT700 (and MT701s) the advising bank received, laid out for the beneficiary."""
    rows = list(SwiftMessage.objects.filter(credit=credit, mt__in=("700", "701")).order_by("created_at", "batch", "part"))
    first = [row for row in rows if row.batch == rows[0].batch]  # the one that created the credit here
    messages, facts = _messages(first), _advice_facts(credit, now)
    return [keep(printing.render(printing.credit_advice(messages, facts, lang), lang), PrintedKind.CREDIT_ADVICE,
                 lang, credit, actor, now) for lang in languages_for(_beneficiary(credit))]


def amendment_advice(credit: LetterOfCredit, amendment: Amendment, *, actor: User,
                     now: dt.datetime) -> list[dict[str, str]]:
    """Art. 10: the MT707 (and MT708s) of the amendment, as issued, laid out for the beneficiary."""
    rows = SwiftMessage.objects.filter(amendment=amendment, mt__in=("707", "708")).order_by("part")
    messages, facts, day = _messages(rows), _advice_facts(credit, now), local_date(now, credit.advising_bank)
    return [keep(printing.render(printing.amendment_advice(messages, facts, amendment.number, day, lang), lang),
                 PrintedKind.AMENDMENT_ADVICE, lang, credit, actor, now, amendment=amendment)
            for lang in languages_for(_beneficiary(credit))]


def refusal_notice(credit: LetterOfCredit, pres: Presentation, notice: RefusalNotice, *, actor: User,
                   now: dt.datetime) -> list[dict[str, str]]:
    """Art. 16(c): the refusal, each discrepancy (code, rule, text) and the disposal of the documents."""
    facts = printing.RefusalFacts(
        credit_number=credit.reference, presentation_number=pres.number, currency=pres.currency,
        amount_claimed=money.q(pres.amount_claimed, pres.currency), presented_on=pres.presented_on,
        refusing_bank=pres.presented_to.name,
        sent_on=local_date(now, pres.presented_to), disposal=notice.disposal,
        discrepancies=tuple((d["code"], d["rule"], d["text"]) for d in notice.discrepancies))
    return [keep(printing.render(printing.refusal_notice(facts, lang), lang), PrintedKind.REFUSAL_NOTICE, lang,
                 credit, actor, now, presentation=pres) for lang in languages_for(pres.presenter)]
