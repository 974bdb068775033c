"""Reading an uploaded table (CSV or XLSX) as rows of text, and finding its columns by name.

Shared by every bulk import: the file's first row is a header whose columns are matched by
name (English or Russian, any order, case and spacing ignored), the rows are numbered as in
the spreadsheet (the header is row 1) and empty rows are skipped. What the columns mean is the
importer's business; a file that cannot be read at all raises `TableFileError`, whose message
is translated and can be shown as it is.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Collection, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.db.models import TextChoices
from django.utils.translation import gettext as _
from django.utils.translation import override

XLSX_SUFFIXES = frozenset({".xlsx", ".xlsm"})
CSV_SUFFIXES = frozenset({".csv", ".txt"})


class TableFileError(ValueError):
    """The file itself cannot be read (not the rows in it); the message is translated."""


@dataclass(frozen=True)
class TableRow:
    """One non-empty row: its number in the spreadsheet and the text of each column the
    header has (a column the header lacks is absent, a short row gives "")."""

    line: int
    values: dict[str, str]


@dataclass(frozen=True)
class Table:
    headings: dict[str, str]  # column -> its title as written in the file
    rows: list[TableRow]


def cell(value: Any) -> str:
    """A spreadsheet cell as text: whole numbers without ".0", dates as YYYY-MM-DD (a
    date-time at midnight is a date typed into Excel), None as ""."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        if value.time() == dt.time(0, 0):
            return value.date().isoformat()
        return value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value).strip()


def read_records(path: Path, name: str) -> Iterator[list[str]]:
    """Every row of the file's first sheet as a list of texts, the header included. `name` is
    the uploaded file's name, whose extension says the format. CSV is read as UTF-8 (with or
    without BOM) or else Windows-1251, with the delimiter (comma, semicolon, tab) guessed."""
    suffix = Path(name).suffix.lower()
    if suffix in XLSX_SUFFIXES:
        from openpyxl import load_workbook

        try:
            book = load_workbook(path, read_only=True, data_only=True)
        except Exception as error:  # noqa: BLE001 - any unreadable workbook is the user's file
            raise TableFileError(_("The file is not a readable XLSX workbook.")) from error
        sheet = book.worksheets[0]
        for row in sheet.iter_rows(values_only=True):
            yield [cell(c) for c in row]
        book.close()
        return
    if suffix not in CSV_SUFFIXES:
        raise TableFileError(_("Upload a CSV or XLSX file."))
    raw = path.read_bytes()
    for encoding in ("utf-8-sig", "cp1251"):
        try:
            text = raw.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:  # pragma: no cover - cp1251 decodes any byte
        raise TableFileError(_("The file's text encoding cannot be read; save it as UTF-8."))
    sample = text[:4096]
    try:
        dialect: type[csv.Dialect] | csv.Dialect = csv.Sniffer().sniff(sample, delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    yield from ([cell(c) for c in row] for row in csv.reader(io.StringIO(text), dialect))


def name_key(text: str) -> str:
    """A name or code as typed into a file, for lookups: " Kyrgyzstan " and "KYRGYZSTAN" are
    one name; so are "ё" and "е", and "18–24" and "18-24"."""
    return " ".join(text.split()).casefold().replace("ё", "е").replace("–", "-")


def choice_keys(choices: type[TextChoices]) -> dict[str, str]:
    """Each choice by `name_key` of its code and of its label in English and in Russian."""
    keys: dict[str, str] = {}
    for value, label in zip(choices.values, choices.labels, strict=True):
        keys[name_key(value)] = value
        for language in ("en", "ru"):
            with override(language):
                keys.setdefault(name_key(str(label)), value)
    return keys


def _normalised(title: str) -> str:
    # "Valid_from", "valid  from" and "VALID FROM" are one column name.
    return name_key(title.replace("_", " "))


def match_columns(
    header: list[str], columns: Mapping[str, Collection[str]], required: Collection[str]
) -> dict[str, int]:
    """The position of each column of `columns` (name -> the titles it may have) in `header`;
    the first matching title wins. Raises TableFileError naming the `required` columns the
    header lacks."""
    aliases = {column: {_normalised(a) for a in names} for column, names in columns.items()}
    positions: dict[str, int] = {}
    for index, title in enumerate(header):
        normalised = _normalised(title)
        for column, names in aliases.items():
            if normalised in names and column not in positions:
                positions[column] = index
    missing = [c for c in required if c not in positions]
    if missing:
        raise TableFileError(
            _("The header row has no column %(columns)s. Expected: %(expected)s.")
            % {"columns": ", ".join(missing), "expected": ", ".join(columns)}
        )
    return positions


def read_table(
    path: Path,
    name: str,
    *,
    columns: Mapping[str, Collection[str]],
    required: Collection[str],
    max_rows: int,
) -> Table:
    """The header and the non-empty rows of an uploaded file, or TableFileError when the file,
    its header or its size is unusable (empty, a required column missing, no rows, more than
    `max_rows` rows)."""
    records = read_records(path, name)
    header = next(records, None)
    if not header:
        raise TableFileError(_("The file is empty."))
    positions = match_columns(header, columns, required)
    rows: list[TableRow] = []
    for line, record in enumerate(records, start=2):
        if not any(record):
            continue
        if len(rows) >= max_rows:
            raise TableFileError(
                _("The file has more than %(max)d rows; split it.") % {"max": max_rows}
            )
        values = {
            column: record[index] if index < len(record) else ""
            for column, index in positions.items()
        }
        rows.append(TableRow(line=line, values=values))
    if not rows:
        raise TableFileError(_("The file has a header but no rows."))
    return Table(headings={c: header[i] for c, i in positions.items()}, rows=rows)
