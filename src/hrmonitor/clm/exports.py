"""Wide exports of CLM submissions: one row per submission, one column per question.

What the files hold
- Columns: `META_COLUMNS` (submission_id, instance_id, received_at, interview_date,
  site_code, site_name, country_iso2, review), then every question outside a repeat group, in
  form order, named by its path (`group/question`). Column names are stable identifiers, not
  translated: a script reading the file must not break when a reviewer changes language.
- Answers are as sent (after corrections): a choice question gives the choice *name* (its
  code), several names separated by spaces for select_multiple, as ODK sends them; a photo or
  other file question gives the file name.
- The questions come from every version of the form (`merge_fields`): the current version's
  order first, then questions that only older versions asked, so no answer is dropped.
- XLSX: the sheet "submissions" (the main table); one sheet per repeat group, one row per
  occurrence with the submission's id and instance ID and the occurrence's index (1, 2…;
  "2.1" inside a nested repeat); the sheet "questions" mapping each column to its labels in
  every language of the form, with a row per choice (code → labels). Numbers of integer and
  decimal questions are written as numbers, the interview date as a date.
- CSV: the main table only (UTF-8 with a BOM so spreadsheet programs read Cyrillic). Repeat
  groups and the labels are in the XLSX; the page says so.
- Spreadsheet formula injection: in CSV, a text answer starting with = + - @ (and not a number)
  gets a leading apostrophe; XLSX cells are written as strings or numbers, never formulas.

Scale (100,000 submissions and more)
- Rows arrive as plain tuples from `values_list(...).iterator(chunk_size=2000)`
  (`submission_rows`): no model instances, no query per row.
- CSV is written in chunks of rows (`csv_chunks`, which the view streams with
  StreamingHttpResponse); memory does not grow with the number of rows.
- XLSX uses xlsxwriter's `constant_memory` mode writing to a file (xlsxwriter's `in_memory`
  would switch constant_memory off): each row goes to disk as soon as it is written.

The pure part, usable without a database (the benchmark calls it directly)::

    fields = merge_fields([version.fields for version in versions])   # FormVersion.fields
    rows = [(1, "uuid:…", received_at, interview_date, "KZ-ALA-1", "Almaty NSP", "KZ",
             "pending", {"stock": "yes", "visit": [{"visit/note": "a"}]}), …]
    write_wide_csv(fields, rows, out)                 # out: a text stream; returns the count
    for chunk in csv_chunks(fields, rows): …          # the same CSV as chunks of text
    write_wide_xlsx(fields, rows, "out.xlsx", languages=["en", "ru"])

A row is `SubmissionRow`: the eight metadata values in `META_COLUMNS` order, then the answers
(`Submission.data`: path → value, a repeat's path → a list of such dicts).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from itertools import islice
from typing import IO, TYPE_CHECKING, Any

import xlsxwriter
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from hrmonitor.clm.xlsform import label_for

if TYPE_CHECKING:
    from django.db.models import QuerySet
    from django.utils.functional import _StrPromise

    from hrmonitor.clm.models import Form, Submission

Field = dict[str, Any]
# (submission_id, instance_id, received_at, interview_date, site_code, site_name,
#  country_iso2, review, data)
SubmissionRow = Sequence[Any]

META_COLUMNS: tuple[str, ...] = (
    "submission_id",
    "instance_id",
    "received_at",
    "interview_date",
    "site_code",
    "site_name",
    "country_iso2",
    "review",
)
# What each metadata column means, for the "questions" sheet (in each language of the form).
META_LABELS: dict[str, _StrPromise] = {
    "submission_id": gettext_lazy("Submission number on this server"),
    "instance_id": gettext_lazy("Instance ID (sent by the phone or web form)"),
    "received_at": gettext_lazy("Received (date and time, with its UTC offset)"),
    "interview_date": gettext_lazy("Interview date"),
    "site_code": gettext_lazy("Site code"),
    "site_name": gettext_lazy("Site name"),
    "country_iso2": gettext_lazy("Country (ISO code)"),
    "review": gettext_lazy("Review status: pending, approved, flagged or excluded"),
}
MAIN_SHEET = "submissions"
QUESTIONS_SHEET = "questions"
REPEAT_KEY_COLUMNS: tuple[str, ...] = ("submission_id", "instance_id", "index")
# Types that hold no answer of their own.
_NOT_ANSWERS = frozenset({"repeat", "group", "survey", "note"})
_NUMBER_TYPES = frozenset({"integer", "decimal", "range"})
_FORMULA_START = frozenset("=+-@\t\r")
_NUMBER = re.compile(r"^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$")
ROWS_PER_CHUNK = 2000


# --- Which columns ------------------------------------------------------------------------------


def merge_fields(versions: Iterable[Sequence[Field]]) -> list[Field]:
    """The questions of several versions of a form, current version first: its order, then
    the questions only older versions have, in the order they first appear."""
    merged: dict[str, Field] = {}
    for fields in versions:
        for field in fields:
            merged.setdefault(field["path"], field)
    return list(merged.values())


def main_questions(fields: Sequence[Field]) -> list[Field]:
    """The questions of the main table: those outside any repeat group."""
    return [f for f in fields if not f.get("repeat") and f.get("type") not in _NOT_ANSWERS]


@dataclass(frozen=True)
class RepeatTable:
    """A repeat group's sheet: its path, the repeat it sits in ("" at the top) and its own
    questions (those of nested repeats go to the nested repeat's sheet)."""

    path: str
    parent: str
    questions: tuple[Field, ...]


def repeat_tables(fields: Sequence[Field]) -> list[RepeatTable]:
    return [
        RepeatTable(
            path=f["path"],
            parent=f.get("repeat", ""),
            questions=tuple(
                q
                for q in fields
                if q.get("repeat") == f["path"] and q.get("type") not in _NOT_ANSWERS
            ),
        )
        for f in fields
        if f.get("type") == "repeat"
    ]


def wide_header(fields: Sequence[Field]) -> list[str]:
    return [*META_COLUMNS, *(f["path"] for f in main_questions(fields))]


# --- Cells --------------------------------------------------------------------------------------


def _moment(value: Any) -> str:
    if isinstance(value, dt.datetime):
        return value.isoformat(timespec="seconds")
    if isinstance(value, dt.date):
        return value.isoformat()
    return "" if value is None else str(value)


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, list):  # a repeat where a question was expected (a changed form)
        return str(len(value))
    return str(value)


