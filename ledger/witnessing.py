"""The log side of witnessing (issue 19): ask the witnesses to cosign our latest checkpoint.

Who and what counts: one C2SP tlog-policy file (LEDGER_WITNESS_POLICY_FILE) names each witness
with its cosignature key and URL, and the quorum. A checkpoint is *witnessed* once the
cosignatures we hold for it meet that quorum; the first witnessed checkpoint covering an entry
is what ledger.proofs.proof_status reports.

How: `cosign_latest` (Celery task ledger.tasks.witness, sent by every anchor run) asks every
witness that has not cosigned the latest checkpoint, all in parallel, each with retries and
exponential backoff. The request's old size is the largest of our checkpoints that witness
cosigned; a 409 tells us the size it really holds, and if that is one of ours we prove
consistency from it and ask once more. A witness holding a size we never signed has seen
another history of our log: that is logged as critical and never "repaired" by us.

Every cosignature is verified against the checkpoint body with the policy's key before it is
stored (append-only). A witness that is down or refuses never fails anchoring: the next beat
run asks again. Only one run at a time (a session advisory lock), and no database work
happens in the request threads.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import hashlib
import logging
import random
import time
from collections.abc import Iterator, Mapping
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Max
from django.utils import timezone

from ledger.models import Checkpoint, Cosignature, Witnessed, WitnessStatus
from ledger.proofs import consistency_proof_between, latest_checkpoint
from ledger.witness import cosignature as cosig
from ledger.witness.policy import Policy, Witness, parse_policy
from ledger.witness.protocol import WitnessConnection, format_request, parse_signature_lines, parse_size

log = logging.getLogger(__name__)

# Session advisory lock key: "TCWIT" (the anchorer uses "TCANC", the sequencer "TCSEQ").
WITNESS_LOCK = 0x5443574954


# --- the policy ------------------------------------------------------------------------------------


def witness_policy() -> Policy | None:
    """The configured policy, or None when witnessing is off. Re-read when the file changes."""
    path = settings.LEDGER_WITNESS_POLICY_FILE
    if not path:
        return None
    return _parsed(str(path), Path(path).stat().st_mtime_ns)


@functools.lru_cache(maxsize=4)
def _parsed(path: str, mtime_ns: int) -> Policy:
    return parse_policy(Path(path).read_text())


def policy_digest(policy: Policy) -> bytes:
    return hashlib.sha256(policy.text.encode()).digest()


# --- asking the witnesses ------------------------------------------------------------------------


@dataclass(frozen=True)
class Outcome:
    witness: Witness
    status: int  # HTTP status; 0 when the witness could not be reached
    detail: str
    cosignature: cosig.Cosignature | None = None
    known_size: int | None = None  # from a 409


def cosign_latest(now: dt.datetime | None = None) -> dict[str, str]:
    """Ask for cosignatures on the latest checkpoint; {witness: outcome} of this run."""
    policy = witness_policy()
    checkpoint = latest_checkpoint()
    if policy is None or checkpoint is None:
        return {}
    with _single_run() as mine:
        if not mine:
            return {}
        todo = _not_yet_cosigned(policy, checkpoint)
        outcomes = _ask_all(checkpoint, {w: _cosigned_size(w) for w in todo})
        retry = _second_chance(checkpoint, outcomes)
        if retry:
            again = _ask_all(checkpoint, retry)
            outcomes = [o for o in outcomes if o.witness not in retry] + again
        outcomes = [_named_fork(o, checkpoint, retry.get(o.witness)) for o in outcomes]
        _record(checkpoint, policy, outcomes, now or timezone.now())
    return {o.witness.name: o.detail for o in outcomes}


@contextmanager
def _single_run() -> Iterator[bool]:
    # A session lock, so that this function opens no transaction around its network calls.
    # Run from the outbox (ledger.tasks.witness), the consumer's transaction does stay open
    # around the whole run, message row locked, so that done_at commits with the cosignatures.
    with connection.cursor() as cur:
        cur.execute("SELECT pg_try_advisory_lock(%s)", [WITNESS_LOCK])
        mine = bool(cur.fetchone()[0])
    try:
        yield mine
    finally:
        if mine:
            with connection.cursor() as cur:
                cur.execute("SELECT pg_advisory_unlock(%s)", [WITNESS_LOCK])


def _not_yet_cosigned(policy: Policy, checkpoint: Checkpoint) -> list[Witness]:
    have = {(name, bytes(key_id)) for name, key_id in checkpoint.cosignatures.values_list("key_name", "key_id")}
    return [w for w in policy.witnesses.values() if w.url and (w.verifier.name, w.verifier.key_id) not in have]


def _cosigned_size(witness: Witness) -> int:
    """The largest of our checkpoints this witness cosigned: the old size it should hold."""
    found = Cosignature.objects.filter(key_name=witness.verifier.name, key_id=witness.verifier.key_id).aggregate(
        size=Max("checkpoint__size"))["size"]
    return int(found or 0)


def _ask_all(checkpoint: Checkpoint, old_sizes: dict[Witness, int]) -> list[Outcome]:
    """One request per witness, in parallel; proofs are read here, before the threads start."""
    if not old_sizes:
        return []
    bodies = {w: format_request(old, _proof(old, checkpoint.size), checkpoint.note) for w, old in old_sizes.items()}
    body_text, _ = cosig.split_note(checkpoint.note)
    with ThreadPoolExecutor(max_workers=len(bodies)) as pool:
        return list(pool.map(lambda w: ask(w, bodies[w], body_text), bodies))


def _proof(old: int, new: int) -> list[bytes]:
    return consistency_proof_between(old, new) if 0 < old < new else []


def ask(witness: Witness, request: bytes, body: str) -> Outcome:
    """One witness, with retries and exponential backoff on network errors and 5xx."""
    attempts = max(1, settings.LEDGER_WITNESS_ATTEMPTS)
    outcome = Outcome(witness, 0, "not attempted")
    for attempt in range(attempts):
        if attempt:
            time.sleep(settings.LEDGER_WITNESS_BACKOFF * 2 ** (attempt - 1) * random.uniform(0.5, 1.0))
        outcome = _ask_once(witness, request, body)
        if outcome.status and outcome.status < 500:
            break
    return outcome


def _ask_once(witness: Witness, request: bytes, body: str) -> Outcome:
    try:
        conn = WitnessConnection(witness.url, settings.LEDGER_WITNESS_TIMEOUT)
        try:
            reply = conn.add_checkpoint(request)
        finally:
            conn.close()
    except (OSError, ValueError) as exc:
        return Outcome(witness, 0, f"unreachable: {exc}")
    if reply.status == 409:
        try:
            return Outcome(witness, 409, "conflict", known_size=parse_size(reply.body))
        except ValueError as exc:
            return Outcome(witness, 409, f"409 without a size: {exc}")
    if reply.status != 200:
        return Outcome(witness, reply.status, reply.body[:500].decode("utf-8", "replace").strip())
    return _verified(witness, reply.body, body)


def _verified(witness: Witness, data: bytes, body: str) -> Outcome:
    """The witness's 200 reply, kept only if a line from its policy key verifies."""
    try:
        lines = parse_signature_lines(data)
    except ValueError as exc:
        return Outcome(witness, 200, f"malformed reply: {exc}")
    key = witness.verifier
    for name, raw in lines:
        if name != key.name or raw[: cosig.KEY_ID_SIZE] != key.key_id:
            continue  # another key's line: ignored, as tlog-witness requires of clients
        try:
            line = cosig.from_raw(name, raw)
        except ValueError:
            continue
        if key.verify(body, line):
            return Outcome(witness, 200, "cosigned", cosignature=line)
    return Outcome(witness, 200, "no valid cosignature from the key in our policy")


