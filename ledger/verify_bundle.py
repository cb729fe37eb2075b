"""Standalone verifier of an evidence bundle (ledger/evidence.py writes them).

    python -m ledger.verify_bundle bundle.json [--key VERIFIER_KEY]... [--tsa-ca ca.pem]... [--policy FILE]

Needs only the standard library, `cryptography`, `rfc8785` and our pure modules ledger.chain,
ledger.merkle, ledger.note, ledger.der and ledger.tsp (and, for a witnessed bundle or --policy,
ledger.witness.bundle, .policy and .cosignature): no Django, no database. An auditor
should pass the log's public key with --key (obtained out of band) and the TSA's CA with
--tsa-ca; without them the bundle's own keys and certificates are used and the output says so.

Checks, one line each: the file is the canonical layout of its contents (so any changed byte
is caught, even in whitespace); every key parses; every checkpoint note is signed (by a pinned
key too when given), names the bundle's origin and its declared size; every consecutive pair
of checkpoints is consistent (RFC 9162 2.1.4); every entry's hash is recomputed from its fields
and canonical payload bytes and its inclusion proof verifies against the last checkpoint; every
RFC 3161 token timestamps the SHA-256 of its checkpoint note and is signed by a TSA certificate
that chains to the trusted root. A witnessed bundle (format tradechain-evidence/2) also carries
the witness policy and cosignatures (ledger.witness.bundle): each cosignature verifies and names
its witness, and the latest checkpoint meets the quorum; pass the policy with --policy to pin it.
Exit status 0 when everything holds, 1 otherwise.
"""

from __future__ import annotations

import argparse
import base64
import binascii
import json
import re
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cryptography import x509
from cryptography.hazmat.primitives.serialization import Encoding

from ledger import tsp
from ledger.chain import entry_hash, is_canonical, leaf_data
from ledger.merkle import verify_consistency, verify_inclusion
from ledger.note import NoteError, Verifier, open_note, parse_checkpoint

if TYPE_CHECKING:
    from ledger.witness.policy import Policy

FORMAT = "tradechain-evidence/1"
SECTIONS = {"format", "origin", "subject", "keys", "checkpoints", "entries", "timestamps", "tsa"}
# /2 = /1 plus the witnesses' policy and cosignatures; both are verified.
FORMAT_WITNESSED = "tradechain-evidence/2"
SECTIONS_WITNESSED = SECTIONS | {"witnesses"}
CHECKPOINT_FIELDS = {"size", "note", "consistency"}
ENTRY_FIELDS = {"seq", "kind", "subject", "actor", "actor_org", "at", "payload", "prev_hash", "hash", "inclusion_proof"}


def dump_bundle(bundle: dict[str, Any]) -> bytes:
    """The one byte layout of a bundle: the verifier rejects any other, so no byte is free."""
    return json.dumps(bundle, indent=1, sort_keys=True, ensure_ascii=True).encode("ascii") + b"\n"


class Bad(ValueError):
    """A field is missing, of the wrong type, or not in its one canonical spelling."""


@dataclass
class Report:
    lines: list[tuple[str, str, str]] = field(default_factory=list)  # (PASS|FAIL|NOTE, where, text)

    def add(self, ok: bool, where: str, text: str) -> bool:
        self.lines.append(("PASS" if ok else "FAIL", where, text))
        return ok

    def note(self, where: str, text: str) -> None:
        self.lines.append(("NOTE", where, text))

    @property
    def failures(self) -> list[tuple[str, str, str]]:
        return [line for line in self.lines if line[0] == "FAIL"]

    @property
    def ok(self) -> bool:
        return bool(self.lines) and not self.failures

    def render(self) -> str:
        return "".join(f"{status}  {where}: {text}\n" for status, where, text in self.lines)


@dataclass
class _Signed:
    size: int
    root: bytes
    note: bytes


