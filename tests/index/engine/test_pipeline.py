"""The whole pipeline on a small two-level index computed by hand."""

from __future__ import annotations

import math

import numpy as np
import pytest

from hrmonitor.index.engine import (
    Aggregate,
    BudgetAllocation,
    Copeland,
    Dataset,
    EqualWeights,
    Geometric,
    Goalposts,
    ImputationMethod,
    IndexDefinition,
    Indicator,
    MinMax,
    OutlierOptions,
    PCAWeights,
    PipelineOptions,
    TreatmentKind,
    run,
)

nan = float("nan")

# health = mean(h1 min-max, h2 min-max reversed); wealth = w1 with goalposts 0-100;
# index = mean(health, wealth).
DEFINITION = IndexDefinition(
    Aggregate(
        "index",
        (
            Aggregate("health", (Indicator("h1"), Indicator("h2", direction=-1))),
            Aggregate("wealth", (Indicator("w1", normalisation=Goalposts(0, 100)),)),
        ),
    )
)
DATA = Dataset.from_columns(
    ["A", "B", "C", "D"],
    {"h1": [10, 20, 30, 40], "h2": [5, 4, 3, 1], "w1": [50, 25, 100, 0]},
)


def test_two_level_index_matches_the_hand_computation() -> None:
    result = run(DEFINITION, DATA)
    # h1 -> 0, 1/3, 2/3, 1;  h2 (less is better) -> 0, 1/4, 1/2, 1;  w1 -> .5, .25, 1, 0
    assert np.allclose(result.normalised[:, 0], [0, 1 / 3, 2 / 3, 1])
    assert np.allclose(result.normalised[:, 1], [0, 0.25, 0.5, 1])
    assert np.allclose(result.normalised[:, 2], [0.5, 0.25, 1, 0])
    health = np.array([0, 7 / 24, 7 / 12, 1])
    assert np.allclose(result.scores("health"), health * 100)
    index = (health + np.array([0.5, 0.25, 1, 0])) / 2
    assert np.allclose(result.index_scores, index * 100)
    assert result.index_ranks.tolist() == [4, 3, 1, 2]


def test_every_intermediate_matrix_is_exposed() -> None:
    result = run(DEFINITION, DATA)
    assert result.indicators == ("h1", "h2", "w1")
    assert result.raw.shape == result.imputed.shape == result.treated.shape == (4, 3)
    assert set(result.values) == {"h1", "h2", "w1", "health", "wealth", "index"}
    assert set(result.ranks) == set(result.values)
    codes, matrix = result.level_scores(2)
    assert codes == ("health", "wealth") and matrix.shape == (4, 2)
    assert result.weights == {"h1": 0.5, "h2": 0.5, "w1": 1.0, "health": 0.5, "wealth": 0.5}
    assert result.checks.passed


def test_scores_can_be_kept_on_the_raw_zero_to_one_scale() -> None:
    result = run(DEFINITION, DATA, PipelineOptions(scale=1.0))
    assert result.index_scores.max() <= 1.0
    assert np.allclose(result.index_scores, result.values["index"])


def test_table_has_one_row_per_unit_with_scores_and_ranks() -> None:
    rows = run(DEFINITION, DATA).table()
    assert rows[2]["unit"] == "C" and rows[2]["index_rank"] == 1
    assert rows[0]["health"] == 0.0


def test_aggregation_can_be_overridden_at_every_level() -> None:
    result = run(DEFINITION, DATA, PipelineOptions(aggregation=Geometric()))
    # Unit A has h1 = 0, so its geometric health score is 0, and so is its index.
    assert result.scores("health")[0] == 0.0 and result.index_scores[0] == 0.0


def test_copeland_at_the_top_ranks_by_pairwise_majorities() -> None:
    definition = IndexDefinition(
        Aggregate("index", DEFINITION.root.children, aggregation=Copeland())
    )
    result = run(definition, DATA)
    # health: A < B < C < D; wealth: D < B < A < C. With 2 equally weighted children a
    # pair is won only when both agree, so C beats A and B and every other pair ties:
    # A -1, B -1, C +2, D 0; rescaled (score + 3) / 6.
    assert np.allclose(result.values["index"], (np.array([-1, -1, 2, 0]) + 3) / 6)


