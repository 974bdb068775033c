"""The efficiency assessment as people use it: the estimates of people who inject drugs
loaded from the published facts, records entered and imported (every row or none) by those who
run CLM in the country, the page that classifies each country against the guide's levels, and
the report in both formats."""

from __future__ import annotations

import csv
import io
import subprocess
import tempfile
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from docx import Document as DocxDocument
from openpyxl import Workbook

from factories import country
from hrmonitor.clm import services_efficiency as services
from hrmonitor.clm.models import PwidEstimate, ServiceDelivery, ServiceSite
from hrmonitor.core.jobs import run_job
from hrmonitor.core.models import Job
from hrmonitor.core.services import read_yaml
from hrmonitor.policy.models import ExchangeRate
from hrmonitor.policy.services import FACTS_FILE

pytestmark = pytest.mark.django_db

HRI = "Harm Reduction International, Global State of Harm Reduction 2020"


@pytest.fixture
def estimates() -> None:
    services.pwid_estimates_load()


@pytest.fixture
def sites() -> dict[str, ServiceSite]:
    def site(code: str, name: str, iso2: str) -> ServiceSite:
        return ServiceSite.objects.create(
            code=code, name=name, kind="nsp_fixed", country=country(iso2)
        )

    return {
        "almaty": site("KZ-ALA-NSP", "Almaty NSP", "KZ"),
        "karaganda": site("KZ-KAR-NSP", "Karaganda NSP", "KZ"),
        "tbilisi": site("GE-TBS-NSP", "Tbilisi NSP", "GE"),
        "tirana": site("AL-TIA-NSP", "Tirana NSP", "AL"),
    }


@pytest.fixture
def recorded(personas, estimates, sites):  # type: ignore[no-untyped-def]
    """2023: Kazakhstan's two sites (10,000,000 syringes for 94,600 people: 105.7 a person,
    medium; 1,200 OAT clients: 1.3 per 100, low), costs in tenge at the year's rate; Albania's
    site (1,100,000 syringes for 5,132–6,182 people: 177.9 to 214.3, medium to high)."""
    ExchangeRate.objects.create(currency="KZT", year=2023, usd_per_unit=Decimal("0.0022"))
    admin = personas["secretariat_admin"]
    services.delivery_save(
        user=admin, country=country("KZ"), site=sites["almaty"], year=2023,
        clients_reached=5_000, syringes=6_000_000, oat_clients=900,
        cost=Decimal(50_000_000), currency="KZT", source="Almaty NSP annual report 2023",
    )  # fmt: skip
    services.delivery_save(
        user=admin, country=country("KZ"), site=sites["karaganda"], year=2023,
        clients_reached=3_000, syringes=4_000_000, oat_clients=300,
        cost=Decimal(30_000_000), currency="KZT", source="Karaganda NSP annual report 2023",
    )  # fmt: skip
    services.delivery_save(
        user=admin, country=country("AL"), site=sites["tirana"], year=2023,
        clients_reached=2_000, syringes=1_100_000, cost=Decimal(90_000), currency="EUR",
        source="Tirana NSP report",
    )  # fmt: skip


# --- The estimates ---------------------------------------------------------------------------


def published(iso2: str) -> dict[int, tuple[str, str]]:
    """The pwid_estimate of a country in facts.yaml, by year: (printed value, source)."""
    return {
        int(group["year"]): (group["countries"][iso2]["pwid_estimate"], group["source"])
        for group in read_yaml(FACTS_FILE)["facts"]
        if "pwid_estimate" in group["countries"].get(iso2, {})
    }


def test_the_estimates_of_kazakhstan_and_georgia_are_those_the_facts_publish(estimates):  # type: ignore[no-untyped-def]
    for iso2 in ("KZ", "GE"):
        facts = published(iso2)
        assert set(facts) == {2018, 2020}
        for year, (printed, source) in facts.items():
            estimate = PwidEstimate.objects.get(country__iso2=iso2, year=year)
            assert estimate.low == estimate.high == int(printed.replace(",", ""))
            assert estimate.source == source
    assert PwidEstimate.objects.get(country__iso2="KZ", year=2020).low == 94_600
    assert PwidEstimate.objects.get(country__iso2="GE", year=2018).low == 52_700


