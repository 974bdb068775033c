"""Outlier treatment following COINr's default ``Treat()`` rule.

An indicator *fails* when ``|skewness| > 2`` **and** ``kurtosis > 3.5``, with the
sample-adjusted moments of Excel / ``e1071`` type 2 (as COINr):

``G1 = sqrt(n (n-1)) / (n-2) * m3 / m2^(3/2)``

``G2 = (n-1) / ((n-2)(n-3)) * ((n+1) m4 / m2^2 - 3 (n-1))`` (excess kurtosis)

where ``m_k = mean((x - mean x)^k)``.

A failing indicator is winsorised one extreme at a time: with positive skew the highest
value(s) are set to the next highest value, with negative skew the lowest to the next
lowest; the moments are rechecked after each step, up to ``max_winsorised`` points. If
the indicator still fails, winsorising is undone and the original values are
log-transformed instead (COINr's ``log_CT``):

``y = ln(x - min x + 0.01 (max x - min x))`` for positive skew, and the mirror image
``y = -ln(max x - x + 0.01 (max x - min x))`` for negative skew (so the order of units
is kept and the long tail is the one compressed).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

import numpy as np
from numpy.typing import NDArray

FloatArray = NDArray[np.float64]


@dataclass(frozen=True)
class OutlierOptions:
    """Thresholds of the skewness/kurtosis rule and the winsorisation limit."""

    max_winsorised: int = 5
    skewness_threshold: float = 2.0
    kurtosis_threshold: float = 3.5
    log_fallback: bool = True


class TreatmentKind(StrEnum):
    """What happened to one indicator."""

    NONE = "none"  # passed the check (or too few values to judge)
    WINSORISED = "winsorised"
    LOG = "log"
    FAILED = "failed"  # winsorised to the limit, still failing, no log fallback
    SKIPPED = "skipped"  # not eligible (e.g. goalposts in raw units)


@dataclass(frozen=True, eq=False)
class OutlierTreatment:
    """The treated column of one indicator and what was done to it."""

    indicator: str
    kind: TreatmentKind
    values: FloatArray
    skewness_before: float
    kurtosis_before: float
    skewness_after: float
    kurtosis_after: float
    winsorised_rows: tuple[int, ...] = ()


def skewness(x: FloatArray) -> float:
    """Sample skewness G1 (type 2) of the observed values; NaN with fewer than 3."""
    obs = np.asarray(x, dtype=np.float64)
    obs = obs[~np.isnan(obs)]
    n = obs.size
    if n < 3:
        return float("nan")
    dev = obs - obs.mean()
    m2 = float(np.mean(dev**2))
    if m2 == 0:
        return 0.0
    m3 = float(np.mean(dev**3))
    return float(np.sqrt(n * (n - 1)) / (n - 2) * m3 / m2**1.5)


def kurtosis(x: FloatArray) -> float:
    """Sample excess kurtosis G2 (type 2) of the observed values; NaN with fewer than 4."""
    obs = np.asarray(x, dtype=np.float64)
    obs = obs[~np.isnan(obs)]
    n = obs.size
    if n < 4:
        return float("nan")
    dev = obs - obs.mean()
    m2 = float(np.mean(dev**2))
    if m2 == 0:
        return 0.0
    m4 = float(np.mean(dev**4))
    return float((n - 1) / ((n - 2) * (n - 3)) * ((n + 1) * m4 / m2**2 - 3 * (n - 1)))


def column_moments(values: FloatArray) -> tuple[FloatArray, FloatArray]:
    """Skewness G1 and excess kurtosis G2 of every column at once (NaN-aware).

    Same formulas as :func:`skewness` and :func:`kurtosis`; used to screen many
    indicators quickly before treating the few that fail.
    """
    data = np.asarray(values, dtype=np.float64)
    observed = ~np.isnan(data)
    n = observed.sum(axis=0).astype(np.float64)
    safe_n = np.maximum(n, 1.0)
    mean = np.where(observed, data, 0.0).sum(axis=0) / safe_n
    dev = np.where(observed, data - mean, 0.0)
    m2 = (dev**2).sum(axis=0) / safe_n
    m3 = (dev**3).sum(axis=0) / safe_n
    m4 = (dev**4).sum(axis=0) / safe_n
    flat = m2 == 0
    with np.errstate(invalid="ignore", divide="ignore"):
        skew = np.sqrt(n * (n - 1)) / (n - 2) * m3 / np.where(flat, 1.0, m2) ** 1.5
        kurt = (
            (n - 1)
            / ((n - 2) * (n - 3))
            * ((n + 1) * m4 / np.where(flat, 1.0, m2) ** 2 - 3 * (n - 1))
        )
    skew = np.where(n < 3, np.nan, np.where(flat, 0.0, skew))
    kurt = np.where(n < 4, np.nan, np.where(flat, 0.0, kurt))
    return np.asarray(skew, dtype=np.float64), np.asarray(kurt, dtype=np.float64)


def is_outlying(x: FloatArray, options: OutlierOptions | None = None) -> bool:
    """COINr's test: ``|skewness| > threshold`` and ``kurtosis > threshold``."""
    options = options or OutlierOptions()
    skew, kurt = skewness(x), kurtosis(x)
    if np.isnan(skew) or np.isnan(kurt):
        return False
    return abs(skew) > options.skewness_threshold and kurt > options.kurtosis_threshold


def treat_outliers(
    x: FloatArray, options: OutlierOptions | None = None, indicator: str = ""
) -> OutlierTreatment:
    """Treat one indicator column (see the module docstring for the procedure)."""
    options = options or OutlierOptions()
    original = np.asarray(x, dtype=np.float64)
    skew0, kurt0 = skewness(original), kurtosis(original)

    def result(
        kind: TreatmentKind, values: FloatArray, rows: tuple[int, ...] = ()
    ) -> OutlierTreatment:
        return OutlierTreatment(
            indicator, kind, values, skew0, kurt0, skewness(values), kurtosis(values), rows
        )

    if not is_outlying(original, options):
        return result(TreatmentKind.NONE, original.copy())

    treated = original.copy()
    winsorised: set[int] = set()
    while is_outlying(treated, options) and len(winsorised) < options.max_winsorised:
        observed = ~np.isnan(treated)
        high_tail = skewness(treated) >= 0
        extreme = np.nanmax(treated) if high_tail else np.nanmin(treated)
        at_extreme = observed & (treated == extreme)
        rest = treated[observed & ~at_extreme]
        if rest.size == 0:
            break
        treated[at_extreme] = rest.max() if high_tail else rest.min()
        winsorised.update(int(i) for i in np.flatnonzero(at_extreme))

    if not is_outlying(treated, options):
        return result(TreatmentKind.WINSORISED, treated, tuple(sorted(winsorised)))
    if not options.log_fallback:
        return result(TreatmentKind.FAILED, treated, tuple(sorted(winsorised)))
    return result(TreatmentKind.LOG, log_transform(original, positive_skew=skew0 >= 0))


def log_transform(x: FloatArray, positive_skew: bool = True) -> FloatArray:
    """COINr's ``log_CT``: ``ln(x - min + 0.01 (max - min))``, mirrored for negative skew."""
    values = np.asarray(x, dtype=np.float64)
    low, high = np.nanmin(values), np.nanmax(values)
    offset = 0.01 * (high - low)
    if positive_skew:
        return np.asarray(np.log(values - low + offset), dtype=np.float64)
    return np.asarray(-np.log(high - values + offset), dtype=np.float64)
