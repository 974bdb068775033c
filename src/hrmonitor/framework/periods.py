"""Reporting periods are values, not database rows: a year, a quarter, a month or a range of days.

Every data value is stored with the key of its period:

- ``2019`` — a year: 1 January to 31 December 2019;
- ``2019Q3`` — a quarter: Q1 is January–March, Q2 April–June, Q3 July–September,
  Q4 October–December;
- ``2019-07`` — a month: 1 to 31 July 2019;
- ``2019-03-01..2019-09-30`` — a custom range of days, from 1 March to 30 September 2019.

Rules:

- A period covers every day from its start to its end, both included.
- Keys are read after removing surrounding spaces; the ``Q`` of a quarter may be written in
  lower case and spaces are allowed around the ``..`` of a range. A period always gives back
  its canonical key, as written above.
- Years lie between 1900 and 2200 (both included); a range may not end before it starts.
- Periods are ordered by start date, then by end date; two periods with the same days (the
  year ``2019`` and the range ``2019-01-01..2019-12-31``) are neither before nor after each
  other.
- Roll-up: a month rolls up into its quarter and its year, a quarter into its year. A range
  rolls up only when all its days lie within one quarter (or month, or year) of the requested
  kind. Nothing rolls up into a shorter kind of period, nor into a range.
- Elapsed fraction of a period on a date: the share of the period's days that have passed,
  counting that date as passed. It is 0 before the first day, 1/(number of days) on the first
  day, and 1 on the last day and after.

Error codes (``PeriodError.code``; the parameters are in ``PeriodError.params``, and every
error from ``parse_period`` also has ``key``, the text read):

- ``invalid_period`` — the text is not a period key (``key``);
- ``year_out_of_range`` — a year outside 1900–2200 (``year``, ``min``, ``max``);
- ``invalid_quarter`` — a quarter other than 1–4 (``key``, ``quarter``);
- ``invalid_month`` — a month other than 01–12 (``key``, ``month``);
- ``invalid_date`` — a day that does not exist, such as 30 February (``key``, ``date``);
- ``range_reversed`` — a range, or a list of periods, whose end comes before its start
  (``start``, ``end``);
- ``inconsistent_period`` — a ``Period`` built by hand whose key or dates do not fit its
  type (``key``, ``type``, ``start``, ``end``);
- ``cannot_roll_up`` — the period does not lie within one period of the requested kind
  (``key``, ``to``);
- ``cannot_split`` — the period cannot be divided into periods of the requested kind
  (``key``, ``type``);
- ``type_mismatch`` — two periods of different kinds where one kind is needed
  (``first``, ``last``);
- ``not_calendar_period`` — a range where a year, quarter or month is needed (``key``: the
  period's key, or the date whose range was asked for).
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_EVEN, Context, Decimal
from enum import StrEnum

MIN_YEAR = 1900
MAX_YEAR = 2200

# Explicit, so that a caller's changes to the thread's decimal context do not change results.
_CONTEXT = Context(prec=28, rounding=ROUND_HALF_EVEN)


class PeriodError(ValueError):
    """A period that cannot be read or built; `code` and `params` identify the problem so that
    the web layer can show a translated message."""

    def __init__(self, code: str, message: str, params: Mapping[str, object] | None = None):
        super().__init__(message)
        self.code = code
        self.params: dict[str, object] = dict(params or {})

    def __reduce__(self) -> tuple[type[PeriodError], tuple[str, str, dict[str, object]]]:
        # The default reduce passes only the message back to __init__, which needs the code.
        return (type(self), (self.code, str(self), self.params))


class PeriodType(StrEnum):
    YEAR = "year"
    QUARTER = "quarter"
    MONTH = "month"
    RANGE = "range"


# Longer kinds first: a period rolls up only towards a smaller rank.
_RANK = {PeriodType.YEAR: 0, PeriodType.QUARTER: 1, PeriodType.MONTH: 2}


@dataclass(frozen=True)
class Period:
    """A span of days, both ends included. Build periods with `parse_period`, `year`,
    `quarter`, `month` or `date_range`; building one by hand is checked the same way."""

    key: str
    type: PeriodType
    start: date
    end: date

    def __post_init__(self) -> None:
        object.__setattr__(self, "type", PeriodType(self.type))
        expected = _key_for(self.type, self.start, self.end, self.key)
        if expected != self.key:
            raise PeriodError(
                "inconsistent_period",
                f"Period {self.key!r} of type {self.type} does not match its dates "
                f"{self.start.isoformat()}..{self.end.isoformat()}",
                {
                    "key": self.key,
                    "type": str(self.type),
                    "start": self.start.isoformat(),
                    "end": self.end.isoformat(),
                },
            )

    def __str__(self) -> str:
        return self.key

    @property
    def sort_key(self) -> tuple[date, date]:
        """Periods are ordered by start date, then by end date."""
        return (self.start, self.end)

    def __lt__(self, other: object) -> bool:
        if not isinstance(other, Period):
            return NotImplemented
        return self.sort_key < other.sort_key

    def __le__(self, other: object) -> bool:
        if not isinstance(other, Period):
            return NotImplemented
        return self.sort_key <= other.sort_key

    def __gt__(self, other: object) -> bool:
        if not isinstance(other, Period):
            return NotImplemented
        return self.sort_key > other.sort_key

    def __ge__(self, other: object) -> bool:
        if not isinstance(other, Period):
            return NotImplemented
        return self.sort_key >= other.sort_key

    @property
    def days(self) -> int:
        """Number of days in the period, both ends included."""
        return (self.end - self.start).days + 1

    @property
    def year(self) -> int:
        """The year the period starts in (for a range over several years, its first year)."""
        return self.start.year

    def contains(self, other: Period) -> bool:
        """True when every day of `other` lies within this period (a period contains itself)."""
        return self.start <= other.start and other.end <= self.end

    def overlaps(self, other: Period) -> bool:
        """True when the two periods have at least one day in common."""
        return self.start <= other.end and other.start <= self.end


def _check_year(y: int) -> None:
    if not MIN_YEAR <= y <= MAX_YEAR:
        raise PeriodError(
            "year_out_of_range",
            f"Year {y} is outside {MIN_YEAR}–{MAX_YEAR}",
            {"year": y, "min": MIN_YEAR, "max": MAX_YEAR},
        )


def _last_day(y: int, m: int) -> date:
    return date(y, m, calendar.monthrange(y, m)[1])


def _key_for(kind: PeriodType, start: date, end: date, key: str = "") -> str:
    """The canonical key of a period of `kind` from `start` to `end`, or an error when those
    dates do not form such a period."""
    _check_year(start.year)
    _check_year(end.year)
    if end < start:
        raise PeriodError(
            "range_reversed",
            f"Period ends on {end.isoformat()}, before it starts on {start.isoformat()}",
            {"start": start.isoformat(), "end": end.isoformat()},
        )
    y, m = start.year, start.month
    if kind is PeriodType.RANGE:
        return f"{start.isoformat()}..{end.isoformat()}"
    if start.day == 1:
        if kind is PeriodType.YEAR and m == 1 and end == date(y, 12, 31):
            return f"{y:04d}"
        if kind is PeriodType.QUARTER and m % 3 == 1 and end == _last_day(y, m + 2):
            return f"{y:04d}Q{(m - 1) // 3 + 1}"
        if kind is PeriodType.MONTH and end == _last_day(y, m):
            return f"{y:04d}-{m:02d}"
    raise PeriodError(
        "inconsistent_period",
        f"{start.isoformat()}..{end.isoformat()} is not a {kind}",
        {"key": key, "type": str(kind), "start": start.isoformat(), "end": end.isoformat()},
    )


def _make(kind: PeriodType, start: date, end: date) -> Period:
    return Period(_key_for(kind, start, end), kind, start, end)


def year(y: int) -> Period:
    """The calendar year `y` (1900–2200)."""
    _check_year(y)
    return _make(PeriodType.YEAR, date(y, 1, 1), date(y, 12, 31))


def quarter(y: int, q: int) -> Period:
    """Quarter `q` (1–4) of year `y`: Q1 is January–March, …, Q4 October–December."""
    _check_year(y)
    if not 1 <= q <= 4:
        raise PeriodError(
            "invalid_quarter",
            f"Quarter {q} is not between 1 and 4",
            {"key": f"{y}Q{q}", "quarter": q},
        )
    first_month = 3 * (q - 1) + 1
    return _make(PeriodType.QUARTER, date(y, first_month, 1), _last_day(y, first_month + 2))


def month(y: int, m: int) -> Period:
    """Month `m` (1–12) of year `y`."""
    _check_year(y)
    if not 1 <= m <= 12:
        raise PeriodError(
            "invalid_month",
            f"Month {m} is not between 1 and 12",
            {"key": f"{y}-{m:02d}", "month": m},
        )
    return _make(PeriodType.MONTH, date(y, m, 1), _last_day(y, m))


def date_range(start: date, end: date) -> Period:
    """The days from `start` to `end`, both included."""
    return _make(PeriodType.RANGE, start, end)


def containing(day: date, kind: PeriodType) -> Period:
    """The year, quarter or month of `kind` that contains `day`."""
    kind = PeriodType(kind)
    if kind is PeriodType.YEAR:
        return year(day.year)
    if kind is PeriodType.QUARTER:
        return quarter(day.year, (day.month - 1) // 3 + 1)
    if kind is PeriodType.MONTH:
        return month(day.year, day.month)
    raise PeriodError(
        "not_calendar_period",
        "A range is not a year, quarter or month",
        {"key": day.isoformat()},
    )


_YEAR_RE = re.compile(r"(\d{4})", re.ASCII)
_QUARTER_RE = re.compile(r"(\d{4})[Qq](\d{1,2})", re.ASCII)
_MONTH_RE = re.compile(r"(\d{4})-(\d{2})", re.ASCII)
_RANGE_RE = re.compile(r"(\d{4})-(\d{2})-(\d{2})\s*\.\.\s*(\d{4})-(\d{2})-(\d{2})", re.ASCII)


def _read_date(key: str, y: str, m: str, d: str) -> date:
    _check_year(int(y))
    if not 1 <= int(m) <= 12:
        raise PeriodError(
            "invalid_month",
            f"Month {m} in {key!r} is not between 01 and 12",
            {"key": key, "month": int(m)},
        )
    try:
        return date(int(y), int(m), int(d))
    except ValueError:
        raise PeriodError(
            "invalid_date",
            f"{y}-{m}-{d} in {key!r} is not a date",
            {"key": key, "date": f"{y}-{m}-{d}"},
        ) from None


def parse_period(key: str) -> Period:
    """Read a period key (`2019`, `2019Q3`, `2019-07` or `2019-03-01..2019-09-30`). Every
    error it raises has the parameter `key`: the text read, without surrounding spaces."""
    if not isinstance(key, str):
        raise PeriodError("invalid_period", f"{key!r} is not a period", {"key": repr(key)})
    text = key.strip()
    try:
        return _parse(text)
    except PeriodError as error:
        error.params.setdefault("key", text)
        raise


def _parse(text: str) -> Period:
    if match := _YEAR_RE.fullmatch(text):
        return year(int(match[1]))
    if match := _QUARTER_RE.fullmatch(text):
        y, q = int(match[1]), int(match[2])
        if not 1 <= q <= 4:
            raise PeriodError(
                "invalid_quarter",
                f"Quarter {q} in {text!r} is not between 1 and 4",
                {"key": text, "quarter": q},
            )
        return quarter(y, q)
    if match := _MONTH_RE.fullmatch(text):
        y, m = int(match[1]), int(match[2])
        _check_year(y)
        if not 1 <= m <= 12:
            raise PeriodError(
                "invalid_month",
                f"Month {match[2]} in {text!r} is not between 01 and 12",
                {"key": text, "month": m},
            )
        return month(y, m)
    if match := _RANGE_RE.fullmatch(text):
        start = _read_date(text, match[1], match[2], match[3])
        end = _read_date(text, match[4], match[5], match[6])
        return date_range(start, end)
    raise PeriodError(
        "invalid_period",
        f"{text!r} is not a period: expected 2019, 2019Q3, 2019-07 or 2019-03-01..2019-09-30",
        {"key": text},
    )


def rollup(period: Period, to: PeriodType) -> Period:
    """The year, quarter or month of kind `to` that contains all of `period`.

    A month gives its quarter or year, a quarter its year, and any period gives itself when
    `to` is its own kind. A range rolls up only when it lies within one period of kind `to`.
    """
    to = PeriodType(to)
    if to is not PeriodType.RANGE:
        target = containing(period.start, to)
        if target.contains(period):
            return target
    raise PeriodError(
        "cannot_roll_up",
        f"{period.key} does not lie within a single {to}",
        {"key": period.key, "to": str(to)},
    )


def _index(period: Period) -> int:
    """Position of a calendar period in the sequence of periods of its kind."""
    if period.type is PeriodType.YEAR:
        return period.start.year
    if period.type is PeriodType.QUARTER:
        return period.start.year * 4 + (period.start.month - 1) // 3
    if period.type is PeriodType.MONTH:
        return period.start.year * 12 + period.start.month - 1
    raise PeriodError(
        "not_calendar_period",
        f"{period.key} is a range, not a year, quarter or month",
        {"key": period.key},
    )


def _from_index(kind: PeriodType, index: int) -> Period:
    if kind is PeriodType.YEAR:
        return year(index)
    if kind is PeriodType.QUARTER:
        return quarter(index // 4, index % 4 + 1)
    return month(index // 12, index % 12 + 1)


def shift(period: Period, steps: int) -> Period:
    """The year, quarter or month `steps` periods later (earlier when negative):
    `shift(quarter(2019, 3), -4)` is the same quarter a year before, 2018Q3."""
    return _from_index(period.type, _index(period) + steps)


def periods_between(first: Period, last: Period) -> list[Period]:
    """Every year, quarter or month from `first` to `last`, both included; both must be of the
    same kind, and `last` may not come before `first`."""
    if first.type is not last.type:
        raise PeriodError(
            "type_mismatch",
            f"{first.key} and {last.key} are not the same kind of period",
            {"first": first.key, "last": last.key},
        )
    start, stop = _index(first), _index(last)
    if stop < start:
        raise PeriodError(
            "range_reversed",
            f"{last.key} comes before {first.key}",
            {"start": first.key, "end": last.key},
        )
    return [_from_index(first.type, i) for i in range(start, stop + 1)]


def children(period: Period, kind: PeriodType) -> list[Period]:
    """The shorter calendar periods that make up `period`: a year's 4 quarters or 12 months,
    a quarter's 3 months."""
    kind = PeriodType(kind)
    if (
        period.type is PeriodType.RANGE
        or kind is PeriodType.RANGE
        or _RANK[kind] <= _RANK[period.type]
    ):
        raise PeriodError(
            "cannot_split",
            f"{period.key} cannot be divided into periods of type {kind}",
            {"key": period.key, "type": str(kind)},
        )
    return periods_between(containing(period.start, kind), containing(period.end, kind))


def elapsed_fraction(period: Period, on: date) -> Decimal:
    """Share of the period's days that have passed on `on`, counting `on` itself as passed:
    0 before the first day, (days from the start up to and including `on`) / (days in the
    period) within it, and 1 on the last day and after."""
    if on < period.start:
        return Decimal(0)
    if on >= period.end:
        return Decimal(1)
    return _CONTEXT.divide(Decimal((on - period.start).days + 1), Decimal(period.days))
