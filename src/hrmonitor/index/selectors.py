"""Reads of the index module: editions, the inputs an edition is computed from, and the rows
of the ranking, the country card, the comparison and the workspace, built from the stored
JSON so that pages keep a fixed number of queries."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db.models import QuerySet

from hrmonitor.core import selectors as core_selectors
from hrmonitor.core.models import Country
from hrmonitor.framework.computation import Computer
from hrmonitor.framework.models import Indicator as FrameworkIndicator
from hrmonitor.framework.periods import parse_period
from hrmonitor.index import calculation, spec, survey
from hrmonitor.index.models import (
    DeskValue,
    Edition,
    IndexDefinition,
    SurveyAnswer,
    SurveyQuestion,
    SurveyResponse,
)


def countries() -> list[Country]:
    """The network's countries, by ISO code: the order of the units in every edition."""
    return list(core_selectors.countries_list().order_by("iso2"))


def editions_published() -> QuerySet[Edition]:
    return (
        Edition.objects.filter(status=Edition.Status.PUBLISHED)
        .select_related("definition")
        .order_by("-year", "-published_at")
    )


def edition_latest_published() -> Edition | None:
    return editions_published().first()


def definition_spec(definition: IndexDefinition) -> spec.IndexSpec:
    """The parsed spec of a definition (checked when the definition was saved)."""
    return spec.parse(definition.spec)


def edition_spec(edition: Edition) -> spec.IndexSpec:
    return definition_spec(edition.definition)


def definitions_latest() -> list[IndexDefinition]:
    """The latest version of every definition, with the number of versions."""
    latest: dict[str, IndexDefinition] = {}
    for definition in IndexDefinition.objects.order_by("code", "-version"):
        latest.setdefault(definition.code, definition)
    return list(latest.values())


def definition_versions(code: str) -> QuerySet[IndexDefinition]:
    return IndexDefinition.objects.filter(code=code).order_by("-version")


def editions_for_management() -> QuerySet[Edition]:
    return Edition.objects.select_related("definition").order_by("-year", "-created_at")


def questions_of(definition: IndexDefinition) -> list[SurveyQuestion]:
    return list(definition.questions.order_by("order"))


def responses_of(edition: Edition) -> QuerySet[SurveyResponse]:
    return (
        SurveyResponse.objects.filter(edition=edition)
        .select_related("country", "entered_by")
        .prefetch_related("answers__question")
        .order_by("country__iso2", "submitted_at", "pk")
    )


def desk_values_of(edition: Edition, indicator_code: str | None = None) -> QuerySet[DeskValue]:
    rows = DeskValue.objects.filter(edition=edition).select_related("country")
    if indicator_code is not None:
        rows = rows.filter(indicator_code=indicator_code)
    return rows


# --- What an edition is computed from ------------------------------------------------------


def edition_inputs(edition: Edition, index_spec: spec.IndexSpec) -> dict[str, Any]:
    """Every cell of the countries × indicators matrix with where it came from: the desk
    value, the aggregated survey answers (see `index/survey.py`), or the approved framework
    value of the edition's year. See `calculation` for the shape."""
    all_countries = countries()
    iso2_of = {c.pk: c.iso2 for c in all_countries}
    cells: dict[str, dict[str, dict[str, Any]]] = {c.iso2: {} for c in all_countries}

    desk_codes = [i.code for i in index_spec.indicators if i.source == "desk"]
    for desk in DeskValue.objects.filter(edition=edition, indicator_code__in=desk_codes):
        cells[iso2_of[desk.country_id]][desk.indicator_code] = {
            "value": float(desk.value),
            "kind": "desk",
            "legal_reference": desk.legal_reference,
            "source": desk.source,
        }

    flags = _survey_cells(edition, index_spec, cells, iso2_of)
    _framework_cells(edition, index_spec, cells, all_countries)
    return {
        "year": edition.year,
        "definition": {
            "id": edition.definition_id,
            "code": edition.definition.code,
            "version": edition.definition.version,
        },
        "units": [{"iso2": c.iso2, "group": c.sub_region.code} for c in all_countries],
        "cells": cells,
        "flags": flags,
        "hash": calculation.inputs_hash(edition.definition.spec, edition.year, cells),
    }


