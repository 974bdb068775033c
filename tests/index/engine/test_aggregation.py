"""Aggregation methods on hand-computed examples."""

from __future__ import annotations

import math

import numpy as np
import pytest

from hrmonitor.index.engine import (
    Arithmetic,
    Copeland,
    GeneralisedMean,
    Geometric,
    Harmonic,
    aggregate,
    copeland_scores,
)
from hrmonitor.index.engine.aggregation import aggregate_batch

nan = float("nan")


def test_arithmetic_mean_is_weighted() -> None:
    out = aggregate(np.array([[0.2, 0.4]]), np.array([1.0, 3.0]), Arithmetic())
    assert np.isclose(out[0], 0.35)


def test_geometric_mean_of_a_quarter_and_one_is_one_half() -> None:
    assert np.isclose(aggregate(np.array([[0.25, 1.0]]), np.ones(2), Geometric())[0], 0.5)


def test_weighted_geometric_mean_raises_each_child_to_its_weight_share() -> None:
    out = aggregate(np.array([[0.5, 0.125]]), np.array([2.0, 1.0]), Geometric())
    assert np.isclose(out[0], 0.5 ** (2 / 3) * 0.125 ** (1 / 3))


def test_geometric_mean_with_a_zero_child_is_zero() -> None:
    assert aggregate(np.array([[0.0, 0.9]]), np.ones(2), Geometric())[0] == 0.0


def test_harmonic_mean_of_a_half_and_a_quarter_is_a_third() -> None:
    assert np.isclose(aggregate(np.array([[0.5, 0.25]]), np.ones(2), Harmonic())[0], 1 / 3)


def test_harmonic_mean_with_a_zero_child_is_zero() -> None:
    assert aggregate(np.array([[0.0, 0.5]]), np.ones(2), Harmonic())[0] == 0.0


def test_generalised_mean_of_power_two_is_the_quadratic_mean() -> None:
    out = aggregate(np.array([[0.6, 0.8]]), np.ones(2), GeneralisedMean(2))
    assert np.isclose(out[0], math.sqrt(0.5))


def test_generalised_mean_contains_the_classic_means() -> None:
    x, w = np.array([[0.3, 0.6, 0.9]]), np.array([1.0, 2.0, 3.0])
    assert np.isclose(aggregate(x, w, GeneralisedMean(1)), aggregate(x, w, Arithmetic()))
    assert np.isclose(aggregate(x, w, GeneralisedMean(0)), aggregate(x, w, Geometric()))
    assert np.isclose(aggregate(x, w, GeneralisedMean(-1)), aggregate(x, w, Harmonic()))


def test_a_missing_child_is_skipped_and_the_weights_renormalised() -> None:
    out = aggregate(np.array([[0.2, nan, 0.6]]), np.array([1.0, 1.0, 2.0]), Arithmetic())
    assert np.isclose(out[0], (0.2 + 2 * 0.6) / 3)


def test_a_unit_missing_every_child_gets_no_score() -> None:
    assert math.isnan(aggregate(np.array([[nan, nan]]), np.ones(2), Geometric())[0])


def test_geometric_mean_refuses_negative_values() -> None:
    with pytest.raises(ValueError, match="non-negative"):
        aggregate(np.array([[-1.0, 0.5]]), np.ones(2), Geometric())


# Three units, three indicators, the classic Condorcet cycle:
#   A > B on I1 and I3, B > C on I1 and I2, C > A on I2 and I3.
CYCLE = np.array(
    [
        [3.0, 1.0, 2.0],  # A
        [2.0, 3.0, 1.0],  # B
        [1.0, 2.0, 3.0],  # C
    ]
)


def test_copeland_scores_a_condorcet_cycle_as_a_three_way_tie() -> None:
    assert list(copeland_scores(CYCLE, np.ones(3))) == [0, 0, 0]
    assert np.allclose(aggregate(CYCLE, np.ones(3), Copeland()), [0.5, 0.5, 0.5])


def test_copeland_counts_weighted_pairwise_majorities() -> None:
    # Weights (2, 1, 1): A beats B 3-1, B beats C 3-1, A and C tie 2-2.
    # A: 1 win, 0 losses; B: 1 win, 1 loss; C: 0 wins, 1 loss.
    weights = np.array([2.0, 1.0, 1.0])
    assert list(copeland_scores(CYCLE, weights)) == [1, 0, -1]
    # Rescaled (score + 2) / 4.
    assert np.allclose(aggregate(CYCLE, weights, Copeland()), [0.75, 0.5, 0.25])


def test_copeland_gives_a_dominating_unit_every_win() -> None:
    x = np.array([[3.0, 3.0], [2.0, 2.0], [1.0, 1.0]])
    assert list(copeland_scores(x, np.ones(2))) == [2, 0, -2]


def test_copeland_ignores_children_missing_for_either_unit() -> None:
    x = np.array([[1.0, nan], [0.0, 5.0]])
    assert list(copeland_scores(x, np.ones(2))) == [1, -1]


def test_batched_copeland_agrees_whether_values_are_shared_or_per_sample() -> None:
    rng = np.random.default_rng(3)
    x = rng.integers(0, 4, size=(9, 4)).astype(np.float64)
    x[rng.random(x.shape) < 0.1] = nan
    w = rng.random((6, 4))
    shared = aggregate_batch(x[np.newaxis], w, Copeland())
    per_sample = aggregate_batch(np.broadcast_to(x, (6, 9, 4)).copy(), w, Copeland())
    assert np.array_equal(shared, per_sample)


def test_batched_means_match_one_weight_vector_at_a_time() -> None:
    rng = np.random.default_rng(4)
    x, w = rng.random((7, 5)), rng.random((3, 5))
    for method in (Arithmetic(), Geometric(), Harmonic(), GeneralisedMean(0.5)):
        batch = aggregate_batch(x[np.newaxis], w, method)
        for s in range(3):
            assert np.allclose(batch[s], aggregate(x, w[s], method))


def test_harmonic_mean_of_a_child_too_small_to_invert_is_zero() -> None:
    out = aggregate(np.array([[5e-324, 0.5], [0.25, 0.5]]), np.ones(2), Harmonic())
    assert out[0] == 0.0 and np.isclose(out[1], 1 / 3)
