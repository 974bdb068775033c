"""Writes of project and process monitoring: the workplan, events with their participants,
documents, feedback and reflections. Each checks the user's permission for the countries the
record concerns (the Secretariat plans; focal points record events of their countries)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.translation import gettext as _

from hrmonitor.core import access, tabular
from hrmonitor.core import selectors as core_selectors
from hrmonitor.core.models import Country, Organisation, User
from hrmonitor.core.roles import Perm
from hrmonitor.core.services import LoadReport, read_yaml, record_sync, translated
from hrmonitor.framework.models import Activity, Indicator, Objective
from hrmonitor.monitoring import participants as pure
from hrmonitor.monitoring.models import (
    Event,
    EventDocument,
    FeedbackResponse,
    Participant,
    ParticipantCount,
    Reflection,
    WorkplanItem,
)

PARTICIPANT_LIST_MAX_ROWS = 5_000


def _require_in(user: User, permission: str, countries: Iterable[Country]) -> None:
    """Regional records (no country) need the permission everywhere; otherwise in each of
    the record's countries."""
    countries = list(countries)
    if not countries:
        access.require_perm(user, permission)
        return
    for country in countries:
        access.require_perm(user, permission, country.pk)


def _dates(start: dt.date, end: dt.date) -> None:
    if end < start:
        raise ValidationError({"end_date": _("The end cannot be before the start.")})


# --- Workplan --------------------------------------------------------------------------------


@transaction.atomic
def workplan_item_save(
    *,
    user: User,
    activity: Activity,
    title: str,
    start_date: dt.date,
    end_date: dt.date,
    countries: Iterable[Country] = (),
    responsible: User | None = None,
    description: str = "",
    budget_amount: Decimal | None = None,
    budget_currency: str = "USD",
    grant_reference: str = "",
    item: WorkplanItem | None = None,
) -> WorkplanItem:
    """Plan an activity (or change a planned one). The workplan is the Secretariat's."""
    access.require_perm(user, Perm.MONITORING_PLAN)
    _dates(start_date, end_date)
    item = item or WorkplanItem(created_by=user)
    item.activity = activity
    item.title = title.strip()
    item.description = description.strip()
    item.start_date, item.end_date = start_date, end_date
    item.responsible = responsible
    item.budget_amount = budget_amount
    item.budget_currency = (budget_currency or "USD").strip().upper()
    item.grant_reference = grant_reference.strip()
    item.full_clean()
    item.save()
    item.countries.set(list(countries))
    return item


@transaction.atomic
def workplan_item_set_status(
    *, user: User, item: WorkplanItem, status: str, note: str = ""
) -> WorkplanItem:
    """Move a planned activity to another status; postponing or cancelling needs a reason.
    The history keeps every status with who set it and when."""
    access.require_perm(user, Perm.MONITORING_PLAN)
    if status not in WorkplanItem.Status.values:
        raise ValidationError({"status": _("Unknown status.")})
    needs_reason = {WorkplanItem.Status.POSTPONED, WorkplanItem.Status.CANCELLED}
    if status in needs_reason and not note.strip():
        raise ValidationError({"status_note": _("Say why the activity is postponed or cancelled.")})
    item.status = status
    item.status_note = note.strip()
    item._change_reason = note.strip()  # type: ignore[attr-defined]  # kept in the history
    item.save(update_fields=["status", "status_note"])
    return item


# --- Events ----------------------------------------------------------------------------------


@transaction.atomic
def event_save(
    *,
    user: User,
    kind: str,
    title: str,
    start_date: dt.date,
    end_date: dt.date,
    countries: Iterable[Country] = (),
    is_online: bool = False,
    place: str = "",
    organisers: Iterable[Organisation] = (),
    workplan_item: WorkplanItem | None = None,
    objectives: Iterable[Objective] = (),
    description: str = "",
    outputs: str = "",
    is_public: bool = True,
    event: Event | None = None,
) -> Event:
    """Record an event (or change one). Focal points record events of their countries; an
    event linked to a workplan activity counts under that activity's objective too."""
    countries = list(countries)
    _require_in(user, Perm.MONITORING_EDIT, countries)
    if event is not None:
        _require_in(user, Perm.MONITORING_EDIT, event.countries.all())
    _dates(start_date, end_date)
    event = event or Event(created_by=user)
    event.kind = kind
    event.title = title.strip()
    event.start_date, event.end_date = start_date, end_date
    event.is_online = is_online
    event.place = place.strip()
    event.workplan_item = workplan_item
    event.description = description.strip()
    event.outputs = outputs.strip()
    event.is_public = is_public
    event.full_clean()
    event.save()
    event.countries.set(countries)
    event.organisers.set(list(organisers))
    objective_list = list(objectives)
    if workplan_item is not None and workplan_item.activity.objective not in objective_list:
        objective_list.append(workplan_item.activity.objective)
    event.objectives.set(objective_list)
    return event


def require_event_edit(user: User, event: Event) -> None:
    """The user may change `event` (its countries are all in their scope)."""
    _require_in(user, Perm.MONITORING_EDIT, event.countries.all())