def verify_bytes(
    data: bytes, *, pinned: Sequence[Verifier] = (), tsa_roots: Sequence[x509.Certificate] = (),
    policy: Policy | None = None,
) -> Report:
    report = Report()
    bundle = _load(data, report)
    if bundle is None:
        return report
    try:
        witnessed = isinstance(bundle, dict) and bundle.get("format") == FORMAT_WITNESSED
        _require_keys(bundle, SECTIONS_WITNESSED if witnessed else SECTIONS, "bundle")
        _require(witnessed or bundle["format"] == FORMAT, f"unknown bundle format (expected {FORMAT!r} or {FORMAT_WITNESSED!r})")
        origin, subject = _text(bundle["origin"], "origin"), _text(bundle["subject"], "subject")
    except Bad as exc:
        report.add(False, "bundle", str(exc))
        return report
    verifiers = _check_keys(bundle["keys"], report)
    signed = _check_checkpoints(bundle["checkpoints"], origin, verifiers, pinned, report)
    _check_entries(bundle["entries"], subject, signed[-1] if signed else None, report)
    _check_timestamps(bundle["timestamps"], bundle["tsa"], signed, tsa_roots, report)
    if witnessed:
        # Imported here: a bundle without witnesses verifies with the modules listed above only.
        from ledger.witness.bundle import check_witnesses

        notes = {s.size: s.note.decode("utf-8") for s in signed}
        check_witnesses(bundle["witnesses"], notes, signed[-1].size if signed else None, policy, report)
    elif policy is not None and not policy.satisfied(()):
        report.add(False, "witnesses", f"the bundle carries no cosignatures; the pinned policy requires {policy.describe()}")
    return report


# --- the file ------------------------------------------------------------------------------------


def _load(data: bytes, report: Report) -> dict[str, Any] | None:
    try:
        bundle = json.loads(data.decode("utf-8"), object_pairs_hook=_no_duplicates, parse_constant=_no_constant)
    except (UnicodeDecodeError, ValueError) as exc:
        where = f"line {exc.lineno}, column {exc.colno}" if isinstance(exc, json.JSONDecodeError) else "bundle"
        report.add(False, "bundle", f"not valid JSON ({where}): {exc}")
        return None
    if not isinstance(bundle, dict):
        report.add(False, "bundle", "the top level is not a JSON object")
        return None
    canonical = dump_bundle(bundle)
    if canonical == data:
        report.add(True, "bundle", f"valid JSON in its canonical layout ({len(data)} bytes)")
    else:
        at = next((i for i, (a, b) in enumerate(zip(data, canonical, strict=False)) if a != b), min(len(data), len(canonical)))
        line = data.count(b"\n", 0, at) + 1
        column = at - (data.rfind(b"\n", 0, at) + 1) + 1
        report.add(False, "bundle", f"byte {at} (line {line}, column {column}, in section {_section(canonical, at)!r}) "
                   "differs from the canonical layout: the file was edited or reformatted")
    return bundle


def _section(canonical: bytes, at: int) -> str:
    keys = re.findall(rb'^ "(\w+)":', canonical[:at], flags=re.MULTILINE)
    return keys[-1].decode() if keys else "bundle"


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out = dict(pairs)
    if len(out) != len(pairs):
        raise ValueError("duplicate key in an object")
    return out


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not allowed")


# --- sections ------------------------------------------------------------------------------------


def _check_keys(keys: Any, report: Report) -> list[Verifier]:
    out = []
    for i, text in enumerate(_list(keys, "keys", report)):
        try:
            verifier = Verifier.from_string(_text(text, "key"))
        except (Bad, NoteError) as exc:
            report.add(False, f"keys[{i}]", f"not a valid verifier key: {exc}")
            continue
        out.append(verifier)
        report.add(True, f"keys[{i}]", f"{verifier.name} key id {verifier.key_id.hex()} (Ed25519)")
    return out


