"""The fence around datasketch's private helpers
(tests/datasketch_reference.py): these fail loudly when an
installed datasketch is not one the helpers were checked against, or when
the helpers no longer compute what datasketch's public MinHash and
MinHashLSH compute."""
from __future__ import annotations

import zlib

import numpy as np
from datasketch import MinHash, MinHashLSH

import datasketch_reference as dsi

SETS = [
    ["أهل الموصل", "الموصل لن", "لن ينسوا", "#انقذوا_الموصل"],
    ["families reach", "reach khazir", "khazir camp"],
    [f"word{i} word{i + 1}" for i in range(200)],
    ["one"],
]


def test_the_installed_datasketch_is_a_release_the_fence_was_checked_against():
    # A new datasketch: re-read datasketch_reference.py against its source,
    # then widen TESTED_WITH and the pin in pyproject.toml together.
    assert dsi.version() in dsi.TESTED_WITH


def test_fmix_and_the_permutations_give_datasketch_s_own_affine32_minhash():
    a, b = dsi.affine32_permutations(64, 7)
    for items in SETS:
        hv = np.array([zlib.crc32(x.encode("utf-8")) for x in items], dtype=np.uint32)
        with np.errstate(over="ignore"):
            ours = (dsi.fmix(hv, 32)[:, None] * a + b).min(axis=0)
        theirs = MinHash(num_perm=64, seed=7, scheme="affine32", hashfunc=lambda d: zlib.crc32(d))
        theirs.update_batch([x.encode("utf-8") for x in items])
        assert np.array_equal(ours, theirs.hashvalues)


def test_optimal_param_is_the_choice_of_minhashlsh():
    for threshold in (0.3, 0.4, 0.5, 0.8):
        lsh = MinHashLSH(threshold=threshold, num_perm=64, weights=(0.5, 0.5))
        assert dsi.optimal_param(threshold, 64, 0.5, 0.5) == (lsh.b, lsh.r)
