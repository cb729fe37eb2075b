"""A credit's timeline from the ledger: sequenced entries (with their proof status and a
link to their inclusion proof) and those still pending, as the viewer's organisation may see
them (lc.services.visibility: hidden amendments left out, others' people shown as their
organisation, others' internal notes taken out)."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.urls import reverse

import ledger
from lc.events import label_of
from lc.models import Language, PrintedKind
from lc.services.visibility import Audience, redact, shown_actor, visible
from ledger.models import Entry, PendingEntry

# Payload keys worth a line on the timeline, in this order.
SUMMARY_KEYS = ("state", "version", "number", "amount", "currency", "codes", "code", "disposal", "reason",
                "confirmation", "changed_fields", "changes", "examination_deadline", "honour_type", "note")


@dataclass
class Event:
    kind: str
    title: str
    at: dt.datetime
    actor: str  # the identity shown: user:<uuid> of the viewer's organisation, else org:<uuid>
    actor_name: str
    actor_org: str
    details: list[tuple[str, str]]
    seq: int | None = None
    hash_hex: str = ""
    anchored: bool | None = None  # None while not yet sequenced
    witnessed: bool = False  # a checkpoint containing it met the witness policy (issue 19)
    proof_url: str = ""
    documents: list[dict[str, str]] = field(default_factory=list)  # what the action printed (issue 20)

    @property
    def sequenced(self) -> bool:
        return self.seq is not None


def _payload(payload: Any) -> dict[str, Any]:
    try:
        data = json.loads(bytes(payload))
    except (TypeError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def _details(data: dict[str, Any]) -> list[tuple[str, str]]:
    out = []
    for key in SUMMARY_KEYS:
        value = data.get(key)
        if value in (None, "", [], {}):
            continue
        if isinstance(value, list):
            value = ", ".join(str(v) for v in value)
        elif isinstance(value, dict):
            value = ", ".join(f"{k} → {v}" for k, v in value.items())
        out.append((key.replace("_", " "), str(value)))
    return out


def _documents(data: dict[str, Any], mine: bool = True) -> list[dict[str, str]]:
    """The printed documents of the entry (kind, lang, sha256), each downloadable by its hash;
    an evidence summary only to the organisation that printed it (PrintedDocument.audience)."""
    items = data.get("documents")
    labels = dict(PrintedKind.choices)
    return [{**d, "label": str(labels.get(str(d.get("kind")), d.get("kind", ""))) + _language(d.get("lang"))}
            for d in (items if isinstance(items, list) else []) if isinstance(d, dict) and "sha256" in d
            and (mine or d.get("kind") != PrintedKind.EVIDENCE_SUMMARY)]


def _language(lang: Any) -> str:
    return " · 中文" if lang == Language.ZH_HANT else ""


def _event(audience: Audience, row: Entry | PendingEntry, seq: int | None) -> Event | None:
    data = _payload(row.payload)
    if not visible(audience, data):
        return None
    shown, _ = redact(audience, row.kind, row.actor_org, data)
    actor, actor_name = shown_actor(audience, row.actor, row.actor_org)
    return Event(kind=row.kind, title=label_of(row.kind), at=row.at, actor=actor, actor_name=actor_name,
                 actor_org=row.actor_org, details=_details(shown), seq=seq,
                 hash_hex=row.hash_hex if isinstance(row, Entry) else "",
                 documents=_documents(shown, mine=row.actor_org == audience.org))


def _proof_url(seq: int) -> str:
    return reverse("ledger:proof", args=[seq])


def credit_timeline(audience: Audience, subject: str) -> list[Event]:
    """Newest first: pending entries (not yet in the chain), then the sequenced ones."""
    entries = list(ledger.history(subject).order_by("-seq").defer("prev_hash"))
    pending = list(ledger.pending(subject).order_by("-id"))
    statuses = ledger.proof_status([e.seq for e in entries])
    events = [ev for p in pending if (ev := _event(audience, p, None)) is not None]
    for e in entries:
        ev = _event(audience, e, e.seq)
        if ev is None:
            continue
        ev.anchored = bool(statuses.get(e.seq, {}).get("anchored"))
        ev.witnessed = bool(statuses.get(e.seq, {}).get("witnessed"))
        ev.proof_url = _proof_url(e.seq)
        events.append(ev)
    return events


def counts(events: Iterable[Event]) -> dict[str, int]:
    evs = list(events)
    return {"sequenced": sum(e.sequenced for e in evs), "pending": sum(not e.sequenced for e in evs),
            "anchored": sum(bool(e.anchored) for e in evs), "witnessed": sum(e.witnessed for e in evs)}
