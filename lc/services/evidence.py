"""The credit evidence summary (issue 20): one printed page of what the ledger holds about a
credit, for the people who must vouch for it (its parties' staff and auditors).

It lists the credit's parties, each version of its terms (with the SHA-256 of the canonical
terms), each ledger entry the printing organisation may see (lc.services.visibility, as its
timeline shows them) with its seq, event, time, actor, the first signed checkpoint that covers
it (or "not yet") and its proof status, and the SHA-256 of the credit's evidence bundle
(ledger.evidence: the file an auditor exports and checks offline with ledger.verify_bundle).

Printing it is an act by a named person: one ledger entry (lc.evidence_summary_printed) with
the file's SHA-256 per language. What the summary shows depends on the printing organisation,
so the file is that organisation's alone (PrintedDocument.audience).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from typing import Any

from django.db import transaction
from django.utils import translation

import ledger
from lc import events, printing
from lc.events import label_of
from lc.models import LetterOfCredit, PrintedDocument, PrintedKind, TermsVersion, User
from lc.printing.words import phrase
from lc.services.common import ObjectId, check, lock_credit, now_or, record
from lc.services.printing import keep, languages_for
from lc.services.visibility import Audience, audience_for, shown_actor, visible
from ledger.chain import canonical
from ledger.evidence import EvidenceError, export_evidence
from ledger.models import Checkpoint
from ledger.proofs import latest_checkpoint

DJANGO_LANGUAGE = {"en": "en", "zh-Hant": "zh-hant"}  # settings.LANGUAGES codes of the print languages


def _time(at: dt.datetime) -> str:
    return at.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M:%S")


def bundle_sha256(credit: LetterOfCredit) -> str:
    """The SHA-256 of the bundle the audit view serves for the credit now ("" before any of its
    entries is anchored: there is no bundle to export)."""
    try:
        return hashlib.sha256(export_evidence(credit.subject).to_bytes()).hexdigest()
    except EvidenceError:
        return ""


def _entries(audience: Audience, subject: str, lang: str) -> tuple[tuple[str, str, str, str, str, str], ...]:
    """Oldest first: the sequenced entries by seq, then those still waiting for the sequencer."""
    rows: list[Any] = list(ledger.history(subject).order_by("seq").defer("prev_hash"))
    rows += list(ledger.pending(subject).order_by("id"))
    statuses = ledger.proof_status([r.seq for r in rows if hasattr(r, "seq")])
    out = []
    with translation.override(DJANGO_LANGUAGE[lang]):
        for row in rows:
            if not visible(audience, _payload(row.payload)):
                continue
            seq = getattr(row, "seq", None)
            st = statuses.get(seq, {}) if seq is not None else {}
            proof = "pending" if seq is None else "witnessed" if st.get("witnessed") else \
                "anchored" if st.get("anchored") else "sequenced"
            covered = f"{st['checkpoint_size']}" if st.get("checkpoint_size") else ""
            _, by = shown_actor(audience, row.actor, row.actor_org)
            out.append((str(seq or ""), label_of(row.kind), _time(row.at), by, covered, proof))
    return tuple(out)


def _payload(raw: Any) -> dict[str, Any]:
    try:
        data = json.loads(bytes(raw))
    except (TypeError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def _versions(credit: LetterOfCredit) -> tuple[tuple[str, str, str, str], ...]:
    rows = TermsVersion.objects.filter(credit=credit).select_related("amendment").order_by("number")
    return tuple((str(v.number), _time(v.created_at), str(v.amendment.number) if v.amendment else "",
                  hashlib.sha256(canonical(v.terms)).hexdigest()) for v in rows)


def _facts(credit: LetterOfCredit, actor: User, now: dt.datetime, lang: str, bundle: str,
           cp: Checkpoint | None) -> printing.EvidenceFacts:
    audience = audience_for(actor.organization, credit)
    parties = tuple((phrase(name, lang), org.name) for name in LetterOfCredit.PARTY_FIELDS
                    if (org := getattr(credit, name)) is not None)
    with translation.override(DJANGO_LANGUAGE[lang]):
        state = str(credit.get_state_display())
    org_name = actor.organization.name if actor.organization is not None else ""
    return printing.EvidenceFacts(
        credit_number=credit.reference, parties=parties, versions=_versions(credit),
        entries=_entries(audience, credit.subject, lang),
        checkpoint=f"size {cp.size}, root {bytes(cp.root).hex()}" if cp is not None else "",
        bundle_sha256=bundle, produced_by=f"{actor.get_full_name() or actor.username}, {org_name}",
        produced_at=_time(now), state=state)


@transaction.atomic
def print_evidence_summary(*, actor: User, credit_id: ObjectId,
                           now: dt.datetime | None = None) -> list[PrintedDocument]:
    """Print the summary in English (and zh-Hant for an organisation that reads it), record it."""
    now = now_or(now)
    credit = lock_credit(actor, credit_id)
    check("print_evidence_summary", actor, credit, now, credit)
    bundle, cp = bundle_sha256(credit), latest_checkpoint()  # the bundle is proven against that checkpoint
    items = [keep(printing.render(printing.evidence_summary(_facts(credit, actor, now, lang, bundle, cp), lang), lang),
                  PrintedKind.EVIDENCE_SUMMARY, lang, credit, actor, now, audience=actor.organization)
             for lang in languages_for(actor.organization)]
    record(events.EVIDENCE_SUMMARY_PRINTED, subject=credit.subject, actor=actor, at=now,
           payload={"documents": items, "bundle_sha256": bundle, "checkpoint_size": cp.size if cp else None})
    return list(PrintedDocument.objects.filter(credit=credit, sha256__in=[i["sha256"] for i in items])
                .order_by("lang"))
