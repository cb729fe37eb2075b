"""A credit's timeline from the ledger: sequenced entries and those still pending.

Anchoring and inclusion proofs come from `ledger.proofs` when that module exists (it is
being added); the page degrades to "sequenced / pending" without it.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.urls import NoReverseMatch, reverse

from lc.events import label_of
from ledger.models import Entry, PendingEntry

log = logging.getLogger(__name__)

# Payload keys worth a line on the timeline, in this order.
SUMMARY_KEYS = ("state", "version", "number", "amount", "currency", "codes", "code", "disposal", "reason",
                "confirmation", "changed_fields", "changes", "examination_deadline", "honour_type", "note")


@dataclass
class Event:
    kind: str
    title: str
    at: dt.datetime
    actor: str
    actor_org: str
    details: list[tuple[str, str]]
    seq: int | None = None
    hash_hex: str = ""
    anchored: bool | None = None  # None: unknown (no proofs module) or not yet sequenced
    proof_url: str = ""

    @property
    def sequenced(self) -> bool:
        return self.seq is not None


def _details(payload: Any) -> list[tuple[str, str]]:
    try:
        data = json.loads(bytes(payload))
    except (TypeError, ValueError):
        return []
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


def _event(row: Entry | PendingEntry, seq: int | None) -> Event:
    return Event(kind=row.kind, title=label_of(row.kind), at=row.at, actor=row.actor,
                 actor_org=row.actor_org, details=_details(row.payload), seq=seq,
                 hash_hex=row.hash_hex if isinstance(row, Entry) else "")


def proof_statuses(seqs: list[int]) -> dict[int, Any]:
    """`ledger.proofs.proof_status(seqs)` if the ledger has it; {} otherwise (or if it fails)."""
    if not seqs:
        return {}
    try:
        from ledger.proofs import proof_status  # type: ignore[import-not-found]
    except ImportError:
        return {}
    try:
        return dict(proof_status(seqs))
    except Exception:  # a proofs bug must not take the credit page down
        log.exception("ledger.proofs.proof_status failed")
        return {}


def _anchored(status: Any) -> bool | None:
    if status is None:
        return None
    if isinstance(status, bool):
        return status
    if isinstance(status, dict):
        value = status.get("anchored", status.get("checkpoint"))
    else:
        value = getattr(status, "anchored", getattr(status, "checkpoint", None))
    return None if value is None else bool(value)


def proof_url_pattern() -> str:
    """The URL of one entry's proof with "0" for the seq: the ledger's endpoint, else the admin."""
    for name in ("ledger:proof", "ledger-proof", "ledger_proof", "admin:ledger_entry_change"):
        try:
            return reverse(name, args=[0])
        except NoReverseMatch:
            continue
    return ""


def _with_seq(pattern: str, seq: int) -> str:
    head, _sep, tail = pattern.rpartition("/0")
    return f"{head}/{seq}{tail}" if pattern else ""


def credit_timeline(subject: str) -> list[Event]:
    """Newest first: pending entries (not yet in the chain), then the sequenced ones."""
    entries = list(Entry.objects.filter(subject=subject).order_by("-seq").defer("prev_hash"))
    pending = list(PendingEntry.objects.filter(subject=subject).order_by("-id"))
    statuses = proof_statuses([e.seq for e in entries])
    pattern = proof_url_pattern()
    events = [_event(p, None) for p in pending]
    for e in entries:
        ev = _event(e, e.seq)
        ev.anchored = _anchored(statuses.get(e.seq)) if statuses else None
        ev.proof_url = _with_seq(pattern, e.seq)
        events.append(ev)
    return events


def counts(events: Iterable[Event]) -> dict[str, int]:
    evs = list(events)
    return {"sequenced": sum(e.sequenced for e in evs), "pending": sum(not e.sequenced for e in evs),
            "anchored": sum(bool(e.anchored) for e in evs)}
