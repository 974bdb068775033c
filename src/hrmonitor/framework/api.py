from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Router, Schema, Status
from ninja.errors import HttpError

from hrmonitor.core import access
from hrmonitor.core import selectors as core_selectors
from hrmonitor.core.api import ErrorOut, api_caller
from hrmonitor.core.models import Country
from hrmonitor.framework import selectors
from hrmonitor.framework import values as values_service
from hrmonitor.framework.models import DataValue, Indicator, Objective

router = Router(tags=["framework"])


class ActivityOut(Schema):
    code: str
    order: int
    text: str
    text_en: str
    text_ru: str


class IndicatorOut(Schema):
    code: str
    objective: str
    activity: str | None
    order: int
    name: str
    name_en: str
    name_ru: str
    definition: str
    means_of_verification: str
    unit: str
    currency: str
    direction: str
    level: str
    frequency: str
    space_aggregation: str
    time_aggregation: str
    condition: str
    source_kind: str
    formula: str
    is_key: bool
    disaggregations: list[str]


class ObjectiveOut(Schema):
    code: str
    order: int
    title: str
    title_en: str
    title_ru: str
    summary: str


class ObjectiveDetailOut(ObjectiveOut):
    activities: list[ActivityOut]
    indicators: list[IndicatorOut]


def _indicator_out(indicator: Indicator, objective_code: str | None = None) -> IndicatorOut:
    return IndicatorOut(
        code=indicator.code,
        objective=objective_code or indicator.objective.code,
        activity=indicator.activity.code if indicator.activity else None,
        order=indicator.order,
        name=indicator.name,
        name_en=indicator.name_en,  # type: ignore[attr-defined]
        name_ru=indicator.name_ru,  # type: ignore[attr-defined]
        definition=indicator.definition,
        means_of_verification=indicator.means_of_verification,
        unit=indicator.unit,
        currency=indicator.currency,
        direction=indicator.direction,
        level=indicator.level,
        frequency=indicator.frequency,
        space_aggregation=indicator.space_aggregation,
        time_aggregation=indicator.time_aggregation,
        condition=(
            f"{indicator.condition_operator} {indicator.condition_value.normalize()}"
            if indicator.condition_operator and indicator.condition_value is not None
            else ""
        ),
        source_kind=indicator.source_kind,
        formula=indicator.formula,
        is_key=indicator.is_key,
        disaggregations=[d.code for d in indicator.disaggregations.all()],
    )


def _objective_fields(objective: Objective) -> dict[str, Any]:
    return {
        "code": objective.code,
        "order": objective.order,
        "title": objective.title,
        "title_en": objective.title_en,  # type: ignore[attr-defined]
        "title_ru": objective.title_ru,  # type: ignore[attr-defined]
        "summary": objective.summary,
    }


@router.get("/objectives", response=list[ObjectiveOut], summary="Strategic objectives")
def objectives(request: HttpRequest) -> list[ObjectiveOut]:
    return [ObjectiveOut(**_objective_fields(o)) for o in selectors.objectives_list()]


@router.get(
    "/objectives/{code}",
    response={200: ObjectiveDetailOut, 404: ErrorOut},
    summary="One objective with its activities and indicators",
)
def objective(request: HttpRequest, code: str) -> Status[Any]:
    found = selectors.objective_by_code(code)
    if found is None:
        return Status(404, {"detail": _("Objective not found.")})
    return Status(
        200,
        ObjectiveDetailOut(
            **_objective_fields(found),
            activities=[
                ActivityOut(
                    code=a.code,
                    order=a.order,
                    text=a.text,
                    text_en=a.text_en,  # type: ignore[attr-defined]
                    text_ru=a.text_ru,  # type: ignore[attr-defined]
                )
                for a in found.activities.all()
            ],
            indicators=[_indicator_out(i, found.code) for i in found.indicators.all()],
        ),
    )


@router.get("/indicators", response=list[IndicatorOut], summary="Indicators of the framework")
def indicators(request: HttpRequest, q: str = "") -> list[IndicatorOut]:
    return [_indicator_out(i) for i in selectors.indicators_search(q)]


@router.get(
    "/indicators/{code}",
    response={200: IndicatorOut, 404: ErrorOut},
    summary="One indicator by its code, e.g. SO1.I2",
)
def indicator(request: HttpRequest, code: str) -> Status[Any]:
    found = selectors.indicator_by_code(code)
    if found is None:
        return Status(404, {"detail": _("Indicator not found.")})
    return Status(200, _indicator_out(found))


# --- Values and targets ----------------------------------------------------------------------


