"""Showing indicator values as people read them: units, decimals, yes/no, status badges."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import template
from django.contrib.humanize.templatetags.humanize import intcomma
from django.template.defaultfilters import floatformat
from django.utils.translation import gettext as _

from hrmonitor.framework.models import Indicator
from hrmonitor.framework.periods import PeriodError, PeriodType, parse_period
from hrmonitor.framework.progress import Status

register = template.Library()

STATUS_LABELS = {
    Status.ACHIEVED: ("success", "Achieved"),
    Status.ON_TRACK: ("success", "On track"),
    Status.AT_RISK: ("warning", "At risk"),
    Status.OFF_TRACK: ("danger", "Off track"),
    Status.NO_TARGET: ("secondary", "No target"),
    Status.NO_DATA: ("secondary", "No data"),
    Status.NO_BASELINE: ("secondary", "No baseline"),
}


def status_label(status: Status | str | None) -> str:
    labels = {
        Status.ACHIEVED: _("Achieved"),
        Status.ON_TRACK: _("On track"),
        Status.AT_RISK: _("At risk"),
        Status.OFF_TRACK: _("Off track"),
        Status.NO_TARGET: _("No target"),
        Status.NO_DATA: _("No data"),
        Status.NO_BASELINE: _("No baseline"),
    }
    try:
        return str(labels[Status(status)]) if status else str(labels[Status.NO_DATA])
    except ValueError:
        return str(status)


@register.filter
def indicator_value(value: Decimal | None, indicator: Indicator) -> str:
    """`value` in the indicator's unit: "Yes"/"No", "45.5 %", "12,500 EUR", "1,234"."""
    if value is None:
        return "—"
    if indicator.unit == Indicator.Unit.YES_NO and value in (0, 1):
        return _("Yes") if value == 1 else _("No")
    text = intcomma(floatformat(value, indicator.decimals))
    if indicator.unit == Indicator.Unit.PERCENT:
        return f"{text} %"
    if indicator.unit == Indicator.Unit.CURRENCY and indicator.currency:
        return f"{text} {indicator.currency}"
    return str(text)


@register.filter
def input_value(value: object) -> str:
    """A stored value as it goes back into an input: no exponent, no trailing zeros."""
    if not isinstance(value, Decimal):
        return ""
    return format(value.normalize(), "f")


@register.simple_tag
def place_value(value: Decimal | None, row: Any) -> str:
    """A value of a progress row: a country's yes/no reads "Yes"/"No", but the region's value
    of such an indicator is a number of countries (or a share of them)."""
    indicator = row.indicator
    if row.country is None and indicator.level != Indicator.Level.REGIONAL:
        if indicator.space_aggregation == Indicator.SpaceAggregation.COUNT_MEETING:
            return "—" if value is None else str(intcomma(floatformat(value, 0)))
        if indicator.space_aggregation == Indicator.SpaceAggregation.SHARE_MEETING:
            return "—" if value is None else f"{floatformat(value, 1)} %"
    return indicator_value(value, indicator)


@register.filter
def period_label(key: str) -> str:
    """A period as people write it: a range of whole years reads "2019–2027"."""
    try:
        period = parse_period(key)
    except PeriodError:
        return key
    if (
        period.type == PeriodType.RANGE
        and (period.start.month, period.start.day) == (1, 1)
        and (period.end.month, period.end.day) == (12, 31)
    ):
        return f"{period.start.year}–{period.end.year}"
    return period.key


@register.inclusion_tag("framework/_status.html")
def status_badge(status: Any) -> dict[str, Any]:
    colour = STATUS_LABELS.get(Status(status), ("secondary", ""))[0] if status else "secondary"
    return {"colour": colour, "label": status_label(status)}


@register.filter
def percent(value: Decimal | None) -> str:
    if value is None:
        return "—"
    return f"{floatformat(value, 0)} %"


@register.filter
def target_cells(row: dict[str, Any]) -> list[tuple[str, Any, str]]:
    """The two editable cells of a targets row: its baseline and its governing target."""
    target = row.get("target")
    target_kind = target.kind if target is not None else "target"
    return [
        ("baseline", row.get("baseline"), _("Baseline")),
        (target_kind, target, _("Target")),
    ]
