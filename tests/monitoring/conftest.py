"""Events of the monitoring module for tests: a training in Kyrgyzstan with 20 participants
(12 women, 15 people who use drugs), recorded by the Secretariat under a workplan activity."""

from __future__ import annotations

import datetime as dt

import pytest

from factories import country
from hrmonitor.framework.models import Activity
from hrmonitor.monitoring import services
from hrmonitor.monitoring.models import Event, WorkplanItem


@pytest.fixture
def planned(personas) -> WorkplanItem:  # type: ignore[no-untyped-def]
    return services.workplan_item_save(
        user=personas["secretariat_admin"],
        activity=Activity.objects.get(code="SO3.A1"),
        title="Community leadership trainings in Central Asia",
        start_date=dt.date(2026, 1, 1),
        end_date=dt.date(2026, 6, 30),
        countries=[country("KG"), country("KZ")],
        budget_amount=None,
    )


@pytest.fixture
def training(personas, planned) -> Event:  # type: ignore[no-untyped-def]
    event = services.event_save(
        user=personas["secretariat_admin"],
        kind=Event.Kind.TRAINING,
        title="Training of community leaders, Bishkek",
        start_date=dt.date(2026, 2, 10),
        end_date=dt.date(2026, 2, 12),
        countries=[country("KG")],
        place="Bishkek",
        workplan_item=planned,
        description="Advocacy skills for community leaders.",
        outputs="National advocacy plans drafted by 4 groups.",
    )
    return services.event_counts_set(
        user=personas["secretariat_admin"],
        event=event,
        total=20,
        counts={("gender", "woman"): 12, ("gender", "man"): 8, ("community", "pwud"): 15},
    )
