"""Weighting schemes."""

from __future__ import annotations

import numpy as np

from hrmonitor.index.engine import budget_allocation_weights, pca_weights


def test_budget_allocation_averages_each_experts_normalised_points() -> None:
    experts = [{"a": 60, "b": 40}, {"a": 20, "b": 20, "c": 60}]
    weights = budget_allocation_weights(experts, ["a", "b", "c"])
    assert weights is not None
    assert np.allclose(weights, [0.4, 0.3, 0.3])


def test_budget_allocation_ignores_experts_who_gave_nothing_to_the_group() -> None:
    experts = [{"x": 100}, {"a": 1, "b": 3}]
    weights = budget_allocation_weights(experts, ["a", "b"])
    assert weights is not None
    assert np.allclose(weights, [0.25, 0.75])
    assert budget_allocation_weights([{"x": 1}], ["a", "b"]) is None


def orthonormal_columns(n: int, k: int, seed: int = 0) -> np.ndarray:
    """k centred, mutually orthogonal columns of unit length."""
    rng = np.random.default_rng(seed)
    raw = rng.normal(size=(n, k))
    raw -= raw.mean(axis=0)
    q, _ = np.linalg.qr(raw)
    return q


def test_pca_weights_follow_the_handbook_recipe_without_rotation() -> None:
    # Sample correlations exactly [[1, .8, 0], [.8, 1, 0], [0, 0, 1]]: eigenvalues 1.8
    # (loading on x1 and x2 equally), 1.0 (x3 alone) and 0.2. Keeping eigenvalues >= 0.9,
    # the scaled squared loadings are 1/2, 1/2 on the first component and 1 on the second;
    # weights = (1.8 / 2.8) * 1/2 for x1 and x2 and (1.0 / 2.8) * 1 for x3.
    z = orthonormal_columns(40, 3)
    r = 0.8
    x = np.column_stack([z[:, 0], r * z[:, 0] + np.sqrt(1 - r**2) * z[:, 1], z[:, 2]])
    assert np.allclose(pca_weights(x, min_eigenvalue=0.9), [9 / 28, 9 / 28, 10 / 28])


def test_pca_weights_of_two_correlated_children_are_equal() -> None:
    z = orthonormal_columns(30, 2, seed=1)
    x = np.column_stack([z[:, 0], 0.5 * z[:, 0] + np.sqrt(0.75) * z[:, 1]])
    assert np.allclose(pca_weights(x), [0.5, 0.5])
