"""Bulk import into the policy and funding trackers: a check that writes nothing, then every
row or none, each problem named by its row (as in the spreadsheet) and column."""

from __future__ import annotations

import csv
import datetime as dt
import io
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation
from openpyxl import Workbook, load_workbook

from hrmonitor.core.tabular import TableFileError
from hrmonitor.policy import importing
from hrmonitor.policy.models import (
    ExchangeRate,
    FundingNeed,
    FundingRecord,
    PolicyStatus,
)

pytestmark = pytest.mark.django_db

STATUSES = (
    "country,area,status,valid_from,legal_reference,evidence_url,source,notes\n"
    # Out of date order on purpose: the later change is recorded after the earlier one.
    "GE,naloxone-take-home,in_place,2023-03-01,Order 12,https://example.org/12,MoH,\n"
    "GE,naloxone-take-home,partial_or_pilot,2021-06-01,,,Pilot report,\n"
    "Georgia,Drug checking,Not legal,2020-01-01,,,Criminal code,\n"
)
FUNDING = (
    "country;year;source_category;funder;programme_area;amount;currency;source\n"
    "GE;2023;domestic_national;Ministry of Health;oat;1 234,50;GEL;Budget law 2023\n"
    "GE;2023;Global Fund;The Global Fund;Needle and syringe programmes;1,234.50;;Grant GEO-H\n"
    "GE;2024;global_fund;;;1234.5;usd;Grant GEO-H\n"
)
NEEDS = "country,year,amount,currency,source\nGE,2024,2500000,USD,Strategy costing\n"
RATES = "currency,year,usd_per_unit,source\nGEL,2023,0.3712,National Bank\nAMD,2023,0.0025,\n"


def post(client, kind: str, name: str, content: bytes, action: str = "import"):  # type: ignore[no-untyped-def]
    return client.post(
        reverse("policy:import"),
        {"kind": kind, "action": action, "file": SimpleUploadedFile(name, content)},
    )


def xlsx(*rows: list[object]) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def run(user, kind: str, name: str, content: bytes, tmp_path: Path, *, write: bool = False):  # type: ignore[no-untyped-def]
    path = tmp_path / name
    path.write_bytes(content)
    return (importing.apply if write else importing.check)(user, kind, path, name)


def counts() -> tuple[int, int, int, int]:
    return (
        PolicyStatus.objects.count(),
        FundingRecord.objects.count(),
        FundingNeed.objects.count(),
        ExchangeRate.objects.count(),
    )


# --- Good files -----------------------------------------------------------------------------


def test_a_csv_of_statuses_is_imported_in_date_order(personas, login, areas):
    client = login(personas["focal_point_georgia"])
    response = post(client, "statuses", "statuses.csv", STATUSES.encode())
    assert response.status_code == 302
    assert "3 rows were imported." in client.get(response.url).content.decode()
    naloxone = list(
        PolicyStatus.objects.filter(country__iso2="GE", area__code="naloxone-take-home")
        .order_by("valid_from")
        .values_list("status", "valid_from", "valid_to", "legal_reference")
    )
    assert naloxone == [
        ("partial_or_pilot", dt.date(2021, 6, 1), dt.date(2023, 2, 28), ""),
        ("in_place", dt.date(2023, 3, 1), None, "Order 12"),
    ]
    checking = PolicyStatus.objects.get(country__iso2="GE", area__code="drug-checking")
    assert checking.status == "not_legal"
    assert checking.entered_by == personas["focal_point_georgia"]


def test_an_xlsx_of_statuses_with_russian_headers_labels_and_date_cells_is_imported(
    personas, login, areas
):
    content = xlsx(
        ["Страна", "Область политики", "Статус", "Действует с", "Правовая ссылка", "Источник"],
        ["Грузия", "Налоксон на руки", "Действует", dt.date(2022, 5, 1), "Приказ 7", "МЗ"],
        ["AM", "nsp", "in_place", 44562, "", "Отчёт"],  # a date cell that lost its format
    )
    response = post(login(personas["me_officer"]), "statuses", "статусы.xlsx", content)
    assert response.status_code == 302
    assert sorted(PolicyStatus.objects.values_list("country__iso2", "status", "valid_from")) == [
        ("AM", "in_place", dt.date(2022, 1, 1)),
        ("GE", "in_place", dt.date(2022, 5, 1)),
    ]


def test_a_csv_of_funding_reads_amounts_as_people_type_them(personas, login, areas):
    response = post(login(personas["focal_point_georgia"]), "funding", "f.csv", FUNDING.encode())
    assert response.status_code == 302
    assert sorted(
        FundingRecord.objects.values_list("source_category", "programme_area", "amount", "currency")
    ) == [
        ("domestic_national", "oat", Decimal("1234.50"), "GEL"),
        ("global_fund", "all", Decimal("1234.50"), "USD"),
        ("global_fund", "nsp", Decimal("1234.50"), "USD"),
    ]


