"""Between the stored edition and the engine: the inputs snapshot, the engine's dataset, and
the JSON the results and the uncertainty analysis are kept as. No database access here.

`inputs` (stored on the edition by `edition_compute`):

```
{"year": 2021, "definition": {"id": 1, "code": "gdpi-ceeca", "version": 1},
 "units": [{"iso2": "GE", "group": "SC"}, …],            # every country, in order
 "cells": {"GE": {"ost_legal": {"value": 3.0, "source": "desk", …}}, …},
 "flags": [{"country": "GE", "indicator": "police", "spread": 4, "mad": 1.3, …}],
 "hash": "sha256 of the definition and the values"}
```

A country with values for fewer than the spec's `min_coverage` share of the indicators (65 %
by default) is left out of the engine's run: it is "not covered" and gets no score or rank.
The others are the units. Results and uncertainty carry the inputs' hash,
so a page can tell when data changed after they were computed.
"""

from __future__ import annotations

import hashlib
import json
import math
from typing import Any

import numpy as np

from hrmonitor.index import engine
from hrmonitor.index.spec import IMPUTATIONS, IndexSpec

SCALE = 100.0


def inputs_hash(spec_data: dict[str, Any], year: int, cells: dict[str, dict[str, Any]]) -> str:
    """A fingerprint of what the index is computed from: the spec, the year, every value."""
    values = {
        iso2: {code: cell.get("value") for code, cell in sorted(row.items())}
        for iso2, row in sorted(cells.items())
    }
    payload = json.dumps(
        {"spec": spec_data, "year": year, "values": values}, sort_keys=True, default=str
    )
    return hashlib.sha256(payload.encode()).hexdigest()


def dataset(spec: IndexSpec, inputs: dict[str, Any]) -> engine.Dataset:
    """The engine's units x indicators matrix of the covered countries (NaN = missing)."""
    needed = spec.min_coverage * len(spec.indicators) - 1e-9
    codes = [i.code for i in spec.indicators]
    units: list[str] = []
    groups: list[str] = []
    rows: list[list[float]] = []
    for unit in inputs["units"]:
        cells = inputs["cells"].get(unit["iso2"], {})
        row = [_float(cells.get(code, {}).get("value")) for code in codes]
        observed = sum(not math.isnan(v) for v in row)
        if observed == 0 or observed < needed:
            continue
        units.append(unit["iso2"])
        groups.append(unit["group"])
        rows.append(row)
    matrix = np.array(rows, dtype=np.float64).reshape(len(rows), len(codes))
    return engine.Dataset(tuple(units), tuple(codes), matrix, tuple(groups))


def _float(value: Any) -> float:
    return float("nan") if value is None else float(value)


def clean(value: float | None) -> float | None:
    """A JSON-safe float: NaN and infinities become null (PostgreSQL's jsonb rejects NaN)."""
    return None if value is None or not math.isfinite(value) else float(value)


def results_json(spec: IndexSpec, result: engine.Result, inputs: dict[str, Any]) -> dict[str, Any]:
    """Scores (0–100) and ranks of every node for every covered country, and the checks."""
    definition = result.definition
    covered = set(result.units)
    imputed = result.imputed_mask
    scores: dict[str, dict[str, float | None]] = {}
    ranks: dict[str, dict[str, int | None]] = {}
    for u, iso2 in enumerate(result.units):
        scores[iso2] = {
            code: clean(float(result.values[code][u] * SCALE)) for code in result.values
        }
        ranks[iso2] = {
            code: None if math.isnan(rank[u]) else int(rank[u])
            for code, rank in result.ranks.items()
        }
    nodes = [
        {
            "code": code,
            "level": definition.level_of[code],
            "parent": definition.parent_of.get(code),
            "weight": clean(result.weights.get(code, float("nan"))),
        }
        for code in definition.nodes
    ]
    coherence = result.coherence
    return {
        "hash": inputs["hash"],
        "scale": SCALE,
        "units": list(result.units),
        "not_covered": [u["iso2"] for u in inputs["units"] if u["iso2"] not in covered],
        "nodes": nodes,
        "scores": scores,
        "ranks": ranks,
        "imputed": {
            iso2: [code for j, code in enumerate(result.indicators) if imputed[u, j]]
            for u, iso2 in enumerate(result.units)
            if imputed[u].any()
        },
        "checks": {
            "low_coverage_units": list(result.checks.low_coverage_units),
            "low_coverage_indicators": list(result.checks.low_coverage_indicators),
            "constant_indicators": list(result.checks.constant_indicators),
        },
        "coherence_flags": [
            {"kind": flag.kind, "codes": list(flag.codes), "pearson": clean(flag.pearson)}
            for flag in (coherence.flags if coherence else ())
        ],
        "imputation": spec.imputation,
    }


def uncertainty_options(spec: IndexSpec) -> engine.UncertaintyOptions:
    """What the analysis varies: every weight by up to ±25 %, the treatment of missing values
    (as defined, or the median of the reporting countries), and the normalisation (as defined,
    or percentile ranks). 4,000 runs of a seeded Sobol' design: the same data always gives
    the same intervals."""
    defined = IMPUTATIONS[spec.imputation]
    alternative = (
        engine.ImputationMethod.MEDIAN
        if defined != engine.ImputationMethod.MEDIAN
        else engine.ImputationMethod.NONE
    )
    return engine.UncertaintyOptions(
        n_samples=4000,
        weight_perturbation=0.25,
        imputations=(defined, alternative),
        normalisations=(None, engine.PercentileRank()),
        seed=2017,
    )


def uncertainty_json(analysis: engine.UncertaintyResult, inputs_hash_: str) -> dict[str, Any]:
    low_q, high_q = analysis.rank_quantiles
    return {
        "hash": inputs_hash_,
        "runs": int(analysis.n_evaluations),
        "inputs": list(analysis.inputs),
        "quantiles": [low_q, high_q],
        "weight_perturbation": 0.25,
        "units": {
            iso2: {
                "nominal": clean(float(analysis.nominal_ranks[u])),
                "median": clean(float(analysis.median_rank[u])),
                "low": clean(float(analysis.rank_low[u])),
                "high": clean(float(analysis.rank_high[u])),
            }
            for u, iso2 in enumerate(analysis.units)
        },
        "sensitivity": {
            name: {key: clean(value) for key, value in indices.items()}
            for name, indices in analysis.sensitivity.as_dict().items()
        },
    }
