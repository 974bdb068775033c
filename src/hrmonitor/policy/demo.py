"""Synthetic demo data for the policy tracker: a few status changes over recent years for
demo countries, on top of the real reference facts, so the map and timelines show history.
Every record says "[DEMO]": these are not real legal changes."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from hrmonitor.core.models import Country, User
from hrmonitor.policy import services
from hrmonitor.policy.models import PolicyArea

if TYPE_CHECKING:
    from hrmonitor.core.demo import DemoContext

DEMO_SOURCE = "[DEMO] synthetic status change — not a real legal change"
# (country, area, status, start) in the order they are recorded.
CHANGES = [
    ("GE", "naloxone-take-home", "not_in_place", "2019-01-01"),
    ("GE", "naloxone-take-home", "partial_or_pilot", "2021-03-01"),
    ("GE", "naloxone-take-home", "in_place", "2023-06-01"),
    ("GE", "decriminalisation", "partial_or_pilot", "2018-07-30"),
    ("AM", "oat-take-home", "not_in_place", "2019-01-01"),
    ("AM", "oat-take-home", "partial_or_pilot", "2020-04-15"),
    ("AM", "oat-take-home", "in_place", "2022-09-01"),
    ("KZ", "domestic-funding", "not_in_place", "2018-01-01"),
    ("KZ", "domestic-funding", "partial_or_pilot", "2021-01-01"),
    ("KZ", "domestic-funding", "in_place", "2024-01-01"),
    ("KG", "drug-checking", "not_legal", "2018-01-01"),
    ("KG", "drug-checking", "partial_or_pilot", "2023-05-01"),
    ("MD", "consumption-rooms", "not_in_place", "2018-01-01"),
    ("MD", "consumption-rooms", "partial_or_pilot", "2024-10-01"),
    ("UA", "oat-take-home", "partial_or_pilot", "2018-01-01"),
    ("UA", "oat-take-home", "in_place", "2020-04-01"),
    ("TJ", "community-representation", "not_in_place", "2019-01-01"),
    ("TJ", "community-representation", "in_place", "2022-02-01"),
]


def populate(ctx: DemoContext) -> None:
    """Load the policy areas and real facts if needed, then the [DEMO] changes."""
    if not PolicyArea.objects.exists():
        services.policy_areas_load()
        services.policy_facts_load()
    user = User.objects.get(username="demo-admin")
    areas = {a.code: a for a in PolicyArea.objects.all()}
    countries = {c.iso2: c for c in Country.objects.all()}
    for iso2, area, status, start in CHANGES:
        services.policy_status_record(
            user=user,
            country=countries[iso2],
            area=areas[area],
            status=status,
            valid_from=dt.date.fromisoformat(start),
            legal_reference="[DEMO] invented reference, e.g. Order No. 000",
            source=DEMO_SOURCE,
            notes="[DEMO]",
        )
    ctx.lines.append(f"policy: {len(CHANGES)} [DEMO] status changes in 7 countries")