def test_printed_ranges_are_kept_as_ranges_and_not_known_gives_no_record(estimates):  # type: ignore[no-untyped-def]
    albania = PwidEstimate.objects.get(country__iso2="AL", year=2020)
    assert (albania.low, albania.high, albania.central) == (5_132, 6_182, 5_657)
    assert HRI in albania.source
    bosnia = PwidEstimate.objects.get(country__iso2="BA", year=2018)
    assert (bosnia.low, bosnia.high) == (9_500, 15_000)
    # Kosovo's 2018 figure is "nk" in the source; North Macedonia has none: nothing invented.
    assert not PwidEstimate.objects.filter(country__iso2="XK", year=2018).exists()
    assert not PwidEstimate.objects.filter(country__iso2="MK").exists()
    printed = sum(len([c for c in g["countries"].values() if "pwid_estimate" in c])
                  for g in read_yaml(FACTS_FILE)["facts"])  # fmt: skip
    assert PwidEstimate.objects.count() == printed


def test_loading_the_estimates_twice_changes_nothing(estimates):  # type: ignore[no-untyped-def]
    history = PwidEstimate.history.count()
    report = services.pwid_estimates_load()
    assert report.changed() == 0
    assert PwidEstimate.history.count() == history


def test_an_estimate_recorded_from_another_source_is_left_alone(db):  # type: ignore[no-untyped-def]
    # `init` loaded the published estimate; a national study replaces it by hand.
    PwidEstimate.objects.filter(country=country("GE"), year=2020).delete()
    PwidEstimate.objects.create(
        country=country("GE"), year=2020, low=50_000, high=55_000, source="National study 2020"
    )
    services.pwid_estimates_load()
    kept = PwidEstimate.objects.get(country__iso2="GE", year=2020)
    assert (kept.low, kept.high, kept.source) == (50_000, 55_000, "National study 2020")


# --- Entering records ------------------------------------------------------------------------

RECORD = {
    "year": "2023",
    "clients_reached": "1200",
    "syringes": "300000",
    "cost": "1000000",
    "currency": "KZT",
    "source": "Site report",
}


def test_a_focal_point_of_georgia_cannot_enter_a_record_for_kazakhstan(personas, login, sites):  # type: ignore[no-untyped-def]
    client = login(personas["focal_point_georgia"])
    response = client.post("/clm/efficiency/records/new/", {**RECORD, "site": sites["almaty"].pk})
    assert response.status_code == 403
    response = client.post("/clm/efficiency/records/new/", {**RECORD, "country": country("KZ").pk})
    assert response.status_code == 403
    assert not ServiceDelivery.objects.exists()
    with pytest.raises(PermissionDenied):
        services.delivery_save(
            user=personas["focal_point_georgia"], country=country("KZ"), year=2023, source="x"
        )


def test_a_focal_point_enters_and_corrects_a_record_of_their_country(personas, login, sites):  # type: ignore[no-untyped-def]
    client = login(personas["focal_point_georgia"])
    form = client.get("/clm/efficiency/records/new/").content.decode()
    assert "Tbilisi NSP" in form and "Almaty NSP" not in form  # only their country's sites
    response = client.post(
        "/clm/efficiency/records/new/", {**RECORD, "site": sites["tbilisi"].pk, "currency": "GEL"}
    )
    assert response.status_code == 302 and response["Location"] == "/clm/efficiency/?year=2023"
    record = ServiceDelivery.objects.get()
    assert (record.country.iso2, record.syringes, record.oat_clients) == ("GE", 300_000, None)
    assert record.created_by == personas["focal_point_georgia"]
    response = client.post(
        f"/clm/efficiency/records/{record.pk}/",
        {**RECORD, "site": sites["tbilisi"].pk, "syringes": "350000"},
    )
    assert response.status_code == 302
    record.refresh_from_db()
    assert record.syringes == 350_000
    # The same site and year a second time is refused, saying why.
    response = client.post("/clm/efficiency/records/new/", {**RECORD, "site": sites["tbilisi"].pk})
    assert response.status_code == 400
    assert "There is already a record of Tbilisi NSP for 2023." in response.content.decode()
    # Kazakhstan's focal point does not even see the record.
    other = login(personas["focal_point_kazakhstan"])
    assert other.get(f"/clm/efficiency/records/{record.pk}/").status_code == 404


