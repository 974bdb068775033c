"""The index as a source of results-framework indicators.

An indicator with `source_kind = function` and `source_function = "index.score"` takes its
value from the latest published index edition of the requested year or before. Parameters
(`source_params`): `dimension` — a dimension code, to use that dimension's score instead of the
index; `definition` — a definition code, when several indices are published.
"""

from __future__ import annotations

from decimal import Decimal

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from hrmonitor.framework import sources
from hrmonitor.framework.sources import LineageRef, SourceRequest, SourceResult
from hrmonitor.index import spec
from hrmonitor.index.models import Edition


def _rounded(value: float) -> Decimal:
    return Decimal(str(round(value, 2)))


@sources.register("index.score", label=gettext_lazy("Drug policy index score"))
def index_score(request: SourceRequest) -> SourceResult:
    """The country's score (0–100) in the latest published edition whose year is not after
    the end of the requested period; for the region, the mean over the covered countries."""
    editions = Edition.objects.filter(
        status=Edition.Status.PUBLISHED, year__lte=request.period.end.year
    ).select_related("definition")
    definition_code = request.params.get("definition")
    if definition_code:
        editions = editions.filter(definition__code=definition_code)
    edition = editions.order_by("-year", "-published_at").first()
    if edition is None:
        return SourceResult(None, note=_("No published index edition for this period."))
    code = str(request.params.get("dimension") or spec.ROOT_CODE)
    scores = (edition.results or {}).get("scores", {})
    lineage = (LineageRef.of(edition),)
    if request.country is None:
        values = [row[code] for row in scores.values() if row.get(code) is not None]
        if not values:
            return SourceResult(None, lineage, note=_("The edition has no such score."))
        return SourceResult(_rounded(sum(values) / len(values)), lineage)
    value = scores.get(request.country.iso2, {}).get(code)
    if value is None:
        return SourceResult(
            None, lineage, note=_("The country is not covered by the latest edition.")
        )
    return SourceResult(_rounded(value), lineage)