def _second_chance(checkpoint: Checkpoint, outcomes: list[Outcome]) -> dict[Witness, int]:
    """Witnesses that answered 409 with a size we can prove consistency from."""
    retry = {}
    for o in outcomes:
        if o.status != 409 or o.known_size is None:
            continue
        if o.known_size <= checkpoint.size and _ours(o.known_size):
            retry[o.witness] = o.known_size  # else _named_fork says why not
    return retry


def _ours(size: int) -> bool:
    return size == 0 or Checkpoint.objects.filter(size=size).exists()


def _named_fork(o: Outcome, checkpoint: Checkpoint, retried_from: int | None) -> Outcome:
    """A refusal that only another history explains, said so in the outcome (and so in the
    witness status the audit views show) and logged as critical, not left as a plain "conflict".

    409 with a size this log never signed: larger than ours, the log was rolled back (a restored
    backup) or forked; otherwise it forked. After the second request, from the witness's own
    size: 409 for our size means another root of that size, 422 means our proof from its size
    fails against the root it holds. A size we did sign is no alarm (a monitor may have fed the
    witness a newer checkpoint of ours), and neither is a 409 that a race explains."""
    size, known = checkpoint.size, o.known_size
    if o.status == 409 and known is not None and retried_from is None and not _ours(known):
        why = (f"holds size {known}, larger than any checkpoint this log signed: the log was rolled back or forked"
               if known > size else f"holds size {known}, which this log never signed: a split view")
    elif o.status == 409 and retried_from is not None and known == retried_from == size:
        why = f"holds another checkpoint of size {size}: a split view"
    elif o.status == 422 and retried_from is not None:
        why = f"refused our consistency proof from its size {retried_from}: it holds another history"
    else:
        return o
    log.critical("LEDGER WITNESS: %s %s", o.witness.name, why)
    return dataclasses.replace(o, detail=f"FORK: {why}")


def _record(checkpoint: Checkpoint, policy: Policy, outcomes: list[Outcome], now: dt.datetime) -> None:
    with transaction.atomic():
        Cosignature.objects.bulk_create(
            [Cosignature(checkpoint=checkpoint, witness=o.witness.name, key_name=o.cosignature.name,
                         key_id=o.cosignature.key_id, timestamp=o.cosignature.timestamp, line=o.cosignature.line,
                         received_at=now) for o in outcomes if o.cosignature],
            ignore_conflicts=True,  # a concurrent run (lock lost with its connection) stored it already
        )
        for o in outcomes:
            _status(o, checkpoint.size, now)
        if is_witnessed(checkpoint, policy):
            Witnessed.objects.bulk_create([Witnessed(checkpoint=checkpoint, size=checkpoint.size,
                                                     policy_sha256=policy_digest(policy), witnessed_at=now)],
                                          ignore_conflicts=True)
    for o in outcomes:
        if not o.cosignature:
            log.warning("witness %s did not cosign checkpoint %s: %s %s", o.witness.name, checkpoint.size,
                        o.status or "", o.detail)


