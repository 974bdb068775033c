"""Imputation of missing indicator values (NaN).

For a missing value ``x_uj`` of unit ``u`` on indicator ``j``:

* ``NONE``: left missing; aggregation then re-normalises the weights over the
  indicators the unit does report ("available-case" aggregation).
* ``MEAN``: ``x_uj = mean_v x_vj`` over the units ``v`` that report ``j``.
* ``MEDIAN``: ``x_uj = median_v x_vj``.
* ``GROUP_MEAN`` / ``GROUP_MEDIAN``: the same statistic over the units of ``u``'s group
  (e.g. its sub-region) only. When nobody in the group reports ``j`` the statistic of
  all units is used instead, so every value that can be imputed is.

An indicator nobody reports stays missing whatever the method.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from enum import StrEnum

import numpy as np
from numpy.typing import NDArray

FloatArray = NDArray[np.float64]


class ImputationMethod(StrEnum):
    """How missing values are filled in (see the module docstring for the formulas)."""

    NONE = "none"
    MEAN = "mean"
    MEDIAN = "median"
    GROUP_MEAN = "group_mean"
    GROUP_MEDIAN = "group_median"


def _statistic(method: ImputationMethod) -> Callable[[FloatArray], FloatArray]:
    if method in (ImputationMethod.MEAN, ImputationMethod.GROUP_MEAN):
        return _column_nanmean
    return _column_nanmedian


def _column_nanmean(values: FloatArray) -> FloatArray:
    observed = ~np.isnan(values)
    counts = observed.sum(axis=0)
    sums = np.where(observed, values, 0.0).sum(axis=0)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.asarray(np.where(counts > 0, sums / counts, np.nan), dtype=np.float64)


def _column_nanmedian(values: FloatArray) -> FloatArray:
    out = np.full(values.shape[1], np.nan)
    for j in range(values.shape[1]):
        column = values[:, j]
        column = column[~np.isnan(column)]
        if column.size:
            out[j] = np.median(column)
    return out


def impute(
    values: FloatArray,
    method: ImputationMethod,
    groups: Sequence[str] | None = None,
) -> FloatArray:
    """Return a copy of the units x indicators matrix with missing values imputed."""
    data = np.array(values, dtype=np.float64, copy=True)
    method = ImputationMethod(method)
    missing = np.isnan(data)
    if method is ImputationMethod.NONE or not missing.any():
        return data
    statistic = _statistic(method)
    overall = statistic(data)

    if method in (ImputationMethod.MEAN, ImputationMethod.MEDIAN):
        fill = np.broadcast_to(overall, data.shape)
        data[missing] = fill[missing]
        return data

    if groups is None:
        raise ValueError(f"{method.value} imputation needs unit groups")
    if len(groups) != data.shape[0]:
        raise ValueError("there must be one group per unit")
    labels = np.asarray(groups, dtype=object)
    for group in dict.fromkeys(groups):
        rows = labels == group
        group_stat = statistic(data[rows])
        # Fall back to all units when nobody in the group reports the indicator.
        group_stat = np.where(np.isnan(group_stat), overall, group_stat)
        block = data[rows]
        block_missing = np.isnan(block)
        block[block_missing] = np.broadcast_to(group_stat, block.shape)[block_missing]
        data[rows] = block
    return data
