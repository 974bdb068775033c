"""The monitoring pages as the Secretariat and focal points use them: plan an activity, move
its status, record an event, enter counts or import a registration list (with row and column
of a bad row), attach a document, download the events; who may see and change what."""

from __future__ import annotations

import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from factories import country
from hrmonitor.framework.models import Activity
from hrmonitor.monitoring.models import Event, Participant, WorkplanItem

pytestmark = pytest.mark.django_db


def test_the_secretariat_plans_an_activity_and_changes_its_status(personas, login):
    client = login(personas["me_officer"])
    response = client.post(
        "/monitoring/workplan/new/",
        {
            "activity": Activity.objects.get(code="SO3.A1").pk,
            "title": "Regional training of trainers",
            "start_date": "2026-03-01",
            "end_date": "2026-05-31",
            "countries": [country("KG").pk, country("TJ").pk],
            "budget_amount": "12000",
            "budget_currency": "eur",
            "grant_reference": "GF-EECA-2026",
        },
    )
    item = WorkplanItem.objects.get()
    assert response["Location"] == f"/monitoring/workplan/{item.pk}/"
    assert (item.budget_currency, item.created_by) == ("EUR", personas["me_officer"])
    page = client.get("/monitoring/workplan/", {"start": "2026-01-01", "end": "2026-12-31"})
    text = page.content.decode()
    assert "Regional training of trainers" in text and "gantt-bar--planned" in text
    client.post(f"/monitoring/workplan/{item.pk}/status/", {"status": "cancelled", "note": ""})
    item.refresh_from_db()
    assert item.status == "planned"  # a cancellation needs a reason
    client.post(
        f"/monitoring/workplan/{item.pk}/status/", {"status": "postponed", "note": "Visa delays"}
    )
    detail = client.get(f"/monitoring/workplan/{item.pk}/").content.decode()
    assert "Visa delays" in detail and "Postponed" in detail
    filtered = client.get("/monitoring/workplan/", {"status": "done"}).content.decode()
    assert "Regional training of trainers" not in filtered


def test_a_focal_point_sees_the_workplan_but_cannot_plan(personas, login, planned):
    client = login(personas["focal_point_georgia"])
    assert planned.title in client.get("/monitoring/workplan/").content.decode()
    assert client.get("/monitoring/workplan/new/").status_code == 403
    response = client.post(f"/monitoring/workplan/{planned.pk}/status/", {"status": "done"})
    assert response.status_code == 403
    planned.refresh_from_db()
    assert planned.status == "planned"


def test_monitoring_pages_are_closed_to_others(client, personas, login, training):
    assert client.get("/monitoring/events/").status_code == 302  # to sign in
    other = login(personas["evaluator"])
    assert other.get("/monitoring/events/").status_code == 403
    assert other.get(f"/monitoring/events/{training.pk}/").status_code == 403


def test_recording_an_event_with_counts(personas, login, planned):
    client = login(personas["focal_point_kazakhstan"])
    form = client.get("/monitoring/events/new/").content.decode()
    assert "Kazakhstan" in form and "Georgia" not in form
    response = client.post(
        "/monitoring/events/new/",
        {
            "kind": "meeting_officials",
            "title": "Meeting at the Ministry of Health, Astana",
            "start_date": "2026-02-03",
            "end_date": "2026-02-03",
            "countries": [country("KZ").pk],
            "workplan_item": planned.pk,
            "is_public": "on",
        },
    )
    event = Event.objects.get()
    assert response["Location"] == f"/monitoring/events/{event.pk}/"
    assert event.objectives.get().code == "SO3"
    counts = client.post(
        f"/monitoring/events/{event.pk}/participants/",
        {"action": "counts", "total": "9", "gender__woman": "4", "gender__man": "6"},
    )
    assert "add up to more than the total" in counts.content.decode()
    client.post(
        f"/monitoring/events/{event.pk}/participants/",
        {"action": "counts", "total": "9", "gender__woman": "4", "role__government": "5"},
    )
    page = client.get(f"/monitoring/events/{event.pk}/").content.decode()
    assert '<td class="text-end" id="participants-total">9</td>' in page
    assert '<td class="text-end" id="participants-women">4</td>' in page


def test_a_focal_point_cannot_record_for_another_country(personas, login):
    client = login(personas["focal_point_georgia"])
    page = client.post(
        "/monitoring/events/new/",
        {
            "kind": "training",
            "title": "x",
            "start_date": "2026-02-03",
            "end_date": "2026-02-03",
            "countries": [country("KZ").pk],
        },
    ).content.decode()
    assert "Select a valid choice" in page
    assert not Event.objects.exists()


