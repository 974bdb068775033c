"""Sobol' sensitivity indices against analytic values."""

from __future__ import annotations

import math

import numpy as np
import pytest

from hrmonitor.index.engine import saltelli_design, sobol_analysis

A, B = 7.0, 0.1


def ishigami(u: np.ndarray) -> np.ndarray:
    x = -math.pi + 2 * math.pi * u
    return np.sin(x[:, 0]) + A * np.sin(x[:, 1]) ** 2 + B * x[:, 2] ** 4 * np.sin(x[:, 0])


def ishigami_indices() -> tuple[list[float], list[float]]:
    """Analytic first-order and total indices of the Ishigami function."""
    v1 = 0.5 * (1 + B * math.pi**4 / 5) ** 2
    v2 = A**2 / 8
    v13 = 8 * B**2 * math.pi**8 / 225
    variance = v1 + v2 + v13
    first = [v1 / variance, v2 / variance, 0.0]
    total = [(v1 + v13) / variance, v2 / variance, v13 / variance]
    return first, total


def test_ishigami_indices_match_the_analytic_values() -> None:
    first, total = ishigami_indices()
    result = sobol_analysis(ishigami, 3, 2**13, seed=7, n_bootstrap=200)
    assert np.allclose(result.first_order, first, atol=0.03)
    assert np.allclose(result.total, total, atol=0.03)
    # Analytic values: S = (0.314, 0.442, 0), ST = (0.558, 0.442, 0.244).
    assert first[0] == pytest.approx(0.3139, abs=1e-4)
    assert total[2] == pytest.approx(0.2437, abs=1e-4)


def test_bootstrap_intervals_surround_the_estimates() -> None:
    result = sobol_analysis(ishigami, 3, 2**11, seed=1, n_bootstrap=300)
    low, high = result.first_order_interval[:, 0], result.first_order_interval[:, 1]
    assert np.all(low <= result.first_order) and np.all(result.first_order <= high)
    low, high = result.total_interval[:, 0], result.total_interval[:, 1]
    assert np.all(low <= result.total) and np.all(result.total <= high)


def test_an_additive_model_has_equal_first_and_total_indices() -> None:
    # Y = U1 + 2 U2 with independent uniforms: variances 1/12 and 4/12, so S = (0.2, 0.8).
    result = sobol_analysis(lambda u: u[:, 0] + 2 * u[:, 1], 2, 2**12, seed=3)
    assert np.allclose(result.first_order, [0.2, 0.8], atol=0.02)
    assert np.allclose(result.total, [0.2, 0.8], atol=0.02)


def test_the_design_is_reproducible_from_its_seed() -> None:
    a = saltelli_design(100, 3, seed=42)
    b = saltelli_design(100, 3, seed=42)
    c = saltelli_design(100, 3, seed=43)
    assert np.array_equal(a.stacked(), b.stacked())
    assert not np.array_equal(a.a, c.a)
    assert a.stacked().shape == (100 * 5, 3)
    assert np.array_equal(a.ab(1)[:, 1], a.b[:, 1]) and np.array_equal(a.ab(1)[:, 0], a.a[:, 0])
