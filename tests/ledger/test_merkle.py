"""RFC 9162 Merkle tree: published vectors, exhaustive small trees, corrupted proofs, node store.

Verifier tests follow transparency-dev/merkle: every good proof must be rejected once any one
input is corrupted. One exception is a property, not a bug, and is pinned down below: a
verifier checks the proof's *shape*, so a proof for (leaf 0, size 3) also verifies as
(leaf 0, size 4) against the same root. Production code therefore only verifies against a
(size, root) pair from a signed checkpoint, never a size supplied on its own.
"""

from __future__ import annotations

import functools
import os
import random
from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ledger import merkle
from ledger.merkle import (
    EMPTY_ROOT,
    assemble_proof,
    consistency_proof,
    consistency_proof_coords,
    consistency_proof_from_hashes,
    distinct_coords,
    inclusion_proof,
    inclusion_proof_coords,
    inclusion_proof_from_hashes,
    leaf_hash,
    merkle_root,
    new_nodes,
    node_hash,
    perfect_subtrees,
    root_coords,
    root_from_hashes,
    root_from_nodes,
    verify_consistency,
    verify_inclusion,
    verify_inclusion_hash,
)

PROPERTY = settings(max_examples=60, deadline=None, database=None)

# transparency-dev/merkle and the RFC 6962 test suites.
LEAVES = [
    bytes.fromhex(h)
    for h in [
        "",
        "00",
        "10",
        "2021",
        "3031",
        "40414243",
        "5051525354555657",
        "606162636465666768696a6b6c6d6e6f",
    ]
]
ROOTS = [
    bytes.fromhex(h)
    for h in [
        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
        "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
        "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
        "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
        "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
        "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
        "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
        "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
        "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
    ]
]
INCLUSION_5_OF_8 = [
    bytes.fromhex("bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b"),
    bytes.fromhex("ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0"),
    bytes.fromhex("d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"),
]
CONSISTENCY_6_TO_8 = [
    bytes.fromhex("0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a"),
    bytes.fromhex("ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0"),
    bytes.fromhex("d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"),
]
GARBAGE = bytes(range(32))

INCLUSION_CASES = [(i, n) for n in range(1, 9) for i in range(n)]
CONSISTENCY_CASES = [(m, n) for n in range(1, 9) for m in range(1, n)]


# --- an independent oracle: the RFC 9162 recursive definitions, transcribed literally ---------


class Rfc:
    """MTH, PATH and SUBPROOF of RFC 9162 2.1.1-2.1.4 over leaf hashes[lo:hi], memoised."""

    def __init__(self, hashes: list[bytes]) -> None:
        self.hashes = hashes
        self.mth = functools.cache(self._mth)

    @staticmethod
    def k(n: int) -> int:
        k = 1
        while k * 2 < n:
            k *= 2
        return k

    def _mth(self, lo: int, hi: int) -> bytes:
        if hi == lo:
            return EMPTY_ROOT
        if hi - lo == 1:
            return self.hashes[lo]
        mid = lo + self.k(hi - lo)
        return node_hash(self.mth(lo, mid), self.mth(mid, hi))

    def path(self, m: int, lo: int, hi: int) -> list[bytes]:
        if hi - lo == 1:
            return []
        k = self.k(hi - lo)
        if m < k:
            return [*self.path(m, lo, lo + k), self.mth(lo + k, hi)]
        return [*self.path(m - k, lo + k, hi), self.mth(lo, lo + k)]

    def subproof(self, m: int, lo: int, hi: int, whole: bool) -> list[bytes]:
        if m == hi - lo:
            return [] if whole else [self.mth(lo, hi)]
        k = self.k(hi - lo)
        if m <= k:
            return [*self.subproof(m, lo, lo + k, whole), self.mth(lo + k, hi)]
        return [*self.subproof(m - k, lo + k, hi, False), self.mth(lo, lo + k)]

    def proof(self, m: int, n: int) -> list[bytes]:
        return self.subproof(m, 0, n, True) if 0 < m < n else []


VECTOR_RFC = Rfc([leaf_hash(d) for d in LEAVES])


# --- helpers ---------------------------------------------------------------------------------


