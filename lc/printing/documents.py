"""The documents banks print (issue 20): the advice of a credit and of an amendment (the
MT700 / MT707 fields laid out for a beneficiary), the refusal notice with the content art.
16(c) requires, and a one-page summary of a credit's evidence for auditors.

Each builder takes plain facts (no Django) and returns a `PrintDocument`; `render` makes the
PDF. The same facts always give the same bytes, hence the same SHA-256.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from lc.printing.layout import PrintDocument, Row, Section
from lc.printing.words import field_name, phrase
from lc.swift.message import Message
from lc.swift.specs import SPECS

# Art. 16(c)(iii): what the refusing bank does with the documents, in both languages.
DISPOSALS: dict[str, tuple[str, str]] = {
    "hold_pending_instructions": ("We are holding the documents pending further instructions from the presenter.",
                                  "本行現持有單據，等待交單人進一步指示。"),
    "hold_until_waiver": ("We are holding the documents until we receive a waiver from the applicant and agree to "
                          "accept it, or receive further instructions from the presenter before agreeing to accept "
                          "a waiver.",
                          "本行現持有單據，直至收到申請人的放棄不符點通知並同意接受，或在同意接受前收到交單人的進一步指示。"),
    "returning": ("We are returning the documents.", "本行現退還單據。"),
    "prior_instructions": ("We are acting in accordance with instructions previously received from the presenter.",
                           "本行現按照先前從交單人處收到的指示行事。"),
}


@dataclass(frozen=True)
class AdviceFacts:
    credit_number: str
    issuing_bank: str
    advising_bank: str
    applicant: str
    beneficiary: str
    advised_on: dt.date


@dataclass(frozen=True)
class RefusalFacts:
    credit_number: str
    presentation_number: int
    currency: str
    amount_claimed: Decimal
    presented_on: dt.date | None
    refusing_bank: str
    sent_on: dt.date
    discrepancies: tuple[tuple[str, str, str], ...]  # (code, article, text)
    disposal: str  # a key of DISPOSALS


@dataclass(frozen=True)
class EvidenceFacts:
    credit_number: str
    parties: tuple[tuple[str, str], ...]  # (role, name), the role already in the document's language
    versions: tuple[tuple[str, str, str, str], ...]  # (number, effective at, amendment number or "", terms SHA-256)
    # (seq or "" while pending, event label, at, by, first checkpoint covering it or "", proof status)
    entries: tuple[tuple[str, str, str, str, str, str], ...]
    checkpoint: str  # the latest checkpoint: "size 1234, root ab12..." or ""
    bundle_sha256: str  # "" while nothing of the credit is anchored (no bundle can be exported)
    produced_by: str = ""  # the person and organisation who printed it
    produced_at: str = ""
    state: str = ""


def credit_advice(messages: Sequence[Message], facts: AdviceFacts, lang: str) -> PrintDocument:
    """The MT700 (and its MT701s) as the beneficiary reads them, under the advising bank's note."""
    return PrintDocument(
        title=phrase("credit_advice", lang),
        subtitle=f"{facts.advising_bank} · {phrase('credit_number', lang)} {facts.credit_number}",
        facts=(*_parties(facts, lang), Row(phrase("advised_on", lang), facts.advised_on.isoformat())),
        sections=(
            Section(phrase("message_fields", lang), rows=_field_rows(messages, lang)),
            Section("", paragraphs=(phrase("advice_note", lang),)),
        ),
        footer=phrase("footer", lang),
    )


def amendment_advice(messages: Sequence[Message], facts: AdviceFacts, number: int, date: dt.date,
                     lang: str) -> PrintDocument:
    return PrintDocument(
        title=phrase("amendment_advice", lang),
        subtitle=f"{facts.advising_bank} · {phrase('credit_number', lang)} {facts.credit_number}",
        facts=(*_parties(facts, lang), Row(phrase("amendment_number", lang), str(number)), Row(phrase("amendment_date", lang), date.isoformat()), Row(phrase("advised_on", lang), facts.advised_on.isoformat())),
        sections=(
            Section(phrase("amendment_fields", lang), rows=_field_rows(messages, lang)),
            Section("", paragraphs=(phrase("amendment_note", lang),)),
        ),
        footer=phrase("footer", lang),
    )


