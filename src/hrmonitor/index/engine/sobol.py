"""Variance-based sensitivity analysis: Sobol' indices by the Saltelli design.

Two independent ``N x k`` matrices ``A`` and ``B`` of inputs in ``[0, 1)`` are taken from
one scrambled Sobol' sequence of dimension ``2k`` (``A`` the first ``k`` columns, ``B``
the last ``k``). ``A_B^(i)`` is ``A`` with its column ``i`` taken from ``B``. The model is
run on ``A``, ``B`` and every ``A_B^(i)``: ``N (k + 2)`` runs.

With ``V = Var(f(A), f(B))`` the output variance (both samples pooled):

* first-order index, Saltelli et al. (2010) eq. (b) of Table 2:
  ``S_i = (1/N) sum_j f(B)_j (f(A_B^(i))_j - f(A)_j) / V``
* total-order index, Jansen (1999), Table 2 eq. (f) in Saltelli et al. (2010):
  ``S_Ti = (1/(2N)) sum_j (f(A)_j - f(A_B^(i))_j)^2 / V``

The outputs are centred on their pooled mean first, which leaves the estimators'
expectations unchanged and makes the first-order one much less noisy when the output
has a large mean. ``S_i`` is the share of the output variance due to input ``i`` alone
and ``S_Ti`` that due to ``i`` including all its interactions. Confidence intervals are percentile
intervals of a bootstrap over the ``N`` rows (resampling the rows of ``A``, ``B`` and
every ``A_B^(i)`` together).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray
from scipy.stats import qmc

FloatArray = NDArray[np.float64]


@dataclass(frozen=True, eq=False)
class SaltelliDesign:
    """The ``A`` and ``B`` sample matrices of a Saltelli design (inputs in ``[0, 1)``)."""

    a: FloatArray
    b: FloatArray

    @property
    def n_base(self) -> int:
        """``N``, the number of rows of ``A`` (and of ``B``)."""
        return int(self.a.shape[0])

    @property
    def n_inputs(self) -> int:
        """``k``, the number of uncertain inputs."""
        return int(self.a.shape[1])

    def ab(self, i: int) -> FloatArray:
        """``A_B^(i)``: ``A`` with column ``i`` from ``B``."""
        mixed = self.a.copy()
        mixed[:, i] = self.b[:, i]
        return mixed

    def stacked(self) -> FloatArray:
        """All ``N (k + 2)`` runs: ``A``, then ``B``, then ``A_B^(1)`` ... ``A_B^(k)``."""
        return np.vstack([self.a, self.b, *(self.ab(i) for i in range(self.n_inputs))])


def saltelli_design(n_base: int, n_inputs: int, seed: int = 0) -> SaltelliDesign:
    """A Saltelli design from a scrambled Sobol' sequence seeded with ``seed``.

    The sequence is drawn in a power-of-two block (where its balance properties hold)
    and its first ``n_base`` points kept.
    """
    if n_base < 2 or n_inputs < 1:
        raise ValueError("need at least 2 base samples and 1 input")
    sampler = _sobol_sampler(2 * n_inputs, seed)
    points = sampler.random_base2(math.ceil(math.log2(n_base)))[:n_base]
    return SaltelliDesign(points[:, :n_inputs].copy(), points[:, n_inputs:].copy())


def _sobol_sampler(dimension: int, seed: int) -> qmc.Sobol:
    generator = np.random.default_rng(seed)
    try:
        return qmc.Sobol(d=dimension, scramble=True, rng=generator)
    except TypeError:  # SciPy < 1.15 names the argument ``seed``
        return qmc.Sobol(d=dimension, scramble=True, seed=generator)


@dataclass(frozen=True, eq=False)
class SobolIndices:
    """First-order and total Sobol' indices with bootstrap confidence intervals."""

    inputs: tuple[str, ...]
    first_order: FloatArray
    total: FloatArray
    first_order_interval: FloatArray  # (k, 2): lower and upper bound
    total_interval: FloatArray
    variance: float
    confidence: float

    def as_dict(self) -> dict[str, dict[str, float]]:
        """``{input: {"first_order", "first_order_low", ..., "total_high"}}``."""
        return {
            name: {
                "first_order": float(self.first_order[i]),
                "first_order_low": float(self.first_order_interval[i, 0]),
                "first_order_high": float(self.first_order_interval[i, 1]),
                "total": float(self.total[i]),
                "total_low": float(self.total_interval[i, 0]),
                "total_high": float(self.total_interval[i, 1]),
            }
            for i, name in enumerate(self.inputs)
        }


