"""The efficiency assessment of harm-reduction services, without Django: what services cost
per client and per syringe, how far they cover the people who inject drugs, and the coverage
level of the WHO/UNODC/UNAIDS guide each figure reaches.

Inputs are plain values (the thin Django layer in `selectors_efficiency` builds them from the
`ServiceDelivery`, `PwidEstimate` and `ExchangeRate` tables), so the page, the downloads and
the report compute the same figures.

Rules:

- **Unknown stays unknown.** A figure that cannot be computed is a `Figure` whose value is
  None, with the reasons why; an empty input is never read as zero, and a zero denominator
  gives no ratio.
- **Costs in US dollars** at the rate of the record's own year (`policy.funding.to_usd`); a
  missing rate is never borrowed from another year: the cost, and every unit cost from it, is
  unknown.
- **A country's figures** come from its record for the programme as a whole (a record
  without a site) when there is one — the sites' records are then its detail and adding them
  would count twice — and otherwise from the sum of its sites' records. A sum is known only
  when every record states the figure.
- **Coverage** divides by the published estimate of people who inject drugs (PWID): the
  central value uses the middle of the estimate's range, and the bounds use its ends (the
  high estimate gives the lowest coverage). The estimate is the latest published for the
  year or before it.
- **Levels** are those of the WHO/UNODC/UNAIDS Technical Guide (2009, revised 2012):
  syringes per PWID per year low below 100, medium from 100 to 200, high above 200; opioid
  agonist therapy (OAT) clients per 100 PWID low below 20, medium from 20 to 40, high above
  40. When the bounds of the range fall in different levels, the classification says so
  ("medium to high") instead of picking one.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

from hrmonitor.policy.funding import USD, Rates, to_usd

LOW, MEDIUM, HIGH = "low", "medium", "high"
LEVELS_IN_ORDER = (LOW, MEDIUM, HIGH)

# Why a figure is unknown (the Django layer words them).
NO_COST = "no_cost"  # the cost is not stated (in `count` of `of` records)
NO_RATE = "no_rate"  # no exchange rate for `detail` (a currency) in the year
NOT_STATED = "not_stated"  # the count `detail` is not stated (in `count` of `of` records)
ZERO = "zero"  # the divisor `detail` is zero: no ratio of nothing
NO_PWID = "no_pwid"  # no estimate of people who inject drugs for the year or before

PROGRAMME, SITES = "programme", "sites"
# The counts of a record (the `Delivery` fields), as reasons name them.
CLIENTS, SYRINGES, OAT_CLIENTS = "clients_reached", "syringes", "oat_clients"
NALOXONE_KITS, TESTS, PWID = "naloxone_kits", "tests", "pwid"


@dataclass(frozen=True)
class Levels:
    """The coverage levels of one indicator: below `medium_from` low; from `medium_from` up
    to and including `high_above` medium; above `high_above` high."""

    medium_from: Decimal
    high_above: Decimal


# WHO, UNODC, UNAIDS. Technical guide for countries to set targets for universal access to
# HIV prevention, treatment and care for injecting drug users, 2009 (revised 2012).
SYRINGE_LEVELS = Levels(medium_from=Decimal(100), high_above=Decimal(200))
OAT_LEVELS = Levels(medium_from=Decimal(20), high_above=Decimal(40))


def level_of(value: Decimal, levels: Levels) -> str:
    """The guide's level of `value`: exactly 100 and exactly 200 syringes are both medium."""
    if value < levels.medium_from:
        return LOW
    if value <= levels.high_above:
        return MEDIUM
    return HIGH


@dataclass(frozen=True)
class Classification:
    """The levels of the lowest and the highest plausible value; one level when they agree."""

    lowest: str
    highest: str

    @property
    def certain(self) -> bool:
        return self.lowest == self.highest


def classify(lowest: Decimal, highest: Decimal, levels: Levels) -> Classification:
    """The classification of a value known to lie between `lowest` and `highest`."""
    return Classification(level_of(lowest, levels), level_of(highest, levels))


@dataclass(frozen=True)
class Reason:
    """Why a figure is unknown: `code` (see above); `detail` names the currency without a
    rate or the count not stated (a `Delivery` field), `count` of `of` records leave it
    empty."""

    code: str
    detail: str = ""
    count: int = 0
    of: int = 0


@dataclass(frozen=True)
class Figure:
    """A computed figure, or None with the reasons it cannot be computed."""

    value: Decimal | None
    reasons: tuple[Reason, ...] = ()

    @property
    def known(self) -> bool:
        return self.value is not None


@dataclass(frozen=True)
class Coverage:
    """Coverage at the estimate's middle (`value`) and at its ends (`lowest` with the high
    estimate, `highest` with the low one), and its level; all None when unknown."""

    value: Decimal | None
    lowest: Decimal | None = None
    highest: Decimal | None = None
    level: Classification | None = None
    reasons: tuple[Reason, ...] = ()

    @property
    def known(self) -> bool:
        return self.value is not None

    @property
    def is_range(self) -> bool:
        return self.lowest is not None and self.lowest != self.highest


