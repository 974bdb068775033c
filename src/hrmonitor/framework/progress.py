"""Where an indicator stands against its baseline and its target.

Percent of target
    The share of the distance from the baseline to the target that has been covered, × 100.
    For an indicator that should increase: (actual − baseline) ÷ (target − baseline) × 100;
    for one that should decrease: (baseline − actual) ÷ (baseline − target) × 100. With
    baseline 2 and target 10, an actual value of 6 is 50 %. The result is not cut off: it is
    above 100 when the target is beaten and below 0 when the indicator moved away from it.

    - No baseline: an indicator that should increase is measured from 0; for one that should
      decrease the starting point is unknown, so there is no percentage.
    - Target equal to the baseline: 100 when the actual value is at the target or beyond it
      in the intended direction, otherwise 0.
    - A target on the wrong side of the baseline (below it for an indicator that should
      increase) is an error in the targets, reported as such.

How status is decided (in this order)
    1. No actual value: **no data**.
    2. No target: **no target**.
    3. The actual value is at the target or beyond it in the intended direction: **achieved**.
    4. An indicator that should decrease and has no baseline: **no baseline** (its progress
       cannot be measured).
    5. Otherwise the progress made is compared with the progress expected by now on a
       straight line from the baseline (at the start of the target period) to the target (at
       its end): expected = the share of the target period elapsed, from 0 to 1; achieved =
       percent of target ÷ 100; ratio = achieved ÷ expected.

       - ratio ≥ 0.9: **on track** (progress is at least 90 % of what is expected by now);
       - ratio ≥ 0.6: **at risk**;
       - below 0.6, or moving away from the target: **off track**.

       Before the target period starts nothing is expected yet: the indicator is on track
       unless it has moved away from its target. The thresholds 0.9 and 0.6 are the default
       ``ProgressRule`` and may be set per indicator (0 ≤ at risk ≤ on track ≤ 1).

    A target on the wrong side of the baseline gets no status: it is reported as an error in
    the targets, whatever the actual value.

Trend
    The least-squares slope of the values over time, in units per year. A period is placed at
    its middle; time is measured in calendar years, each day counting as a fraction of its own
    year, so that yearly values a year apart are exactly one year apart. There is no trend with
    fewer than two values, or when all values are for the same time.

Error codes (``ProgressError.code``):

- ``target_against_direction`` — the target lies on the wrong side of the baseline
  (``baseline``, ``target``, ``direction``);
- ``invalid_elapsed`` — an elapsed share outside 0–1 (``elapsed``);
- ``invalid_rule`` — thresholds not in the order 0 ≤ at risk ≤ on track ≤ 1 (``on_track``,
  ``at_risk``);
- ``invalid_value`` — a value that is not a finite number (``name``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_EVEN, Context, Decimal
from enum import StrEnum

from hrmonitor.framework.periods import Period

_CONTEXT = Context(prec=28, rounding=ROUND_HALF_EVEN)
# The trend subtracts positions in time (about 2019.5) from each other; extra digits keep
# the differences as precise as the result.
_WIDE = Context(prec=50, rounding=ROUND_HALF_EVEN)
_HUNDRED = Decimal(100)


class ProgressError(ValueError):
    """Baselines, targets or settings that do not allow measuring progress; `code` and
    `params` identify the problem so that the web layer can show a translated message."""

    def __init__(self, code: str, message: str, params: Mapping[str, object] | None = None):
        super().__init__(message)
        self.code = code
        self.params: dict[str, object] = dict(params or {})

    def __reduce__(self) -> tuple[type[ProgressError], tuple[str, str, dict[str, object]]]:
        # The default reduce passes only the message back to __init__, which needs the code.
        return (type(self), (self.code, str(self), self.params))


class Direction(StrEnum):
    INCREASE = "increase"
    DECREASE = "decrease"


class Status(StrEnum):
    ACHIEVED = "achieved"
    ON_TRACK = "on_track"
    AT_RISK = "at_risk"
    OFF_TRACK = "off_track"
    NO_TARGET = "no_target"
    NO_DATA = "no_data"
    NO_BASELINE = "no_baseline"


def _check_finite(**values: Decimal | None) -> None:
    for name, value in values.items():
        if value is not None and not (isinstance(value, Decimal) and value.is_finite()):
            raise ProgressError(
                "invalid_value", f"{name} ({value!r}) is not a finite number", {"name": name}
            )


@dataclass(frozen=True)
class ProgressRule:
    """Thresholds on the ratio of achieved to expected progress: at least `on_track` (0.9 by
    default) is on track, at least `at_risk` (0.6) at risk, below that off track."""

    on_track: Decimal = Decimal("0.9")
    at_risk: Decimal = Decimal("0.6")

    def __post_init__(self) -> None:
        _check_finite(on_track=self.on_track, at_risk=self.at_risk)
        if not Decimal(0) <= self.at_risk <= self.on_track <= Decimal(1):
            raise ProgressError(
                "invalid_rule",
                f"Thresholds must be 0 ≤ at risk ≤ on track ≤ 1, "
                f"not at risk {self.at_risk} and on track {self.on_track}",
                {"on_track": str(self.on_track), "at_risk": str(self.at_risk)},
            )


DEFAULT_RULE = ProgressRule()


def _target_met(target: Decimal, actual: Decimal, direction: Direction) -> bool:
    return actual >= target if direction is Direction.INCREASE else actual <= target


def _check_direction(baseline: Decimal, target: Decimal, direction: Direction) -> Decimal:
    """The distance from baseline to target in the intended direction, which may not be
    negative."""
    sign = 1 if direction is Direction.INCREASE else -1
    distance = _CONTEXT.multiply(_CONTEXT.subtract(target, baseline), Decimal(sign))
    if distance < 0:
        raise ProgressError(
            "target_against_direction",
            f"Target {target} is on the wrong side of baseline {baseline} "
            f"for an indicator that should {direction}",
            {"baseline": str(baseline), "target": str(target), "direction": str(direction)},
        )
    return distance


def percent_of_target(
    baseline: Decimal | None,
    target: Decimal | None,
    actual: Decimal | None,
    direction: Direction,
) -> Decimal | None:
    """The share of the baseline-to-target distance covered by `actual`, × 100, or None
    without an actual value, a target, or (for a decrease) a baseline. See the module
    documentation for the rule."""
    direction = Direction(direction)
    _check_finite(baseline=baseline, target=target, actual=actual)
    if actual is None or target is None:
        return None
    if baseline is None:
        if direction is Direction.DECREASE:
            return None
        baseline = Decimal(0)
    distance = _check_direction(baseline, target, direction)
    sign = 1 if direction is Direction.INCREASE else -1
    if distance == 0:
        return _HUNDRED if _target_met(target, actual, direction) else Decimal(0)
    covered = _CONTEXT.multiply(_CONTEXT.subtract(actual, baseline), Decimal(sign))
    return _CONTEXT.divide(_CONTEXT.multiply(covered, _HUNDRED), distance)


def progress_status(
    baseline: Decimal | None,
    target: Decimal | None,
    actual: Decimal | None,
    direction: Direction,
    elapsed: Decimal,
    rule: ProgressRule = DEFAULT_RULE,
) -> Status:
    """The status of an indicator, given the share of its target period `elapsed` (0 to 1,
    see `periods.elapsed_fraction`). The rule is in the module documentation, under "How
    status is decided"."""
    direction = Direction(direction)
    _check_finite(baseline=baseline, target=target, actual=actual, elapsed=elapsed)
    if not Decimal(0) <= elapsed <= Decimal(1):
        raise ProgressError(
            "invalid_elapsed",
            f"Elapsed share {elapsed} is not between 0 and 1",
            {"elapsed": str(elapsed)},
        )
    if baseline is not None and target is not None:
        # Checked before anything else, so that a bad target is reported even while an
        # indicator has no data or has already met it.
        _check_direction(baseline, target, direction)
    if actual is None:
        return Status.NO_DATA
    if target is None:
        return Status.NO_TARGET
    if _target_met(target, actual, direction):
        return Status.ACHIEVED
    percent = percent_of_target(baseline, target, actual, direction)
    if percent is None:
        return Status.NO_BASELINE
    achieved = _CONTEXT.divide(percent, _HUNDRED)
    # Also settles elapsed == 0, where no ratio exists: nothing is expected yet.
    if achieved >= elapsed:
        return Status.ON_TRACK
    if elapsed == 0:
        return Status.OFF_TRACK
    ratio = _CONTEXT.divide(achieved, elapsed)
    if ratio >= rule.on_track:
        return Status.ON_TRACK
    if ratio >= rule.at_risk:
        return Status.AT_RISK
    return Status.OFF_TRACK


