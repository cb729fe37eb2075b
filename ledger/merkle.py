"""RFC 9162 (Certificate Transparency v2) Merkle tree: roots, proofs, verifiers, node store.

Pure Python (hashlib only) so that the offline evidence verifier can use it without Django.

Hashing (RFC 9162 2.1.1): leaf = SHA-256(0x00 || data), node = SHA-256(0x01 || left || right),
empty tree = SHA-256(""). For n > 1 leaves the tree splits at k, the largest power of two
smaller than n; an unpaired node is carried up, never duplicated (CVE-2012-2459).

Node store. A database answers proofs for a log of any size from a few rows by storing the hash
of every *perfect* subtree, addressed by a coordinate (level, index): the subtree covering
leaves [index * 2**level, (index + 1) * 2**level). Level 0 holds the leaf hashes. A node is
written once, when its last leaf arrives (`new_nodes`), and never changes.

Every hash a proof or a root needs is the hash of a range [a, b) that is a node of the RFC tree
(a is a multiple of a power of two >= b - a). Such a range decomposes into perfect subtrees of
strictly decreasing size (`perfect_subtrees`), and its RFC hash is their RIGHT FOLD:

    fold([h1, h2, ..., hk]) = node_hash(h1, node_hash(h2, ... node_hash(h(k-1), hk)))

because the RFC split puts the largest power of two on the left and recurses on the rest.
Callers therefore do: `*_coords(...)` -> fetch the distinct (level, index) rows in one query
-> `assemble_proof(coords, nodes)`.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Mapping, Sequence

HASH_SIZE = 32
EMPTY_ROOT = hashlib.sha256(b"").digest()

Coord = tuple[int, int]
Range = tuple[int, int]

# Copying a hash state already fed with the prefix is ~15% faster than creating a new one per
# call, which is the dominant cost of hashing 32-byte nodes in CPython. copy() leaves the
# template untouched, so sharing it between threads is safe.
_LEAF = hashlib.sha256(b"\x00")
_NODE = hashlib.sha256(b"\x01")


def leaf_hash(data: bytes) -> bytes:
    """RFC 9162 leaf hash: the 0x00 prefix keeps leaves and nodes in separate domains."""
    h = _LEAF.copy()
    h.update(data)
    return h.digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    """RFC 9162 interior node hash. Order matters: never sort the children (QLDB does)."""
    h = _NODE.copy()
    h.update(left + right)
    return h.digest()


# --- roots and proofs over leaf hashes -------------------------------------------------------


def root_from_hashes(hashes: Sequence[bytes]) -> bytes:
    """Root of the tree whose leaf hashes are `hashes`, level by level (no recursion).

    Pairing neighbours and carrying an odd last node up unchanged builds exactly the RFC tree:
    the carried node is the right-hand remainder that the RFC split would hash last.
    """
    level = _checked_hashes(hashes)
    if not level:
        return EMPTY_ROOT
    while len(level) > 1:
        carry = level[-1] if len(level) & 1 else None
        level = _pair_hashes(level)
        if carry is not None:
            level.append(carry)
    return level[0]


def _pair_hashes(level: list[bytes]) -> list[bytes]:
    # The hot loop of every root: inlined node_hash, no per-pair function call. An odd last
    # node has no partner here (strict=False); the caller carries it up.
    out: list[bytes] = []
    append, template = out.append, _NODE
    for left, right in zip(level[0::2], level[1::2], strict=False):
        h = template.copy()
        h.update(left + right)
        append(h.digest())
    return out


def inclusion_proof_from_hashes(hashes: Sequence[bytes], index: int) -> list[bytes]:
    """RFC 9162 2.1.3.1 PATH(index, D[n]) for n = len(hashes), ordered leaf to root.

    Rehashes O(n) leaves per proof; a large log answers from the node store instead.
    """
    level = _checked_hashes(hashes)
    if not _is_count(index) or index >= len(level):
        raise ValueError(f"index {index} outside a tree of size {len(level)}")
    return [root_from_hashes(level[a:b]) for a, b in _inclusion_ranges(index, len(level))]


def consistency_proof_from_hashes(hashes: Sequence[bytes], old_size: int) -> list[bytes]:
    """RFC 9162 2.1.4.1 PROOF(old_size, D[n]) for n = len(hashes); empty when trivial."""
    level = _checked_hashes(hashes)
    if not _is_count(old_size) or old_size > len(level):
        raise ValueError(f"old size {old_size} outside 0..{len(level)}")
    return [root_from_hashes(level[a:b]) for a, b in _consistency_ranges(old_size, len(level))]


# --- the same over raw leaf data ---------------------------------------------------------------


def merkle_root(leaves: Iterable[bytes]) -> bytes:
    """MTH(D[n]) of the raw leaf data."""
    return root_from_hashes(leaf_hashes(leaves))


def leaf_hashes(leaves: Iterable[bytes]) -> list[bytes]:
    """leaf_hash of every element, in one loop (the bulk path of roots and proofs)."""
    out: list[bytes] = []
    append, template = out.append, _LEAF
    for data in leaves:
        h = template.copy()
        h.update(data)
        append(h.digest())
    return out


def inclusion_proof(leaves: Iterable[bytes], index: int) -> list[bytes]:
    return inclusion_proof_from_hashes(leaf_hashes(leaves), index)


def consistency_proof(leaves: Iterable[bytes], old_size: int) -> list[bytes]:
    """Proof that the first old_size leaves are a prefix; the new size is len(leaves)."""
    return consistency_proof_from_hashes(leaf_hashes(leaves), old_size)


# --- verifiers: never raise, return False on anything malformed --------------------------------


def verify_inclusion(leaf: bytes, index: int, size: int, proof: list[bytes], root: bytes) -> bool:
    """Check that raw leaf data `leaf` is leaf `index` of the tree (size, root).

    See `verify_inclusion_hash` for the pitfall: the proof shows a shape, so (size, root) must
    come together from a signed checkpoint.
    """
    return isinstance(leaf, bytes) and verify_inclusion_hash(leaf_hash(leaf), index, size, proof, root)


def verify_inclusion_hash(leaf_hash: bytes, index: int, size: int, proof: list[bytes], root: bytes) -> bool:
    """RFC 9162 2.1.3.2, step by step, over a precomputed leaf hash.

    Pitfall: the algorithm checks the proof's shape, and different (index, size) pairs can
    share a shape. A proof for (leaf 0, size 3) also verifies as (leaf 0, size 4) against the
    same root. Only verify against a (size, root) pair taken together from a signed checkpoint,
    never a size supplied separately by whoever supplies the proof.
    """
    if not (_is_hash(leaf_hash) and _is_hash(root) and _is_proof(proof)):
        return False
    if not (_is_count(index) and _is_count(size)) or index >= size:
        return False
    fn, sn, r = index, size - 1, leaf_hash
    for p in proof:
        if sn == 0:
            return False  # proof longer than the path: leftovers are an attack, not padding
        if fn & 1 or fn == sn:
            r = node_hash(p, r)
            # A right-edge node with no sibling at these levels is carried up unchanged.
            while not fn & 1 and fn != 0:
                fn, sn = fn >> 1, sn >> 1
        else:
            r = node_hash(r, p)
        fn, sn = fn >> 1, sn >> 1
    return sn == 0 and r == root


def verify_consistency(
    old_size: int, new_size: int, old_root: bytes, new_root: bytes, proof: list[bytes]
) -> bool:
    """Check that the tree (new_size, new_root) extends the tree (old_size, old_root).

    0 < old < new runs RFC 9162 2.1.4.2 exactly. The trivial cases the RFC algorithm does not
    cover require an empty proof: equal sizes need equal roots, and the empty tree's root must
    be EMPTY_ROOT.

    Pitfall, as for inclusion: the proof binds the two roots, not the sizes. The same proof
    and roots also verify as (2 * old, 2 * new), and often with new_size +/- 1. Each
    (size, root) pair must come from one signed checkpoint.
    """
    if not (_is_hash(old_root) and _is_hash(new_root) and _is_proof(proof)):
        return False
    if not (_is_count(old_size) and _is_count(new_size)) or old_size > new_size:
        return False
    if old_size == 0:
        return not proof and old_root == EMPTY_ROOT and (new_size > 0 or new_root == EMPTY_ROOT)
    if old_size == new_size:
        return not proof and old_root == new_root
    return _verify_consistency_rfc(old_size, new_size, old_root, new_root, list(proof))


def _verify_consistency_rfc(
    old_size: int, new_size: int, old_root: bytes, new_root: bytes, path: list[bytes]
) -> bool:
    if not path:
        return False
    if old_size & (old_size - 1) == 0:
        # The old tree is one perfect subtree of the new one, so the proof omits its hash.
        path.insert(0, old_root)
    fn, sn = old_size - 1, new_size - 1
    while fn & 1:
        fn, sn = fn >> 1, sn >> 1
    fr = sr = path[0]
    for c in path[1:]:
        if sn == 0:
            return False  # the second size must be consumed exactly, no leftovers
        if fn & 1 or fn == sn:
            fr, sr = node_hash(c, fr), node_hash(c, sr)
            while not fn & 1 and fn != 0:
                fn, sn = fn >> 1, sn >> 1
        else:
            sr = node_hash(sr, c)
        fn, sn = fn >> 1, sn >> 1
    return sn == 0 and fr == old_root and sr == new_root


# --- node store: perfect subtrees addressed by (level, index) ----------------------------------


def perfect_subtrees(start: int, end: int) -> list[Coord]:
    """Decompose the leaf range [start, end) into maximal aligned perfect subtrees, left to right.

    For the ranges proofs and roots use (RFC tree nodes, see the module docstring) the sizes
    strictly decrease and the right fold of the hashes equals the RFC hash of D[start:end].
    Any other range still decomposes, but its fold is not the MTH of that slice.
    """
    if not (_is_count(start) and _is_count(end)) or start > end:
        raise ValueError(f"invalid leaf range [{start}, {end})")
    coords = []
    while start < end:
        level = (end - start).bit_length() - 1
        if start:
            level = min(level, (start & -start).bit_length() - 1)  # stay aligned
        coords.append((level, start >> level))
        start += 1 << level
    return coords


def root_coords(size: int) -> list[Coord]:
    """Coordinates whose right fold is the root of the tree of `size` leaves."""
    return perfect_subtrees(0, size)


def inclusion_proof_coords(index: int, size: int) -> list[list[Coord]]:
    """For each element of PATH(index, D[size]), the coordinates folding into it."""
    if not (_is_count(index) and _is_count(size)) or index >= size:
        raise ValueError(f"index {index} outside a tree of size {size}")
    return [perfect_subtrees(a, b) for a, b in _inclusion_ranges(index, size)]


def consistency_proof_coords(old_size: int, new_size: int) -> list[list[Coord]]:
    """For each element of PROOF(old_size, D[new_size]), the coordinates folding into it."""
    if not (_is_count(old_size) and _is_count(new_size)) or old_size > new_size:
        raise ValueError(f"invalid sizes {old_size} -> {new_size}")
    return [perfect_subtrees(a, b) for a, b in _consistency_ranges(old_size, new_size)]


def distinct_coords(coords: Iterable[Iterable[Coord]]) -> set[Coord]:
    """The set of rows to fetch (in one query) for one or more coordinate lists."""
    return {c for element in coords for c in element}


def assemble_proof(coords: Sequence[Sequence[Coord]], nodes: Mapping[Coord, bytes]) -> list[bytes]:
    """Right-fold stored node hashes into proof elements; KeyError if a node is missing."""
    return [_fold([nodes[c] for c in element]) for element in coords]


def root_from_nodes(size: int, nodes: Mapping[Coord, bytes]) -> bytes:
    """Root of the tree of `size` leaves from stored nodes (at most one per set bit of size)."""
    coords = root_coords(size)
    return _fold([nodes[c] for c in coords]) if coords else EMPTY_ROOT


def new_nodes(
    old_size: int, new_leaf_hashes: list[bytes], get_node: Callable[[int, int], bytes]
) -> list[tuple[int, int, bytes]]:
    """All (level, index, hash) nodes completed by appending `new_leaf_hashes` to old_size leaves.

    Level 0 is the new leaf hashes themselves. At each level at most one left child predates
    this batch; `get_node(level, index)` is asked only for such nodes, all of which are in
    `root_coords(old_size)`, so a caller can prefetch those (<= 64 rows) in one query.
    """
    if not _is_count(old_size):
        raise ValueError(f"invalid old size {old_size!r}")
    current = _checked_hashes(new_leaf_hashes)
    new_size = old_size + len(current)
    out = [(0, old_size + i, h) for i, h in enumerate(current)]
    level, first = 0, old_size  # `first` is the index of current[0] at `level`
    while (lo := old_size >> (level + 1)) < (hi := new_size >> (level + 1)):
        parents = []
        for j in range(lo, hi):
            left = current[2 * j - first] if 2 * j >= first else _fetched(get_node, level, 2 * j)
            parents.append(node_hash(left, current[2 * j + 1 - first]))
        level, first, current = level + 1, lo, parents
        out.extend((level, lo + k, h) for k, h in enumerate(parents))
    return out


# --- internals ---------------------------------------------------------------------------------


def _split(n: int) -> int:
    """The largest power of two strictly smaller than n (n >= 2): the RFC 9162 split point."""
    return 1 << ((n - 1).bit_length() - 1)


def _inclusion_ranges(index: int, size: int) -> list[Range]:
    """Leaf ranges whose hashes form PATH(index, D[size]), leaf to root."""
    ranges = []
    lo, hi = 0, size
    while hi - lo > 1:
        mid = lo + _split(hi - lo)
        if index < mid:
            ranges.append((mid, hi))
            hi = mid
        else:
            ranges.append((lo, mid))
            lo = mid
    ranges.reverse()  # the recursion appends the sibling after the deeper part of the path
    return ranges


def _consistency_ranges(old_size: int, new_size: int) -> list[Range]:
    """Leaf ranges whose hashes form PROOF(old_size, D[new_size]) (RFC 9162 SUBPROOF)."""
    if old_size in (0, new_size):
        return []
    ranges = []
    lo, hi, m, whole = 0, new_size, old_size, True
    while m != hi - lo:
        mid = lo + _split(hi - lo)
        if m <= mid - lo:
            ranges.append((mid, hi))
            hi = mid
        else:
            ranges.append((lo, mid))
            lo, m, whole = mid, m - (mid - lo), False
    if not whole:
        # The old tree is not a subtree of the new one here, so the verifier needs its hash.
        ranges.append((lo, hi))
    ranges.reverse()
    return ranges


def _fold(hashes: list[bytes]) -> bytes:
    if not hashes:
        raise ValueError("cannot fold an empty list of node hashes")
    acc = hashes[-1]
    for h in reversed(hashes[:-1]):
        acc = node_hash(h, acc)
    return acc


def _fetched(get_node: Callable[[int, int], bytes], level: int, index: int) -> bytes:
    h = get_node(level, index)
    if not _is_hash(h):
        raise ValueError(f"stored node ({level}, {index}) is not a {HASH_SIZE}-byte hash")
    return h


def _checked_hashes(hashes: Iterable[bytes]) -> list[bytes]:
    # A wrong-length "hash" would silently give a different, unverifiable tree.
    level = list(hashes)
    if not all(type(h) is bytes and len(h) == HASH_SIZE for h in level):
        raise ValueError(f"leaf hashes must be {HASH_SIZE}-byte bytes")
    return level


def _is_hash(value: object) -> bool:
    return isinstance(value, bytes) and len(value) == HASH_SIZE


def _is_count(value: object) -> bool:
    # bool is an int subclass; True as an index is a caller bug, not leaf 1.
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


def _is_proof(value: object) -> bool:
    return isinstance(value, (list, tuple)) and all(_is_hash(p) for p in value)