def test_a_record_without_a_source_is_refused(personas, login, sites):  # type: ignore[no-untyped-def]
    client = login(personas["secretariat_admin"])
    response = client.post(
        "/clm/efficiency/records/new/", {**RECORD, "site": sites["almaty"].pk, "source": ""}
    )
    assert response.status_code == 400
    assert not ServiceDelivery.objects.exists()


# --- Import ----------------------------------------------------------------------------------


def upload(client, name: str, content: bytes):  # type: ignore[no-untyped-def]
    return client.post("/clm/efficiency/import/", {"file": SimpleUploadedFile(name, content)})


def test_a_file_with_russian_headers_is_imported(personas, login, sites):  # type: ignore[no-untyped-def]
    rows = [
        ["Код точки", "Страна", "Год", "Охвачено клиентов", "Шприцы", "Клиенты ОАТ",
         "Стоимость", "Валюта", "Источник"],
        ["KZ-ALA-NSP", "", "2023", "5000", "6 000 000", "900", "50000000", "KZT", "Годовой отчёт"],
        ["", "Казахстан", "2023", "", "", "", "1 234,50", "usd", "Отчёт программы"],
    ]  # fmt: skip
    text = "\n".join(";".join(row) for row in rows)
    response = upload(login(personas["focal_point_kazakhstan"]), "records.csv", text.encode())
    assert response.status_code == 302, response.content.decode()
    site_record = ServiceDelivery.objects.get(site=sites["almaty"])
    assert (site_record.syringes, site_record.oat_clients, site_record.cost) == (
        6_000_000,
        900,
        Decimal(50_000_000),
    )
    programme = ServiceDelivery.objects.get(site=None)
    assert programme.country.iso2 == "KZ" and programme.cost == Decimal("1234.50")
    assert programme.currency == "USD" and programme.clients_reached is None  # unknown, not 0


def test_an_xlsx_file_updates_the_record_of_the_same_site_and_year(
    personas, login, sites, recorded
):  # type: ignore[no-untyped-def]
    book = Workbook()
    sheet = book.active
    sheet.append(["site", "year", "syringes", "source"])
    sheet.append(["KZ-ALA-NSP", 2023, 6_500_000, "Corrected report"])
    buffer = io.BytesIO()
    book.save(buffer)
    response = upload(login(personas["secretariat_admin"]), "records.xlsx", buffer.getvalue())
    assert response.status_code == 302
    record = ServiceDelivery.objects.get(site=sites["almaty"], year=2023)
    assert (record.syringes, record.source) == (6_500_000, "Corrected report")
    assert ServiceDelivery.objects.count() == 3