def test_missing_values_are_imputed_and_marked() -> None:
    data = Dataset.from_columns(
        ["A", "B", "C", "D"],
        {"h1": [10, nan, 30, 40], "h2": [5, 4, 3, 1], "w1": [50, 25, 100, 0]},
        groups=["x", "x", "y", "y"],
    )
    result = run(DEFINITION, data, PipelineOptions(imputation=ImputationMethod.GROUP_MEAN))
    assert result.imputed[1, 0] == 10.0
    assert result.imputed_mask.sum() == 1 and result.imputed_mask[1, 0]
    plain = run(DEFINITION, data)
    # Without imputation B's health is its h2 score alone.
    assert np.isclose(plain.scores("health")[1], 25.0)


def test_outlier_treatment_skips_indicators_normalised_with_goalposts() -> None:
    rng = np.random.default_rng(0)
    skewed = np.concatenate([rng.uniform(1, 2, 30), [50.0, 80.0]])
    data = Dataset.from_columns(
        [f"u{i}" for i in range(32)],
        {"h1": skewed, "h2": rng.uniform(size=32), "w1": skewed},
    )
    result = run(DEFINITION, data, PipelineOptions(outliers=OutlierOptions()))
    kinds = {t.indicator: t.kind for t in result.treatments}
    assert kinds["h1"] in (TreatmentKind.WINSORISED, TreatmentKind.LOG)
    assert kinds["h2"] is TreatmentKind.NONE
    assert kinds["w1"] is TreatmentKind.SKIPPED
    assert np.array_equal(result.treated[:, 2], skewed)


def test_equal_weights_ignore_the_weights_in_the_definition() -> None:
    definition = IndexDefinition(
        Aggregate("index", (Indicator("h1", weight=5.0), Indicator("h2", weight=1.0)))
    )
    result = run(definition, DATA, PipelineOptions(weighting=EqualWeights()))
    assert result.weights == {"h1": 0.5, "h2": 0.5}


def test_budget_allocation_weights_flow_into_the_index() -> None:
    experts = BudgetAllocation(({"health": 80, "wealth": 20}, {"health": 40, "wealth": 60}))
    result = run(DEFINITION, DATA, PipelineOptions(weighting=experts))
    assert math.isclose(result.weights["health"], 0.6)
    assert math.isclose(result.weights["wealth"], 0.4)
    # Sibling groups no expert covered keep the definition's weights.
    assert result.weights["h1"] == 0.5


def test_pca_weights_are_computed_bottom_up() -> None:
    rng = np.random.default_rng(1)
    data = Dataset.from_columns(
        [f"u{i}" for i in range(20)],
        {"h1": rng.normal(size=20), "h2": rng.normal(size=20), "w1": rng.uniform(0, 100, 20)},
    )
    result = run(DEFINITION, data, PipelineOptions(weighting=PCAWeights()))
    assert math.isclose(result.weights["h1"] + result.weights["h2"], 1.0)
    assert math.isclose(result.weights["health"] + result.weights["wealth"], 1.0)


def test_an_unbalanced_tree_mixes_indicators_and_dimensions_under_the_index() -> None:
    definition = IndexDefinition(
        Aggregate(
            "index",
            (
                Aggregate("health", (Indicator("h1"), Indicator("h2", direction=-1))),
                Indicator("w1", normalisation=Goalposts(0, 100)),
            ),
        )
    )
    result = run(definition, DATA)
    assert definition.levels == (("h1", "h2", "w1"), ("health",), ("index",))
    assert np.allclose(result.values["index"], run(DEFINITION, DATA).values["index"])


def test_a_normalisation_override_applies_to_every_indicator() -> None:
    result = run(DEFINITION, DATA, PipelineOptions(normalisation=MinMax()))
    assert np.allclose(result.normalised[:, 2], [0.5, 0.25, 1, 0])


def test_node_codes_must_be_unique() -> None:
    with pytest.raises(ValueError, match="unique"):
        IndexDefinition(Aggregate("x", (Indicator("x"),)))


def test_the_dataset_must_hold_every_indicator_of_the_definition() -> None:
    data = Dataset.from_columns(["A"], {"h1": [1.0]})
    with pytest.raises(KeyError, match="h2"):
        run(DEFINITION, data)