def _csv_safe(text: str) -> str:
    """Keep spreadsheet programs from running an answer as a formula (=HYPERLINK…)."""
    if text and text[0] in _FORMULA_START and not _NUMBER.match(text):
        return "'" + text
    return text


def _csv_cell(value: Any) -> str:
    return _csv_safe(_text(value))


def _csv_answers(data: dict[str, Any], paths: Sequence[str]) -> list[str]:
    # The common case (a plain answer not starting like a formula) stays inside one list
    # comprehension: at 100,000 rows × dozens of questions this loop is the export's cost.
    return [
        value if type(value) is str and value[:1] not in _FORMULA_START else _csv_cell(value)
        for value in map(data.get, paths)
    ]


def _meta(row: SubmissionRow) -> list[Any]:
    return [
        row[0],
        row[1] or "",
        _moment(row[2]),
        _moment(row[3]),
        row[4] or "",
        row[5] or "",
        row[6] or "",
        row[7] or "",
    ]


# --- CSV ----------------------------------------------------------------------------------------


def csv_chunks(
    fields: Sequence[Field],
    rows: Iterable[SubmissionRow],
    *,
    bom: bool = True,
    rows_per_chunk: int = ROWS_PER_CHUNK,
) -> Iterator[str]:
    """The main table as CSV text, in chunks of `rows_per_chunk` rows (one write per row
    would cost more than the rows themselves)."""
    paths = [f["path"] for f in main_questions(fields)]
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    if bom:
        buffer.write("\ufeff")
    writer.writerow([*META_COLUMNS, *paths])
    source = iter(rows)
    while chunk := list(islice(source, rows_per_chunk)):
        lines = []
        for row in chunk:
            data = row[8] or {}
            lines.append(_meta(row) + _csv_answers(data, paths))
        writer.writerows(lines)
        yield buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
    tail = buffer.getvalue()
    if tail:
        yield tail


