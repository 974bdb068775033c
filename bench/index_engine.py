"""Benchmark of the composite-index engine (hrmonitor.index.engine).

Run from the repository root: ``python bench/index_engine.py``. Prints three lines:

    BENCH index.pipeline_30x75 <ms> ms      full pipeline, median of repeated runs
    BENCH index.mc_10k <s> s                10,000 Monte Carlo runs + Sobol' indices
    BENCH index.mc_vs_naive <ratio> x       per-run time of a naive pandas loop / engine

Details go to stderr. The dataset is synthetic: 30 units x 75 indicators (5 dimensions x
3 sub-dimensions x 5 indicators), lognormal values, 5 % missing, 4 groups.

The naive comparison is a straightforward per-run implementation with pandas (written
below, checked against the engine on a few configurations). It is run on only 200 runs
because it is slow; its time per run is extrapolated and compared with the engine's time
per run over the 10,000-run analysis.
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

import numpy as np

try:
    import hrmonitor.index.engine  # noqa: F401
except ImportError:  # running from a checkout without installing the package
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

import pandas as pd

from hrmonitor.index.engine import (
    Aggregate,
    Aggregation,
    Arithmetic,
    Copeland,
    Dataset,
    Geometric,
    ImputationMethod,
    IndexDefinition,
    Indicator,
    Normalisation,
    OutlierOptions,
    PercentileRank,
    PipelineOptions,
    Rank,
    UncertaintyOptions,
    run,
    run_uncertainty,
)

N_UNITS = 30
PIPELINE_REPEATS = 21
MC_SAMPLES = 10_000
MC_REPEATS = 3
NAIVE_SAMPLES = 200

IMPUTATIONS = (
    ImputationMethod.GROUP_MEAN,
    ImputationMethod.MEAN,
    ImputationMethod.MEDIAN,
    ImputationMethod.NONE,
)
NORMALISATIONS: tuple[Normalisation | None, ...] = (None, PercentileRank(), Rank())
AGGREGATIONS: tuple[Aggregation | None, ...] = (Arithmetic(), Geometric(), Copeland())
WEIGHT_PERTURBATION = 0.25


def log(message: str) -> None:
    print(message, file=sys.stderr)


def synthetic() -> tuple[IndexDefinition, Dataset]:
    """30 units x 75 indicators in 5 dimensions x 3 sub-dimensions x 5 indicators."""
    rng = np.random.default_rng(2024)
    dimensions = []
    for d in range(5):
        subs = []
        for s in range(3):
            indicators = tuple(
                Indicator(
                    f"i{d}{s}{i}",
                    direction=-1 if (d + s + i) % 4 == 0 else 1,
                    weight=float(1 + (i % 3)),
                )
                for i in range(5)
            )
            subs.append(Aggregate(f"s{d}{s}", indicators))
        dimensions.append(Aggregate(f"d{d}", tuple(subs), weight=float(1 + d % 2)))
    definition = IndexDefinition(Aggregate("index", tuple(dimensions)))
    codes = tuple(i.code for i in definition.indicators)
    values = rng.lognormal(mean=1.0, sigma=0.8, size=(N_UNITS, len(codes)))
    values[rng.random(values.shape) < 0.05] = np.nan
    units = tuple(f"U{u:02d}" for u in range(N_UNITS))
    groups = tuple(f"G{u % 4}" for u in range(N_UNITS))
    return definition, Dataset(units, codes, values, groups)


# --- naive per-run implementation ------------------------------------------------------


def naive_index(
    definition: IndexDefinition,
    raw: pd.DataFrame,
    groups: pd.Series,
    weights: dict[str, float],
    imputation: ImputationMethod,
    normalisation: Normalisation | None,
    aggregation: Aggregation,
) -> pd.Series:
    """One run of the index with plain pandas, the way one would write it first."""
    df = raw.copy()
    if imputation is ImputationMethod.MEAN:
        df = df.fillna(df.mean())
    elif imputation is ImputationMethod.MEDIAN:
        df = df.fillna(df.median())
    elif imputation is ImputationMethod.GROUP_MEAN:
        df = df.groupby(groups).transform(lambda c: c.fillna(c.mean())).fillna(df.mean())

    directions = pd.Series({i.code: i.direction for i in definition.indicators})
    signed = df * directions
    if normalisation is None:  # the definition's min-max
        values = (signed - signed.min()) / (signed.max() - signed.min())
    elif isinstance(normalisation, PercentileRank):
        values = (signed.rank(method="min") - 1) / (signed.count() - 1)
    else:
        values = signed.rank(method="min") / signed.count()

    for node in definition.aggregates:
        children = [c.code for c in node.children]
        sub = values[children]
        w = pd.Series({c: weights[c] for c in children})
        present = sub.notna().mul(w).sum(axis=1)
        if isinstance(aggregation, Arithmetic):
            values[node.code] = sub.mul(w).sum(axis=1) / present
        elif isinstance(aggregation, Geometric):
            with np.errstate(divide="ignore"):
                values[node.code] = np.exp(np.log(sub).mul(w).sum(axis=1) / present)
        else:
            values[node.code] = naive_copeland(sub, w)
    return values[definition.root.code]


def naive_copeland(sub: pd.DataFrame, w: pd.Series) -> pd.Series:
    """Copeland by a double loop over the pairs of units."""
    rows = {unit: sub.loc[unit].to_numpy() for unit in sub.index}
    weights = w.to_numpy()
    tolerance = 1e-12 * weights.sum()
    score = pd.Series(0.0, index=sub.index)
    for a, xa in rows.items():
        for b, xb in rows.items():
            if a == b:
                continue
            margin = weights[xa > xb].sum() - weights[xa < xb].sum()
            if margin > tolerance:
                score[a] += 1
            elif margin < -tolerance:
                score[a] -= 1
    n = len(rows)
    return (score + (n - 1)) / (2 * (n - 1))


# --- benchmark --------------------------------------------------------------------------


def bench_pipeline(definition: IndexDefinition, data: Dataset) -> float:
    options = PipelineOptions(
        imputation=ImputationMethod.GROUP_MEAN, outliers=OutlierOptions(), coherence=True
    )
    run(definition, data, options)  # warm-up (imports, caches)
    times = []
    for _ in range(PIPELINE_REPEATS):
        start = time.perf_counter()
        run(definition, data, options)
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000


def bench_monte_carlo(definition: IndexDefinition, data: Dataset) -> tuple[float, int]:
    options = PipelineOptions(imputation=ImputationMethod.GROUP_MEAN)
    settings = UncertaintyOptions(
        n_samples=MC_SAMPLES,
        weight_perturbation=WEIGHT_PERTURBATION,
        imputations=IMPUTATIONS,
        normalisations=NORMALISATIONS,
        aggregations=AGGREGATIONS,
        seed=1,
    )
    times = []
    for _ in range(MC_REPEATS):
        start = time.perf_counter()
        result = run_uncertainty(definition, data, options, settings)
        times.append(time.perf_counter() - start)
    log(
        f"mc: {result.n_evaluations:,} runs ({result.n_base_samples:,} base samples x "
        f"{len(result.inputs) + 2}) over {', '.join(result.inputs)}; "
        f"runs: {', '.join(f'{t:.2f}' for t in times)} s"
    )
    log(f"mc: sensitivity {result.sensitivity.as_dict()}")
    return statistics.median(times), result.n_evaluations


def check_naive(definition: IndexDefinition, data: Dataset) -> None:
    """The naive implementation computes the same ranks as the engine."""
    raw = pd.DataFrame(data.values, index=list(data.units), columns=list(data.indicators))
    groups = pd.Series(data.groups, index=list(data.units))
    nominal = run(definition, data, PipelineOptions(coherence=False))
    for imputation in IMPUTATIONS:
        for normalisation in NORMALISATIONS:
            for aggregation in AGGREGATIONS:
                assert aggregation is not None
                options = PipelineOptions(
                    imputation=imputation,
                    normalisation=normalisation,
                    aggregation=aggregation,
                    coherence=False,
                )
                engine = run(definition, data, options)
                naive = naive_index(
                    definition,
                    raw,
                    groups,
                    dict(nominal.weights),
                    imputation,
                    normalisation,
                    aggregation,
                )
                combination = (imputation, normalisation, aggregation)
                assert np.allclose(naive.to_numpy(), engine.values["index"]), combination
    log("naive: same index scores as the engine for all 36 method combinations")


def bench_naive(definition: IndexDefinition, data: Dataset) -> float:
    raw = pd.DataFrame(data.values, index=list(data.units), columns=list(data.indicators))
    groups = pd.Series(data.groups, index=list(data.units))
    nominal = run(definition, data, PipelineOptions(coherence=False)).weights
    rng = np.random.default_rng(7)
    by_method: dict[str, list[float]] = {}
    start = time.perf_counter()
    for _ in range(NAIVE_SAMPLES):
        run_start = time.perf_counter()
        weights = {
            code: w * (1 + WEIGHT_PERTURBATION * rng.uniform(-1, 1)) for code, w in nominal.items()
        }
        imputation = IMPUTATIONS[rng.integers(len(IMPUTATIONS))]
        normalisation = NORMALISATIONS[rng.integers(len(NORMALISATIONS))]
        aggregation = AGGREGATIONS[rng.integers(len(AGGREGATIONS))]
        assert aggregation is not None
        scores = naive_index(
            definition, raw, groups, weights, imputation, normalisation, aggregation
        )
        scores.rank(method="min", ascending=False)
        elapsed = time.perf_counter() - run_start
        by_method.setdefault(type(aggregation).__name__, []).append(elapsed)
    per_run = (time.perf_counter() - start) / NAIVE_SAMPLES
    for name, times in sorted(by_method.items()):
        log(f"naive: {name} runs take {statistics.mean(times) * 1000:.1f} ms each")
    log(
        f"naive: {NAIVE_SAMPLES} runs, {per_run * 1000:.1f} ms per run, "
        f"extrapolated to {MC_SAMPLES:,} runs: {per_run * MC_SAMPLES:.0f} s"
    )
    return per_run


def main() -> None:
    definition, data = synthetic()
    pipeline_ms = bench_pipeline(definition, data)
    mc_seconds, evaluations = bench_monte_carlo(definition, data)
    check_naive(definition, data)
    naive_per_run = bench_naive(definition, data)
    ratio = naive_per_run / (mc_seconds / evaluations)
    print(f"BENCH index.pipeline_30x75 {pipeline_ms:.1f} ms")
    print(f"BENCH index.mc_10k {mc_seconds:.2f} s")
    print(f"BENCH index.mc_vs_naive {ratio:.0f} x")


if __name__ == "__main__":
    main()
