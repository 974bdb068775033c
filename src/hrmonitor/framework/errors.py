"""Translated messages for the error codes of the pure modules (periods, formulas)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from hrmonitor.framework.formula import FormulaError
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


FORMULA_MESSAGES = {
    "empty_formula": _("The formula is empty."),
    "too_long": _("The formula is too long (at most %(limit)s characters)."),
    "too_deep": _("The formula nests too deeply (at most %(limit)s levels)."),
    "unexpected_character": _(
        "“%(character)s” has no place in a formula (character %(position)s)."
    ),
    "unexpected_token": _("“%(token)s” is out of place (character %(position)s)."),
    "unexpected_end": _("The formula stops where a value is expected (character %(position)s)."),
    "unbalanced_parenthesis": _("A parenthesis is not matched (character %(position)s)."),
    "unknown_function": _("There is no function “%(function)s”: use min, max, abs or sum."),
    "wrong_argument_count": _("“%(function)s” has the wrong number of values."),
    "cycle": _("These computed indicators depend on each other in a circle."),
}


def formula_message(error: FormulaError) -> str:
    """What is wrong with a formula, in the user's language."""
    template = FORMULA_MESSAGES.get(error.code, _("The formula cannot be read."))
    return _format(template, dict(error.params))