def test_an_xlsx_of_funding_with_russian_headers_and_a_label_is_imported(personas, login, areas):
    content = xlsx(
        ["Страна", "Год", "Источник средств", "Донор", "Сумма", "Валюта", "Источник"],
        ["Грузия", 2024, "Global Fund", "ГФ", 150000.75, "EUR", "Грант"],
    )
    response = post(login(personas["focal_point_georgia"]), "funding", "ф.xlsx", content)
    assert response.status_code == 302
    record = FundingRecord.objects.get()
    assert (record.year, record.source_category, record.amount, record.currency) == (
        2024,
        "global_fund",
        Decimal("150000.75"),
        "EUR",
    )


def test_needs_are_imported_from_csv_and_xlsx(personas, login, areas):
    client = login(personas["focal_point_georgia"])
    assert post(client, "needs", "needs.csv", NEEDS.encode()).status_code == 302
    content = xlsx(["страна", "год", "сумма", "источник"], ["GE", 2025, 2600000, "Costing"])
    assert post(client, "needs", "needs.xlsx", content).status_code == 302
    assert sorted(FundingNeed.objects.values_list("year", "amount", "currency")) == [
        (2024, Decimal("2500000"), "USD"),
        (2025, Decimal("2600000"), "USD"),
    ]


def test_exchange_rates_are_imported_from_csv_and_xlsx(personas, login, areas):
    client = login(personas["me_officer"])
    assert post(client, "rates", "rates.csv", RATES.encode()).status_code == 302
    content = xlsx(["Валюта", "Год", "Курс к доллару"], ["GEL", 2024, 0.37])
    assert post(client, "rates", "rates.xlsx", content).status_code == 302
    assert sorted(ExchangeRate.objects.values_list("currency", "year", "usd_per_unit")) == [
        ("AMD", 2023, Decimal("0.0025")),
        ("GEL", 2023, Decimal("0.3712")),
        ("GEL", 2024, Decimal("0.37")),
    ]


# --- Check, problems, all or nothing --------------------------------------------------------


def test_the_check_says_how_many_rows_are_ready_and_writes_nothing(personas, login, areas):
    response = post(
        login(personas["focal_point_georgia"]), "statuses", "s.csv", STATUSES.encode(), "check"
    )
    assert response.status_code == 200
    assert "3 rows are ready to import." in response.content.decode()
    assert counts() == (0, 0, 0, 0)


def test_one_bad_row_in_the_middle_names_its_row_and_column_and_nothing_is_written(
    personas, login, areas
):
    bad = FUNDING.replace("1,234.50", "twelve")
    before = counts()
    response = post(login(personas["focal_point_georgia"]), "funding", "f.csv", bad.encode())
    assert response.status_code == 200
    problems = [(p.line, p.column, p.message) for p in response.context["outcome"].problems]
    assert problems == [(3, "amount", "“twelve” is not a number.")]
    page = response.content.decode()
    assert "Nothing was imported: 1 problem." in page
    assert "<td>3</td><td><code>amount</code></td>" in page
    assert counts() == before


def test_a_problem_a_service_finds_lands_on_its_column_and_rolls_back_the_rows_before(
    personas, areas, tmp_path
):
    # Row 3 starts before row 2's status of the same country and area: allowed, they are
    # recorded in date order. Row 4 repeats row 2's date: refused by the service.
    content = (
        b"country,area,status,valid_from\n"
        b"GE,nsp,in_place,2020-01-01\n"
        b"GE,nsp,not_in_place,2015-01-01\n"
        b"GE,nsp,in_place,2020-01-01\n"
        b"GE,oat,maybe,2020-01-01\n"
    )
    outcome = run(personas["me_officer"], "statuses", "s.csv", content, tmp_path, write=True)
    assert [(p.line, p.column) for p in outcome.problems] == [(4, "valid_from"), (5, "status")]
    assert "a change must start after it" in outcome.problems[0].message
    assert outcome.written == 0
    assert not PolicyStatus.objects.exists()


def test_the_services_refusals_of_funding_land_on_their_columns(personas, areas, tmp_path):
    content = (
        b"country,year,source_category,amount,currency,source\n"
        b"GE,2024,private,10,USD,\n"
        b"GE,2024,private,10,GE,Annual report\n"
        b"GE,2024,lottery,10,USD,Annual report\n"
    )
    outcome = run(personas["me_officer"], "funding", "f.csv", content, tmp_path)
    assert [(p.line, p.column) for p in outcome.problems] == [
        (2, "source"),
        (3, "currency"),
        (4, "source_category"),
    ]
    assert outcome.problems[2].message.startswith("“lottery” is not one of: domestic_national,")


def test_a_georgian_focal_point_importing_an_armenian_row_gets_a_row_problem(
    personas, areas, tmp_path
):
    content = STATUSES.replace("Georgia,Drug checking", "AM,Drug checking").encode()
    outcome = run(personas["focal_point_georgia"], "statuses", "s.csv", content, tmp_path)
    assert [(p.line, p.column, p.message) for p in outcome.problems] == [
        (4, "country", "You may not enter data for this country.")
    ]
    assert outcome.ready == 2
    with translation.override("ru"):
        outcome = run(personas["focal_point_georgia"], "statuses", "s.csv", content, tmp_path)
    assert outcome.problems[0].message == "У вас нет права вводить данные по этой стране."
    assert not PolicyStatus.objects.exists()


