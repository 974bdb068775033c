"""Reads of case documentation for published statistics and for the access log.

Every function answers with a fixed number of queries, whatever the number of cases.

What the statistics count
    A case is *counted* when its client gave the consent to the use of the case in anonymised
    statistics (`Consent.Item.STATISTICS`) and that consent is in force (given, not
    withdrawn); no other case is ever counted, not even in a total. A case belongs to the
    period in which it was received (`received_on`) and to the country it was documented in.

    - Cases (the total), by gender and by quarter of receipt: each counted case once.
    - By violation type: a case counts once under each type named in any of its acts (two
      acts of the same type count once), so a case with several types counts several times,
      and the totals of that table count *violations* (case × type), not cases. Cases without
      an act yet appear in the total but in no type.
    - By perpetrator: a case counts once under each perpetrator of its acts.
    - By key group: a case counts once under each key group recorded for the client.

    Counting reads only plain columns (country, date of receipt, gender, key groups, the acts'
    violation and perpetrator codes): nothing is ever decrypted.

Suppression
    Every breakdown is published through `rights.suppression` with the configured threshold:
    the country × violation table with its row, column and grand totals; gender and quarter
    as series with their total (each is a partition of the counted cases, and the total is
    published, so the series must be protected against it); perpetrators and key groups as
    series without a total (a case may count under several categories, or none, so no total
    adds them up). Categories are always the full code lists, never only the ones that
    occur: the set of categories shown must not tell which withheld entries are non-zero.

Limits (see also `rights.suppression`)
    Each table is protected on its own; differences between tables of the same cases (two
    breakdowns, two overlapping periods, a country page and the regional page) are not taken
    into account. A total of violations may rest on fewer cases than the threshold (one case
    with several types); it says how many violations were documented, never which.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Exists, OuterRef, QuerySet

from hrmonitor.core.models import Country
from hrmonitor.rights import codes
from hrmonitor.rights.models import AccessLog, Act, Case, Consent
from hrmonitor.rights.suppression import (
    Published,
    SuppressedSeries,
    SuppressedTable,
    suppress_series,
    suppress_table,
)


def suppression_threshold() -> int:
    """The smallest count that is published (`HRMONITOR_SUPPRESSION_THRESHOLD`, 5 by default)."""
    return int(getattr(settings, "HRMONITOR_SUPPRESSION_THRESHOLD", 5))


def last_twelve_months(today: dt.date) -> tuple[dt.date, dt.date]:
    """The twelve months up to and including `today` (from the day after the same date a year
    earlier; 29 February counts from 1 March)."""
    try:
        year_before = today.replace(year=today.year - 1)
    except ValueError:  # 29 February
        year_before = today.replace(year=today.year - 1, day=28)
    return year_before + dt.timedelta(days=1), today


# --- Counted cases ---------------------------------------------------------------------------


def counted_cases(
    *, start: dt.date | None = None, end: dt.date | None = None, country: Country | None = None
) -> QuerySet[Case]:
    """The cases that statistics may count: the client's consent to anonymised statistics is
    in force. Optionally received between `start` and `end` (both included), in `country`."""
    consent_in_force = Consent.objects.filter(
        case=OuterRef("pk"),
        item=Consent.Item.STATISTICS,
        given=True,
        withdrawn_on__isnull=True,
    )
    cases = Case.objects.filter(Exists(consent_in_force)).order_by()
    if start is not None:
        cases = cases.filter(received_on__gte=start)
    if end is not None:
        cases = cases.filter(received_on__lte=end)
    if country is not None:
        cases = cases.filter(country=country)
    return cases


@dataclass(frozen=True)
class CaseFacts:
    """What statistics may know of one counted case: plain columns only."""

    country: str  # ISO 3166-1 alpha-2
    received_on: dt.date
    gender: str
    key_groups: frozenset[str]
    violations: frozenset[str]
    perpetrators: frozenset[str]


def counted_case_facts(
    *, start: dt.date | None = None, end: dt.date | None = None, country: Country | None = None
) -> list[CaseFacts]:
    """The counted cases (see `counted_cases`) with their acts' codes. Two queries; no model
    instance is built, so no encrypted column is ever read."""
    cases = counted_cases(start=start, end=end, country=country)
    rows = list(cases.values_list("pk", "country__iso2", "received_on", "gender", "key_groups"))
    violations: dict[object, set[str]] = {pk: set() for pk, *_rest in rows}
    perpetrators: dict[object, set[str]] = {pk: set() for pk, *_rest in rows}
    acts = Act.objects.filter(case__in=cases.values("pk")).order_by()
    for case_id, act_violations, perpetrator in acts.values_list(
        "case_id", "violations", "perpetrator"
    ):
        if case_id not in violations:  # counted after the first query was read
            continue
        violations[case_id].update(str(v) for v in act_violations or ())
        perpetrators[case_id].add(str(perpetrator))
    return [
        CaseFacts(
            country=iso2,
            received_on=received_on,
            gender=gender,
            key_groups=frozenset(str(g) for g in key_groups or ()),
            violations=frozenset(violations[pk]),
            perpetrators=frozenset(perpetrators[pk]),
        )
        for pk, iso2, received_on, gender, key_groups in rows
    ]


# --- Published statistics --------------------------------------------------------------------


@dataclass(frozen=True)
class CaseStatistics:
    """The published (suppressed) statistics of the counted cases received in a period.

    `by_violation` has the violation types as rows (the whole code list) and the countries
    with at least one documented violation as columns (ISO alpha-2 codes), with row, column
    and grand totals, which count violations (see the module docstring)."""

    start: dt.date
    end: dt.date
    country: str  # ISO alpha-2 of the country asked for, "" for all countries
    threshold: int
    total: Published
    by_violation: SuppressedTable
    by_perpetrator: SuppressedSeries
    by_key_group: SuppressedSeries
    by_gender: SuppressedSeries
    by_quarter: SuppressedSeries

    @property
    def empty(self) -> bool:
        """No counted case in the period (a published zero)."""
        return self.total.value == 0


def quarter_key(day: dt.date) -> str:
    return f"{day.year}-Q{(day.month - 1) // 3 + 1}"


def quarters_between(start: dt.date, end: dt.date) -> list[str]:
    """The quarters that overlap `start`..`end`, oldest first ("2026-Q1")."""
    found: list[str] = []
    year, quarter = start.year, (start.month - 1) // 3
    while (year, quarter) <= (end.year, (end.month - 1) // 3):
        found.append(f"{year}-Q{quarter + 1}")
        year, quarter = (year + 1, 0) if quarter == 3 else (year, quarter + 1)
    return found


def _code_order(list_name: str, seen: Iterable[str]) -> list[str]:
    """The codes of a list in its order, then any other code met (an old, retired code)."""
    known = [c.code for c in codes.code_list(list_name)]
    return known + sorted(set(seen) - set(known))


def _counter(values: Iterable[Iterable[str]]) -> Counter[str]:
    counter: Counter[str] = Counter()
    for found in values:
        counter.update(found)
    return counter


def tabulate(
    facts: Sequence[CaseFacts],
    *,
    start: dt.date,
    end: dt.date,
    threshold: int,
    country: str = "",
) -> CaseStatistics:
    """The suppressed tables of `facts` (the counted cases of the period). Pure."""
    countries = sorted({f.country for f in facts if f.violations})
    violation_codes = _code_order("violations", (v for f in facts for v in f.violations))
    pairs: Counter[tuple[str, str]] = Counter(
        (violation, f.country) for f in facts for violation in f.violations
    )
    # Every type and every country present, zeros included, in the order to show them.
    cells = {(v, iso2): pairs[(v, iso2)] for v in violation_codes for iso2 in countries}
    by_violation = suppress_table(cells, threshold=threshold)

    perpetrators = _counter(f.perpetrators for f in facts)
    key_groups = _counter(f.key_groups for f in facts)
    genders = Counter(f.gender for f in facts)
    quarters = Counter(quarter_key(f.received_on) for f in facts)
    gender_codes = list(Case.Gender.values) + sorted(set(genders) - set(Case.Gender.values))
    by_gender = suppress_series({g: genders[g] for g in gender_codes}, threshold=threshold)
    return CaseStatistics(
        start=start,
        end=end,
        country=country,
        threshold=threshold,
        # Gender is a partition of the counted cases: its total is the number of cases.
        total=by_gender.total(),
        by_violation=by_violation,
        by_perpetrator=suppress_series(
            {p: perpetrators[p] for p in _code_order("perpetrators", perpetrators)},
            threshold=threshold,
            total=False,
        ),
        by_key_group=suppress_series(
            {g: key_groups[g] for g in _code_order("key_groups", key_groups)},
            threshold=threshold,
            total=False,
        ),
        by_gender=by_gender,
        by_quarter=suppress_series(
            {q: quarters[q] for q in quarters_between(start, end)}, threshold=threshold
        ),
    )


def case_statistics(
    *, start: dt.date, end: dt.date, country: Country | None = None, threshold: int
) -> CaseStatistics:
    """The published statistics of the cases received from `start` to `end` (both included),
    in `country` or in every country. Two queries."""
    facts = counted_case_facts(start=start, end=end, country=country)
    return tabulate(
        facts, start=start, end=end, threshold=threshold, country=country.iso2 if country else ""
    )


@dataclass(frozen=True)
class Figure:
    """One published entry as a page shows it: the value, "<5" or "x"."""

    key: str
    label: str
    published: Published
    threshold: int

    @property
    def text(self) -> str:
        return self.published.display(self.threshold)

    @property
    def value(self) -> int | None:
        return self.published.value

    @property
    def withheld(self) -> bool:
        return self.published.suppressed

    @property
    def reason(self) -> str:
        return self.published.reason or ""


@dataclass(frozen=True)
class CountryCaseSummary:
    """A country's published case figures for its profile."""

    start: dt.date
    end: dt.date
    threshold: int
    total: Figure
    top_violations: list[Figure]

    @property
    def empty(self) -> bool:
        return self.total.value == 0


