"""The legal-analysis findings report as people get it: someone who may read the published
statistics picks a period, a country, a language and a format; the worker writes the report;
the file tells how the cases were qualified, which rights were found violated, the violation
types, perpetrators, strategic cases, responses and outcomes — counts only, every small one
withheld, never a narrative, a client code or a case reference."""

from __future__ import annotations

import datetime as dt
import io
import subprocess
import tempfile
import zipfile
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils.translation import gettext, override
from docx import Document as DocxDocument

from factories import DOCUMENTING_ORGANISATION, country
from hrmonitor.core.documents import BarChart, Paragraph, Table, render_docx
from hrmonitor.core.jobs import job_start
from hrmonitor.core.models import Job, Organisation
from hrmonitor.rights import reports, selectors, services
from hrmonitor.rights.models import Case, LegalAnalysis, Response
from hrmonitor.rights.reports import CaseFindings
from rights.conftest import CLIENT_CODE, NARRATIVE

pytestmark = pytest.mark.django_db

Q1_2026 = {"preset": "custom", "date_from": "2026-01-01", "date_to": "2026-03-31"}
HEADINGS = (
    "Summary",
    "Rights found violated",
    "Violation types",
    "Perpetrators",
    "Strategic cases",
    "Responses and outcomes",
    "Methods",
)
OTHER_NARRATIVE = "Invented: the police took the outreach worker's syringes in Bishkek."


@pytest.fixture
def analysed_case(kg_case, personas):  # type: ignore[no-untyped-def]
    """The Kyrgyz case of the fixture with its act, its legal analysis (a strategic violation
    of the right to family life) and a referral."""
    services.act_add(
        user=personas["case_coordinator"],
        case=kg_case,
        violations=["child_removal", "denial_oat"],
        perpetrator="social_services",
        description="Osh social services removed the daughter.",
    )
    services.analysis_save(
        user=personas["legal_analyst"],
        case=kg_case,
        qualification=LegalAnalysis.Qualification.VIOLATION,
        confidence=LegalAnalysis.Confidence.CONFIRMED,
        rights=["ICCPR.17", "CRC.9"],
        strategic=True,
        text="The removal rested on the OAT alone.",
    )
    services.response_save(
        user=personas["case_coordinator"],
        case=kg_case,
        kind=Response.Kind.SECONDARY_LEGAL,
        started_on=dt.date(2026, 3, 5),
    )
    return kg_case


@pytest.fixture
def police_cases(personas) -> list[Case]:  # type: ignore[no-untyped-def]
    """Six Kyrgyz cases of police violence (enough to be published), one of them closed."""
    coordinator = personas["case_coordinator"]
    made = []
    for n in range(6):
        case = services.case_create(
            user=coordinator,
            country=country("KG"),
            organisation=Organisation.objects.get(name=DOCUMENTING_ORGANISATION),
            channel=Case.Channel.HOTLINE,
            received_on=dt.date(2026, 2, 1 + n),
            consents={"record": True, "statistics": True},
            narrative=OTHER_NARRATIVE,
            client_code=f"POL-{n}",
            gender=Case.Gender.MAN,
        )
        # One also lost her child: two cases of child removal, so that neither small count
        # of the fixture's types can be worked out from the published ones.
        violations = ["police_violence", "child_removal"] if n == 0 else ["police_violence"]
        services.act_add(user=coordinator, case=case, violations=violations, perpetrator="police")
        made.append(case)
    services.case_close(user=coordinator, case=made[0], closure=Case.Closure.RESOLVED)
    return made


def generate(client, language: str, fmt: str, country_code: str = "") -> Job:  # type: ignore[no-untyped-def]
    response = client.post(
        "/rights/findings/",
        {**Q1_2026, "country": country_code, "language": language, "format": fmt},
    )
    assert response.status_code == 302, response.content.decode()
    job = Job.objects.get(kind="rights.findings_report", params__language=language)
    assert response["Location"] == f"/rights/findings/?job={job.pk}"
    call_command("db_worker", batch=True, startup_delay=False, verbosity=0)
    job.refresh_from_db()
    assert job.status == Job.Status.DONE, job.error
    return job


def download(client, job: Job) -> bytes:  # type: ignore[no-untyped-def]
    response = client.get(f"/jobs/{job.pk}/result/")
    assert response["Content-Disposition"].startswith("attachment")
    return b"".join(response.streaming_content)


