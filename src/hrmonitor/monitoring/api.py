"""Project and process monitoring in the HTTP API (mounted at /api/v1/monitoring): the
workplan, the events the network holds and how many people took part in them.

Public events are open to everyone, like the public calendar. With a token, the Secretariat
sees every event and a focal point also the internal events of their countries; the workplan
needs a token with monitoring rights. Writes go through the same services as the pages, with
the same checks: a focal point records events of their countries only. Participants appear
as aggregate counts only — never names nor the participant list — and the counts by
community membership only for holders of monitoring rights: membership is sensitive and
never public. Labels and messages follow the request's language (`Accept-Language: ru`)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status
from ninja.errors import HttpError
from pydantic import NonNegativeInt

from hrmonitor.core import access
from hrmonitor.core import selectors as core_selectors
from hrmonitor.core.api import BadRequest, ErrorOut, NotFound, api_caller
from hrmonitor.core.api import problem as _error
from hrmonitor.core.models import Country
from hrmonitor.core.roles import Perm
from hrmonitor.framework import selectors as framework_selectors
from hrmonitor.framework.api import ProblemsOut
from hrmonitor.framework.models import Objective
from hrmonitor.monitoring import participants as pure
from hrmonitor.monitoring import selectors, services
from hrmonitor.monitoring.models import Event, WorkplanItem

router = Router(tags=["monitoring"])

MAX_LIMIT = 1000
COUNTRY_HELP = "ISO 3166-1 alpha-2 code of a country of the network, e.g. KG."
DATE_HELP = "A date (YYYY-MM-DD)."


def _token_user(request: HttpRequest) -> Any:
    """The token's user; 401 without a token, as for every write of the API."""
    user = api_caller(request)
    if not user.is_authenticated:
        raise HttpError(401, _("The API token is not valid."))
    return user


def _country(iso2: str) -> Country | None:
    if not iso2:
        return None
    found = core_selectors.country_by_iso2(iso2)
    if found is None:
        raise NotFound(_("Country not found."))
    return found


def _date(value: str) -> dt.date | None:
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise BadRequest(
            _("“%(value)s” is not a date: write it as YYYY-MM-DD.") % {"value": value}
        ) from None


def _choice(value: str, allowed: list[str], message: str) -> str:
    """`value` when empty or one of `allowed`; `message` takes %(value)s and %(codes)s."""
    if value and value not in allowed:
        raise BadRequest(message % {"value": value, "codes": ", ".join(allowed)})
    return value


def _window(offset: int, limit: int) -> slice:
    offset = max(0, offset)
    return slice(offset, offset + max(1, min(limit, MAX_LIMIT)))


# --- Workplan --------------------------------------------------------------------------------


class WorkplanFilters(Schema):
    status: str = Field("", description=f"One status: {', '.join(WorkplanItem.Status.values)}.")
    country: str = Field(
        "", description=f"{COUNTRY_HELP} Regional activities (no country) are included."
    )
    start: str = Field("", description=f"{DATE_HELP} Only activities ending on or after it.")
    end: str = Field("", description=f"{DATE_HELP} Only activities starting on or before it.")
    objective: str = Field("", description="A strategic objective's code, e.g. SO3.")
    limit: int = Field(100, description=f"At most this many activities (1–{MAX_LIMIT}).")
    offset: int = Field(0, description="Skip this many activities (for the next page).")


class WorkplanItemOut(Schema):
    id: int
    title: str
    description: str
    activity: str = Field(description="Code of the framework activity, e.g. SO3.A1.")
    objective: str = Field(description="Code of the activity's strategic objective, e.g. SO3.")
    start_date: dt.date
    end_date: dt.date
    countries: list[str] = Field(
        description="ISO 3166-1 alpha-2 codes of its countries; empty for a regional activity."
    )
    responsible: str | None = Field(description="Username of the responsible person, if any.")
    budget_amount: Decimal | None = Field(description="The budget, in `budget_currency`.")
    budget_currency: str = Field(description="ISO 4217 code of the budget's currency.")
    grant_reference: str = Field(description="Reference of the grant that funds it, if any.")
    status: str = Field(description=f"One of {', '.join(WorkplanItem.Status.values)}.")
    status_label: str = Field(description="The status in the request's language.")
    status_note: str = Field(description="Why it has its status (a postponement, say).")


class WorkplanPage(Schema):
    count: int = Field(description="Number of activities matching the filters, on all pages.")
    items: list[WorkplanItemOut]