TOP_VIOLATIONS = 5


def country_case_summary(*, country: Country, today: dt.date, threshold: int) -> CountryCaseSummary:
    """The country's published number of counted cases received in the last twelve months and
    its most documented violation types. Two queries.

    The published types come first, by value; then the withheld ones in the order of the code
    list — never by their hidden counts. When the country's number of violations is itself
    below the threshold, every type is withheld (a zero too, see `rights.suppression`) and
    none is listed: listing only the non-zero ones would publish that they are non-zero."""
    start, end = last_twelve_months(today)
    stats = case_statistics(start=start, end=end, country=country, threshold=threshold)
    total = Figure("total", "", stats.total, threshold)
    table = stats.by_violation
    top: list[Figure] = []
    if country.iso2 in table.columns and table.column_total(country.iso2).reason != "primary":
        entries = [
            Figure(code, codes.label("violations", code), table.cell(code, country.iso2), threshold)
            for code in table.rows
        ]
        shown = [e for e in entries if e.withheld or (e.value or 0) > 0]
        published = sorted((e for e in shown if not e.withheld), key=lambda e: -(e.value or 0))
        top = (published + [e for e in shown if e.withheld])[:TOP_VIOLATIONS]
    return CountryCaseSummary(
        start=start, end=end, threshold=threshold, total=total, top_violations=top
    )


# --- The access log --------------------------------------------------------------------------


def access_log_entries(
    *,
    username: str = "",
    reference: str = "",
    action: str = "",
    start: dt.date | None = None,
    end: dt.date | None = None,
) -> QuerySet[AccessLog]:
    """The access log, newest first, filtered by (part of) the username, the case reference,
    the action and the days of access (both included, in the site's time zone)."""
    entries = AccessLog.objects.order_by("-at", "-pk")
    if username:
        entries = entries.filter(username__icontains=username)
    if reference:
        entries = entries.filter(case_reference__iexact=reference)
    if action:
        entries = entries.filter(action=action)
    if start is not None:
        entries = entries.filter(at__date__gte=start)
    if end is not None:
        entries = entries.filter(at__date__lte=end)
    return entries
