"""The witness section of an evidence bundle, and its checks (used by ledger.verify_bundle).

    "witnesses": {
      "policy": "<C2SP tlog-policy text>",
      "cosignatures": [{"checkpoint_size": N, "line": "— <witness key name> <base64>\\n"}, ...]
    }

Every cosignature must come from a witness of the policy and verify over its checkpoint's
note body (else FAIL, naming the witness); the latest checkpoint of the bundle, against which
the entries are proven, must meet the policy's quorum. Each line of the report says which
witness cosigned which checkpoint and when. Pure: no Django, no database.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any, Protocol

from ledger.note import NoteError
from ledger.witness.cosignature import parse_line, split_note
from ledger.witness.policy import Policy, PolicyError, parse_policy

SECTION_FIELDS = {"policy", "cosignatures"}
ITEM_FIELDS = {"checkpoint_size", "line"}


class Reporter(Protocol):
    def add(self, ok: bool, where: str, text: str) -> bool: ...

    def note(self, where: str, text: str) -> None: ...


def check_witnesses(section: Any, notes: Mapping[int, str], latest: int | None, pinned: Policy | None,
                    report: Reporter) -> None:
    """`notes`: size -> log-signed note of each checkpoint that verified; `latest`: the size
    the entries are proven against."""
    if not isinstance(section, dict) or section.keys() != SECTION_FIELDS:
        report.add(False, "witnesses", f"must be an object with exactly the fields {sorted(SECTION_FIELDS)}")
        return
    policy = _policy(section["policy"], pinned, report)
    items = section["cosignatures"]
    if policy is None or not isinstance(items, list):
        if not isinstance(items, list):
            report.add(False, "witnesses.cosignatures", "is not a list")
        return
    cosigned: dict[int, set[str]] = {}
    for i, item in enumerate(items):
        found = _check_item(item, f"witnesses.cosignatures[{i}]", notes, policy, report)
        if found is not None:
            cosigned.setdefault(found[0], set()).add(found[1])
    _check_quorum(policy, cosigned, latest, report)


def _policy(text: Any, pinned: Policy | None, report: Reporter) -> Policy | None:
    if not isinstance(text, str):
        report.add(False, "witnesses.policy", "is not a string")
        return None
    try:
        own = parse_policy(text)
    except PolicyError as exc:
        report.add(False, "witnesses.policy", f"not a valid tlog-policy: {exc}")
        return None
    if pinned is None:
        report.add(True, "witnesses.policy", f"quorum {own.describe()} over {len(own.witnesses)} witnesses "
                   "(taken from the bundle itself: pin it with --policy)")
        return own
    same = own.text == pinned.text
    report.add(same, "witnesses.policy", "the bundle's policy is the pinned one" if same else
               "the bundle's policy differs from the pinned one; the pinned policy is applied")
    return pinned


def _check_item(item: Any, where: str, notes: Mapping[int, str], policy: Policy,
                report: Reporter) -> tuple[int, str] | None:
    if not isinstance(item, dict) or item.keys() != ITEM_FIELDS:
        report.add(False, where, f"must be an object with exactly the fields {sorted(ITEM_FIELDS)}")
        return None
    size, line = item["checkpoint_size"], item["line"]
    if not isinstance(size, int) or isinstance(size, bool) or size not in notes:
        report.add(False, where, f"names checkpoint {size!r}, which is not a verified checkpoint of the bundle")
        return None
    try:
        cosignature = parse_line(line) if isinstance(line, str) and line.endswith("\n") else None
    except NoteError as exc:
        report.add(False, where, f"malformed cosignature line: {exc}")
        return None
    if cosignature is None or cosignature.line != line:
        report.add(False, where, "not a cosignature line in its one canonical spelling")
        return None
    witness = policy.witness_for(cosignature.name, cosignature.key_id)
    if witness is None:
        report.add(False, where, f"from key {cosignature.name}+{cosignature.key_id.hex()}, which is no witness of the policy")
        return None
    body, _ = split_note(notes[size])
    if not witness.verifier.verify(body, cosignature):
        report.add(False, where, f"witness {witness.name} ({cosignature.name}): cosignature on checkpoint {size} "
                   "does NOT verify: altered, or made for another checkpoint")
        return None
    when = dt.datetime.fromtimestamp(cosignature.timestamp, dt.UTC).isoformat()
    report.add(True, where, f"witness {witness.name} ({cosignature.name}) cosigned checkpoint {size} at {when}")
    return size, witness.name


def _check_quorum(policy: Policy, cosigned: dict[int, set[str]], latest: int | None, report: Reporter) -> None:
    for size in sorted(s for s in cosigned if s != latest):
        how = "meets" if policy.satisfied(cosigned[size]) else "does not meet"
        report.note(f"checkpoint {size}", f"cosigned by {', '.join(sorted(cosigned[size]))}: {how} the quorum")
    if latest is None:
        return
    names = cosigned.get(latest, set())
    ok = policy.satisfied(names)
    by = ", ".join(sorted(names)) or "no witness"
    # Unmet: name the policy's witnesses with no valid cosignature, so the reader knows whom to ask.
    missing = ", ".join(w for w in policy.witnesses if w not in names)
    report.add(ok, f"witnesses (checkpoint {latest})",
               f"witness policy met: cosigned by {by}; quorum {policy.describe()}" if ok else
               f"witness policy NOT met: cosigned by {by}; quorum requires {policy.describe()}; "
               f"no valid cosignature from {missing}")