def _workplan_reader(request: HttpRequest) -> Any:
    """The workplan is the network's internal plan: staff and focal points only."""
    user = _token_user(request)
    if not (
        access.has_perm(user, Perm.MONITORING_PLAN, anywhere=True)
        or access.has_perm(user, Perm.MONITORING_EDIT, anywhere=True)
    ):
        raise HttpError(403, _("You may not see the workplan."))
    return user


def _workplan_item_out(item: WorkplanItem) -> WorkplanItemOut:
    return WorkplanItemOut(
        id=item.pk,
        title=item.title,
        description=item.description,
        activity=item.activity.code,
        objective=item.activity.objective.code,
        start_date=item.start_date,
        end_date=item.end_date,
        countries=sorted(c.iso2 for c in item.countries.all()),
        responsible=item.responsible.get_username() if item.responsible else None,
        budget_amount=item.budget_amount,
        budget_currency=item.budget_currency,
        grant_reference=item.grant_reference,
        status=item.status,
        status_label=item.get_status_display(),
        status_note=item.status_note,
    )


def _objective_code(code: str) -> str:
    if code and not framework_selectors.objectives_list().filter(code=code).exists():
        raise NotFound(_("Objective not found."))
    return code


@router.get(
    "/workplan",
    response={200: WorkplanPage, 400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut},
    summary="The workplan: planned activities (token with monitoring rights)",
)
def workplan(request: HttpRequest, filters: Query[WorkplanFilters]) -> Status[Any]:
    """Ordered by objective, framework activity and start date."""
    _workplan_reader(request)
    try:
        rows = selectors.workplan_filtered(
            status=_choice(
                filters.status,
                WorkplanItem.Status.values,
                _("“%(value)s” is not a status; use one of %(codes)s."),
            ),
            country=_country(filters.country),
            start=_date(filters.start),
            end=_date(filters.end),
            objective_code=_objective_code(filters.objective),
        )
    except (NotFound, BadRequest) as error:
        return _error(error)
    page = rows[_window(filters.offset, filters.limit)]
    return Status(
        200, WorkplanPage(count=rows.count(), items=[_workplan_item_out(i) for i in page])
    )


@router.get(
    "/workplan/{item_id}",
    response={200: WorkplanItemOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut},
    summary="One planned activity (token with monitoring rights)",
)
def workplan_item(request: HttpRequest, item_id: int) -> Status[Any]:
    _workplan_reader(request)
    found = selectors.workplan_item_by_pk(item_id)
    if found is None:
        return Status(404, {"detail": _("Workplan activity not found.")})
    return Status(200, _workplan_item_out(found))


# --- Events ----------------------------------------------------------------------------------


class EventFilters(Schema):
    kind: str = Field("", description=f"One type of event: {', '.join(Event.Kind.values)}.")
    country: str = Field("", description=COUNTRY_HELP)
    start: str = Field("", description=f"{DATE_HELP} Only events ending on or after it.")
    end: str = Field("", description=f"{DATE_HELP} Only events starting on or before it.")
    q: str = Field("", description="Words to look for in the title, place or description.")
    limit: int = Field(100, description=f"At most this many events (1–{MAX_LIMIT}).")
    offset: int = Field(0, description="Skip this many events (for the next page).")


class ParticipantsOut(Schema):
    source: str = Field(
        description="Where the counts come from: `list` (derived from a participant list), "
        "`counts` (entered by category) or `none` (nothing recorded yet)."
    )
    total: int | None = Field(description="Number of participants; null when not known.")
    women: int | None = Field(description="Women; null when not entered.")
    men: int | None = Field(description="Men; null when not entered.")
    people_who_use_drugs: int | None = Field(
        description="Self-identified people who use drugs; null when not entered, and for "
        "callers without monitoring rights (community membership is never public)."
    )
    women_who_use_drugs: int | None = Field(
        description="Of whom women; null when not entered, and for callers without "
        "monitoring rights."
    )
    by_role: dict[str, int] = Field(
        description=f"Participants per role ({', '.join(pure.ROLES)}); a role left out is "
        "not known."
    )
    by_country: dict[str, int] = Field(
        description="Participants per country (ISO 3166-1 alpha-2 code); a country left "
        "out is not known."
    )


