"""Imputation methods on hand-computed examples."""

from __future__ import annotations

import math

import numpy as np
import pytest

from hrmonitor.index.engine import ImputationMethod, impute

nan = float("nan")


def test_no_imputation_leaves_gaps_as_they_are() -> None:
    data = np.array([[1.0], [nan], [3.0]])
    assert math.isnan(impute(data, ImputationMethod.NONE)[1, 0])


def test_mean_imputation_fills_with_the_indicator_mean() -> None:
    data = np.array([[1.0, 5.0], [nan, 6.0], [3.0, nan]])
    out = impute(data, ImputationMethod.MEAN)
    assert out[1, 0] == 2.0 and out[2, 1] == 5.5


def test_median_imputation_fills_with_the_indicator_median() -> None:
    data = np.array([[1.0], [nan], [3.0], [10.0]])
    assert impute(data, ImputationMethod.MEDIAN)[1, 0] == 3.0


def test_group_mean_imputation_uses_the_units_own_group() -> None:
    data = np.array([[1.0], [nan], [10.0], [20.0], [nan]])
    out = impute(data, ImputationMethod.GROUP_MEAN, ["A", "A", "B", "B", "B"])
    assert out[1, 0] == 1.0 and out[4, 0] == 15.0


def test_group_median_imputation_uses_the_units_own_group() -> None:
    data = np.array([[1.0], [nan], [2.0], [10.0], [20.0], [90.0], [nan]])
    out = impute(data, ImputationMethod.GROUP_MEDIAN, ["A", "A", "A", "B", "B", "B", "B"])
    assert out[1, 0] == 1.5 and out[6, 0] == 20.0


def test_group_imputation_falls_back_to_all_units_when_the_group_has_no_value() -> None:
    data = np.array([[nan], [nan], [10.0], [20.0]])
    out = impute(data, ImputationMethod.GROUP_MEAN, ["A", "A", "B", "B"])
    assert out[0, 0] == 15.0 and out[1, 0] == 15.0


def test_an_indicator_nobody_reports_stays_missing() -> None:
    data = np.array([[nan, 1.0], [nan, 2.0]])
    assert np.isnan(impute(data, ImputationMethod.MEAN)[:, 0]).all()


def test_group_imputation_needs_groups() -> None:
    with pytest.raises(ValueError, match="groups"):
        impute(np.array([[nan], [1.0]]), ImputationMethod.GROUP_MEAN)


def test_imputation_does_not_modify_its_input() -> None:
    data = np.array([[1.0], [nan]])
    impute(data, ImputationMethod.MEAN)
    assert math.isnan(data[1, 0])
