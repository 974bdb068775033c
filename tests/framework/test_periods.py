"""Reporting periods as values: keys, roll-up, sequences and elapsed time."""

from __future__ import annotations

import pickle
from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from hrmonitor.framework.periods import (
    Period,
    PeriodError,
    PeriodType,
    children,
    containing,
    date_range,
    elapsed_fraction,
    month,
    parse_period,
    periods_between,
    quarter,
    rollup,
    shift,
    year,
)


@pytest.mark.parametrize(
    ("key", "kind", "start", "end"),
    [
        ("2019", PeriodType.YEAR, date(2019, 1, 1), date(2019, 12, 31)),
        ("2019Q3", PeriodType.QUARTER, date(2019, 7, 1), date(2019, 9, 30)),
        ("2020Q1", PeriodType.QUARTER, date(2020, 1, 1), date(2020, 3, 31)),
        ("2019-07", PeriodType.MONTH, date(2019, 7, 1), date(2019, 7, 31)),
        ("2020-02", PeriodType.MONTH, date(2020, 2, 1), date(2020, 2, 29)),
        (
            "2019-03-01..2019-09-30",
            PeriodType.RANGE,
            date(2019, 3, 1),
            date(2019, 9, 30),
        ),
    ],
)
def test_each_kind_of_key_reads_as_its_days(key, kind, start, end):
    period = parse_period(key)
    assert (period.key, period.type, period.start, period.end) == (key, kind, start, end)
    assert str(period) == key


def test_keys_are_read_without_surrounding_spaces_and_come_back_canonical():
    assert parse_period("  2019q3 \n").key == "2019Q3"
    assert parse_period("2019-03-01 .. 2019-09-30").key == "2019-03-01..2019-09-30"


@pytest.mark.parametrize(
    ("key", "code"),
    [
        ("2019-13", "invalid_month"),
        ("2019-00", "invalid_month"),
        ("2019Q5", "invalid_quarter"),
        ("2019Q0", "invalid_quarter"),
        ("1899", "year_out_of_range"),
        ("2201Q1", "year_out_of_range"),
        ("2019-09-30..2019-03-01", "range_reversed"),
        ("2019-02-30..2019-03-01", "invalid_date"),
        ("2019-01-01..2019-14-01", "invalid_month"),
        ("", "invalid_period"),
        ("19", "invalid_period"),
        ("2019/07", "invalid_period"),
        ("2019-7", "invalid_period"),
        ("2019 Q3", "invalid_period"),
        ("٢٠١٩", "invalid_period"),
    ],
)
def test_a_bad_key_is_refused_with_a_code_that_says_why(key, code):
    with pytest.raises(PeriodError) as caught:
        parse_period(key)
    assert caught.value.code == code


def test_an_error_carries_its_parameters_for_a_translated_message():
    with pytest.raises(PeriodError) as caught:
        parse_period("2019Q5")
    assert caught.value.params == {"key": "2019Q5", "quarter": 5}
    assert "Quarter 5" in str(caught.value)


def test_every_error_reading_a_key_names_the_key():
    for key in ["1899", " 2019-02-30..2019-03-01", "2019-09-30..2019-03-01", "x"]:
        with pytest.raises(PeriodError) as caught:
            parse_period(key)
        assert caught.value.params["key"] == key.strip()


def test_an_error_survives_pickling_with_its_code_and_parameters():
    with pytest.raises(PeriodError) as caught:
        parse_period("1899")
    copy = pickle.loads(pickle.dumps(caught.value))  # noqa: S301  (our own object)
    assert (copy.code, copy.params, str(copy)) == (
        "year_out_of_range",
        {"year": 1899, "min": 1900, "max": 2200, "key": "1899"},
        str(caught.value),
    )


def test_years_at_the_limits_are_accepted():
    assert year(1900).key == "1900"
    assert parse_period("2200-12").end == date(2200, 12, 31)


def test_a_period_built_by_hand_must_agree_with_its_dates():
    assert Period("2019", PeriodType.YEAR, date(2019, 1, 1), date(2019, 12, 31)) == year(2019)
    with pytest.raises(PeriodError) as caught:
        Period("2019", PeriodType.YEAR, date(2019, 1, 1), date(2019, 6, 30))
    assert caught.value.code == "inconsistent_period"
    with pytest.raises(PeriodError):
        Period("2019Q2", PeriodType.QUARTER, date(2019, 2, 1), date(2019, 4, 30))


