"""Exports of framework tables: CSV (streamed), XLSX (with native charts) and JSON.

A table is a header and rows of plain values, so every table of the module — raw values, the
progress of key indicators, an indicator's countries — goes out the same three ways. CSV is
streamed row by row from a database cursor, so a million values export in constant memory.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from itertools import islice
from typing import Any

import xlsxwriter
from django.db import connections
from django.db.models import Case, CharField, F, Func, QuerySet, Value, When
from django.db.models.functions import Cast, Coalesce
from django.utils.translation import gettext as _

from hrmonitor.framework.models import DataValue
from hrmonitor.framework.selectors import ProgressRow
from hrmonitor.framework.templatetags.framework_tags import status_label

Cell = str | int | float | Decimal | datetime | None


@dataclass
class Table:
    title: str
    header: list[str]
    rows: Iterable[Sequence[Cell]]
    # Optional yearly series to chart in XLSX: (name, [(period, value)…]).
    series: list[tuple[str, list[tuple[str, Decimal | None]]]] = field(default_factory=list)
    # Rows already hold only text, integers and None: written as they are, in bulk.
    plain: bool = False


def _plain(cell: Cell) -> Cell:
    if isinstance(cell, Decimal):
        return format(cell.normalize(), "f") if cell == cell.to_integral() else format(cell, "f")
    if isinstance(cell, datetime):
        return cell.isoformat(timespec="seconds")
    return cell


def csv_stream(table: Table, *, rows_per_chunk: int = 2000) -> Iterator[str]:
    """The table as CSV (UTF-8 with BOM so spreadsheet programs read Cyrillic right), in
    chunks of rows: one write per row would cost more than the rows themselves."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    buffer.write("\ufeff")
    writer.writerow(table.header)
    rows = iter(table.rows)
    while True:
        chunk = list(islice(rows, rows_per_chunk))
        if not chunk:
            break
        writer.writerows(chunk if table.plain else ([_plain(c) for c in row] for row in chunk))
        yield buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
    yield buffer.getvalue()


def _json_cell(cell: Cell) -> Cell:
    if isinstance(cell, Decimal):
        return int(cell) if cell == cell.to_integral() else float(cell)
    return _plain(cell)


def json_bytes(table: Table) -> bytes:
    """The table as JSON: numbers as numbers, one object per row keyed by the header."""
    rows = [
        dict(zip(table.header, (_json_cell(c) for c in row), strict=True)) for row in table.rows
    ]
    return json.dumps({"title": table.title, "rows": rows}, ensure_ascii=False, indent=1).encode()


def xlsx_bytes(table: Table) -> bytes:
    """The table on one sheet; with series, a second sheet of yearly values and a native line
    chart per series that the reader can restyle in Excel or LibreOffice."""
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"constant_memory": True, "in_memory": True})
    bold = book.add_format({"bold": True, "bg_color": "#DCE6F1"})
    number = book.add_format({"num_format": "#,##0.##"})
    sheet = book.add_worksheet(_sheet_name(table.title))
    sheet.write_row(0, 0, table.header, bold)
    sheet.freeze_panes(1, 0)
    row_index = 0
    for row_index, row in enumerate(table.rows, start=1):
        for col, cell in enumerate(row):
            value = _plain(cell)
            if isinstance(cell, Decimal):
                sheet.write_number(row_index, col, float(cell), number)
            elif isinstance(value, int | float):
                sheet.write_number(row_index, col, value, number)
            else:
                sheet.write(row_index, col, value)
    sheet.set_column(0, len(table.header) - 1, 18)
    if table.series:
        data = book.add_worksheet(_sheet_name(_("Series")))
        periods = [key for key, _value in table.series[0][1]]
        data.write_row(0, 0, [_("Period"), *periods], bold)
        for index, (name, points) in enumerate(table.series, start=1):
            data.write(index, 0, name)
            for col, (_key, value) in enumerate(points, start=1):
                if value is not None:
                    data.write_number(index, col, float(value), number)
        charts = book.add_worksheet(_sheet_name(_("Charts")))
        for index, (name, _points) in enumerate(table.series, start=1):
            chart = book.add_chart({"type": "line"})
            chart.add_series(
                {
                    "name": name,
                    "categories": [data.name, 0, 1, 0, len(periods)],
                    "values": [data.name, index, 1, index, len(periods)],
                    "marker": {"type": "circle"},
                }
            )
            chart.set_title({"name": name})
            chart.set_legend({"none": True})
            charts.insert_chart((index - 1) * 16, 0, chart)
    book.close()
    return buffer.getvalue()


def _sheet_name(title: str) -> str:
    cleaned = "".join(c for c in str(title) if c not in "[]:*?/\\")
    return cleaned[:31] or "Sheet"


# --- The tables ------------------------------------------------------------------------------


def values_table(values: QuerySet[DataValue]) -> Table:
    """Raw values, one row each, streamed from a database cursor in chunks.

    The rows skip model instances and the ORM's per-value converters: at a million values
    those cost more than the query. On PostgreSQL the cursor is server-side, so memory stays
    flat whatever the number of rows."""
    header = [
        _("Indicator"),
        _("Country"),
        _("Period"),
        _("Disaggregation"),
        _("Value"),
        _("Status"),
        _("Comment"),
        _("Approved"),
    ]
    return Table(title=_("Values"), header=header, rows=_value_rows(values), plain=True)


def _value_rows(values: QuerySet[DataValue]) -> Iterator[Sequence[Cell]]:
    statuses = [When(status=key, then=Value(str(label))) for key, label in DataValue.Status.choices]
    connection = connections[values.db]
    # Numbers as people write them (10, not 10.000000), formatted by the database itself:
    # PostgreSQL's numeric keeps its scale, so trim it there; SQLite already stores 10 as 10.
    number: Any = F("value")
    if connection.vendor == "postgresql":
        number = Cast(Func(F("value"), function="trim_scale"), CharField())
    sql, params = (
        values.order_by()
        .annotate(
            iso2=Coalesce("country__iso2", Value("")),
            number=number,
            status_label=Case(*statuses, default="status"),
            # As text straight from the database: parsing a million timestamps into datetime
            # objects only to print them again would double the export's time.
            approved_text=Coalesce(Cast("approved_at", CharField()), Value("")),
        )
        .values_list(
            "indicator__code",
            "iso2",
            "period",
            "disaggregation",
            "number",
            "status_label",
            "comment",
            "approved_text",
        )
        .query.sql_with_params()
    )
    cursor = connection.chunked_cursor()
    try:
        cursor.execute(sql, params)
        while chunk := cursor.fetchmany(5000):
            yield from chunk
    finally:
        cursor.close()


def progress_table(title: str, rows: Sequence[ProgressRow]) -> Table:
    header = [
        _("Indicator"),
        _("Country"),
        _("Baseline"),
        _("Baseline period"),
        _("Target"),
        _("Target period"),
        _("Latest"),
        _("Latest period"),
        _("Percent of target"),
        _("Status"),
    ]
    body = [
        (
            row.indicator.code,
            row.country.iso2 if row.country else _("Region"),
            row.baseline.value if row.baseline else None,
            row.baseline.period if row.baseline else "",
            row.target.value if row.target else None,
            row.target.period if row.target else "",
            row.actual.value,
            row.actual_period or "",
            row.percent.quantize(Decimal("0.1")) if row.percent is not None else None,
            status_label(row.status),
        )
        for row in rows
    ]
    series = [
        (f"{row.indicator.code} — {row.country.name if row.country else _('Region')}", row.series)
        for row in rows
    ]
    return Table(title=title, header=header, rows=body, series=series)
