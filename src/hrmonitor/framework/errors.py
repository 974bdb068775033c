"""Translated messages for the error codes of the pure modules (periods, formulas)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from hrmonitor.framework.periods import Period, PeriodError, parse_period

PERIOD_HELP = _(
    "Use 2019 (a year), 2019Q3 (a quarter), 2019-07 (a month) or 2019-01-01..2019-06-30."
)

PERIOD_MESSAGES = {
    "invalid_month": _("“%(key)s” has no such month."),
    "invalid_quarter": _("“%(key)s” has no such quarter: quarters are Q1 to Q4."),
    "range_reversed": _("“%(key)s” ends before it starts."),
    "cannot_roll_up": _("“%(key)s” does not lie within one period of the wanted type."),
}


def _format(template: Any, params: dict[str, Any]) -> str:
    try:
        return str(template) % params
    except (KeyError, TypeError, ValueError):
        return str(template).split("%(")[0].strip()


def period_message(error: PeriodError, key: str) -> str:
    template = PERIOD_MESSAGES.get(error.code)
    if template is None:
        return _format(_("“%(key)s” is not a period."), {"key": key}) + " " + str(PERIOD_HELP)
    return _format(template, {"key": key, **error.params})


def period_or_error(key: str) -> Period:
    """The period for `key`, or a ValidationError that says what is wrong in the user's
    language."""
    try:
        return parse_period(key)
    except PeriodError as error:
        raise ValidationError(period_message(error, str(key).strip()[:40])) from None
