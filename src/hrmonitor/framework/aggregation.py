"""Aggregation of indicator values across countries (space) and across periods (time).

A missing value is never taken as 0: it is left out, and when every value is missing the
result is missing too.

Across countries (``SpaceAggregation``):

- ``sum`` — the sum of the values reported;
- ``mean`` — the sum of the values reported divided by how many were reported;
- ``count_meeting`` — how many of the values reported meet the condition (for example
  ``>= 1``: the number of countries with at least one programme);
- ``share_meeting`` — the values reported that meet the condition, as a percentage of all
  values reported: count meeting ÷ count reported × 100. Countries that did not report are
  in neither count;
- ``none`` — the indicator is not aggregated across countries: no regional value.

Across periods (``TimeAggregation``), over periods that do not overlap:

- ``sum`` — the sum of the values of the periods that have one;
- ``mean`` — their mean;
- ``latest`` — the value of the latest period that has one (the period ending last; if two
  end on the same day, the one starting last).

Sums are exact; means and percentages are computed to 28 significant digits, rounding halves
to the nearest even digit.

For lineage, each ``…_explained`` function also returns the positions (from 0) of the inputs
the result depends on: for ``sum`` and ``mean`` the inputs that have a value; for
``count_meeting`` and ``share_meeting`` every input that has a value, whether it meets the
condition or not (each could change the result); for ``latest`` the latest input with a value;
for ``none``, and when no input has a value, none.

Error codes (``AggregationError.code``):

- ``invalid_operator`` — a condition operator other than ``>= > = <= < !=`` (``operator``);
- ``invalid_condition`` — a condition that cannot be read, or whose value is not a finite
  number (``text``);
- ``condition_required`` — ``count_meeting`` or ``share_meeting`` without a condition
  (``how``);
- ``invalid_value`` — a value that is not a finite number (``index``);
- ``overlapping_periods`` — two periods of a time aggregation share days, which would count
  those days twice (``first``, ``second``).
"""

from __future__ import annotations

import operator as _operator
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from decimal import MAX_EMAX, MAX_PREC, MIN_EMIN, ROUND_HALF_EVEN, Context, Decimal
from enum import StrEnum

from hrmonitor.framework.periods import Period

# Sums of any number of values, exact: the precision is only a limit, never reached in use.
_EXACT = Context(prec=MAX_PREC, Emax=MAX_EMAX, Emin=MIN_EMIN)
_CONTEXT = Context(prec=28, rounding=ROUND_HALF_EVEN)


class AggregationError(ValueError):
    """Values or settings that cannot be aggregated; `code` and `params` identify the problem
    so that the web layer can show a translated message."""

    def __init__(self, code: str, message: str, params: Mapping[str, object] | None = None):
        super().__init__(message)
        self.code = code
        self.params: dict[str, object] = dict(params or {})

    def __reduce__(self) -> tuple[type[AggregationError], tuple[str, str, dict[str, object]]]:
        # The default reduce passes only the message back to __init__, which needs the code.
        return (type(self), (self.code, str(self), self.params))


class SpaceAggregation(StrEnum):
    SUM = "sum"
    MEAN = "mean"
    COUNT_MEETING = "count_meeting"
    SHARE_MEETING = "share_meeting"
    NONE = "none"


class TimeAggregation(StrEnum):
    SUM = "sum"
    MEAN = "mean"
    LATEST = "latest"


_OPERATORS: dict[str, Callable[[Decimal, Decimal], bool]] = {
    ">=": _operator.ge,
    ">": _operator.gt,
    "=": _operator.eq,
    "<=": _operator.le,
    "<": _operator.lt,
    "!=": _operator.ne,
}
OPERATORS = tuple(_OPERATORS)


@dataclass(frozen=True)
class Condition:
    """A test a value meets or not, such as ``>= 1``: `operator` is one of
    ``>= > = <= < !=`` and values are compared exactly (``1.0`` equals ``1``)."""

    operator: str
    value: Decimal

    def __post_init__(self) -> None:
        if self.operator not in _OPERATORS:
            raise AggregationError(
                "invalid_operator",
                f"{self.operator!r} is not one of {' '.join(OPERATORS)}",
                {"operator": self.operator},
            )
        if not isinstance(self.value, Decimal) or not self.value.is_finite():
            raise AggregationError(
                "invalid_condition",
                f"{self.value!r} is not a finite number",
                {"text": f"{self.operator} {self.value}"},
            )

    def holds(self, x: Decimal) -> bool:
        """True when `x` meets the condition."""
        return _OPERATORS[self.operator](x, self.value)

    def __str__(self) -> str:
        return f"{self.operator} {self.value}"