def test_constructors_give_the_same_periods_as_keys():
    assert year(2019) == parse_period("2019")
    assert quarter(2019, 3) == parse_period("2019Q3")
    assert month(2019, 7) == parse_period("2019-07")
    assert date_range(date(2019, 3, 1), date(2019, 9, 30)) == parse_period("2019-03-01..2019-09-30")
    with pytest.raises(PeriodError, match="Quarter 5"):
        quarter(2019, 5)
    with pytest.raises(PeriodError) as caught:
        month(2019, 13)
    assert caught.value.code == "invalid_month"


def test_a_one_day_range_is_a_period_of_one_day():
    assert date_range(date(2019, 5, 1), date(2019, 5, 1)).days == 1


def test_periods_count_their_days_including_both_ends():
    assert year(2019).days == 365
    assert year(2020).days == 366
    assert quarter(2020, 1).days == 91
    assert parse_period("2019-03-01..2019-03-31").days == 31


def test_a_range_over_two_years_belongs_to_the_year_it_starts_in():
    assert parse_period("2019-07-01..2020-06-30").year == 2019


def test_periods_sort_by_start_then_end():
    keys = ["2020", "2019Q3", "2019-07", "2019", "2019-01-01..2019-01-15", "2019-07-01..2019-07-02"]
    assert [p.key for p in sorted(parse_period(k) for k in keys)] == [
        "2019-01-01..2019-01-15",
        "2019",
        "2019-07-01..2019-07-02",
        "2019-07",
        "2019Q3",
        "2020",
    ]
    assert year(2019) < year(2020) <= year(2020)
    assert quarter(2019, 4) > month(2019, 10) >= month(2019, 10)


def test_a_year_and_a_range_of_the_same_days_are_neither_before_nor_after_each_other():
    whole = date_range(date(2019, 1, 1), date(2019, 12, 31))
    assert not whole < year(2019) and not year(2019) < whole
    assert whole != year(2019)


def test_a_period_contains_the_periods_within_it_and_itself():
    assert year(2019).contains(quarter(2019, 3))
    assert year(2019).contains(year(2019))
    assert quarter(2019, 3).contains(month(2019, 9))
    assert not quarter(2019, 3).contains(month(2019, 10))
    assert not month(2019, 9).contains(quarter(2019, 3))


def test_periods_overlap_when_they_share_a_day():
    assert parse_period("2019-03-01..2019-07-01").overlaps(month(2019, 7))
    assert not parse_period("2019-03-01..2019-06-30").overlaps(month(2019, 7))
    assert year(2019).overlaps(month(2019, 2))


def test_a_quarter_rolls_up_into_its_year():
    assert rollup(quarter(2019, 3), PeriodType.YEAR) == year(2019)


def test_a_month_rolls_up_into_its_quarter_and_its_year():
    assert rollup(month(2019, 8), PeriodType.QUARTER) == quarter(2019, 3)
    assert rollup(month(2019, 8), PeriodType.YEAR) == year(2019)


def test_a_period_rolls_up_into_itself():
    assert rollup(quarter(2019, 3), PeriodType.QUARTER) == quarter(2019, 3)


def test_a_range_rolls_up_only_within_one_period():
    assert rollup(parse_period("2019-07-05..2019-09-01"), PeriodType.QUARTER) == quarter(2019, 3)
    assert rollup(parse_period("2019-07-05..2019-07-06"), PeriodType.MONTH) == month(2019, 7)
    with pytest.raises(PeriodError) as caught:
        rollup(parse_period("2019-06-05..2019-07-01"), PeriodType.QUARTER)
    assert caught.value.code == "cannot_roll_up"
    assert caught.value.params == {"key": "2019-06-05..2019-07-01", "to": "quarter"}


def test_nothing_rolls_up_into_a_shorter_period_or_a_range():
    for period, to in [
        (year(2019), PeriodType.QUARTER),
        (quarter(2019, 1), PeriodType.MONTH),
        (month(2019, 1), PeriodType.RANGE),
    ]:
        with pytest.raises(PeriodError) as caught:
            rollup(period, to)
        assert caught.value.code == "cannot_roll_up"


