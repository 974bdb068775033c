"""Normalisation: bring indicators measured in different units onto one common scale.

Every method works on one indicator column ``x`` (NaN = missing). Missing values stay
missing. Unless said otherwise the output lies on the engine's common 0-1 scale, 1 being
the best performance, so the results can later be multiplied by 100 for display.

The indicator's *direction* ``d`` (+1 when more is better, -1 when less is better) is
applied by working on ``x' = d * x`` for the data-driven methods, the way COINr does, so
that the best unit always ends at the top of the scale.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray
from scipy.stats import rankdata

FloatArray = NDArray[np.float64]


@dataclass(frozen=True)
class MinMax:
    """Min-max scaling onto ``[lower, upper]`` (default ``[0, 1]``).

    ``y = lower + (upper - lower) * (x' - min x') / (max x' - min x')``

    An indicator with no variation carries no information; every unit then gets the
    middle of the interval so the indicator does not move anyone in the aggregation.
    A ``lower`` above 0 (e.g. 0.01) keeps geometric aggregation away from zero.
    """

    lower: float = 0.0
    upper: float = 1.0

    def __post_init__(self) -> None:
        if not self.lower < self.upper:
            raise ValueError("MinMax needs lower < upper")


@dataclass(frozen=True)
class Goalposts:
    """Fixed goalposts, as in the HDI: ``y = (x - minimum) / (maximum - minimum)``.

    With ``log=True`` the natural logarithm is taken first (the HDI income index):
    ``y = (ln x - ln minimum) / (ln maximum - ln minimum)``.

    With ``cap=True`` (the default) ``x`` is first clipped to ``[minimum, maximum]``, so
    values beyond the goalposts score exactly 0 or 1 (UNDP caps GNI per capita at
    75,000 and expected years of schooling at 18). For ``direction = -1`` the score is
    ``1 - y``: reaching ``minimum`` is then the best outcome.
    """

    minimum: float
    maximum: float
    log: bool = False
    cap: bool = True

    def __post_init__(self) -> None:
        if not self.minimum < self.maximum:
            raise ValueError("Goalposts need minimum < maximum")
        if self.log and self.minimum <= 0:
            raise ValueError("log goalposts need a positive minimum")


@dataclass(frozen=True)
class ZScore:
    """Standardisation: ``y = mean + sd * (x' - mean(x')) / s(x')``.

    ``s`` is the sample standard deviation (n - 1 denominator, as R's ``sd``). The output
    is unbounded, so it is *not* on the 0-1 scale; choose ``mean``/``sd`` (e.g. 10 and 2,
    or 50 and 10) so values stay positive if a geometric or harmonic mean follows.
    """

    mean: float = 0.0
    sd: float = 1.0

    def __post_init__(self) -> None:
        if not self.sd > 0:
            raise ValueError("ZScore needs sd > 0")


@dataclass(frozen=True)
class Rank:
    """Ranking: ``y = r(x') / n`` where ``r`` is the rank with ties sharing the lowest
    rank (1 = lowest value, n = highest), and ``n`` the number of observed units.

    Dividing by ``n`` puts the plain OECD "ranking" method on the 0-1 scale (the best
    unit scores 1); only the ordering of units is kept.
    """


@dataclass(frozen=True)
class PercentileRank:
    """Percentile rank (COINr ``n_prank``): ``y = (r(x') - 1) / (n - 1)``, ``r`` the rank
    with ties sharing the lowest rank. The worst unit scores 0 and the best 1.
    """


@dataclass(frozen=True)
class DistanceToTarget:
    """Distance to a target (COINr ``n_dist2targ``):
    ``y = (x' - min x') / (t' - min x')`` with ``t' = d * target``.

    Units at or beyond the target score 1 when ``cap=True`` (default), more than 1
    otherwise. If every unit already meets the target they all score 1.
    """

    target: float
    cap: bool = True


@dataclass(frozen=True)
class DistanceToReference:
    """Distance to a reference unit (COINr ``n_dist2ref``): like :class:`DistanceToTarget`
    with the target being the reference unit's own value, ``y = (x' - min x') /
    (x'_ref - min x')``. The reference unit scores 1; better units score more than 1
    unless ``cap=True``.
    """

    unit: str
    cap: bool = False


@dataclass(frozen=True)
class Categorical:
    """Categorical scale: value bands mapped to scores.

    With thresholds ``t_1 < ... < t_k`` and scores ``s_0, ..., s_k`` (one more score than
    thresholds): ``y = s_j`` where ``j = #{i : t_i <= x}``, i.e. ``x < t_1`` scores
    ``s_0`` and ``x >= t_k`` scores ``s_k``. Scores are on the 0-1 scale and are used as
    given: they already say which end is better, so the direction is not applied.
    """

    thresholds: tuple[float, ...]
    scores: tuple[float, ...]

    def __post_init__(self) -> None:
        if len(self.scores) != len(self.thresholds) + 1:
            raise ValueError("Categorical needs exactly one more score than thresholds")
        if any(b <= a for a, b in zip(self.thresholds, self.thresholds[1:], strict=False)):
            raise ValueError("Categorical thresholds must be strictly increasing")
        if any(not 0.0 <= s <= 1.0 for s in self.scores):
            raise ValueError("Categorical scores must lie on the 0-1 scale")


Normalisation = (
    MinMax
    | Goalposts
    | ZScore
    | Rank
    | PercentileRank
    | DistanceToTarget
    | DistanceToReference
    | Categorical
)

#: Methods whose parameters are expressed in the indicator's raw unit. Treating outliers
#: (winsorising or log-transforming) before them would break that unit, so the pipeline
#: leaves such indicators untreated.
ABSOLUTE_METHODS: tuple[type, ...] = (Goalposts, DistanceToTarget, Categorical)


def normalise(
    x: FloatArray,
    method: Normalisation,
    direction: int = 1,
    units: Sequence[str] | None = None,
) -> FloatArray:
    """Normalise one indicator column with ``method`` (see each method's formula).

    ``units`` is only needed by :class:`DistanceToReference` to find the reference row.
    """
    if direction not in (1, -1):
        raise ValueError("direction must be +1 or -1")
    values = np.asarray(x, dtype=np.float64)
    observed = ~np.isnan(values)
    out = np.full(values.shape, np.nan)
    if not observed.any():
        return out
    signed = values * direction
    obs = signed[observed]

    match method:
        case MinMax(lower=lower, upper=upper):
            low, high = obs.min(), obs.max()
            if high == low:
                out[observed] = (lower + upper) / 2
            else:
                out[observed] = lower + (upper - lower) * (obs - low) / (high - low)
        case Goalposts():
            out[observed] = _goalposts(values[observed], method, direction)
        case ZScore(mean=mean, sd=sd):
            spread = obs.std(ddof=1) if obs.size > 1 else 0.0
            if spread == 0:
                out[observed] = mean
            else:
                out[observed] = mean + sd * (obs - obs.mean()) / spread
        case Rank():
            out[observed] = rankdata(obs, method="min") / obs.size
        case PercentileRank():
            if obs.size == 1:
                out[observed] = 0.5
            else:
                out[observed] = (rankdata(obs, method="min") - 1) / (obs.size - 1)
        case DistanceToTarget(target=target, cap=cap):
            out[observed] = _distance_to(obs, target * direction, cap)
        case DistanceToReference(unit=unit, cap=cap):
            if units is None or unit not in units:
                raise ValueError(f"reference unit {unit!r} is not among the units")
            reference = signed[list(units).index(unit)]
            if np.isnan(reference):
                raise ValueError(f"reference unit {unit!r} has no value for this indicator")
            out[observed] = _distance_to(obs, float(reference), cap)
        case Categorical(thresholds=thresholds, scores=scores):
            bands = np.searchsorted(np.asarray(thresholds), values[observed], side="right")
            out[observed] = np.asarray(scores, dtype=np.float64)[bands]
        case _:  # pragma: no cover - guarded by the type checker
            raise TypeError(f"unknown normalisation {method!r}")
    return out


def _goalposts(x: FloatArray, method: Goalposts, direction: int) -> FloatArray:
    low, high = method.minimum, method.maximum
    if method.cap:
        x = np.clip(x, low, high)
    if method.log:
        if np.any(x <= 0):
            raise ValueError("log goalposts need positive values")
        scaled = (np.log(x) - np.log(low)) / (np.log(high) - np.log(low))
    else:
        scaled = (x - low) / (high - low)
    return np.asarray(scaled if direction == 1 else 1.0 - scaled, dtype=np.float64)


def _distance_to(obs: FloatArray, target: float, cap: bool) -> FloatArray:
    low = obs.min()
    if target <= low:
        # Everyone already meets the target: nobody has any distance left to cover.
        return np.ones_like(obs)
    scaled = (obs - low) / (target - low)
    return np.minimum(scaled, 1.0) if cap else scaled


def normalise_matrix(
    values: FloatArray,
    methods: Sequence[Normalisation],
    directions: Sequence[int],
    units: Sequence[str] | None = None,
) -> FloatArray:
    """Normalise every column of a units x indicators matrix with its own method."""
    out = np.empty_like(np.asarray(values, dtype=np.float64))
    for j, (method, direction) in enumerate(zip(methods, directions, strict=True)):
        out[:, j] = normalise(values[:, j], method, direction, units)
    return out
