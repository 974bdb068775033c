"""Small-cell suppression of published human-rights case counts: primary and secondary
suppression, and that no withheld small count can be recomputed from what is published."""

from __future__ import annotations

import math
from collections.abc import Mapping

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hrmonitor.rights.suppression import (
    WITHHELD_MARK,
    Published,
    SuppressedSeries,
    SuppressedTable,
    suppress_series,
    suppress_table,
)

Key = tuple[str, ...]
Line = tuple[Key, list[Key]]


# --- The reader's view and the recomputation attack -------------------------------------


def table_entries(
    table: SuppressedTable, *, row_totals: bool, column_totals: bool, grand_total: bool
) -> tuple[dict[Key, Published], list[Line]]:
    """Every published entry of a table by key, and the lines (total, members) that a reader
    knows add up: rows, columns, and the margins with the grand total."""
    entries: dict[Key, Published] = {
        ("cell", row, column): table.cell(row, column)
        for row in table.rows
        for column in table.columns
    }
    lines: list[Line] = []
    if row_totals:
        for row in table.rows:
            entries[("row", row)] = table.row_total(row)
            lines.append((("row", row), [("cell", row, column) for column in table.columns]))
    if column_totals:
        for column in table.columns:
            entries[("column", column)] = table.column_total(column)
            lines.append((("column", column), [("cell", row, column) for row in table.rows]))
    if grand_total:
        entries[("grand",)] = table.grand_total()
        if row_totals:
            lines.append((("grand",), [("row", row) for row in table.rows]))
        if column_totals:
            lines.append((("grand",), [("column", column) for column in table.columns]))
        if not row_totals and not column_totals:
            lines.append((("grand",), [key for key in entries if key[0] == "cell"]))
    return entries, lines


def series_entries(
    series: SuppressedSeries, *, total: bool
) -> tuple[dict[Key, Published], list[Line]]:
    entries: dict[Key, Published] = {("count", c): series.count(c) for c in series.categories}
    lines: list[Line] = []
    if total:
        lines.append((("total",), list(entries)))
        entries[("total",)] = series.total()
    return entries, lines


def prior_bounds(
    entries: Mapping[Key, Published], lines: list[Line], threshold: int, secondary_at_least: int
) -> dict[Key, tuple[float, float]]:
    """What a reader who knows the method learns from the labels alone: a published value is
    exact; "<k" is 1..k-1, or 0..k-1 in a line whose total is "<k" (its zeros are hidden
    too); a secondary entry is never 0 and, for a reader who knows where secondary entries
    come from, at least k."""
    in_small_line = {
        member
        for total, members in lines
        if entries[total].reason == "primary"
        for member in members
    }
    bounds: dict[Key, tuple[float, float]] = {}
    for key, entry in entries.items():
        if entry.value is not None:
            bounds[key] = (entry.value, entry.value)
        elif entry.reason == "primary":
            bounds[key] = (0 if key in in_small_line else 1, threshold - 1)
        else:
            bounds[key] = (secondary_at_least, math.inf)
    return bounds


def recomputation_attack(
    bounds: dict[Key, tuple[float, float]], lines: list[Line]
) -> dict[Key, tuple[float, float]]:
    """Interval propagation: in every line, the total lies between the sums of its members'
    bounds, and each member between the total's bounds minus the others' bounds. Repeated
    until no bound moves."""
    bounds = dict(bounds)
    moved = True
    while moved:
        moved = False
        for total, members in lines:
            for target in (total, *members):
                if target == total:
                    low = sum(bounds[m][0] for m in members)
                    high = sum(bounds[m][1] for m in members)
                else:
                    others = [m for m in members if m != target]
                    low = bounds[total][0] - sum(bounds[m][1] for m in others)
                    high = bounds[total][1] - sum(bounds[m][0] for m in others)
                old_low, old_high = bounds[target]
                new = (max(old_low, low), min(old_high, high))
                if new != (old_low, old_high):
                    bounds[target] = new
                    moved = True
    return bounds


