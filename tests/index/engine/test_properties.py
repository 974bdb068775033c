"""Properties that must hold for any data (hypothesis)."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from hrmonitor.index.engine import (
    Aggregate,
    Arithmetic,
    Copeland,
    Dataset,
    DistanceToTarget,
    GeneralisedMean,
    Geometric,
    Goalposts,
    Harmonic,
    IndexDefinition,
    Indicator,
    MinMax,
    PercentileRank,
    PipelineOptions,
    Rank,
    run,
)

BOUNDED = st.sampled_from(
    [MinMax(), Goalposts(0, 100), Rank(), PercentileRank(), DistanceToTarget(60)]
)
MEANS = st.sampled_from(
    [Arithmetic(), Geometric(), Harmonic(), GeneralisedMean(2.0), GeneralisedMean(0.5)]
)
AGGREGATIONS = st.one_of(MEANS, st.just(Copeland()))
VALUES = st.floats(min_value=0, max_value=100, allow_nan=False)


def two_dimensions(normalisation, aggregation, directions):  # type: ignore[no-untyped-def]
    indicators = [
        Indicator(f"i{j}", direction=d, normalisation=normalisation)
        for j, d in enumerate(directions)
    ]
    half = max(1, len(indicators) // 2)
    children = [Aggregate("a", tuple(indicators[:half]), aggregation=aggregation)]
    if indicators[half:]:
        children.append(Aggregate("b", tuple(indicators[half:]), aggregation=aggregation))
    return IndexDefinition(Aggregate("index", tuple(children), aggregation=aggregation))


@settings(max_examples=60, deadline=None)
@given(
    data=st.integers(2, 4).flatmap(
        lambda m: st.tuples(
            arrays(np.float64, st.tuples(st.integers(2, 8), st.just(m)), elements=VALUES),
            st.lists(st.sampled_from([1, -1]), min_size=m, max_size=m),
        )
    ),
    normalisation=BOUNDED,
    aggregation=AGGREGATIONS,
)
def test_scores_always_lie_between_zero_and_one_hundred(  # type: ignore[no-untyped-def]
    data, normalisation, aggregation
) -> None:
    matrix, directions = data
    definition = two_dimensions(normalisation, aggregation, directions)
    units = tuple(f"u{i}" for i in range(matrix.shape[0]))
    dataset = Dataset(units, tuple(i.code for i in definition.indicators), matrix)
    result = run(definition, dataset, PipelineOptions(coherence=False))
    for code in result.values:
        scores = result.scores(code)
        assert np.all((scores >= -1e-9) & (scores <= 100 + 1e-9))
    ranks = result.index_ranks
    assert ranks.min() == 1 and ranks.max() <= matrix.shape[0]


@settings(max_examples=60, deadline=None)
@given(
    matrix=arrays(np.float64, st.tuples(st.integers(2, 8), st.just(3)), elements=VALUES),
    unit=st.integers(0, 7),
    increase=st.floats(min_value=0.0, max_value=50.0),
    normalisation=st.sampled_from([Goalposts(0, 100), MinMax()]),
    aggregation=MEANS,
)
def test_a_better_value_on_a_positive_indicator_never_lowers_the_units_score(  # type: ignore[no-untyped-def]
    matrix, unit, increase, normalisation, aggregation
) -> None:
    unit %= matrix.shape[0]
    definition = two_dimensions(normalisation, aggregation, [1, 1, -1])
    units = tuple(f"u{i}" for i in range(matrix.shape[0]))
    codes = tuple(i.code for i in definition.indicators)
    options = PipelineOptions(coherence=False)
    before = run(definition, Dataset(units, codes, matrix), options).index_scores[unit]
    better = matrix.copy()
    better[unit, 0] += increase
    after = run(definition, Dataset(units, codes, better), options).index_scores[unit]
    assert after >= before - 1e-9