def test_only_the_secretariat_imports_exchange_rates(personas, areas, tmp_path):
    outcome = run(personas["focal_point_georgia"], "rates", "r.csv", RATES.encode(), tmp_path)
    assert [(p.line, p.column) for p in outcome.problems] == [(2, "currency"), (3, "currency")]
    assert not ExchangeRate.objects.exists()


def test_problems_name_the_column_as_the_file_titles_it(personas, areas, tmp_path):
    content = "Страна;Область политики;Статус;Действует с\nXX;nsp;in_place;31.02.2020\n".encode()
    outcome = run(personas["me_officer"], "statuses", "s.csv", content, tmp_path)
    assert [(p.column, p.heading) for p in outcome.problems] == [
        ("country", "Страна"),
        ("valid_from", "Действует с"),
    ]


def test_a_file_without_a_required_column_or_with_too_many_rows_is_refused(
    personas, login, areas, monkeypatch
):
    client = login(personas["focal_point_georgia"])
    response = post(client, "needs", "n.csv", b"country,year,amount\nGE,2024,1\n")
    assert response.context["form"].errors["file"] == [
        "The header row has no column source. Expected: country, year, amount, currency, "
        "source, notes."
    ]
    monkeypatch.setattr(importing, "MAX_ROWS", 1)
    response = post(client, "needs", "n.csv", (NEEDS + "GE,2025,1,USD,x\n").encode())
    assert response.context["form"].errors["file"] == ["The file has more than 1 rows; split it."]
    assert not FundingNeed.objects.exists()


# --- The page and the templates -------------------------------------------------------------


def test_the_page_shows_the_form_and_the_columns_to_a_focal_point(personas, login, areas):
    page = login(personas["focal_point_georgia"]).get(reverse("policy:import")).content.decode()
    assert '<label class="form-label" for="id_kind">' in page
    assert 'name="action" value="check"' in page and 'name="action" value="import"' in page
    assert "<code>действует с</code>" in page
    assert reverse("policy:import_template", args=["funding", "xlsx"]) in page


def test_the_page_needs_a_sign_in_and_the_permission(client, personas, login, areas):
    response = client.get(reverse("policy:import"))
    assert response.status_code == 302 and "/accounts/login/" in response.url
    assert login(personas["community_monitor"]).get(reverse("policy:import")).status_code == 403


def test_the_csv_template_left_as_it_is_is_refused_for_its_example_row(personas, login, areas):
    client = login(personas["focal_point_georgia"])
    response = client.get(reverse("policy:import_template", args=["statuses", "csv"]))
    content = b"".join(response.streaming_content)
    header, example = list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
    assert header[:4] == ["country", "area", "status", "valid_from"]
    assert example[0] == "GE" and example[-1] == "EXAMPLE: delete this row"
    response = post(client, "statuses", "template.csv", content, "check")
    problems = response.context["outcome"].problems
    assert [(p.line, p.column) for p in problems] == [(2, "notes")]
    # With the mark removed the example is a valid row.
    fixed = content.decode("utf-8-sig").replace("EXAMPLE: delete this row", "")
    response = post(client, "statuses", "template.csv", fixed.encode(), "check")
    assert not response.context["outcome"].problems


def test_the_xlsx_template_is_headed_in_the_users_language(personas, login, areas):
    client = login(personas["me_officer"])
    response = client.get(
        reverse("policy:import_template", args=["rates", "xlsx"]), HTTP_ACCEPT_LANGUAGE="ru"
    )
    sheet = load_workbook(io.BytesIO(response.content)).worksheets[0]
    rows = [list(r) for r in sheet.iter_rows(values_only=True)]
    assert rows[0] == ["валюта", "год", "курс к доллару", "источник"]
    assert rows[1][:3] == ["GEL", "2024", "0.3712"]
    assert client.get(reverse("policy:import_template", args=["rates", "json"])).status_code == 404


# --- Reading cells --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text", ["1 234,50", "1,234.50", "1234.5", "1.234,50", "1\u00a0234,5", "1234,5"]
)
def test_amounts_are_read_as_people_type_them(text):
    assert importing.parse_number(text) == Decimal("1234.5")


@pytest.mark.parametrize("text", ["1,234", "12,5,6x", "abc", ""])
def test_an_ambiguous_or_unreadable_amount_is_refused(text):
    with pytest.raises(ValueError, match="“"):
        importing.parse_number(text)


@pytest.mark.parametrize("text", ["2024-03-01", "2024-03-01 00:00:00", "01.03.2024", "45352"])
def test_dates_are_read_from_iso_russian_and_excel_forms(text):
    assert importing.parse_date(text) == dt.date(2024, 3, 1)


def test_a_year_alone_is_not_taken_for_an_excel_date():
    with pytest.raises(ValueError, match="is not a date"):
        importing.parse_date("2024")


def test_an_unreadable_file_says_why(personas, areas, tmp_path):
    with pytest.raises(TableFileError, match="not a readable XLSX"):
        run(personas["me_officer"], "rates", "r.xlsx", b"not a workbook", tmp_path)