@dataclass(frozen=True)
class Estimate:
    """A published estimate of people who inject drugs in a country: a range (low = high
    for a single figure), its year and source."""

    year: int
    low: int
    high: int
    source: str = ""

    @property
    def central(self) -> Decimal:
        """The middle of the range, which coverage divides by."""
        return (Decimal(self.low) + Decimal(self.high)) / 2


@dataclass(frozen=True)
class Delivery:
    """One record: what a site (`site_id`) or a country's programme as a whole
    (`site_id` None) delivered in a year and what it cost, in `currency`. None = not stated."""

    key: int
    country_id: int
    site_id: int | None
    year: int
    clients_reached: int | None = None
    syringes: int | None = None
    oat_clients: int | None = None
    naloxone_kits: int | None = None
    tests: int | None = None
    cost: Decimal | None = None
    currency: str = USD


@dataclass(frozen=True)
class RecordResult:
    """A record's cost in US dollars and its unit costs."""

    delivery: Delivery
    cost_usd: Figure
    per_client: Figure
    per_syringe: Figure


@dataclass(frozen=True)
class CountryResult:
    """A country's year: its totals (from the programme record or the sites' sum, see
    `basis`), unit costs, the estimate used and coverage. `records` lists every record of
    the country that year, the programme's first."""

    country_id: int
    year: int
    basis: str
    records: tuple[RecordResult, ...]
    clients: Figure
    syringes: Figure
    oat_clients: Figure
    naloxone_kits: Figure
    tests: Figure
    cost_usd: Figure
    per_client: Figure
    per_syringe: Figure
    estimate: Estimate | None
    syringe_coverage: Coverage
    oat_coverage: Coverage


# --- Estimates -------------------------------------------------------------------------------

NOT_KNOWN_MARKERS = frozenset({"", "nk", "n/k", "—", "-", "–", "n.a.", "na"})
RANGE_SEPARATORS = re.compile(r"\s*[–—-]\s*")
GROUPING = re.compile(r"[,\s\u00a0\u202f]")


def parse_estimate(text: str) -> tuple[int, int] | None:
    """A printed estimate as (low, high): "5,132–6,182" → (5132, 6182); "9,000" → (9000,
    9000); "nk" (not known) or empty → None. Anything else raises ValueError: a figure that
    cannot be read is not silently dropped."""
    cleaned = text.strip()
    if cleaned.casefold() in NOT_KNOWN_MARKERS:
        return None
    parts = RANGE_SEPARATORS.split(cleaned)
    if len(parts) > 2:
        raise ValueError(f"not an estimate: {text!r}")
    numbers = [GROUPING.sub("", part) for part in parts]
    if not all(number.isdigit() for number in numbers):
        raise ValueError(f"not an estimate: {text!r}")
    low, high = int(numbers[0]), int(numbers[-1])
    if high < low:
        raise ValueError(f"the range is reversed: {text!r}")
    return low, high


def estimate_for_year(estimates: Iterable[Estimate], year: int) -> Estimate | None:
    """The latest estimate published for `year` or before; None when all are later (an
    estimate is not projected backwards)."""
    earlier = [e for e in estimates if e.year <= year]
    return max(earlier, key=lambda e: e.year) if earlier else None


# --- Coverage --------------------------------------------------------------------------------


def coverage(count: Figure, estimate: Estimate | None, levels: Levels, *, per: int = 1) -> Coverage:
    """`count` × `per` ÷ the estimate of people who inject drugs, at the estimate's middle
    and ends, classified by `levels`.

    Syringes per PWID per year = syringes ÷ PWID (per = 1); OAT clients per 100 PWID = OAT
    clients × 100 ÷ PWID (per = 100). Unknown when the count or the estimate is, or when the
    estimate is zero.
    """
    reasons: list[Reason] = list(count.reasons)
    if estimate is None:
        reasons.append(Reason(NO_PWID))
    elif estimate.low <= 0:
        reasons.append(Reason(ZERO, detail=PWID))
    if count.value is None or estimate is None or reasons:
        return Coverage(None, reasons=tuple(reasons))
    scaled = count.value * per
    lowest = scaled / Decimal(estimate.high)
    highest = scaled / Decimal(estimate.low)
    return Coverage(
        value=scaled / estimate.central,
        lowest=lowest,
        highest=highest,
        level=classify(lowest, highest, levels),
    )


def syringe_coverage(syringes: Figure, estimate: Estimate | None) -> Coverage:
    """Needles and syringes distributed per person who injects drugs per year."""
    return coverage(syringes, estimate, SYRINGE_LEVELS)


def oat_coverage(oat_clients: Figure, estimate: Estimate | None) -> Coverage:
    """OAT clients per 100 people who inject drugs. The guide's denominator is opioid-dependent
    PWID, which the estimates do not give: with all PWID, coverage reads lower than the
    guide's."""
    return coverage(oat_clients, estimate, OAT_LEVELS, per=100)


