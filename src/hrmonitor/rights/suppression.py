"""Small-cell suppression for published counts of documented human-rights violations.

Published tables of cases (by country, period, violation type, perpetrator, key group,
gender) must never let a reader learn about a single person. Two kinds of entries are
withheld; an *entry* is a cell of the table or one of its totals.

Primary suppression
    A count n with 0 < n < k (the threshold, 5 by default) is withheld and shown as
    "<5". Totals are treated alike: a row, column or grand total below the threshold is
    withheld as primary too.

Zeros
    A zero says that nobody was documented, so it is published — with one exception: in
    a *line* (below) whose total is withheld as primary, the zeros are withheld as primary
    as well and shown "<5", which is true of them. Publishing them would tell the reader
    which cells of a "<5" line are non-zero, hence at least 1: with k - 1 such cells, each
    is exactly 1. A total of 0 is published (every entry of its line is 0) unless it is
    itself in a "<5" line (a row total of 0 under a "<5" grand total).

Secondary (complementary) suppression
    A *line* is a group of entries that add up to a total: a row and its row total, a
    column and its column total, the row totals and the grand total, the column totals and
    the grand total (and, with neither row nor column totals, all cells and the grand
    total). A line whose total is published and non-zero must never have exactly one
    withheld entry, which would be the total minus the published rest. While some line
    has, its smallest non-zero published entry is withheld as secondary — or its total,
    when no such entry is left. Ties go to the first in key order (sorted row keys, then
    sorted column keys; cells before row totals, row totals before column totals), and
    lines are visited rows, columns, margin lines, again and again until none changes, so
    the result depends only on the counts, not on the order of the mapping. Secondary
    entries are thus always at least k.

Audit against recomputation
    "At least two withheld per line" is not enough: two "<5" cells whose published line
    leaves 2 for both are both 1, and lines combine (a column can bound a cell that its row
    then pins). After the rule, the method runs an attack by interval propagation. The
    reader knows every published value, that a "<k" entry lies in 1..k-1 (0..k-1 when it is
    in a line whose total is "<k", where zeros are hidden too) and that a secondary entry is
    not 0. For every line, the total lies between the sums of its entries' lower and upper
    bounds, and each entry between the total's bounds minus the others' upper and lower
    bounds; this is repeated until no bound moves. If a non-zero "<k" count is left with a
    single possible value, the smallest non-zero published entry of a line through it (or,
    failing that, of the table) is withheld as secondary, and rule and attack run again.
    Withholding more never narrows the attack's intervals, so this ends: safe, or with every
    non-zero entry withheld. The audit is then repeated for a reader who also knows that a
    secondary entry is at least k (as anyone reading this docstring does); if withholding
    more cannot make the table safe against that reader, the first result is kept rather
    than withholding everything in vain. A zero hidden in a "<k" line may be found to be 0
    (through a crossing line whose total is 0): that reveals nobody and leaves the other
    entries of the line open, so the audit lets it be.

Guarantees (checked by property tests with an independent implementation of the attack)
    (a) every published non-zero entry is at least k;
    (b) no line with a published non-zero total has exactly one withheld entry;
    (c) for k >= 3, the attack pins no non-zero "<k" count for a reader who knows that a
        secondary entry is not 0, unless every non-zero entry is withheld already — which
        happens in rare, tiny tables, e.g. k = 3, cells 1 0 / 1 0 with row and column totals
        but no grand total: the column total 0 shows that each "<3" row holds its case in
        the first column, and the "<3" first column then holds exactly 1 + 1;
    (c') the same for a reader who knows that a secondary entry is at least k, unless even
        withholding every non-zero entry would not prevent it (e.g. k = 3, cells 2 2 / 1 1:
        the two column totals, withheld and so known to be at least 3 each, add up to at
        least 6, which the "<3" top cells and the "<3" total of the bottom row reach only as
        2 + 2 + 2).
    With k = 2 no count is hidden: "<2" can only be 1 (outside a "<2" line).

Display
    A published entry shows its value, a primary one "<k" (e.g. "<5"), a secondary one
    "x" (``WITHHELD_MARK``): a secondary entry is at least k, so "<k" would be false.

Limits
    - It is a rule-based method with an interval audit, not an exact (linear or integer
      programming) audit: a reader who solves the integer program over all lines at once
      can sometimes narrow a withheld count further than interval propagation does.
    - The audit does not use the choice rule itself (a secondary entry was the smallest
      published one of its line when it was chosen), which narrows it further.
    - One table at a time: other tables from the same cases (another breakdown, an earlier
      release, the same table for an overlapping period) are not taken into account, and
      differences between them can undo the protection. A total published elsewhere for a
      series published here without one does the same.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

Reason = Literal["primary", "secondary"]

DEFAULT_THRESHOLD = 5
# What a secondary entry shows: it is at least the threshold, so "<5" would be false.
WITHHELD_MARK = "x"


@dataclass(frozen=True)
class Published:
    """One entry of a published table: its value, or why it is withheld."""

    value: int | None
    suppressed: bool
    reason: Reason | None

    def __post_init__(self) -> None:
        if self.suppressed != (self.value is None) or self.suppressed != (self.reason is not None):
            raise ValueError("a withheld entry has a reason and no value, a published one neither")

    def display(self, threshold: int) -> str:
        """The value, "<threshold" for a primary entry, ``WITHHELD_MARK`` for a secondary one."""
        if self.reason == "primary":
            return f"<{threshold}"
        if self.reason == "secondary":
            return WITHHELD_MARK
        return str(self.value)


@dataclass(frozen=True)
class SuppressedTable:
    """A two-way table ready to publish. Rows and columns keep the order in which they first
    appear in the counts; a (row, column) pair missing from the counts is a zero."""

    threshold: int
    rows: list[str]
    columns: list[str]
    _cells: Mapping[tuple[str, str], Published]
    _row_totals: Mapping[str, Published] | None
    _column_totals: Mapping[str, Published] | None
    _grand_total: Published | None

    def cell(self, row: str, column: str) -> Published:
        return self._cells[(row, column)]

    def row_total(self, row: str) -> Published:
        if self._row_totals is None:
            raise LookupError("row totals are not published in this table")
        return self._row_totals[row]

    def column_total(self, column: str) -> Published:
        if self._column_totals is None:
            raise LookupError("column totals are not published in this table")
        return self._column_totals[column]

    def grand_total(self) -> Published:
        if self._grand_total is None:
            raise LookupError("the grand total is not published in this table")
        return self._grand_total

    @property
    def suppressed_count(self) -> int:
        """How many cells of the body of the table are withheld (totals not counted)."""
        return sum(entry.suppressed for entry in self._cells.values())


@dataclass(frozen=True)
class SuppressedSeries:
    """A one-way table (counts by category) ready to publish, in the order of the counts."""

    threshold: int
    categories: list[str]
    _counts: Mapping[str, Published]
    _total: Published | None

    def count(self, category: str) -> Published:
        return self._counts[category]

    def total(self) -> Published:
        if self._total is None:
            raise LookupError("the total is not published in this series")
        return self._total

    @property
    def suppressed_count(self) -> int:
        """How many categories are withheld (the total not counted)."""
        return sum(entry.suppressed for entry in self._counts.values())


def suppress_table(
    cells: Mapping[tuple[str, str], int],
    *,
    threshold: int = DEFAULT_THRESHOLD,
    row_totals: bool = True,
    column_totals: bool = True,
    grand_total: bool = True,
) -> SuppressedTable:
    """Withhold the small counts of a two-way table and every entry from which one could be
    recomputed (see the module docstring for the rules and their limits)."""
    _check_threshold(threshold)
    for key, count in cells.items():
        _check_count(count, key)
    rows = list(dict.fromkeys(row for row, _ in cells))
    columns = list(dict.fromkeys(column for _, column in cells))
    sorted_rows, sorted_columns = sorted(rows), sorted(columns)

    # Entries are numbered in key order, which is the tie-break order.
    values: list[int] = []

    def entry(value: int) -> int:
        values.append(value)
        return len(values) - 1

    cell_at = {
        (row, column): entry(cells.get((row, column), 0))
        for row in sorted_rows
        for column in sorted_columns
    }
    row_members = {row: tuple(cell_at[(row, column)] for column in sorted_columns) for row in rows}
    column_members = {
        column: tuple(cell_at[(row, column)] for row in sorted_rows) for column in columns
    }
    row_at = {row: entry(sum(values[i] for i in row_members[row])) for row in sorted_rows}
    column_at = {
        column: entry(sum(values[i] for i in column_members[column])) for column in sorted_columns
    }
    grand_at = entry(sum(values[i] for i in cell_at.values()))

    lines: list[_Line] = []
    if row_totals:
        lines += [_Line(row_at[row], row_members[row]) for row in sorted_rows]
    if column_totals:
        lines += [_Line(column_at[column], column_members[column]) for column in sorted_columns]
    if grand_total:
        if row_totals:
            lines.append(_Line(grand_at, tuple(row_at[row] for row in sorted_rows)))
        if column_totals:
            lines.append(_Line(grand_at, tuple(column_at[c] for c in sorted_columns)))
        if not row_totals and not column_totals:
            lines.append(_Line(grand_at, tuple(cell_at.values())))

    reasons = _suppress(values, lines, threshold)

    def published(index: int) -> Published:
        return _published(values[index], reasons[index])

    return SuppressedTable(
        threshold=threshold,
        rows=rows,
        columns=columns,
        _cells={key: published(index) for key, index in cell_at.items()},
        _row_totals={row: published(row_at[row]) for row in rows} if row_totals else None,
        _column_totals=(
            {column: published(column_at[column]) for column in columns} if column_totals else None
        ),
        _grand_total=published(grand_at) if grand_total else None,
    )


def suppress_series(
    counts: Mapping[str, int], *, threshold: int = DEFAULT_THRESHOLD, total: bool = True
) -> SuppressedSeries:
    """Withhold the small counts of a one-way table (e.g. cases by violation type) by the
    same rules as ``suppress_table``: the series and its total form a single line."""
    _check_threshold(threshold)
    for category, count in counts.items():
        _check_count(count, category)
    categories = list(counts)
    values = [counts[category] for category in sorted(categories)]
    count_at = {category: index for index, category in enumerate(sorted(categories))}
    values.append(sum(values))
    total_at = len(values) - 1
    lines = [_Line(total_at, tuple(range(total_at)))] if total else []

    reasons = _suppress(values, lines, threshold)
    return SuppressedSeries(
        threshold=threshold,
        categories=categories,
        _counts={c: _published(values[count_at[c]], reasons[count_at[c]]) for c in categories},
        _total=_published(values[total_at], reasons[total_at]) if total else None,
    )


@dataclass(frozen=True)
class _Line:
    """Entries (indices) that add up to a total entry."""

    total: int
    members: tuple[int, ...]

    @property
    def entries(self) -> tuple[int, ...]:
        return (self.total, *self.members)


# A lower and an upper bound; None as upper bound means unbounded.
_Bounds = tuple[int, int | None]


def _suppress(values: Sequence[int], lines: Sequence[_Line], threshold: int) -> list[Reason | None]:
    """The reason each entry is withheld (None: published)."""
    reasons: list[Reason | None] = ["primary" if 0 < v < threshold else None for v in values]
    # Zeros of a line whose total is withheld as primary are withheld too; a hidden zero
    # total (of a row, under a "<k" grand total) hides its own line in turn.
    changed = True
    while changed:
        changed = False
        for line in lines:
            if reasons[line.total] == "primary":
                for member in line.members:
                    if reasons[member] is None:
                        reasons[member] = "primary"
                        changed = True

    # Safe against a reader who takes a secondary entry to be at least 1 — always reachable —
    # then, if more withholding achieves it, against one who knows it is at least k.
    _audit(values, lines, reasons, threshold, secondary_at_least=1)
    stronger = list(reasons)
    if _audit(values, lines, stronger, threshold, secondary_at_least=threshold):
        return stronger
    return reasons


def _audit(
    values: Sequence[int],
    lines: Sequence[_Line],
    reasons: list[Reason | None],
    threshold: int,
    *,
    secondary_at_least: int,
) -> bool:
    """Withhold more until no line has a single withheld entry and the attack pins no small
    count; False if the table ran out of entries to withhold first."""
    while True:
        _protect_lines(values, lines, reasons)
        pinned = _first_pinned(values, lines, reasons, threshold, secondary_at_least)
        if pinned is None:
            return True
        extra = _complement_for(pinned, values, lines, reasons)
        if extra is None:
            return False
        reasons[extra] = "secondary"


def _protect_lines(
    values: Sequence[int], lines: Sequence[_Line], reasons: list[Reason | None]
) -> None:
    """The classic rule: no line with a published non-zero total has a single withheld entry."""
    changed = True
    while changed:
        changed = False
        for line in lines:
            if reasons[line.total] is not None or values[line.total] == 0:
                continue
            if sum(reasons[member] is not None for member in line.members) != 1:
                continue
            candidates = [m for m in line.members if reasons[m] is None and values[m] > 0]
            chosen = min(candidates, key=lambda m: (values[m], m)) if candidates else line.total
            reasons[chosen] = "secondary"
            changed = True


def _prior_bounds(
    values: Sequence[int],
    lines: Sequence[_Line],
    reasons: Sequence[Reason | None],
    threshold: int,
    secondary_at_least: int,
) -> list[_Bounds]:
    """What a reader knows of each entry before combining lines."""
    may_be_hidden_zero = {
        member for line in lines if reasons[line.total] == "primary" for member in line.members
    }
    bounds: list[_Bounds] = []
    for index, (value, reason) in enumerate(zip(values, reasons, strict=True)):
        if reason is None:
            bounds.append((value, value))
        elif reason == "primary":
            bounds.append((0 if index in may_be_hidden_zero else 1, threshold - 1))
        else:
            bounds.append((secondary_at_least, None))
    return bounds


def _propagate(bounds: list[_Bounds], lines: Sequence[_Line]) -> list[_Bounds]:
    """Narrow the bounds line by line (total = sum of members) until none moves."""
    bounds = list(bounds)
    changed = True
    while changed:
        changed = False
        for line in lines:
            members = [bounds[m] for m in line.members]
            total_low, total_high = bounds[line.total]
            low_sum = sum(low for low, _ in members)
            unbounded = sum(high is None for _, high in members)
            high_sum = sum(high for _, high in members if high is not None)
            new_total = (
                max(total_low, low_sum),
                _min_high(total_high, None if unbounded else high_sum),
            )
            updates = {line.total: new_total}
            for member, (low, high) in zip(line.members, members, strict=True):
                others_low = low_sum - low
                new_high = _min_high(high, None if total_high is None else total_high - others_low)
                others_unbounded = unbounded - (high is None)
                new_low = low
                if not others_unbounded:
                    others_high = high_sum - (high if high is not None else 0)
                    new_low = max(low, total_low - others_high)
                updates[member] = (new_low, new_high)
            for index, new in updates.items():
                if new != bounds[index]:
                    bounds[index] = new
                    changed = True
    return bounds


def _min_high(a: int | None, b: int | None) -> int | None:
    if a is None:
        return b
    return a if b is None else min(a, b)


def _first_pinned(
    values: Sequence[int],
    lines: Sequence[_Line],
    reasons: Sequence[Reason | None],
    threshold: int,
    secondary_at_least: int,
) -> int | None:
    """The first non-zero primary entry that the attack narrows to a single value (a hidden
    zero found to be 0 reveals nobody, and leaves the other entries of its line open)."""
    if threshold < 3:  # "<2" is 1 anyway: there is nothing left to hide
        return None
    prior = _prior_bounds(values, lines, reasons, threshold, secondary_at_least)
    after = _propagate(prior, lines)
    for index, reason in enumerate(reasons):
        low, high = after[index]
        if reason == "primary" and values[index] > 0 and high == low:
            return index
    return None


def _complement_for(
    pinned: int, values: Sequence[int], lines: Sequence[_Line], reasons: Sequence[Reason | None]
) -> int | None:
    """The entry to withhold next for a pinned one: the smallest non-zero published entry of a
    line through it, or else of the whole table."""
    near = {e for line in lines if pinned in line.entries for e in line.entries}
    for pool in (near, range(len(values))):
        candidates = [e for e in pool if reasons[e] is None and values[e] > 0]
        if candidates:
            return min(candidates, key=lambda e: (values[e], e))
    return None


def _published(value: int, reason: Reason | None) -> Published:
    if reason is None:
        return Published(value=value, suppressed=False, reason=None)
    return Published(value=None, suppressed=True, reason=reason)


def _check_threshold(threshold: int) -> None:
    if isinstance(threshold, bool) or not isinstance(threshold, int) or threshold < 2:
        raise ValueError(f"the threshold must be an integer of at least 2, not {threshold!r}")


def _check_count(count: int, key: object) -> None:
    if isinstance(count, bool) or not isinstance(count, int) or count < 0:
        raise ValueError(f"the count of {key!r} must be a non-negative integer, not {count!r}")