def refusal_notice(facts: RefusalFacts, lang: str) -> PrintDocument:
    """Art. 16(c): a single notice stating that the bank refuses, each discrepancy, and what
    it does with the documents."""
    en, zh = DISPOSALS[facts.disposal]
    header = (phrase("code", lang), phrase("article", lang), phrase("discrepancy", lang))
    return PrintDocument(
        title=phrase("refusal_notice", lang),
        subtitle=f"{facts.refusing_bank} · {phrase('credit_number', lang)} {facts.credit_number}",
        facts=(
            Row(phrase("presentation", lang), str(facts.presentation_number)),
            Row(phrase("amount_claimed", lang), f"{facts.currency} {facts.amount_claimed}"),
            Row(phrase("presented_on", lang), facts.presented_on.isoformat() if facts.presented_on else "—"),
            Row(phrase("refusing_bank", lang), facts.refusing_bank),
            Row(phrase("sent_on", lang), facts.sent_on.isoformat()),
        ),
        sections=(
            Section(phrase("refusal_statement", lang)),
            Section(phrase("discrepancies", lang), table=(header, *facts.discrepancies)),
            Section(phrase("documents", lang), paragraphs=(zh if lang == "zh-Hant" else en,)),
        ),
        footer=phrase("footer", lang),
    )


def evidence_summary(facts: EvidenceFacts, lang: str) -> PrintDocument:
    """One page where the history allows: who is party, each version of the terms, each ledger
    entry with the first signed checkpoint that covers it (or not yet) and its proof status,
    and the SHA-256 of the evidence bundle that proves them offline."""
    status = {s: phrase(s, lang) for s in ("pending", "sequenced", "anchored", "witnessed")}
    not_yet = phrase("not_yet", lang)
    entries = tuple((seq, kind, at, by, cp or not_yet, status.get(proof, proof))
                    for seq, kind, at, by, cp, proof in facts.entries)
    produced = (Row(phrase("state", lang), facts.state), Row(phrase("produced", lang), facts.produced_by),
                Row(phrase("produced_at", lang), facts.produced_at))
    return PrintDocument(
        title=phrase("evidence_summary", lang),
        subtitle=f"{phrase('credit_number', lang)} {facts.credit_number}",
        facts=(*(Row(role, name) for role, name in facts.parties), *(r for r in produced if r.value)),
        sections=(
            Section(phrase("versions", lang), table=(
                (phrase("version", lang), phrase("effective", lang), phrase("amendment", lang), phrase("sha256", lang)),
                *facts.versions), widths=(16, 34, 20, 104)),
            Section(phrase("ledger", lang), table=(
                (phrase("seq", lang), phrase("kind", lang), phrase("at", lang), phrase("actor", lang),
                 phrase("covered_by", lang), phrase("status", lang)), *entries), widths=(12, 52, 33, 37, 18, 22)),
            Section(phrase("bundle", lang), rows=(
                Row(phrase("checkpoint", lang), facts.checkpoint or "—"),
                Row(phrase("sha256", lang), facts.bundle_sha256 or phrase("no_bundle", lang)),
            ), paragraphs=(phrase("bundle_note", lang),)),
        ),
        footer=phrase("footer", lang),
    )


def _parties(facts: AdviceFacts, lang: str) -> tuple[Row, ...]:
    return (
        Row(phrase("credit_number", lang), facts.credit_number),
        Row(phrase("issuing_bank", lang), facts.issuing_bank),
        Row(phrase("advising_bank", lang), facts.advising_bank),
        Row(phrase("applicant", lang), facts.applicant),
        Row(phrase("beneficiary", lang), facts.beneficiary),
    )


def _field_rows(messages: Sequence[Message], lang: str) -> tuple[Row, ...]:
    rows: list[Row] = []
    for message in messages:
        spec = SPECS[message.message_type]
        for fld in message.fields:
            found = spec.spec_for(fld.tag)
            english = found[1].name if found else fld.tag
            rows.append(Row(f"{fld.tag} {field_name(fld.tag, english, lang)}", fld.value))
    return tuple(rows)