_CONDITION_RE = re.compile(r"\s*(>=|<=|!=|>|<|=)\s*(-?[0-9]+(?:\.[0-9]+)?)\s*")


def parse_condition(text: str) -> Condition:
    """Read a condition written as ``str(condition)`` gives it: an operator then a number,
    such as ``>= 1`` or ``< 0.5``."""
    match = _CONDITION_RE.fullmatch(text)
    if not match:
        raise AggregationError(
            "invalid_condition",
            f"{text!r} is not a condition such as '>= 1'",
            {"text": text},
        )
    return Condition(match[1], Decimal(match[2]))


def _check_finite(values: Sequence[Decimal | None]) -> None:
    for index, value in enumerate(values):
        if value is not None and not value.is_finite():
            raise AggregationError(
                "invalid_value", f"Value {index} ({value}) is not a finite number", {"index": index}
            )


def _exact_sum(values: Sequence[Decimal]) -> Decimal:
    total = Decimal(0)
    for value in values:
        total = _EXACT.add(total, value)
    return total


def _mean(values: Sequence[Decimal]) -> Decimal:
    return _CONTEXT.divide(_exact_sum(values), Decimal(len(values)))


def aggregate_space_explained(
    values: Sequence[Decimal | None],
    how: SpaceAggregation,
    condition: Condition | None = None,
) -> tuple[Decimal | None, list[int]]:
    """The value for a group of countries from the values of each (None where a country has
    no value), and the positions of the values it depends on. See the module documentation
    for each way of aggregating. `condition` is needed by ``count_meeting`` and
    ``share_meeting`` and ignored by the others."""
    how = SpaceAggregation(how)
    _check_finite(values)
    counting = how in (SpaceAggregation.COUNT_MEETING, SpaceAggregation.SHARE_MEETING)
    if counting and condition is None:
        raise AggregationError(
            "condition_required", f"Aggregation {how} needs a condition", {"how": str(how)}
        )
    reported = [index for index, value in enumerate(values) if value is not None]
    if how is SpaceAggregation.NONE or not reported:
        return None, []
    present = [v for v in values if v is not None]
    if how is SpaceAggregation.SUM:
        return _exact_sum(present), reported
    if how is SpaceAggregation.MEAN:
        return _mean(present), reported
    meeting = sum(1 for v in present if condition is not None and condition.holds(v))
    if how is SpaceAggregation.COUNT_MEETING:
        return Decimal(meeting), reported
    return _CONTEXT.divide(Decimal(meeting * 100), Decimal(len(present))), reported


def aggregate_space(
    values: Sequence[Decimal | None],
    how: SpaceAggregation,
    condition: Condition | None = None,
) -> Decimal | None:
    """The value for a group of countries (see `aggregate_space_explained`)."""
    return aggregate_space_explained(values, how, condition)[0]


def _check_no_overlap(periods: Sequence[Period]) -> None:
    ordered = sorted(periods, key=lambda p: p.sort_key)
    for previous, current in zip(ordered, ordered[1:], strict=False):
        if current.start <= previous.end:
            raise AggregationError(
                "overlapping_periods",
                f"Periods {previous.key} and {current.key} overlap",
                {"first": previous.key, "second": current.key},
            )


def aggregate_time_explained(
    points: Sequence[tuple[Period, Decimal | None]], how: TimeAggregation
) -> tuple[Decimal | None, list[int]]:
    """The value over several periods from the value of each (None where a period has no
    value), and the positions of the points it depends on. The periods may come in any order
    but may not overlap. See the module documentation for each way of aggregating."""
    how = TimeAggregation(how)
    _check_finite([value for _, value in points])
    _check_no_overlap([period for period, _ in points])
    reported = [index for index, (_, value) in enumerate(points) if value is not None]
    if not reported:
        return None, []
    present = [v for _, v in points if v is not None]
    if how is TimeAggregation.SUM:
        return _exact_sum(present), reported
    if how is TimeAggregation.MEAN:
        return _mean(present), reported
    latest = max(reported, key=lambda i: (points[i][0].end, points[i][0].start))
    return points[latest][1], [latest]


def aggregate_time(
    points: Sequence[tuple[Period, Decimal | None]], how: TimeAggregation
) -> Decimal | None:
    """The value over several periods (see `aggregate_time_explained`)."""
    return aggregate_time_explained(points, how)[0]
