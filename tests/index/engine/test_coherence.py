"""Statistical coherence: correlations, Cronbach's alpha, PCA, flags."""

from __future__ import annotations

import math

import numpy as np
import scipy.stats

from hrmonitor.index.engine import (
    Aggregate,
    Dataset,
    IndexDefinition,
    Indicator,
    PipelineOptions,
    cronbach_alpha,
    pca_explained_variance,
    pearson_matrix,
    run,
    spearman_matrix,
)

nan = float("nan")


def test_cronbach_alpha_matches_the_hand_computed_value() -> None:
    # Item variances 5/3, 4/3 and 8/3 (sum 17/3); totals 4, 7, 10, 13 have variance 15.
    # alpha = 3/2 * (1 - (17/3) / 15) = 14/15.
    items = np.array([[1, 2, 1], [2, 2, 3], [3, 4, 3], [4, 4, 5]], dtype=np.float64)
    assert math.isclose(cronbach_alpha(items), 14 / 15)


def test_cronbach_alpha_of_parallel_items_follows_the_standardised_formula() -> None:
    # k items with equal variance v and equal covariance c: alpha = k c / (v + (k - 1) c).
    # Build 4 items sharing one factor: x_i = f + e_i with orthogonal e_i of equal size.
    rng = np.random.default_rng(0)
    raw = rng.normal(size=(50, 5))
    raw -= raw.mean(axis=0)
    q, _ = np.linalg.qr(raw)
    factor, noise = q[:, 0] * 2.0, q[:, 1:]
    items = factor[:, None] + noise
    v, c, k = 4.0 + 1.0, 4.0, 4
    assert math.isclose(cronbach_alpha(items), k * c / (v + (k - 1) * c), rel_tol=1e-9)


def test_pearson_matrix_equals_numpy_on_complete_data() -> None:
    x = np.random.default_rng(1).normal(size=(20, 4))
    assert np.allclose(pearson_matrix(x), np.corrcoef(x, rowvar=False))


def test_pearson_matrix_uses_pairwise_complete_units() -> None:
    x = np.random.default_rng(2).normal(size=(15, 3))
    x[0, 0] = x[3, 1] = nan
    r = pearson_matrix(x)
    both = ~np.isnan(x[:, 0]) & ~np.isnan(x[:, 1])
    assert np.isclose(r[0, 1], np.corrcoef(x[both, 0], x[both, 1])[0, 1])


def test_spearman_matrix_equals_scipy_with_and_without_gaps() -> None:
    x = np.random.default_rng(3).normal(size=(25, 3))
    assert np.allclose(spearman_matrix(x), scipy.stats.spearmanr(x).statistic)
    x[2, 1] = nan
    both = ~np.isnan(x[:, 1])
    expected = scipy.stats.spearmanr(x[both, 0], x[both, 1]).statistic
    assert np.isclose(spearman_matrix(x)[0, 1], expected)


def test_pca_of_two_identical_columns_explains_everything_with_one_component() -> None:
    x = np.arange(10.0)
    assert np.allclose(pca_explained_variance(np.column_stack([x, 2 * x + 1])), [1, 0])


def test_coherence_flags_negative_and_redundant_indicators() -> None:
    base = np.arange(10.0)
    noise = np.array([0.3, -0.2, 0.1, 0.4, -0.3, 0.2, -0.1, 0.0, 0.25, -0.15])
    data = Dataset.from_columns(
        [f"u{i}" for i in range(10)],
        {
            "a": base,
            "b": base + noise,  # nearly a copy of a: redundant
            "c": base[::-1] + noise,  # runs against the others
        },
    )
    definition = IndexDefinition(
        Aggregate("index", (Indicator("a"), Indicator("b"), Indicator("c", weight=0.5)))
    )
    coherence = run(definition, data, PipelineOptions()).coherence
    assert coherence is not None
    kinds = {(f.kind, f.codes) for f in coherence.flags}
    assert ("redundant", ("a", "b")) in kinds
    assert ("negative_with_peer", ("a", "c")) in kinds
    assert ("negative_with_parent", ("c", "index")) in kinds
    alpha = coherence.aggregates["index"].cronbach_alpha
    assert alpha < 0.5
    within = coherence.within_levels[0]
    assert within.get("a", "b", "pearson") > 0.92
    assert coherence.across_levels.get("a", "index", "spearman") > 0.9