def _check_checkpoints(
    items: Any, origin: str, verifiers: list[Verifier], pinned: Sequence[Verifier], report: Report
) -> list[_Signed]:
    signed: list[_Signed] = []
    previous: _Signed | None = None
    for i, item in enumerate(_list(items, "checkpoints", report)):
        where = f"checkpoints[{i}]"
        try:
            _require_keys(item, CHECKPOINT_FIELDS, where)
            size, note = _count(item["size"], "size"), _text(item["note"], "note")
            where = f"checkpoints[{i}] (size {size})"
            proof = [_hash(h, "consistency proof") for h in _plain_list(item["consistency"], "consistency")]
            current = _open_checkpoint(note, size, origin, verifiers, pinned, report, where)
        except Bad as exc:
            report.add(False, where, str(exc))
            previous = None
            continue
        if i == 0:
            report.add(not proof, where, "first checkpoint of the bundle: nothing earlier to be consistent with"
                       if not proof else "the first checkpoint of a bundle carries no consistency proof")
        elif previous is None:
            report.add(False, where, "consistency not checked: the previous checkpoint did not verify")
        elif current.size <= previous.size:
            report.add(False, where, f"tree sizes must grow: {previous.size} then {current.size}")
        else:
            ok = verify_consistency(previous.size, current.size, previous.root, current.root, proof)
            report.add(ok, where, f"consistent with checkpoint {previous.size} (RFC 9162 consistency proof)" if ok else
                       f"NOT consistent with checkpoint {previous.size}: history was rewritten or the proof was altered")
        signed.append(current)
        previous = current
    if not signed:
        report.add(False, "checkpoints", "no checkpoint verified")
    return signed


def _open_checkpoint(
    note: str, size: int, origin: str, verifiers: list[Verifier], pinned: Sequence[Verifier], report: Report, where: str
) -> _Signed:
    try:
        body, names = open_note(note, verifiers)
        cp_origin, cp_size, root, _ = parse_checkpoint(body)
    except NoteError as exc:
        raise Bad(f"signed note does not verify with the bundle's keys: {exc}") from exc
    _require(cp_origin == origin, f"the note's origin {cp_origin!r} is not the bundle's {origin!r}")
    _require(cp_size == size, f"the note says size {cp_size}, the bundle says {size}")
    trust = "the bundle's keys"
    if pinned:
        try:
            _, pinned_names = open_note(note, pinned)
        except NoteError as exc:
            raise Bad(f"not signed by the key given with --key: {exc}") from exc
        trust = f"the pinned key ({', '.join(sorted(set(pinned_names)))})"
    report.add(True, where, f"signed note verifies with {trust}; signed by {', '.join(names)}; root {root.hex()}")
    return _Signed(size, root, note.encode("utf-8"))


def _check_entries(items: Any, subject: str, latest: _Signed | None, report: Report) -> None:
    entries = _list(items, "entries", report)
    if not entries:
        report.add(False, "entries", "the bundle holds no entries")
    previous: tuple[int, bytes] | None = None
    for i, item in enumerate(entries):
        where = f"entries[{i}]"
        try:
            _require_keys(item, ENTRY_FIELDS, where)
            seq = _count(item["seq"], "seq")
            where = f"entries[{i}] (seq {seq})"
            problem, digest = _entry_problem(item, seq, subject, previous)
            proof = [_hash(h, "inclusion proof") for h in _plain_list(item["inclusion_proof"], "inclusion_proof")]
        except Bad as exc:
            report.add(False, where, str(exc))
            previous = None
            continue
        # Link the next entry to this one's stored hash, so one altered entry is reported once.
        previous = (seq, _hash(item["hash"], "hash"))
        if problem:
            report.add(False, where, problem)
        elif latest is None:
            report.add(False, where, "hash recomputed, but there is no verified checkpoint to prove inclusion in")
        else:
            ok = verify_inclusion(leaf_data(digest), seq - 1, latest.size, proof, latest.root)
            report.add(ok, where, f"{item['kind']}: hash recomputed from fields and canonical payload; included in "
                       f"checkpoint {latest.size}" if ok else f"inclusion proof does NOT verify against checkpoint {latest.size}")


