"""The policy tracker as a source of results-framework indicators.

An indicator with `source_kind = function` and `source_function =
"policy.countries_with_status"` counts the countries whose status in a policy area, on the last
day of the requested period, is one of the given statuses. Parameters (`source_params`):
`area` — the policy area's code; `statuses` — the status codes to count (by default, those of
the area's scale that count as "in place").
"""

from __future__ import annotations

from decimal import Decimal

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from hrmonitor.framework import sources
from hrmonitor.framework.sources import LineageRef, SourceRequest, SourceResult
from hrmonitor.policy import selectors


@sources.register(
    "policy.countries_with_status", label=gettext_lazy("Countries with a policy status")
)
def countries_with_status(request: SourceRequest) -> SourceResult:
    """For a country: 1 when its status on the period's last day is one of `statuses`, 0 when
    it is another, no value when no record covers that day. For the region: the number of
    countries with one of `statuses`, with the matching records as lineage."""
    area = selectors.area_by_code(str(request.params.get("area", "")))
    if area is None:
        return SourceResult(None, note=_("The indicator names no known policy area."))
    wanted = set(request.params.get("statuses") or area.yes_codes())
    date = request.period.end
    if request.country is not None:
        record = selectors.status_on(request.country, area, date)
        if record is None:
            return SourceResult(None, note=_("No policy status is recorded for this date."))
        return SourceResult(Decimal(1 if record.status in wanted else 0), (LineageRef.of(record),))
    records = list(selectors.statuses_on(area, date).order_by("country__name"))
    if not records:
        return SourceResult(None, note=_("No policy status is recorded for this date."))
    matching = [r for r in records if r.status in wanted]
    return SourceResult(Decimal(len(matching)), tuple(LineageRef.of(r) for r in matching))
