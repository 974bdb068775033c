from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Router, Schema, Status

from hrmonitor.core.api import ErrorOut
from hrmonitor.framework import selectors
from hrmonitor.framework.models import Indicator, Objective

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
