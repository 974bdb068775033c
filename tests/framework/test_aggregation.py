"""Aggregation across countries and across periods, with the inputs each result used."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from hrmonitor.framework.aggregation import (
    AggregationError,
    Condition,
    SpaceAggregation,
    TimeAggregation,
    aggregate_space,
    aggregate_space_explained,
    aggregate_time,
    aggregate_time_explained,
    parse_condition,
)
from hrmonitor.framework.periods import month, parse_period, quarter, year

D = Decimal
VALUES = [D(4), None, D(0), D("2.5"), None]


def test_a_regional_sum_leaves_out_countries_without_a_value():
    assert aggregate_space_explained(VALUES, SpaceAggregation.SUM) == (D("6.5"), [0, 2, 3])


def test_a_regional_mean_divides_by_the_countries_that_reported():
    assert aggregate_space_explained(VALUES, SpaceAggregation.MEAN) == (
        D("6.5") / 3,
        [0, 2, 3],
    )


def test_with_no_value_at_all_there_is_no_regional_value():
    for how in SpaceAggregation:
        assert aggregate_space_explained([None, None], how, Condition(">=", D(1))) == (None, [])
    assert aggregate_space([], SpaceAggregation.SUM) is None


def test_count_meeting_counts_the_countries_that_meet_the_condition():
    value, used = aggregate_space_explained(
        VALUES, SpaceAggregation.COUNT_MEETING, Condition(">=", D(1))
    )
    assert value == D(2)
    # Every reported value was tested, so each could change the count.
    assert used == [0, 2, 3]


def test_share_meeting_is_a_percentage_of_the_countries_that_reported():
    value = aggregate_space(VALUES, SpaceAggregation.SHARE_MEETING, Condition(">", D(0)))
    assert value == D(2) * 100 / 3


def test_counting_needs_a_condition():
    with pytest.raises(AggregationError) as caught:
        aggregate_space(VALUES, SpaceAggregation.SHARE_MEETING)
    assert (caught.value.code, caught.value.params) == (
        "condition_required",
        {"how": "share_meeting"},
    )


def test_an_indicator_not_aggregated_across_countries_has_no_regional_value():
    assert aggregate_space_explained(VALUES, SpaceAggregation.NONE) == (None, [])


def test_sums_are_exact_however_many_digits():
    values = [D("1E+30"), D("0.000000000000000000001"), D("-1E+30")]
    assert aggregate_space(values, SpaceAggregation.SUM) == D("0.000000000000000000001")


def test_a_value_that_is_not_a_number_is_refused():
    with pytest.raises(AggregationError) as caught:
        aggregate_space([D(1), D("NaN")], SpaceAggregation.SUM)
    assert (caught.value.code, caught.value.params) == ("invalid_value", {"index": 1})


@pytest.mark.parametrize(
    ("operator", "results"),
    [
        (">=", [False, True, True]),
        (">", [False, False, True]),
        ("=", [False, True, False]),
        ("<=", [True, True, False]),
        ("<", [True, False, False]),
        ("!=", [True, False, True]),
    ],
)
def test_each_condition_operator_compares_exactly(operator, results):
    condition = Condition(operator, D("1.0"))
    assert [condition.holds(x) for x in (D("0.99"), D(1), D("1.01"))] == results


def test_an_unknown_operator_is_refused():
    with pytest.raises(AggregationError) as caught:
        Condition("=>", D(1))
    assert (caught.value.code, caught.value.params) == ("invalid_operator", {"operator": "=>"})


def test_a_condition_reads_back_from_its_text():
    condition = Condition("<", D("-0.5"))
    assert str(condition) == "< -0.5"
    assert parse_condition(str(condition)) == condition
    assert parse_condition(" >=1 ") == Condition(">=", D(1))
    with pytest.raises(AggregationError) as caught:
        parse_condition("at least 1")
    assert caught.value.code == "invalid_condition"


QUARTERS = [
    (quarter(2019, 3), D(5)),
    (quarter(2019, 1), D(2)),
    (quarter(2019, 4), None),
    (quarter(2019, 2), D(1)),
]


def test_a_sum_over_time_adds_the_periods_that_have_a_value():
    assert aggregate_time_explained(QUARTERS, TimeAggregation.SUM) == (D(8), [0, 1, 3])


def test_a_mean_over_time_divides_by_the_periods_that_have_a_value():
    assert aggregate_time(QUARTERS, TimeAggregation.MEAN) == D(8) / 3


def test_latest_is_the_value_of_the_latest_period_that_has_one():
    assert aggregate_time_explained(QUARTERS, TimeAggregation.LATEST) == (D(5), [0])


def test_latest_prefers_the_period_ending_last():
    points = [
        (parse_period("2019-01-01..2019-06-30"), D(1)),
        (parse_period("2019-07-01..2019-07-31"), D(2)),
        (parse_period("2019-08-01..2019-08-15"), None),
    ]
    assert aggregate_time(points, TimeAggregation.LATEST) == D(2)


def test_with_no_value_in_any_period_there_is_no_value():
    for how in TimeAggregation:
        assert aggregate_time_explained([(year(2019), None)], how) == (None, [])
        assert aggregate_time([], how) is None


def test_overlapping_periods_are_refused_because_they_would_count_days_twice():
    with pytest.raises(AggregationError) as caught:
        aggregate_time([(year(2019), D(1)), (month(2019, 5), D(2))], TimeAggregation.SUM)
    assert (caught.value.code, caught.value.params) == (
        "overlapping_periods",
        {"first": "2019", "second": "2019-05"},
    )
    with pytest.raises(AggregationError):
        aggregate_time([(year(2019), D(1)), (year(2019), None)], TimeAggregation.LATEST)


values_or_none = st.lists(
    st.one_of(st.none(), st.decimals(min_value=-1000, max_value=1000, places=2)), max_size=30
)


@given(values_or_none)
def test_a_sum_is_the_sum_of_the_values_present_and_uses_exactly_them(values):
    value, used = aggregate_space_explained(values, SpaceAggregation.SUM)
    present = [v for v in values if v is not None]
    assert used == [i for i, v in enumerate(values) if v is not None]
    assert value == (sum(present, D(0)) if present else None)


@given(values_or_none, st.decimals(min_value=-1000, max_value=1000, places=1))
def test_the_share_meeting_is_the_count_meeting_over_the_count_reported(values, threshold):
    condition = Condition(">=", threshold)
    count = aggregate_space(values, SpaceAggregation.COUNT_MEETING, condition)
    share = aggregate_space(values, SpaceAggregation.SHARE_MEETING, condition)
    reported = sum(v is not None for v in values)
    if not reported:
        assert count is None and share is None
    else:
        assert count is not None and share is not None
        assert 0 <= share <= 100
        assert share == count * 100 / reported