def write_wide_csv(
    fields: Sequence[Field], rows: Iterable[SubmissionRow], out: IO[str], *, bom: bool = True
) -> int:
    """Write the main table as CSV to the text stream `out` (open it with newline="");
    return the number of submissions written."""
    count = 0

    def counted() -> Iterator[SubmissionRow]:
        nonlocal count
        for row in rows:
            count += 1
            yield row

    for chunk in csv_chunks(fields, counted(), bom=bom):
        out.write(chunk)
    return count


# --- XLSX ---------------------------------------------------------------------------------------


def _sheet_name(name: str, taken: set[str]) -> str:
    cleaned = "".join(c for c in name.replace("/", "-") if c not in "[]:*?\\'")[:31] or "repeat"
    candidate, n = cleaned, 2
    while candidate.lower() in taken:
        suffix = f"~{n}"
        candidate, n = cleaned[: 31 - len(suffix)] + suffix, n + 1
    taken.add(candidate.lower())
    return candidate


def _occurrences(
    data: dict[str, Any], table: RepeatTable, parents: dict[str, RepeatTable]
) -> Iterator[tuple[str, dict[str, Any]]]:
    """(index, answers) of each occurrence of a repeat in one submission; nested repeats are
    numbered after their parent occurrence ("2.1")."""
    if not table.parent or table.parent not in parents:
        outer: Iterable[tuple[str, dict[str, Any]]] = [("", data)]
    else:
        outer = _occurrences(data, parents[table.parent], parents)
    for prefix, answers in outer:
        occurrences = answers.get(table.path)
        if not isinstance(occurrences, list):
            continue
        for number, occurrence in enumerate(occurrences, start=1):
            if isinstance(occurrence, dict):
                yield (f"{prefix}.{number}" if prefix else str(number)), occurrence


def _languages(languages: Sequence[str]) -> list[str]:
    return list(languages) or [""]


def _label_heading(language: str) -> str:
    if not language:
        return _("label")
    return _("label (%(language)s)") % {"language": language}


def write_wide_xlsx(
    fields: Sequence[Field],
    rows: Iterable[SubmissionRow],
    path: str,
    *,
    languages: Sequence[str] = ("en", "ru"),
) -> int:
    """Write the workbook (main table, one sheet per repeat group, the questions) to the file
    `path` in constant memory; return the number of submissions written."""
    questions = main_questions(fields)
    tables = repeat_tables(fields)
    parents = {t.path: t for t in tables}
    languages = _languages(languages)
    book = xlsxwriter.Workbook(
        path,
        {
            "constant_memory": True,
            "strings_to_formulas": False,
            "strings_to_urls": False,
            "strings_to_numbers": False,
        },
    )
    try:
        bold = book.add_format({"bold": True, "bg_color": "#DCE6F1"})
        day = book.add_format({"num_format": "yyyy-mm-dd"})
        taken = {MAIN_SHEET, QUESTIONS_SHEET}
        main = book.add_worksheet(MAIN_SHEET)
        repeat_sheets = [(t, book.add_worksheet(_sheet_name(t.path, taken))) for t in tables]
        about = book.add_worksheet(QUESTIONS_SHEET)

        main.write_row(0, 0, [*META_COLUMNS, *(q["path"] for q in questions)], bold)
        main.freeze_panes(1, 1)
        main.set_column(0, len(META_COLUMNS) + len(questions) - 1, 16)
        for table, sheet in repeat_sheets:
            sheet.write_row(
                0, 0, [*REPEAT_KEY_COLUMNS, *(q["path"] for q in table.questions)], bold
            )
            sheet.freeze_panes(1, 0)
            sheet.set_column(0, len(REPEAT_KEY_COLUMNS) + len(table.questions) - 1, 16)
        _write_questions(about, bold, fields, questions, repeat_sheets, languages)

        numeric = [q.get("type") in _NUMBER_TYPES for q in questions]
        paths = [q["path"] for q in questions]
        next_row = {id(sheet): 1 for _table, sheet in repeat_sheets}
        count = 0
        for count, row in enumerate(rows, start=1):
            data = row[8] or {}
            main.write_number(count, 0, row[0])
            main.write_string(count, 1, row[1] or "")
            main.write_string(count, 2, _moment(row[2]))
            if isinstance(row[3], dt.date):
                main.write_datetime(count, 3, row[3], day)
            main.write_string(count, 4, row[4] or "")
            main.write_string(count, 5, row[5] or "")
            main.write_string(count, 6, row[6] or "")
            main.write_string(count, 7, row[7] or "")
            _write_answers(main, count, len(META_COLUMNS), paths, numeric, data)
            for table, sheet in repeat_sheets:
                sub_paths = [q["path"] for q in table.questions]
                sub_numeric = [q.get("type") in _NUMBER_TYPES for q in table.questions]
                for index, occurrence in _occurrences(data, table, parents):
                    line = next_row[id(sheet)]
                    sheet.write_number(line, 0, row[0])
                    sheet.write_string(line, 1, row[1] or "")
                    sheet.write_string(line, 2, index)
                    _write_answers(sheet, line, 3, sub_paths, sub_numeric, occurrence)
                    next_row[id(sheet)] = line + 1
    finally:
        book.close()
    return count


