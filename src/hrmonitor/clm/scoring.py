"""Scorecards of community-led monitoring across the AAAQ frame (availability, accessibility,
acceptability, quality). Pure: plain dataclasses in and out, no Django.

Rules
    Item score of one response
        The score (0–100) that the item's `choice_scores` gives to the answer found at the
        item's question path in the response's answers. An answer missing from
        `choice_scores` (e.g. "don't know"), an empty answer, a list (a repeat) or no answer
        at all is not counted.
    Item score of a group of responses
        The mean of the counted item scores; the item's n is the number of responses counted
        for it.
    Dimension score
        The mean over respondents of each respondent's mean over the dimension's items they
        answered (counted), so that a respondent who answers many of its items weighs no more
        than one who answers a few. The dimension's n is the number of respondents with at
        least one counted item in it.
    Minimum number of respondents
        An item or a dimension whose n is below `minimum` has no score (None): the value is
        not computed into the result at all, so no page can show it by mistake.
    Overall score
        The mean of the dimension scores that exist (n ≥ minimum); none when no dimension has
        a score.
    Respondents
        Responses with at least one counted item of any dimension.
    Rounding
        Scores are computed exactly (fractions) and rounded once, half up, to one decimal.
        Colours are decided on the rounded score, the one shown.
    Colour
        Green from `green_from`, amber from `amber_from`, red below (thresholds of the form).

Guarantees (property tests in tests/clm/test_scoring.py)
    Every score lies within 0–100; no score exists for n < minimum; adding a respondent who
    gives every item an answer scoring 100 never lowers a score that existed, nor the overall
    while the same dimensions have a score.
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from fractions import Fraction
from typing import Any

# The order in which dimensions are shown.
DIMENSIONS: tuple[str, ...] = ("availability", "accessibility", "acceptability", "quality")
MAX_SCORE = 100


class Colour(StrEnum):
    GREEN = "green"
    AMBER = "amber"
    RED = "red"


def _fraction(value: object) -> Fraction:
    """An exact fraction of a number as stored (int, float, Decimal or its text)."""
    if isinstance(value, bool):
        raise ValueError("a score is a number, not a boolean")
    if isinstance(value, int):
        return Fraction(value)
    # The text of a float ("33.3") is what was meant, not its binary approximation.
    return Fraction(str(value))


@dataclass(frozen=True)
class Item:
    """One scored question: its path in a response's answers, its AAAQ dimension, and the score
    of each answer. Scores outside 0–100 raise ValueError."""

    question: str
    dimension: str
    choice_scores: Mapping[str, Any]
    _exact: dict[str, Fraction] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        exact = {}
        for answer, score in self.choice_scores.items():
            value = _fraction(score)
            if not 0 <= value <= MAX_SCORE:
                raise ValueError(f"score {score!r} of {answer!r} lies outside 0–100")
            exact[str(answer)] = value
        object.__setattr__(self, "_exact", exact)

    def score_of(self, answers: Mapping[str, Any]) -> Fraction | None:
        """This item's score in one response, or None when the answer is not counted."""
        answer = _answer_text(answers, self.question)
        return self._exact.get(answer) if answer is not None else None


@dataclass(frozen=True)
class ItemResult:
    question: str
    dimension: str
    n: int
    score: float | None  # None when n < minimum


@dataclass(frozen=True)
class DimensionResult:
    dimension: str
    n: int
    score: float | None  # None when n < minimum


@dataclass(frozen=True)
class Scorecard:
    items: tuple[ItemResult, ...]
    # Each dimension that has at least one item, in the order of DIMENSIONS (then others).
    dimensions: tuple[DimensionResult, ...]
    overall: float | None
    respondents: int
    minimum: int

    def dimension(self, key: str) -> DimensionResult | None:
        return next((d for d in self.dimensions if d.dimension == key), None)


def round_score(value: Fraction) -> float:
    """Half up, to one decimal (monotone: a larger exact score never rounds lower)."""
    return math.floor(value * 10 + Fraction(1, 2)) / 10


