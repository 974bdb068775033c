"""Synthetic demo data for project and process monitoring: a workplan for this year and last,
events across the region with participant counts, one registration list of invented people,
feedback and an expert's reflection. Every title says "[DEMO]"; nothing here happened."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import TYPE_CHECKING

from django.utils import timezone

from hrmonitor.core.models import Country, User
from hrmonitor.framework.models import Activity
from hrmonitor.monitoring import services
from hrmonitor.monitoring.models import Event, Participant

if TYPE_CHECKING:
    from hrmonitor.core.demo import DemoContext

# (activity, title, start offset in days from 1 January, length in days, countries, status)
WORKPLAN = [
    ("SO1.A1", "Advocacy for domestic funding of harm reduction", 0, 330, ["KZ", "KG"], "ongoing"),
    ("SO2.A2", "Technical support on diversion from arrest", 30, 150, ["GE", "AM"], "done"),
    ("SO3.A1", "Community leadership trainings", 40, 200, ["KG", "TJ", "UZ"], "ongoing"),
    ("SO3.A2", "Community-led monitoring trainings", 120, 90, ["UA", "MD"], "planned"),
    ("SO2.A4", "Campaign on the rights of women who use drugs", 60, 120, [], "postponed"),
]
# (workplan index, kind, title, day offset, length, countries, total, women, pwud, wwud)
EVENTS = [
    (2, "training", "Training of community leaders, Bishkek", 45, 3, ["KG"], 20, 12, 15, 8),
    (2, "training", "Training of community leaders, Dushanbe", 95, 2, ["TJ"], 16, 7, 11, 4),
    (
        0,
        "meeting_officials",
        "Meeting with the Ministry of Health, Astana",
        70,
        1,
        ["KZ"],
        9,
        4,
        2,
        1,
    ),
    (
        1,
        "national_dialogue",
        "National dialogue on diversion, Tbilisi",
        100,
        1,
        ["GE"],
        35,
        17,
        6,
        3,
    ),
    (None, "webinar", "Webinar: take-home naloxone in the region", 130, 1, [], 74, 41, None, None),
    (
        None,
        "regional_meeting",
        "Regional meeting of members, Central Asia",
        160,
        2,
        ["KZ", "KG", "TJ", "UZ"],
        38,
        20,
        18,
        9,
    ),
]


def populate(ctx: DemoContext) -> None:
    user = User.objects.get(username="demo-admin")
    countries = {c.iso2: c for c in Country.objects.all()}
    year = timezone.localdate().year
    start = dt.date(year, 1, 1)
    items = []
    for code, title, offset, length, isos, status in WORKPLAN:
        item = services.workplan_item_save(
            user=user,
            activity=Activity.objects.get(code=code),
            title=f"[DEMO] {title}",
            start_date=start + dt.timedelta(days=offset),
            end_date=start + dt.timedelta(days=offset + length),
            countries=[countries[i] for i in isos],
            responsible=user,
            budget_amount=Decimal(ctx.rng.choice([8000, 15000, 24000, 40000])),
            budget_currency="USD",
            grant_reference="[DEMO] GRANT-001",
        )
        if status != "planned":
            note = "[DEMO] waiting for co-funding" if status == "postponed" else ""
            services.workplan_item_set_status(user=user, item=item, status=status, note=note)
        items.append(item)
    events = []
    for index, kind, title, offset, length, isos, total, women, pwud, wwud in EVENTS:
        first = start + dt.timedelta(days=offset)
        event = services.event_save(
            user=user,
            kind=kind,
            title=f"[DEMO] {title}",
            start_date=first,
            end_date=first + dt.timedelta(days=length - 1),
            countries=[countries[i] for i in isos],
            is_online=kind == "webinar",
            place="" if kind == "webinar" else title.rsplit(", ", 1)[-1],
            workplan_item=items[index] if index is not None else None,
            description="[DEMO] Synthetic event for illustration.",
            outputs="[DEMO] Action plans agreed by the participants.",
        )
        counts = {("gender", "woman"): women, ("gender", "man"): total - women}
        if pwud is not None and wwud is not None:
            counts[("community", "pwud")] = pwud
            counts[("community", "wwud")] = wwud
        services.event_counts_set(user=user, event=event, total=total, counts=counts)
        events.append(event)
    # One registration list of invented people (the first training), derived counts.
    first_training = events[0]
    Participant.objects.bulk_create(
        Participant(
            event=first_training,
            name=f"[DEMO] Participant {n + 1}",
            country=countries["KG"],
            gender="woman" if n < 12 else "man",
            role="community" if n < 15 else "civil_society",
            uses_drugs=n < 15,
            consent_to_be_listed=n % 3 == 0,
        )
        for n in range(20)
    )
    first_training.counts.all().delete()
    Event.objects.filter(pk=first_training.pk).update(participants_total=None)
    for n in range(9):
        services.feedback_submit(
            event=first_training,
            language="ru" if n % 2 else "en",
            answers={
                "overall": ctx.rng.choice([4, 5, 5, 3]),
                "relevance": ctx.rng.choice([4, 5, 4]),
                "will_apply": ctx.rng.choice(["yes", "yes", "partly"]),
                "most_useful": "[DEMO] Role play of a meeting with officials" if n % 3 == 0 else "",
            },
        )
    services.reflection_add(
        user=user,
        event=first_training,
        expert_name="[DEMO] External expert",
        text="[DEMO] The participants left with concrete plans; follow up in three months.",
    )
    ctx.lines.append(
        f"monitoring: {len(items)} [DEMO] workplan activities, {len(events)} events, "
        "1 participant list of 20 invented people, 9 feedback answers"
    )