def possible_values(bounds: tuple[float, float]) -> float:
    low, high = bounds
    return high - low + 1


def pinned_small_counts(
    entries: Mapping[Key, Published],
    lines: list[Line],
    true: Mapping[Key, int],
    threshold: int,
    *,
    secondary_at_least: int,
) -> list[Key]:
    """The non-zero "<k" counts that the attack narrows to a single value. A zero hidden in a
    "<k" line may be found to be 0: that is nobody. ("<2" is always 1: a threshold of 2
    cannot hide a count, so nothing is reported for it.)"""
    after = recomputation_attack(prior_bounds(entries, lines, threshold, secondary_at_least), lines)
    for key, (low, high) in after.items():
        assert low <= true[key] <= high, (key, "the attack must be sound")
    return [
        key
        for key, entry in entries.items()
        if entry.reason == "primary" and true[key] > 0 and threshold >= 3
        if after[key][0] == after[key][1]
    ]


def everything_withheld(entries: Mapping[Key, Published], true: Mapping[Key, int]):
    """The same table with every non-zero entry withheld: as safe as suppression can make it."""
    return {
        key: entry
        if entry.reason == "primary" or true[key] == 0
        else Published(value=None, suppressed=True, reason="secondary")
        for key, entry in entries.items()
    }


def assert_safe_to_publish(
    entries: Mapping[Key, Published], lines: list[Line], true: Mapping[Key, int], threshold: int
) -> None:
    # (a) a published non-zero count is never small
    for key, entry in entries.items():
        if entry.value is not None:
            assert entry.value == true[key]
            assert entry.value == 0 or entry.value >= threshold, key
    # (b) no line with a published total gives away its only withheld entry (a published
    # total of 0 can only give away zeros hidden by a crossing "<k" line)
    for total, members in lines:
        withheld = [m for m in members if entries[m].suppressed]
        if not entries[total].suppressed and true[total] > 0:
            assert len(withheld) != 1, (total, withheld)
    # (c) combining all lines never pins a small count for a reader who knows that a secondary
    # entry is not 0, unless every non-zero entry is withheld already (e.g. k = 3, cells 1 0 /
    # 1 0 with row and column totals: the published 0 of the second column shows that the "<3"
    # rows hold one case each, and the "<3" first column then holds exactly two) ...
    if pinned_small_counts(entries, lines, true, threshold, secondary_at_least=1):
        assert entries == everything_withheld(entries, true)
    # (c') ... nor for one who knows that it is at least k, unless no suppression can prevent it
    if pinned_small_counts(entries, lines, true, threshold, secondary_at_least=threshold):
        hopeless = everything_withheld(entries, true)
        assert pinned_small_counts(hopeless, lines, true, threshold, secondary_at_least=threshold)


def true_values(cells: Mapping[tuple[str, str], int], rows: list[str], columns: list[str]):
    true: dict[Key, int] = {}
    for row in rows:
        for column in columns:
            true[("cell", row, column)] = cells.get((row, column), 0)
    for row in rows:
        true[("row", row)] = sum(true[("cell", row, column)] for column in columns)
    for column in columns:
        true[("column", column)] = sum(true[("cell", row, column)] for row in rows)
    true[("grand",)] = sum(true[("row", row)] for row in rows)
    return true


def shown(table: SuppressedTable) -> list[list[str]]:
    """The table as printed, with its row totals and the column totals underneath."""
    k = table.threshold
    lines = [
        [table.cell(row, column).display(k) for column in table.columns]
        + [table.row_total(row).display(k)]
        for row in table.rows
    ]
    lines.append(
        [table.column_total(column).display(k) for column in table.columns]
        + [table.grand_total().display(k)]
    )
    return lines


def grid(rows: str, columns: str, counts: list[list[int]]) -> dict[tuple[str, str], int]:
    return {
        (row, column): count
        for row, line in zip(rows, counts, strict=True)
        for column, count in zip(columns, line, strict=True)
    }


