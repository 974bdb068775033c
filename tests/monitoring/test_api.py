"""The monitoring API: public events for everyone, internal ones and the workplan with a token,
participant counts as aggregates only, and writes through the same services and checks as the
pages."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from factories import country
from hrmonitor.core.services import api_token_create
from hrmonitor.monitoring import services
from hrmonitor.monitoring.models import Event, ParticipantCount

pytestmark = pytest.mark.django_db

EVENTS = "/api/v1/monitoring/events"
WORKPLAN = "/api/v1/monitoring/workplan"


def token_of(user) -> str:  # type: ignore[no-untyped-def]
    return api_token_create(user=user, name="script")[1]


def bearer(token: str) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


def send(client, method, token, path, data):  # type: ignore[no-untyped-def]
    return getattr(client, method)(
        path, data, content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {token}"
    )


@pytest.fixture
def internal_meeting(personas) -> Event:  # type: ignore[no-untyped-def]
    """An internal event in Kyrgyzstan (not in the public calendar)."""
    return services.event_save(
        user=personas["secretariat_admin"],
        kind=Event.Kind.MEETING_OFFICIALS,
        title="Closed meeting at the Ministry of Health",
        start_date=dt.date(2026, 3, 5),
        end_date=dt.date(2026, 3, 5),
        countries=[country("KG")],
        is_public=False,
    )


def titles(response) -> list[str]:  # type: ignore[no-untyped-def]
    assert response.status_code == 200, response.content
    return [e["title"] for e in response.json()["items"]]


# --- Reading events --------------------------------------------------------------------------


def test_the_public_sees_public_events_only(client, training, internal_meeting):
    assert titles(client.get(EVENTS)) == [training.title]
    assert client.get(f"{EVENTS}/{internal_meeting.pk}").status_code == 404
    assert client.get(f"{EVENTS}/{training.pk}").json()["title"] == training.title


def test_the_secretariat_sees_internal_events_with_a_token(
    client, personas, training, internal_meeting
):
    token = token_of(personas["secretariat_admin"])
    response = client.get(EVENTS, **bearer(token))
    assert titles(response) == [internal_meeting.title, training.title]
    assert response.json()["count"] == 2
    detail = client.get(f"{EVENTS}/{internal_meeting.pk}", **bearer(token))
    assert detail.json()["is_public"] is False


def test_a_focal_point_sees_internal_events_of_their_country_only(
    client, personas, training, internal_meeting
):
    services.event_save(
        user=personas["focal_point_georgia"],
        kind=Event.Kind.ADVOCACY_VISIT,
        title="Visit to the Tbilisi city council",
        start_date=dt.date(2026, 4, 1),
        end_date=dt.date(2026, 4, 1),
        countries=[country("GE")],
        is_public=False,
    )
    georgia = token_of(personas["focal_point_georgia"])
    assert titles(client.get(EVENTS, **bearer(georgia))) == [
        "Visit to the Tbilisi city council",
        training.title,
    ]
    assert client.get(f"{EVENTS}/{internal_meeting.pk}", **bearer(georgia)).status_code == 404
    member = token_of(personas["member"])
    assert titles(client.get(EVENTS, **bearer(member))) == [training.title]


def test_a_bad_token_is_refused_rather_than_treated_as_the_public(client, training):
    assert client.get(EVENTS, HTTP_AUTHORIZATION="Bearer hrm_wrong").status_code == 401


def test_the_events_carry_the_trainings_counts_and_no_participant_names(client, personas, training):
    token = token_of(personas["secretariat_admin"])
    event = client.get(EVENTS, **bearer(token)).json()["items"][0]
    assert event["participants"] == {
        "source": "counts",
        "total": 20,
        "women": 12,
        "men": 8,
        "people_who_use_drugs": 15,
        "women_who_use_drugs": None,
        "by_role": {},
        "by_country": {},
    }
    assert event["kind"] == "training"
    assert event["kind_label"] == "Training"
    assert event["countries"] == ["KG"]
    assert event["objectives"] == ["SO3"]
    assert event["workplan_item_id"] == training.workplan_item_id


def test_the_public_gets_no_counts_of_community_membership(client, training):
    participants = client.get(f"{EVENTS}/{training.pk}").json()["participants"]
    assert (participants["total"], participants["women"]) == (20, 12)
    assert participants["people_who_use_drugs"] is None
    assert participants["women_who_use_drugs"] is None


def test_a_participant_list_shows_as_counts_only(client, personas, training):
    admin = personas["secretariat_admin"]
    for name, gender in [("Aigul Sadykova", "woman"), ("Bakyt Osmonov", "man")]:
        services.participant_add(
            user=admin,
            event=training,
            name=name,
            gender=gender,
            country=country("KG"),
            consent_to_be_listed=True,
        )
    response = client.get(f"{EVENTS}/{training.pk}", **bearer(token_of(admin)))
    assert response.json()["participants"]["source"] == "list"
    assert response.json()["participants"]["by_country"] == {"KG": 2}
    assert b"Aigul" not in response.content
    assert b"Osmonov" not in response.content


def test_events_are_filtered_and_filters_that_cannot_be_read_are_explained(client, training):
    assert titles(client.get(EVENTS, {"country": "KG", "q": "bishkek"})) == [training.title]
    assert titles(client.get(EVENTS, {"country": "GE"})) == []
    assert titles(client.get(EVENTS, {"kind": "webinar"})) == []
    assert titles(client.get(EVENTS, {"start": "2026-02-12", "end": "2026-02-12"})) == [
        training.title
    ]
    assert titles(client.get(EVENTS, {"start": "2026-02-13"})) == []
    bad_date = client.get(EVENTS, {"start": "12.02.2026"}, HTTP_ACCEPT_LANGUAGE="ru")
    assert bad_date.status_code == 400
    assert "ГГГГ-ММ-ДД" in bad_date.json()["detail"]
    bad_kind = client.get(EVENTS, {"kind": "party"})
    assert bad_kind.status_code == 400
    assert "training" in bad_kind.json()["detail"]
    assert client.get(EVENTS, {"country": "ZZ"}).status_code == 404


def test_the_events_list_is_paged(client, personas, training, internal_meeting):
    token = token_of(personas["secretariat_admin"])
    first = client.get(EVENTS, {"limit": 1}, **bearer(token)).json()
    second = client.get(EVENTS, {"limit": 1, "offset": 1}, **bearer(token)).json()
    assert (first["count"], second["count"]) == (2, 2)
    assert [e["title"] for e in first["items"] + second["items"]] == [
        internal_meeting.title,
        training.title,
    ]


def test_the_events_list_takes_the_same_queries_for_more_events(client, personas, training):
    token = token_of(personas["secretariat_admin"])
    client.get(EVENTS, **bearer(token))  # the token's first use is recorded once

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            response = client.get(EVENTS, **bearer(token))
        assert response.status_code == 200
        return len(captured)

    few = queries()
    for day in range(1, 6):
        event = services.event_save(
            user=personas["secretariat_admin"],
            kind=Event.Kind.WEBINAR,
            title=f"Webinar {day}",
            start_date=dt.date(2026, 5, day),
            end_date=dt.date(2026, 5, day),
            countries=[country("KZ"), country("GE")],
            is_public=day % 2 == 0,
        )
        services.event_counts_set(
            user=personas["secretariat_admin"],
            event=event,
            total=10,
            counts={("gender", "woman"): 6, ("country", "KZ"): 4},
        )
    assert client.get(EVENTS, **bearer(token)).json()["count"] == 6
    assert queries() == few
    # token, role assignments, count, page, its countries/objectives/organisers, counts (2)
    assert few == 9


# --- Recording events ------------------------------------------------------------------------


def new_event(**changes):  # type: ignore[no-untyped-def]
    return {
        "kind": "meeting_officials",
        "title": "Meeting at the Ministry of Justice",
        "start_date": "2026-03-01",
        "end_date": "2026-03-01",
        "countries": ["GE"],
        "place": "Tbilisi",
        "objectives": ["SO2"],
        "is_public": False,
        **changes,
    }


def test_a_focal_point_records_an_event_of_their_country(client, personas):
    token = token_of(personas["focal_point_georgia"])
    response = send(client, "post", token, EVENTS, new_event())
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["title"], body["countries"], body["objectives"]) == (
        "Meeting at the Ministry of Justice",
        ["GE"],
        ["SO2"],
    )
    assert body["participants"]["source"] == "none"
    event = Event.objects.get(pk=body["id"])
    assert event.created_by == personas["focal_point_georgia"]
    assert client.get(f"{EVENTS}/{event.pk}", **bearer(token)).status_code == 200


def test_a_focal_point_cannot_record_an_event_of_another_country(client, personas):
    token = token_of(personas["focal_point_georgia"])
    response = send(client, "post", token, EVENTS, new_event(countries=["KZ"]))
    assert response.status_code == 403
    assert response.json()["detail"]
    regional = send(client, "post", token, EVENTS, new_event(countries=[]))
    assert regional.status_code == 403
    assert not Event.objects.exists()


def test_recording_an_event_needs_a_token(client):
    response = client.post(EVENTS, new_event(), content_type="application/json")
    assert response.status_code == 401
    assert not Event.objects.exists()


def test_an_event_that_cannot_be_true_is_refused_with_the_reason(client, personas):
    token = token_of(personas["focal_point_georgia"])
    backwards = send(
        client, "post", token, EVENTS, new_event(start_date="2026-03-02", end_date="2026-03-01")
    )
    assert backwards.status_code == 400
    assert backwards.json()["problems"] == ["The end cannot be before the start."]
    unknown = send(client, "post", token, EVENTS, new_event(countries=["ZZ"]))
    assert unknown.status_code == 400
    assert unknown.json()["detail"] == "Country not found."
    bad_kind = send(client, "post", token, EVENTS, new_event(kind="party"))
    assert bad_kind.status_code == 400
    assert "party" in bad_kind.json()["detail"]
    assert not Event.objects.exists()


def test_an_event_of_a_workplan_activity_serves_its_objective(client, personas, planned):
    token = token_of(personas["secretariat_admin"])
    response = send(
        client, "post", token, EVENTS, new_event(objectives=[], workplan_item_id=planned.pk)
    )
    assert response.status_code == 201, response.content
    assert response.json()["objectives"] == ["SO3"]
    assert response.json()["workplan_item_id"] == planned.pk


# --- Participant counts ----------------------------------------------------------------------


def test_entered_counts_are_replaced(client, personas, training):
    token = token_of(personas["secretariat_admin"])
    response = send(
        client,
        "put",
        token,
        f"{EVENTS}/{training.pk}/participants",
        {
            "total": 25,
            "counts": {
                "gender": {"woman": 14, "man": 11},
                "community": {"pwud": 15, "wwud": 7},
                "country": {"kg": 25},
            },
        },
    )
    assert response.status_code == 200, response.content
    participants = response.json()["participants"]
    assert (participants["total"], participants["women"], participants["women_who_use_drugs"]) == (
        25,
        14,
        7,
    )
    assert participants["by_country"] == {"KG": 25}
    assert training.counts.count() == 5


def test_impossible_counts_are_refused_naming_the_rule_and_nothing_changes(
    client, personas, training
):
    before = sorted(training.counts.values_list("dimension", "category", "count"))
    token = token_of(personas["secretariat_admin"])
    response = send(
        client,
        "put",
        token,
        f"{EVENTS}/{training.pk}/participants",
        {"total": 20, "counts": {"gender": {"woman": 21}, "community": {"pwud": 5, "wwud": 6}}},
    )
    assert response.status_code == 400
    problems = response.json()["problems"]
    assert "The counts by gender add up to more than the total." in problems
    assert "There cannot be more women who use drugs than people who use drugs." in problems
    training.refresh_from_db()
    assert training.participants_total == 20
    assert sorted(training.counts.values_list("dimension", "category", "count")) == before


def test_counts_of_an_event_with_a_participant_list_are_refused(client, personas, training):
    admin = personas["secretariat_admin"]
    services.participant_add(user=admin, event=training, gender="woman")
    response = send(
        client,
        "put",
        token_of(admin),
        f"{EVENTS}/{training.pk}/participants",
        {"total": 30, "counts": {}},
    )
    assert response.status_code == 400
    assert "participant list" in response.json()["detail"]
    training.refresh_from_db()
    assert training.participants_total == 20


def test_a_focal_point_cannot_change_counts_of_another_country(client, personas, training):
    response = send(
        client,
        "put",
        token_of(personas["focal_point_georgia"]),
        f"{EVENTS}/{training.pk}/participants",
        {"total": 5, "counts": {}},
    )
    assert response.status_code == 403
    assert ParticipantCount.objects.filter(event=training).count() == 3


def test_negative_counts_are_refused(client, personas, training):
    response = send(
        client,
        "put",
        token_of(personas["secretariat_admin"]),
        f"{EVENTS}/{training.pk}/participants",
        {"total": 20, "counts": {"gender": {"woman": -1}}},
    )
    assert response.status_code == 422
    assert ParticipantCount.objects.filter(event=training).count() == 3


# --- Workplan --------------------------------------------------------------------------------


def test_the_workplan_is_read_with_a_token_with_monitoring_rights(client, personas, planned):
    for persona in ("secretariat_admin", "focal_point_georgia"):
        response = client.get(WORKPLAN, **bearer(token_of(personas[persona])))
        assert response.status_code == 200, persona
    item = response.json()["items"][0]
    assert item == {
        "id": planned.pk,
        "title": "Community leadership trainings in Central Asia",
        "description": "",
        "activity": "SO3.A1",
        "objective": "SO3",
        "start_date": "2026-01-01",
        "end_date": "2026-06-30",
        "countries": ["KG", "KZ"],
        "responsible": None,
        "budget_amount": None,
        "budget_currency": "USD",
        "grant_reference": "",
        "status": "planned",
        "status_label": "Planned",
        "status_note": "",
    }
    assert client.get(WORKPLAN).status_code == 401
    assert client.get(WORKPLAN, **bearer(token_of(personas["member"]))).status_code == 403


def test_the_workplan_is_filtered_and_one_activity_is_read(client, personas, planned):
    token = token_of(personas["secretariat_admin"])
    services.workplan_item_set_status(
        user=personas["secretariat_admin"], item=planned, status="postponed", note="No funds"
    )

    def ids(**filters):  # type: ignore[no-untyped-def]
        response = client.get(WORKPLAN, filters, **bearer(token))
        assert response.status_code == 200, response.content
        return [i["id"] for i in response.json()["items"]]

    assert ids(status="postponed", country="KG", objective="SO3") == [planned.pk]
    assert ids(status="planned") == []
    assert ids(country="GE") == []
    assert ids(start="2026-07-01") == []
    assert client.get(WORKPLAN, {"status": "late"}, **bearer(token)).status_code == 400
    assert client.get(WORKPLAN, {"objective": "SO9"}, **bearer(token)).status_code == 404
    one = client.get(f"{WORKPLAN}/{planned.pk}", **bearer(token)).json()
    assert (one["status"], one["status_note"]) == ("postponed", "No funds")
    assert client.get(f"{WORKPLAN}/{planned.pk + 999}", **bearer(token)).status_code == 404


# --- OpenAPI ---------------------------------------------------------------------------------


def test_the_openapi_document_lists_the_monitoring_paths(client):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    assert {
        "/api/v1/monitoring/workplan",
        "/api/v1/monitoring/workplan/{item_id}",
        "/api/v1/monitoring/events",
        "/api/v1/monitoring/events/{event_id}",
        "/api/v1/monitoring/events/{event_id}/participants",
    } <= set(paths)
    assert "403" in paths["/api/v1/monitoring/events"]["post"]["responses"]
    assert "put" in paths["/api/v1/monitoring/events/{event_id}/participants"]
