"""The done-when of the tracker: a focal point records a change with its legal reference, and
the country page, the map at that date, the indicator computed from the tracker and the change
report show it — while the map of an earlier date does not."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from openpyxl import load_workbook

from factories import country
from hrmonitor.framework.computation import Computer
from hrmonitor.framework.models import Indicator, Objective
from hrmonitor.framework.periods import parse_period
from hrmonitor.framework.sources import LineageRef
from hrmonitor.policy import selectors, services
from hrmonitor.policy.models import PolicyStatus

pytestmark = pytest.mark.django_db

LAW = "Order of the Minister of Health No. 123, 15 May 2024"
CHANGE_DATE = dt.date(2024, 5, 15)


@pytest.fixture
def naloxone(areas):  # type: ignore[no-untyped-def]
    return areas["naloxone-take-home"]


@pytest.fixture
def recorded(personas, naloxone):  # type: ignore[no-untyped-def]
    """Kazakhstan: not in place from 2019; in place from 15 May 2024 by an order."""
    focal_point = personas["focal_point_kazakhstan"]
    services.policy_status_record(
        user=focal_point,
        country=country("KZ"),
        area=naloxone,
        status="not_in_place",
        valid_from=dt.date(2019, 1, 1),
        source="Ministry of Health register",
    )
    return services.policy_status_record(
        user=focal_point,
        country=country("KZ"),
        area=naloxone,
        status="in_place",
        valid_from=CHANGE_DATE,
        legal_reference=LAW,
        evidence_url="https://example.org/order-123",
        source="Official gazette",
    )


def map_data(client, date: str, area: str = "naloxone-take-home") -> dict:  # type: ignore[no-untyped-def, type-arg]
    page = client.get("/policy/", {"area": area, "date": date}).content.decode()
    return json.loads(page.split('id="policy-map-data" type="application/json">')[1].split("<")[0])


def kazakhstan_on(data: dict) -> dict | None:  # type: ignore[type-arg]
    return next((c for c in data["countries"] if c["name"] == "Kazakhstan"), None)


def test_recording_a_change_closes_the_previous_status_the_day_before(recorded, naloxone):
    previous = PolicyStatus.objects.get(country=country("KZ"), area=naloxone, status="not_in_place")
    assert previous.valid_to == CHANGE_DATE - dt.timedelta(days=1)
    assert recorded.valid_to is None
    kz = country("KZ")
    assert selectors.status_on(kz, naloxone, dt.date(2024, 5, 14)).status == "not_in_place"  # type: ignore[union-attr]
    assert selectors.status_on(kz, naloxone, CHANGE_DATE).status == "in_place"  # type: ignore[union-attr]
    assert selectors.status_on(kz, naloxone, dt.date(2018, 12, 31)) is None


def test_the_country_page_shows_the_change_with_its_legal_reference_and_evidence(client, recorded):
    page = client.get("/policy/countries/KZ/").content.decode()
    assert "Take-home naloxone" in page
    assert LAW in page
    assert "https://example.org/order-123" in page
    assert "Official gazette" in page
    assert "2024-05-15 – now" in page
    assert "2019-01-01 – 2024-05-14" in page


def test_the_map_at_the_change_date_shows_it_and_an_earlier_date_does_not(client, recorded):
    after = kazakhstan_on(map_data(client, "2024-05-15"))
    assert after is not None and after["status"] == "in_place" and after["label"] == "In place"
    assert after["since"] == "2024-05-15"
    before = kazakhstan_on(map_data(client, "2024-05-14"))
    assert before is not None and before["status"] == "not_in_place"
    assert kazakhstan_on(map_data(client, "2018-06-01")) is None


def test_the_year_slider_moves_the_date_to_the_end_of_that_year(client, recorded):
    page = client.get("/policy/", {"area": "naloxone-take-home", "year": "2023"}).content.decode()
    assert 'value="2023-12-31"' in page
    data = json.loads(page.split('id="policy-map-data" type="application/json">')[1].split("<")[0])
    assert kazakhstan_on(data)["status"] == "not_in_place"  # type: ignore[index]


def test_the_indicator_computed_from_the_tracker_counts_the_change(recorded):
    indicator = Indicator.objects.create(
        objective=Objective.objects.order_by("order").first(),
        code="POL.1",
        name="Countries with take-home naloxone",
        unit=Indicator.Unit.NUMBER,
        space_aggregation=Indicator.SpaceAggregation.SUM,
        source_kind=Indicator.SourceKind.FUNCTION,
        source_function="policy.countries_with_status",
        source_params={"area": "naloxone-take-home"},
    )
    kz, ge = country("KZ"), country("GE")
    computer = Computer.for_indicators([indicator], countries=[kz, ge])
    region_2024 = computer.value(indicator, None, parse_period("2024"))
    assert region_2024.value == Decimal(1)
    assert region_2024.lineage == (LineageRef("policy.PolicyStatus", recorded.pk),)
    assert computer.value(indicator, None, parse_period("2023")).value == Decimal(0)
    assert computer.value(indicator, kz, parse_period("2024")).value == Decimal(1)
    assert computer.value(indicator, kz, parse_period("2024Q1")).value == Decimal(0)
    # Georgia has no record: unknown, not "no".
    georgia = computer.value(indicator, ge, parse_period("2024"))
    assert georgia.value is None and georgia.note
    # Asking for other statuses counts those instead.
    indicator.source_params = {"area": "naloxone-take-home", "statuses": ["not_in_place"]}
    indicator.save(update_fields=["source_params"])
    fresh = Computer.for_indicators([indicator], countries=[kz, ge])
    assert fresh.value(indicator, None, parse_period("2023")).value == Decimal(1)


def test_the_changes_report_between_two_dates_shows_the_change_with_counts(client, recorded):
    page = client.get("/policy/changes/", {"from": "2024-01-01", "to": "2024-12-31"})
    text = page.content.decode()
    assert "Kazakhstan" in text and LAW in text and "Official gazette" in text
    report = page.context["report"]
    assert [c.record for c in report.changes] == [recorded]
    assert report.changes[0].previous.status == "not_in_place"
    counts = {s.code: n for s, n in report.by_sub_region}
    assert sum(counts.values()) == 1
    assert counts[country("KZ").sub_region.code] == 1
    earlier = client.get("/policy/changes/", {"from": "2020-01-01", "to": "2024-05-14"})
    assert recorded not in [c.record for c in earlier.context["report"].changes]


def test_the_changes_download_as_csv_xlsx_and_json(client, recorded):
    query = {"from": "2024-01-01", "to": "2024-12-31"}
    body = b"".join(client.get("/policy/changes.csv", query).streaming_content)  # type: ignore[attr-defined]
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    assert rows[0][1] == "Country" and rows[1][1] == "Kazakhstan" and LAW in rows[1]
    book = load_workbook(io.BytesIO(client.get("/policy/changes.xlsx", query).content))
    assert book.active["B2"].value == "Kazakhstan"  # type: ignore[index]
    data = json.loads(client.get("/policy/changes.json", query).content)
    assert data["rows"][0]["New status"] == "In place"
    assert data["rows"][0]["Previous status"] == "Not in place"
    assert client.get("/policy/changes.pdf", query).status_code == 404


def test_a_georgian_focal_point_cannot_record_for_kazakhstan(personas, naloxone, login):
    with pytest.raises(PermissionDenied):
        services.policy_status_record(
            user=personas["focal_point_georgia"],
            country=country("KZ"),
            area=naloxone,
            status="in_place",
            valid_from=CHANGE_DATE,
        )
    client = login(personas["focal_point_georgia"])
    form_page = client.get("/policy/record/")
    assert list(form_page.context["form"].fields["country"].queryset) == [country("GE")]
    response = client.post(
        "/policy/record/",
        {
            "country": country("KZ").pk,
            "area": naloxone.pk,
            "status": "in_place",
            "valid_from": "2024-05-15",
        },
    )
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert not PolicyStatus.objects.exists()


def test_a_date_before_the_current_status_is_refused_with_a_clear_message(
    recorded, personas, naloxone
):
    with pytest.raises(ValidationError) as error:
        services.policy_status_record(
            user=personas["secretariat_admin"],
            country=country("KZ"),
            area=naloxone,
            status="not_in_place",
            valid_from=dt.date(2024, 1, 1),
        )
    assert "starts on 2024-05-15" in str(error.value)
    assert PolicyStatus.objects.filter(country=country("KZ")).count() == 2


def test_a_status_outside_the_areas_scale_is_refused(personas, areas):
    with pytest.raises(ValidationError) as error:
        services.policy_status_record(
            user=personas["secretariat_admin"],
            country=country("GE"),
            area=areas["strategy"],
            status="not_legal",
            valid_from=CHANGE_DATE,
        )
    assert "not_legal" in str(error.value)


def test_the_focal_point_records_through_the_form_and_sees_the_country_page(
    personas, login, naloxone
):
    client = login(personas["focal_point_kazakhstan"])
    response = client.post(
        "/policy/record/",
        {
            "country": country("KZ").pk,
            "area": naloxone.pk,
            "status": "in_place",
            "valid_from": "2024-05-15",
            "legal_reference": LAW,
            "evidence_url": "https://example.org/order-123",
            "source": "Official gazette",
        },
        follow=True,
    )
    assert response.redirect_chain[-1][0] == "/policy/countries/KZ/"
    text = response.content.decode()
    assert "Recorded: Kazakhstan, Take-home naloxone — In place from 2024-05-15." in text
    assert LAW in text
    record = PolicyStatus.objects.get()
    assert record.entered_by == personas["focal_point_kazakhstan"]


def test_the_form_shows_each_error_on_its_field(personas, login, naloxone, recorded):
    client = login(personas["focal_point_kazakhstan"])
    response = client.post(
        "/policy/record/",
        {
            "country": country("KZ").pk,
            "area": naloxone.pk,
            "status": "",
            "valid_from": "2024-01-01",
        },
    )
    form = response.context["form"]
    assert "status" in form.errors
    response = client.post(
        "/policy/record/",
        {
            "country": country("KZ").pk,
            "area": naloxone.pk,
            "status": "in_place",
            "valid_from": "2024-01-01",
        },
    )
    errors = response.context["form"].errors
    assert "a change must start after it" in errors["valid_from"][0]
    assert "Please correct the errors below." in response.content.decode()


def test_the_record_page_needs_a_sign_in_and_the_permission(client, personas, login, areas):
    assert client.get("/policy/record/").status_code == 302
    assert login(personas["community_monitor"]).get("/policy/record/").status_code == 403


def test_the_secretariat_verifies_a_status_but_not_one_it_entered(recorded, personas):
    with pytest.raises(PermissionDenied):
        services.policy_status_verify(user=personas["focal_point_kazakhstan"], record=recorded)
    verified = services.policy_status_verify(user=personas["me_officer"], record=recorded)
    assert verified.verified_by == personas["me_officer"] and verified.verified_at is not None
    own = services.policy_status_record(
        user=personas["me_officer"],
        country=country("GE"),
        area=recorded.area,
        status="in_place",
        valid_from=CHANGE_DATE,
    )
    with pytest.raises(ValidationError):
        services.policy_status_verify(user=personas["me_officer"], record=own)


def test_the_secretariat_verifies_from_the_country_page(recorded, personas, login):
    client = login(personas["me_officer"])
    page = client.get("/policy/countries/KZ/").content.decode()
    assert f'action="/policy/statuses/{recorded.pk}/verify/"' in page
    response = client.post(f"/policy/statuses/{recorded.pk}/verify/", follow=True)
    assert "The status was verified." in response.content.decode()
    recorded.refresh_from_db()
    assert recorded.verified_by == personas["me_officer"]
    focal = login(personas["focal_point_kazakhstan"])
    assert "/verify/" not in focal.get("/policy/countries/KZ/").content.decode()
    assert focal.post(f"/policy/statuses/{recorded.pk}/verify/").status_code == 403


def test_only_the_secretariat_manages_policy_areas_and_their_scales(personas, areas):
    scale = [
        {"code": "no", "label_en": "No", "label_ru": "Нет"},
        {"code": "yes", "label_en": "Yes", "label_ru": "Да", "counts_as_yes": True},
    ]
    with pytest.raises(PermissionDenied):
        services.policy_area_save(
            user=personas["focal_point_georgia"],
            code="peer-workers",
            name_en="Peer workers",
            name_ru="Равные консультанты",
            scale=scale,
        )
    area = services.policy_area_save(
        user=personas["secretariat_admin"],
        code="peer-workers",
        name_en="Peer workers",
        name_ru="Равные консультанты",
        scale=scale,
    )
    assert area.yes_codes() == ["yes"]
    with pytest.raises(ValidationError, match="in place"):
        services.policy_area_save(
            user=personas["secretariat_admin"],
            code="peer-workers",
            name_en="Peer workers",
            name_ru="Равные консультанты",
            scale=scale[:1],
        )


def test_a_status_still_recorded_cannot_be_dropped_from_the_scale(recorded, personas):
    with pytest.raises(ValidationError, match="in_place"):
        services.policy_area_save(
            user=personas["secretariat_admin"],
            code="naloxone-take-home",
            name_en="Take-home naloxone",
            name_ru="Налоксон на руки",
            scale=[
                {"code": "not_in_place", "label_en": "Not in place"},
                {"code": "available", "label_en": "Available", "counts_as_yes": True},
            ],
        )


def test_an_evidence_file_is_uploaded_with_the_form_and_downloaded_from_the_country_page(
    personas, login, naloxone, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    client = login(personas["focal_point_kazakhstan"])
    upload = SimpleUploadedFile("order-123.pdf", b"%PDF-1.4 order", "application/pdf")
    client.post(
        "/policy/record/",
        {
            "country": country("KZ").pk,
            "area": naloxone.pk,
            "status": "in_place",
            "valid_from": "2024-05-15",
            "evidence_file": upload,
        },
    )
    record = PolicyStatus.objects.get()
    page = Client().get("/policy/countries/KZ/").content.decode()
    assert f'href="/policy/statuses/{record.pk}/evidence/"' in page
    download = Client().get(f"/policy/statuses/{record.pk}/evidence/")
    assert b"".join(download.streaming_content) == b"%PDF-1.4 order"  # type: ignore[attr-defined]
    assert download["Content-Disposition"].startswith("attachment")
    script = SimpleUploadedFile("page.html", b"<script>", "text/html")
    response = client.post(
        "/policy/record/",
        {
            "country": country("KZ").pk,
            "area": naloxone.pk,
            "status": "not_in_place",
            "valid_from": "2025-01-01",
            "evidence_file": script,
        },
    )
    assert "This type of file is not accepted" in response.content.decode()