# --- Examples ---------------------------------------------------------------------------

BIG = grid("AB", "XYZ", [[12, 20, 30], [14, 25, 16]])


def test_a_count_below_the_threshold_shows_as_less_than_the_threshold():
    table = suppress_table(grid("AB", "XY", [[3, 12], [9, 20]]))
    assert table.cell("A", "X") == Published(value=None, suppressed=True, reason="primary")
    assert table.cell("A", "X").display(5) == "<5"
    assert table.cell("A", "X").display(table.threshold) == "<5"


def test_a_count_at_the_threshold_is_published():
    table = suppress_table(grid("AB", "XY", [[5, 12], [9, 20]]))
    assert table.cell("A", "X") == Published(value=5, suppressed=False, reason=None)
    assert table.cell("A", "X").display(5) == "5"
    assert table.suppressed_count == 0


def test_the_threshold_is_configurable():
    table = suppress_table(grid("AB", "XY", [[5, 12], [11, 20]]), threshold=11)
    assert shown(table) == [["<11", "x", "17"], ["x", "x", "31"], ["16", "32", "48"]]


def test_zeros_are_published_as_zeros():
    table = suppress_table(grid("AB", "XYZ", [[0, 20, 30], [14, 0, 16]]))
    assert shown(table) == [
        ["0", "20", "30", "50"],
        ["14", "0", "16", "30"],
        ["14", "20", "46", "80"],
    ]


def test_a_secondary_cell_closes_every_line_of_a_small_cell():
    # Row A and column X would each give the 2 away from their totals: the smallest other
    # cell of each is withheld (A-Y and B-X), and then the smallest of row B and column Y
    # again, which is the same cell B-Y, so four cells in a rectangle are withheld.
    table = suppress_table(grid("ABC", "XYZ", [[2, 6, 30], [6, 8, 30], [20, 20, 20]]))
    assert shown(table) == [
        ["<5", "x", "30", "38"],
        ["x", "x", "30", "44"],
        ["20", "20", "20", "60"],
        ["28", "34", "80", "142"],
    ]
    assert table.cell("A", "Y").reason == "secondary"
    assert table.suppressed_count == 4


def test_a_secondary_cell_is_the_smallest_of_its_line_and_the_first_on_ties():
    table = suppress_table(grid("AB", "XYZ", [[3, 9, 9], [20, 20, 20]]), column_totals=False)
    assert [table.cell("A", c).display(5) for c in "XYZ"] == ["<5", "x", "9"]


def test_a_small_margin_is_withheld_with_its_whole_line_and_another_margin():
    # Row A has 3 cases in all: its total is "<5", and so is its zero, so that a reader cannot
    # tell which of its cells hold cases; the other row totals must not give A's total away
    # from the grand total either.
    table = suppress_table(grid("ABC", "XYZ", [[1, 2, 0], [10, 12, 9], [8, 7, 11]]))
    assert [table.cell("A", c).display(5) for c in "XYZ"] == ["<5", "<5", "<5"]
    assert table.row_total("A").reason == "primary"
    withheld_row_totals = [r for r in "ABC" if table.row_total(r).suppressed]
    assert len(withheld_row_totals) == 2
    assert table.grand_total().value == 60
    for column in "XYZ":
        assert sum(table.cell(r, column).suppressed for r in "ABC") >= 2


def test_a_small_grand_total_withholds_the_whole_table():
    table = suppress_table(grid("AB", "XY", [[1, 0], [0, 2]]))
    assert shown(table) == [["<5"] * 3] * 3


def test_two_small_cells_that_their_line_would_pin_get_a_third_one():
    # 1 and 1 under a known total leave 2 for two cells of at least 1 each: both would be
    # known to be 1, so a third cell is withheld.
    series = suppress_series({"torture": 1, "detention": 1, "threats": 20, "other": 30})
    assert [series.count(c).display(5) for c in series.categories] == ["<5", "<5", "x", "30"]
    assert series.total().value == 52


