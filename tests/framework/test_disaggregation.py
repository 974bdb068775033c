"""Disaggregation keys, and parts that must add up to their total."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from hrmonitor.framework.disaggregation import (
    DisaggregationError,
    TotalMismatch,
    canonical_key,
    check_totals,
    normalise_key,
    parse_key,
)

D = Decimal
OPTIONS = {"gender": ["f", "m", "other"], "age": ["0-14", "15-24", "25-plus"]}


def test_a_key_sorts_its_categories_by_code():
    assert canonical_key({"gender": "f", "age": "15-24"}) == "age=15-24;gender=f"


def test_the_total_has_the_empty_key():
    assert canonical_key({}) == ""
    assert parse_key("") == {}


def test_a_key_reads_back_as_its_options():
    assert parse_key("age=15-24;gender=f") == {"age": "15-24", "gender": "f"}


@pytest.mark.parametrize(
    "key",
    [
        "gender=f;age=15-24",
        "gender=f;gender=m",
        "gender",
        "gender=",
        "=f",
        "Gender=f",
        "gender=f;",
        "gender = f",
        "gender=f\n",
    ],
)
def test_a_key_not_written_canonically_is_refused(key):
    with pytest.raises(DisaggregationError) as caught:
        parse_key(key)
    assert (caught.value.code, caught.value.params) == ("invalid_key", {"key": key})


def test_codes_are_lower_case_letters_digits_underscores_and_hyphens():
    with pytest.raises(DisaggregationError) as caught:
        canonical_key({"age": "15 to 24"})
    assert (caught.value.code, caught.value.params) == ("invalid_code", {"code": "15 to 24"})


def test_a_key_typed_by_a_person_is_normalised():
    assert normalise_key(" gender = f ; age=15-24 ") == "age=15-24;gender=f"
    assert normalise_key("  ") == ""
    with pytest.raises(DisaggregationError):
        normalise_key("gender=f;gender=m")


def test_complete_parts_that_add_up_to_the_total_are_fine():
    parts = {"gender=f": D(6), "gender=m": D("3.0"), "gender=other": D(1)}
    assert check_totals(D(10), parts, ["gender"], expected_options=OPTIONS) == []


def test_complete_parts_that_do_not_add_up_are_reported():
    parts = {"gender=f": D(6), "gender=m": D(3), "gender=other": D("1.001")}
    [mismatch] = check_totals(D(10), parts, ["gender"], expected_options=OPTIONS)
    assert mismatch == TotalMismatch("gender", D(10), D("10.001"), ())
    assert mismatch.complete
    assert mismatch.difference == D("0.001")


def test_incomplete_parts_are_reported_only_when_completeness_is_required():
    parts = {"gender=f": D(6), "gender=m": None}
    assert check_totals(D(10), parts, ["gender"], expected_options=OPTIONS) == []
    [mismatch] = check_totals(
        D(10), parts, ["gender"], expected_options=OPTIONS, require_complete=True
    )
    assert mismatch == TotalMismatch("gender", D(10), D(6), ("m", "other"))
    assert not mismatch.complete


def test_combinations_of_several_categories_are_not_compared_with_the_total():
    parts = {
        "age=0-14": D(1),
        "age=15-24": D(4),
        "age=25-plus": D(5),
        "age=15-24;gender=f": D(100),
        "": D(10),
    }
    assert check_totals(D(10), parts, ["age"], expected_options=OPTIONS) == []


def test_every_category_with_options_is_checked_when_none_are_named():
    parts = {"age=0-14": D(1), "age=15-24": D(4), "age=25-plus": D(4)}
    parts |= {"gender=f": D(6), "gender=m": D(3), "gender=other": D(1)}
    assert check_totals(D(10), parts, expected_options=OPTIONS) == [
        TotalMismatch("age", D(10), D(9))
    ]


def test_without_a_total_nothing_is_compared():
    parts = {"gender=f": D(6), "gender=m": D(3), "gender=other": D(2)}
    assert check_totals(None, parts, ["gender"], expected_options=OPTIONS) == []


def test_an_option_or_category_that_is_not_expected_is_an_error():
    with pytest.raises(DisaggregationError) as caught:
        check_totals(D(1), {"gender=x": D(1)}, ["gender"], expected_options=OPTIONS)
    assert (caught.value.code, caught.value.params) == (
        "unknown_option",
        {"category": "gender", "option": "x"},
    )
    with pytest.raises(DisaggregationError) as caught:
        check_totals(D(1), {}, ["region"], expected_options=OPTIONS)
    assert caught.value.code == "unknown_category"


def test_a_value_that_is_not_a_finite_number_is_refused():
    with pytest.raises(DisaggregationError) as caught:
        check_totals(D(1), {"gender=f": D("NaN")}, ["gender"], expected_options=OPTIONS)
    assert (caught.value.code, caught.value.params) == ("invalid_value", {"key": "gender=f"})


codes = st.from_regex(r"[a-z0-9_-]{1,8}", fullmatch=True)


@given(st.dictionaries(codes, codes, max_size=5))
def test_every_combination_of_options_has_one_key_that_reads_back(options):
    key = canonical_key(options)
    assert parse_key(key) == options
    assert normalise_key(key) == key


@given(st.lists(st.decimals(min_value=0, max_value=10**9, places=3), min_size=3, max_size=3))
def test_parts_are_compared_with_their_total_exactly(values):
    parts = dict(zip(["gender=f", "gender=m", "gender=other"], values, strict=True))
    exact_total = values[0] + values[1] + values[2]
    assert check_totals(exact_total, parts, ["gender"], expected_options=OPTIONS) == []
    off = exact_total + D("0.001")
    assert len(check_totals(off, parts, ["gender"], expected_options=OPTIONS)) == 1
