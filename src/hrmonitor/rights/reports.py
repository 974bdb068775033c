"""The legal-analysis findings report for a period: how many documented cases were received
and analysed and how they were qualified, the rights most often found violated, the violation
types and the perpetrators, the strategic cases, the responses and the outcomes of closed cases
— described once as a `core.documents.Document`, rendered as DOCX or PDF in a background job
(see `tasks`).

The report is for publication, hence:

- It counts only the cases that statistics may count (`selectors.counted_cases`: the client's
  consent to anonymised statistics is in force), received in the period, in one country or in
  all. Analyses, responses and outcomes are those recorded by the day the report is written.
- It reads plain columns only (`values_list`): no narrative, client code, province, analysis
  text, national-law note or case reference is read, so none can reach the file, and nothing
  is decrypted.
- Every number goes through `rights.suppression` with the configured threshold k: "<k" for a
  count from 1 to k - 1, "x" for an entry withheld so that a smaller one cannot be worked out.

What each table counts (and how it is protected)
    Summary: the counted cases split by their legal qualification, "not analysed yet" being
    the fourth part; a partition, so a series *with* its total (the cases received).
    "Analysed" is not a table entry of its own but the total less "not analysed yet": it is
    shown as a number only when both are published (then anyone can subtract), as "<k" when
    the total is "<k" (then so is every part of it), and as "x" otherwise — decided from what
    is published, never from the hidden count.
    Rights found violated: in the cases qualified as violations, a case counts once under
    each article (and each instrument) its analysis names; series without a total (a case may
    count under several entries, or none).
    Violation types and perpetrators: the tables of the published statistics page
    (`selectors.case_statistics`), so the report publishes the same entries as the page.
    Strategic cases: a series of the analysed cases, strategic and not, with its total, of
    which only the strategic entry is shown (so it is withheld when it would give away the
    other, small one).
    Responses: a case counts once under each type of response it received (planned, under way
    or done; a response the client refused is not counted); a series without a total.
    Outcomes: the counted cases closed by the day of the report, by how they ended; a
    partition of the closed cases, so a series with its total.

Limits: as in `rights.suppression`, each table is protected on its own; differences between
tables of the same cases (and with the statistics page for another period) are not taken into
account.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied
from django.utils import timezone
from django.utils.formats import date_format, number_format
from django.utils.translation import gettext as _
from django.utils.translation import override

if TYPE_CHECKING:
    from hrmonitor.core.access import AnyUser

from hrmonitor.core import access
from hrmonitor.core import documents as doc
from hrmonitor.core.jobs import JobContext
from hrmonitor.core.models import Country
from hrmonitor.core.roles import Perm
from hrmonitor.rights import codes, selectors
from hrmonitor.rights.models import Case, LegalAnalysis, Response
from hrmonitor.rights.selectors import CaseStatistics
from hrmonitor.rights.suppression import (
    WITHHELD_MARK,
    Published,
    Reason,
    SuppressedSeries,
    suppress_series,
)

NOT_ANALYSED = "not_analysed"
STRATEGIC, NOT_STRATEGIC = "strategic", "not_strategic"
# With more countries than this, the violation types are tabulated for all countries together
# and the countries in a table of their own: a column per country would not fit an A4 page.
COUNTRY_COLUMNS = 4
CHART_BARS = 12  # the most documented types charted (published values only)


# --- Facts -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class CaseFindings:
    """What the report may know of one counted case: plain columns only."""

    qualification: str  # a `LegalAnalysis.Qualification`, "" while not analysed
    strategic: bool
    rights: frozenset[str]  # article codes "INSTRUMENT.number"
    responses: frozenset[str]  # `Response.Kind` values, refused responses left out
    closure: str  # a `Case.Closure` value when the case is closed, else ""


@dataclass(frozen=True)
class FindingsFacts:
    start: dt.date
    end: dt.date
    country: Country | None
    cases: list[CaseFindings]
    statistics: CaseStatistics  # violation types by country, perpetrators (suppressed)
    country_names: dict[str, str]  # ISO alpha-2 -> name in the language of the report


def findings_facts(
    start: dt.date, end: dt.date, *, country: Country | None = None, threshold: int
) -> FindingsFacts:
    """The counted cases received from `start` to `end` (both included), in `country` or in
    every country, with their analyses, responses and outcomes, and the countries' names in
    the active language. Five queries; nothing is decrypted."""
    counted = selectors.counted_cases(start=start, end=end, country=country)
    rows = list(
        counted.values_list(
            "pk",
            "status",
            "closure",
            "analysis__qualification",
            "analysis__strategic",
            "analysis__rights",
        )
    )
    responses: dict[object, set[str]] = {row[0]: set() for row in rows}
    kinds = (
        Response.objects.filter(case__in=counted.values("pk"))
        .exclude(status=Response.Status.REFUSED)
        .order_by()
        .values_list("case_id", "kind")
    )
    for case_id, kind in kinds:
        if case_id in responses:  # not a case counted after the first query was read
            responses[case_id].add(str(kind))
    cases = [
        CaseFindings(
            qualification=str(qualification or ""),
            strategic=bool(strategic),
            rights=frozenset(str(r) for r in rights or ()),
            responses=frozenset(responses[pk]),
            closure=str(closure) if status == Case.Status.CLOSED and closure else "",
        )
        for pk, status, closure, qualification, strategic, rights in rows
    ]
    statistics = selectors.case_statistics(
        start=start, end=end, country=country, threshold=threshold
    )
    names = dict(
        Country.objects.filter(iso2__in=statistics.by_violation.columns).values_list("iso2", "name")
    )
    return FindingsFacts(start, end, country, cases, statistics, names)


# --- Suppressed tables (pure) ----------------------------------------------------------------


@cache
def instruments() -> tuple[codes.Code, ...]:
    """The instruments of the code list (code, English and Russian name), in its order."""
    return tuple(
        codes.Code(str(i["code"]), str(i["en"]), str(i["ru"]))
        for i in codes._data()["instruments"]  # the code list has no accessor for them
    )


def instrument_of(article: str) -> str:
    return article.split(".", 1)[0]


@dataclass(frozen=True)
class FindingsTables:
    """Everything the report publishes, already suppressed."""

    threshold: int
    summary: SuppressedSeries  # qualifications and NOT_ANALYSED; total: the cases received
    analysed: Published  # derived from the summary (see the module docstring)
    by_instrument: SuppressedSeries
    by_article: SuppressedSeries
    strategic: Published
    responses: SuppressedSeries
    outcomes: SuppressedSeries  # total: the closed cases
    statistics: CaseStatistics

    @property
    def empty(self) -> bool:
        return self.summary.total().value == 0


def _published(value: int) -> Published:
    return Published(value=value, suppressed=False, reason=None)


def _withheld(reason: Reason) -> Published:
    return Published(value=None, suppressed=True, reason=reason)


def analysed_entry(summary: SuppressedSeries, threshold: int) -> Published:
    """The number of analysed cases as the total less those not analysed yet, published only
    when both are (see the module docstring): decided from published entries alone."""
    total, not_analysed = summary.total(), summary.count(NOT_ANALYSED)
    if total.reason == "primary":
        return _withheld("primary")
    if total.value is None or not_analysed.value is None:
        return _withheld("secondary")
    difference = total.value - not_analysed.value
    return (
        _published(difference)
        if difference == 0 or difference >= threshold
        else _withheld("primary")
    )


def findings_tables(
    cases: list[CaseFindings], statistics: CaseStatistics, *, threshold: int
) -> FindingsTables:
    """The published tables of the counted cases of a period. Pure."""
    qualifications = Counter(c.qualification or NOT_ANALYSED for c in cases)
    summary = suppress_series(
        {q: qualifications[q] for q in (*LegalAnalysis.Qualification.values, NOT_ANALYSED)},
        threshold=threshold,
    )
    violations = [c for c in cases if c.qualification == LegalAnalysis.Qualification.VIOLATION]
    articles: Counter[str] = Counter()
    by_instrument: Counter[str] = Counter()
    for case in violations:
        articles.update(case.rights)
        by_instrument.update({instrument_of(r) for r in case.rights})
    article_codes = [a.code for a in codes.articles()]
    article_codes += sorted(set(articles) - set(article_codes))  # a retired article
    instrument_codes = [i.code for i in instruments()]
    instrument_codes += sorted(set(by_instrument) - set(instrument_codes))
    analysed = [c for c in cases if c.qualification]
    strategic = sum(c.strategic for c in analysed)
    strategic_series = suppress_series(
        {STRATEGIC: strategic, NOT_STRATEGIC: len(analysed) - strategic}, threshold=threshold
    )
    responses: Counter[str] = Counter()
    for case in cases:
        responses.update(case.responses)
    outcomes = Counter(c.closure for c in cases if c.closure)
    return FindingsTables(
        threshold=threshold,
        summary=summary,
        analysed=analysed_entry(summary, threshold),
        by_instrument=suppress_series(
            {i: by_instrument[i] for i in instrument_codes}, threshold=threshold, total=False
        ),
        by_article=suppress_series(
            {a: articles[a] for a in article_codes}, threshold=threshold, total=False
        ),
        strategic=strategic_series.count(STRATEGIC),
        responses=suppress_series(
            {k: responses[k] for k in Response.Kind.values}, threshold=threshold, total=False
        ),
        outcomes=suppress_series(
            {c: outcomes[c] for c in Case.Closure.values}, threshold=threshold
        ),
        statistics=statistics,
    )


def listed(series: SuppressedSeries) -> list[tuple[str, Published]]:
    """The entries worth a row, most frequent first: the published non-zero ones by value,
    then the withheld ones in the order of the code list — never by their hidden counts.
    Published zeros are left out (that they are zero is no secret)."""
    entries = [(key, series.count(key)) for key in series.categories]
    published = sorted(
        ((key, e) for key, e in entries if not e.suppressed and (e.value or 0) > 0),
        key=lambda item: -(item[1].value or 0),
    )
    return published + [(key, e) for key, e in entries if e.suppressed]


# --- Who, and the job -----------------------------------------------------------------------


def may_generate(user: AnyUser, country: Country | None) -> bool:
    """Whether `user` may have the report of `country` written (`Perm.RIGHTS_VIEW_STATISTICS`
    there), or of all countries (the permission region-wide)."""
    scope = access.scope_for(user, Perm.RIGHTS_VIEW_STATISTICS)
    return scope.allows(country.pk) if country is not None else scope.everywhere


def findings_report_run(ctx: JobContext) -> str:
    """The body of the job `tasks.FINDINGS_REPORT`: the report of `date_from`..`date_to`, of
    `country` (ISO alpha-2, "" for all) in `language` as `format` ("pdf" or "docx"). Whoever
    started the job is checked again: its parameters are data, not a permission."""
    params = ctx.params
    language = params.get("language") or "en"
    fmt = "docx" if params.get("format") == "docx" else "pdf"
    iso2 = params.get("country") or ""
    with override(language):
        start = dt.date.fromisoformat(params["date_from"])
        end = dt.date.fromisoformat(params["date_to"])
        country = Country.objects.get(iso2=iso2) if iso2 else None
        user = ctx.job.created_by
        if user is None or not may_generate(user, country):
            raise PermissionDenied
        ctx.progress(5, _("Counting the cases of the period…"))
        threshold = selectors.suppression_threshold()
        facts = findings_facts(start, end, country=country, threshold=threshold)
        ctx.progress(30, _("Writing the report…"))
        document = findings_document(
            start, end, language=language, country=country, threshold=threshold, facts=facts
        )
        ctx.progress(40, _("Drawing the charts and laying out the pages…"))
        content = doc.render_docx(document) if fmt == "docx" else doc.render_pdf(document)
        ctx.progress(90, _("Saving the file…"))
        place = iso2.lower() or "all"
        ctx.save_result(f"findings-report-{start}-{end}-{place}-{language}.{fmt}", content)
        # No count in the message: it is shown as it is, outside the suppressed tables.
        return _("The findings report is ready.")


# --- The document ----------------------------------------------------------------------------


def findings_document(
    start: dt.date,
    end: dt.date,
    *,
    language: str,
    country: Country | None = None,
    threshold: int | None = None,
    facts: FindingsFacts | None = None,
) -> doc.Document:
    """The findings report of the cases received from `start` to `end` (both included), in
    `country` or in every country, written in `language`; `facts` when already collected."""
    threshold = threshold if threshold is not None else selectors.suppression_threshold()
    with override(language):
        facts = facts or findings_facts(start, end, country=country, threshold=threshold)
        tables = findings_tables(facts.cases, facts.statistics, threshold=threshold)
        writer = _Writer(tables, facts)
        place = country.name if country else _("all countries of the network")
        return doc.Document(
            title=_("Legal analysis findings: %(start)s – %(end)s")
            % {"start": date_format(start, "DATE_FORMAT"), "end": date_format(end, "DATE_FORMAT")},
            subtitle=_("Human rights cases documented by the network: %(place)s")
            % {"place": place},
            language=language,
            blocks=[
                *writer.summary(),
                *writer.rights(),
                *writer.violation_types(),
                *writer.perpetrators(),
                *writer.strategic(),
                *writer.responses(),
                *writer.methods(),
            ],
            footer=_("Generated by hrmonitor on %(date)s")
            % {"date": date_format(timezone.localdate(), "DATE_FORMAT")},
        )


def _number(value: int) -> str:
    return number_format(value, use_l10n=True, force_grouping=True)


class _Writer:
    """Writes the sections in the active language; every number through `shown`."""

    def __init__(self, tables: FindingsTables, facts: FindingsFacts) -> None:
        self.tables = tables
        self.facts = facts
        self.k = tables.threshold

    def shown(self, entry: Published) -> str:
        if entry.reason == "primary":
            return f"<{self.k}"
        if entry.reason == "secondary":
            return WITHHELD_MARK
        return _number(entry.value or 0)

    def summary(self) -> list[doc.Block]:
        tables = self.tables
        summary = tables.summary
        blocks: list[doc.Block] = [
            doc.Heading(_("Summary")),
            doc.Paragraph(
                _(
                    "The cases received from %(start)s to %(end)s whose clients consented to "
                    "the use of their case in anonymised statistics, as the legal analysts "
                    "qualified them. The report holds counts only; small numbers are withheld "
                    "(see “Methods”)."
                )
                % {
                    "start": date_format(self.facts.start, "DATE_FORMAT"),
                    "end": date_format(self.facts.end, "DATE_FORMAT"),
                }
            ),
        ]
        qualifications = dict(LegalAnalysis.Qualification.choices)
        rows = [
            [_("Cases received, with consent to statistics"), self.shown(summary.total())],
            [_("Cases analysed"), self.shown(tables.analysed)],
        ]
        rows += [
            [
                _("of which: %(qualification)s") % {"qualification": qualifications[code]},
                self.shown(summary.count(code)),
            ]
            for code in LegalAnalysis.Qualification.values
        ]
        rows.append([_("Not analysed yet"), self.shown(summary.count(NOT_ANALYSED))])
        blocks.append(doc.Table(columns=[_("Cases"), _("Number")], rows=rows, numeric={1}))
        if tables.empty:
            blocks.append(
                doc.Paragraph(
                    _("No case documented with consent to statistics was received in this period."),
                    style="muted",
                )
            )
        return blocks

    def rights(self) -> list[doc.Block]:
        blocks: list[doc.Block] = [doc.Heading(_("Rights found violated"))]
        by_instrument = listed(self.tables.by_instrument)
        by_article = listed(self.tables.by_article)
        if not by_article:
            blocks.append(
                doc.Paragraph(
                    _("No analysis of this period found a right violated."), style="muted"
                )
            )
            return blocks
        blocks.append(
            doc.Paragraph(
                _(
                    "In the cases qualified as human rights violations, a case counts once under "
                    "each instrument and each article its legal analysis found violated, so the "
                    "numbers do not add up to the number of cases."
                ),
                style="muted",
            )
        )
        names = {i.code: i.label for i in instruments()}
        blocks.append(
            doc.Table(
                columns=[_("Instrument"), _("Cases")],
                rows=[[names.get(code, code), self.shown(e)] for code, e in by_instrument],
                numeric={1},
            )
        )
        articles = {a.code: a.label for a in codes.articles()}
        rows = []
        for code, entry in by_article:
            label = articles.get(code, code)
            # "ICCPR art. 7: Freedom from torture…": the instrument has a column of its own.
            article = label.split(" ", 1)[1] if " " in label else label
            rows.append([instrument_of(code), article, self.shown(entry)])
        blocks.append(
            doc.Table(
                columns=[_("Instrument"), _("Article"), _("Cases")],
                rows=rows,
                caption=_("Articles found violated, most often first"),
                numeric={2},
            )
        )
        return blocks

    def violation_types(self) -> list[doc.Block]:
        blocks: list[doc.Block] = [doc.Heading(_("Violation types"))]
        table = self.tables.statistics.by_violation
        if not table.columns:
            blocks.append(doc.Paragraph(_("No act was documented in these cases."), style="muted"))
            return blocks
        blocks.append(
            doc.Paragraph(
                _(
                    "A case counts once under each type named in its acts, so the totals count "
                    "violations, not cases."
                ),
                style="muted",
            )
        )
        names = self.facts.country_names
        columns = sorted(table.columns, key=lambda iso2: names.get(iso2, iso2))
        region = self.facts.country is None
        # A column per country when there are a few, with the total of all; the one country of
        # the region is named in the header; more go to a table of their own.
        split = region and 2 <= len(columns) <= COUNTRY_COLUMNS
        by_country = region and len(columns) > COUNTRY_COLUMNS
        types = [
            code
            for code in table.rows
            if any(
                e.suppressed or e.value
                for e in [table.row_total(code), *(table.cell(code, c) for c in columns)]
            )
        ]
        header = [_("Violation type")]
        if split:
            header += [names.get(iso2, iso2) for iso2 in columns]
        if not region:
            header.append(_("Violations"))
        elif split:
            header.append(_("Total"))  # short: the numeric columns are narrow
        elif len(columns) == 1:
            header.append(names.get(columns[0], columns[0]))
        else:
            header.append(_("All countries"))
        rows = []
        for code in types:
            cells = [self.shown(table.cell(code, c)) for c in columns] if split else []
            rows.append(
                [codes.label("violations", code), *cells, self.shown(table.row_total(code))]
            )
        totals = [self.shown(table.column_total(c)) for c in columns] if split else []
        rows.append([_("Violations, all types"), *totals, self.shown(table.grand_total())])
        blocks.append(doc.Table(columns=header, rows=rows, numeric=set(range(1, len(header)))))
        if by_country:
            blocks.append(
                doc.Table(
                    columns=[_("Country"), _("Violations, all types")],
                    rows=[[names.get(c, c), self.shown(table.column_total(c))] for c in columns],
                    caption=_("Violations by country (a case counts once under each type)"),
                    numeric={1},
                )
            )
        chart = self.chart(types)
        if chart is not None:
            blocks.append(chart)
        return blocks

    def chart(self, types: list[str]) -> doc.BarChart | None:
        """The most documented types, published values only: a withheld one is no bar."""
        table = self.tables.statistics.by_violation
        shown = [
            (code, table.row_total(code).value or 0)
            for code in types
            if not table.row_total(code).suppressed and (table.row_total(code).value or 0) > 0
        ]
        shown = sorted(shown, key=lambda item: -item[1])[:CHART_BARS]
        if not shown:
            return None
        return doc.BarChart(
            title=_("Documented violations by type (published values only)"),
            categories=[codes.label("violations", code) for code, _value in shown],
            series=[("", [float(value) for _code, value in shown])],
            unit=_("violations"),
            horizontal=True,
            counts=True,
        )

    def perpetrators(self) -> list[doc.Block]:
        blocks: list[doc.Block] = [doc.Heading(_("Perpetrators"))]
        entries = listed(self.tables.statistics.by_perpetrator)
        if not entries:
            blocks.append(doc.Paragraph(_("No act was documented in these cases."), style="muted"))
            return blocks
        blocks.append(
            doc.Paragraph(
                _("A case counts once under each perpetrator of its acts."), style="muted"
            )
        )
        blocks.append(
            doc.Table(
                columns=[_("Perpetrator"), _("Cases")],
                rows=[[codes.label("perpetrators", code), self.shown(e)] for code, e in entries],
                numeric={1},
            )
        )
        return blocks

    def strategic(self) -> list[doc.Block]:
        return [
            doc.Heading(_("Strategic cases")),
            doc.Paragraph(
                _(
                    "Cases the legal analysts selected as strategic (for litigation or "
                    "advocacy): %(count)s."
                )
                % {"count": self.shown(self.tables.strategic)}
            ),
        ]

    def responses(self) -> list[doc.Block]:
        blocks: list[doc.Block] = [doc.Heading(_("Responses and outcomes"))]
        kinds = dict(Response.Kind.choices)
        entries = listed(self.tables.responses)
        if entries:
            blocks.append(
                doc.Paragraph(
                    _(
                        "A case counts once under each type of response it received (planned, "
                        "under way or done; a response the client refused is not counted)."
                    ),
                    style="muted",
                )
            )
            blocks.append(
                doc.Table(
                    columns=[_("Response"), _("Cases")],
                    rows=[[str(kinds.get(code, code)), self.shown(e)] for code, e in entries],
                    numeric={1},
                )
            )
        else:
            blocks.append(
                doc.Paragraph(_("No response was recorded for these cases."), style="muted")
            )
        outcomes = self.tables.outcomes
        closures = dict(Case.Closure.choices)
        if outcomes.total().value == 0:
            blocks.append(doc.Paragraph(_("None of these cases is closed yet."), style="muted"))
            return blocks
        rows = [
            [str(closures[code]), self.shown(outcomes.count(code))] for code in outcomes.categories
        ]
        rows.append([_("All closed cases"), self.shown(outcomes.total())])
        blocks.append(
            doc.Table(
                columns=[_("Outcome of the closed cases"), _("Cases")], rows=rows, numeric={1}
            )
        )
        return blocks

    def methods(self) -> list[doc.Block]:
        k = self.k
        return [
            doc.Heading(_("Methods")),
            doc.Paragraph(
                _(
                    "Only cases whose clients consented to the use of their case in anonymised "
                    "statistics, and have not withdrawn that consent, are counted. A case "
                    "counts in the period in which it was received; its legal analysis, "
                    "responses and outcome are those recorded by the day this report was "
                    "written."
                )
            ),
            doc.Paragraph(
                _(
                    "“<%(k)s”: a number from 1 to %(below)s, not published so that no one can "
                    "be recognised from a small number of cases (in a line whose total is "
                    "below %(k)s, zeros are not published either). “x”: a number withheld as "
                    "well, because together with the published numbers it would give away "
                    "one shown as “<%(k)s”. Each table is protected on its own."
                )
                % {"k": k, "below": k - 1}
            ),
            doc.Paragraph(
                _(
                    "The report holds counts only: no account of what happened, no client "
                    "code, no place below the country, no text of a legal analysis and no case "
                    "reference. No case can be identified from it."
                )
            ),
        ]
