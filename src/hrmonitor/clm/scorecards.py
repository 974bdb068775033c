"""Scorecards read from the database: which submissions count (`selectors.counted_submissions`
of one form, restricted to a site, a country and a period by interview date), scored by the
pure `clm.scoring`, and dressed for the pages (labels in the reader's language, colours with a
text label, a trend per quarter, comparison tables of sites and countries).

Also here: `country_summary` for the public country profile. Who may see scorecards and
escalations is decided in `core.access` (`clm_participant`, `clm_escalations_visible_to`).

Periods are framework period keys (`2026`, `2026Q3`, `2026-07`, a range of days). The default
is the last four quarters up to today (a range from the first day of the quarter three quarters
back to the last day of the current one). The trend shows the eight quarters ending with the
quarter in which the chosen period ends.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db.models import Count, Prefetch, QuerySet
from django.utils import timezone
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from hrmonitor.clm import scoring, selectors
from hrmonitor.clm.models import Dimension, Escalation, Form, ScoreItem, ServiceSite, Submission
from hrmonitor.clm.xlsform import label_for
from hrmonitor.core.models import Country
from hrmonitor.core.services import read_yaml
from hrmonitor.framework import periods
from hrmonitor.framework.periods import Period, PeriodType

if TYPE_CHECKING:
    pass

DEFAULT_MIN_RESPONDENTS = 5
TREND_QUARTERS = 8
DEFAULT_QUARTERS = 4
# An escalation raised this many days ago without a response is overdue.
OVERDUE_DAYS = 30

COLOUR_LABELS = {
    scoring.Colour.GREEN: gettext_lazy("Good"),
    scoring.Colour.AMBER: gettext_lazy("Needs improvement"),
    scoring.Colour.RED: gettext_lazy("Poor"),
}


def min_respondents() -> int:
    """The fewest respondents an item or dimension needs for a score
    (HRMONITOR_CLM_MIN_RESPONDENTS, 5 by default)."""
    return max(int(getattr(settings, "HRMONITOR_CLM_MIN_RESPONDENTS", DEFAULT_MIN_RESPONDENTS)), 1)


# --- Periods ----------------------------------------------------------------------------------


def default_period(today: dt.date) -> Period:
    """The last four quarters up to today, the current one included."""
    current = periods.containing(today, PeriodType.QUARTER)
    first = periods.shift(current, -(DEFAULT_QUARTERS - 1))
    return periods.date_range(first.start, current.end)


def period_or_default(key: str | None, today: dt.date) -> tuple[Period, bool]:
    """The period of `key`, or the default; the flag says whether `key` was read (an empty key
    is read as the default)."""
    if key:
        try:
            return periods.parse_period(key), True
        except periods.PeriodError:
            return default_period(today), False
    return default_period(today), True


def quarter_key(day: dt.date) -> str:
    return f"{day.year:04d}Q{(day.month - 1) // 3 + 1}"


def period_label(period: Period) -> str:
    """A calendar period is its key; a range of whole quarters reads "2025Q4–2026Q3"."""
    if period.type is not PeriodType.RANGE:
        return period.key
    first = periods.containing(period.start, PeriodType.QUARTER)
    last = periods.containing(period.end, PeriodType.QUARTER)
    if first.start == period.start and last.end == period.end:
        return first.key if first == last else f"{first.key}–{last.key}"
    return f"{period.start.isoformat()} – {period.end.isoformat()}"


def period_options(today: dt.date, selected: Period) -> list[tuple[str, str]]:
    """The period selector: the last four quarters, the last three years, the last eight
    quarters (and the selected period, if it is none of these)."""
    current = periods.containing(today, PeriodType.QUARTER)
    options = [
        ("", _("Last 4 quarters (%(span)s)") % {"span": period_label(default_period(today))})
    ]
    options += [(str(y), str(y)) for y in range(today.year, today.year - 3, -1)]
    options += [
        (periods.shift(current, -i).key, periods.shift(current, -i).key)
        for i in range(TREND_QUARTERS)
    ]
    if selected != default_period(today) and selected.key not in {k for k, _l in options}:
        options.append((selected.key, period_label(selected)))
    return options


def trend_quarters(period: Period) -> list[Period]:
    """The eight quarters ending with the quarter in which `period` ends."""
    last = periods.containing(period.end, PeriodType.QUARTER)
    return periods.periods_between(periods.shift(last, -(TREND_QUARTERS - 1)), last)


# --- What the pages show ------------------------------------------------------------------------


@dataclass(frozen=True)
class Cell:
    """A score as shown: None when fewer respondents than the minimum (then `n` is not shown
    either), with its colour and the colour's text label."""

    score: float | None
    n: int
    colour: str = ""
    colour_label: str = ""

    @property
    def shown(self) -> bool:
        return self.score is not None


