"""Number formatting for the index pages."""

from __future__ import annotations

from django import template
from django.utils.formats import number_format

register = template.Library()


@register.filter
def compact(value: float | int | None, digits: int = 2) -> str:
    """A number with at most `digits` decimals and no trailing zeros, in the page's locale:
    35.1 → "35.1" (RU "35,1"); 246.0 → "246"; None → "—"."""
    if value is None:
        return "—"
    rounded = round(float(value), digits)
    if rounded == int(rounded):
        return number_format(int(rounded))
    return number_format(rounded)
