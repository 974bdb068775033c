"""The funding arithmetic (no database): conversion to US dollars, yearly totals, domestic
share and gap to the need."""

from __future__ import annotations

from decimal import Decimal

from hrmonitor.policy.funding import (
    FundingLine,
    Need,
    YearSummary,
    cents,
    domestic_share,
    to_usd,
    yearly_summary,
)

KZ, GE = 1, 2
RATES = {("KZT", 2023): Decimal("0.0022"), ("EUR", 2023): Decimal("1.08")}


def line(
    year: int, category: str, amount: str, currency: str = "USD", country: int = KZ
) -> FundingLine:
    return FundingLine(country, year, category, Decimal(amount), currency)


def test_an_amount_converts_at_its_years_rate_exactly():
    assert to_usd(Decimal("1000000"), "KZT", 2023, RATES) == Decimal("2200.0000")
    assert to_usd(Decimal("100.50"), "EUR", 2023, RATES) == Decimal("108.5400")


def test_us_dollars_need_no_rate():
    assert to_usd(Decimal("12.34"), "USD", 1999, {}) == Decimal("12.34")


def test_no_rate_for_the_year_means_no_conversion_not_another_years_rate():
    assert to_usd(Decimal("1000"), "KZT", 2022, RATES) is None
    assert to_usd(Decimal("1000"), "AMD", 2023, RATES) is None


def test_a_year_sums_domestic_and_international_and_gives_the_share_and_gap():
    records = [
        line(2023, "domestic_national", "1000000", "KZT"),  # 2,200 USD
        line(2023, "domestic_municipal", "300"),
        line(2023, "global_fund", "3000"),
        line(2023, "private", "500"),
    ]
    [summary] = yearly_summary(records, RATES, {(KZ, 2023): Need(Decimal("10000"))})
    assert summary == YearSummary(
        country_id=KZ,
        year=2023,
        total_usd=Decimal("6000.0000"),
        domestic_usd=Decimal("2500.0000"),
        international_usd=Decimal("3500.0000"),
        domestic_share=Decimal("2500") / Decimal("6000"),
        need_usd=Decimal("10000"),
        gap_usd=Decimal("4000.0000"),
        missing_rates=(),
    )
    assert summary.complete
    assert cents(summary.domestic_share or Decimal(0)) == Decimal("0.42")


def test_a_need_in_another_currency_is_converted_and_funding_above_it_is_a_negative_gap():
    records = [line(2023, "domestic_national", "5000")]
    [summary] = yearly_summary(records, RATES, {(KZ, 2023): Need(Decimal("1000000"), "KZT")})
    assert summary.need_usd == Decimal("2200.0000")
    assert summary.gap_usd == Decimal("-2800.0000")
    assert summary.domestic_share == Decimal(1)


def test_without_a_need_there_is_no_gap():
    [summary] = yearly_summary([line(2023, "global_fund", "100")], RATES, {})
    assert (summary.need_usd, summary.gap_usd) == (None, None)
    assert summary.domestic_share == Decimal(0)


def test_a_missing_rate_is_named_and_withholds_the_share_and_the_gap():
    records = [
        line(2022, "domestic_national", "1000000", "KZT"),  # no 2022 rate
        line(2022, "global_fund", "3000"),
    ]
    needs = {(KZ, 2022): Need(Decimal("9000"))}
    [summary] = yearly_summary(records, RATES, needs)
    assert summary.missing_rates == ("KZT",)
    assert not summary.complete
    # What converts is still added up, but a share or gap of part of the money would mislead.
    assert summary.total_usd == Decimal("3000")
    assert summary.international_usd == Decimal("3000")
    assert summary.need_usd == Decimal("9000")
    assert (summary.domestic_share, summary.gap_usd) == (None, None)


def test_a_need_without_a_rate_is_named_too():
    records = [line(2023, "global_fund", "100")]
    [summary] = yearly_summary(records, RATES, {(KZ, 2023): Need(Decimal("5"), "AMD")})
    assert summary.need_usd is None
    assert summary.gap_usd is None
    assert summary.missing_rates == ("AMD",)


def test_nothing_spent_has_no_share():
    [summary] = yearly_summary([line(2023, "global_fund", "0")], RATES, {})
    assert summary.total_usd == Decimal(0)
    assert summary.domestic_share is None
    assert domestic_share(Decimal(0), Decimal(0)) is None


def test_rows_come_per_country_and_year_in_order_and_a_need_alone_makes_no_row():
    records = [
        line(2024, "global_fund", "1", country=GE),
        line(2023, "global_fund", "2"),
        line(2021, "global_fund", "3", country=GE),
        line(2023, "domestic_national", "4"),
    ]
    needs = {(KZ, 2020): Need(Decimal("100"))}
    summaries = yearly_summary(records, RATES, needs)
    assert [(s.country_id, s.year, s.total_usd) for s in summaries] == [
        (KZ, 2023, Decimal("6")),
        (GE, 2021, Decimal("3")),
        (GE, 2024, Decimal("1")),
    ]


def test_cents_round_half_up_for_display_only():
    assert cents(Decimal("2.005")) == Decimal("2.01")
    assert cents(Decimal("2.0049")) == Decimal("2.00")
