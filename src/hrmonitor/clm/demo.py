"""Synthetic demo data for community-led monitoring: three projects, service sites in
Kazakhstan, Georgia and Kyrgyzstan, client interviews sent through the real OpenRosa intake
(with the shipped client-experience form), two rejected submissions for the review queue,
escalations, and service delivery records for the efficiency assessment. Every name says
"[DEMO]"; no interview happened and every number is invented."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.utils import timezone

from hrmonitor.clm import openrosa, services
from hrmonitor.clm.models import (
    AppUser,
    Escalation,
    Form,
    Project,
    ServiceDelivery,
    ServiceSite,
)
from hrmonitor.core.models import Country, Organisation, User

if TYPE_CHECKING:
    from hrmonitor.core.demo import DemoContext

# (code, name, kind, country, locality, services, quality 0..1: how well clients rate it)
SITES = [
    (
        "DEMO-KZ-ALA-NSP1",
        "[DEMO] Needle and syringe point, Almaty centre",
        "nsp_fixed",
        "KZ",
        "Almaty",
        ["syringes", "naloxone", "hiv_test", "condoms"],
        0.85,
    ),
    (
        "DEMO-KZ-ALA-OAT1",
        "[DEMO] OAT site, Almaty narcology centre",
        "oat",
        "KZ",
        "Almaty",
        ["oat", "counselling", "hiv_test"],
        0.45,
    ),
    (
        "DEMO-KZ-ALA-OUT1",
        "[DEMO] Outreach van, Almaty east",
        "nsp_outreach",
        "KZ",
        "Almaty",
        ["syringes", "naloxone", "condoms"],
        0.7,
    ),
    (
        "DEMO-GE-TBS-DIC1",
        "[DEMO] Drop-in centre, Tbilisi",
        "drop_in",
        "GE",
        "Tbilisi",
        ["syringes", "naloxone", "hcv_test", "counselling", "women"],
        0.8,
    ),
    (
        "DEMO-GE-TBS-OAT1",
        "[DEMO] OAT site, Tbilisi",
        "oat",
        "GE",
        "Tbilisi",
        ["oat", "counselling"],
        0.6,
    ),
    (
        "DEMO-KG-BSK-NSP1",
        "[DEMO] Needle and syringe point, Bishkek",
        "nsp_fixed",
        "KG",
        "Bishkek",
        ["syringes", "naloxone", "hiv_test"],
        0.55,
    ),
    (
        "DEMO-KG-BSK-PRS1",
        "[DEMO] Prison health unit, Bishkek",
        "prison",
        "KG",
        "Bishkek",
        ["oat", "syringes"],
        0.35,
    ),
]
FORM_ID = "clm_client_experience"


def _answers(
    ctx: DemoContext,
    fields: list[dict[str, Any]],
    scores: dict[str, dict[str, float]],
    code: str,
    quality: float,
    day: dt.date,
) -> dict[str, Any]:
    """A plausible interview: scored questions lean to good answers at good sites."""
    rng = ctx.rng
    answers: dict[str, Any] = {}
    moment = dt.datetime.combine(day, dt.time(10 + rng.randrange(6), rng.randrange(60)))
    for field in fields:
        path, kind = field["path"], field["type"]
        if field.get("repeat") or kind in {"note", "repeat", "deviceid", "calculate"}:
            continue
        if kind == "start":
            answers[path] = moment.isoformat() + "+05:00"
        elif kind == "end":
            answers[path] = (moment + dt.timedelta(minutes=14)).isoformat() + "+05:00"
        elif kind == "today":
            answers[path] = day.isoformat()
        elif path == "consent":
            answers[path] = "yes"
        elif field.get("choices_file"):
            answers[path] = code
        elif path in scores:
            ranked = sorted(scores[path], key=lambda name: scores[path][name], reverse=True)
            answers[path] = ranked[0] if rng.random() < quality else rng.choice(ranked)
            if rng.random() < 0.05:
                answers[path] = "dont_know"
        elif kind == "select one" and field.get("choices"):
            answers[path] = rng.choice(field["choices"])["name"]
        elif kind == "select all that apply" and field.get("choices"):
            names = [c["name"] for c in field["choices"] if c["name"] != "other"]
            answers[path] = " ".join(sorted(rng.sample(names, rng.randint(1, 3))))
    return answers


def populate(ctx: DemoContext) -> None:
    form = Form.objects.filter(xml_form_id=FORM_ID).select_related("current_version").first()
    if form is None or form.current_version is None:
        ctx.lines.append("clm: the default form is missing (run `hrmonitor init`)")
        return
    countries = {c.iso2: c for c in Country.objects.filter(iso2__in=["KZ", "GE", "KG"])}
    organisations = {
        o.country.iso2: o
        for o in Organisation.objects.filter(is_demo=True).select_related("country")
        if o.country
    }
    monitor = User.objects.filter(username="demo-monitor-kazakhstan").first()
    focal = User.objects.filter(username="demo-focal-kazakhstan").first()
    projects = {}
    for iso2, city in [("KZ", "Almaty"), ("GE", "Tbilisi"), ("KG", "Bishkek")]:
        project = Project.objects.create(
            name=f"[DEMO] Community monitoring, {city}",
            description="Synthetic demo project.",
            country=countries[iso2],
            organisation=organisations.get(iso2),
            is_demo=True,
        )
        projects[iso2] = project
        form.projects.add(project)
        oat_form = Form.objects.filter(xml_form_id="clm_oat_satisfaction").first()
        if oat_form:
            oat_form.projects.add(project)
    if monitor:
        projects["KZ"].monitors.add(monitor)
    # Phones of the other projects (their tokens are discarded: demo phones never connect).
    phones = {
        p.pk: AppUser.objects.create(
            project=p,
            display_name="[DEMO] Monitor's phone",
            token_prefix="demo",  # noqa: S106 - a label, not a secret
            token_hash=services.token_hash(uuid.uuid4().hex),
            created_by=focal,
        )
        for p in projects.values()
    }
    sites = []
    for code, name, kind, iso2, locality, offered, quality in SITES:
        site = ServiceSite.objects.create(
            code=code,
            name=name,
            kind=kind,
            country=countries[iso2],
            locality=locality,
            operator=organisations.get(iso2),
            services=offered,
            hours="Mon–Fri 9:00–18:00",
            is_demo=True,
        )
        sites.append((site, quality))
    fields = form.current_version.fields
    scores = {item.question: item.choice_scores for item in form.score_items.all()}
    today = timezone.localdate()
    sent = 0
    for site, quality in sites:
        project = projects[site.country.iso2]
        for _n in range(ctx.rng.randint(5, 12) * 2):
            day = today - dt.timedelta(days=ctx.rng.randrange(1, 360))
            answers = _answers(ctx, fields, scores, site.code, quality, day)
            xml = openrosa.build_instance(
                form.xml_form_id,
                form.current_version.version,
                answers,
                f"uuid:{uuid.UUID(int=ctx.rng.getrandbits(128))}",
            )
            if monitor is not None and site.country.iso2 == "KZ":
                services.submission_receive(xml=xml, project=project, user=monitor)
            else:
                services.submission_receive(xml=xml, project=project, app_user=phones[project.pk])
            sent += 1
    # Two submissions the intake could not accept, for the review queue.
    services.submission_receive(
        xml=b"<data id='clm_client_experience'>truncated", project=projects["KZ"], user=monitor
    )
    services.submission_receive(
        xml=openrosa.build_instance("clm_old_questionnaire", "1", {"q": "1"}, "uuid:demo-old"),
        project=projects["GE"],
        app_user=phones[projects["GE"].pk],
    )
    _escalations(sites, form, focal, today)
    _deliveries(sites, today.year - 1)
    ctx.lines.append(
        f"clm: {len(projects)} projects, {len(sites)} sites, {sent} interviews (synthetic)"
    )


def _escalations(
    sites: list[tuple[ServiceSite, float]], form: Form, by: User | None, today: dt.date
) -> None:
    worst = min(sites, key=lambda pair: pair[1])[0]
    oat = next(site for site, _q in sites if site.code == "DEMO-KZ-ALA-OAT1")
    Escalation.objects.create(
        title="[DEMO] Take-home doses refused to most clients",
        description="Synthetic example: clients report that take-home doses are not given.",
        country=oat.country,
        site=oat,
        form=form,
        question="quality/takehome_available",
        dimension="quality",
        score=Decimal("31.0"),
        duty_bearer="[DEMO] Head of the city narcology centre",
        raised_on=today - dt.timedelta(days=40),
        response="[DEMO] The centre promised to review its take-home rules.",
        response_on=today - dt.timedelta(days=12),
        status=Escalation.Status.RESPONDED,
        is_demo=True,
        created_by=by,
    )
    Escalation.objects.create(
        title="[DEMO] Police near the site deter clients",
        country=worst.country,
        site=worst,
        form=form,
        question="accessibility/police_deterred",
        dimension="accessibility",
        score=Decimal("28.0"),
        duty_bearer="[DEMO] District police department",
        status=Escalation.Status.OPEN,
        is_demo=True,
        created_by=by,
    )


def _deliveries(sites: list[tuple[ServiceSite, float]], year: int) -> None:
    for site, quality in sites:
        clients = int(300 + 900 * quality)
        ServiceDelivery.objects.create(
            country=site.country,
            site=site,
            year=year,
            clients_reached=clients,
            syringes=clients * 60 if "syringes" in site.services else None,
            oat_clients=int(clients * 0.4) if "oat" in site.services else None,
            naloxone_kits=clients // 5 if "naloxone" in site.services else None,
            tests=clients // 3 if {"hiv_test", "hcv_test"} & set(site.services) else None,
            cost=Decimal(clients * 95),
            currency="USD",
            source="[DEMO] Synthetic figures for the demo dataset",
            is_demo=True,
        )