class ValueOut(Schema):
    id: int
    indicator: str
    country: str | None
    period: str
    disaggregation: str
    value: Decimal | None
    status: str
    comment: str


class ValuePage(Schema):
    count: int
    items: list[ValueOut]


class ValueIn(Schema):
    indicator: str
    country: str | None = None
    period: str
    disaggregation: str = ""
    value: str | None
    comment: str | None = None


class SubmitIn(Schema):
    country: str | None = None
    period: str


class SubmitOut(Schema):
    submitted: int


class ProblemsOut(Schema):
    detail: str
    problems: list[str] = []


class TargetOut(Schema):
    indicator: str
    country: str | None
    period: str
    kind: str
    value: Decimal


def _value_out(value: DataValue) -> ValueOut:
    return ValueOut(
        id=value.pk,
        indicator=value.indicator.code,
        country=value.country.iso2 if value.country else None,
        period=value.period,
        disaggregation=value.disaggregation,
        value=value.value,
        status=value.status,
        comment=value.comment,
    )


@router.get(
    "/values",
    response={200: ValuePage, 401: ErrorOut},
    summary="Data values: approved public values, or with a token everything you may see",
)
def values_list(
    request: HttpRequest,
    indicator: str = "",
    country: str = "",
    period: str = "",
    status: str = "",
    limit: int = 500,
    offset: int = 0,
) -> ValuePage:
    rows = access.data_values_visible_to(api_caller(request))
    if indicator:
        rows = rows.filter(indicator__code=indicator)
    if country:
        rows = rows.filter(country__iso2=country.upper())
    if period:
        rows = rows.filter(period=period)
    if status:
        rows = rows.filter(status=status)
    limit = max(1, min(limit, 5000))
    page = rows.order_by("pk")[offset : offset + limit]
    return ValuePage(count=rows.count(), items=[_value_out(v) for v in page])


def _country_or_none(iso2: str | None) -> Country | None:
    if not iso2 or iso2.lower() == "region":
        return None
    found = core_selectors.country_by_iso2(iso2)
    if found is None:
        raise HttpError(400, _("Country not found."))
    return found


@router.post(
    "/values",
    response={201: ValueOut, 400: ProblemsOut, 401: ErrorOut, 403: ErrorOut},
    summary="Save a draft value (the same checks as the data-entry grid)",
)
def values_save(request: HttpRequest, payload: ValueIn) -> Status[Any]:
    user = api_caller(request)
    if not user.is_authenticated:
        raise HttpError(401, _("The API token is not valid."))
    found = selectors.indicator_by_code(payload.indicator)
    if found is None:
        return Status(400, {"detail": _("Indicator not found."), "problems": []})
    try:
        value = values_service.data_value_save(
            user=user,
            indicator=found,
            country=_country_or_none(payload.country),
            period=payload.period,
            value=payload.value,
            disaggregation=payload.disaggregation,
            comment=payload.comment,
        )
    except PermissionDenied:
        return Status(403, {"detail": _("You may not enter data for this country.")})
    except ValidationError as error:
        return Status(400, {"detail": " ".join(error.messages), "problems": error.messages})
    return Status(201, _value_out(value))


@router.post(
    "/values/submit",
    response={200: SubmitOut, 400: ProblemsOut, 401: ErrorOut, 403: ErrorOut},
    summary="Submit every draft of one country and period for approval (all or none)",
)
def values_submit(request: HttpRequest, payload: SubmitIn) -> Status[Any]:
    user = api_caller(request)
    if not user.is_authenticated:
        raise HttpError(401, _("The API token is not valid."))
    drafts = list(
        access.data_values_visible_to(user).filter(
            country=_country_or_none(payload.country),
            period=payload.period,
            status__in=[DataValue.Status.DRAFT, DataValue.Status.RETURNED],
        )
    )
    try:
        count = values_service.data_values_submit(user=user, values=drafts)
    except PermissionDenied:
        return Status(403, {"detail": _("You may not enter data for this country.")})
    except ValidationError as error:
        return Status(400, {"detail": _("Nothing was submitted."), "problems": error.messages})
    return Status(200, {"submitted": count})


@router.get("/targets", response=list[TargetOut], summary="Baselines and targets")
def targets_list(request: HttpRequest, indicator: str = "") -> list[TargetOut]:
    rows = selectors.targets_list(indicator)
    return [
        TargetOut(
            indicator=t.indicator.code,
            country=t.country.iso2 if t.country else None,
            period=t.period,
            kind=t.kind,
            value=t.value,
        )
        for t in rows
    ]