def _survey_cells(
    edition: Edition,
    index_spec: spec.IndexSpec,
    cells: dict[str, dict[str, dict[str, Any]]],
    iso2_of: dict[int, str],
) -> list[dict[str, Any]]:
    questions = {q.pk: q for q in SurveyQuestion.objects.filter(definition=edition.definition_id)}
    grouped: dict[tuple[int, int], list[survey.Answer]] = defaultdict(list)
    for country_id, question_id, option, confidence in SurveyAnswer.objects.filter(
        response__edition=edition
    ).values_list("response__country_id", "question_id", "option_index", "confidence"):
        question = questions.get(question_id)
        if question is None or option >= len(question.options):
            continue
        grouped[(country_id, question_id)].append(
            survey.Answer(question.scores[option], confidence)
        )
    flags: list[dict[str, Any]] = []
    for (country_id, question_id), answers in sorted(grouped.items()):
        question = questions[question_id]
        indicator = index_spec.indicator(question.indicator_code)
        if indicator is None or indicator.source != "survey":
            continue
        scores = question.scores
        result = survey.aggregate_answers(answers, (min(scores), max(scores)))
        iso2 = iso2_of[country_id]
        cells[iso2][indicator.code] = {
            "value": result.score,
            "kind": "survey",
            "answers": result.answers,
            "spread": result.spread,
            "mad": round(result.mad, 4),
            "flagged": result.flagged,
        }
        if result.flagged:
            flags.append(
                {
                    "country": iso2,
                    "indicator": indicator.code,
                    "answers": result.answers,
                    "spread": result.spread,
                    "mad": round(result.mad, 4),
                    "range_flag": result.range_flag,
                    "mad_flag": result.mad_flag,
                    "scores": sorted(a.score for a in answers),
                }
            )
    return flags


def _framework_cells(
    edition: Edition,
    index_spec: spec.IndexSpec,
    cells: dict[str, dict[str, dict[str, Any]]],
    all_countries: Sequence[Country],
) -> None:
    wanted = [i for i in index_spec.indicators if i.source == "framework"]
    if not wanted:
        return
    indicators = {
        i.code: i
        for i in FrameworkIndicator.objects.filter(code__in={w.framework_code for w in wanted})
    }
    computer = Computer.for_indicators(
        indicators.values(), countries=all_countries, periods=[str(edition.year)]
    )
    period = parse_period(str(edition.year))
    for item in wanted:
        framework_indicator = indicators.get(item.framework_code)
        if framework_indicator is None:
            continue
        for country in all_countries:
            result = computer.value(framework_indicator, country, period)
            if result.value is None:
                continue
            cells[country.iso2][item.code] = {
                "value": float(result.value),
                "kind": "framework",
                "framework_indicator": item.framework_code,
                "lineage": [[ref.label, ref.pk] for ref in result.lineage],
            }


# --- Pages -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class RankInterval:
    """The 5–95 % rank interval of the uncertainty analysis, placed on a track of `n` ranks."""

    median: float
    low: float
    high: float
    n: int

    def _position(self, rank: float) -> float:
        return 0.0 if self.n <= 1 else round(100 * (rank - 1) / (self.n - 1), 2)

    @property
    def left(self) -> float:
        return self._position(self.low)

    @property
    def width(self) -> float:
        return round(self._position(self.high) - self._position(self.low), 2)

    @property
    def marker(self) -> float:
        return self._position(self.median)


@dataclass(frozen=True)
class NodeScore:
    code: str
    name: str
    score: float | None
    rank: int | None


@dataclass
class RankingRow:
    country: Country
    score: float | None
    rank: int | None
    interval: RankInterval | None
    dimensions: list[NodeScore] = field(default_factory=list)


