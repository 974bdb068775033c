"""Small helpers of the monitoring templates."""

from __future__ import annotations

from typing import Any

from django import template

register = template.Library()


@register.filter
def get_label(labels: dict[str, Any], code: str) -> Any:
    """The label of `code` in a {code: label} mapping (the code itself when unknown)."""
    return labels.get(code, code)
