"""Progress against baseline and target: percent of target, status and trend."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from hrmonitor.framework.periods import month, quarter, year
from hrmonitor.framework.progress import (
    Direction,
    ProgressError,
    ProgressRule,
    Status,
    percent_of_target,
    progress_status,
    trend,
)

D = Decimal
UP, DOWN = Direction.INCREASE, Direction.DECREASE


def test_percent_of_target_is_the_share_of_the_distance_covered():
    assert percent_of_target(D(2), D(10), D(6), UP) == D(50)


def test_for_a_decrease_the_distance_is_downward():
    assert percent_of_target(D(40), D(20), D(35), DOWN) == D(25)


def test_percent_of_target_is_not_cut_off():
    assert percent_of_target(D(2), D(10), D(14), UP) == D(150)
    assert percent_of_target(D(2), D(10), D(0), UP) == D(-25)
    assert percent_of_target(D(40), D(20), D(50), DOWN) == D(-50)


def test_without_a_baseline_an_increase_is_measured_from_zero():
    assert percent_of_target(None, D(8), D(2), UP) == D(25)


def test_without_a_baseline_a_decrease_has_no_percentage():
    assert percent_of_target(None, D(8), D(12), DOWN) is None


def test_with_the_target_at_the_baseline_it_is_all_or_nothing():
    assert percent_of_target(D(5), D(5), D(5), UP) == D(100)
    assert percent_of_target(D(5), D(5), D(6), UP) == D(100)
    assert percent_of_target(D(5), D(5), D(4), UP) == D(0)
    assert percent_of_target(D(5), D(5), D(4), DOWN) == D(100)
    assert percent_of_target(D(5), D(5), D(6), DOWN) == D(0)


def test_without_an_actual_value_or_a_target_there_is_no_percentage():
    assert percent_of_target(D(2), D(10), None, UP) is None
    assert percent_of_target(D(2), None, D(6), UP) is None


def test_a_target_on_the_wrong_side_of_the_baseline_is_an_error():
    with pytest.raises(ProgressError) as caught:
        percent_of_target(D(10), D(2), D(6), UP)
    assert caught.value.code == "target_against_direction"
    assert caught.value.params == {"baseline": "10", "target": "2", "direction": "increase"}


@pytest.mark.parametrize(
    ("baseline", "target", "actual", "direction", "elapsed", "status"),
    [
        # Met or beaten, whatever the time.
        (D(2), D(10), D(10), UP, D("0.1"), Status.ACHIEVED),
        (D(2), D(10), D(12), UP, D(0), Status.ACHIEVED),
        (D(40), D(20), D(19), DOWN, D("0.5"), Status.ACHIEVED),
        (None, D(20), D(19), DOWN, D("0.5"), Status.ACHIEVED),
        # Missing pieces.
        (D(2), D(10), None, UP, D("0.5"), Status.NO_DATA),
        (D(2), None, None, UP, D("0.5"), Status.NO_DATA),
        (D(2), None, D(6), UP, D("0.5"), Status.NO_TARGET),
        (None, D(20), D(30), DOWN, D("0.5"), Status.NO_BASELINE),
        # Half the time gone: half the distance expected.
        (D(0), D(100), D(50), UP, D("0.5"), Status.ON_TRACK),
        (D(0), D(100), D(45), UP, D("0.5"), Status.ON_TRACK),
        (D(0), D(100), D("44.99"), UP, D("0.5"), Status.AT_RISK),
        (D(0), D(100), D(30), UP, D("0.5"), Status.AT_RISK),
        (D(0), D(100), D("29.99"), UP, D("0.5"), Status.OFF_TRACK),
        (D(0), D(100), D(-5), UP, D("0.5"), Status.OFF_TRACK),
        (D(100), D(0), D(70), DOWN, D("0.5"), Status.AT_RISK),
        # Ahead of the trajectory.
        (D(0), D(100), D(80), UP, D("0.5"), Status.ON_TRACK),
        # Before the period starts nothing is expected, but moving away is off track.
        (D(0), D(100), D(0), UP, D(0), Status.ON_TRACK),
        (D(0), D(100), D(1), UP, D(0), Status.ON_TRACK),
        (D(0), D(100), D(-1), UP, D(0), Status.OFF_TRACK),
        # At the end of the period anything short of the target is behind.
        (D(0), D(100), D(95), UP, D(1), Status.ON_TRACK),
        (D(0), D(100), D(89), UP, D(1), Status.AT_RISK),
        (D(5), D(5), D(4), UP, D("0.5"), Status.OFF_TRACK),
    ],
)
def test_status_follows_the_documented_rule(baseline, target, actual, direction, elapsed, status):
    assert progress_status(baseline, target, actual, direction, elapsed) == status


def test_thresholds_can_be_set_per_indicator():
    strict = ProgressRule(on_track=D(1), at_risk=D("0.8"))
    assert progress_status(D(0), D(100), D(45), UP, D("0.5"), strict) == Status.AT_RISK
    assert progress_status(D(0), D(100), D(35), UP, D("0.5"), strict) == Status.OFF_TRACK


def test_thresholds_must_be_in_order_between_0_and_1():
    for on_track, at_risk in [(D("0.5"), D("0.6")), (D("1.1"), D("0.6")), (D("0.9"), D(-1))]:
        with pytest.raises(ProgressError) as caught:
            ProgressRule(on_track=on_track, at_risk=at_risk)
        assert caught.value.code == "invalid_rule"


def test_the_elapsed_share_must_be_between_0_and_1():
    with pytest.raises(ProgressError) as caught:
        progress_status(D(0), D(10), D(5), UP, D("1.5"))
    assert (caught.value.code, caught.value.params) == ("invalid_elapsed", {"elapsed": "1.5"})


def test_values_that_are_not_finite_numbers_are_refused():
    with pytest.raises(ProgressError) as caught:
        percent_of_target(D(0), D("Infinity"), D(5), UP)
    assert (caught.value.code, caught.value.params) == ("invalid_value", {"name": "target"})


def test_a_trend_is_the_slope_per_year():
    points = [(year(2019), D(10)), (year(2020), D(20)), (year(2021), D(30))]
    assert trend(points) == D(10)


def test_a_trend_over_quarters_is_still_per_year():
    points = [(quarter(2019, q), D(q)) for q in (1, 2, 3, 4)]
    slope = trend(points)
    assert slope is not None and abs(slope - 4) < D("0.05")


def test_a_trend_leaves_out_periods_without_a_value_and_ignores_their_order():
    points = [(year(2021), D(30)), (year(2020), None), (year(2019), D(10))]
    assert trend(points) == D(10)


def test_a_falling_series_has_a_negative_trend():
    points = [(year(2019), D(30)), (year(2020), D(25)), (year(2021), D(5))]
    assert trend(points) == D("-12.5")


def test_there_is_no_trend_with_fewer_than_two_values_or_a_single_time():
    assert trend([]) is None
    assert trend([(year(2019), D(1)), (year(2020), None)]) is None
    assert trend([(month(2019, 3), D(1)), (month(2019, 3), D(2))]) is None


@given(
    st.integers(min_value=1900, max_value=2190),
    st.decimals(min_value=-1000, max_value=1000, places=2),
    st.decimals(min_value=-1000, max_value=1000, places=2),
    st.integers(min_value=2, max_value=8),
)
def test_values_on_a_straight_line_over_years_give_its_slope(first, start, slope, count):
    points = [(year(first + i), start + slope * i) for i in range(count)]
    assert trend(points) == slope


@given(
    st.decimals(min_value=-100, max_value=100, places=1),
    st.decimals(min_value=1, max_value=100, places=1),
    st.decimals(min_value=-200, max_value=200, places=1),
    st.sampled_from(Direction),
    st.decimals(min_value=0, max_value=1, places=2),
)
def test_status_agrees_with_percent_of_target(baseline, distance, actual, direction, elapsed):
    target = baseline + distance if direction is UP else baseline - distance
    percent = percent_of_target(baseline, target, actual, direction)
    status = progress_status(baseline, target, actual, direction, elapsed)
    assert percent is not None
    assert (status is Status.ACHIEVED) == (percent >= 100)
    if status is Status.ON_TRACK:
        assert percent / 100 >= elapsed * D("0.9")
    if status is Status.OFF_TRACK:
        assert percent / 100 < elapsed * D("0.6") or percent < 0


def test_a_target_on_the_wrong_side_of_the_baseline_gets_no_status_even_without_data():
    for actual in (None, D(1), D(20)):
        with pytest.raises(ProgressError) as caught:
            progress_status(D(10), D(2), actual, UP, D("0.5"))
        assert caught.value.code == "target_against_direction"
