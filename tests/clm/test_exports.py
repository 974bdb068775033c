"""The wide export of submissions, as a program reads it: which columns in which order,
answers as codes, repeats on their own sheets (nested ones numbered "2.1"), the questions sheet
with labels and choices, formulas never executed, and rows read without a query each."""

from __future__ import annotations

import csv
import datetime as dt
import io
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from hrmonitor.clm import exports

FIELDS: list[dict[str, Any]] = [
    {"path": "today", "name": "today", "type": "today", "repeat": "", "labels": {}},
    {
        "path": "stock",
        "name": "stock",
        "type": "select one",
        "repeat": "",
        "labels": {"en": "Syringes in stock?", "ru": "Шприцы в наличии?"},
        "choices": [
            {"name": "yes", "labels": {"en": "Yes", "ru": "Да"}},
            {"name": "no", "labels": {"en": "No", "ru": "Нет"}},
        ],
    },
    {
        "path": "wait",
        "name": "wait",
        "type": "integer",
        "repeat": "",
        "labels": {"en": "Waiting time", "ru": "Ожидание"},
    },
    {"path": "intro", "name": "intro", "type": "note", "repeat": "", "labels": {"en": "Hello"}},
    {
        "path": "g/comment",
        "name": "comment",
        "type": "text",
        "repeat": "",
        "labels": {"en": "Comment"},
    },
    {"path": "visit", "name": "visit", "type": "repeat", "repeat": "", "labels": {"en": "Visit"}},
    {
        "path": "visit/note",
        "name": "note",
        "type": "text",
        "repeat": "visit",
        "labels": {"en": "Note"},
    },
    {
        "path": "visit/item",
        "name": "item",
        "type": "repeat",
        "repeat": "visit",
        "labels": {"en": "Item"},
    },
    {
        "path": "visit/item/count",
        "name": "count",
        "type": "decimal",
        "repeat": "visit/item",
        "labels": {"en": "Count"},
    },
    {"path": "photo", "name": "photo", "type": "photo", "repeat": "", "labels": {"en": "Photo"}},
]
RECEIVED = dt.datetime(2026, 11, 20, 9, 30, 5, tzinfo=dt.UTC)


def row(pk: int, data: dict[str, Any], **meta: object) -> tuple[Any, ...]:
    return (
        pk,
        meta.get("instance", f"uuid:{pk}"),
        RECEIVED,
        dt.date(2026, 11, 19),
        "KZ-ALA-1",
        "Almaty NSP",
        "KZ",
        meta.get("review", "pending"),
        data,
    )


ROWS = [
    row(
        1,
        {
            "today": "2026-11-19",
            "stock": "yes",
            "wait": "10",
            "g/comment": "fine",
            "visit": [
                {
                    "visit/note": "a",
                    "visit/item": [{"visit/item/count": "2"}, {"visit/item/count": "3.5"}],
                },
                {"visit/note": "b"},
            ],
            "photo": "p.jpg",
        },
    ),
    row(2, {"stock": "no", "wait": "-5", "g/comment": '=HYPERLINK("http://x")'}, review="excluded"),
]


def test_the_main_table_has_metadata_then_each_question_outside_repeats():
    assert exports.wide_header(FIELDS) == [
        "submission_id",
        "instance_id",
        "received_at",
        "interview_date",
        "site_code",
        "site_name",
        "country_iso2",
        "review",
        "today",
        "stock",
        "wait",
        "g/comment",
        "photo",
    ]


def test_the_csv_gives_codes_keeps_numbers_and_defuses_formulas():
    out = io.StringIO(newline="")
    assert exports.write_wide_csv(FIELDS, ROWS, out) == 2
    text = out.getvalue()
    assert text.startswith("\ufeff")
    lines = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    assert lines[1] == [
        "1",
        "uuid:1",
        "2026-11-20T09:30:05+00:00",
        "2026-11-19",
        "KZ-ALA-1",
        "Almaty NSP",
        "KZ",
        "pending",
        "2026-11-19",
        "yes",
        "10",
        "fine",
        "p.jpg",
    ]
    assert lines[2][8:] == ["", "no", "-5", '\'=HYPERLINK("http://x")', ""]
    assert lines[2][7] == "excluded"


