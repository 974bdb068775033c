"""Ranks of units by score.

Ties get "competition" ranks (the ``min`` method, "1224" ranking): the rank of unit ``i``
is ``1 + #{j : s_j > s_i}``, so two units sharing second place are both 2nd and the next
one is 4th. Higher scores rank first. Units without a score get no rank (NaN).

Scores that differ only by floating-point noise (a relative ``1e-9`` of the largest
score) are ties: a mean of ranks or of capped values can be exactly equal for two units
on paper yet differ in the last bit depending on the order of the additions.
``decimals`` rounds the scores first, as publications rank on the rounded values they
print (UNDP ranks the HDI at three decimals).
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

FloatArray = NDArray[np.float64]

RELATIVE_TIE_TOLERANCE = 1e-9


def competition_rank(scores: FloatArray, decimals: int | None = None) -> FloatArray:
    """Rank along the last axis (works on one vector or on a batch of them)."""
    values = np.asarray(scores, dtype=np.float64)
    if decimals is not None:
        values = np.round(values, decimals)
    if values.size == 0:
        return values.copy()
    missing = np.isnan(values)
    # Sort best first; NaN (as -inf) goes last and is masked out at the end.
    keyed = np.where(missing, -np.inf, values)
    order = np.argsort(-keyed, axis=-1, kind="stable")
    ordered = np.take_along_axis(keyed, order, axis=-1)
    with np.errstate(invalid="ignore"):
        scale = np.max(np.where(np.isfinite(values), np.abs(values), 0.0), axis=-1, keepdims=True)
        gap = (ordered[..., :-1] - ordered[..., 1:]) > RELATIVE_TIE_TOLERANCE * np.maximum(
            scale, 1e-300
        )
    starts = np.concatenate([np.ones(gap.shape[:-1] + (1,), dtype=bool), gap], axis=-1)
    position = np.broadcast_to(np.arange(values.shape[-1]), values.shape)
    first_of_tie = np.maximum.accumulate(np.where(starts, position, 0), axis=-1)
    ranks = np.empty(values.shape)
    np.put_along_axis(ranks, order, first_of_tie + 1.0, axis=-1)
    return np.asarray(np.where(missing, np.nan, ranks), dtype=np.float64)
