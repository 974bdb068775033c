"""Case documentation as a source of results-framework indicators.

- `rights.cases`: the number of counted cases (the client's consent to anonymised statistics
  in force; see `rights.selectors`) received within the period, published only when it is not
  withheld by small-cell suppression. Parameters (`source_params`): `violations` — violation
  codes, a case counting when any of its acts names any of them; `gender` — a gender code;
  `key_group` — a key-group code. For a country: that country's cases; for the region: all
  countries' cases.

  The countries' counts and the regional total are suppressed together, as one series with its
  total, so that the regional value minus the published countries cannot reveal a withheld
  country. A withheld value is no value, with a note saying why
  ("fewer than 5 cases: not published").

Lineage: none. A case is never shown as the lineage of a number — not even to those who may
open it — so this source returns no `LineageRef` and registers no lineage describer
(`sources.register_lineage` is deliberately not used for cases).
"""

from __future__ import annotations

from collections import Counter
from decimal import Decimal

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from hrmonitor.framework import sources
from hrmonitor.framework.sources import SourceRequest, SourceResult
from hrmonitor.rights import selectors
from hrmonitor.rights.selectors import CaseFacts
from hrmonitor.rights.suppression import suppress_series


def _facts(request: SourceRequest) -> list[CaseFacts]:
    """Every counted case (all countries, all dates), loaded once per computation."""
    if "rights.case_facts" not in request.memo:
        request.memo["rights.case_facts"] = selectors.counted_case_facts()
    found: list[CaseFacts] = request.memo["rights.case_facts"]
    return found


def _wanted(facts: CaseFacts, request: SourceRequest) -> bool:
    params = request.params
    violations = {str(v) for v in params.get("violations") or ()}
    if violations and not violations & facts.violations:
        return False
    gender = str(params.get("gender") or "")
    if gender and facts.gender != gender:
        return False
    key_group = str(params.get("key_group") or "")
    return not key_group or key_group in facts.key_groups


@sources.register("rights.cases", label=gettext_lazy("Documented human rights cases"))
def cases(request: SourceRequest) -> SourceResult:
    """The suppressed number of counted cases received in the period (see the module)."""
    threshold = selectors.suppression_threshold()
    start, end = request.period.start, request.period.end
    by_country = Counter(
        f.country for f in _facts(request) if start <= f.received_on <= end and _wanted(f, request)
    )
    if request.country is not None:
        by_country[request.country.iso2] += 0  # present, even with no case
    series = suppress_series(dict(sorted(by_country.items())), threshold=threshold)
    published = (
        series.count(request.country.iso2) if request.country is not None else series.total()
    )
    if published.value is None:
        if published.reason == "primary":
            note = _("Fewer than %(threshold)s cases: not published.") % {"threshold": threshold}
        else:
            note = _(
                "Withheld so that a smaller number of cases cannot be worked out: not published."
            )
        return SourceResult(None, note=note)
    return SourceResult(Decimal(published.value))
