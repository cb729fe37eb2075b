"""Evidence bundles: everything an outsider needs to check one subject's entries offline.

Shape (format "tradechain-evidence/1"; ledger.verify_bundle checks it; every value is covered
by some check, so the bundle carries no unverifiable decoration such as an export time):

    {
      "format": "tradechain-evidence/1",
      "origin": "<log origin>",
      "subject": "lc:<uuid>",
      "keys": ["<verifier key string>", ...],
      "checkpoints": [                        # oldest first; the last is the latest anchored
        {"size": N, "note": "<signed note>", "consistency": ["<hex>", ...]}   # from the previous one
      ],
      "entries": [                            # the subject's anchored entries, by seq
        {"seq", "kind", "subject", "actor", "actor_org",
         "at": "<RFC 3339 as hashed>", "payload": "<the canonical JSON text>",
         "prev_hash": "<hex>", "hash": "<hex>",
         "inclusion_proof": ["<hex>", ...]}   # against the last checkpoint
      ],
      "timestamps": [{"checkpoint_size": N, "token": "<base64 RFC 3161 TimeStampToken>"}],
      "tsa": {"certificates": ["<base64 DER>"], "roots": ["<base64 DER>"]}
    }

With a witness policy configured (LEDGER_WITNESS_POLICY_FILE) the format is
"tradechain-evidence/2" and one more section carries the policy text and the stored witness
cosignatures of the bundle's checkpoints (see ledger.witness.bundle); the entries are then
proven against the latest *witnessed* checkpoint, so the bundle shows the quorum met whenever
one was, and entries after it count as not anchored yet.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives.serialization import Encoding
from django.utils.module_loading import import_string

from ledger import tsp
from ledger.chain import format_time
from ledger.keys import verifier_strings
from ledger.models import Checkpoint, Cosignature, Entry, PendingEntry, Receipt
from ledger.proofs import consistency_proof_between, inclusion_proof_for, latest_checkpoint
from ledger.publishers import tsa_certificates
from ledger.verify_bundle import FORMAT, FORMAT_WITNESSED, dump_bundle
from ledger.witnessing import witness_policy


class EvidenceError(Exception):
    pass


@dataclass
class Export:
    bundle: dict[str, Any]
    not_anchored: int  # entries of the subject left out because no checkpoint covers them yet

    def to_bytes(self) -> bytes:
        return dump_bundle(self.bundle)


def export_evidence(subject: str, *, compact: bool = False) -> Export:
    """The bundle for `subject`, proven against the latest checkpoint.

    compact=False carries every checkpoint up to the latest (the full chain, as an auditor
    replaying the log wants). compact=True keeps only the checkpoints that first anchored one
    of the subject's entries plus the latest: consistency proofs work between any two sizes,
    so the chain still proves that each of those later checkpoints extends the earlier ones.
    """
    policy = witness_policy()
    latest = _latest_witnessed() if policy else None
    latest = latest or latest_checkpoint()
    if latest is None:
        raise EvidenceError("nothing has been anchored yet")
    entries = list(Entry.objects.for_subject(subject).filter(seq__lte=latest.size))
    if not entries:
        raise EvidenceError(f"no anchored entries for subject {subject!r}")
    checkpoints = _checkpoints(latest, [e.seq for e in entries] if compact else None)
    waiting = Entry.objects.for_subject(subject).filter(seq__gt=latest.size).count()
    waiting += PendingEntry.objects.filter(subject=subject).count()
    timestamps = _timestamps(checkpoints)
    bundle: dict[str, Any] = {
        "format": FORMAT_WITNESSED if policy else FORMAT,
        "origin": latest.origin,
        "subject": subject,
        "keys": verifier_strings(),
        "checkpoints": _checkpoint_chain(checkpoints),
        "entries": [_entry(e, latest.size) for e in entries],
        "timestamps": timestamps,
        "tsa": _tsa(checkpoints, timestamps),
    }
    if policy:
        bundle["witnesses"] = {"policy": policy.text, "cosignatures": _cosignatures(checkpoints)}
    return Export(bundle, waiting)


def _latest_witnessed() -> Checkpoint | None:
    return Checkpoint.objects.filter(witnessed__isnull=False).order_by("-size").first()


def _cosignatures(checkpoints: list[Checkpoint]) -> list[dict[str, Any]]:
    rows = Cosignature.objects.filter(checkpoint__in=checkpoints).select_related("checkpoint")
    rows = rows.order_by("checkpoint__size", "key_name", "id")
    return [{"checkpoint_size": c.checkpoint.size, "line": c.line} for c in rows]


def _checkpoints(latest: Checkpoint, seqs: list[int] | None) -> list[Checkpoint]:
    qs = Checkpoint.objects.filter(size__lte=latest.size).order_by("size")
    if seqs is None:
        return list(qs)
    sizes = {latest.size}
    for seq in seqs:
        first = Checkpoint.objects.covering(seq).order_by("size").values_list("size", flat=True).first()
        if first is not None:
            sizes.add(first)
    return list(qs.filter(size__in=sizes))


def _checkpoint_chain(checkpoints: list[Checkpoint]) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    previous: int | None = None
    for cp in checkpoints:
        proof: list[bytes] = consistency_proof_between(previous, cp.size) if previous else []
        out.append({"size": cp.size, "note": cp.note, "consistency": [h.hex() for h in proof]})
        previous = cp.size
    return out


def _entry(entry: Entry, size: int) -> dict[str, Any]:
    proof = inclusion_proof_for(entry.seq, size)
    return {
        "seq": entry.seq,
        "kind": entry.kind,
        "subject": entry.subject,
        "actor": entry.actor,
        "actor_org": entry.actor_org,
        "at": format_time(entry.at),
        "payload": bytes(entry.payload).decode("utf-8"),
        "prev_hash": bytes(entry.prev_hash).hex(),
        "hash": bytes(entry.hash).hex(),
        "inclusion_proof": [h.hex() for h in proof.proof],
    }


def _timestamps(checkpoints: list[Checkpoint]) -> list[dict[str, Any]]:
    receipts = Receipt.objects.filter(
        checkpoint__in=checkpoints, status=Receipt.Status.PUBLISHED
    ).select_related("checkpoint").order_by("checkpoint__size", "id")
    return [
        {"checkpoint_size": r.checkpoint.size, "token": base64.b64encode(bytes(r.data)).decode("ascii")}
        for r in receipts
        if _kind(r.publisher) == "rfc3161" and r.data
    ]


def _kind(publisher: str) -> str:
    try:
        return str(getattr(import_string(publisher), "kind", ""))
    except ImportError:
        return ""


def _tsa(checkpoints: list[Checkpoint], timestamps: list[dict[str, Any]]) -> dict[str, list[str]]:
    """The configured TSA certificates that the bundle's tokens actually chain through.

    The verifier refuses certificates that no timestamp uses (they would be bytes nobody
    checks), so after a TSA certificate rotation only the ones still needed go in.
    """
    roots, certs = tsa_certificates()
    notes = {cp.size: cp.note.encode() for cp in checkpoints}
    used: set[bytes] = set()
    for stamp in timestamps:
        try:
            info = tsp.verify_token(base64.b64decode(stamp["token"]), notes[stamp["checkpoint_size"]],
                                    roots=roots, extra_certs=certs)
        except tsp.TspError:
            continue  # exported as it is: the verifier will say what is wrong with it
        used.update(_der(c) for c in [info.signer, *(info.chain or [])])

    return {
        "certificates": [_b64(c) for c in certs if _der(c) in used],
        "roots": [_b64(c) for c in roots if _der(c) in used],
    }


def _der(cert: x509.Certificate) -> bytes:
    return cert.public_bytes(Encoding.DER)


def _b64(cert: x509.Certificate) -> str:
    return base64.b64encode(_der(cert)).decode("ascii")