@dataclass
class ItemRow:
    question: str
    label: str
    dimension: str
    dimension_label: str
    cell: Cell
    raise_url: str = ""  # filled by the view for those who may raise it


@dataclass(frozen=True)
class DimensionCard:
    key: str
    label: str
    cell: Cell


@dataclass
class ComparisonRow:
    """A site or a country in a comparison table: its four dimensions, overall, respondents."""

    key: Any  # the ServiceSite or Country
    cells: list[Cell]
    overall: Cell
    respondents: int


@dataclass
class FormScorecard:
    form: Form
    minimum: int
    dimensions: list[DimensionCard]
    overall: Cell
    respondents: int
    items: list[ItemRow]
    trend: dict[str, Any]
    rows: list[ComparisonRow] = field(default_factory=list)
    country_rows: list[ComparisonRow] = field(default_factory=list)

    @property
    def red_items(self) -> list[ItemRow]:
        return [row for row in self.items if row.cell.colour == scoring.Colour.RED]

    @property
    def html_id(self) -> str:
        return f"form-{self.form.pk}"

    @property
    def trend_data_id(self) -> str:
        return f"form-{self.form.pk}-trend-data"

    @property
    def trend_table(self) -> list[tuple[str, list[float | None]]]:
        """The trend as rows (quarter, score of each dimension or None), for a text table."""
        series = self.trend["series"]
        return [
            (quarter, [s["data"][i] for s in series])
            for i, quarter in enumerate(self.trend["quarters"])
        ]


def dimension_labels() -> dict[str, str]:
    return {key: str(label) for key, label in Dimension.choices}


def _cell(score: float | None, n: int, form: Form) -> Cell:
    found = scoring.colour(score, green_from=form.green_from, amber_from=form.amber_from)
    if found is None:
        return Cell(score=None, n=n)
    return Cell(score=score, n=n, colour=str(found), colour_label=str(COLOUR_LABELS[found]))


def _language() -> str:
    return (get_language() or settings.LANGUAGE_CODE).split("-")[0]


def question_labels(form: Form, language: str | None = None) -> dict[str, str]:
    """Question path → its label in `language` (the reader's by default), from the form's
    current version."""
    language = language or _language()
    fields = form.current_version.fields if form.current_version else []
    return {f["path"]: label_for(f.get("labels", {}), language) for f in fields}


def scored_forms() -> QuerySet[Form]:
    """Forms with at least one scored question, their items and current version loaded."""
    return (
        Form.objects.filter(pk__in=ScoreItem.objects.values("form_id"))
        .select_related("current_version")
        .prefetch_related(Prefetch("score_items", queryset=ScoreItem.objects.order_by("order")))
        .order_by("title")
    )


def scoring_items(form: Form) -> list[scoring.Item]:
    return [
        scoring.Item(question=i.question, dimension=i.dimension, choice_scores=i.choice_scores)
        for i in form.score_items.all()
    ]


@dataclass(frozen=True)
class Row:
    """One counted submission, as much of it as scoring needs."""

    form_id: int
    site_id: int | None
    country_id: int | None
    day: dt.date
    data: Mapping[str, Any]


