"""Data checks and ranks."""

from __future__ import annotations

import math

import numpy as np

from hrmonitor.index.engine import check_data, competition_rank

nan = float("nan")


def test_coverage_below_sixty_five_percent_is_flagged() -> None:
    data = np.array(
        [
            [1.0, 2.0, 5.0],
            [2.0, nan, 5.0],
            [3.0, nan, 5.0],
            [nan, 4.0, nan],
        ]
    )
    checks = check_data(data, ["a", "b", "c", "d"], ["x", "y", "z"])
    assert np.allclose(checks.unit_coverage, [1, 2 / 3, 2 / 3, 1 / 3])
    assert np.allclose(checks.indicator_coverage, [0.75, 0.5, 0.75])
    assert checks.low_coverage_units == ("d",)
    assert checks.low_coverage_indicators == ("y",)
    assert checks.constant_indicators == ("z",)
    assert not checks.passed


def test_ties_share_the_lowest_rank_and_the_next_rank_is_skipped() -> None:
    assert list(competition_rank(np.array([0.9, 0.7, 0.9, 0.5]))) == [1, 3, 1, 4]


def test_units_without_a_score_get_no_rank() -> None:
    ranks = competition_rank(np.array([0.2, nan, 0.4]))
    assert ranks[0] == 2 and math.isnan(ranks[1]) and ranks[2] == 1


def test_ranks_on_rounded_scores_tie_units_that_print_the_same() -> None:
    assert list(competition_rank(np.array([0.7004, 0.7001, 0.6]), decimals=3)) == [1, 1, 3]


def test_ranks_of_a_batch_are_computed_row_by_row() -> None:
    ranks = competition_rank(np.array([[1.0, 2.0, 3.0], [3.0, 3.0, 1.0]]))
    assert ranks.tolist() == [[3, 2, 1], [1, 1, 3]]


def test_scores_equal_up_to_rounding_noise_share_a_rank() -> None:
    # 0.1 + 0.2 is 0.30000000000000004 in floating point: still a tie with 0.3.
    assert list(competition_rank(np.array([0.1 + 0.2, 0.3, 0.2]))) == [1, 1, 3]
