"""The index in the HTTP API: published editions and their results for everyone; drafts too
with the token of someone who manages the index."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Router, Schema, Status

from hrmonitor.core.api import ErrorOut, api_caller
from hrmonitor.index import access, selectors
from hrmonitor.index.models import Edition

router = Router(tags=["index"])


class EditionOut(Schema):
    id: int
    year: int
    title: str
    title_en: str
    title_ru: str
    status: str
    definition: str
    definition_version: int
    published_at: datetime | None
    citation: str


class NodeOut(Schema):
    code: str
    name: str
    weight: float


class ResultRowOut(Schema):
    country: str
    country_name: str
    score: float | None
    rank: int | None
    median_rank: float | None
    rank_low: float | None
    rank_high: float | None
    dimensions: dict[str, float | None]


class EditionResultsOut(Schema):
    edition: EditionOut
    dimensions: list[NodeOut]
    rows: list[ResultRowOut]


def _edition_out(edition: Edition) -> EditionOut:
    return EditionOut(
        id=edition.pk,
        year=edition.year,
        title=edition.title,
        title_en=edition.title_en,  # type: ignore[attr-defined]
        title_ru=edition.title_ru,  # type: ignore[attr-defined]
        status=edition.status,
        definition=edition.definition.code,
        definition_version=edition.definition.version,
        published_at=edition.published_at,
        citation=edition.citation,
    )


@router.get(
    "/editions",
    response={200: list[EditionOut], 401: ErrorOut},
    summary="Editions of the drug policy index (published ones for the public)",
)
def editions(request: HttpRequest) -> list[EditionOut]:
    rows = access.editions_visible_to(api_caller(request)).order_by("-year", "-created_at")
    return [_edition_out(e) for e in rows]


@router.get(
    "/editions/{edition_id}/results",
    response={200: EditionResultsOut, 401: ErrorOut, 404: ErrorOut},
    summary="Scores (0–100), ranks and rank intervals of one edition, best first",
)
def edition_results(request: HttpRequest, edition_id: int) -> Status[Any]:
    edition = access.editions_visible_to(api_caller(request)).filter(pk=edition_id).first()
    if edition is None:
        return Status(404, {"detail": _("Edition not found.")})
    index_spec = selectors.edition_spec(edition)
    countries = {c.iso2: c for c in selectors.countries()}
    rows = selectors.ranking_rows(edition, index_spec, countries)
    weights = {n["code"]: n["weight"] for n in (edition.results or {}).get("nodes", [])}
    return Status(
        200,
        EditionResultsOut(
            edition=_edition_out(edition),
            dimensions=[
                NodeOut(code=d.code, name=d.name, weight=weights.get(d.code) or d.weight)
                for d in index_spec.dimensions
            ],
            rows=[
                ResultRowOut(
                    country=row.country.iso2,
                    country_name=row.country.name,
                    score=row.score,
                    rank=row.rank,
                    median_rank=row.interval.median if row.interval else None,
                    rank_low=row.interval.low if row.interval else None,
                    rank_high=row.interval.high if row.interval else None,
                    dimensions={cell.code: cell.score for cell in row.dimensions},
                )
                for row in rows
            ],
        ),
    )