def registration_list(rows: int = 20, women: int = 12, pwud: int = 15) -> bytes:
    lines = ["ФИО,Страна,Пол,Роль,ЛУН,Согласие"]
    for n in range(rows):
        lines.append(
            f"Participant {n},KG,{'ж' if n < women else 'м'},community,"
            f"{'да' if n < pwud else 'нет'},{'да' if n % 2 else 'нет'}"
        )
    return ("\n".join(lines) + "\n").encode()


def test_importing_the_registration_list(personas, login, training):
    client = login(personas["secretariat_admin"])
    upload = SimpleUploadedFile("list.csv", registration_list(), content_type="text/csv")
    response = client.post(
        f"/monitoring/events/{training.pk}/participants/", {"action": "list", "file": upload}
    )
    assert response.status_code == 302
    assert Participant.objects.filter(event=training).count() == 20
    page = client.get(f"/monitoring/events/{training.pk}/").content.decode()
    assert "Counted from the participant list." in page
    assert '<td class="text-end" id="participants-women">12</td>' in page
    assert '<td class="text-end" id="participants-pwud">15</td>' in page


def test_a_bad_row_of_the_list_is_reported_and_nothing_changes(personas, login, training):
    client = login(personas["secretariat_admin"])
    bad = registration_list().replace(b"Participant 4,KG", b"Participant 4,Narnia")
    page = client.post(
        f"/monitoring/events/{training.pk}/participants/",
        {"action": "list", "file": SimpleUploadedFile("list.csv", bad)},
    ).content.decode()
    problems = page.split('id="list-problems"')[1].split("</table>")[0]
    assert "<td>6</td>" in problems and "<code>Страна</code>" in problems and "Narnia" in problems
    assert not Participant.objects.exists()
    assert training.counts.count() == 3


def test_documents_and_their_access(personas, login, client, training):
    staff = login(personas["secretariat_admin"])
    staff.post(
        f"/monitoring/events/{training.pk}/documents/",
        {
            "kind": "agenda",
            "title": "Agenda",
            "file": SimpleUploadedFile("agenda.pdf", b"%PDF-1.4"),
        },
    )
    document = training.documents.get()
    assert staff.get(f"/monitoring/documents/{document.pk}/").status_code == 200
    client.logout()
    assert client.get(f"/monitoring/documents/{document.pk}/").status_code == 404  # internal
    document.is_public = True
    document.save()
    assert client.get(f"/monitoring/documents/{document.pk}/").status_code == 200


def test_the_events_download_has_totals_and_no_names(personas, login, training):
    client = login(personas["secretariat_admin"])
    download = client.get("/monitoring/events.csv", {"country": "KG"})
    rows = list(csv.reader(io.StringIO(b"".join(download.streaming_content).decode("utf-8-sig"))))
    assert rows[1][3] == "Training of community leaders, Bishkek"
    assert rows[1][7:10] == ["20", "12", "15"]


def test_the_events_list_keeps_a_fixed_query_count(
    personas, login, training, django_assert_max_num_queries
):
    client = login(personas["secretariat_admin"])
    client.get("/monitoring/events/")
    with django_assert_max_num_queries(14) as first:
        client.get("/monitoring/events/")
    for n in range(5):
        Event.objects.create(
            kind="webinar",
            title=f"Webinar {n}",
            start_date=training.start_date,
            end_date=training.end_date,
        ).countries.set([country("KG")])
    with django_assert_max_num_queries(len(first.captured_queries)):
        client.get("/monitoring/events/")


def test_one_rule_for_internal_events_on_every_page(personas, login, training):
    """Internal events: the Secretariat sees them all, a focal point those of their countries —
    on the events list, the event page, the calendar and the API alike."""
    training.is_public = False
    training.save(update_fields=["is_public"])
    georgia = login(personas["focal_point_georgia"])
    assert training.title not in georgia.get("/monitoring/events/").content.decode()
    assert georgia.get(f"/monitoring/events/{training.pk}/").status_code == 404
    assert georgia.get(f"/monitoring/calendar/{training.pk}/").status_code == 404
    month = georgia.get("/monitoring/calendar/", {"month": "2026-02"}).content.decode()
    assert training.title not in month
    secretariat = login(personas["secretariat_admin"])
    assert training.title in secretariat.get("/monitoring/events/").content.decode()
    assert secretariat.get(f"/monitoring/events/{training.pk}/").status_code == 200
