"""Outlier treatment (COINr's skewness/kurtosis rule)."""

from __future__ import annotations

import numpy as np
import scipy.stats

from hrmonitor.index.engine import (
    OutlierOptions,
    TreatmentKind,
    kurtosis,
    skewness,
    treat_outliers,
)
from hrmonitor.index.engine.outliers import column_moments, log_transform

# COINr's documentation example: 1..10 plus two outliers.
COINR_EXAMPLE = np.array([*range(1, 11), 30, 100], dtype=np.float64)
# A bulk of 60 values with a long tail of 7 points: 5 winsorised points are not enough.
LONG_TAIL = np.concatenate([np.linspace(1, 2, 60), np.arange(20.0, 27.0)])


def test_skewness_and_kurtosis_are_the_sample_adjusted_type_2_moments() -> None:
    x = np.array([1.0, 2.0, 2.5, 4.0, 9.0, 15.0])
    assert np.isclose(skewness(x), scipy.stats.skew(x, bias=False))
    assert np.isclose(kurtosis(x), scipy.stats.kurtosis(x, bias=False))


def test_column_moments_match_the_one_column_functions_with_gaps() -> None:
    data = np.array([[1.0, 3.0], [2.0, np.nan], [2.5, 4.0], [4.0, 1.0], [9.0, 8.0], [15.0, 2]])
    skew, kurt = column_moments(data)
    for j in range(2):
        assert np.isclose(skew[j], skewness(data[:, j]))
        assert np.isclose(kurt[j], kurtosis(data[:, j]))


def test_a_well_behaved_indicator_is_left_alone() -> None:
    x = np.linspace(0, 1, 20)
    result = treat_outliers(x)
    assert result.kind is TreatmentKind.NONE
    assert np.array_equal(result.values, x)


def test_winsorising_replaces_the_highest_value_by_the_next_highest() -> None:
    assert skewness(COINR_EXAMPLE) > 2 and kurtosis(COINR_EXAMPLE) > 3.5
    result = treat_outliers(COINR_EXAMPLE)
    assert result.kind is TreatmentKind.WINSORISED
    assert result.winsorised_rows == (11,)
    assert result.values[11] == 30.0
    assert abs(result.skewness_after) <= 2 or result.kurtosis_after <= 3.5


def test_winsorising_a_negative_skew_lifts_the_lowest_value() -> None:
    result = treat_outliers(-COINR_EXAMPLE)
    assert result.kind is TreatmentKind.WINSORISED
    assert result.values[11] == -30.0


def test_log_transform_is_the_fallback_when_winsorising_the_limit_does_not_suffice() -> None:
    result = treat_outliers(LONG_TAIL, OutlierOptions(max_winsorised=5))
    assert result.kind is TreatmentKind.LOG
    assert np.allclose(result.values, log_transform(LONG_TAIL))
    # The order of units is kept.
    assert np.array_equal(np.argsort(result.values, kind="stable"), np.argsort(LONG_TAIL))


def test_a_higher_winsorising_limit_can_avoid_the_log_transform() -> None:
    result = treat_outliers(LONG_TAIL, OutlierOptions(max_winsorised=7))
    assert result.kind is TreatmentKind.WINSORISED
    assert len(result.winsorised_rows) == 7


def test_without_log_fallback_a_hopeless_indicator_is_reported_as_failed() -> None:
    result = treat_outliers(LONG_TAIL, OutlierOptions(log_fallback=False))
    assert result.kind is TreatmentKind.FAILED


def test_log_transform_follows_coinr_log_ct() -> None:
    x = np.array([0.0, 1.0, 100.0])
    expected = np.log(x - 0.0 + 0.01 * 100.0)
    assert np.allclose(log_transform(x), expected)
