"""The escalation loop: an issue a scorecard showed is recorded, raised with a duty-bearer, answered
and resolved. The status rules, who may see and change which escalations (CLM_REVIEW in the
country), the list's filters, counts and overdue marker."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from factories import country
from hrmonitor.clm.models import Escalation, ServiceSite, SiteKind
from hrmonitor.clm.services_escalations import escalation_save
from hrmonitor.core import access

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


@pytest.fixture
def almaty(db) -> ServiceSite:
    return ServiceSite.objects.create(
        code="KZ-ALA-1", name="Almaty NSP 1", kind=SiteKind.NSP_FIXED, country=country("KZ")
    )


@pytest.fixture
def tbilisi(db) -> ServiceSite:
    return ServiceSite.objects.create(
        code="GE-TBS-1", name="Tbilisi drop-in", kind=SiteKind.DROP_IN, country=country("GE")
    )


@pytest.fixture
def kz_issue(personas, almaty) -> Escalation:
    return escalation_save(
        user=personas["focal_point_kazakhstan"],
        title="Syringe stock-outs at Almaty NSP 1",
        country=country("KZ"),
        site=almaty,
        dimension="availability",
        period="2026Q3",
        score=20,
        status="raised",
        duty_bearer="Almaty city AIDS centre",
        raised_on=TODAY - dt.timedelta(days=45),
    )


@pytest.fixture
def ge_issue(personas, tbilisi) -> Escalation:
    return escalation_save(
        user=personas["focal_point_georgia"],
        title="Waiting times in Tbilisi",
        country=country("GE"),
        site=tbilisi,
        status="open",
    )


def save(user, **changes) -> Escalation:
    values: dict[str, Any] = {"title": "Issue", "country": country("KZ"), "status": "open"}
    values |= changes
    return escalation_save(user=user, **values)


def errors_of(user, **changes) -> dict[str, list[str]]:
    with pytest.raises(ValidationError) as caught:
        save(user, **changes)
    return caught.value.message_dict


# --- Status rules ----------------------------------------------------------------------------


def test_raising_needs_the_date_and_the_duty_bearer(personas):
    errors = errors_of(personas["focal_point_kazakhstan"], status="raised")
    assert set(errors) == {"raised_on", "duty_bearer"}
    issue = save(
        personas["focal_point_kazakhstan"],
        status="raised",
        raised_on=TODAY,
        duty_bearer="Ministry of Health",
    )
    assert issue.status == "raised" and issue.created_by == personas["focal_point_kazakhstan"]


def test_a_response_needs_its_text_and_date_and_what_was_raised(personas):
    errors = errors_of(personas["focal_point_kazakhstan"], status="responded")
    assert set(errors) == {"raised_on", "duty_bearer", "response", "response_on"}
    issue = save(
        personas["focal_point_kazakhstan"],
        status="responded",
        raised_on=TODAY,
        duty_bearer="Site manager",
        response="Stock ordered",
        response_on=TODAY,
    )
    assert issue.status == "responded"


def test_resolving_needs_the_date_resolved(personas):
    assert set(errors_of(personas["focal_point_kazakhstan"], status="resolved")) == {"resolved_on"}
    assert (
        save(personas["focal_point_kazakhstan"], status="resolved", resolved_on=TODAY).status
        == "resolved"
    )


def test_dates_are_not_before_raising_nor_in_the_future(personas):
    user = personas["focal_point_kazakhstan"]
    errors = errors_of(
        user,
        status="responded",
        raised_on=TODAY,
        duty_bearer="X",
        response="No",
        response_on=TODAY - dt.timedelta(days=1),
    )
    assert errors == {"response_on": ["This date is before the day the issue was raised."]}
    errors = errors_of(
        user,
        status="resolved",
        raised_on=TODAY - dt.timedelta(days=3),
        duty_bearer="X",
        resolved_on=TODAY - dt.timedelta(days=4),
    )
    assert "resolved_on" in errors
    errors = errors_of(
        user, status="raised", duty_bearer="X", raised_on=TODAY + dt.timedelta(days=1)
    )
    assert errors == {"raised_on": ["This date is in the future."]}


def test_the_status_must_agree_with_the_dates(personas):
    user = personas["focal_point_kazakhstan"]
    assert "status" in errors_of(user, status="open", raised_on=TODAY, duty_bearer="X")
    assert "status" in errors_of(
        user, status="raised", raised_on=TODAY, duty_bearer="X", response="Yes", response_on=TODAY
    )
    assert "status" in errors_of(
        user,
        status="responded",
        raised_on=TODAY,
        duty_bearer="X",
        response="Yes",
        response_on=TODAY,
        resolved_on=TODAY,
    )
    # Dropping keeps whatever was recorded.
    assert save(user, status="dropped", raised_on=TODAY, duty_bearer="X").status == "dropped"


def test_the_site_must_be_in_the_country_and_the_period_a_period(personas, tbilisi):
    errors = errors_of(personas["secretariat_admin"], site=tbilisi, period="autumn")
    assert set(errors) == {"site", "period"}
    assert save(personas["secretariat_admin"], period="2026q3").period == "2026Q3"
    assert "score" in errors_of(personas["secretariat_admin"], score=120)


# --- Who may do what --------------------------------------------------------------------------


def test_only_those_running_clm_in_the_country_may_write(personas, kz_issue):
    with pytest.raises(PermissionDenied):
        save(personas["focal_point_georgia"])  # a KZ issue
    with pytest.raises(PermissionDenied):
        save(personas["community_monitor"])
    with pytest.raises(PermissionDenied):  # moving it to Georgia needs Kazakhstan too
        escalation_save(
            user=personas["focal_point_georgia"],
            escalation=kz_issue,
            title=kz_issue.title,
            country=country("GE"),
        )
    assert save(personas["secretariat_admin"], country=country("GE")).country.iso2 == "GE"


def test_each_focal_point_sees_their_countrys_escalations(personas, login, kz_issue, ge_issue):
    kz = login(personas["focal_point_kazakhstan"]).get("/clm/escalations/").content.decode()
    assert kz_issue.title in kz and ge_issue.title not in kz
    admin = login(personas["secretariat_admin"]).get("/clm/escalations/").content.decode()
    assert kz_issue.title in admin and ge_issue.title in admin
    visible = access.clm_escalations_visible_to(personas["focal_point_georgia"])
    assert list(visible) == [ge_issue]


def test_another_countrys_escalation_is_not_found(personas, login, kz_issue):
    client = login(personas["focal_point_georgia"])
    assert client.get(f"/clm/escalations/{kz_issue.pk}/").status_code == 404
    response = client.post(
        f"/clm/escalations/{kz_issue.pk}/",
        {"title": "Changed", "country": country("GE").pk, "status": "open"},
    )
    assert response.status_code == 404
    kz_issue.refresh_from_db()
    assert kz_issue.title == "Syringe stock-outs at Almaty NSP 1"


@pytest.mark.parametrize("persona", ["community_monitor", "member", "no_role"])
def test_escalations_are_closed_to_those_not_running_clm(personas, login, kz_issue, persona):
    client = login(personas[persona])
    assert client.get("/clm/escalations/").status_code == 403
    assert client.get("/clm/escalations/new/").status_code == 403
    assert client.get(f"/clm/escalations/{kz_issue.pk}/").status_code == 403


def test_prefilling_with_another_countrys_site_is_refused(personas, login, tbilisi):
    client = login(personas["focal_point_kazakhstan"])
    assert client.get("/clm/escalations/new/", {"site": tbilisi.pk}).status_code == 403


# --- Pages ----------------------------------------------------------------------------------


def test_recording_and_following_up_an_issue_through_the_pages(personas, login, almaty):
    client = login(personas["focal_point_kazakhstan"])
    form = client.get("/clm/escalations/new/").content.decode()
    assert "Kazakhstan" in form and "Georgia" not in form and "Almaty NSP 1" in form
    response = client.post(
        "/clm/escalations/new/",
        {
            "title": "Rude staff at Almaty NSP 1",
            "country": country("KZ").pk,
            "site": almaty.pk,
            "dimension": "acceptability",
            "period": "2026Q3",
            "score": "35.5",
            "status": "open",
        },
    )
    assert response.status_code == 302 and response["Location"] == "/clm/escalations/"
    issue = Escalation.objects.get()
    assert (issue.site, issue.period, str(issue.score)) == (almaty, "2026Q3", "35.5")
    # Raising without saying with whom is refused, with the reason next to the field.
    page = client.post(
        f"/clm/escalations/{issue.pk}/",
        {
            "title": issue.title,
            "country": country("KZ").pk,
            "site": almaty.pk,
            "status": "raised",
            "raised_on": TODAY.isoformat(),
        },
    )
    assert page.status_code == 200
    assert "Say with whom the issue was raised." in page.content.decode()
    client.post(
        f"/clm/escalations/{issue.pk}/",
        {
            "title": issue.title,
            "country": country("KZ").pk,
            "site": almaty.pk,
            "status": "responded",
            "raised_on": TODAY.isoformat(),
            "duty_bearer": "Head doctor",
            "response": "Staff training planned",
            "response_on": TODAY.isoformat(),
        },
    )
    issue.refresh_from_db()
    assert (issue.status, issue.duty_bearer, issue.response) == (
        "responded",
        "Head doctor",
        "Staff training planned",
    )
    assert issue.history.count() == 2


def test_the_list_counts_statuses_and_marks_overdue_issues(personas, login, kz_issue, almaty):
    user = personas["focal_point_kazakhstan"]
    save(
        user,
        title="Answered quickly",
        status="responded",
        duty_bearer="X",
        raised_on=TODAY - dt.timedelta(days=50),
        response="OK",
        response_on=TODAY,
    )
    save(
        user,
        title="Raised recently",
        status="raised",
        duty_bearer="X",
        raised_on=TODAY - dt.timedelta(days=5),
    )
    client = login(user)
    page = client.get("/clm/escalations/").content.decode()
    assert 'data-status-count="raised">Raised: <strong>2</strong>' in page
    assert 'data-status-count="responded">Response received: <strong>1</strong>' in page
    assert 'data-status-count="overdue">Overdue: <strong>1</strong>' in page
    overdue_row = page[page.index(kz_issue.title) :]
    assert "Overdue" in overdue_row[: overdue_row.index("</tr>")]
    recent = page[page.index("Raised recently") :]
    assert "Overdue" not in recent[: recent.index("</tr>")]
    only_overdue = client.get("/clm/escalations/", {"overdue": "on"}).content.decode()
    assert kz_issue.title in only_overdue and "Raised recently" not in only_overdue
    responded = client.get("/clm/escalations/", {"status": "responded"}).content.decode()
    assert "Answered quickly" in responded and kz_issue.title not in responded
    by_site = client.get("/clm/escalations/", {"site": almaty.pk}).content.decode()
    assert kz_issue.title in by_site and "Answered quickly" not in by_site


def test_the_list_filters_by_country(personas, login, kz_issue, ge_issue):
    client = login(personas["secretariat_admin"])
    page = client.get("/clm/escalations/", {"country": "GE"}).content.decode()
    assert ge_issue.title in page and kz_issue.title not in page


def test_the_list_costs_a_fixed_number_of_queries(
    personas, login, kz_issue, django_assert_max_num_queries
):
    client = login(personas["secretariat_admin"])
    client.get("/clm/escalations/")
    with django_assert_max_num_queries(16) as first:
        client.get("/clm/escalations/")
    for number in range(10):
        save(
            personas["secretariat_admin"],
            title=f"Issue {number}",
            site=kz_issue.site,
            status="raised",
            duty_bearer="X",
            raised_on=TODAY,
        )
    with django_assert_max_num_queries(len(first.captured_queries)):
        client.get("/clm/escalations/")


def test_the_list_in_russian(personas, login, kz_issue):
    page = (
        login(personas["focal_point_kazakhstan"])
        .get("/clm/escalations/", HTTP_ACCEPT_LANGUAGE="ru")
        .content.decode()
    )
    assert '<html lang="ru">' in page and "Мониторинг силами сообщества" in page
    assert "Казахстан" in page and kz_issue.title in page
