"""Downloads of every stage of an edition — raw inputs, normalised indicators, aggregated
results with rank intervals — as framework `Table`s (CSV, XLSX, JSON)."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from django.utils.translation import gettext as _

from hrmonitor.core.models import Country
from hrmonitor.framework.exports import Cell, Table
from hrmonitor.index import selectors, spec
from hrmonitor.index.models import Edition


def _round(value: float | None, digits: int = 2) -> float | None:
    return None if value is None else round(float(value), digits)


def _kind_label(kind: str) -> str:
    return {
        "desk": _("Desk coding"),
        "survey": _("Expert survey"),
        "framework": _("Results framework"),
    }.get(kind, kind)


def raw_table(edition: Edition, index_spec: spec.IndexSpec, countries: Sequence[Country]) -> Table:
    """One row per country and indicator with a value, and where the value came from."""
    cells = (edition.inputs or {}).get("cells", {})
    rows: list[list[Cell]] = []
    for country in countries:
        for indicator in index_spec.indicators:
            cell = cells.get(country.iso2, {}).get(indicator.code)
            if not cell:
                continue
            rows.append(
                [
                    country.iso2,
                    country.name,
                    indicator.code,
                    indicator.name,
                    _kind_label(cell.get("kind", "")),
                    _round(cell.get("value"), 6),
                    cell.get("answers"),
                    (_("yes") if cell.get("flagged") else _("no"))
                    if cell.get("kind") == "survey"
                    else None,
                    cell.get("legal_reference") or cell.get("framework_indicator"),
                    cell.get("source"),
                ]
            )
    return Table(
        title=_("Raw values"),
        header=[
            _("ISO code"),
            _("Country"),
            _("Indicator code"),
            _("Indicator"),
            _("Source of the value"),
            _("Value"),
            _("Survey answers"),
            _("Experts disagree"),
            _("Legal reference"),
            _("Source"),
        ],
        rows=rows,
    )


def _wide_table(
    edition: Edition,
    countries: Sequence[Country],
    title: str,
    columns: Sequence[tuple[str, Callable[[str], Cell]]],
) -> Table:
    units = [c for c in countries if c.iso2 in (edition.results or {}).get("scores", {})]
    return Table(
        title=title,
        header=[_("ISO code"), _("Country"), *(name for name, _getter in columns)],
        rows=[[c.iso2, c.name, *(getter(c.iso2) for _name, getter in columns)] for c in units],
    )


def normalised_table(
    edition: Edition, index_spec: spec.IndexSpec, countries: Sequence[Country]
) -> Table:
    """Each covered country's indicators on the common 0–100 scale (100 = best)."""
    scores = (edition.results or {}).get("scores", {})

    def score(code: str) -> Callable[[str], Cell]:
        return lambda iso2: _round(scores[iso2].get(code))

    return _wide_table(
        edition,
        countries,
        _("Normalised indicators"),
        [(f"{i.code} {i.name}", score(i.code)) for i in index_spec.indicators],
    )


def results_table(
    edition: Edition, index_spec: spec.IndexSpec, countries: Sequence[Country]
) -> Table:
    """Index and dimension scores and ranks, with the rank interval when analysed."""
    results = edition.results or {}
    scores, ranks = results.get("scores", {}), results.get("ranks", {})
    units = (
        (edition.uncertainty or {}).get("units", {})
        if selectors.uncertainty_current(edition)
        else {}
    )

    def node(code: str, what: dict[str, dict[str, Cell]]) -> Callable[[str], Cell]:
        return lambda iso2: what[iso2].get(code)

    def score(code: str) -> Callable[[str], Cell]:
        return lambda iso2: _round(scores[iso2].get(code))

    def interval(key: str) -> Callable[[str], Cell]:
        return lambda iso2: _round(units.get(iso2, {}).get(key), 1)

    columns: list[tuple[str, Callable[[str], Cell]]] = [
        (_("Index score"), score(spec.ROOT_CODE)),
        (_("Rank"), node(spec.ROOT_CODE, ranks)),
        (_("Median rank"), interval("median")),
        (_("Rank, 5th percentile"), interval("low")),
        (_("Rank, 95th percentile"), interval("high")),
    ]
    for dimension in index_spec.dimensions:
        columns.append((f"{dimension.code} {dimension.name}", score(dimension.code)))
        columns.append(
            (_("%(dimension)s rank") % {"dimension": dimension.code}, node(dimension.code, ranks))
        )
    return _wide_table(edition, countries, _("Results"), columns)


STAGES: dict[str, Callable[[Edition, spec.IndexSpec, Sequence[Country]], Table]] = {
    "raw": raw_table,
    "normalised": normalised_table,
    "results": results_table,
}
