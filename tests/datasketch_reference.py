"""datasketch, the reference our batch MinHash is checked against, and the
two private helpers of it the checks need.

viewer.patterns.text_clusters computes datasketch's affine32 MinHash for a
whole batch of posts in one numpy pass and cuts the signatures into the
bands datasketch's MinHashLSH would choose; it never imports datasketch
(scipy under it costs half a second of every import). The tests prove the
two agree, through `_fmix` (the MurmurHash3 finaliser MinHash.update applies
before its permutations) and `_optimal_param` (MinHashLSH's choice of bands
and rows): names datasketch does not promise to keep, so they are reached
here and nowhere else. pyproject.toml pins datasketch, a test dependency
only, to the releases in TESTED_WITH, and tests/test_datasketch_internals.py
fails when the installed release is another or when these helpers stop
agreeing with datasketch's public MinHash and MinHashLSH.
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
