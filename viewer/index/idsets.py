"""Which of many post ids are among a sorted set of them.

`np.isin` sorts both arrays together: at ten million documents that is a
few hundred megabytes of temporary arrays at the very end of an import,
when the commit asks which documents belong to the posts it changed. A
binary search of each value, a slice at a time, needs memory for the slice
only.
"""
from __future__ import annotations

import numpy as np

SLICE = 1 << 20


def member_mask(values: np.ndarray, sorted_ids: np.ndarray) -> np.ndarray:
    """`values[i] in sorted_ids` for each i; `sorted_ids` sorted and unique."""
    out = np.zeros(values.shape[0], dtype=bool)
    if not sorted_ids.size:
        return out
    last = sorted_ids.size - 1
    for lo in range(0, values.shape[0], SLICE):
        part = values[lo:lo + SLICE]
        at = np.searchsorted(sorted_ids, part)
        np.minimum(at, last, out=at)
        out[lo:lo + part.shape[0]] = sorted_ids[at] == part
    return out
