"""Weighting: the relative importance of the children of each aggregate.

Weights are always used *within a sibling group*: the weights of an aggregate's children
are normalised to sum to one, ``w_c / sum_siblings w``.

* :class:`ExplicitWeights`: the ``weight`` written on each node of the definition.
* :class:`EqualWeights`: ``w_c = 1 / k`` for the ``k`` children of an aggregate.
* :class:`BudgetAllocation`: each expert ``e`` distributes points ``p_ec`` among the
  children of an aggregate; ``w_c = (1/E) sum_e p_ec / sum_c' p_ec'`` (the mean of the
  experts' normalised allocations; OECD/JRC Handbook section 6.1.4).
* :class:`PCAWeights`: data-driven, from a principal component analysis of the
  children's values (OECD/JRC Handbook section 6.1.2), see :func:`pca_weights`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

FloatArray = NDArray[np.float64]


@dataclass(frozen=True)
class ExplicitWeights:
    """Use the weights written in the definition."""


@dataclass(frozen=True)
class EqualWeights:
    """Every child of an aggregate weighs the same."""


@dataclass(frozen=True, eq=False)
class BudgetAllocation:
    """Budget allocation: one ``{node code: points}`` mapping per expert.

    A code an expert leaves out gets 0 points from that expert. An expert who gave no
    points at all to an aggregate's children is left out of that aggregate's average;
    when no expert covers an aggregate its definition weights are kept.
    """

    experts: tuple[Mapping[str, float], ...]

    def __post_init__(self) -> None:
        object.__setattr__(self, "experts", tuple(dict(e) for e in self.experts))
        for expert in self.experts:
            if any(not np.isfinite(p) or p < 0 for p in expert.values()):
                raise ValueError("budget points must be finite and >= 0")


@dataclass(frozen=True)
class PCAWeights:
    """Weights from unrotated principal components (see :func:`pca_weights`)."""

    min_eigenvalue: float = 1.0


Weighting = ExplicitWeights | EqualWeights | BudgetAllocation | PCAWeights


def normalise_weights(weights: FloatArray) -> FloatArray:
    """Scale weights to sum to one (all-zero weights become equal weights)."""
    w = np.asarray(weights, dtype=np.float64)
    total = w.sum()
    if total <= 0:
        return np.full(w.shape, 1.0 / w.size)
    return w / total


def budget_allocation_weights(
    experts: Sequence[Mapping[str, float]], codes: Sequence[str]
) -> FloatArray | None:
    """Mean of the experts' normalised allocations over ``codes`` (one sibling group).

    Returns ``None`` when no expert allocated any point to these codes.
    """
    shares = []
    for expert in experts:
        points = np.array([float(expert.get(code, 0.0)) for code in codes])
        if points.sum() > 0:
            shares.append(points / points.sum())
    if not shares:
        return None
    return np.asarray(np.mean(shares, axis=0), dtype=np.float64)


def pca_weights(values: FloatArray, min_eigenvalue: float = 1.0) -> FloatArray:
    """PCA weights for the columns of a units x children matrix.

    Following the OECD/JRC Handbook (2008, section 6.1.2) but *without* varimax rotation:

    1. Use the units observed on every child; take the correlation matrix ``R``.
    2. Eigen-decompose ``R``: eigenvalues ``l_1 >= l_2 >= ...``, eigenvectors ``v_j``.
    3. Keep the components with ``l_j >= min_eigenvalue`` (Kaiser's rule; at least one).
    4. Loadings ``L_cj = v_cj sqrt(l_j)``; squared loadings scaled to unity sum within a
       component, ``q_cj = L_cj^2 / sum_c L_cj^2`` (which equals ``v_cj^2``).
    5. Each child goes to the retained component on which its ``q_cj`` is largest, and
       gets ``w_c = (l_j* / sum_retained l) * q_cj*``: its share of that component
       scaled by the component's share of the retained explained variance.
    6. Weights are normalised to sum to one.
    """
    data = np.asarray(values, dtype=np.float64)
    n_children = data.shape[1]
    if n_children == 1:
        return np.ones(1)
    complete = data[~np.isnan(data).any(axis=1)]
    if complete.shape[0] < 3:
        raise ValueError("PCA weights need at least 3 units observed on every child")
    if np.any(complete.std(axis=0) == 0):
        raise ValueError("PCA weights need every child to vary across units")
    eigenvalues, eigenvectors = np.linalg.eigh(np.corrcoef(complete, rowvar=False))
    order = np.argsort(eigenvalues)[::-1]
    eigenvalues, eigenvectors = eigenvalues[order], eigenvectors[:, order]
    retained = max(1, int(np.sum(eigenvalues >= min_eigenvalue)))
    lam = eigenvalues[:retained]
    squared = eigenvectors[:, :retained] ** 2  # q_cj: unit sum down every column
    component = np.argmax(squared, axis=1)
    rows = np.arange(n_children)
    weights = (lam[component] / lam.sum()) * squared[rows, component]
    return normalise_weights(weights)