def _mean(values: Sequence[Fraction]) -> Fraction:
    return sum(values, Fraction(0)) / len(values)


def _dimension_order(items: Sequence[Item]) -> list[str]:
    present = {item.dimension for item in items}
    ordered = [d for d in DIMENSIONS if d in present]
    return ordered + sorted(present - set(DIMENSIONS))


def _answer_text(answers: Mapping[str, Any], question: str) -> str | None:
    answer = answers.get(question)
    if answer is None or isinstance(answer, bool | list | dict):
        return None
    return str(answer).strip() or None


def scorecard(
    items: Sequence[Item], responses: Iterable[Mapping[str, Any]], *, minimum: int
) -> Scorecard:
    """The scorecard of a group of responses (each a mapping question path → answer)."""
    if minimum < 1:
        raise ValueError("the minimum number of respondents is at least 1")
    # Exact and fast: every score times a common denominator is an integer, so the loop over
    # responses adds integers; fractions appear only in the few divisions at the end.
    denominator = math.lcm(1, *(f.denominator for i in items for f in i._exact.values()))
    scaled = [
        {answer: int(value * denominator) for answer, value in item._exact.items()}
        for item in items
    ]
    dimensions = _dimension_order(items)
    item_sums = [0] * len(items)
    item_counts = [0] * len(items)
    # Per dimension: for respondents who answered k of its items, the sum of their totals.
    totals_by_k: dict[str, dict[int, int]] = {d: {} for d in dimensions}
    respondents_in: dict[str, int] = dict.fromkeys(dimensions, 0)
    plan = [(index, item.question, item.dimension) for index, item in enumerate(items)]
    respondents = 0
    for answers in responses:
        mine: dict[str, list[int]] = {}
        for index, question, dimension in plan:
            answer = _answer_text(answers, question)
            if answer is None:
                continue
            score = scaled[index].get(answer)
            if score is None:
                continue
            item_sums[index] += score
            item_counts[index] += 1
            entry = mine.get(dimension)
            if entry is None:
                mine[dimension] = [score, 1]
            else:
                entry[0] += score
                entry[1] += 1
        if mine:
            respondents += 1
        for dimension, (total, k) in mine.items():
            by_k = totals_by_k[dimension]
            by_k[k] = by_k.get(k, 0) + total
            respondents_in[dimension] += 1
    item_results = tuple(
        ItemResult(
            question=item.question,
            dimension=item.dimension,
            n=n,
            score=round_score(Fraction(total, n * denominator)) if n >= minimum else None,
        )
        for item, total, n in zip(items, item_sums, item_counts, strict=True)
    )
    exact: dict[str, Fraction] = {
        d: sum((Fraction(total, k) for k, total in totals_by_k[d].items()), Fraction(0))
        / (respondents_in[d] * denominator)
        for d in dimensions
        if respondents_in[d] >= minimum
    }
    dimension_results = tuple(
        DimensionResult(
            dimension=d,
            n=respondents_in[d],
            score=round_score(exact[d]) if d in exact else None,
        )
        for d in dimensions
    )
    overall = round_score(_mean(list(exact.values()))) if exact else None
    return Scorecard(
        items=item_results,
        dimensions=dimension_results,
        overall=overall,
        respondents=respondents,
        minimum=minimum,
    )


def scorecards_by[K: Hashable](
    items: Sequence[Item], keyed_responses: Iterable[tuple[K, Mapping[str, Any]]], *, minimum: int
) -> dict[K, Scorecard]:
    """One scorecard per key (a site, a country, a quarter…) of (key, answers) pairs."""
    groups: dict[K, list[Mapping[str, Any]]] = {}
    for key, answers in keyed_responses:
        groups.setdefault(key, []).append(answers)
    return {key: scorecard(items, group, minimum=minimum) for key, group in groups.items()}


def colour(score: float | None, *, green_from: float, amber_from: float) -> Colour | None:
    """Green from `green_from`, amber from `amber_from`, red below; None without a score."""
    if score is None:
        return None
    if score >= green_from:
        return Colour.GREEN
    if score >= amber_from:
        return Colour.AMBER
    return Colour.RED