def flipped_bits(proof: list[bytes]) -> Iterator[list[bytes]]:
    for i, element in enumerate(proof):
        for bit in range(len(element) * 8):
            bad = bytearray(element)
            bad[bit // 8] ^= 1 << (bit % 8)
            yield [*proof[:i], bytes(bad), *proof[i + 1 :]]


def removed_or_added(proof: list[bytes]) -> Iterator[list[bytes]]:
    for i in range(len(proof)):
        yield proof[:i] + proof[i + 1 :]
    for i in range(len(proof) + 1):
        yield [*proof[:i], GARBAGE, *proof[i:]]
        yield [*proof[:i], (proof or [ROOTS[1]])[i - 1], *proof[i:]]  # a duplicated element


def inclusion_case(index: int, size: int) -> tuple[bytes, list[bytes], bytes]:
    return LEAVES[index], inclusion_proof(LEAVES[:size], index), ROOTS[size]


def consistency_case(m: int, n: int) -> tuple[bytes, bytes, list[bytes]]:
    return ROOTS[m], ROOTS[n], consistency_proof(LEAVES[:n], m)


def random_hashes(count: int, seed: int) -> list[bytes]:
    rng = random.Random(seed)
    return [leaf_hash(rng.randbytes(8)) for _ in range(count)]


@functools.cache
def grown_store(size: int, seed: int) -> tuple[list[bytes], dict[tuple[int, int], bytes]]:
    """Grow a node store in random batches, as the sequencer would."""
    hashes = random_hashes(size, seed)
    rng = random.Random(seed)
    nodes: dict[tuple[int, int], bytes] = {}
    done = 0
    while done < size:
        batch = hashes[done : done + rng.choice([1, 1, 2, 3, 5, 8, 13, 64])]
        for level, index, h in new_nodes(done, batch, lambda lv, ix: nodes[(lv, ix)]):
            assert (level, index) not in nodes, "a node is written exactly once"
            nodes[(level, index)] = h
        done += len(batch)
    return hashes, nodes


# --- published vectors -----------------------------------------------------------------------


@pytest.mark.parametrize("n", range(9))
def test_root_matches_published_vector(n: int) -> None:
    assert merkle_root(LEAVES[:n]) == ROOTS[n]
    assert root_from_hashes([leaf_hash(d) for d in LEAVES[:n]]) == ROOTS[n]
    assert VECTOR_RFC.mth(0, n) == ROOTS[n]


def test_empty_root_is_sha256_of_nothing() -> None:
    assert EMPTY_ROOT.hex() == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"


def test_inclusion_proof_for_leaf_5_of_8_matches_published_vector() -> None:
    assert inclusion_proof(LEAVES, 5) == INCLUSION_5_OF_8
    assert verify_inclusion(LEAVES[5], 5, 8, INCLUSION_5_OF_8, ROOTS[8])


def test_consistency_proof_from_6_to_8_matches_published_vector() -> None:
    assert consistency_proof(LEAVES, 6) == CONSISTENCY_6_TO_8
    assert verify_consistency(6, 8, ROOTS[6], ROOTS[8], CONSISTENCY_6_TO_8)


@pytest.mark.parametrize(("index", "size"), INCLUSION_CASES)
def test_every_inclusion_proof_up_to_size_8_is_the_rfc_path_and_verifies(index: int, size: int) -> None:
    leaf, proof, root = inclusion_case(index, size)
    assert proof == VECTOR_RFC.path(index, 0, size)
    assert verify_inclusion(leaf, index, size, proof, root)
    assert verify_inclusion_hash(leaf_hash(leaf), index, size, proof, root)


@pytest.mark.parametrize(("m", "n"), CONSISTENCY_CASES)
def test_every_consistency_proof_up_to_size_8_is_the_rfc_proof_and_verifies(m: int, n: int) -> None:
    old_root, new_root, proof = consistency_case(m, n)
    assert proof == VECTOR_RFC.proof(m, n)
    assert verify_consistency(m, n, old_root, new_root, proof)


# --- inclusion verifier: every corruption of every proof up to size 8 fails -------------------


def test_inclusion_proof_rejects_neighbouring_index() -> None:
    for index, size in INCLUSION_CASES:
        leaf, proof, root = inclusion_case(index, size)
        for bad in (index - 1, index + 1):
            assert not verify_inclusion(leaf, bad, size, proof, root), (index, size, bad)


def test_inclusion_proof_rejects_doubled_or_halved_size() -> None:
    for index, size in INCLUSION_CASES:
        leaf, proof, root = inclusion_case(index, size)
        for bad in (size * 2, size // 2):
            assert not verify_inclusion(leaf, index, bad, proof, root), (index, size, bad)


def test_inclusion_proof_rejects_wrong_leaf_and_wrong_root() -> None:
    for index, size in INCLUSION_CASES:
        leaf, proof, root = inclusion_case(index, size)
        assert not verify_inclusion(leaf + b"x", index, size, proof, root)
        assert not verify_inclusion_hash(GARBAGE, index, size, proof, root)
        assert not verify_inclusion(leaf, index, size, proof, GARBAGE)
        assert not verify_inclusion(leaf, index, size, proof, ROOTS[size - 1])


def test_inclusion_proof_rejects_prepended_or_appended_garbage() -> None:
    for index, size in INCLUSION_CASES:
        leaf, proof, root = inclusion_case(index, size)
        assert not verify_inclusion(leaf, index, size, [GARBAGE, *proof], root)
        assert not verify_inclusion(leaf, index, size, [*proof, GARBAGE], root)


def test_inclusion_proof_rejects_flipped_bit() -> None:
    for index, size in INCLUSION_CASES:
        leaf, proof, root = inclusion_case(index, size)
        for bad in flipped_bits(proof):
            assert not verify_inclusion(leaf, index, size, bad, root)


def test_inclusion_proof_rejects_removed_or_added_element() -> None:
    for index, size in INCLUSION_CASES:
        leaf, proof, root = inclusion_case(index, size)
        for bad in removed_or_added(proof):
            assert not verify_inclusion(leaf, index, size, bad, root)


def test_inclusion_verifier_checks_shape_so_size_and_root_must_come_signed_together() -> None:
    leaf, proof, root = inclusion_case(0, 3)
    assert verify_inclusion(leaf, 0, 4, proof, root)  # same shape, the documented pitfall
    assert not verify_inclusion(leaf, 0, 4, proof, ROOTS[4])


GARBAGE_INCLUSION_ARGS = [
    (None, 0, 1, [], ROOTS[1]),
    ("leaf", 0, 1, [], ROOTS[1]),
    (LEAVES[0], -1, 1, [], ROOTS[1]),
    (LEAVES[0], 0, 0, [], EMPTY_ROOT),
    (LEAVES[0], 1, 1, [], ROOTS[1]),
    (LEAVES[0], 0, -1, [], ROOTS[1]),
    (LEAVES[0], False, True, [], ROOTS[1]),
    (LEAVES[0], 0.0, 1, [], ROOTS[1]),
    (LEAVES[0], "0", "1", [], ROOTS[1]),
    (LEAVES[0], 0, 1, None, ROOTS[1]),
    (LEAVES[0], 0, 1, b"", ROOTS[1]),
    (LEAVES[0], 0, 2, [LEAVES[1]], ROOTS[2]),
    (LEAVES[0], 0, 2, ["ab" * 16], ROOTS[2]),
    (LEAVES[0], 0, 2, [leaf_hash(LEAVES[1])[:31]], ROOTS[2]),
    (LEAVES[0], 0, 1, [], ROOTS[1][:31]),
    (LEAVES[0], 0, 1, [], ROOTS[1].hex()),
    (LEAVES[0], 0, 2**70, [GARBAGE] * 200, ROOTS[1]),
]


@pytest.mark.parametrize("args", GARBAGE_INCLUSION_ARGS)
def test_inclusion_verifier_returns_false_on_garbage_input(args: tuple[Any, ...]) -> None:
    assert verify_inclusion(*args) is False


# --- consistency verifier --------------------------------------------------------------------


def test_consistency_proof_rejects_swapped_roots() -> None:
    for m, n in CONSISTENCY_CASES:
        old_root, new_root, proof = consistency_case(m, n)
        assert not verify_consistency(m, n, new_root, old_root, proof)


def test_consistency_proof_rejects_wrong_roots() -> None:
    for m, n in CONSISTENCY_CASES:
        old_root, new_root, proof = consistency_case(m, n)
        assert not verify_consistency(m, n, GARBAGE, new_root, proof)
        assert not verify_consistency(m, n, old_root, GARBAGE, proof)


def test_consistency_proof_rejects_empty_and_truncated_proofs() -> None:
    for m, n in CONSISTENCY_CASES:
        old_root, new_root, proof = consistency_case(m, n)
        assert not verify_consistency(m, n, old_root, new_root, [])
        for cut in range(len(proof)):
            assert not verify_consistency(m, n, old_root, new_root, proof[:cut])


def test_consistency_proof_rejects_a_changed_old_size_or_a_doubled_or_halved_new_size() -> None:
    for m, n in CONSISTENCY_CASES:
        old_root, new_root, proof = consistency_case(m, n)
        for bad_m, bad_n in [(m - 1, n), (m + 1, n), (m * 2, n), (m // 2, n), (m, n * 2), (m, n // 2)]:
            assert not verify_consistency(bad_m, bad_n, old_root, new_root, proof), (m, n, bad_m, bad_n)


def test_consistency_verifier_binds_roots_not_sizes_so_sizes_must_come_signed() -> None:
    old_root, new_root, proof = consistency_case(3, 6)
    assert verify_consistency(6, 12, old_root, new_root, proof)  # both sizes doubled: same shape
    assert verify_consistency(3, 7, old_root, new_root, proof)  # new size + 1: same shape
    assert not verify_consistency(6, 12, ROOTS[6], new_root, proof)


def test_consistency_proof_rejects_prepended_or_appended_garbage() -> None:
    for m, n in CONSISTENCY_CASES:
        old_root, new_root, proof = consistency_case(m, n)
        assert not verify_consistency(m, n, old_root, new_root, [GARBAGE, *proof])
        assert not verify_consistency(m, n, old_root, new_root, [*proof, GARBAGE])


def test_consistency_proof_rejects_flipped_bit() -> None:
    for m, n in CONSISTENCY_CASES:
        old_root, new_root, proof = consistency_case(m, n)
        for bad in flipped_bits(proof):
            assert not verify_consistency(m, n, old_root, new_root, bad)


def test_consistency_proof_rejects_removed_or_added_element() -> None:
    for m, n in CONSISTENCY_CASES:
        old_root, new_root, proof = consistency_case(m, n)
        for bad in removed_or_added(proof):
            assert not verify_consistency(m, n, old_root, new_root, bad)


def test_consistency_to_the_same_size_needs_equal_roots_and_an_empty_proof() -> None:
    assert consistency_proof(LEAVES[:5], 5) == []
    assert verify_consistency(5, 5, ROOTS[5], ROOTS[5], [])
    assert not verify_consistency(5, 5, ROOTS[5], ROOTS[4], [])
    assert not verify_consistency(5, 5, ROOTS[5], ROOTS[5], [ROOTS[5]])


def test_consistency_from_the_empty_tree_needs_the_empty_root_and_an_empty_proof() -> None:
    assert consistency_proof(LEAVES, 0) == []
    assert verify_consistency(0, 8, EMPTY_ROOT, ROOTS[8], [])
    assert verify_consistency(0, 0, EMPTY_ROOT, EMPTY_ROOT, [])
    assert not verify_consistency(0, 8, GARBAGE, ROOTS[8], [])
    assert not verify_consistency(0, 8, EMPTY_ROOT, ROOTS[8], [ROOTS[8]])
    assert not verify_consistency(0, 0, EMPTY_ROOT, GARBAGE, [])


GARBAGE_CONSISTENCY_ARGS = [
    (8, 6, ROOTS[8], ROOTS[6], CONSISTENCY_6_TO_8),
    (-6, 8, ROOTS[6], ROOTS[8], CONSISTENCY_6_TO_8),
    (6, None, ROOTS[6], ROOTS[8], CONSISTENCY_6_TO_8),
    (6.0, 8, ROOTS[6], ROOTS[8], CONSISTENCY_6_TO_8),
    (True, 8, ROOTS[1], ROOTS[8], consistency_proof(LEAVES, 1)),
    (6, 8, ROOTS[6].hex(), ROOTS[8], CONSISTENCY_6_TO_8),
    (6, 8, ROOTS[6], ROOTS[8][:-1], CONSISTENCY_6_TO_8),
    (6, 8, ROOTS[6], ROOTS[8], b"".join(CONSISTENCY_6_TO_8)),
    (6, 8, ROOTS[6], ROOTS[8], [*CONSISTENCY_6_TO_8[:2], None]),
    (6, 8, ROOTS[6], ROOTS[8], [p + b"\x00" for p in CONSISTENCY_6_TO_8]),
    (6, 2**80, ROOTS[6], ROOTS[8], [GARBAGE] * 300),
]


@pytest.mark.parametrize("args", GARBAGE_CONSISTENCY_ARGS)
def test_consistency_verifier_returns_false_on_garbage_input(args: tuple[Any, ...]) -> None:
    assert verify_consistency(*args) is False


def test_proof_generators_reject_out_of_range_requests() -> None:
    with pytest.raises(ValueError):
        inclusion_proof(LEAVES, 8)
    with pytest.raises(ValueError):
        consistency_proof(LEAVES, 9)
    with pytest.raises(ValueError):
        inclusion_proof(LEAVES, True)  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        root_from_hashes([b"short"])
    with pytest.raises(ValueError):
        perfect_subtrees(5, 4)
    with pytest.raises(ValueError):
        inclusion_proof_coords(3, 3)


# --- node store ------------------------------------------------------------------------------


def test_perfect_subtrees_decompose_a_tree_into_its_set_bits() -> None:
    assert perfect_subtrees(0, 13) == [(3, 0), (2, 2), (0, 12)]
    assert perfect_subtrees(4, 8) == [(2, 1)]
    assert perfect_subtrees(3, 12) == [(0, 3), (2, 1), (2, 2)]
    assert perfect_subtrees(5, 5) == []
    assert root_coords(0) == []


def test_folded_perfect_subtrees_give_the_rfc_hash_of_aligned_ranges() -> None:
    hashes, nodes = grown_store(64, seed=1)
    for width in range(1, 33):
        step = 1 << (width - 1).bit_length()  # ranges proofs use start at a multiple of this
        for start in range(0, 64 - width + 1, step):
            folded = assemble_proof([perfect_subtrees(start, start + width)], nodes)[0]
            assert folded == root_from_hashes(hashes[start : start + width])


def test_grown_store_matches_a_from_scratch_computation() -> None:
    hashes, nodes = grown_store(300, seed=2)
    expected = {
        (level, index): root_from_hashes(hashes[index << level : (index + 1) << level])
        for level in range(10)
        for index in range(300 >> level)
    }
    assert nodes == expected


def test_new_nodes_only_fetches_nodes_of_the_old_root() -> None:
    hashes, nodes = grown_store(300, seed=3)
    for old_size in range(200):
        asked: list[tuple[int, int]] = []

        def get_node(level: int, index: int) -> bytes:
            asked.append((level, index))
            return nodes[(level, index)]

        grown = new_nodes(old_size, hashes[old_size : old_size + 37], get_node)
        assert set(asked) <= set(root_coords(old_size))
        assert all(nodes[(lv, ix)] == h for lv, ix, h in grown)


def test_store_assembled_proofs_are_the_rfc_proofs_for_every_size_up_to_200() -> None:
    hashes, nodes = grown_store(200, seed=4)
    rfc = Rfc(hashes)
    for size in range(1, 201):
        assert root_from_nodes(size, nodes) == rfc.mth(0, size)
        for index in range(size):
            coords = inclusion_proof_coords(index, size)
            assert all((ix + 1) << lv <= size for lv, ix in distinct_coords(coords))
            assert assemble_proof(coords, nodes) == rfc.path(index, 0, size)
        for old_size in range(size + 1):
            proof = assemble_proof(consistency_proof_coords(old_size, size), nodes)
            assert proof == rfc.proof(old_size, size)


def test_direct_proofs_are_the_rfc_proofs_for_every_size_up_to_64() -> None:
    # Direct proofs rehash O(size) leaves each, so exhaustive checking stops earlier; the
    # property tests below compare direct and store-assembled proofs up to size 1,000.
    hashes = random_hashes(64, seed=5)
    rfc = Rfc(hashes)
    for size in range(1, 65):
        tree = hashes[:size]
        assert root_from_hashes(tree) == rfc.mth(0, size)
        for index in range(size):
            assert inclusion_proof_from_hashes(tree, index) == rfc.path(index, 0, size)
        for old_size in range(size + 1):
            assert consistency_proof_from_hashes(tree, old_size) == rfc.proof(old_size, size)


def test_proofs_at_ten_million_entries_need_only_a_few_nodes() -> None:
    coords = inclusion_proof_coords(7_654_321, 10_000_000)
    consistency = consistency_proof_coords(9_999_000, 10_000_000)
    assert len(coords) == 24
    assert len(distinct_coords(coords)) <= 48
    assert len(distinct_coords(consistency)) <= 48


def test_new_nodes_rejects_malformed_input() -> None:
    with pytest.raises(ValueError):
        new_nodes(0, [b"not a hash"], lambda lv, ix: b"")
    with pytest.raises(ValueError):
        new_nodes(1, [leaf_hash(b"x")], lambda lv, ix: b"corrupt row")


# --- properties over larger trees ------------------------------------------------------------


@PROPERTY
@given(size=st.integers(1, 1000), data=st.data())
def test_all_proofs_of_random_trees_verify(size: int, data: st.DataObject) -> None:
    hashes = random_hashes(size, seed=size)
    root = root_from_hashes(hashes)
    index = data.draw(st.integers(0, size - 1))
    old_size = data.draw(st.integers(1, size))
    proof = inclusion_proof_from_hashes(hashes, index)
    assert verify_inclusion_hash(hashes[index], index, size, proof, root)
    old_root = root_from_hashes(hashes[:old_size])
    assert verify_consistency(old_size, size, old_root, root, consistency_proof_from_hashes(hashes, old_size))


@PROPERTY
@given(size=st.integers(1, 1000), seed=st.integers(0, 2**32), data=st.data())
def test_store_assembled_proofs_equal_direct_proofs(size: int, seed: int, data: st.DataObject) -> None:
    hashes, nodes = grown_store(size, seed)
    index = data.draw(st.integers(0, size - 1))
    old_size = data.draw(st.integers(0, size))
    assert root_from_nodes(size, nodes) == root_from_hashes(hashes)
    direct = inclusion_proof_from_hashes(hashes, index)
    assert assemble_proof(inclusion_proof_coords(index, size), nodes) == direct
    direct = consistency_proof_from_hashes(hashes, old_size)
    assert assemble_proof(consistency_proof_coords(old_size, size), nodes) == direct


@PROPERTY
@given(size=st.integers(2, 1000), data=st.data())
def test_randomly_corrupted_proofs_fail(size: int, data: st.DataObject) -> None:
    hashes = random_hashes(size, seed=size)
    root = root_from_hashes(hashes)
    index = data.draw(st.integers(0, size - 1))
    other = data.draw(st.integers(0, size - 1).filter(lambda i: i != index))
    old_size = data.draw(st.integers(1, size - 1))
    old_root = root_from_hashes(hashes[:old_size])
    proof = inclusion_proof_from_hashes(hashes, index)
    cproof = consistency_proof_from_hashes(hashes, old_size)
    assert not verify_inclusion_hash(hashes[index], index, size, flip_one_bit(proof, data), root)
    assert not verify_inclusion_hash(hashes[index], other, size, proof, root)
    assert not verify_consistency(old_size, size, old_root, root, flip_one_bit(cproof, data))


def flip_one_bit(proof: list[bytes], data: st.DataObject) -> list[bytes]:
    element = data.draw(st.integers(0, len(proof) - 1))
    bit = data.draw(st.integers(0, 255))
    bad = bytearray(proof[element])
    bad[bit // 8] ^= 1 << (bit % 8)
    return [*proof[:element], bytes(bad), *proof[element + 1 :]]


# (Speed lives in bench/bench_merkle.py, not here.)


def test_batched_leaf_hashes_are_the_single_leaf_hash() -> None:
    leaves = [os.urandom(n) for n in (0, 1, 64, 1000)]
    assert merkle.leaf_hashes(leaves) == [leaf_hash(d) for d in leaves]