class EventOut(Schema):
    id: int
    kind: str = Field(description=f"Type of event: {', '.join(Event.Kind.values)}.")
    kind_label: str = Field(description="The type in the request's language.")
    title: str
    start_date: dt.date
    end_date: dt.date
    is_online: bool
    place: str = Field(description="City and venue, or the platform.")
    countries: list[str] = Field(
        description="ISO 3166-1 alpha-2 codes of its countries; empty for a regional event."
    )
    objectives: list[str] = Field(description="Codes of the strategic objectives it serves.")
    workplan_item_id: int | None = Field(description="The workplan activity it carries out.")
    description: str
    outputs: str = Field(description="What the event produced: agreements, plans…")
    is_public: bool = Field(description="Shown in the public calendar.")
    participants: ParticipantsOut = Field(description="Who took part, as aggregate counts.")


class EventPage(Schema):
    count: int = Field(description="Number of events matching the filters, on all pages.")
    items: list[EventOut]


class EventIn(Schema):
    kind: str = Field(description=f"Type of event: {', '.join(Event.Kind.values)}.")
    title: str
    start_date: dt.date
    end_date: dt.date = Field(description="The last day; the same as the start for one day.")
    countries: list[str] = Field(
        [],
        description="ISO 3166-1 alpha-2 codes. A focal point records events of their "
        "countries; a regional event (none) is the Secretariat's.",
    )
    is_online: bool = False
    place: str = Field("", description="City and venue, or the platform.")
    workplan_item_id: int | None = Field(
        None,
        description="The workplan activity it carries out; its objective is added to `objectives`.",
    )
    objectives: list[str] = Field([], description="Codes of strategic objectives, e.g. SO3.")
    description: str = ""
    outputs: str = Field("", description="What the event produced: agreements, plans…")
    is_public: bool = Field(True, description="Shown in the public calendar.")


class CountsIn(Schema):
    total: NonNegativeInt | None = Field(description="Number of participants.")
    counts: dict[str, dict[str, NonNegativeInt]] = Field(
        {},
        description="Counts per dimension and category, e.g. "
        '{"gender": {"woman": 12, "man": 8}, "community": {"pwud": 15, "wwud": 7}, '
        '"role": {"government": 3}, "country": {"KG": 20}}. Categories — gender: '
        f"{', '.join(pure.GENDERS)}; community: {', '.join(pure.COMMUNITY)} (women who use "
        f"drugs); role: {', '.join(pure.ROLES)}; country: ISO codes. A category left out is "
        "not known. They replace every count entered before.",
    )


def _event_scope(user: Any) -> access.Scope:
    """Where the caller records events: there they also see the internal ones."""
    return access.scope_for(user, Perm.MONITORING_EDIT)


def _participants_out(summary: pure.Summary, *, community: bool) -> ParticipantsOut:
    return ParticipantsOut(
        source=summary.source,
        total=summary.total,
        women=summary.women,
        men=summary.gender.get("man"),
        people_who_use_drugs=summary.people_who_use_drugs if community else None,
        women_who_use_drugs=summary.women_who_use_drugs if community else None,
        by_role=dict(summary.role),
        by_country=dict(summary.country),
    )


def _event_out(event: Event, summary: pure.Summary, *, community: bool) -> EventOut:
    return EventOut(
        id=event.pk,
        kind=event.kind,
        kind_label=event.get_kind_display(),
        title=event.title,
        start_date=event.start_date,
        end_date=event.end_date,
        is_online=event.is_online,
        place=event.place,
        countries=sorted(c.iso2 for c in event.countries.all()),
        objectives=sorted(o.code for o in event.objectives.all()),
        workplan_item_id=event.workplan_item_id,
        description=event.description,
        outputs=event.outputs,
        is_public=event.is_public,
        participants=_participants_out(summary, community=community),
    )


def _one_event_out(event: Event, scope: access.Scope) -> EventOut:
    summary = selectors.participant_summaries([event])[event.pk]
    return _event_out(event, summary, community=scope.anywhere)


def _event_for(event_id: int, user: Any) -> Event | None:
    """The event if the caller may see it: no difference between internal and missing."""
    found = selectors.event_by_pk(event_id)
    return found if found is not None and access.event_visible(user, found) else None