def test_periods_between_lists_every_quarter_across_years():
    keys = [p.key for p in periods_between(quarter(2019, 3), quarter(2020, 2))]
    assert keys == ["2019Q3", "2019Q4", "2020Q1", "2020Q2"]


def test_periods_between_lists_months_and_years_both_ends_included():
    assert [p.key for p in periods_between(month(2019, 11), month(2020, 1))] == [
        "2019-11",
        "2019-12",
        "2020-01",
    ]
    assert periods_between(year(2019), year(2019)) == [year(2019)]


@pytest.mark.parametrize(
    ("first", "last", "code"),
    [
        ("2019", "2019Q1", "type_mismatch"),
        ("2020Q1", "2019Q4", "range_reversed"),
        ("2019-01-01..2019-01-31", "2019-03-01..2019-03-31", "not_calendar_period"),
    ],
)
def test_periods_between_needs_two_calendar_periods_of_one_kind_in_order(first, last, code):
    with pytest.raises(PeriodError) as caught:
        periods_between(parse_period(first), parse_period(last))
    assert caught.value.code == code


def test_a_year_has_four_quarters_and_twelve_months_and_a_quarter_three_months():
    assert [p.key for p in children(year(2019), PeriodType.QUARTER)] == [
        "2019Q1",
        "2019Q2",
        "2019Q3",
        "2019Q4",
    ]
    assert len(children(year(2019), PeriodType.MONTH)) == 12
    assert [p.key for p in children(quarter(2019, 4), PeriodType.MONTH)] == [
        "2019-10",
        "2019-11",
        "2019-12",
    ]


@pytest.mark.parametrize(
    ("key", "kind"),
    [
        ("2019-07", PeriodType.QUARTER),
        ("2019Q1", PeriodType.QUARTER),
        ("2019", PeriodType.RANGE),
        ("2019-01-01..2019-12-31", PeriodType.MONTH),
    ],
)
def test_a_period_cannot_be_split_into_periods_as_long_or_longer(key, kind):
    with pytest.raises(PeriodError) as caught:
        children(parse_period(key), kind)
    assert caught.value.code == "cannot_split"


def test_shift_moves_by_whole_periods():
    assert shift(quarter(2019, 3), -4) == quarter(2018, 3)
    assert shift(month(2019, 12), 1) == month(2020, 1)
    assert shift(year(2019), 2) == year(2021)
    with pytest.raises(PeriodError) as caught:
        shift(year(2200), 1)
    assert caught.value.code == "year_out_of_range"


def test_elapsed_fraction_is_0_before_the_start_and_1_from_the_last_day():
    period = year(2019)
    assert elapsed_fraction(period, date(2018, 12, 31)) == 0
    assert elapsed_fraction(period, date(2019, 12, 31)) == 1
    assert elapsed_fraction(period, date(2025, 1, 1)) == 1


def test_elapsed_fraction_counts_the_given_day_as_passed():
    assert elapsed_fraction(year(2019), date(2019, 1, 1)) == Decimal(1) / Decimal(365)
    assert elapsed_fraction(month(2019, 4), date(2019, 4, 15)) == Decimal("0.5")
    assert elapsed_fraction(year(2020), date(2020, 7, 1)) == Decimal(183) / Decimal(366)


dates = st.dates(min_value=date(1900, 1, 1), max_value=date(2200, 12, 31))
calendar_kinds = st.sampled_from([PeriodType.YEAR, PeriodType.QUARTER, PeriodType.MONTH])


@given(dates, calendar_kinds)
def test_every_day_lies_in_one_period_of_each_kind_whose_key_reads_back(day, kind):
    period = containing(day, kind)
    assert period.start <= day <= period.end
    assert parse_period(period.key) == period
    assert rollup(period, PeriodType.YEAR) == year(day.year)


@given(dates, st.integers(min_value=0, max_value=800))
def test_a_range_reads_back_and_its_elapsed_fraction_grows_from_0_to_1(start, length):
    end = min(start + timedelta(days=length), date(2200, 12, 31))
    period = date_range(start, end)
    assert parse_period(period.key) == period
    fractions = [elapsed_fraction(period, start + timedelta(days=d)) for d in range(-1, 3)]
    assert fractions == sorted(fractions)
    assert all(0 <= f <= 1 for f in fractions)
    assert elapsed_fraction(period, end) == 1