def counted_rows(
    forms: Sequence[Form],
    *,
    start: dt.date,
    end: dt.date,
    site: ServiceSite | None = None,
    country: Country | None = None,
) -> list[Row]:
    """The counted submissions of `forms` interviewed from `start` to `end`, of one site or
    country if given (a country's include those it got without a site). One query."""
    queryset = Submission.objects.filter(
        form__in=[f.pk for f in forms], interview_date__gte=start, interview_date__lte=end
    )
    if site is not None:
        queryset = queryset.filter(site=site)
    if country is not None:
        queryset = queryset.filter(country=country)
    values = selectors.counted_submissions(queryset).values_list(
        "form_id", "site_id", "country_id", "interview_date", "data"
    )
    # interview_date is never empty here: the filter on it keeps only dated submissions.
    return [
        Row(form_id, site_id, country_id, day or start, data)
        for form_id, site_id, country_id, day, data in values
    ]


def _within(rows: Iterable[Row], start: dt.date, end: dt.date) -> list[Row]:
    return [r for r in rows if start <= r.day <= end]


def _comparison(
    form: Form,
    items: Sequence[scoring.Item],
    rows: Sequence[Row],
    *,
    key: str,
    objects: Mapping[int, Any],
    minimum: int,
) -> list[ComparisonRow]:
    cards = scoring.scorecards_by(
        items, ((getattr(r, key), r.data) for r in rows if getattr(r, key)), minimum=minimum
    )
    found = []
    for pk, card in cards.items():
        if pk not in objects or not card.respondents:
            continue
        cells = []
        for dimension in scoring.DIMENSIONS:
            result = card.dimension(dimension)
            cells.append(_cell(result.score, result.n, form) if result else Cell(None, 0))
        found.append(
            ComparisonRow(
                key=objects[pk],
                cells=cells,
                overall=_cell(card.overall, card.respondents, form),
                respondents=card.respondents,
            )
        )
    return sorted(found, key=lambda row: str(row.key.name).casefold())


def _trend(
    form: Form,
    items: Sequence[scoring.Item],
    rows: Sequence[Row],
    quarters: Sequence[Period],
    minimum: int,
) -> dict[str, Any]:
    keys = [q.key for q in quarters]
    cards = scoring.scorecards_by(
        items, ((quarter_key(r.day), r.data) for r in rows), minimum=minimum
    )
    labels = dimension_labels()
    series = []
    for dimension in scoring.DIMENSIONS:
        if not any(i.dimension == dimension for i in items):
            continue
        data: list[float | None] = []
        for key in keys:
            result = cards[key].dimension(dimension) if key in cards else None
            data.append(result.score if result else None)
        series.append({"key": dimension, "name": labels[dimension], "data": data})
    return {
        "quarters": keys,
        "series": series,
        "green_from": form.green_from,
        "amber_from": form.amber_from,
        "has_scores": any(v is not None for s in series for v in s["data"]),
        "labels": {
            "score": _("Score"),
            "green": str(COLOUR_LABELS[scoring.Colour.GREEN]),
            "amber": str(COLOUR_LABELS[scoring.Colour.AMBER]),
            "red": str(COLOUR_LABELS[scoring.Colour.RED]),
        },
    }


