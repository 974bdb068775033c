"""The scoring rules of CLM scorecards (clm/scoring.py), without a database: item and
dimension means, the minimum of respondents, answers that are not counted, colours; and their
properties over generated data."""

from __future__ import annotations

from fractions import Fraction
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hrmonitor.clm.scoring import (
    Colour,
    DimensionResult,
    Item,
    ItemResult,
    Scorecard,
    colour,
    round_score,
    scorecard,
    scorecards_by,
)

STOCKOUT = Item("stockout", "availability", {"never": 100, "sometimes": 50, "often": 0})
HOURS = Item("hours", "availability", {"yes": 100, "no": 0})
RESPECT = Item("respect", "acceptability", {"5": 100, "4": 75, "3": 50, "2": 25, "1": 0})
ITEMS = [STOCKOUT, HOURS, RESPECT]


def test_an_item_scores_the_mean_of_its_counted_answers():
    responses = [{"stockout": a} for a in ("never", "never", "sometimes", "often", "never")]
    card = scorecard(ITEMS, responses, minimum=5)
    stockout = card.items[0]
    assert (stockout.n, stockout.score) == (5, 70.0)


def test_answers_without_a_score_and_unanswered_questions_are_not_counted():
    responses: list[dict[str, Any]] = [{"stockout": "never"}] * 5 + [
        {"stockout": "dont_know"},
        {"stockout": ""},
        {"hours": "yes"},
        {"stockout": ["never"]},
    ]
    card = scorecard(ITEMS, responses, minimum=5)
    assert (card.items[0].n, card.items[0].score) == (5, 100.0)
    assert card.items[1].n == 1
    assert card.respondents == 6  # the five, and the one who answered `hours`


def test_below_the_minimum_there_is_no_score_at_all():
    card = scorecard(ITEMS, [{"stockout": "often", "respect": "1"}] * 4, minimum=5)
    assert card.items[0] == card.items[0].__class__("stockout", "availability", 4, None)
    assert [d.score for d in card.dimensions] == [None, None]
    assert [d.n for d in card.dimensions] == [4, 4]
    assert card.overall is None


def test_a_dimension_weighs_each_respondent_once():
    # One respondent answers both availability items (100 and 100), four answer one (0):
    # per answer the mean would be 200/6 = 33.3; per respondent it is 100/5 = 20.
    responses = [{"stockout": "never", "hours": "yes"}] + [{"stockout": "often"}] * 4
    availability = scorecard(ITEMS, responses, minimum=5).dimension("availability")
    assert availability is not None
    assert (availability.n, availability.score) == (5, 20.0)


def test_the_overall_score_is_the_mean_of_the_dimensions_with_a_score():
    shown = [{"stockout": "never", "respect": "2"}] * 5
    card = scorecard(ITEMS, shown, minimum=5)
    assert [d.score for d in card.dimensions] == [100.0, 25.0]
    assert card.overall == 62.5
    # Acceptability below the minimum: the overall is availability's alone.
    partial = [{"stockout": "never", "respect": "2"}] * 4 + [{"stockout": "never"}]
    card = scorecard(ITEMS, partial, minimum=5)
    assert card.dimension("acceptability").score is None  # type: ignore[union-attr]
    assert card.overall == 100.0


def test_dimensions_come_in_aaaq_order_and_only_those_with_items():
    items = [Item("q", "quality", {"a": 1}), Item("v", "availability", {"a": 1})]
    card = scorecard(items, [], minimum=5)
    assert [d.dimension for d in card.dimensions] == ["availability", "quality"]
    assert card.respondents == 0 and card.overall is None


def test_scores_round_half_up_to_one_decimal():
    assert round_score(Fraction(200, 3)) == 66.7
    assert round_score(Fraction(1, 20)) == 0.1  # 0.05 goes up, not to the even 0.0
    assert round_score(Fraction(149, 2)) == 74.5


def test_scores_given_as_text_or_decimals_are_read_exactly():
    item = Item("q", "quality", {"a": "33.3", "b": 66.7})
    card = scorecard([item], [{"q": "a"}, {"q": "b"}] * 3, minimum=5)
    assert card.items[0].score == 50.0