def test_when_withholding_cannot_hide_a_count_everything_that_is_not_zero_is_withheld():
    # The published 0 total of column Y shows that both rows hold their cases in column X;
    # the two "<3" rows then hold at least one case each, and the "<3" column X exactly one
    # each. Nothing can be withheld to prevent it: everything but the zero total already is.
    cells = grid("AB", "XY", [[1, 0], [1, 0]])
    table = suppress_table(cells, threshold=3, grand_total=False)
    assert [table.cell(r, c).display(3) for r in "AB" for c in "XY"] == ["<3"] * 4
    assert [table.column_total(c).display(3) for c in "XY"] == ["<3", "0"]
    entries, lines = table_entries(table, row_totals=True, column_totals=True, grand_total=False)
    true = true_values(cells, table.rows, table.columns)
    assert pinned_small_counts(entries, lines, true, 3, secondary_at_least=1) == [
        ("cell", "A", "X"),
        ("cell", "B", "X"),
        ("row", "A"),
        ("row", "B"),
        ("column", "X"),
    ]


def test_a_table_is_protected_against_a_reader_who_knows_how_secondary_cells_are_chosen():
    # Row A would give the 1 away from its total, and the rule withholds the 5 next to it.
    # The row then leaves 6 for the two, and a reader who knows that a withheld neighbour is
    # at least 5 knows the small one is 1: the method withholds more than the rule asks for.
    cells = grid("AB", "XYZ", [[1, 5, 20], [10, 12, 30]])
    table = suppress_table(cells)
    entries, lines = table_entries(table, row_totals=True, column_totals=True, grand_total=True)
    true = true_values(cells, table.rows, table.columns)
    assert pinned_small_counts(entries, lines, true, 5, secondary_at_least=5) == []
    assert table.suppressed_count > 4


def test_a_series_withholds_the_next_smallest_category_and_keeps_its_zeros():
    series = suppress_series({"torture": 3, "detention": 12, "threats": 7, "other": 0})
    assert [series.count(c).display(5) for c in series.categories] == ["<5", "12", "x", "0"]
    assert series.total().display(5) == "22"
    assert series.suppressed_count == 2


def test_a_series_with_a_small_total_is_withheld_entirely():
    series = suppress_series({"torture": 1, "detention": 2, "other": 0})
    assert [series.count(c).display(5) for c in series.categories] == ["<5", "<5", "<5"]
    assert series.total().display(5) == "<5"


def test_without_a_total_only_the_small_counts_of_a_series_are_withheld():
    series = suppress_series({"torture": 1, "detention": 8}, total=False)
    assert [series.count(c).display(5) for c in series.categories] == ["<5", "8"]
    with pytest.raises(LookupError):
        series.total()


def test_margins_that_are_not_asked_for_are_not_published():
    table = suppress_table(BIG, row_totals=False, column_totals=False, grand_total=False)
    for ask in (lambda: table.row_total("A"), lambda: table.column_total("X"), table.grand_total):
        with pytest.raises(LookupError):
            ask()


def test_a_missing_pair_of_keys_is_a_zero():
    table = suppress_table({("A", "X"): 7, ("B", "Y"): 9})
    assert table.cell("A", "Y").value == 0
    assert table.rows == ["A", "B"]
    assert table.columns == ["X", "Y"]


def test_the_result_does_not_depend_on_the_order_of_the_counts():
    counts = grid("ABC", "XYZ", [[2, 6, 30], [6, 6, 30], [3, 20, 6]])
    reordered = dict(reversed(list(counts.items())))
    first, second = suppress_table(counts), suppress_table(reordered)
    assert all(
        first.cell(r, c) == second.cell(r, c) == suppress_table(counts).cell(r, c)
        for r in "ABC"
        for c in "XYZ"
    )
    assert [first.row_total(r) for r in "ABC"] == [second.row_total(r) for r in "ABC"]
    assert second.rows == ["C", "B", "A"]


