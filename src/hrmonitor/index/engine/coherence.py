"""Statistical coherence of the index structure (OECD/JRC Handbook, steps 4 and 9).

* Pearson correlation on pairwise-complete units:
  ``r = sum (x - mean x)(y - mean y) / sqrt(sum (x - mean x)^2 sum (y - mean y)^2)``.
* Spearman correlation: Pearson correlation of the average ranks of the same units.
* Cronbach's alpha of an aggregate's ``k`` children (units observed on all of them):
  ``alpha = k / (k - 1) * (1 - sum_c var(x_c) / var(sum_c x_c))``.
* PCA explained variance: eigenvalues of the children's correlation matrix divided by
  their sum ``k``, largest first.
* Flags: a node negatively correlated with its parent (``r < 0``), a pair of siblings
  negatively correlated (``r < 0``), or a pair of siblings so correlated (``r > 0.92``)
  that one is redundant.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
from numpy.typing import NDArray
from scipy.stats import rankdata

from .definition import Aggregate, IndexDefinition

FloatArray = NDArray[np.float64]

REDUNDANCY_THRESHOLD = 0.92


def pearson_matrix(values: FloatArray) -> FloatArray:
    """Pearson correlations between the columns, each pair on its complete units."""
    data = np.asarray(values, dtype=np.float64)
    mask = (~np.isnan(data)).astype(np.float64)
    # Centring first is free (r ignores shifts) and avoids cancellation in the sums below.
    filled = np.where(mask > 0, data, 0.0)
    centre = filled.sum(axis=0) / np.maximum(mask.sum(axis=0), 1.0)
    x = np.where(mask > 0, filled - centre, 0.0)
    count = mask.T @ mask  # units observed on both i and j
    sum_i = x.T @ mask  # sum of column i over the units where j is observed too
    sum_sq_i = (x * x).T @ mask
    cross = x.T @ x
    with np.errstate(invalid="ignore", divide="ignore"):
        cov = cross - sum_i * sum_i.T / count
        var_i = sum_sq_i - sum_i**2 / count
        r = cov / np.sqrt(var_i * var_i.T)
    r = np.where((count >= 2) & (var_i > 1e-12 * (1 + sum_sq_i)), r, np.nan)
    r = np.where((var_i.T > 1e-12 * (1 + sum_sq_i.T)), r, np.nan)
    return np.asarray(np.clip(r, -1.0, 1.0), dtype=np.float64)


def spearman_matrix(values: FloatArray) -> FloatArray:
    """Spearman correlations between the columns, each pair on its complete units.

    Each pair must be ranked on the units observed in *both* columns, so ranks are built
    for all pairs at once: with ``L_i[u, v] = [x_vi < x_ui] + [x_vi = x_ui] / 2``, the
    (shifted) average rank of unit ``u`` in column ``i`` among the units also observed in
    column ``j`` is ``sum_v L_i[u, v] m_i[v] m_j[v]``, one matrix product per column.
    """
    data = np.asarray(values, dtype=np.float64)
    mask = ~np.isnan(data)
    if mask.all():
        return pearson_matrix(np.asarray(rankdata(data, axis=0), dtype=np.float64))
    x = data.T  # (c, n)
    with np.errstate(invalid="ignore"):
        below = (x[:, np.newaxis, :] < x[:, :, np.newaxis]).astype(np.float64)
        below += 0.5 * (x[:, np.newaxis, :] == x[:, :, np.newaxis])
    below *= mask.T[:, np.newaxis, :]  # only units observed in column i count
    weights = mask.astype(np.float64)  # (n, c)
    ranks = np.matmul(below, weights).transpose(0, 2, 1)  # ranks[i, j, u]
    other = ranks.transpose(1, 0, 2)  # ranks of column j among the units common with i
    common = (mask.T[:, np.newaxis, :] & mask.T[np.newaxis, :, :]).astype(np.float64)
    count = common.sum(axis=2)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean_a = (ranks * common).sum(axis=2) / count
        mean_b = (other * common).sum(axis=2) / count
        da = (ranks - mean_a[..., np.newaxis]) * common
        db = (other - mean_b[..., np.newaxis]) * common
        cov = (da * db).sum(axis=2)
        var_a, var_b = (da * da).sum(axis=2), (db * db).sum(axis=2)
        r = cov / np.sqrt(var_a * var_b)
    r = np.where((count >= 2) & (var_a > 0) & (var_b > 0), r, np.nan)
    return np.asarray(np.clip(r, -1.0, 1.0), dtype=np.float64)


def pearson(x: FloatArray, y: FloatArray) -> float:
    """Pearson correlation of two vectors on their common units."""
    return float(pearson_matrix(np.column_stack([x, y]))[0, 1])


def spearman(x: FloatArray, y: FloatArray) -> float:
    """Spearman correlation of two vectors on their common units."""
    pair = np.column_stack([x, y]).astype(np.float64)
    pair = pair[~np.isnan(pair).any(axis=1)]
    if pair.shape[0] < 2:
        return float("nan")
    return pearson(rankdata(pair[:, 0]), rankdata(pair[:, 1]))


def cronbach_alpha(values: FloatArray) -> float:
    """Cronbach's alpha of the columns (units observed on every column)."""
    data = np.asarray(values, dtype=np.float64)
    data = data[~np.isnan(data).any(axis=1)]
    k = data.shape[1]
    if k < 2 or data.shape[0] < 2:
        return float("nan")
    total_var = data.sum(axis=1).var(ddof=1)
    if total_var == 0:
        return float("nan")
    return float(k / (k - 1) * (1 - data.var(axis=0, ddof=1).sum() / total_var))