def estimate_indices(
    y_a: FloatArray, y_b: FloatArray, y_ab: FloatArray
) -> tuple[FloatArray, FloatArray]:
    """First-order and total indices (Saltelli 2010 / Jansen) for outputs of any shape.

    ``y_a`` and ``y_b`` are ``(N, ...)``, ``y_ab`` is ``(k, N, ...)``; returns two
    ``(k, ...)`` arrays. An output that never varies gets NaN indices.
    """
    pooled = np.concatenate([y_a, y_b], axis=0)
    variance = pooled.var(axis=0, ddof=1)
    # Centring changes no index in expectation but removes the error term proportional
    # to the output's mean from the first-order estimator (as SALib does).
    centre = pooled.mean(axis=0)
    y_a, y_b, y_ab = y_a - centre, y_b - centre, y_ab - centre
    with np.errstate(invalid="ignore", divide="ignore"):
        first = np.mean(y_b[np.newaxis] * (y_ab - y_a[np.newaxis]), axis=1) / variance
        total = 0.5 * np.mean((y_a[np.newaxis] - y_ab) ** 2, axis=1) / variance
    zero = variance == 0
    return (
        np.asarray(np.where(zero, np.nan, first), dtype=np.float64),
        np.asarray(np.where(zero, np.nan, total), dtype=np.float64),
    )


def sobol_indices(
    y_a: FloatArray,
    y_b: FloatArray,
    y_ab: FloatArray,
    inputs: Sequence[str] | None = None,
    n_bootstrap: int = 500,
    confidence: float = 0.95,
    seed: int = 0,
) -> SobolIndices:
    """Sobol' indices of a scalar output from runs on ``A`` (``y_a``, shape ``(N,)``),
    ``B`` (``y_b``) and the ``A_B^(i)`` (``y_ab``, shape ``(k, N)``), with bootstrap
    percentile intervals at ``confidence``.
    """
    y_a = np.asarray(y_a, dtype=np.float64)
    y_b = np.asarray(y_b, dtype=np.float64)
    y_ab = np.asarray(y_ab, dtype=np.float64)
    k, n = y_ab.shape
    if y_a.shape != (n,) or y_b.shape != (n,):
        raise ValueError("y_a and y_b must have one value per base sample")
    names = tuple(inputs) if inputs is not None else tuple(f"x{i + 1}" for i in range(k))
    if len(names) != k:
        raise ValueError("one input name per row of y_ab")
    first, total = estimate_indices(y_a, y_b, y_ab)

    rng = np.random.default_rng(seed)
    boot_first = np.empty((k, n_bootstrap))
    boot_total = np.empty((k, n_bootstrap))
    chunk = max(1, 2_000_000 // max(1, n * (k + 2)))  # bounds the memory of one chunk
    for start in range(0, n_bootstrap, chunk):
        rows = rng.integers(0, n, size=(min(chunk, n_bootstrap - start), n))
        f, t = estimate_indices(y_a[rows].T, y_b[rows].T, np.swapaxes(y_ab[:, rows], 1, 2))
        boot_first[:, start : start + rows.shape[0]] = f
        boot_total[:, start : start + rows.shape[0]] = t
    tail = (1.0 - confidence) / 2 * 100
    first_ci = _percentiles(boot_first, tail)
    total_ci = _percentiles(boot_total, tail)
    pooled_variance = float(np.concatenate([y_a, y_b]).var(ddof=1))
    return SobolIndices(names, first, total, first_ci, total_ci, pooled_variance, confidence)


def _percentiles(samples: FloatArray, tail: float) -> FloatArray:
    out = np.full((samples.shape[0], 2), np.nan)
    for i, row in enumerate(samples):
        finite = row[np.isfinite(row)]
        if finite.size:
            out[i] = np.percentile(finite, [tail, 100 - tail])
    return out


def sobol_analysis(
    model: Callable[[FloatArray], FloatArray],
    n_inputs: int,
    n_base: int,
    inputs: Sequence[str] | None = None,
    seed: int = 0,
    n_bootstrap: int = 500,
    confidence: float = 0.95,
) -> SobolIndices:
    """Run a vectorised ``model`` (rows of inputs in ``[0, 1)`` -> one output per row) on
    a Saltelli design and estimate its Sobol' indices. Handy for checking the estimators
    on test functions such as Ishigami's.
    """
    design = saltelli_design(n_base, n_inputs, seed)
    y = np.asarray(model(design.stacked()), dtype=np.float64)
    n = design.n_base
    return sobol_indices(
        y[:n],
        y[n : 2 * n],
        y[2 * n :].reshape(n_inputs, n),
        inputs,
        n_bootstrap,
        confidence,
        seed,
    )