def test_csv_chunks_stream_a_fixed_number_of_rows_at_a_time():
    many = [row(n, {"wait": str(n)}) for n in range(1, 12)]
    chunks = list(exports.csv_chunks(FIELDS, many, rows_per_chunk=5, bom=False))
    assert len(chunks) == 3  # the header rides with the first chunk
    assert "".join(chunks).count("\n") == 12


def test_merged_versions_keep_the_current_order_and_add_questions_of_older_ones():
    current = [FIELDS[1], FIELDS[2]]
    older = [FIELDS[2], {"path": "old_q", "name": "old_q", "type": "text", "repeat": ""}, FIELDS[1]]
    assert [f["path"] for f in exports.merge_fields([current, older])] == ["stock", "wait", "old_q"]


def test_the_xlsx_has_a_sheet_per_repeat_and_the_questions(tmp_path: Path):
    path = tmp_path / "out.xlsx"
    assert exports.write_wide_xlsx(FIELDS, ROWS, str(path), languages=["en", "ru"]) == 2
    book = openpyxl.load_workbook(path)
    assert book.sheetnames == ["submissions", "visit", "visit-item", "questions"]
    main = list(book["submissions"].values)
    assert main[1][10] == 10 and main[2][10] == -5  # integers as numbers
    assert isinstance(main[1][3], dt.datetime)  # the interview date as a date
    assert main[1][3].date() == dt.date(2026, 11, 19)
    assert main[2][11] == '=HYPERLINK("http://x")'  # text, not a formula
    assert book["submissions"].cell(3, 12).data_type == "s"
    assert list(book["visit"].values) == [
        ("submission_id", "instance_id", "index", "visit/note"),
        (1, "uuid:1", "1", "a"),
        (1, "uuid:1", "2", "b"),
    ]
    assert list(book["visit-item"].values) == [
        ("submission_id", "instance_id", "index", "visit/item/count"),
        (1, "uuid:1", "1.1", 2),
        (1, "uuid:1", "1.2", 3.5),
    ]
    questions = list(book["questions"].values)
    assert questions[0] == ("column", "sheet", "type", "value", "label (en)", "label (ru)")
    assert (
        "stock",
        "submissions",
        "select one",
        None,
        "Syringes in stock?",
        "Шприцы в наличии?",
    ) in questions
    assert ("stock", "submissions", "choice", "no", "No", "Нет") in questions
    assert ("visit/item/count", "visit-item", "decimal", None, "Count", "Count") in questions
    meta = {q[0]: q for q in questions[1:9]}
    assert meta["interview_date"][4] == "Interview date"
    assert meta["review"][:2] == ("review", "submissions")
    assert "intro" not in {q[0] for q in questions}  # a note holds no answer


def test_repeat_sheet_names_stay_valid_and_distinct(tmp_path: Path):
    long_repeats: list[dict[str, Any]] = [
        {
            "path": f"a_very_long_group_name_for_sheets/{name}",
            "name": name,
            "type": "repeat",
            "repeat": "",
            "labels": {},
        }
        for name in ("repeat_number_one", "repeat_number_two")
    ]
    path = tmp_path / "long.xlsx"
    exports.write_wide_xlsx(long_repeats, [], str(path), languages=[])
    names = openpyxl.load_workbook(path).sheetnames
    assert len(set(names)) == 4 and all(len(n) <= 31 for n in names)


@pytest.mark.django_db
def test_rows_come_from_one_query_whatever_their_number(django_assert_num_queries):
    from factories import country
    from hrmonitor.clm.models import Form, Submission

    form = Form.objects.create(xml_form_id="f", title="F")
    Submission.objects.bulk_create(
        Submission(
            form=form,
            instance_id=f"uuid:{n}",
            raw=b"<x/>",
            raw_sha256="0",
            country=country("KZ"),
            data={"wait": str(n)},
        )
        for n in range(30)
    )
    with django_assert_num_queries(1):
        rows = list(exports.submission_rows(Submission.objects.all()))
    assert [r[1] for r in rows[:2]] == ["uuid:0", "uuid:1"]
    assert rows[0][6] == "KZ" and rows[0][8] == {"wait": "0"}
    out = io.StringIO()
    exports.write_wide_csv(FIELDS, rows, out)
    assert out.getvalue().count("\n") == 31