def form_scorecard(
    form: Form, rows: Sequence[Row], period: Period, *, minimum: int, language: str | None = None
) -> FormScorecard:
    """The scorecard of one form over `rows` (already restricted to a site or a country): the
    period's dimensions, overall and items, and the trend per quarter."""
    items = scoring_items(form)
    own = [r for r in rows if r.form_id == form.pk]
    card = scoring.scorecard(
        items, (r.data for r in _within(own, period.start, period.end)), minimum=minimum
    )
    labels = dimension_labels()
    questions = question_labels(form, language)
    quarters = trend_quarters(period)
    return FormScorecard(
        form=form,
        minimum=minimum,
        dimensions=[
            DimensionCard(
                key=d.dimension,
                label=labels.get(d.dimension, d.dimension),
                cell=_cell(d.score, d.n, form),
            )
            for d in card.dimensions
        ],
        overall=_cell(card.overall, card.respondents, form),
        respondents=card.respondents,
        items=[
            ItemRow(
                question=i.question,
                label=questions.get(i.question) or i.question,
                dimension=i.dimension,
                dimension_label=labels.get(i.dimension, i.dimension),
                cell=_cell(i.score, i.n, form),
            )
            for i in card.items
        ],
        trend=_trend(
            form, items, _within(own, quarters[0].start, quarters[-1].end), quarters, minimum
        ),
    )


def _window(period: Period) -> tuple[dt.date, dt.date]:
    quarters = trend_quarters(period)
    return min(period.start, quarters[0].start), max(period.end, quarters[-1].end)


def site_scorecards(site: ServiceSite, period: Period) -> list[FormScorecard]:
    """The scorecards of a site: one per scored form with counted submissions for the site in
    the period or the trend's quarters. Two queries."""
    forms = list(scored_forms())
    start, end = _window(period)
    rows = counted_rows(forms, start=start, end=end, site=site)
    minimum = min_respondents()
    with_data = {r.form_id for r in rows}
    return [form_scorecard(f, rows, period, minimum=minimum) for f in forms if f.pk in with_data]


def country_scorecards(country: Country, period: Period) -> list[FormScorecard]:
    """The scorecards of a country (all its submissions, with or without a site) with a
    comparison of its sites. Three queries."""
    forms = list(scored_forms())
    start, end = _window(period)
    rows = counted_rows(forms, start=start, end=end, country=country)
    minimum = min_respondents()
    in_period = _within(rows, period.start, period.end)
    sites = ServiceSite.objects.in_bulk({r.site_id for r in in_period if r.site_id})
    found = []
    for form in forms:
        if not any(r.form_id == form.pk for r in rows):
            continue
        card = form_scorecard(form, rows, period, minimum=minimum)
        card.rows = _comparison(
            form,
            scoring_items(form),
            [r for r in in_period if r.form_id == form.pk],
            key="site_id",
            objects=sites,
            minimum=minimum,
        )
        found.append(card)
    return found


def regional_comparison(form: Form, period: Period) -> FormScorecard:
    """One form across the region in the period: its scorecard, the comparison of countries
    and of sites. Three queries."""
    minimum = min_respondents()
    start, end = _window(period)
    rows = counted_rows([form], start=start, end=end)
    card = form_scorecard(form, rows, period, minimum=minimum)
    items = scoring_items(form)
    in_period = _within(rows, period.start, period.end)
    countries = Country.objects.in_bulk({r.country_id for r in in_period if r.country_id})
    sites = ServiceSite.objects.select_related("country").in_bulk(
        {r.site_id for r in in_period if r.site_id}
    )
    card.country_rows = _comparison(
        form, items, in_period, key="country_id", objects=countries, minimum=minimum
    )
    card.rows = _comparison(form, items, in_period, key="site_id", objects=sites, minimum=minimum)
    return card


def forms_by_submissions(forms: Sequence[Form], period: Period) -> list[Form]:
    """Scored forms, those with the most counted submissions in the period first."""
    counts = dict(
        selectors.counted_submissions(
            Submission.objects.filter(
                form__in=[f.pk for f in forms],
                interview_date__gte=period.start,
                interview_date__lte=period.end,
            )
        )
        .values_list("form_id")
        .annotate(n=Count("pk"))
        .values_list("form_id", "n")
    )
    return sorted(forms, key=lambda f: (-counts.get(f.pk, 0), f.title.casefold()))


# --- The public country profile -------------------------------------------------------------------

# The scorecard mapping of the forms shipped with hrmonitor: its keys are their form IDs.
DEFAULT_FORMS_SCORING = Path(__file__).resolve().parent / "data" / "forms" / "scoring.yaml"


