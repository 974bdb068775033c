"""Published case statistics: only consented cases count, small counts are withheld ("<5")
and so is any count that would give one away ("x"), downloads hold the published values only,
the page never decrypts, the framework source withholds what the page withholds, and the
access log is reviewed by the Secretariat administrator and the audit body only."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from decimal import Decimal
from html.parser import HTMLParser

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from factories import DOCUMENTING_ORGANISATION, country, user_with_role
from hrmonitor.core.models import Organisation
from hrmonitor.core.roles import Role
from hrmonitor.framework.computation import Computer
from hrmonitor.framework.models import Indicator, Objective
from hrmonitor.framework.periods import parse_period
from hrmonitor.rights import selectors, services
from hrmonitor.rights.models import AccessLog, Case

pytestmark = pytest.mark.django_db

CHILD_REMOVAL = "Child removal or threat of it"
DENIAL_OAT = "Denial or interruption of OAT"
STATISTICS_2026 = "/rights/statistics/?year=2026"


# --- Helpers ---------------------------------------------------------------------------------


class _Tables(HTMLParser):
    """The text of every cell of the tables of a page, by table id: rows of cells."""

    def __init__(self) -> None:
        super().__init__()
        self.tables: dict[str, list[list[str]]] = {}
        self._table: str | None = None
        self._cell: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "table":
            self._table = dict(attrs).get("id") or f"table-{len(self.tables)}"
            self.tables[self._table] = []
        elif tag == "tr" and self._table:
            self.tables[self._table].append([])
        elif tag in ("td", "th") and self._table:
            self._cell = []

    def handle_endtag(self, tag: str) -> None:
        if tag in ("td", "th") and self._table and self._cell is not None:
            self.tables[self._table][-1].append("".join(self._cell).strip())
            self._cell = None
        elif tag == "table":
            self._table = None

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)


def tables(html: str) -> dict[str, list[list[str]]]:
    parser = _Tables()
    parser.feed(html)
    return parser.tables


def violation_cell(page: str, violation: str, country_name: str) -> str:
    header, *rows = tables(page)["violations-table"]
    column = header.index(country_name)
    return next(row[column] for row in rows if row[0] == violation)


WITHHELD = {"<5", "x"}


def assert_no_line_gives_a_withheld_entry_away(table: list[list[str]]) -> None:
    """In every row and column with a published, non-zero total (the last entry), never
    exactly one withheld entry."""
    header, *body = table
    lines = [row[1:] for row in body]
    lines += [[row[c] for row in body] for c in range(1, len(header))]
    for line in lines:
        *members, total = line
        if total in WITHHELD or total == "0":
            continue
        assert sum(m in WITHHELD for m in members) != 1, line


def record_case(  # type: ignore[no-untyped-def]
    user,
    *,
    iso2: str = "KG",
    violations: tuple[str, ...] = ("child_removal",),
    received_on: dt.date = dt.date(2026, 3, 10),
    statistics: bool = True,
    gender: str = Case.Gender.WOMAN,
) -> Case:
    """A case with one act, recorded by `user` (a case coordinator of `iso2`)."""
    case = services.case_create(
        user=user,
        country=country(iso2),
        organisation=Organisation.objects.get(name=DOCUMENTING_ORGANISATION),
        channel=Case.Channel.HOTLINE,
        received_on=received_on,
        consents={"record": True, "statistics": statistics},
        gender=gender,
        key_groups=["pwud"],
    )
    services.act_add(user=user, case=case, violations=violations, perpetrator="social_services")
    return case


@pytest.fixture
def coordinator(personas):  # type: ignore[no-untyped-def]
    return personas["case_coordinator"]


@pytest.fixture
def georgia_coordinator():  # type: ignore[no-untyped-def]
    return user_with_role(Role.CASE_COORDINATOR, "GE", username="coordinator_georgia")


@pytest.fixture
def child_removal(kg_case, coordinator) -> Case:  # type: ignore[no-untyped-def]
    """The Kyrgyz case of the fixture, with its act: the child taken into state care."""
    services.act_add(
        user=coordinator,
        case=kg_case,
        violations=["child_removal"],
        perpetrator="social_services",
        description="Osh social services removed the daughter.",
    )
    return kg_case


# --- The public page -------------------------------------------------------------------------


def test_a_single_case_is_published_as_fewer_than_five_and_never_as_one(client, child_removal):
    response = client.get(STATISTICS_2026)
    assert response.status_code == 200
    page = response.content.decode()
    assert violation_cell(page, CHILD_REMOVAL, "Kyrgyzstan") == "<5"
    child_row = next(r for r in tables(page)["violations-table"] if r[0] == CHILD_REMOVAL)
    assert "1" not in child_row
    assert tables(page)["table-0"] == [["Cases received in the period", "<5"]]
    # The legend says what the marks mean and why.
    assert "How small numbers are protected" in page and "a number from 1 to 4" in page


def test_the_page_is_public_and_explains_an_empty_period(client):
    page = client.get("/rights/statistics/?year=2019").content.decode()
    assert "No case is published for this period and country" in page
    assert "violations-table" not in page


def test_a_case_without_consent_to_statistics_is_not_counted(client, coordinator):
    for _n in range(5):
        record_case(coordinator)
    record_case(coordinator, statistics=False)
    page = client.get(STATISTICS_2026).content.decode()
    assert violation_cell(page, CHILD_REMOVAL, "Kyrgyzstan") == "5"
    assert tables(page)["table-0"] == [["Cases received in the period", "5"]]


def test_a_withdrawn_consent_stops_the_count(client, coordinator):
    cases = [record_case(coordinator) for _n in range(5)]
    page = client.get(STATISTICS_2026).content.decode()
    assert violation_cell(page, CHILD_REMOVAL, "Kyrgyzstan") == "5"
    services.consent_withdraw(user=coordinator, case=cases[0], item="statistics")
    page = client.get(STATISTICS_2026).content.decode()
    assert violation_cell(page, CHILD_REMOVAL, "Kyrgyzstan") == "<5"


def test_six_cases_of_one_type_are_published_and_no_line_gives_a_small_count_away(
    client, child_removal, coordinator, georgia_coordinator
):
    for _n in range(5):
        record_case(coordinator)
    page = client.get(STATISTICS_2026).content.decode()
    assert violation_cell(page, CHILD_REMOVAL, "Kyrgyzstan") == "6"

    # One more Kyrgyz case of another type, five Georgian ones: the "<5" must not be
    # recoverable from Kyrgyzstan's published total, nor anything else from any line.
    record_case(coordinator, violations=("denial_oat",), gender=Case.Gender.MAN)
    for _n in range(5):
        record_case(georgia_coordinator, iso2="GE")
    page = client.get(STATISTICS_2026).content.decode()
    found = tables(page)
    assert violation_cell(page, DENIAL_OAT, "Kyrgyzstan") == "<5"
    assert violation_cell(page, CHILD_REMOVAL, "Kyrgyzstan") == "x"
    assert_no_line_gives_a_withheld_entry_away(found["violations-table"])
    # The gender series: woman 11, man "<5" under a published total of 12.
    gender = dict(tuple(row) for row in found["gender-table"])
    assert gender["Man"] == "<5" and gender["Woman"] == "x" and gender["All cases"] == "12"


def test_a_case_with_several_types_counts_once_under_each_and_once_in_the_total():
    both = selectors.CaseFacts(
        "KG",
        dt.date(2026, 3, 1),
        "woman",
        frozenset({"pwud"}),
        frozenset({"child_removal", "discrimination"}),
        frozenset({"police"}),
    )
    stats = selectors.tabulate(
        [both] * 5, start=dt.date(2026, 1, 1), end=dt.date(2026, 12, 31), threshold=5
    )
    assert stats.total.value == 5
    assert stats.by_violation.cell("child_removal", "KG").value == 5
    assert stats.by_violation.cell("discrimination", "KG").value == 5
    assert stats.by_violation.column_total("KG").value == 10  # violations, not cases
    assert stats.by_quarter.categories == ["2026-Q1", "2026-Q2", "2026-Q3", "2026-Q4"]


def test_the_export_holds_the_published_values_not_the_raw_counts(client, child_removal):
    response = client.get("/rights/statistics.csv?year=2026")
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    header, *body = rows
    value = header.index("Value")
    kyrgyz = [r for r in body if r[2] == "Kyrgyzstan" and r[3] == CHILD_REMOVAL]
    assert [r[value] for r in kyrgyz] == ["<5"]
    assert all(r[value] != "1" for r in body)
    document = json.loads(client.get("/rights/statistics.json?year=2026").content)
    assert {"<5"} == {r["Value"] for r in document["rows"] if r["Category"] == CHILD_REMOVAL}
    assert client.get("/rights/statistics.xlsx?year=2026").status_code == 200
    assert client.get("/rights/statistics.pdf?year=2026").status_code == 404


def test_the_page_and_the_downloads_never_decrypt(client, child_removal, monkeypatch):
    def refuse(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise AssertionError("statistics must not decrypt anything")

    monkeypatch.setattr("hrmonitor.core.crypto.decrypt", refuse)
    with pytest.raises(AssertionError):
        _ = Case.objects.get(pk=child_removal.pk).narrative  # the patch is in force
    assert client.get(STATISTICS_2026).status_code == 200
    assert client.get("/rights/statistics.csv?year=2026&country=KG").status_code == 200
    assert client.get("/countries/KG/").status_code == 200


def test_the_statistics_page_keeps_a_fixed_query_count(
    client, coordinator, georgia_coordinator, django_assert_max_num_queries
):
    record_case(coordinator)
    client.get(STATISTICS_2026)
    with CaptureQueriesContext(connection) as few:
        client.get(STATISTICS_2026)
    for _n in range(6):
        record_case(coordinator, violations=("child_removal", "discrimination"))
        record_case(georgia_coordinator, iso2="GE", violations=("police_violence",))
    with CaptureQueriesContext(connection) as many:
        client.get(STATISTICS_2026)
    assert len(many) == len(few)
    # The countries for the filter, the counted cases, their acts.
    with django_assert_max_num_queries(3):
        client.get(STATISTICS_2026)


def test_a_country_filter_shows_only_that_country(client, coordinator, georgia_coordinator):
    for _n in range(5):
        record_case(coordinator)
        record_case(georgia_coordinator, iso2="GE")
    page = client.get(STATISTICS_2026 + "&country=GE").content.decode()
    header = tables(page)["violations-table"][0]
    assert "Georgia" in header and "Kyrgyzstan" not in header
    assert tables(page)["table-0"] == [["Cases received in the period", "5"]]


def test_an_end_before_the_start_is_refused_and_the_last_12_months_shown(client):
    page = client.get("/rights/statistics/?start=2026-05-01&end=2026-01-01").content.decode()
    assert "The end of the period cannot be before its start." in page
    start, end = selectors.last_twelve_months(timezone.localdate())
    assert f"received from {start.isoformat()} to {end.isoformat()}" in page


# --- The country profile ---------------------------------------------------------------------


def test_the_country_profile_shows_the_published_total_and_top_violations(client, coordinator):
    recently = timezone.localdate() - dt.timedelta(days=20)
    for violations, cases in [
        (("child_removal",), 4),
        (("child_removal", "denial_oat"), 6),
        (("eviction",), 2),
        (("job_loss",), 2),
    ]:
        for _n in range(cases):
            record_case(coordinator, received_on=recently, violations=violations)
    page = client.get("/countries/KG/").content.decode()
    assert "14 cases of human rights violations" in page
    # Published first, by value; then the withheld ones in the order of the list, never by
    # their hidden counts.
    top = tables(page)["country-cases-violations"]
    assert top[1:] == [
        [CHILD_REMOVAL, "10"],
        [DENIAL_OAT, "6"],
        ["Eviction", "<5"],
        ["Loss of employment", "<5"],
    ]
    assert "/rights/statistics/?country=KG" in page


def test_the_country_profile_publishes_no_number_below_the_threshold(client, coordinator):
    record_case(coordinator, received_on=timezone.localdate() - dt.timedelta(days=3))
    page = client.get("/countries/KG/").content.decode()
    assert "Fewer than 5 cases were documented in the last 12 months" in page
    assert "country-cases-violations" not in page
    assert "No case documented" in client.get("/countries/GE/").content.decode()


# --- The framework source --------------------------------------------------------------------


def cases_indicator(params: dict, code: str = "T.CASES") -> Indicator:  # type: ignore[type-arg]
    return Indicator.objects.create(
        objective=Objective.objects.order_by("order").first(),
        code=code,
        name="Documented cases",
        unit=Indicator.Unit.NUMBER,
        space_aggregation=Indicator.SpaceAggregation.SUM,
        source_kind=Indicator.SourceKind.FUNCTION,
        source_function="rights.cases",
        source_params=params,
    )


def test_the_source_withholds_a_count_below_the_threshold(child_removal):
    indicator = cases_indicator({"violations": ["child_removal", "eviction"]})
    computer = Computer.for_indicators([indicator], countries=[country("KG")])
    result = computer.value(indicator, country("KG"), parse_period("2026"))
    assert result.value is None
    assert str(result.note) == "Fewer than 5 cases: not published."
    assert result.lineage == ()
    region = computer.value(indicator, None, parse_period("2026"))
    assert region.value is None and "Fewer than 5" in str(region.note)


def test_the_source_publishes_a_count_at_the_threshold(
    coordinator, georgia_coordinator, django_assert_max_num_queries
):
    for _n in range(5):
        record_case(coordinator, gender=Case.Gender.WOMAN)
    record_case(coordinator, gender=Case.Gender.MAN)  # not a woman: not counted below
    record_case(coordinator, statistics=False)  # no consent: never counted
    for _n in range(5):
        record_case(georgia_coordinator, iso2="GE", violations=("police_violence",))
    indicator = cases_indicator({"violations": ["child_removal"], "gender": "woman"})
    kg, ge = country("KG"), country("GE")
    computer = Computer.for_indicators([indicator], countries=[kg, ge])
    with django_assert_max_num_queries(2):  # the cases and their acts, once
        kyrgyzstan = computer.value(indicator, kg, parse_period("2026"))
        georgia = computer.value(indicator, ge, parse_period("2026"))
        region = computer.value(indicator, None, parse_period("2026"))
        before = computer.value(indicator, kg, parse_period("2025"))
    assert kyrgyzstan.value == Decimal(5) and kyrgyzstan.lineage == ()
    assert georgia.value == Decimal(0)
    assert region.value == Decimal(5)
    assert before.value == Decimal(0)
    by_group = cases_indicator({"key_group": "pwud"}, code="T.CASES.PWUD")
    computer = Computer.for_indicators([by_group], countries=[country("KG")])
    assert computer.value(by_group, None, parse_period("2026")).value == Decimal(11)


# --- The access log --------------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["secretariat_admin", "audit_body"])
def test_the_secretariat_and_the_audit_body_review_the_access_log(
    login, personas, child_removal, persona
):
    AccessLog.objects.create(username="someone", case_reference="C-OTHER234", action="view")
    client = login(personas[persona])
    page = client.get("/rights/access-log/").content.decode()
    assert child_removal.reference in page and "C-OTHER234" in page
    filtered = client.get(f"/rights/access-log/?case={child_removal.reference.lower()}")
    assert child_removal.reference in filtered.content.decode()
    assert "C-OTHER234" not in filtered.content.decode()
    by_action = client.get("/rights/access-log/?action=view&user=some").content.decode()
    assert "C-OTHER234" in by_action and child_removal.reference not in by_action
    logged = AccessLog.objects.count()
    client.get("/rights/access-log/")
    assert AccessLog.objects.count() == logged  # reading the log is not logged


@pytest.mark.parametrize("persona", ["case_documenter", "case_coordinator", "statistics_only"])
def test_case_workers_may_not_read_the_access_log(login, personas, persona):
    assert login(personas[persona]).get("/rights/access-log/").status_code == 403


def test_the_access_log_asks_a_visitor_to_sign_in(client):
    response = client.get("/rights/access-log/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_the_access_log_is_paginated_newest_first(login, personas):
    AccessLog.objects.bulk_create(
        AccessLog(username="u", case_reference=f"C-{n:08d}", action="view") for n in range(51)
    )
    client = login(personas["audit_body"])
    first = client.get("/rights/access-log/").content.decode()
    assert "Page 1 of 2" in first and "C-00000050" in first
    second = client.get("/rights/access-log/?page=2").content.decode()
    assert "C-00000000" in second and "C-00000050" not in second


def test_the_filtered_access_log_downloads_as_csv(login, personas, child_removal):
    AccessLog.objects.create(username="someone", case_reference="C-OTHER234", action="view")
    client = login(personas["audit_body"])
    response = client.get(f"/rights/access-log/?case={child_removal.reference}&format=csv")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "case-access-log.csv" in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    assert rows[0] == ["When", "User", "Action", "Case", "Detail"]
    assert {r[3] for r in rows[1:]} == {child_removal.reference}
    assert ["case_documenter", "Changed", child_removal.reference, "created"] in [
        r[1:] for r in rows[1:]
    ]
