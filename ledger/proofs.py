"""Serving proofs from the node table: a few rows in one query, whatever the log's size.

A proof is always served against a checkpoint (a signed size and root), never a bare size
the caller picked: RFC 9162 proofs show a shape, and a shape verifies under more than one
size (see ledger.merkle.verify_inclusion_hash).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db import connection

from ledger.merkle import (
    Coord,
    assemble_proof,
    consistency_proof_coords,
    distinct_coords,
    inclusion_proof_coords,
)
from ledger.models import Checkpoint


class ProofError(Exception):
    """No proof can be served: not anchored yet, unknown checkpoint, or a missing node."""


class NotAnchored(ProofError):
    pass


@dataclass(frozen=True)
class InclusionProof:
    seq: int
    leaf_hash: bytes  # the stored level-0 node, SHA-256(0x00 || entry hash)
    tree_size: int
    root: bytes
    proof: list[bytes]
    note: str  # the signed checkpoint that (tree_size, root) come from

    @property
    def leaf_index(self) -> int:
        return self.seq - 1

    def as_dict(self) -> dict[str, Any]:
        return {
            "seq": self.seq, "leaf_index": self.leaf_index, "leaf_hash": self.leaf_hash.hex(),
            "tree_size": self.tree_size, "root": self.root.hex(),
            "proof": [h.hex() for h in self.proof], "checkpoint": self.note,
        }


def fetch_nodes(coords: Iterable[Coord]) -> dict[Coord, bytes]:
    """The stored hashes of `coords`, in one query (an index probe per coordinate)."""
    wanted = sorted(set(coords))
    if not wanted:
        return {}
    with connection.cursor() as cur:
        cur.execute(
            "SELECT n.level, n.index, n.hash FROM ledger_node n "
            "JOIN unnest(%s::smallint[], %s::bigint[]) AS c(level, index) USING (level, index)",
            [[c[0] for c in wanted], [c[1] for c in wanted]],
        )
        return {(level, index): bytes(h) for level, index, h in cur.fetchall()}


def latest_checkpoint() -> Checkpoint | None:
    return Checkpoint.objects.latest_first().first()


def checkpoint_at(size: int | None) -> Checkpoint:
    """The checkpoint of exactly `size` entries, or the latest one when size is None."""
    cp = latest_checkpoint() if size is None else Checkpoint.objects.filter(size=size).first()
    if cp is None:
        raise NotAnchored("no checkpoint yet" if size is None else f"there is no checkpoint of size {size}")
    return cp


def inclusion_proof_for(seq: int, size: int | None = None) -> InclusionProof:
    """Proof that entry `seq` is leaf seq - 1 of the checkpoint of `size` (default: latest).

    The hot path of the API: two indexed queries in plain SQL (the ORM's query compilation
    would cost more than both round trips), then pure-Python folding.
    """
    cp_size, root, note = _signed_head(size)
    if not 1 <= seq <= cp_size:
        raise NotAnchored(f"entry {seq} is not in checkpoint {cp_size}")
    coords = inclusion_proof_coords(seq - 1, cp_size)
    leaf = (0, seq - 1)
    nodes = fetch_nodes(distinct_coords(coords) | {leaf})
    try:
        proof = assemble_proof(coords, nodes)
        leaf_hash = nodes[leaf]
    except KeyError as exc:
        raise ProofError(f"node store is missing node {exc.args[0]} below checkpoint {cp_size}") from exc
    return InclusionProof(seq, leaf_hash, cp_size, root, proof, note)


def _signed_head(size: int | None) -> tuple[int, bytes, str]:
    with connection.cursor() as cur:
        if size is None:
            cur.execute("SELECT size, root, note FROM ledger_checkpoint ORDER BY size DESC LIMIT 1")
        else:
            cur.execute("SELECT size, root, note FROM ledger_checkpoint WHERE size = %s", [size])
        row = cur.fetchone()
    if row is None:
        raise NotAnchored("no checkpoint yet" if size is None else f"there is no checkpoint of size {size}")
    return row[0], bytes(row[1]), row[2]


def consistency_proof_between(old_size: int, new_size: int) -> list[bytes]:
    """RFC 9162 PROOF(old_size, D[new_size]) from stored nodes (both sizes <= the latest)."""
    coords = consistency_proof_coords(old_size, new_size)
    nodes = fetch_nodes(distinct_coords(coords))
    try:
        return assemble_proof(coords, nodes)
    except KeyError as exc:
        raise ProofError(f"node store is missing node {exc.args[0]} for {old_size} -> {new_size}") from exc


def proof_status(seqs: Iterable[int]) -> dict[int, dict[str, Any]]:
    """For the API and portal: is each entry anchored, and by which checkpoint first?

    An entry is anchored when seq <= the latest checkpoint's size; `checkpoint_size` is the
    first checkpoint that contains it (the moment it became provable), None while pending.
    It is witnessed once a checkpoint containing it met the witness policy (ledger.witnessing);
    `witnessed_size` is the first such checkpoint.
    """
    wanted = sorted({int(s) for s in seqs})
    if not wanted:
        return {}
    with connection.cursor() as cur:
        cur.execute(
            "SELECT s.seq, (SELECT min(c.size) FROM ledger_checkpoint c WHERE c.size >= s.seq), "
            "(SELECT min(w.size) FROM ledger_witnessed w WHERE w.size >= s.seq) "
            "FROM unnest(%s::bigint[]) AS s(seq)",
            [wanted],
        )
        rows = cur.fetchall()
    first = {seq: size for seq, size, _ in rows}
    witnessed = {seq: size for seq, _, size in rows}
    return {
        seq: {"anchored": seq >= 1 and first.get(seq) is not None, "checkpoint_size": first.get(seq) if seq >= 1 else None,
              "witnessed": seq >= 1 and witnessed.get(seq) is not None,
              "witnessed_size": witnessed.get(seq) if seq >= 1 else None}
        for seq in wanted
    }