def _interval(edition: Edition, iso2: str, n: int) -> RankInterval | None:
    unit = (edition.uncertainty or {}).get("units", {}).get(iso2)
    if not unit or unit.get("median") is None:
        return None
    return RankInterval(unit["median"], unit["low"], unit["high"], n)


def uncertainty_current(edition: Edition) -> bool:
    """Whether the uncertainty analysis was run on the data the results were computed from."""
    results, analysis = edition.results or {}, edition.uncertainty or {}
    return bool(results and analysis and analysis.get("hash") == results.get("hash"))


def ranking_rows(
    edition: Edition, index_spec: spec.IndexSpec, countries_by_iso2: dict[str, Country]
) -> list[RankingRow]:
    """One row per covered country, best rank first, with the dimension scores."""
    results = edition.results or {}
    units = [u for u in results.get("units", []) if u in countries_by_iso2]
    with_intervals = uncertainty_current(edition)
    rows = []
    for iso2 in units:
        scores, ranks = results["scores"][iso2], results["ranks"][iso2]
        rows.append(
            RankingRow(
                country=countries_by_iso2[iso2],
                score=scores.get(spec.ROOT_CODE),
                rank=ranks.get(spec.ROOT_CODE),
                interval=_interval(edition, iso2, len(units)) if with_intervals else None,
                dimensions=[
                    NodeScore(d.code, d.name, scores.get(d.code), ranks.get(d.code))
                    for d in index_spec.dimensions
                ],
            )
        )
    rows.sort(key=lambda r: (r.rank is None, r.rank or 0, r.country.name))
    return rows


@dataclass
class CardIndicator:
    indicator: spec.IndicatorSpec
    cell: dict[str, Any]
    score: float | None
    rank: int | None
    imputed: bool

    @property
    def raw(self) -> float | None:
        value = self.cell.get("value")
        return None if value is None else float(value)


@dataclass
class CardDimension:
    dimension: spec.DimensionSpec
    score: float | None
    rank: int | None
    indicators: list[CardIndicator]


@dataclass
class CountryCard:
    country: Country
    covered: bool
    score: float | None
    rank: int | None
    units: int
    interval: RankInterval | None
    dimensions: list[CardDimension]
    history: list[tuple[Edition, float | None, int | None]]


def country_card(
    edition: Edition,
    index_spec: spec.IndexSpec,
    country: Country,
    history: Iterable[Edition] = (),
) -> CountryCard:
    """The country's index, dimension and indicator scores with their raw values and
    sources, and its index score in other published editions of the same definition."""
    results = edition.results or {}
    cells = (edition.inputs or {}).get("cells", {}).get(country.iso2, {})
    scores = results.get("scores", {}).get(country.iso2, {})
    ranks = results.get("ranks", {}).get(country.iso2, {})
    imputed = set(results.get("imputed", {}).get(country.iso2, []))
    units = len(results.get("units", []))
    dimensions = [
        CardDimension(
            dimension=d,
            score=scores.get(d.code),
            rank=ranks.get(d.code),
            indicators=[
                CardIndicator(
                    indicator=i,
                    cell=cells.get(i.code, {}),
                    score=scores.get(i.code),
                    rank=ranks.get(i.code),
                    imputed=i.code in imputed,
                )
                for i in d.indicators
            ],
        )
        for d in index_spec.dimensions
    ]
    return CountryCard(
        country=country,
        covered=country.iso2 in results.get("scores", {}),
        score=scores.get(spec.ROOT_CODE),
        rank=ranks.get(spec.ROOT_CODE),
        units=units,
        interval=_interval(edition, country.iso2, units) if uncertainty_current(edition) else None,
        dimensions=dimensions,
        history=[
            (
                other,
                (other.results or {}).get("scores", {}).get(country.iso2, {}).get(spec.ROOT_CODE),
                (other.results or {}).get("ranks", {}).get(country.iso2, {}).get(spec.ROOT_CODE),
            )
            for other in history
        ],
    )