@lru_cache(maxsize=1)
def default_form_ids() -> frozenset[str]:
    """The form IDs of the questionnaires shipped with hrmonitor (the default forms)."""
    if not DEFAULT_FORMS_SCORING.exists():
        return frozenset()
    return frozenset(read_yaml(DEFAULT_FORMS_SCORING).get("forms", {}))


def country_summary(
    country: Country, period_key: str | None = None, *, today: dt.date | None = None
) -> dict[str, Any] | None:
    """What the public country profile shows of CLM in the period (the last four quarters by
    default; a bad key raises `periods.PeriodError`), from the default forms (those shipped
    with hrmonitor) that have counted submissions in the country in the period — or, when none
    has, from every scored form that has: per form, the dimensions that have a score (n ≥ the
    minimum; the others are left out), the overall score and the respondents; and the number
    of sites monitored and of respondents over those forms. None when no counted submission
    of a scored form falls in the period.

    {"period": key, "period_label": str, "minimum": int, "sites": int, "respondents": int,
     "forms": [{"form_id": xml_form_id, "title": str, "respondents": int,
                "overall": float | None, "overall_colour": str, "overall_colour_label": str,
                "dimensions": [{"key", "label", "score", "colour", "colour_label", "n"}]}]}"""
    today = today or timezone.localdate()
    period = periods.parse_period(period_key) if period_key else default_period(today)
    forms = list(scored_forms())
    rows = counted_rows(forms, start=period.start, end=period.end, country=country)
    with_data = [f for f in forms if any(r.form_id == f.pk for r in rows)]
    if not with_data:
        return None
    defaults = default_form_ids()
    chosen = [f for f in with_data if f.xml_form_id in defaults] or with_data
    rows = [r for r in rows if r.form_id in {f.pk for f in chosen}]
    minimum = min_respondents()
    summaries = []
    for form in forms_by_submissions(chosen, period):
        card = form_scorecard(form, rows, period, minimum=minimum)
        summaries.append(
            {
                "form_id": form.xml_form_id,
                "title": form.title,
                "respondents": card.respondents,
                "overall": card.overall.score,
                "overall_colour": card.overall.colour,
                "overall_colour_label": card.overall.colour_label,
                "dimensions": [
                    {
                        "key": d.key,
                        "label": d.label,
                        "score": d.cell.score,
                        "colour": d.cell.colour,
                        "colour_label": d.cell.colour_label,
                        "n": d.cell.n,
                    }
                    for d in card.dimensions
                    if d.cell.shown
                ],
            }
        )
    return {
        "period": period.key,
        "period_label": period_label(period),
        "minimum": minimum,
        "sites": len({r.site_id for r in rows if r.site_id}),
        "respondents": sum(s["respondents"] for s in summaries),
        "forms": summaries,
    }


# --- Escalations (reads) ------------------------------------------------------------------------


def escalation_overdue(escalation: Escalation, today: dt.date) -> bool:
    """Raised more than OVERDUE_DAYS days ago and no response received yet."""
    return (
        escalation.status == Escalation.Status.RAISED
        and escalation.raised_on is not None
        and escalation.response_on is None
        and (today - escalation.raised_on).days > OVERDUE_DAYS
    )


def escalations_overdue_filter(
    queryset: QuerySet[Escalation], today: dt.date
) -> QuerySet[Escalation]:
    return queryset.filter(
        status=Escalation.Status.RAISED,
        raised_on__lt=today - dt.timedelta(days=OVERDUE_DAYS),
        response_on__isnull=True,
    )


def escalation_status_counts(queryset: QuerySet[Escalation]) -> dict[str, int]:
    counts = dict(
        queryset.order_by().values_list("status").annotate(n=Count("pk")).values_list("status", "n")
    )
    return {status: counts.get(status, 0) for status in Escalation.Status.values}