def _count_problem_message(problem: pure.CountProblem) -> str:
    dimension = dict(
        gender=_("gender"),
        community=_("community membership"),
        role=_("role"),
        country=_("country"),
    ).get(problem.dimension, problem.dimension)
    messages = {
        "no_total": _("Give the total number of participants first."),
        "over_total": _("The counts by %(dimension)s add up to more than the total."),
        "wwud_over_women": _("There cannot be more women who use drugs than women."),
        "wwud_over_pwud": _("There cannot be more women who use drugs than people who use drugs."),
        "unknown_category": _("“%(category)s” is not a category of %(dimension)s."),
    }
    return messages[problem.code] % {"dimension": dimension, "category": problem.category}


@transaction.atomic
def event_counts_set(
    *, user: User, event: Event, total: int | None, counts: Mapping[tuple[str, str], int]
) -> Event:
    """Replace the entered participant counts of an event (used while it has no participant
    list). Counts that cannot all be true are refused, naming the rule broken."""
    require_event_edit(user, event)
    if event.participants.exists():
        raise ValidationError(
            _("This event has a participant list: its counts are derived from the list.")
        )
    countries = [c.iso2 for c in Country.objects.all()]
    problems = pure.check_counts(total, counts, countries=countries)
    if problems:
        raise ValidationError([_count_problem_message(p) for p in problems])
    event.participants_total = total
    event.save(update_fields=["participants_total"])
    event.counts.all().delete()
    ParticipantCount.objects.bulk_create(
        ParticipantCount(event=event, dimension=dimension, category=category, count=count)
        for (dimension, category), count in counts.items()
    )
    return event


@transaction.atomic
def participant_add(
    *,
    user: User,
    event: Event,
    name: str = "",
    organisation: str = "",
    country: Country | None = None,
    gender: str = Participant.Gender.NOT_STATED,
    role: str = Participant.Role.OTHER,
    uses_drugs: bool | None = None,
    consent_to_be_listed: bool = False,
) -> Participant:
    """Add one person to the participant list (the counts are then derived from it)."""
    require_event_edit(user, event)
    person = Participant(
        event=event,
        name=name.strip(),
        organisation=organisation.strip(),
        country=country,
        gender=gender,
        role=role,
        uses_drugs=uses_drugs,
        consent_to_be_listed=consent_to_be_listed,
    )
    person.full_clean()
    person.save()
    return person


# --- Registration list import ----------------------------------------------------------------

LIST_COLUMNS: dict[str, set[str]] = {
    "name": {"name", "full name", "participant", "имя", "фио", "участник"},
    "organisation": {"organisation", "organization", "организация"},
    "country": {"country", "страна"},
    "gender": {"gender", "sex", "пол", "гендер"},
    "role": {"role", "роль"},
    "uses_drugs": {
        "uses drugs",
        "person who uses drugs",
        "community member",
        "pwud",
        "лун",
        "употребляет наркотики",
        "член сообщества",
    },
    "consent": {"consent", "consent to be listed", "согласие", "согласие на упоминание"},
}
YES = {"yes", "y", "1", "true", "да", "д", "x", "✓"}
NO = {"no", "n", "0", "false", "нет", "н"}


@dataclass(frozen=True)
class ListProblem:
    line: int
    column: str
    message: str


@dataclass(frozen=True)
class ListOutcome:
    imported: int
    problems: list[ListProblem]


# What registration lists write for gender besides the choices' codes and labels.
GENDER_ALIASES = {
    "female": "woman",
    "f": "woman",
    "ж": "woman",
    "женщина": "woman",
    "жен": "woman",
    "male": "man",
    "m": "man",
    "м": "man",
    "мужчина": "man",
    "муж": "man",
}


def _choice(value: str, keys: dict[str, str], default: str) -> str | None:
    """A choice from `tabular.choice_keys` (code or label, English or Russian), the default
    for an empty cell, None when the cell names no choice."""
    text = tabular.name_key(value)
    return keys.get(text) if text else default


def _yes_no(value: str) -> bool | None | str:
    text = value.strip().casefold()
    if not text:
        return None
    if text in YES:
        return True
    if text in NO:
        return False
    return "?"


