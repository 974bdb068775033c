"""Funding arithmetic, without Django: amounts in their currency converted to US dollars with
yearly rates, and each country's yearly totals, domestic share and gap to the estimated need.

Inputs are plain values (the thin Django layer in `selectors` builds them from the
`FundingRecord`, `ExchangeRate` and `FundingNeed` tables), so the pages, the API and the
results-framework source compute the same figures. Amounts stay exact `Decimal`s; `cents`
rounds them for display only.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

USD = "USD"
# The categories of `models.FundingSource` that are the country's own money; every other
# category (Global Fund, other international, private) counts as international.
DOMESTIC_CATEGORIES = frozenset({"domestic_national", "domestic_municipal"})
CENT = Decimal("0.01")
ZERO = Decimal(0)

# (currency code, year) -> US dollars per unit of the currency, that year.
Rates = Mapping[tuple[str, int], Decimal]


@dataclass(frozen=True, slots=True)
class FundingLine:
    """One funding record: `amount` of `currency` spent in `country_id` in `year`."""

    country_id: int
    year: int
    source_category: str
    amount: Decimal
    currency: str

    @property
    def is_domestic(self) -> bool:
        return self.source_category in DOMESTIC_CATEGORIES


@dataclass(frozen=True, slots=True)
class Need:
    """The estimated cost of a country's harm-reduction response in a year, in `currency`."""

    amount: Decimal
    currency: str = USD


# (country id, year) -> the estimated need of that country in that year.
Needs = Mapping[tuple[int, int], Need]


@dataclass(frozen=True, slots=True)
class YearSummary:
    """A country's funding in one year, in US dollars.

    The totals add the amounts that convert; `missing_rates` names the currencies (of the
    records or of the need) without a rate that year. While any is missing, the totals are
    incomplete, so `domestic_share` and `gap_usd` are None rather than wrong.
    """

    country_id: int
    year: int
    total_usd: Decimal
    domestic_usd: Decimal
    international_usd: Decimal
    domestic_share: Decimal | None
    need_usd: Decimal | None
    gap_usd: Decimal | None
    missing_rates: tuple[str, ...] = field(default=())

    @property
    def complete(self) -> bool:
        """Every amount of the year converted to US dollars."""
        return not self.missing_rates


def to_usd(amount: Decimal, currency: str, year: int, rates: Rates) -> Decimal | None:
    """`amount` of `currency` in US dollars at the rate of `year`: amount × USD per unit.
    US dollars are returned as they are; None when the currency has no rate that year (an
    amount is never converted with another year's rate)."""
    if currency == USD:
        return amount
    rate = rates.get((currency, year))
    if rate is None:
        return None
    return amount * rate


def domestic_share(domestic_usd: Decimal, total_usd: Decimal) -> Decimal | None:
    """Domestic ÷ total, between 0 and 1; None when nothing was spent (no share of nothing)."""
    if total_usd == ZERO:
        return None
    return domestic_usd / total_usd


def yearly_summary(records: Iterable[FundingLine], rates: Rates, needs: Needs) -> list[YearSummary]:
    """One summary per country and year that has funding records, ordered by country id and
    year.

    - total = the sum of the year's amounts converted with that year's rate;
      domestic = the part from `DOMESTIC_CATEGORIES`; international = the rest.
    - domestic share = domestic ÷ total (None when the total is 0 or a rate is missing).
    - need = the estimated need converted the same way (None without an estimate or a rate);
      gap = need − total (None without a need or while a rate is missing; negative when the
      funding exceeds the need).

    A need in a year without any funding record gives no row: nothing recorded is not the
    same as nothing spent.
    """
    totals: dict[tuple[int, int], list[Decimal]] = {}  # [total, domestic]
    missing: dict[tuple[int, int], set[str]] = {}
    for line in records:
        key = (line.country_id, line.year)
        sums = totals.setdefault(key, [ZERO, ZERO])
        missing.setdefault(key, set())
        usd = to_usd(line.amount, line.currency, line.year, rates)
        if usd is None:
            missing[key].add(line.currency)
            continue
        sums[0] += usd
        if line.is_domestic:
            sums[1] += usd
    summaries = []
    for key in sorted(totals):
        country_id, year = key
        total, domestic = totals[key]
        missing_here = missing[key]
        need = needs.get(key)
        need_usd = to_usd(need.amount, need.currency, year, rates) if need else None
        if need is not None and need_usd is None:
            missing_here.add(need.currency)
        complete = not missing_here
        summaries.append(
            YearSummary(
                country_id=country_id,
                year=year,
                total_usd=total,
                domestic_usd=domestic,
                international_usd=total - domestic,
                domestic_share=domestic_share(domestic, total) if complete else None,
                need_usd=need_usd,
                gap_usd=need_usd - total if need_usd is not None and complete else None,
                missing_rates=tuple(sorted(missing_here)),
            )
        )
    return summaries


def cents(amount: Decimal) -> Decimal:
    """An amount rounded to cents (half up), for display; compute with the exact amount."""
    return amount.quantize(CENT, rounding=ROUND_HALF_UP)