@pytest.mark.parametrize("threshold", [0, 1, 2.5, True])
def test_a_threshold_below_two_is_refused(threshold):
    with pytest.raises(ValueError, match="threshold"):
        suppress_table(BIG, threshold=threshold)


@pytest.mark.parametrize("count", [-1, 1.5, None])
def test_a_count_that_is_not_a_natural_number_is_refused(count):
    with pytest.raises(ValueError, match="count"):
        suppress_table({("A", "X"): count})
    with pytest.raises(ValueError, match="count"):
        suppress_series({"torture": count})


def test_a_secondary_cell_does_not_claim_to_be_small():
    table = suppress_table(grid("AB", "XY", [[3, 12], [9, 20]]))
    assert table.cell("A", "Y").display(5) == WITHHELD_MARK


# --- Properties -------------------------------------------------------------------------

KEYS = ["u", "b", "q", "h", "z", "a"]  # not in sorted order: ties must not follow insertion


@st.composite
def tables(draw: st.DrawFn) -> tuple[dict[tuple[str, str], int], int]:
    rows = draw(st.permutations(KEYS))[: draw(st.integers(1, 6))]
    columns = [key.upper() for key in draw(st.permutations(KEYS))[: draw(st.integers(1, 6))]]
    cells = {(row, column): draw(st.integers(0, 30)) for row in rows for column in columns}
    return cells, draw(st.integers(2, 10))


def check_table(
    cells: dict[tuple[str, str], int],
    threshold: int,
    *,
    row_totals: bool = True,
    column_totals: bool = True,
    grand_total: bool = True,
) -> None:
    margins = {"row_totals": row_totals, "column_totals": column_totals, "grand_total": grand_total}
    table = suppress_table(cells, threshold=threshold, **margins)
    entries, lines = table_entries(table, **margins)
    assert_safe_to_publish(entries, lines, true_values(cells, table.rows, table.columns), threshold)


@settings(max_examples=300, deadline=None)
@given(tables())
def test_no_small_count_of_a_table_can_be_recomputed_from_its_margins(table):
    cells, threshold = table
    check_table(cells, threshold)


@settings(max_examples=300, deadline=None)
@given(tables(), st.booleans(), st.booleans(), st.booleans())
def test_no_small_count_can_be_recomputed_whichever_margins_are_published(
    table, row_totals, column_totals, grand_total
):
    cells, threshold = table
    check_table(
        cells,
        threshold,
        row_totals=row_totals,
        column_totals=column_totals,
        grand_total=grand_total,
    )


@settings(max_examples=300, deadline=None)
@given(
    st.dictionaries(st.sampled_from(KEYS), st.integers(0, 30), min_size=1),
    st.integers(2, 10),
    st.booleans(),
)
def test_no_small_count_of_a_series_can_be_recomputed_from_its_total(counts, threshold, total):
    series = suppress_series(counts, threshold=threshold, total=total)
    entries, lines = series_entries(series, total=total)
    true: dict[Key, int] = {("count", c): n for c, n in counts.items()}
    true[("total",)] = sum(counts.values())
    assert_safe_to_publish(entries, lines, true, threshold)


@settings(max_examples=300, deadline=None)
@given(tables(), st.randoms(use_true_random=False))
def test_suppression_does_not_depend_on_the_order_of_the_counts(table, random):
    cells, threshold = table
    items = list(cells.items())
    random.shuffle(items)
    first, second = (
        suppress_table(cells, threshold=threshold),
        suppress_table(dict(items), threshold=threshold),
    )
    assert {k: first.cell(*k) for k in cells} == {k: second.cell(*k) for k in cells}
    assert [first.row_total(r) for r in first.rows] == [second.row_total(r) for r in first.rows]
    assert [first.column_total(c) for c in first.columns] == [
        second.column_total(c) for c in first.columns
    ]
    assert first.grand_total() == second.grand_total()
