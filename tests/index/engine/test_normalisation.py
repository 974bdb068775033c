"""Normalisation methods on hand-computed examples."""

from __future__ import annotations

import math

import numpy as np
import pytest

from hrmonitor.index.engine import (
    Categorical,
    DistanceToReference,
    DistanceToTarget,
    Goalposts,
    MinMax,
    PercentileRank,
    Rank,
    ZScore,
    normalise,
)

nan = float("nan")


def values(*xs: float) -> np.ndarray:
    return np.array(xs, dtype=np.float64)


def test_min_max_of_one_two_three_gives_zero_fifty_hundred() -> None:
    assert np.allclose(normalise(values(1, 2, 3), MinMax()) * 100, [0, 50, 100])


def test_min_max_reverses_an_indicator_where_less_is_better() -> None:
    assert np.allclose(normalise(values(1, 2, 3), MinMax(), direction=-1), [1, 0.5, 0])


def test_min_max_maps_onto_a_chosen_interval() -> None:
    assert np.allclose(normalise(values(1, 2, 3), MinMax(0.1, 1.0)), [0.1, 0.55, 1.0])


def test_min_max_of_a_constant_indicator_is_mid_scale() -> None:
    assert np.allclose(normalise(values(4, 4, 4), MinMax()), [0.5, 0.5, 0.5])


def test_missing_values_stay_missing_and_do_not_shift_the_others() -> None:
    out = normalise(values(1, nan, 3), MinMax())
    assert out[0] == 0 and math.isnan(out[1]) and out[2] == 1


def test_goalposts_scale_between_the_posts() -> None:
    assert np.allclose(normalise(values(20, 52.5, 85), Goalposts(20, 85)), [0, 0.5, 1])


def test_goalposts_cap_values_above_the_maximum() -> None:
    assert np.allclose(normalise(values(90, 10), Goalposts(20, 85)), [1.0, 0.0])


def test_goalposts_without_cap_let_values_exceed_the_scale() -> None:
    assert np.allclose(normalise(values(90), Goalposts(20, 85, cap=False)), [70 / 65])


def test_log_goalposts_put_the_geometric_midpoint_at_one_half() -> None:
    midpoint = math.sqrt(100 * 75_000)
    out = normalise(values(midpoint, 80_000, 100), Goalposts(100, 75_000, log=True))
    assert np.allclose(out, [0.5, 1.0, 0.0])


def test_goalposts_of_a_negative_indicator_reward_reaching_the_minimum() -> None:
    assert np.allclose(normalise(values(2, 0, 10), Goalposts(0, 10), direction=-1), [0.8, 1, 0])


def test_z_score_uses_the_sample_standard_deviation() -> None:
    assert np.allclose(normalise(values(1, 2, 3), ZScore()), [-1, 0, 1])
    assert np.allclose(normalise(values(1, 2, 3), ZScore(mean=10, sd=2)), [8, 10, 12])


def test_rank_divides_competition_ranks_by_the_number_of_units() -> None:
    assert np.allclose(normalise(values(10, 30, 20, 30), Rank()), [0.25, 0.75, 0.5, 0.75])


def test_percentile_rank_puts_the_worst_at_zero_and_the_best_at_one() -> None:
    out = normalise(values(10, 30, 20, 30), PercentileRank())
    assert np.allclose(out, [0, 2 / 3, 1 / 3, 2 / 3])


def test_distance_to_target_caps_units_beyond_the_target() -> None:
    x = values(0, 5, 10, 20)
    assert np.allclose(normalise(x, DistanceToTarget(10)), [0, 0.5, 1, 1])
    assert np.allclose(normalise(x, DistanceToTarget(10, cap=False)), [0, 0.5, 1, 2])


def test_distance_to_target_of_a_negative_indicator_counts_down_to_the_target() -> None:
    # Emissions: 10 is the worst observed, 2 the target; 6 is half way.
    out = normalise(values(10, 6, 2, 1), DistanceToTarget(2), direction=-1)
    assert np.allclose(out, [0, 0.5, 1, 1])


def test_distance_to_reference_gives_the_reference_unit_one() -> None:
    x, units = values(2, 4, 6), ["a", "b", "c"]
    assert np.allclose(normalise(x, DistanceToReference("b"), units=units), [0, 1, 2])
    assert np.allclose(normalise(x, DistanceToReference("b", cap=True), units=units), [0, 1, 1])


def test_distance_to_reference_needs_the_reference_to_report_a_value() -> None:
    with pytest.raises(ValueError, match="no value"):
        normalise(values(2, nan, 6), DistanceToReference("b"), units=["a", "b", "c"])


def test_categorical_scale_maps_value_bands_to_scores() -> None:
    method = Categorical(thresholds=(10, 20), scores=(0, 0.5, 1))
    assert np.allclose(normalise(values(5, 10, 15, 20, 25), method), [0, 0.5, 0.5, 1, 1])


def test_categorical_scale_rejects_mismatched_scores() -> None:
    with pytest.raises(ValueError):
        Categorical(thresholds=(10, 20), scores=(0, 1))


def test_goalposts_reject_posts_in_the_wrong_order() -> None:
    with pytest.raises(ValueError):
        Goalposts(85, 20)