def test_a_file_with_bad_rows_imports_nothing_and_names_each_problem(personas, login, sites):  # type: ignore[no-untyped-def]
    rows = [
        ["Site", "Country", "YEAR", "Syringes", "Cost", "Currency", "Source"],
        ["GE-TBS-NSP", "", "2023", "1000", "10", "GEL", "ok"],
        ["GE-XXX", "", "2023", "", "", "", "report"],
        ["GE-TBS-NSP", "", "20x3", "12.5", "-4", "lari", ""],
        ["", "Kazakhstan", "2023", "", "", "", "report"],
        ["", "Atlantis", "2023", "", "", "", "report"],
    ]
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    response = upload(login(personas["focal_point_georgia"]), "bad.csv", out.getvalue().encode())
    assert response.status_code == 400
    page = response.content.decode()
    assert "Nothing was imported: 8 problems." in page
    found = [(p.line, p.column, p.message) for p in response.context["problems"]]
    assert found == [
        (3, "Site", "No site has the code “GE-XXX”."),
        (4, "YEAR", "Write a year between 1990 and 2100."),
        (4, "Syringes", "Write a whole number, or leave it empty if unknown."),
        (4, "Cost", "Write an amount such as 12500.50, or leave it empty."),
        (4, "Currency", "“lari” is not a currency code (three letters, e.g. USD, EUR)."),
        (4, "Source", "Say where the figures come from."),
        (5, "Country", "You may not enter records for Kazakhstan."),
        (6, "Country", "Unknown country “Atlantis”."),
    ]
    assert not ServiceDelivery.objects.exists()  # not even the good first row


# --- The page --------------------------------------------------------------------------------


def test_people_without_clm_review_get_403(personas, login):  # type: ignore[no-untyped-def]
    for persona in ("community_monitor", "evaluator", "no_role"):
        assert login(personas[persona]).get("/clm/efficiency/").status_code == 403


def test_the_page_without_records_says_how_to_start(personas, login):  # type: ignore[no-untyped-def]
    page = login(personas["focal_point_georgia"]).get("/clm/efficiency/").content.decode()
    assert 'id="efficiency-empty"' in page and "/clm/efficiency/records/new/" in page
    assert "/clm/efficiency/import/" in page


def test_the_page_classifies_each_country_against_the_guide(personas, login, recorded):  # type: ignore[no-untyped-def]
    response = login(personas["secretariat_admin"]).get("/clm/efficiency/?year=2023")
    page = response.content.decode()
    kazakhstan = page.split('id="country-KZ"')[1].split("</tr>")[0]
    assert "105.7" in kazakhstan and "medium" in kazakhstan  # 10,000,000 / 94,600
    assert "1.3" in kazakhstan and "low" in kazakhstan  # 1,200 × 100 / 94,600
    assert "176,000" in kazakhstan  # 80,000,000 KZT at 0.0022 USD
    assert "22.00" in kazakhstan  # a client: 176,000 USD / 8,000 clients
    assert "0.02" in kazakhstan  # a syringe: 176,000 USD / 10,000,000 syringes
    albania = page.split('id="country-AL"')[1].split("</tr>")[0]
    assert "194.4 (177.9–214.3)" in albania and "medium to high" in albania
    # Albania's cost is in euros without a 2023 rate: unknown, and the page says why.
    assert "No exchange rate for EUR in 2023." in page
    assert "opioid-dependent" in page  # the method note on the OAT denominator
    assert "Technical guide for countries to set targets" in page
    assert HRI in page  # each country's estimate with its source
    assert "Almaty NSP" in page and "/clm/efficiency/records/" in page


def test_the_page_costs_the_same_queries_whatever_the_number_of_records(
    personas, login, recorded, sites
):  # type: ignore[no-untyped-def]
    client = login(personas["secretariat_admin"])
    client.get("/clm/efficiency/?year=2023")
    with CaptureQueriesContext(connection) as before:
        client.get("/clm/efficiency/?year=2023")
    services.delivery_save(
        user=personas["secretariat_admin"], country=country("GE"), site=sites["tbilisi"],
        year=2023, syringes=10, source="x",
    )  # fmt: skip
    with CaptureQueriesContext(connection) as after:
        client.get("/clm/efficiency/?year=2023")
    assert len(after) == len(before)


