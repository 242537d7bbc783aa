"""Every use of datasketch's private helpers, in one place.

The near-copy text clusters (viewer.patterns.text_clusters) compute
datasketch's own affine32 MinHash signatures for a whole batch of posts in
one numpy pass, and cut them into the bands datasketch's LSH would choose.
Both rest on names datasketch does not promise to keep: `_fmix` (the
MurmurHash3 finaliser it applies before its affine permutations) and
`_optimal_param` (its choice of bands and rows). They are reached here and
nowhere else, so an upgrade of datasketch means reading this one file;
pyproject.toml pins datasketch to the releases listed in TESTED_WITH, and
tests/test_datasketch_internals.py fails when the installed release is not
one of them or when these helpers no longer agree with datasketch's public
MinHash and MinHashLSH.

datasketch imports scipy (about half a second), so it is imported by the
functions here when they are first called, never by importing this module.
"""
from __future__ import annotations

from typing import Any

# datasketch releases these helpers were checked against (pyproject pins them).
TESTED_WITH = ("2.0.0",)


def version() -> str:
    from importlib.metadata import version as dist_version

    return dist_version("datasketch")


def fmix(hv: Any, width: int) -> Any:
    """datasketch's MurmurHash3 finaliser over an array of unsigned ints of
    `width` bits (32 for the affine32 scheme), as its MinHash.update applies
    it to hashed values before the permutations."""
    from datasketch.minhash import _fmix

    return _fmix(hv, width)


def optimal_param(threshold: float, num_perm: int, false_positive_weight: float,
                  false_negative_weight: float) -> tuple[int, int]:
    """The (bands, rows per band) MinHashLSH would choose for this threshold
    and these weights."""
    from datasketch.lsh import _optimal_param

    bands, rows = _optimal_param(threshold, num_perm, false_positive_weight, false_negative_weight)
    return int(bands), int(rows)


def affine32_permutations(num_perm: int, seed: int) -> tuple[Any, Any]:
    """The (a, b) arrays of MinHash(num_perm, seed, scheme="affine32")."""
    from datasketch import MinHash

    a, b = MinHash(num_perm=num_perm, seed=seed, scheme="affine32").permutations
    return a, b
