"""The efficiency arithmetic (no database): coverage against the WHO/UNODC/UNAIDS levels,
ranges that straddle a level, unit costs in US dollars, and what stays unknown."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from hrmonitor.clm import efficiency as eff
from hrmonitor.clm.efficiency import (
    HIGH,
    LOW,
    MEDIUM,
    OAT_LEVELS,
    SYRINGE_LEVELS,
    Delivery,
    Estimate,
    Figure,
    assess,
    classify,
    estimate_for_year,
    level_of,
    oat_coverage,
    parse_estimate,
    syringe_coverage,
)

KZ, GE = 1, 2
RATES = {("KZT", 2023): Decimal("0.0022"), ("EUR", 2023): Decimal("1.08")}
KZ_2020 = Estimate(2020, 94_600, 94_600, "HRI 2020")


def count(value: int) -> Figure:
    return Figure(Decimal(value))


def delivery(key: int = 1, country: int = KZ, site: int | None = 10, **fields) -> Delivery:  # type: ignore[no-untyped-def]
    return Delivery(
        key=key, country_id=country, site_id=site, year=fields.pop("year", 2023), **fields
    )


# --- Levels ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("syringes", "level"),
    [
        ("0", LOW),
        ("99.9999", LOW),
        ("100", MEDIUM),  # exactly 100: medium, as the guide writes "100–200"
        ("150", MEDIUM),
        ("200", MEDIUM),  # exactly 200: still medium
        ("200.0001", HIGH),
        ("1000", HIGH),
    ],
)
def test_syringe_levels_follow_the_guide_at_the_boundaries(syringes, level):  # type: ignore[no-untyped-def]
    assert level_of(Decimal(syringes), SYRINGE_LEVELS) == level


@pytest.mark.parametrize(
    ("per_100", "level"),
    [("19.99", LOW), ("20", MEDIUM), ("40", MEDIUM), ("40.01", HIGH)],
)
def test_oat_levels_follow_the_guide_at_the_boundaries(per_100, level):  # type: ignore[no-untyped-def]
    assert level_of(Decimal(per_100), OAT_LEVELS) == level


def test_exactly_200_syringes_per_person_computed_from_counts_is_medium_not_high():
    coverage = syringe_coverage(count(1_000_000), Estimate(2020, 5_000, 5_000))
    assert coverage.value == Decimal(200)
    assert coverage.level == eff.Classification(MEDIUM, MEDIUM)
    above = syringe_coverage(count(1_000_001), Estimate(2020, 5_000, 5_000))
    assert above.level is not None and above.level.lowest == HIGH


@given(
    st.decimals(min_value=0, max_value=10_000, places=4),
    st.decimals(min_value=0, max_value=10_000, places=4),
)
def test_a_higher_coverage_never_gets_a_lower_level(a, b):  # type: ignore[no-untyped-def]
    low, high = sorted((a, b))
    order = eff.LEVELS_IN_ORDER
    assert order.index(level_of(low, SYRINGE_LEVELS)) <= order.index(level_of(high, SYRINGE_LEVELS))


# --- Ranges ----------------------------------------------------------------------------------


def test_a_range_of_people_who_inject_drugs_gives_a_range_of_coverage():
    # 1,000,000 syringes for 5,132–6,182 people: 161.8 to 194.9 per person, medium either way.
    coverage = syringe_coverage(count(1_000_000), Estimate(2020, 5_132, 6_182))
    assert coverage.lowest == Decimal(1_000_000) / 6_182
    assert coverage.highest == Decimal(1_000_000) / 5_132
    assert coverage.value == Decimal(1_000_000) / Decimal(5_657)
    assert coverage.level is not None and coverage.level.certain
    assert coverage.level.lowest == MEDIUM


def test_a_range_that_straddles_200_is_medium_to_high():
    # 1,100,000 syringes for 5,000–6,000 people: 183.3 to 220 per person.
    coverage = syringe_coverage(count(1_100_000), Estimate(2020, 5_000, 6_000))
    assert coverage.level == eff.Classification(MEDIUM, HIGH)
    assert not coverage.level.certain


def test_a_range_that_straddles_20_oat_clients_per_100_is_low_to_medium():
    # 1,900 clients for 9,500–15,000 people: 12.7 to 20.0 per 100.
    coverage = oat_coverage(count(1_900), Estimate(2018, 9_500, 15_000))
    assert coverage.level == eff.Classification(LOW, MEDIUM)
    assert coverage.highest == Decimal(20)


@given(
    st.integers(min_value=0, max_value=50_000_000),
    st.integers(min_value=1, max_value=500_000),
    st.integers(min_value=0, max_value=500_000),
)
def test_coverage_lies_between_its_bounds_and_is_uncertain_only_across_a_boundary(  # type: ignore[no-untyped-def]
    syringes, low, extra
):
    coverage = syringe_coverage(count(syringes), Estimate(2020, low, low + extra))
    assert coverage.value is not None and coverage.lowest is not None
    assert coverage.highest is not None and coverage.level is not None
    assert coverage.lowest <= coverage.value <= coverage.highest
    # Uncertain exactly when the range passes into the next level: across 100 (medium starts
    # at 100) or across 200 (high starts above 200).
    crosses = (coverage.lowest < 100 <= coverage.highest) or (
        coverage.lowest <= 200 < coverage.highest
    )
    assert coverage.level.certain is not crosses
    assert coverage.level == classify(coverage.lowest, coverage.highest, SYRINGE_LEVELS)


# --- Unknowns --------------------------------------------------------------------------------


def test_without_an_estimate_coverage_is_unknown_not_zero():
    coverage = syringe_coverage(count(250_000), None)
    assert coverage.value is None and coverage.level is None
    assert coverage.reasons == (eff.Reason(eff.NO_PWID),)


def test_without_a_count_coverage_is_unknown():
    coverage = oat_coverage(
        Figure(None, (eff.Reason(eff.NOT_STATED, "oat_clients", 1, 1),)), KZ_2020
    )
    assert coverage.value is None
    assert coverage.reasons[0].detail == "oat_clients"


def test_an_estimate_is_the_latest_published_for_the_year_or_before():
    estimates = [Estimate(2018, 120_500, 120_500), Estimate(2020, 94_600, 94_600)]
    assert estimate_for_year(estimates, 2023) == estimates[1]
    assert estimate_for_year(estimates, 2019) == estimates[0]
    assert estimate_for_year(estimates, 2017) is None  # never projected backwards


# --- Unit costs ------------------------------------------------------------------------------


def test_unit_costs_are_in_us_dollars_at_the_years_rate():
    # 10,000,000 KZT at 0.0022 = 22,000 USD; 1,100 clients, 220,000 syringes.
    [result] = assess(
        [
            delivery(
                cost=Decimal(10_000_000), currency="KZT", clients_reached=1_100, syringes=220_000
            )
        ],
        {KZ: [KZ_2020]},
        RATES,
    )
    assert result.cost_usd.value == Decimal("22000.0000")
    assert result.per_client.value == Decimal(20)
    assert result.per_syringe.value == Decimal("0.1")
    assert result.records[0].per_client.value == Decimal(20)


def test_a_missing_rate_leaves_the_unit_costs_unknown_and_never_uses_another_year():
    [result] = assess(
        [delivery(year=2024, cost=Decimal(1_000), currency="KZT", clients_reached=10, syringes=5)],
        {KZ: [KZ_2020]},
        RATES,  # KZT has a rate for 2023 only
    )
    no_rate = eff.Reason(eff.NO_RATE, detail="KZT")
    assert result.cost_usd == Figure(None, (no_rate,))
    assert result.per_client.value is None and no_rate in result.per_client.reasons
    assert result.per_syringe.value is None and no_rate in result.per_syringe.reasons
    assert result.syringe_coverage.value is not None  # coverage needs no money


def test_zero_clients_give_no_cost_per_client():
    [result] = assess([delivery(cost=Decimal(100), clients_reached=0)], {}, RATES)
    assert result.per_client == Figure(None, (eff.Reason(eff.ZERO, detail=eff.CLIENTS),))


@given(
    st.decimals(min_value=0, max_value=10**9, places=2),
    st.integers(min_value=1, max_value=10**7),
)
def test_cost_per_client_times_clients_gives_the_cost_back(cost, clients):  # type: ignore[no-untyped-def]
    [result] = assess([delivery(cost=cost, clients_reached=clients)], {}, {})
    assert result.per_client.value is not None
    assert abs(result.per_client.value * clients - cost) < Decimal("0.0001")


# --- A country's figures ---------------------------------------------------------------------


def test_a_countrys_coverage_adds_its_sites_syringes():
    results = assess(
        [
            delivery(1, site=10, syringes=6_000_000, oat_clients=900, cost=Decimal(50_000)),
            delivery(2, site=11, syringes=4_000_000, oat_clients=300, cost=Decimal(30_000)),
            delivery(3, country=GE, site=20, syringes=1_000, cost=Decimal(1)),
        ],
        {KZ: [KZ_2020]},
        RATES,
    )
    kazakhstan = next(r for r in results if r.country_id == KZ)
    assert kazakhstan.basis == eff.SITES
    assert kazakhstan.syringes.value == Decimal(10_000_000)
    assert kazakhstan.syringe_coverage.value == Decimal(10_000_000) / Decimal(94_600)  # 105.7
    assert kazakhstan.syringe_coverage.level == eff.Classification(MEDIUM, MEDIUM)
    assert kazakhstan.oat_coverage.value == Decimal(1_200 * 100) / Decimal(94_600)  # 1.27 / 100
    assert kazakhstan.oat_coverage.level == eff.Classification(LOW, LOW)
    assert kazakhstan.cost_usd.value == Decimal(80_000)
    georgia = next(r for r in results if r.country_id == GE)
    assert georgia.syringe_coverage.reasons == (eff.Reason(eff.NO_PWID),)


def test_a_site_that_does_not_state_its_syringes_leaves_the_countrys_sum_unknown():
    [result] = assess(
        [delivery(1, site=10, syringes=6_000_000), delivery(2, site=11, syringes=None)],
        {KZ: [KZ_2020]},
        RATES,
    )
    assert result.syringes.value is None  # not 6,000,000: the other site's are unknown
    assert result.syringes.reasons == (eff.Reason(eff.NOT_STATED, eff.SYRINGES, 1, 2),)
    assert result.syringe_coverage.value is None


def test_a_record_for_the_programme_as_a_whole_gives_the_countrys_figures():
    [result] = assess(
        [
            delivery(1, site=None, syringes=9_460_000, cost=Decimal(100_000)),
            delivery(2, site=10, syringes=6_000_000, cost=Decimal(60_000)),
        ],
        {KZ: [KZ_2020]},
        RATES,
    )
    assert result.basis == eff.PROGRAMME
    assert result.syringes.value == Decimal(9_460_000)  # not added to its own site's
    assert result.syringe_coverage.value == Decimal(100)
    assert [r.delivery.key for r in result.records] == [1, 2]


# --- Printed estimates -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("printed", "parsed"),
    [
        ("5,132–6,182", (5_132, 6_182)),
        ("9,500–15,000", (9_500, 15_000)),
        ("9,000", (9_000, 9_000)),
        ("94600", (94_600, 94_600)),
        ("nk", None),
        ("", None),
        ("—", None),
    ],
)
def test_printed_estimates_are_read_as_ranges(printed, parsed):  # type: ignore[no-untyped-def]
    assert parse_estimate(printed) == parsed


@pytest.mark.parametrize("printed", ["about 5,000", "6,182–5,132", "1–2–3"])
def test_an_unreadable_estimate_is_an_error_not_a_guess(printed):  # type: ignore[no-untyped-def]
    with pytest.raises(ValueError):
        parse_estimate(printed)


@given(st.integers(min_value=0, max_value=10**7), st.integers(min_value=0, max_value=10**7))
def test_a_printed_range_reads_back(low, extra):  # type: ignore[no-untyped-def]
    assert parse_estimate(f"{low:,}–{low + extra:,}") == (low, low + extra)
