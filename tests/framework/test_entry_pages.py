"""The pages of the results framework: entry grid, submission, review, dashboard, lineage."""

from __future__ import annotations

from decimal import Decimal

import pytest

from factories import country
from hrmonitor.framework import values
from hrmonitor.framework.models import DataValue, Indicator, Target

pytestmark = pytest.mark.django_db


def ind(code: str) -> Indicator:
    return Indicator.objects.get(code=code)


def approved(user, approver, code, iso2, period, number, key=""):  # type: ignore[no-untyped-def]
    value = values.data_value_save(
        user=user,
        indicator=ind(code),
        country=country(iso2) if iso2 else None,
        period=period,
        value=number,
        disaggregation=key,
    )
    values.data_values_submit(user=user, values=[value])
    values.data_value_approve(user=approver, value=value)
    return value


def test_the_entry_grid_lists_the_countrys_indicators_with_their_parts(personas, login):
    page = login(personas["focal_point_georgia"]).get("/framework/entry/GE/2019/").content.decode()
    assert "Georgia — 2019" in page
    assert 'hx-vals=\'{"indicator": "SO3.I2", "key": "gender=women"}\'' in page
    assert "SO4.I4" not in page  # regional indicators are on the region's form


def test_the_entry_grid_query_count_does_not_grow_with_values(
    personas, login, django_assert_max_num_queries
):
    client = login(personas["focal_point_georgia"])
    client.get("/framework/entry/GE/2019/")
    with django_assert_max_num_queries(14):
        client.get("/framework/entry/GE/2019/")
    for n, code in enumerate(["SO1.I1", "SO2.I3", "SO2.I4", "SO2.I5", "SO3.I2"]):
        values.data_value_save(
            user=personas["focal_point_georgia"],
            indicator=ind(code),
            country=country("GE"),
            period="2019",
            value=n % 2,
        )
    with django_assert_max_num_queries(14):
        client.get("/framework/entry/GE/2019/")


