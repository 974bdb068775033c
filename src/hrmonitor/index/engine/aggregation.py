"""Aggregation: combine the children of one node into the node's score.

All weighted means here are *power means*: with weights ``w_c`` of the children
observed for a unit,

``M_p(x) = (sum_c w_c x_c^p / sum_c w_c) ^ (1 / p)``

* arithmetic mean ``p = 1``: ``sum w x / sum w`` (fully compensatory);
* geometric mean ``p -> 0``: ``exp(sum w ln x / sum w)`` (HDI; a poor score is only
  partly compensated; any zero child makes the result zero);
* harmonic mean ``p = -1``: ``sum w / sum (w / x)`` (even less compensatory);
* generalised mean: any ``p``.

Missing children (NaN) are skipped and the weights of the observed ones re-normalised,
so a unit is scored on what it reports; a unit with no observed child gets NaN.

Copeland is the non-compensatory multi-criteria method of the OECD/JRC Handbook
(section 6.2): unit ``a`` beats unit ``b`` when the total weight of the children in which
``a`` is better exceeds the weight of those in which ``b`` is better (children missing
for either unit don't vote). The Copeland score is ``wins - losses`` over all other
units, rescaled to the 0-1 scale as ``(score + (n - 1)) / (2 (n - 1))``.

Every kernel accepts a batch of weight vectors so the Monte Carlo can aggregate
thousands of weight perturbations in one call; the pipeline uses the same kernels with a
batch of one, so a Monte Carlo run with nominal settings reproduces the pipeline exactly.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

FloatArray = NDArray[np.float64]


@dataclass(frozen=True)
class Arithmetic:
    """Weighted arithmetic mean ``sum w x / sum w``."""


@dataclass(frozen=True)
class Geometric:
    """Weighted geometric mean ``exp(sum w ln x / sum w) = prod x^(w / sum w)``."""


@dataclass(frozen=True)
class Harmonic:
    """Weighted harmonic mean ``sum w / sum (w / x)``."""


@dataclass(frozen=True)
class GeneralisedMean:
    """Weighted power mean ``(sum w x^p / sum w)^(1/p)``; ``p = 0`` is the geometric mean."""

    power: float


@dataclass(frozen=True)
class Copeland:
    """Weighted Copeland pairwise-majority count, rescaled to the 0-1 scale."""


Aggregation = Arithmetic | Geometric | Harmonic | GeneralisedMean | Copeland


def power_of(method: Aggregation) -> float | None:
    """The exponent ``p`` of a power mean, or ``None`` for Copeland."""
    match method:
        case Arithmetic():
            return 1.0
        case Geometric():
            return 0.0
        case Harmonic():
            return -1.0
        case GeneralisedMean(power=power):
            return float(power)
        case Copeland():
            return None
    raise TypeError(f"unknown aggregation {method!r}")  # pragma: no cover


def aggregate(values: FloatArray, weights: FloatArray, method: Aggregation) -> FloatArray:
    """Aggregate a units x children matrix into one score per unit.

    ``weights`` has one entry per child; they need not sum to one.
    """
    x = np.asarray(values, dtype=np.float64)
    if x.ndim != 2:
        raise ValueError("values must be a units x children matrix")
    w = np.asarray(weights, dtype=np.float64).reshape(1, -1)
    return np.asarray(aggregate_batch(x[np.newaxis], w, method)[0], dtype=np.float64)


def aggregate_batch(values: FloatArray, weights: FloatArray, method: Aggregation) -> FloatArray:
    """Aggregate for a batch of weight vectors.

    ``values`` is ``(B, n, c)`` with ``B`` either 1 (children shared by every weight
    vector, e.g. normalised indicators) or ``S``; ``weights`` is ``(S, c)``.
    Returns ``(S, n)``.
    """
    if values.ndim != 3 or weights.ndim != 2 or values.shape[2] != weights.shape[1]:
        raise ValueError("values must be (B, n, c) and weights (S, c)")
    if values.shape[0] not in (1, weights.shape[0]):
        raise ValueError("values batch must be 1 or match the weights batch")
    if np.any(weights < 0):
        raise ValueError("weights must be non-negative")
    power = power_of(method)
    if power is None:
        return _copeland_batch(values, weights)
    return _power_mean_batch(values, weights, power)


def _weighted_sum(terms: FloatArray, weights: FloatArray) -> FloatArray:
    """``sum_c terms[b, n, c] * weights[s, c]`` as ``(S, n)``, via BLAS."""
    if terms.shape[0] == 1:
        return np.asarray((terms[0] @ weights.T).T, dtype=np.float64)
    return np.asarray((terms @ weights[:, :, np.newaxis])[:, :, 0], dtype=np.float64)


def _power_mean_batch(values: FloatArray, weights: FloatArray, power: float) -> FloatArray:
    observed = ~np.isnan(values)
    if power != 1.0 and np.any(values[observed] < 0):
        raise ValueError(
            "geometric, harmonic and generalised means need non-negative values; "
            "use a normalisation that stays on the 0-1 scale"
        )
    filled = np.where(observed, values, 1.0)
    with np.errstate(over="ignore", divide="ignore"):
        if power == 1.0:
            terms = filled
        elif power == 0.0:
            terms = np.log(filled)
        else:
            terms = filled**power
    # For p <= 0 a child at zero (or so close that x^p overflows) makes the mean zero,
    # its limit. Such children are counted apart so that no infinity enters the matrix
    # products (where 0 * inf would turn into NaN).
    degenerate = observed & ~np.isfinite(terms) if power <= 0 else np.zeros_like(observed)
    terms = np.where(observed & ~degenerate, terms, 0.0)

    numerator = _weighted_sum(terms, weights)
    denominator = _weighted_sum(observed.astype(np.float64), weights)
    with np.errstate(invalid="ignore", divide="ignore", over="ignore"):
        mean = numerator / denominator
        if power == 1.0:
            result = mean
        elif power == 0.0:
            result = np.exp(mean)
        else:
            result = mean ** (1.0 / power)
    if degenerate.any():
        positive = (weights > 0).astype(np.float64)
        hits = _weighted_sum(degenerate.astype(np.float64), positive)
        result = np.where(hits > 0, 0.0, result)
    return np.asarray(np.where(denominator > 0, result, np.nan), dtype=np.float64)


def _copeland_batch(values: FloatArray, weights: FloatArray) -> FloatArray:
    n_samples = weights.shape[0]
    if values.shape[0] == 1:
        score = _copeland_shared(values[0], weights)
    else:
        n_units = values.shape[1]
        score = np.empty((n_samples, n_units))
        # Sub-batches keep the (s, n, n) work arrays small enough to stay in cache.
        chunk = max(1, min(256, 500_000 // (n_units * n_units)))
        for start in range(0, n_samples, chunk):
            part = slice(start, start + chunk)
            score[part] = _copeland_per_sample(values[part], weights[part])

    has_value = (~np.isnan(values)).any(axis=2)  # (B, n)
    n_valid = has_value.sum(axis=1, keepdims=True)  # (B, 1)
    with np.errstate(invalid="ignore", divide="ignore"):
        scaled = np.where(n_valid > 1, (score + (n_valid - 1)) / (2.0 * (n_valid - 1)), 0.5)
    return np.asarray(
        np.where(np.broadcast_to(has_value, score.shape), scaled, np.nan), dtype=np.float64
    )


def _tie_tolerance(weights: FloatArray) -> FloatArray:
    # Exact weight ties (e.g. equal weights, one win and one loss) must count as ties,
    # not as wins decided by rounding noise.
    return np.asarray(1e-12 * weights.sum(axis=1), dtype=np.float64)


def _value_tolerance(values: FloatArray) -> float:
    # Children that are equal on paper (e.g. two aggregates of the same ranks) can differ
    # in the last bits depending on the order of additions; that is a tie, not a win.
    finite = np.abs(values[np.isfinite(values)])
    return 1e-9 * float(finite.max()) if finite.size else 0.0


def _copeland_shared(values: FloatArray, weights: FloatArray) -> FloatArray:
    """Copeland scores ``(S, n)`` when the children's values are shared by all samples.

    Which unit is better on each child does not depend on the weights, so each pair
    ``(a, b)`` gets its vector of signs over the children once. Many pairs share a sign
    pattern (there are at most ``(3^c - 1) / 2`` up to a flip), so each sample's margin
    is computed per distinct pattern, ``margin = w . pattern``, and the scores follow
    from one matrix product with the pattern-to-unit incidence counts.
    """
    n_units = values.shape[0]
    first, second = np.triu_indices(n_units, k=1)
    # NaN compares False both ways: a missing value never wins nor loses.
    tolerance = _value_tolerance(values)
    sign = (values[first] > values[second] + tolerance).astype(np.float64)
    sign -= values[first] < values[second] - tolerance
    # Canonical form: first non-zero sign positive; ``lead`` remembers the flip.
    nonzero = sign != 0
    lead = sign[np.arange(first.size), np.argmax(nonzero, axis=1)]
    keep = lead != 0  # all-zero patterns are ties whatever the weights
    patterns, inverse = np.unique(sign[keep] * lead[keep, np.newaxis], axis=0, return_inverse=True)
    incidence = np.zeros((patterns.shape[0], n_units))
    np.add.at(incidence, (inverse.ravel(), first[keep]), lead[keep])
    np.add.at(incidence, (inverse.ravel(), second[keep]), -lead[keep])
    if patterns.shape[0] == 0:
        return np.zeros((weights.shape[0], n_units))
    margin = weights @ patterns.T  # (S, patterns)
    weight_tolerance = _tie_tolerance(weights)[:, np.newaxis]
    outcome = (margin > weight_tolerance).astype(np.float64)
    outcome -= margin < -weight_tolerance
    return np.asarray(outcome @ incidence, dtype=np.float64)


def _copeland_per_sample(values: FloatArray, weights: FloatArray) -> FloatArray:
    """Copeland scores ``(S, n)`` when every sample has its own children's values.

    ``G[s, a, b]`` is the weight of the children on which ``a`` beats ``b``; ``a`` wins
    the pair when ``G[a, b] > G[b, a]``.
    """
    n_samples, n_units, n_children = values.shape
    beats = np.zeros((n_samples, n_units, n_units))
    value_tolerance = _value_tolerance(values)
    for child in range(n_children):
        column = values[:, :, child]
        better = column[:, :, np.newaxis] > column[:, np.newaxis, :] + value_tolerance
        beats += better * weights[:, child, np.newaxis, np.newaxis]
    tolerance = _tie_tolerance(weights)[:, np.newaxis, np.newaxis]
    wins = beats > beats.transpose(0, 2, 1) + tolerance
    return np.asarray(
        np.count_nonzero(wins, axis=2) - np.count_nonzero(wins, axis=1), dtype=np.float64
    )


def copeland_scores(values: FloatArray, weights: FloatArray) -> NDArray[np.int64]:
    """Raw Copeland scores ``wins - losses`` (before rescaling), one per unit."""
    x = np.asarray(values, dtype=np.float64)
    w = np.asarray(weights, dtype=np.float64).reshape(1, -1)
    scores: NDArray[np.int64] = np.rint(_copeland_shared(x, w)[0]).astype(np.int64)
    return scores