# --- Costs -----------------------------------------------------------------------------------


def ratio(numerator: Figure, denominator: Figure, name: str) -> Figure:
    """numerator ÷ denominator (the count `name`); unknown when either is, or when the
    denominator is zero."""
    reasons = [*numerator.reasons, *denominator.reasons]
    if numerator.value is None or denominator.value is None:
        return Figure(None, tuple(reasons))
    if denominator.value == 0:
        return Figure(None, (Reason(ZERO, detail=name),))
    return Figure(numerator.value / denominator.value)


def cost_usd(delivery: Delivery, rates: Rates) -> Figure:
    """The record's cost in US dollars at its year's rate."""
    if delivery.cost is None:
        return Figure(None, (Reason(NO_COST, count=1, of=1),))
    converted = to_usd(delivery.cost, delivery.currency, delivery.year, rates)
    if converted is None:
        return Figure(None, (Reason(NO_RATE, detail=delivery.currency),))
    return Figure(converted)


def _count(value: int | None, name: str) -> Figure:
    if value is None:
        return Figure(None, (Reason(NOT_STATED, detail=name, count=1, of=1),))
    return Figure(Decimal(value))


def record_result(delivery: Delivery, rates: Rates) -> RecordResult:
    """Cost per client = cost in USD ÷ clients reached; cost per syringe = cost in USD ÷
    syringes distributed (the record's whole cost, all its services included)."""
    cost = cost_usd(delivery, rates)
    return RecordResult(
        delivery=delivery,
        cost_usd=cost,
        per_client=ratio(cost, _count(delivery.clients_reached, CLIENTS), CLIENTS),
        per_syringe=ratio(cost, _count(delivery.syringes, SYRINGES), SYRINGES),
    )


def total(values: Sequence[int | None], name: str) -> Figure:
    """The sum of the records' counts of `name`, known only when every record states it."""
    missing = sum(1 for value in values if value is None)
    if missing or not values:
        return Figure(None, (Reason(NOT_STATED, detail=name, count=missing, of=len(values)),))
    return Figure(Decimal(sum(value for value in values if value is not None)))


def total_cost(results: Sequence[RecordResult]) -> Figure:
    """The sum of the records' costs in US dollars, known only when every record states a
    cost with a rate for its currency that year."""
    missing = sum(1 for r in results if r.delivery.cost is None)
    currencies = sorted(
        {reason.detail for r in results for reason in r.cost_usd.reasons if reason.code == NO_RATE}
    )
    reasons = [Reason(NO_RATE, detail=currency) for currency in currencies]
    if missing:
        reasons.insert(0, Reason(NO_COST, count=missing, of=len(results)))
    if reasons or not results:
        return Figure(None, tuple(reasons))
    return Figure(sum((r.cost_usd.value or Decimal(0) for r in results), Decimal(0)))


# --- The assessment --------------------------------------------------------------------------


def country_result(
    country_id: int,
    year: int,
    deliveries: Sequence[Delivery],
    estimates: Sequence[Estimate],
    rates: Rates,
) -> CountryResult:
    """One country's year from its records (all of that country and year)."""
    results = sorted(
        (record_result(d, rates) for d in deliveries),
        key=lambda r: (r.delivery.site_id is not None, r.delivery.key),
    )
    programme = [r for r in results if r.delivery.site_id is None]
    basis = PROGRAMME if programme else SITES
    counted = programme[:1] if programme else results

    def summed(name: str) -> Figure:
        return total([getattr(r.delivery, name) for r in counted], name)

    clients = summed(CLIENTS)
    syringes = summed(SYRINGES)
    oat_clients = summed(OAT_CLIENTS)
    cost = total_cost(counted)
    estimate = estimate_for_year(estimates, year)
    return CountryResult(
        country_id=country_id,
        year=year,
        basis=basis,
        records=tuple(results),
        clients=clients,
        syringes=syringes,
        oat_clients=oat_clients,
        naloxone_kits=summed(NALOXONE_KITS),
        tests=summed(TESTS),
        cost_usd=cost,
        per_client=ratio(cost, clients, CLIENTS),
        per_syringe=ratio(cost, syringes, SYRINGES),
        estimate=estimate,
        syringe_coverage=syringe_coverage(syringes, estimate),
        oat_coverage=oat_coverage(oat_clients, estimate),
    )


def assess(
    deliveries: Iterable[Delivery],
    estimates: Mapping[int, Sequence[Estimate]],
    rates: Rates,
) -> list[CountryResult]:
    """One result per country and year that has records, ordered by country id and year.
    `estimates` maps a country id to its published estimates (any years)."""
    grouped: dict[tuple[int, int], list[Delivery]] = defaultdict(list)
    for delivery in deliveries:
        grouped[(delivery.country_id, delivery.year)].append(delivery)
    return [
        country_result(
            country_id, year, grouped[(country_id, year)], estimates.get(country_id, ()), rates
        )
        for country_id, year in sorted(grouped)
    ]
