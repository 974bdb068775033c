"""The case API: every endpoint called as every persona (and anonymously) answers by the same
access matrix as the pages, logs each opening and refusal, never shows identifying data to a
pseudonymised reader, and may not be cached."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from factories import DOCUMENTING_ORGANISATION, PERSONAS, country, user_with_role
from hrmonitor.core.models import Organisation
from hrmonitor.core.roles import Role
from hrmonitor.core.services import api_token_create
from hrmonitor.rights import services
from hrmonitor.rights.models import AccessLog, Case, Response
from rights.conftest import CLIENT_CODE, NARRATIVE
from rights.test_cases import MATRIX

pytestmark = pytest.mark.django_db

CASES = "/api/v1/rights/cases"
READS = ["view", "view_pseudonymised", "denied"]  # (the fixtures' edits are logged too)
EVERYONE = [*PERSONAS, "no_role", "anonymous"]
# How each persona may open the Kyrgyz case: the matrix of the pages; anyone else, not at all.
LEVEL = {persona: level for persona, _action, level in MATRIX}
# Who sees which case in the list: the Kyrgyz case (Bishkek NGO) and a Georgian one.
SEES_KG = {"case_documenter", "legal_analyst", "case_coordinator", "regional_analyst"}
SEES_GE = {"legal_analyst_georgia", "regional_analyst"}


def headers(personas, persona: str) -> dict[str, str]:  # type: ignore[no-untyped-def]
    if persona == "anonymous":
        return {}
    token = api_token_create(user=personas[persona], name="script")[1]
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


@pytest.fixture
def documented_case(kg_case, personas) -> Case:  # type: ignore[no-untyped-def]
    services.act_add(
        user=personas["case_documenter"],
        case=kg_case,
        violations=["child_removal", "discrimination"],
        perpetrator="social_services",
        description="Aigul's daughter was taken at the clinic.",
    )
    services.analysis_save(
        user=personas["legal_analyst"],
        case=kg_case,
        qualification="violation",
        confidence="confirmed",
        rights=["ICCPR.23", "CRC.9"],
        text="Removal based solely on Aigul's OAT status.",
    )
    services.response_save(
        user=personas["case_coordinator"],
        case=kg_case,
        kind=Response.Kind.SECONDARY_LEGAL,
        started_on=dt.date(2026, 3, 10),
        referred=True,
        referred_to="Legal clinic, Osh",
        outcome="Aigul got her daughter back.",
    )
    return kg_case


@pytest.fixture
def georgian_case(db) -> Case:  # type: ignore[no-untyped-def]
    tbilisi = Organisation.objects.create(name="NGO, Tbilisi", kind="member", country=country("GE"))
    return services.case_create(
        user=user_with_role(Role.CASE_DOCUMENTER, "GE", organisation=tbilisi),
        country=country("GE"),
        organisation=tbilisi,
        channel=Case.Channel.HOTLINE,
        received_on=dt.date(2026, 4, 1),
        consents={"record": True},
        narrative="Nino was detained at the border.",
    )


@pytest.mark.parametrize("persona", EVERYONE)
def test_the_case_list_shows_the_cases_of_each_persona(
    documented_case, georgian_case, personas, client, persona
):
    response = client.get(CASES, **headers(personas, persona))
    assert response["Cache-Control"].count("no-store") == 1
    if persona == "anonymous":
        assert response.status_code == 401
        return
    assert response.status_code == 200
    body = response.json()
    expected = {documented_case.reference} if persona in SEES_KG else set()
    expected |= {georgian_case.reference} if persona in SEES_GE else set()
    assert {c["reference"] for c in body["items"]} == expected
    assert body["count"] == len(expected)
    content = response.content.decode()
    assert "Aigul" not in content and "Nino" not in content and CLIENT_CODE not in content


def test_the_list_carries_the_statistical_fields_only(documented_case, personas, client):
    response = client.get(CASES, **headers(personas, "legal_analyst"))
    assert response.json()["items"] == [
        {
            "reference": documented_case.reference,
            "country": "KG",
            "received_on": "2026-03-02",
            "status": "responding",
            "channel": "outreach",
            "violations": ["child_removal", "discrimination"],
            "gender": "woman",
            "age_band": "25_34",
            "key_groups": ["pwud", "on_oat"],
            "qualification": "violation",
        }
    ]


def test_the_list_filters_by_country_and_status(documented_case, georgian_case, personas, client):
    auth = headers(personas, "regional_analyst")
    by_country = client.get(CASES, {"country": "ge"}, **auth).json()["items"]
    assert [c["reference"] for c in by_country] == [georgian_case.reference]
    open_cases = client.get(CASES, {"status": "open"}, **auth).json()["items"]
    assert [c["reference"] for c in open_cases] == [georgian_case.reference]


def test_the_list_does_not_grow_queries_with_cases(documented_case, personas, client):
    auth = headers(personas, "case_coordinator")

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            response = client.get(CASES, **auth)
        assert response.status_code == 200
        return len(captured)

    client.get(CASES, **auth)  # the token's first use is recorded once, not on every call
    few = queries()
    for day in range(1, 4):
        case = services.case_create(
            user=personas["case_documenter"],
            country=country("KG"),
            organisation=documented_case.organisation,
            channel=Case.Channel.HOTLINE,
            received_on=dt.date(2026, 4, day),
            consents={"record": True},
        )
        services.act_add(
            user=personas["case_documenter"],
            case=case,
            violations=["police_violence"],
            perpetrator="police",
        )
    assert len(client.get(CASES, **auth).json()["items"]) == 4
    assert queries() == few


@pytest.mark.parametrize("persona", EVERYONE)
def test_each_persona_opens_the_case_by_the_access_matrix(
    documented_case, personas, client, persona
):
    response = client.get(f"{CASES}/{documented_case.reference}", **headers(personas, persona))
    assert response["Cache-Control"].count("no-store") == 1
    content = response.content.decode()
    if persona == "anonymous":
        assert response.status_code == 401
        assert not AccessLog.objects.filter(action__in=READS).exists()
        return
    username = personas[persona].username
    level = LEVEL.get(persona)
    if level is None:
        assert response.status_code == 403
        assert "Aigul" not in content and CLIENT_CODE not in content
        logged = AccessLog.objects.get(username=username, action__in=READS)
        assert (logged.action, logged.case_reference) == ("denied", documented_case.reference)
        return
    assert response.status_code == 200
    body = response.json()
    assert body["identifying"] is (level == "full")
    assert (body["reference"], body["country"], body["status"]) == (
        documented_case.reference,
        "KG",
        "responding",
    )
    assert body["analysis"]["qualification"] == "violation"
    assert body["acts"][0]["violations"] == ["child_removal", "discrimination"]
    logged = AccessLog.objects.get(username=username, action__in=READS)
    expected_action = "view" if level == "full" else "view_pseudonymised"
    assert (logged.action, logged.case_reference) == (expected_action, documented_case.reference)
    if level == "full":
        assert (body["narrative"], body["client_code"], body["province"]) == (
            NARRATIVE,
            CLIENT_CODE,
            "Osh",
        )
        assert body["acts"][0]["description"] == "Aigul's daughter was taken at the clinic."
        assert body["analysis"]["text"] == "Removal based solely on Aigul's OAT status."
        assert body["responses"][0]["outcome"] == "Aigul got her daughter back."
    else:
        assert body["narrative"] is None and body["client_code"] is None
        assert body["province"] is None
        assert body["acts"][0]["description"] is None
        assert body["analysis"]["text"] is None
        assert body["responses"][0]["outcome"] is None
        assert body["responses"][0]["referred_to"] is None
        assert "Aigul" not in content and CLIENT_CODE not in content and "Osh" not in content


@pytest.mark.parametrize("persona", EVERYONE)
def test_an_unknown_case_is_not_found_for_everyone(kg_case, personas, client, persona):
    response = client.get(f"{CASES}/C-NOTACASE", **headers(personas, persona))
    assert response.status_code == (401 if persona == "anonymous" else 404)
    assert response["Cache-Control"].count("no-store") == 1
    assert not AccessLog.objects.filter(action__in=READS).exists()


def test_a_bad_token_is_refused(kg_case, client):
    for path in (CASES, f"{CASES}/{kg_case.reference}"):
        response = client.get(path, HTTP_AUTHORIZATION="Bearer hrm_wrong")
        assert response.status_code == 401
        assert "no-store" in response["Cache-Control"]


def test_a_session_without_a_token_is_not_enough(kg_case, personas, login):
    client = login(personas["legal_analyst"])
    assert client.get(f"{CASES}/{kg_case.reference}").status_code == 401
    assert not AccessLog.objects.filter(action__in=READS).exists()


def test_the_api_offers_no_writes(kg_case, personas, client):
    auth = headers(personas, "case_coordinator")
    response = client.post(CASES, {}, content_type="application/json", **auth)
    assert response.status_code == 405
    response = client.delete(f"{CASES}/{kg_case.reference}", **auth)
    assert response.status_code == 405
    assert Case.objects.count() == 1


# --- Statistics ------------------------------------------------------------------------------

STATISTICS = "/api/v1/rights/statistics"


def record_cases(personas, count: int, *, statistics: bool = True) -> None:  # type: ignore[no-untyped-def]
    organisation = Organisation.objects.get(name=DOCUMENTING_ORGANISATION)
    for day in range(1, count + 1):
        case = services.case_create(
            user=personas["case_documenter"],
            country=country("KG"),
            organisation=organisation,
            channel=Case.Channel.OUTREACH,
            received_on=dt.date(2026, 3, day),
            consents={"record": True, "statistics": statistics},
            narrative=f"Client {day} was refused methadone.",
            gender=Case.Gender.WOMAN if day % 2 else Case.Gender.MAN,
        )
        services.act_add(
            user=personas["case_documenter"],
            case=case,
            violations=["denial_oat"],
            perpetrator="health_staff",
        )


@pytest.mark.parametrize("persona", EVERYONE)
def test_every_token_holder_reads_the_published_statistics(personas, client, persona):
    record_cases(personas, 6)
    response = client.get(
        STATISTICS, {"start": "2026-01-01", "end": "2026-12-31"}, **headers(personas, persona)
    )
    assert response["Cache-Control"].count("no-store") == 1
    if persona == "anonymous":
        assert response.status_code == 401
        return
    assert response.status_code == 200
    body = response.json()
    assert (body["start"], body["end"], body["country"]) == ("2026-01-01", "2026-12-31", None)
    assert (body["total"]["value"], body["total"]["display"]) == (6, "6")
    denial = next(r for r in body["by_violation"]["rows"] if r["violation"]["key"] == "denial_oat")
    assert denial["violation"]["label"] == "Denial or interruption of OAT"
    assert denial["violation"]["value"] == 6
    assert body["by_violation"]["columns"] == ["KG"]


def test_small_counts_are_withheld_in_the_api_as_on_the_page(personas, client):
    record_cases(personas, 3)
    record_cases(personas, 4, statistics=False)  # not counted at all
    body = client.get(
        STATISTICS, {"start": "2026-01-01", "end": "2026-12-31"}, **headers(personas, "member")
    ).json()
    assert body["total"] == {
        "key": "total",
        "label": "",
        "value": None,
        "display": "<5",
        "reason": "primary",
    }
    genders = {f["key"]: f for f in body["by_gender"]["items"]}
    assert genders["woman"]["value"] is None and genders["man"]["value"] is None
    assert "methadone" not in json.dumps(body)
    assert all(
        cell["value"] in (None, 0) for row in body["by_violation"]["rows"] for cell in row["cells"]
    )


def test_the_statistics_filter_by_country_and_check_the_period(personas, client):
    record_cases(personas, 5)
    auth = headers(personas, "statistics_only")
    georgia = client.get(STATISTICS, {"country": "ge", "start": "2026-01-01"}, **auth).json()
    assert (georgia["country"], georgia["total"]["value"]) == ("GE", 0)
    assert client.get(STATISTICS, {"country": "XX"}, **auth).status_code == 404
    backwards = client.get(STATISTICS, {"start": "2026-05-01", "end": "2026-01-01"}, **auth)
    assert backwards.status_code == 400
    assert backwards.json()["detail"] == "The end of the period cannot be before its start."
    default = client.get(STATISTICS, **auth).json()
    assert default["end"] == timezone.localdate().isoformat()
