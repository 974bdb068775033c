"""The monitoring services: permissions by country, counts that must be possible, a
registration list imported all-or-nothing with row and column, statuses with history."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from factories import country
from hrmonitor.monitoring import services
from hrmonitor.monitoring.models import Event, Participant, WorkplanItem
from hrmonitor.monitoring.selectors import participant_summaries

pytestmark = pytest.mark.django_db


def test_the_training_counts_are_kept(training):
    summary = participant_summaries([training])[training.pk]
    assert (summary.source, summary.total, summary.women, summary.people_who_use_drugs) == (
        "counts",
        20,
        12,
        15,
    )
    assert training.objectives.get().code == "SO3"  # from the workplan activity


def test_impossible_counts_are_refused_with_the_rule(personas, training):
    with pytest.raises(ValidationError) as error:
        services.event_counts_set(
            user=personas["secretariat_admin"],
            event=training,
            total=20,
            counts={("gender", "woman"): 21, ("community", "pwud"): 5, ("community", "wwud"): 6},
        )
    text = " ".join(error.value.messages)
    assert "by gender add up to more than the total" in text
    assert "more women who use drugs than people who use drugs" in text
    training.refresh_from_db()
    assert training.participants_total == 20


def test_a_focal_point_records_events_of_their_country_only(personas):
    georgia = personas["focal_point_georgia"]
    event = services.event_save(
        user=georgia,
        kind=Event.Kind.MEETING_OFFICIALS,
        title="Meeting at the ministry",
        start_date=dt.date(2026, 3, 1),
        end_date=dt.date(2026, 3, 1),
        countries=[country("GE")],
    )
    assert event.created_by == georgia
    with pytest.raises(PermissionDenied):
        services.event_save(
            user=georgia,
            kind=Event.Kind.TRAINING,
            title="x",
            start_date=dt.date(2026, 3, 1),
            end_date=dt.date(2026, 3, 1),
            countries=[country("KZ")],
        )
    with pytest.raises(PermissionDenied):  # a regional event is the Secretariat's
        services.event_save(
            user=georgia,
            kind=Event.Kind.WEBINAR,
            title="x",
            start_date=dt.date(2026, 3, 1),
            end_date=dt.date(2026, 3, 1),
        )


def test_only_the_secretariat_plans_and_a_cancellation_needs_a_reason(personas, planned):
    with pytest.raises(PermissionDenied):
        services.workplan_item_set_status(
            user=personas["focal_point_georgia"], item=planned, status="done"
        )
    with pytest.raises(ValidationError):
        services.workplan_item_set_status(
            user=personas["me_officer"], item=planned, status="cancelled"
        )
    services.workplan_item_set_status(user=personas["me_officer"], item=planned, status="ongoing")
    services.workplan_item_set_status(
        user=personas["me_officer"], item=planned, status="postponed", note="Funding delayed"
    )
    statuses = [h.status for h in planned.history.order_by("history_date")]
    changes = [s for i, s in enumerate(statuses) if i == 0 or statuses[i - 1] != s]
    assert changes == ["planned", "ongoing", "postponed"]
    assert planned.history.latest().history_change_reason == "Funding delayed"
    assert WorkplanItem.objects.get().status_note == "Funding delayed"


LIST = (
    "ФИО,Организация,Страна,Пол,Роль,ЛУН,Согласие\n"
    "Айгуль,Community group,Кыргызстан,ж,community,да,да\n"
    "Bakyt,NGO,KG,male,civil_society,нет,\n"
    ",,KG,женщина,,да,нет\n"
)


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "list.csv"
    path.write_text(text, encoding="utf-8")
    return path


def test_a_registration_list_replaces_the_counts(personas, training, tmp_path):
    outcome = services.participants_import(
        user=personas["secretariat_admin"],
        event=training,
        path=write(tmp_path, LIST),
        filename="list.csv",
    )
    assert outcome.imported == 3 and not outcome.problems
    summary = participant_summaries([training])[training.pk]
    assert (summary.source, summary.total, summary.women) == ("list", 3, 2)
    assert summary.community == {"pwud": 2, "wwud": 2}
    assert summary.country == {"KG": 3}
    assert Participant.objects.filter(consent_to_be_listed=True).count() == 1
    assert not training.counts.exists()


def test_a_bad_row_names_its_row_and_column_and_nothing_is_written(personas, training, tmp_path):
    bad = LIST.replace("Bakyt,NGO,KG,male", "Bakyt,NGO,Atlantis,male").replace(
        ",да,нет", ",maybe,нет"
    )
    outcome = services.participants_import(
        user=personas["secretariat_admin"],
        event=training,
        path=write(tmp_path, bad),
        filename="list.csv",
    )
    assert outcome.imported == 0
    assert [(p.line, p.column) for p in outcome.problems] == [(3, "Страна"), (4, "ЛУН")]
    assert not Participant.objects.exists()
    assert training.counts.count() == 3