def test_a_cell_is_saved_by_htmx_and_the_row_comes_back(personas, login):
    client = login(personas["focal_point_georgia"])
    response = client.post(
        "/framework/entry/GE/2019/save/",
        {"indicator": "SO3.I2", "key": "", "value": "17"},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert body.startswith("\n<tbody") or "<tbody" in body.split("\n", 3)[1] or "<tbody" in body
    assert 'value="17"' in body and "Draft" in body
    assert DataValue.objects.get().value == Decimal(17)


def test_a_bad_cell_shows_the_reason_next_to_it_and_saves_nothing(personas, login):
    client = login(personas["focal_point_georgia"])
    body = client.post(
        "/framework/entry/GE/2019/save/",
        {"indicator": "SO1.I1", "key": "", "value": "5"},
        HTTP_HX_REQUEST="true",
    ).content.decode()
    assert "Enter 1 for yes or 0 for no." in body and "is-invalid" in body
    assert not DataValue.objects.exists()


def test_another_countrys_form_is_forbidden(personas, login):
    client = login(personas["focal_point_armenia"])
    assert client.get("/framework/entry/GE/2019/").status_code == 403
    response = client.post(
        "/framework/entry/GE/2019/save/",
        {"indicator": "SO3.I2", "value": "3"},
        HTTP_HX_REQUEST="true",
    )
    assert "permission" in response.content.decode().lower() or response.status_code == 403
    assert not DataValue.objects.exists()


def test_submitting_with_a_problem_lists_it_and_submits_nothing(personas, login):
    fp = personas["focal_point_georgia"]
    client = login(fp)
    values.data_value_save(
        user=fp, indicator=ind("SO1.I1"), country=country("GE"), period="2019", value="1"
    )
    values.data_value_save(
        user=fp, indicator=ind("SO3.I3"), country=country("GE"), period="2019", value="2"
    )
    response = client.post("/framework/entry/GE/2019/submit/")
    assert response.status_code == 422
    assert "Nothing was submitted" in response.content.decode()
    assert "Attach the decree" in response.content.decode()
    assert set(DataValue.objects.values_list("status", flat=True)) == {"draft"}


def test_submitting_a_clean_form_sends_every_draft_for_approval(personas, login):
    fp = personas["focal_point_georgia"]
    client = login(fp)
    values.data_value_save(
        user=fp, indicator=ind("SO3.I3"), country=country("GE"), period="2019", value="2"
    )
    response = client.post("/framework/entry/GE/2019/submit/", follow=True)
    assert "1 value submitted for approval." in response.content.decode()
    assert DataValue.objects.get().status == DataValue.Status.SUBMITTED


def test_the_review_queue_approves_and_returns_with_htmx(personas, login):
    fp = personas["focal_point_georgia"]
    first = values.data_value_save(
        user=fp, indicator=ind("SO3.I3"), country=country("GE"), period="2019", value="2"
    )
    second = values.data_value_save(
        user=fp, indicator=ind("SO3.I2"), country=country("GE"), period="2019", value="9"
    )
    values.data_values_submit(user=fp, values=[first, second])
    client = login(personas["me_officer"])
    queue = client.get("/framework/review/").content.decode()
    assert queue.count('id="review-') == 2
    body = client.post(
        f"/framework/review/{first.pk}/", {"decision": "approve"}, HTTP_HX_REQUEST="true"
    ).content.decode()
    assert "Approved" in body
    body = client.post(
        f"/framework/review/{second.pk}/",
        {"decision": "return", "comment": "Check the gender split."},
        HTTP_HX_REQUEST="true",
    ).content.decode()
    assert "Returned" in body
    assert dict(DataValue.objects.values_list("pk", "status")) == {
        first.pk: "approved",
        second.pk: "returned",
    }


def test_focal_points_have_no_review_queue(personas, login):
    assert login(personas["focal_point_georgia"]).get("/framework/review/").status_code == 403


def test_the_dashboard_shows_the_regional_count_of_countries_and_its_status(personas, client):
    fp, kz, officer = (
        personas["focal_point_georgia"],
        personas["focal_point_kazakhstan"],
        personas["me_officer"],
    )
    for user, iso2 in ((fp, "GE"), (kz, "KZ")):
        value = values.data_value_save(
            user=user, indicator=ind("SO2.I6"), country=country(iso2), period="2019", value="yes"
        )
        values.data_values_submit(user=user, values=[value])
        values.data_value_approve(user=officer, value=value)
    Target.objects.create(
        indicator=ind("SO2.I6"), period="2015", kind=Target.Kind.BASELINE, value=1
    )
    Target.objects.create(indicator=ind("SO2.I6"), period="2019", kind=Target.Kind.TARGET, value=5)
    page = client.get("/framework/dashboard/").content.decode()
    row = page.split('<span class="code">SO2.I6</span>')[1].split("</tr>")[0]
    assert ">2</a>" in row  # two countries with a diversion programme
    assert "25 %" in row  # (2 - 1) / (5 - 1)
    assert "Off track" in row


def test_the_dashboard_keeps_a_fixed_query_count(client, django_assert_max_num_queries):
    client.get("/framework/dashboard/")
    # 6 for entered values and targets, 2 for the indicator computed from the policy tracker
    # (its areas and status records, once for every year and country).
    with django_assert_max_num_queries(8):
        client.get("/framework/dashboard/")


def test_lineage_shows_the_records_behind_a_regional_number(personas, client):
    officer = personas["me_officer"]
    georgia = approved(personas["focal_point_georgia"], officer, "SO3.I2", "GE", "2019", "7")
    kazakhstan = approved(personas["focal_point_kazakhstan"], officer, "SO3.I2", "KZ", "2019", "5")
    page = client.get(
        "/framework/lineage/", {"indicator": "SO3.I2", "place": "region", "period": "2019"}
    ).content.decode()
    assert "<strong>12</strong>" in page
    assert "2 records produced this number." in page
    assert "Georgia" in page and "Kazakhstan" in page
    assert georgia.pk and kazakhstan.pk


def test_a_draft_never_counts_in_public_numbers(personas, client):
    officer = personas["me_officer"]
    approved(personas["focal_point_georgia"], officer, "SO3.I2", "GE", "2019", "7")
    values.data_value_save(
        user=personas["focal_point_kazakhstan"],
        indicator=ind("SO3.I2"),
        country=country("KZ"),
        period="2019",
        value="500",
    )
    page = client.get(
        "/framework/lineage/", {"indicator": "SO3.I2", "place": "region", "period": "2019"}
    ).content.decode()
    assert "<strong>7</strong>" in page


def test_a_year_without_its_own_value_sums_its_quarters(personas, client):
    officer = personas["me_officer"]
    for quarter, n in (("2019Q1", "3"), ("2019Q2", "4")):
        approved(personas["focal_point_georgia"], officer, "SO2.I2", "GE", quarter, n)
    page = client.get(
        "/framework/lineage/", {"indicator": "SO2.I2", "place": "GE", "period": "2019"}
    ).content.decode()
    assert "<strong>7</strong>" in page


def test_the_indicator_page_shows_progress_per_country(personas, client):
    officer = personas["me_officer"]
    approved(personas["focal_point_georgia"], officer, "SO3.I2", "GE", "2019", "7")
    Target.objects.create(
        indicator=ind("SO3.I2"),
        country=country("GE"),
        period="2019",
        kind=Target.Kind.TARGET,
        value=14,
    )
    page = client.get("/framework/indicators/SO3.I2/").content.decode()
    assert "By country" in page
    georgia = page.split('href="/countries/GE/"')[1].split("</tr>")[0]
    assert "50 %" in georgia