@transaction.atomic
def participants_import(
    *, user: User, event: Event, path: Path, filename: str, replace: bool = True
) -> ListOutcome:
    """Import a registration list (CSV or XLSX): every row or none. Each problem names its
    row and column. With `replace`, the list replaces the event's current one."""
    require_event_edit(user, event)
    table = tabular.read_table(
        path, filename, columns=LIST_COLUMNS, required=(), max_rows=PARTICIPANT_LIST_MAX_ROWS
    )
    countries = core_selectors.countries_by_any_name()
    genders = {**GENDER_ALIASES, **tabular.choice_keys(Participant.Gender)}
    roles = tabular.choice_keys(Participant.Role)
    people: list[Participant] = []
    problems: list[ListProblem] = []

    def problem(line: int, column: str, message: str) -> None:
        problems.append(ListProblem(line, table.headings.get(column, column), message))

    for row in table.rows:
        values = row.values
        gender = _choice(values.get("gender", ""), genders, "not_stated")
        if gender is None:
            problem(row.line, "gender", _("Write woman, man, another gender, or leave it empty."))
        role = _choice(values.get("role", ""), roles, "other")
        if role is None:
            problem(row.line, "role", _("“%(value)s” is not a role.") % {"value": values["role"]})
        country = None
        if values.get("country", "").strip():
            country = countries.get(tabular.name_key(values["country"]))
            if country is None:
                problem(
                    row.line,
                    "country",
                    _("Unknown country “%(value)s”.") % {"value": values["country"]},
                )
        uses_drugs = _yes_no(values.get("uses_drugs", ""))
        if uses_drugs == "?":
            problem(row.line, "uses_drugs", _("Write yes or no, or leave it empty."))
        consent = _yes_no(values.get("consent", ""))
        if consent == "?":
            problem(row.line, "consent", _("Write yes or no, or leave it empty."))
        people.append(
            Participant(
                event=event,
                name=values.get("name", "").strip()[:200],
                organisation=values.get("organisation", "").strip()[:300],
                country=country,
                gender=gender or "not_stated",
                role=role or "other",
                uses_drugs=uses_drugs if isinstance(uses_drugs, bool) else None,
                consent_to_be_listed=consent is True,
            )
        )
    if problems:
        return ListOutcome(0, problems)
    if replace:
        event.participants.all().delete()
    Participant.objects.bulk_create(people)
    # The list replaces entered counts: they would contradict it.
    event.counts.all().delete()
    event.participants_total = None
    event.save(update_fields=["participants_total"])
    return ListOutcome(len(people), [])


# --- Documents, feedback, reflections --------------------------------------------------------


@transaction.atomic
def event_document_add(
    *, user: User, event: Event, kind: str, title: str, file: UploadedFile, is_public: bool
) -> EventDocument:
    require_event_edit(user, event)
    document = EventDocument(
        event=event,
        kind=kind,
        title=title.strip(),
        file=file,
        is_public=is_public,
        uploaded_by=user,
    )
    document.full_clean()
    document.save()
    return document


@transaction.atomic
def feedback_submit(*, event: Event, answers: Mapping[str, Any], language: str) -> FeedbackResponse:
    """Keep one participant's answers (no account: the link's key found the event)."""
    if not event.feedback_open:
        raise PermissionDenied(_("The feedback form of this event is closed."))
    return FeedbackResponse.objects.create(event=event, answers=dict(answers), language=language)


@transaction.atomic
def reflection_add(
    *,
    user: User,
    event: Event,
    expert_name: str,
    text: str,
    document: EventDocument | None = None,
) -> Reflection:
    """Attach an expert's reflection to an event or to one of its documents."""
    access.require_perm(user, Perm.MONITORING_PLAN)
    if document is not None and document.event_id != event.pk:
        raise ValidationError({"document": _("The document belongs to another event.")})
    reflection = Reflection(
        event=event,
        document=document,
        expert_name=expert_name.strip(),
        text=text.strip(),
        entered_by=user,
    )
    reflection.full_clean()
    reflection.save()
    return reflection


# --- Output indicators (reference data) -------------------------------------------------------

OUTPUT_INDICATORS_FILE = Path(__file__).resolve().parent / "data" / "output-indicators.yaml"


@transaction.atomic
def output_indicators_load(
    *, path: Path = OUTPUT_INDICATORS_FILE, report: LoadReport | None = None
) -> LoadReport:
    """Add the output indicators computed from events to the results framework, under the
    strategy's activities (idempotent: matched by code)."""
    report = report or LoadReport()
    for order, item in enumerate(read_yaml(path)["indicators"], start=1):
        activity = (
            Activity.objects.select_related("objective").filter(code=item["activity"]).first()
        )
        if activity is None:
            raise ValidationError(
                _("Indicator %(indicator)s refers to an unknown activity %(activity)s.")
                % {"indicator": item["code"], "activity": item["activity"]}
            )
        record_sync(
            Indicator,
            lookup={"code": item["code"]},
            values={
                "objective": activity.objective,
                "activity": activity,
                "order": item.get("order", 100 + order),
                # Counts by default; a file may say otherwise (a score, a rate).
                "unit": item.get("unit", Indicator.Unit.NUMBER),
                "level": Indicator.Level.COUNTRY,
                "space_aggregation": item.get("space_aggregation", Indicator.SpaceAggregation.SUM),
                "time_aggregation": item.get("time_aggregation", Indicator.TimeAggregation.SUM),
                "frequency": Indicator.Frequency.QUARTERLY,
                "source_kind": Indicator.SourceKind.FUNCTION,
                "source_function": item["source_function"],
                "source_params": item.get("source_params", {}),
                "is_public": True,
                **translated(item, "name"),
                **translated(item, "definition"),
            },
            report=report,
        )
    return report
