"""Display of funding figures: US dollars without cents, shares as percentages."""

from __future__ import annotations

from decimal import Decimal

from django import template
from django.utils.formats import number_format

register = template.Library()


@register.filter
def usd(amount: Decimal | None) -> str:
    """`1234567.8` → "1,234,568" (localised grouping); empty amounts show as a dash."""
    if amount is None:
        return "—"
    return number_format(amount.quantize(Decimal(1)), decimal_pos=0, force_grouping=True)


@register.filter
def share(value: Decimal | None) -> str:
    """A share between 0 and 1 as a percentage with one decimal: `0.4567` → "45.7 %"."""
    if value is None:
        return "—"
    return f"{number_format((value * 100).quantize(Decimal('0.1')), decimal_pos=1)} %"