def _entry_problem(item: dict[str, Any], seq: int, subject: str, previous: tuple[int, bytes] | None) -> tuple[str, bytes]:
    kind, actor, org, at = (_text(item[k], k) for k in ("kind", "actor", "actor_org", "at"))
    try:
        payload = _text(item["payload"], "payload").encode("utf-8")
    except UnicodeEncodeError as exc:
        raise Bad("payload is not valid Unicode") from exc
    prev_hash, stored = _hash(item["prev_hash"], "prev_hash"), _hash(item["hash"], "hash")
    digest = entry_hash(seq=seq, kind=kind, subject=_text(item["subject"], "subject"), actor=actor,
                        actor_org=org, at=at, payload=payload, prev_hash=prev_hash)
    if item["subject"] != subject:
        return f"belongs to subject {item['subject']!r}, not {subject!r}", digest
    if not is_canonical(payload):
        return "payload is not RFC 8785 canonical JSON", digest
    if digest != stored:
        return f"entry hash does not match its fields (stored {stored.hex()[:16]}..., recomputed {digest.hex()[:16]}...)", digest
    if previous and seq <= previous[0]:
        return f"entries must be in seq order ({previous[0]} then {seq})", digest
    if previous and seq == previous[0] + 1 and prev_hash != previous[1]:
        return f"prev_hash does not link to entry {previous[0]}", digest
    return "", digest


def _check_timestamps(
    items: Any, tsa: Any, signed: list[_Signed], cli_roots: Sequence[x509.Certificate], report: Report
) -> None:
    certs, roots = _tsa_section(tsa, report)
    by_size = {s.size: s for s in signed}
    used: set[bytes] = set()
    tokens = _list(items, "timestamps", report)
    if not tokens:
        report.note("timestamps", "no RFC 3161 timestamps in the bundle: the checkpoints' time is not attested")
    for i, item in enumerate(tokens):
        where = f"timestamps[{i}]"
        try:
            _require_keys(item, {"checkpoint_size", "token"}, where)
            size = _count(item["checkpoint_size"], "checkpoint_size")
            where = f"timestamps[{i}] (checkpoint {size})"
            token = _b64(item["token"], "token")
            _require(size in by_size, "names no verified checkpoint of the bundle")
            text = _verify_token(token, by_size[size].note, certs, roots, cli_roots, used)
        except (Bad, tsp.TspError) as exc:
            report.add(False, where, str(exc))
            continue
        report.add(True, where, text)
    for name, group in (("certificates", certs), ("roots", roots)):
        for j, cert in enumerate(group):
            if _der(cert) not in used:
                report.add(False, f"tsa.{name}[{j}]", f"{cert.subject.rfc4514_string()} is part of no verified timestamp chain")


def _verify_token(token: bytes, note: bytes, certs: list[x509.Certificate], roots: list[x509.Certificate],
                  cli_roots: Sequence[x509.Certificate], used: set[bytes]) -> str:
    info = tsp.verify_token(token, note, roots=roots, extra_certs=certs)
    how = [f"RFC 3161 token over SHA-256 of the checkpoint note, genTime {info.gen_time.isoformat()}, "
           f"signed by {info.signer_subject}"]
    used.add(_der(info.signer))
    if info.chain:
        used.update(_der(c) for c in info.chain)
        how.append("chain to the bundle's TSA root verified")
    if cli_roots:
        pinned = tsp.verify_token(token, note, roots=cli_roots, extra_certs=certs)
        used.update(_der(c) for c in pinned.chain or [])
        how.append("chain to the --tsa-ca root verified")
    if not info.chain and not cli_roots:
        how.append("TSA chain NOT checked: no root in the bundle and no --tsa-ca")
    return "; ".join(how)


def _tsa_section(tsa: Any, report: Report) -> tuple[list[x509.Certificate], list[x509.Certificate]]:
    try:
        _require_keys(tsa, {"certificates", "roots"}, "tsa")
        certs = [tsp.load_der_cert(_b64(c, "certificate")) for c in _plain_list(tsa["certificates"], "tsa.certificates")]
        roots = [tsp.load_der_cert(_b64(c, "root")) for c in _plain_list(tsa["roots"], "tsa.roots")]
    except (Bad, tsp.TspError) as exc:
        report.add(False, "tsa", str(exc))
        return [], []
    return certs, roots


# --- strict field readers --------------------------------------------------------------------------


def _require(ok: bool, text: str) -> None:
    if not ok:
        raise Bad(text)