def _position(day: date) -> Decimal:
    """A day as a point in time counted in years: its year plus the share of that year
    before it (1 July 2019 is 2019 + 181/365)."""
    first = date(day.year, 1, 1)
    length = (date(day.year + 1, 1, 1) - first).days
    return _WIDE.add(Decimal(day.year), _WIDE.divide(Decimal((day - first).days), length))


def _middle(period: Period) -> Decimal:
    # The end is the start of the day after the period, so a year spans exactly 1.
    end = _position(period.end + timedelta(days=1))
    return _WIDE.divide(_WIDE.add(_position(period.start), end), 2)


def trend(points: Sequence[tuple[Period, Decimal | None]]) -> Decimal | None:
    """Least-squares slope per year of the values over time; points without a value are left
    out. None with fewer than two values or when all are for the same time."""
    present = [(period, value) for period, value in points if value is not None]
    _check_finite(**{f"value {i}": value for i, (_, value) in enumerate(present)})
    if len(present) < 2:
        return None
    xs = [_middle(period) for period, _ in present]
    ys = [value for _, value in present]
    count = Decimal(len(present))
    mean_x = _WIDE.divide(_wide_sum(xs), count)
    mean_y = _WIDE.divide(_wide_sum(ys), count)
    numerator = Decimal(0)
    denominator = Decimal(0)
    for x, y in zip(xs, ys, strict=True):
        dx = _WIDE.subtract(x, mean_x)
        numerator = _WIDE.add(numerator, _WIDE.multiply(dx, _WIDE.subtract(y, mean_y)))
        denominator = _WIDE.add(denominator, _WIDE.multiply(dx, dx))
    if denominator == 0:
        return None
    return _CONTEXT.divide(numerator, denominator)


def _wide_sum(values: Sequence[Decimal]) -> Decimal:
    total = Decimal(0)
    for value in values:
        total = _WIDE.add(total, value)
    return total
