"""C2SP tlog-policy: which logs and witnesses are trusted, and which cosigners make a quorum.

    log <vkey> [<url>]
    witness <name> <vkey> [<url>]          # vkey of type 0x04 (tlog-cosignature)
    group <name> all|any|<k> <member>...   # k of the members, each a witness or earlier group
    quorum <name>                          # exactly one; `none` requires no cosignature

Items are separated by spaces or tabs; blank lines and `#` comments are ignored; a name must be
defined on an earlier line than any use; witnesses and groups share one namespace, in which
`none` is predefined. Two entries wrapping the same public key are refused.

"Each defined name can be listed as a group member at most once" is read per group (as
sigsum-go does): a name may be a member of several groups, which is what makes "two of three,
and at least one outside the operator" expressible:

    group any-two 2 operator bank-a bank-b
    group outside any bank-a bank-b
    group witnessed all any-two outside
    quorum witnessed

The log side reads the witness URLs from here (the tlog-witness submission prefix), so one
file says whom to ask and what counts as witnessed.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from ledger.note import NoteError, Verifier
from ledger.witness.cosignature import CosignatureVerifier

NONE = "none"
_FORBIDDEN = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
_DECIMAL = re.compile(r"[1-9][0-9]*")
_SEPARATORS = re.compile(r"[ \t]+")


class PolicyError(ValueError):
    """The policy text does not follow tlog-policy."""


@dataclass(frozen=True)
class Witness:
    name: str
    verifier: CosignatureVerifier
    url: str = ""


@dataclass(frozen=True)
class Log:
    verifier: Verifier
    url: str = ""


@dataclass(frozen=True)
class Group:
    name: str
    threshold: int
    members: tuple[str, ...]


@dataclass
class Policy:
    text: str
    logs: list[Log] = field(default_factory=list)
    witnesses: dict[str, Witness] = field(default_factory=dict)
    groups: dict[str, Group] = field(default_factory=dict)
    quorum: str = ""

    def satisfied(self, cosigned: Iterable[str]) -> bool:
        """Whether the witnesses named in `cosigned` (policy names) meet the quorum."""
        return self._holds(self.quorum, set(cosigned))

    def _holds(self, name: str, cosigned: set[str]) -> bool:
        if name == NONE:
            return True
        if name in self.witnesses:
            return name in cosigned
        group = self.groups[name]
        return sum(self._holds(m, cosigned) for m in group.members) >= group.threshold

    def describe(self, name: str | None = None) -> str:
        """The quorum rule in words, e.g. "all of [2 of (a, b, c), any of (b, c)]"."""
        name = self.quorum if name is None else name
        if name == NONE or name in self.witnesses:
            return name
        group = self.groups[name]
        k = group.threshold
        how = "all" if k == len(group.members) else "any" if k == 1 else str(k)
        return f"{how} of ({', '.join(self.describe(m) for m in group.members)})"

    def witness_for(self, key_name: str, key_id: bytes) -> Witness | None:
        for w in self.witnesses.values():
            if (w.verifier.name, w.verifier.key_id) == (key_name, key_id):
                return w
        return None


def parse_policy(text: str) -> Policy:
    """Parse a policy file; PolicyError names the line at fault."""
    if _FORBIDDEN.search(text):
        raise PolicyError("only tab and newline may appear as control characters")
    policy = Policy(text)
    keys: set[bytes] = set()
    for number, line in enumerate(text.split("\n"), 1):
        # Only ASCII space and tab separate items: str.split() would also split at U+00A0 and
        # other Unicode spaces, which the spec says are opaque octets inside names.
        fields = [f for f in _SEPARATORS.split(line) if f]
        if not fields or fields[0].startswith("#"):
            continue
        try:
            _apply(policy, fields, keys)
        except (PolicyError, NoteError) as exc:
            raise PolicyError(f"line {number}: {exc}") from exc
    if not policy.quorum:
        raise PolicyError("a policy needs exactly one quorum line")
    return policy


def _apply(policy: Policy, fields: list[str], keys: set[bytes]) -> None:
    keyword, args = fields[0], fields[1:]
    if keyword == "log" and len(args) in (1, 2):
        log_key = Verifier.from_string(args[0])
        _unique_key(keys, log_key.public_key)
        policy.logs.append(Log(log_key, args[1] if len(args) == 2 else ""))
    elif keyword == "witness" and len(args) in (2, 3):
        _new_name(policy, args[0])
        witness_key = CosignatureVerifier.from_string(args[1])
        _unique_key(keys, witness_key.public_key)
        policy.witnesses[args[0]] = Witness(args[0], witness_key, args[2] if len(args) == 3 else "")
    elif keyword == "group" and len(args) >= 3:
        policy.groups[args[0]] = _group(policy, args[0], args[1], args[2:])
    elif keyword == "quorum" and len(args) == 1:
        if policy.quorum:
            raise PolicyError("a second quorum line")
        if args[0] != NONE and not _defined(policy, args[0]):
            raise PolicyError(f"quorum names {args[0]!r}, which no earlier line defines")
        policy.quorum = args[0]
    else:
        raise PolicyError(f"not a log, witness, group or quorum line: {' '.join(fields)!r}")


def _group(policy: Policy, name: str, threshold: str, members: list[str]) -> Group:
    _new_name(policy, name)
    for member in members:
        if member == NONE or not _defined(policy, member):
            raise PolicyError(f"group {name}: {member!r} is not a witness or group defined earlier")
    if len(set(members)) != len(members):
        raise PolicyError(f"group {name} lists a member twice")
    if threshold == "all":
        k = len(members)
    elif threshold == "any":
        k = 1
    elif _DECIMAL.fullmatch(threshold) and 1 <= int(threshold) <= len(members):
        k = int(threshold)
    else:
        raise PolicyError(f"group {name}: threshold {threshold!r} is not all, any or 1..{len(members)}")
    return Group(name, k, tuple(members))


def _new_name(policy: Policy, name: str) -> None:
    if name == NONE or _defined(policy, name):
        raise PolicyError(f"name {name!r} is already defined")


def _defined(policy: Policy, name: str) -> bool:
    return name in policy.witnesses or name in policy.groups


def _unique_key(keys: set[bytes], public_key: bytes) -> None:
    # Duplicate = same underlying key, whatever the name: one key must count once.
    if public_key in keys:
        raise PolicyError("the same public key appears twice")
    keys.add(public_key)