def pca_explained_variance(values: FloatArray) -> FloatArray:
    """Share of variance explained by each principal component (largest first)."""
    data = np.asarray(values, dtype=np.float64)
    data = data[~np.isnan(data).any(axis=1)]
    if data.shape[1] == 1:
        return np.ones(1)
    if data.shape[0] < 2 or np.any(data.std(axis=0) == 0):
        return np.full(data.shape[1], np.nan)
    eigenvalues = np.linalg.eigvalsh(np.corrcoef(data, rowvar=False))[::-1]
    eigenvalues = np.clip(eigenvalues, 0.0, None)
    return np.asarray(eigenvalues / eigenvalues.sum(), dtype=np.float64)


@dataclass(frozen=True, eq=False)
class CorrelationTable:
    """Correlations between ``rows`` and ``columns`` (square within a level)."""

    rows: tuple[str, ...]
    columns: tuple[str, ...]
    pearson: FloatArray
    spearman: FloatArray

    def get(self, row: str, column: str, method: Literal["pearson", "spearman"]) -> float:
        """One correlation by codes."""
        table = self.pearson if method == "pearson" else self.spearman
        return float(table[self.rows.index(row), self.columns.index(column)])


@dataclass(frozen=True)
class AggregateCoherence:
    """Internal consistency of one aggregate's children."""

    code: str
    children: tuple[str, ...]
    cronbach_alpha: float
    explained_variance: tuple[float, ...]


@dataclass(frozen=True)
class CoherenceFlag:
    """A warning about one node or pair of nodes."""

    kind: Literal["negative_with_parent", "negative_with_peer", "redundant"]
    codes: tuple[str, str]
    pearson: float


@dataclass(frozen=True, eq=False)
class Coherence:
    """All coherence statistics of one pipeline run."""

    within_levels: tuple[CorrelationTable, ...]
    across_levels: CorrelationTable
    aggregates: Mapping[str, AggregateCoherence]
    flags: tuple[CoherenceFlag, ...]


def _table(
    rows: Sequence[str], columns: Sequence[str], values: Mapping[str, FloatArray]
) -> CorrelationTable:
    codes = list(dict.fromkeys([*rows, *columns]))
    matrix = np.column_stack([values[c] for c in codes])
    p, s = pearson_matrix(matrix), spearman_matrix(matrix)
    r = [codes.index(c) for c in rows]
    c = [codes.index(c) for c in columns]
    return CorrelationTable(tuple(rows), tuple(columns), p[np.ix_(r, c)], s[np.ix_(r, c)])


def analyse_coherence(
    definition: IndexDefinition,
    values: Mapping[str, FloatArray],
    redundancy_threshold: float = REDUNDANCY_THRESHOLD,
) -> Coherence:
    """Correlations within and across levels, alpha and PCA per aggregate, and flags.

    ``values`` maps every node code to its per-unit values (normalised indicators and
    aggregate scores).
    """
    within = tuple(_table(level, level, values) for level in definition.levels)
    all_codes = [code for level in definition.levels for code in level]
    aggregate_codes = [a.code for a in definition.aggregates]
    across = _table(all_codes, aggregate_codes, values)

    aggregates: dict[str, AggregateCoherence] = {}
    flags: list[CoherenceFlag] = []
    for aggregate in definition.aggregates:
        children = [child.code for child in aggregate.children]
        block = np.column_stack([values[c] for c in children])
        aggregates[aggregate.code] = AggregateCoherence(
            aggregate.code,
            tuple(children),
            cronbach_alpha(block),
            tuple(float(v) for v in pca_explained_variance(block)),
        )
        flags.extend(_flags(aggregate, block, across, redundancy_threshold))
    return Coherence(within, across, aggregates, tuple(flags))


def _flags(
    aggregate: Aggregate, block: FloatArray, across: CorrelationTable, threshold: float
) -> list[CoherenceFlag]:
    children = [child.code for child in aggregate.children]
    flags: list[CoherenceFlag] = []
    if len(children) == 1:
        return flags  # a single child is its parent: nothing to compare
    for child in children:
        r = across.get(child, aggregate.code, "pearson")
        if r < 0:
            flags.append(CoherenceFlag("negative_with_parent", (child, aggregate.code), r))
    peers = pearson_matrix(block)
    for i in range(len(children)):
        for j in range(i + 1, len(children)):
            r = float(peers[i, j])
            if r < 0:
                flags.append(CoherenceFlag("negative_with_peer", (children[i], children[j]), r))
            elif r > threshold:
                flags.append(CoherenceFlag("redundant", (children[i], children[j]), r))
    return flags
