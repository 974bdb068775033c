"""Synthetic demo cases: invented people, invented events, labelled "[DEMO]" in every
narrative. They let the case pages, the analysis and the suppressed statistics be tried out;
nothing here happened to anyone."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.utils import timezone

from hrmonitor.core.models import Country, Organisation, User
from hrmonitor.rights import services
from hrmonitor.rights.models import Case, Response

if TYPE_CHECKING:
    from hrmonitor.core.demo import DemoContext

# (violations, perpetrator, gender, key groups, custody)
PATTERNS = [
    (
        ["child_removal", "denial_oat"],
        "social_services",
        "woman",
        ["pwud", "on_oat"],
        "in_state_care",
    ),
    (["police_violence", "extortion"], "police", "man", ["pwid"], "not_applicable"),
    (["planted_drugs", "unlawful_detention"], "police", "man", ["pwud"], "not_applicable"),
    (["denial_health", "discrimination"], "health_staff", "woman", ["pwid", "hiv"], "with_client"),
    (
        ["violence_domestic", "failure_to_protect"],
        "family_partner",
        "woman",
        ["pwud"],
        "with_relatives",
    ),
    (["confidentiality_breach"], "health_staff", "man", ["on_oat", "hiv"], "not_applicable"),
]


def populate(ctx: DemoContext) -> None:
    documenter = User.objects.get(username="demo-documenter-kyrgyzstan")
    analyst = User.objects.get(username="demo-analyst-kyrgyzstan")
    coordinator = User.objects.get(username="demo-coordinator-kyrgyzstan")
    kyrgyzstan = Country.objects.get(iso2="KG")
    organisation = Organisation.objects.get(name__endswith="Bishkek", is_demo=True)
    today = timezone.localdate()
    made = 0
    for n in range(14):
        violations, perpetrator, gender, groups, custody = PATTERNS[n % len(PATTERNS)]
        received = today - dt.timedelta(days=20 + 23 * n)
        case = services.case_create(
            user=documenter,
            country=kyrgyzstan,
            organisation=organisation,
            channel=ctx.rng.choice(["outreach", "in_person", "hotline", "online"]),
            received_on=received,
            consents={"record": True, "refer": True, "statistics": n % 5 != 4, "story": False},
            narrative=f"[DEMO] Invented case {n + 1}: a synthetic account for trying the module.",
            incident_date=received - dt.timedelta(days=10),
            incident_precision=Case.Precision.MONTH,
            client_code=f"DEMO-{n % 9:03d}",
            gender=gender,
            age_band=ctx.rng.choice(["18_24", "25_34", "35_44"]),
            province="[DEMO] Chui",
            key_groups=groups,
            has_children=custody != "not_applicable",
            custody=custody,
        )
        services.act_add(
            user=documenter,
            case=case,
            violations=violations,
            perpetrator=perpetrator,
            occurred_on=received - dt.timedelta(days=10),
            description="[DEMO] Invented description of the act.",
        )
        if n % 3 != 2:
            services.analysis_save(
                user=analyst,
                case=case,
                qualification="violation",
                confidence=ctx.rng.choice(["confirmed", "likely"]),
                rights=["ICCPR.7", "ECHR.3"] if perpetrator == "police" else ["ICESCR.12"],
                text="[DEMO] Invented legal analysis.",
            )
        if n % 2 == 0:
            response = services.response_save(
                user=coordinator,
                case=case,
                kind=Response.Kind.PRIMARY_LEGAL,
                started_on=received + dt.timedelta(days=3),
                follow_up_on=received + dt.timedelta(days=33),
            )
            if n % 4 == 0:
                services.response_save(
                    user=coordinator,
                    case=case,
                    response=response,
                    kind=response.kind,
                    started_on=response.started_on,
                    status=Response.Status.DONE,
                    ended_on=received + dt.timedelta(days=30),
                    outcome="[DEMO] Invented outcome.",
                )
                services.case_close(user=coordinator, case=case, closure="resolved")
        made += 1
    ctx.lines.append(f"rights: {made} [DEMO] invented cases in Kyrgyzstan, encrypted")