def test_the_table_downloads_as_csv(personas, login, recorded):  # type: ignore[no-untyped-def]
    response = login(personas["secretariat_admin"]).get("/clm/efficiency/?year=2023&format=csv")
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    header, albania, kazakhstan = rows
    assert header[:3] == ["Country", "ISO code", "Year"]
    assert kazakhstan[header.index("Syringes per PWID")] == "105.71"
    assert kazakhstan[header.index("Syringe coverage level")] == "medium"
    assert albania[header.index("Syringe coverage level")] == "medium to high"
    assert albania[header.index("Cost, USD")] == ""  # unknown: empty, not 0


def test_a_focal_point_sees_only_their_countrys_records(personas, login, recorded):  # type: ignore[no-untyped-def]
    page = login(personas["focal_point_kazakhstan"]).get("/clm/efficiency/").content.decode()
    assert 'id="country-KZ"' in page and 'id="country-AL"' not in page


# --- The report ------------------------------------------------------------------------------


def pdf_text(content: bytes) -> str:
    with tempfile.NamedTemporaryFile(suffix=".pdf") as handle:
        Path(handle.name).write_bytes(content)
        return subprocess.run(  # noqa: S603 - a fixed command on our own bytes
            ["/usr/bin/pdftotext", "-layout", handle.name, "-"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout


def generate(client, **fields) -> Job:  # type: ignore[no-untyped-def]
    response = client.post("/clm/efficiency/report/", {"year": "2023", **fields})
    assert response.status_code == 302, response.content.decode()
    job = Job.objects.get(kind="clm.efficiency_report", params__format=fields["format"])
    assert response["Location"] == f"/clm/efficiency/report/?job={job.pk}"
    run_job.call(job_id=job.pk)  # the job body, as the worker runs it
    job.refresh_from_db()
    assert job.status == Job.Status.DONE, job.error
    return job


def download(client, job: Job) -> bytes:  # type: ignore[no-untyped-def]
    response = client.get(f"/jobs/{job.pk}/result/")
    assert response["Content-Disposition"].startswith("attachment")
    return b"".join(response.streaming_content)


def test_the_pdf_report_classifies_the_countries(personas, login, recorded, settings, tmp_path):  # type: ignore[no-untyped-def]
    settings.MEDIA_ROOT = tmp_path
    client = login(personas["secretariat_admin"])
    job = generate(client, language="en", format="pdf")
    assert job.message == "The efficiency report is ready: 2 countries."
    content = download(client, job)
    assert content.startswith(b"%PDF")
    text = " ".join(pdf_text(content).split())
    for heading in ("Method", "Coverage", "Unit costs", "Unknown figures", "Sources"):
        assert heading in text
    assert "105.7" in text and "medium to high" in text
    assert "No exchange rate for EUR in 2023." in text
    page = client.get(f"/clm/efficiency/report/?job={job.pk}").content.decode()
    assert f'id="job-{job.pk}-progress"' in page and f"/jobs/{job.pk}/result/" in page


def test_the_docx_report_in_russian_for_one_country(personas, login, recorded, settings, tmp_path):  # type: ignore[no-untyped-def]
    settings.MEDIA_ROOT = tmp_path
    client = login(personas["secretariat_admin"])
    job = generate(client, language="ru", format="docx", countries=[country("KZ").pk])
    document = DocxDocument(io.BytesIO(download(client, job)))
    cells = [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    assert "Казахстан" in cells and "Албания" not in cells
    assert "105,7" in cells  # Russian decimal comma
    assert any("Almaty NSP" in cell for cell in cells)
    assert len(document.inline_shapes) == 2  # the two coverage charts


def test_a_focal_point_cannot_report_on_another_country(personas, login, recorded):  # type: ignore[no-untyped-def]
    client = login(personas["focal_point_georgia"])
    response = client.post(
        "/clm/efficiency/report/",
        {"year": "2023", "countries": [country("KZ").pk], "language": "en", "format": "pdf"},
    )
    assert response.status_code == 400  # Kazakhstan is not among their choices
    assert not Job.objects.exists()