def test_a_score_outside_0_to_100_is_refused():
    with pytest.raises(ValueError):
        Item("q", "quality", {"a": 101})
    with pytest.raises(ValueError):
        Item("q", "quality", {"a": -1})


def test_colours_follow_the_form_thresholds():
    assert colour(75.0, green_from=75, amber_from=50) == Colour.GREEN
    assert colour(74.9, green_from=75, amber_from=50) == Colour.AMBER
    assert colour(50.0, green_from=75, amber_from=50) == Colour.AMBER
    assert colour(49.9, green_from=75, amber_from=50) == Colour.RED
    assert colour(None, green_from=75, amber_from=50) is None


def test_scorecards_by_group():
    keyed = [("A", {"stockout": "never"})] * 5 + [("B", {"stockout": "often"})] * 2
    cards = scorecards_by(ITEMS, keyed, minimum=5)
    assert cards["A"].items[0].score == 100.0
    assert cards["B"].items[0].score is None and cards["B"].items[0].n == 2


# --- Properties --------------------------------------------------------------------------------

DIMENSIONS = ["availability", "accessibility", "acceptability", "quality"]
ANSWERS = ["a", "b", "c", "dont_know"]


def results(card: Scorecard) -> list[ItemResult | DimensionResult]:
    return [*card.items, *card.dimensions]


@st.composite
def items_strategy(draw: Any) -> list[Item]:
    """Items whose top answer `a` scores 100 (the top of the scale), others anything, and
    `dont_know` never scored."""
    count = draw(st.integers(min_value=1, max_value=6))
    items = []
    for index in range(count):
        scores = {
            "a": 100,
            "b": draw(st.integers(min_value=0, max_value=100)),
            "c": draw(st.floats(min_value=0, max_value=100, allow_nan=False)),
        }
        items.append(Item(f"q{index}", draw(st.sampled_from(DIMENSIONS)), scores))
    return items


def responses_strategy(items: list[Item]) -> st.SearchStrategy[list[dict[str, str]]]:
    response = st.fixed_dictionaries(
        {}, optional={item.question: st.sampled_from(ANSWERS) for item in items}
    )
    return st.lists(response, max_size=14)


@st.composite
def cases(draw: Any) -> tuple[list[Item], list[dict[str, str]], int]:
    items = draw(items_strategy())
    return items, draw(responses_strategy(items)), draw(st.integers(min_value=1, max_value=6))


@settings(max_examples=150, deadline=None)
@given(cases())
def test_every_score_lies_within_0_and_100(case):
    items, responses, minimum = case
    card = scorecard(items, responses, minimum=minimum)
    scores = [i.score for i in card.items] + [d.score for d in card.dimensions] + [card.overall]
    assert all(0 <= s <= 100 for s in scores if s is not None)


@settings(max_examples=150, deadline=None)
@given(cases())
def test_no_score_exists_with_fewer_respondents_than_the_minimum(case):
    items, responses, minimum = case
    card = scorecard(items, responses, minimum=minimum)
    for result in results(card):
        assert (result.score is None) == (result.n < minimum)
    assert (card.overall is None) == all(d.score is None for d in card.dimensions)
    assert card.respondents <= len(responses)


@settings(max_examples=150, deadline=None)
@given(cases())
def test_adding_a_respondent_with_top_answers_never_lowers_a_score(case):
    items, responses, minimum = case
    before = scorecard(items, responses, minimum=minimum)
    after = scorecard(items, [*responses, {item.question: "a" for item in items}], minimum=minimum)
    for old, new in zip(results(before), results(after), strict=True):
        assert new.n == old.n + 1
        if old.score is not None:
            assert new.score is not None and new.score >= old.score
    shown_before = {d.dimension for d in before.dimensions if d.score is not None}
    shown_after = {d.dimension for d in after.dimensions if d.score is not None}
    if before.overall is not None and shown_before == shown_after:
        assert after.overall is not None and after.overall >= before.overall


@settings(max_examples=100, deadline=None)
@given(cases())
def test_the_order_of_responses_does_not_matter(case):
    items, responses, minimum = case
    assert scorecard(items, responses, minimum=minimum) == scorecard(
        items, list(reversed(responses)), minimum=minimum
    )