def _require_keys(obj: Any, expected: set[str], where: str) -> None:
    if not isinstance(obj, dict):
        raise Bad(f"{where} is not an object")
    missing, extra = expected - obj.keys(), obj.keys() - expected
    if missing or extra:
        raise Bad(f"fields missing {sorted(missing)} / unexpected {sorted(extra)}")


def _list(value: Any, where: str, report: Report) -> list[Any]:
    if isinstance(value, list):
        return value
    report.add(False, where, "is not a list")
    return []


def _plain_list(value: Any, what: str) -> list[Any]:
    if not isinstance(value, list):
        raise Bad(f"{what} is not a list")
    return value


def _text(value: Any, what: str) -> str:
    if not isinstance(value, str):
        raise Bad(f"{what} is not a string")
    return value


def _count(value: Any, what: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise Bad(f"{what} is not a positive integer")
    return value


def _hash(value: Any, what: str) -> bytes:
    # Lower-case hex only: 'AB' and 'ab' decode alike, and a bundle has one spelling per value.
    if not isinstance(value, str) or not re.fullmatch(r"[0-9a-f]{64}", value):
        raise Bad(f"{what}: {value!r} is not a 64-digit lower-case hex hash")
    return bytes.fromhex(value)


def _b64(value: Any, what: str) -> bytes:
    try:
        raw = base64.b64decode(_text(value, what).encode("ascii"), validate=True)
    except (binascii.Error, UnicodeEncodeError) as exc:
        raise Bad(f"{what} is not base64") from exc
    if base64.b64encode(raw).decode("ascii") != value:
        raise Bad(f"{what} is not in canonical base64")
    return raw


def _der(cert: x509.Certificate) -> bytes:
    return cert.public_bytes(Encoding.DER)


# --- command line --------------------------------------------------------------------------------


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m ledger.verify_bundle", description=__doc__.split("\n\n")[0])
    parser.add_argument("bundle", help="the evidence bundle (JSON) written by manage.py export_evidence")
    parser.add_argument("--key", action="append", default=[], help="the log's verifier key, obtained out of band")
    parser.add_argument("--tsa-ca", action="append", default=[], help="PEM file of a trusted TSA root")
    parser.add_argument("--policy", help="the witness policy (C2SP tlog-policy file), obtained out of band")
    args = parser.parse_args(argv)
    try:
        pinned = [Verifier.from_string(k) for k in args.key]
        roots = [c for path in args.tsa_ca for c in tsp.load_pem_certs(Path(path).read_bytes())]
        policy = _load_policy(args.policy) if args.policy else None
        data = Path(args.bundle).read_bytes()
    except (OSError, ValueError) as exc:  # PolicyError is a ValueError
        print(f"cannot start: {exc}", file=sys.stderr)
        return 2
    report = verify_bytes(data, pinned=pinned, tsa_roots=roots, policy=policy)
    sys.stdout.write(report.render())
    print(_summary(report, bool(pinned), bool(roots), bool(policy)))
    return 0 if report.ok else 1


def _load_policy(path: str) -> Policy:
    from ledger.witness.policy import parse_policy

    return parse_policy(Path(path).read_text())


def _summary(report: Report, pinned: bool, tsa_ca: bool, policy: bool = False) -> str:
    failures = report.failures
    if failures:
        where = "; ".join(w for _, w, _ in failures[:5]) + ("; ..." if len(failures) > 5 else "")
        return f"RESULT: DOES NOT HOLD: {len(failures)} of {len(report.lines)} checks failed ({where})"
    trust = [] if pinned else ["the log key was taken from the bundle itself (pin it with --key)"]
    if not tsa_ca:
        trust.append("the TSA root was taken from the bundle itself (pin it with --tsa-ca)")
    if not policy and any(where == "witnesses.policy" for _, where, _ in report.lines):
        trust.append("the witness policy was taken from the bundle itself (pin it with --policy)")
    return "RESULT: HOLDS: every check passed" + (f"; note: {'; '.join(trust)}" if trust else "")


if __name__ == "__main__":
    sys.exit(main())