def _status(o: Outcome, size: int, now: dt.datetime) -> None:
    fields = {"url": o.witness.url, "last_status": o.status, "detail": o.detail[:2000], "attempted_at": now}
    if o.cosignature:
        fields |= {"cosigned_size": size, "cosigned_at": now}
    WitnessStatus.objects.update_or_create(witness=o.witness.name, defaults=fields)


# --- reading ----------------------------------------------------------------------------------------


def cosignature_lines(checkpoint: Checkpoint) -> list[str]:
    return list(checkpoint.cosignatures.order_by("key_name", "id").values_list("line", flat=True))


def cosigned_note(checkpoint: Checkpoint) -> str:
    """The checkpoint note with the witnesses' cosignature lines appended (C2SP: one note,
    several signature lines; clients ignore the keys they do not know)."""
    return checkpoint.note + "".join(cosignature_lines(checkpoint))


def is_witnessed(checkpoint: Checkpoint, policy: Policy) -> bool:
    """Whether the stored cosignatures of `checkpoint` meet the policy (they were verified
    before they were stored, so only the keys are matched here)."""
    keys = {(name, bytes(key_id)) for name, key_id in checkpoint.cosignatures.values_list("key_name", "key_id")}
    names = {w.name for w in policy.witnesses.values() if (w.verifier.name, w.verifier.key_id) in keys}
    return bool(policy.witnesses) and policy.satisfied(names)


# --- status, for the audit views and the portal ------------------------------------------------------


@dataclass(frozen=True)
class WitnessLag:
    """One policy witness against our newest checkpoint. The cosigned size and times come from
    the stored cosignatures (the evidence); contact and error from WitnessStatus (the last
    exchange, which is all that table keeps: an error followed by a success is gone)."""

    name: str
    key: str  # <key name>+<hex key id>, as in the vkey
    url: str
    cosigned_size: int | None  # the largest of our checkpoints it cosigned
    received_at: dt.datetime | None  # when its latest cosignature reached us
    lag_entries: int  # our newest size minus cosigned_size (all of it when it never cosigned)
    lag_seconds: float | None  # newest checkpoint's signing time minus the cosigned one's; None: never
    contacted_at: dt.datetime | None  # our last request to it, answered or not
    last_status: int | None  # its HTTP status then, 0 unreachable, None never asked
    error: str  # what went wrong in that exchange, "" when it cosigned


@dataclass(frozen=True)
class WitnessingStatus:
    newest_size: int
    newest_at: dt.datetime
    quorum: str  # the policy's rule in words
    quorum_met: bool  # for the newest checkpoint
    witnesses: list[WitnessLag]


def witnessing_status() -> WitnessingStatus | None:
    """Each configured witness's lag behind our newest checkpoint and whether that checkpoint
    meets the policy; None when witnessing is off or nothing is signed yet. Four queries."""
    policy = witness_policy()
    newest = latest_checkpoint() if policy is not None else None
    if policy is None or newest is None:
        return None
    cosigned = {(row["key_name"], bytes(row["key_id"])): row for row in Cosignature.objects.values(
        "key_name", "key_id").annotate(size=Max("checkpoint__size"), received=Max("received_at")).order_by()}
    sizes = {row["size"] for row in cosigned.values()}
    signed_at = dict(Checkpoint.objects.filter(size__in=sizes).values_list("size", "created_at"))
    statuses = {s.witness: s for s in WitnessStatus.objects.filter(witness__in=list(policy.witnesses))}
    lags = [_lag(w, cosigned.get((w.verifier.name, w.verifier.key_id)), signed_at, statuses.get(w.name), newest)
            for w in policy.witnesses.values()]
    met = policy.satisfied(lag.name for lag in lags if lag.cosigned_size == newest.size)
    return WitnessingStatus(newest.size, newest.created_at, policy.describe(), met, lags)


def _lag(w: Witness, cosigned: Mapping[str, Any] | None, signed_at: dict[int, dt.datetime], status: WitnessStatus | None,
         newest: Checkpoint) -> WitnessLag:
    size = int(cosigned["size"]) if cosigned else None
    seconds = (newest.created_at - signed_at[size]).total_seconds() if size is not None else None
    error = "" if status is None or status.detail == "cosigned" else status.detail
    return WitnessLag(
        name=w.name, key=f"{w.verifier.name}+{w.verifier.key_id.hex()}", url=w.url, cosigned_size=size,
        received_at=cosigned["received"] if cosigned else None, lag_entries=newest.size - (size or 0),
        lag_seconds=seconds, contacted_at=status.attempted_at if status else None,
        last_status=status.last_status if status else None, error=error)