def pdf_text(content: bytes) -> str:
    with tempfile.NamedTemporaryFile(suffix=".pdf") as handle:
        Path(handle.name).write_bytes(content)
        return subprocess.run(  # noqa: S603 - a fixed command on our own bytes
            ["/usr/bin/pdftotext", "-layout", handle.name, "-"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout


def assert_nothing_identifying(text: str, cases: list[Case]) -> None:
    assert NARRATIVE not in text and "Aigul" not in text and "methadone" not in text
    assert CLIENT_CODE not in text and "Osh" not in text
    assert OTHER_NARRATIVE not in text and "POL-" not in text
    assert "The removal rested" not in text
    for case in cases:
        assert case.reference not in text


# --- Through the page and the worker ---------------------------------------------------------


@pytest.mark.usefixtures("committed_reference_data")
def test_the_pdf_report_in_russian_withholds_small_counts_and_identifies_no_one(
    personas, login, analysed_case, police_cases
):
    client = login(personas["statistics_only"])
    job = generate(client, "ru", "pdf")
    assert "findings-report-2026-01-01-2026-03-31-all-ru" in job.result_file.name
    # No count outside the tables, in the language of the report.
    assert job.message == "Отчёт о результатах юридического анализа готов."
    content = download(client, job)
    assert content.startswith(b"%PDF")
    text = " ".join(pdf_text(content).split())  # lines joined: a sentence may wrap anywhere
    with override("ru"):
        for heading in HEADINGS:
            assert gettext(heading) in text
    assert "Кыргызстан" in text
    assert "Полицейское насилие 6" in text  # a published count (the code list's Russian label)
    assert "Изъятие ребёнка или угроза изъятия <5" in text  # one case: withheld
    assert "Международный пакт о гражданских и политических правах <5" in text
    assert_nothing_identifying(text, [analysed_case, *police_cases])
    # The page shows the job's progress, and the file in the archive of a later visit.
    page = client.get(f"/rights/findings/?job={job.pk}").content.decode()
    assert f'id="job-{job.pk}-progress"' in page and f"/jobs/{job.pk}/result/" in page
    assert f"/jobs/{job.pk}/result/" in client.get("/rights/findings/").content.decode()


@pytest.mark.usefixtures("committed_reference_data")
def test_the_docx_report_in_english_for_a_coordinators_country(personas, login, analysed_case):
    client = login(personas["case_coordinator"])
    job = generate(client, "en", "docx", "KG")
    assert "-kg-en" in job.result_file.name and job.result_file.name.endswith(".docx")
    content = download(client, job)
    document = DocxDocument(io.BytesIO(content))
    text = "\n".join(p.text for p in document.paragraphs)
    cells = [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    for heading in HEADINGS:
        assert heading in text
    assert "Human rights cases documented by the network: Kyrgyzstan" in text
    summary = {row.cells[0].text: row.cells[1].text for row in document.tables[0].rows}
    assert summary["Cases received, with consent to statistics"] == "<5"
    assert "Child removal or threat of it" in cells and "Social services" in cells
    assert "art. 17: Privacy, family and home" in cells
    assert "Secondary legal aid (representation)" in cells
    assert "strategic (for litigation or advocacy): <5." in text
    assert "1" not in cells  # a single case is never shown as one
    # Nothing identifying anywhere in the package (the text, the tables, the properties).
    with zipfile.ZipFile(io.BytesIO(content)) as package:
        xml = " ".join(
            package.read(name).decode("utf-8", "replace")
            for name in package.namelist()
            if name.endswith(".xml")
        )
    assert_nothing_identifying(xml, [analysed_case])


def test_a_focal_point_cannot_generate_the_report(personas, login):
    client = login(personas["focal_point_georgia"])
    assert client.get("/rights/findings/").status_code == 403
    response = client.post("/rights/findings/", {**Q1_2026, "language": "en", "format": "pdf"})
    assert response.status_code == 403
    assert not Job.objects.exists()


def test_an_anonymous_visitor_is_sent_to_sign_in(client):
    response = client.get("/rights/findings/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_a_country_scoped_user_may_report_on_their_countries_only(personas, login):
    client = login(personas["case_coordinator"])  # Kyrgyzstan
    page = client.get("/rights/findings/").content.decode()
    assert 'value="KG"' in page and 'value="GE"' not in page and "All countries" not in page
    for other in ("GE", ""):
        response = client.post(
            "/rights/findings/", {**Q1_2026, "country": other, "language": "en", "format": "pdf"}
        )
        assert response.status_code == 400
    assert not Job.objects.exists()


@pytest.mark.usefixtures("committed_reference_data")
def test_the_worker_checks_the_right_to_the_report_again(personas):
    job = job_start(
        kind="rights.findings_report",
        user=personas["case_coordinator"],  # Kyrgyzstan only
        params={**Q1_2026, "country": "GE", "language": "en", "format": "pdf"},
    )
    call_command("db_worker", batch=True, startup_delay=False, verbosity=0)
    job.refresh_from_db()
    assert job.status == Job.Status.FAILED and not job.result_file


def test_dates_that_cannot_make_a_period_are_refused(personas, login):
    client = login(personas["statistics_only"])
    reversed_dates = {"preset": "custom", "date_from": "2026-03-31", "date_to": "2026-01-01"}
    response = client.post(
        "/rights/findings/", {**reversed_dates, "language": "en", "format": "pdf"}
    )
    assert response.status_code == 400
    assert "The period cannot end before it starts." in response.content.decode()
    assert not Job.objects.exists()


# --- The document ----------------------------------------------------------------------------


def test_the_document_never_decrypts_and_reads_a_fixed_number_of_queries(
    analysed_case, police_cases, monkeypatch
):
    def refuse(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise AssertionError("the findings report must not decrypt anything")

    monkeypatch.setattr("hrmonitor.core.crypto.decrypt", refuse)
    with CaptureQueriesContext(connection) as queries:
        document = reports.findings_document(
            dt.date(2026, 1, 1), dt.date(2026, 3, 31), language="en", threshold=5
        )
    assert len(queries) <= 6
    tables = [b for b in document.blocks if isinstance(b, Table)]
    summary = dict(tables[0].rows)  # type: ignore[arg-type]
    assert summary["Cases received, with consent to statistics"] == "7"
    # 1 analysed ("<5") and 6 not: the 6 would give the 1 away from the total, so it is "x",
    # and so is the number analysed.
    assert summary["of which: Human rights violation"] == "<5"
    assert summary["Not analysed yet"] == "x" and summary["Cases analysed"] == "x"
    chart = next(b for b in document.blocks if isinstance(b, BarChart))
    assert chart.categories == ["Police violence"] and chart.series[0][1] == [6.0]


def test_a_case_without_consent_to_statistics_is_not_in_the_report(personas):
    services.case_create(
        user=personas["case_coordinator"],
        country=country("KG"),
        organisation=Organisation.objects.get(name=DOCUMENTING_ORGANISATION),
        channel=Case.Channel.HOTLINE,
        received_on=dt.date(2026, 2, 1),
        consents={"record": True, "statistics": False},
    )
    document = reports.findings_document(
        dt.date(2026, 1, 1), dt.date(2026, 3, 31), language="en", threshold=5
    )
    summary = dict(next(b for b in document.blocks if isinstance(b, Table)).rows)  # type: ignore[arg-type]
    assert summary["Cases received, with consent to statistics"] == "0"


def findings(qualification: str = "", *, strategic: bool = False) -> CaseFindings:
    return CaseFindings(
        qualification=qualification,
        strategic=strategic,
        rights=frozenset({"ECHR.3"}) if qualification == "violation" else frozenset(),
        responses=frozenset(),
        closure="",
    )


def test_the_number_analysed_is_withheld_when_it_could_not_be_worked_out():
    statistics = selectors.tabulate(
        [], start=dt.date(2026, 1, 1), end=dt.date(2026, 3, 31), threshold=5
    )
    # 2 violations, 2 legal needs and 9 not analysed: the total and "not analysed" are
    # published, so anyone can work out that 4 were analysed: it is shown as "<5" all the same.
    tables = reports.findings_tables(
        [findings("violation")] * 2 + [findings("legal_need")] * 2 + [findings()] * 9,
        statistics,
        threshold=5,
    )
    assert tables.summary.total().value == 13 and tables.summary.count("not_analysed").value == 9
    assert tables.analysed.display(5) == "<5"
    # 3 violations, 6 legal needs, 2 not analysed: "not analysed" is "<5", so the number
    # analysed is withheld ("x"), never shown as 9 (which would give the 2 away).
    tables = reports.findings_tables(
        [findings("violation")] * 3 + [findings("legal_need")] * 6 + [findings()] * 2,
        statistics,
        threshold=5,
    )
    assert tables.summary.count("not_analysed").display(5) == "<5"
    assert tables.analysed.display(5) == "x"
    # A strategic count that would give away a small count of the others is withheld.
    tables = reports.findings_tables(
        [findings("legal_need", strategic=True)] * 7 + [findings("legal_need")] * 2,
        statistics,
        threshold=5,
    )
    assert tables.strategic.display(5) == "x"


def test_a_period_without_cases_gives_a_report_that_says_so(kg_case):
    document = reports.findings_document(
        dt.date(2030, 1, 1), dt.date(2030, 3, 31), language="en", country=country("KG")
    )
    text = " ".join(b.text for b in document.blocks if isinstance(b, Paragraph))
    assert "No case documented with consent to statistics was received in this period." in text
    assert "No analysis of this period found a right violated." in text
    assert "No act was documented in these cases." in text
    assert "None of these cases is closed yet." in text
    assert not any(isinstance(b, BarChart) for b in document.blocks)
    assert render_docx(document).startswith(b"PK")
