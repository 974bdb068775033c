"""The engine configured as UNDP's HDI reproduces every published HDI value.

Data: UNDP Human Development Report 2023/24, composite indices complete time series
(tests/index/data/hdr23-24.csv, see the README there).
"""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np

from hrmonitor.index.engine import Dataset, PipelineOptions, human_development_index, run

CSV = Path(__file__).resolve().parents[1] / "data" / "hdr23-24.csv"
COMPONENTS = ("le", "eys", "mys", "gnipc")


def load_rows() -> list[dict[str, str]]:
    with CSV.open(encoding="utf-8-sig", newline="") as handle:  # the file starts with a BOM
        return list(csv.DictReader(handle))


def test_engine_reproduces_every_published_hdi_value_to_three_decimals() -> None:
    rows = load_rows()
    definition = human_development_index()
    options = PipelineOptions(scale=1.0, coherence=False)  # the HDI is published on 0-1
    checked = aggregates_checked = 0
    mismatches: list[str] = []
    boundary_cases = 0
    for year in range(1990, 2023):
        complete = [
            row
            for row in rows
            if row[f"hdi_{year}"] and all(row[f"{c}_{year}"] for c in COMPONENTS)
        ]
        data = Dataset(
            tuple(row["iso3"] for row in complete),
            COMPONENTS,
            np.array([[float(row[f"{c}_{year}"]) for c in COMPONENTS] for row in complete]),
        )
        scores = run(definition, data, options).index_scores
        for row, score in zip(complete, scores, strict=True):
            published = float(row[f"hdi_{year}"])
            # A value within float noise of x.xxx5 could round either way depending on
            # the order of operations; none exists in this release, and we count them
            # so that a future release with one is noticed rather than silently
            # tolerated.
            if abs(score * 1000 - np.floor(score * 1000) - 0.5) < 1e-9:
                boundary_cases += 1
            if round(float(score), 3) != published:
                mismatches.append(f"{row['iso3']} {year}: {score:.6f} vs {published}")
            checked += 1
            # Regional and HDI-group aggregates (iso3 "ZZ...") are included: UNDP
            # computes them by applying the same HDI formula to population-weighted
            # aggregate components, which the file publishes, so they reproduce too.
            aggregates_checked += row["iso3"].startswith("ZZ")
    assert mismatches == []
    assert boundary_cases == 0
    assert checked > 6000, checked  # 6171 (country or aggregate, year) pairs in HDR 2023/24
    assert aggregates_checked > 300, aggregates_checked


def test_hdi_of_one_country_follows_the_technical_notes_step_by_step() -> None:
    # Albania 2022: LE 76.833, EYS 14.48747, MYS 10.121144, GNI pc 15293.32651; HDI 0.789.
    data = Dataset(("ALB",), COMPONENTS, np.array([[76.833, 14.48747, 10.121144, 15293.32651]]))
    result = run(human_development_index(), data, PipelineOptions(scale=1.0))
    health = (76.833 - 20) / 65
    education = (14.48747 / 18 + 10.121144 / 15) / 2
    income = (np.log(15293.32651) - np.log(100)) / (np.log(75_000) - np.log(100))
    assert np.isclose(result.values["health"][0], health)
    assert np.isclose(result.values["education"][0], education)
    assert np.isclose(result.values["income"][0], income)
    assert np.isclose(result.index_scores[0], (health * education * income) ** (1 / 3))
    assert round(float(result.index_scores[0]), 3) == 0.789