@dataclass
class ComparisonRow:
    country: Country
    score_from: float | None
    rank_from: int | None
    score_to: float | None
    rank_to: int | None

    @property
    def change(self) -> int | None:
        """Places gained (positive) or lost (negative) from the first edition to the second."""
        if self.rank_from is None or self.rank_to is None:
            return None
        return self.rank_from - self.rank_to


def comparison_rows(
    first: Edition, second: Edition, countries_by_iso2: dict[str, Country]
) -> list[ComparisonRow]:
    def get(edition: Edition, key: str, iso2: str) -> Any:
        return (edition.results or {}).get(key, {}).get(iso2, {}).get(spec.ROOT_CODE)

    units = set((first.results or {}).get("units", [])) | set(
        (second.results or {}).get("units", [])
    )
    rows = [
        ComparisonRow(
            country=countries_by_iso2[iso2],
            score_from=get(first, "scores", iso2),
            rank_from=get(first, "ranks", iso2),
            score_to=get(second, "scores", iso2),
            rank_to=get(second, "ranks", iso2),
        )
        for iso2 in units
        if iso2 in countries_by_iso2
    ]
    rows.sort(key=lambda r: (r.rank_to is None, r.rank_to or 0, r.country.name))
    return rows


@dataclass
class MatrixCell:
    indicator: spec.IndicatorSpec
    cell: dict[str, Any]

    @property
    def value(self) -> float | None:
        value = self.cell.get("value")
        return None if value is None else float(value)

    @property
    def flagged(self) -> bool:
        return bool(self.cell.get("flagged"))


@dataclass
class MatrixRow:
    country: Country
    cells: list[MatrixCell]
    score: float | None
    rank: int | None


def input_matrix(
    inputs: dict[str, Any],
    index_spec: spec.IndexSpec,
    all_countries: Sequence[Country],
    results: dict[str, Any] | None = None,
) -> list[MatrixRow]:
    """The workspace grid: every country with a value entered for this edition (desk or
    survey) or a score, every indicator. Countries with results-framework values only are
    left to `framework_only`."""
    results = results or {}
    rows = []
    for country in all_countries:
        row_cells = inputs.get("cells", {}).get(country.iso2, {})
        if not _entered(row_cells) and country.iso2 not in results.get("scores", {}):
            continue
        rows.append(
            MatrixRow(
                country=country,
                cells=[MatrixCell(i, row_cells.get(i.code, {})) for i in index_spec.indicators],
                score=results.get("scores", {}).get(country.iso2, {}).get(spec.ROOT_CODE),
                rank=results.get("ranks", {}).get(country.iso2, {}).get(spec.ROOT_CODE),
            )
        )
    return rows


@dataclass(frozen=True)
class FlagRow:
    """A survey cell where the experts disagree, for the Secretariat's review."""

    country: Country
    indicator: spec.IndicatorSpec
    flag: dict[str, Any]


def flag_rows(
    inputs: dict[str, Any], index_spec: spec.IndexSpec, all_countries: Sequence[Country]
) -> list[FlagRow]:
    by_iso2 = {c.iso2: c for c in all_countries}
    rows = []
    for flag in inputs.get("flags", []):
        indicator = index_spec.indicator(flag["indicator"])
        if indicator is not None and flag["country"] in by_iso2:
            rows.append(FlagRow(by_iso2[flag["country"]], indicator, flag))
    return rows


def _entered(cells: dict[str, dict[str, Any]]) -> bool:
    return any(cell.get("kind") in ("desk", "survey") for cell in cells.values())


def framework_only(inputs: dict[str, Any], all_countries: Sequence[Country]) -> list[Country]:
    """Countries whose only values come from the results framework."""
    cells = inputs.get("cells", {})
    return [c for c in all_countries if cells.get(c.iso2) and not _entered(cells[c.iso2])]