def _write_answers(
    sheet: Any,
    line: int,
    first: int,
    paths: Sequence[str],
    numeric: Sequence[bool],
    answers: dict[str, Any],
) -> None:
    for offset, path in enumerate(paths):
        value = answers.get(path)
        if value is None or value == "":
            continue
        text = _text(value)
        if numeric[offset] and _NUMBER.match(text):
            sheet.write_number(line, first + offset, float(text))
        else:
            sheet.write_string(line, first + offset, text)


def _write_questions(
    sheet: Any,
    bold: Any,
    fields: Sequence[Field],
    questions: Sequence[Field],
    repeat_sheets: Sequence[tuple[RepeatTable, Any]],
    languages: Sequence[str],
) -> None:
    """One row per column (metadata, then questions), and under a choice question one row per
    choice: its code in "value" and its labels."""
    sheet.write_row(
        0,
        0,
        [
            _("column"),
            _("sheet"),
            _("type"),
            _("value"),
            *(_label_heading(lang) for lang in languages),
        ],
        bold,
    )
    sheet.freeze_panes(1, 0)
    sheet.set_column(0, 1, 22)
    sheet.set_column(2, 3, 14)
    sheet.set_column(4, 3 + len(languages), 40)
    line = 1
    for column in META_COLUMNS:
        labels = []
        for lang in languages:
            with translation.override(lang or None):
                labels.append(str(META_LABELS[column]))
        sheet.write_row(line, 0, [column, MAIN_SHEET, "", "", *labels])
        line += 1
    placed: list[tuple[Field, str]] = [(q, MAIN_SHEET) for q in questions]
    for table, repeat_sheet in repeat_sheets:
        placed.extend((q, repeat_sheet.name) for q in table.questions)
    for question, sheet_name in placed:
        sheet.write_row(
            line,
            0,
            [
                question["path"],
                sheet_name,
                question.get("type", ""),
                "",
                *(label_for(question.get("labels") or {}, lang) for lang in languages),
            ],
        )
        line += 1
        for choice in question.get("choices") or []:
            sheet.write_row(
                line,
                0,
                [
                    question["path"],
                    sheet_name,
                    _("choice"),
                    str(choice.get("name", "")),
                    *(label_for(choice.get("labels") or {}, lang) for lang in languages),
                ],
            )
            line += 1


# --- The Django side: which questions, which rows -------------------------------------------


# The values of a SubmissionRow, in order.
ROW_VALUES = (
    "pk",
    "instance_id",
    "received_at",
    "interview_date",
    "site__code",
    "site__name",
    "country__iso2",
    "review",
    "data",
)


def form_fields(form: Form) -> tuple[list[Field], list[str]]:
    """The questions of every version of `form` (current first, then newest to oldest) and
    the languages of their labels; one query."""
    versions = list(
        form.versions.order_by("-created_at", "-pk").values_list("pk", "fields", "languages")
    )
    versions.sort(key=lambda v: v[0] != form.current_version_id)  # stable: current first
    languages: list[str] = []
    for _pk, _fields, langs in versions:
        languages.extend(code for code in langs or [] if code not in languages)
    return merge_fields(fields for _pk, fields, _langs in versions), languages


def submission_rows(queryset: QuerySet[Submission]) -> Iterator[tuple[Any, ...]]:
    """The rows of `queryset` in arrival order as plain tuples, fetched in chunks."""
    return queryset.order_by("pk").values_list(*ROW_VALUES).iterator(chunk_size=ROWS_PER_CHUNK)
