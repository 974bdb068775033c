"""Data checks run before anything else.

Coverage of unit ``u`` is the share of indicators it reports,
``cov_u = #{j : x_uj observed} / m``, and coverage of indicator ``j`` the share of units
reporting it, ``cov_j = #{u : x_uj observed} / n``. Anything below the threshold (65% by
default, the OECD/JRC rule of thumb that imputation and aggregation become unreliable when
more than about a third of the data are missing) is flagged. Indicators with no variation
are flagged too: they cannot discriminate between units.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

FloatArray = NDArray[np.float64]

DEFAULT_COVERAGE_THRESHOLD = 0.65


@dataclass(frozen=True, eq=False)
class DataChecks:
    """Coverage per unit and per indicator, and what fell below the threshold."""

    units: tuple[str, ...]
    indicators: tuple[str, ...]
    unit_coverage: FloatArray
    indicator_coverage: FloatArray
    threshold: float
    low_coverage_units: tuple[str, ...]
    low_coverage_indicators: tuple[str, ...]
    constant_indicators: tuple[str, ...]

    @property
    def passed(self) -> bool:
        """True when nothing was flagged."""
        return not (
            self.low_coverage_units or self.low_coverage_indicators or self.constant_indicators
        )


def check_data(
    values: FloatArray,
    units: Sequence[str],
    indicators: Sequence[str],
    threshold: float = DEFAULT_COVERAGE_THRESHOLD,
) -> DataChecks:
    """Compute coverage and flags for a units x indicators matrix."""
    data = np.asarray(values, dtype=np.float64)
    if data.shape != (len(units), len(indicators)):
        raise ValueError("values must be units x indicators")
    if not 0.0 <= threshold <= 1.0:
        raise ValueError("threshold is a share between 0 and 1")
    observed = ~np.isnan(data)
    unit_coverage = observed.mean(axis=1) if data.shape[1] else np.zeros(len(units))
    indicator_coverage = observed.mean(axis=0) if data.shape[0] else np.zeros(len(indicators))
    constant = [
        code
        for j, code in enumerate(indicators)
        if observed[:, j].sum() > 1 and np.nanmin(data[:, j]) == np.nanmax(data[:, j])
    ]
    return DataChecks(
        units=tuple(units),
        indicators=tuple(indicators),
        unit_coverage=unit_coverage.astype(np.float64),
        indicator_coverage=indicator_coverage.astype(np.float64),
        threshold=threshold,
        low_coverage_units=tuple(
            u for u, c in zip(units, unit_coverage, strict=True) if c < threshold
        ),
        low_coverage_indicators=tuple(
            i for i, c in zip(indicators, indicator_coverage, strict=True) if c < threshold
        ),
        constant_indicators=tuple(constant),
    )