@router.get(
    "/events",
    response={200: EventPage, 400: ErrorOut, 401: ErrorOut, 404: ErrorOut},
    summary="Events with their participant counts: public ones, or with a token all you may see",
)
def events(request: HttpRequest, filters: Query[EventFilters]) -> Status[Any]:
    """Latest first. Without a token, public events only."""
    user = api_caller(request)
    scope = _event_scope(user)
    try:
        rows = selectors.events_filtered(
            kind=_choice(
                filters.kind,
                Event.Kind.values,
                _("“%(value)s” is not a type of event; use one of %(codes)s."),
            ),
            country=_country(filters.country),
            start=_date(filters.start),
            end=_date(filters.end),
            query=filters.q.strip(),
            visible_to=user,
        )
    except (NotFound, BadRequest) as error:
        return _error(error)
    page = list(rows[_window(filters.offset, filters.limit)])
    summaries = selectors.participant_summaries(page)
    return Status(
        200,
        EventPage(
            count=rows.count(),
            items=[_event_out(e, summaries[e.pk], community=scope.anywhere) for e in page],
        ),
    )


@router.get(
    "/events/{event_id}",
    response={200: EventOut, 401: ErrorOut, 404: ErrorOut},
    summary="One event with its participant counts",
)
def event(request: HttpRequest, event_id: int) -> Status[Any]:
    user = api_caller(request)
    scope = _event_scope(user)
    found = _event_for(event_id, user)
    if found is None:
        return Status(404, {"detail": _("Event not found.")})
    return Status(200, _one_event_out(found, scope))


def _countries(codes: list[str]) -> list[Country]:
    by_iso2 = {c.iso2: c for c in core_selectors.countries_list()}
    found = []
    for code in dict.fromkeys(code.strip().upper() for code in codes):
        if code not in by_iso2:
            raise NotFound(_("Country not found."))
        found.append(by_iso2[code])
    return found


def _objectives(codes: list[str]) -> list[Objective]:
    by_code = {o.code: o for o in framework_selectors.objectives_list()}
    found = []
    for code in dict.fromkeys(code.strip().upper() for code in codes):
        if code not in by_code:
            raise NotFound(_("Objective not found."))
        found.append(by_code[code])
    return found


def _workplan_item(item_id: int | None) -> WorkplanItem | None:
    if item_id is None:
        return None
    found = selectors.workplan_item_by_pk(item_id)
    if found is None:
        raise NotFound(_("Workplan activity not found."))
    return found


def _problems(error: ValidationError) -> Status[Any]:
    return Status(400, {"detail": " ".join(error.messages), "problems": error.messages})


@router.post(
    "/events",
    response={201: EventOut, 400: ProblemsOut, 401: ErrorOut, 403: ErrorOut},
    summary="Record an event (the same checks as the event form)",
)
def event_create(request: HttpRequest, payload: EventIn) -> Status[Any]:
    """A focal point records events of their countries; the Secretariat any event. A country,
    objective or workplan activity that does not exist is answered 400."""
    user = _token_user(request)
    try:
        countries = _countries(payload.countries)
        objectives = _objectives(payload.objectives)
        workplan_item = _workplan_item(payload.workplan_item_id)
    except NotFound as error:
        return Status(400, {"detail": error.detail, "problems": [error.detail]})
    try:
        created = services.event_save(
            user=user,
            kind=payload.kind,
            title=payload.title,
            start_date=payload.start_date,
            end_date=payload.end_date,
            countries=countries,
            is_online=payload.is_online,
            place=payload.place,
            workplan_item=workplan_item,
            objectives=objectives,
            description=payload.description,
            outputs=payload.outputs,
            is_public=payload.is_public,
        )
    except PermissionDenied:
        return Status(403, {"detail": _("You may not record events for these countries.")})
    except ValidationError as error:
        return _problems(error)
    return Status(201, _one_event_out(created, _event_scope(user)))


@router.put(
    "/events/{event_id}/participants",
    response={200: EventOut, 400: ProblemsOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut},
    summary="Replace the entered participant counts of an event",
)
def event_participants(request: HttpRequest, event_id: int, payload: CountsIn) -> Status[Any]:
    """For events without a participant list (with one, the counts are derived from it and
    this is refused). Counts that cannot all be true — more women than participants, more
    women who use drugs than people who use drugs… — are refused naming the rule broken, and
    nothing changes."""
    user = _token_user(request)
    scope = _event_scope(user)
    found = _event_for(event_id, user)
    if found is None:
        return Status(404, {"detail": _("Event not found.")})
    counts = {
        (dimension, category.upper() if dimension == "country" else category): count
        for dimension, categories in payload.counts.items()
        for category, count in categories.items()
    }
    try:
        services.event_counts_set(user=user, event=found, total=payload.total, counts=counts)
    except PermissionDenied:
        return Status(403, {"detail": _("You may not record events for these countries.")})
    except ValidationError as error:
        return _problems(error)
    return Status(200, _one_event_out(found, scope))
