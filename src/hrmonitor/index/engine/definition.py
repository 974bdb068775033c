"""Declarative definition of a composite index and of the data it is applied to.

A definition is a tree: the root :class:`Aggregate` is the index, inner aggregates are
dimensions and sub-dimensions (any depth), leaves are :class:`Indicator` objects. Each
node carries the weight it has among its siblings; each aggregate says how its children
are combined; each indicator says which way is better and how it is normalised.

*Levels* follow COINr's convention: indicators are level 1 and an aggregate's level is
one more than the highest level among its children, so in a balanced tree the index is
the top level and all nodes of one level are of one kind.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import Literal

import numpy as np
from numpy.typing import NDArray

from .aggregation import Aggregation, Arithmetic
from .normalisation import MinMax, Normalisation

FloatArray = NDArray[np.float64]


def _check_weight(code: str, weight: float) -> None:
    if not np.isfinite(weight) or weight < 0:
        raise ValueError(f"{code}: weight must be a finite number >= 0")


@dataclass(frozen=True)
class Indicator:
    """A leaf of the index tree: one measured variable.

    ``direction`` is +1 when a higher value is better and -1 when lower is better.
    ``treat_outliers=False`` exempts the indicator from outlier treatment.
    """

    code: str
    name: str = ""
    direction: Literal[1, -1] = 1
    weight: float = 1.0
    normalisation: Normalisation = MinMax()
    treat_outliers: bool = True

    def __post_init__(self) -> None:
        if not self.code:
            raise ValueError("an indicator needs a code")
        if self.direction not in (1, -1):
            raise ValueError(f"{self.code}: direction must be +1 or -1")
        _check_weight(self.code, self.weight)


@dataclass(frozen=True)
class Aggregate:
    """An inner node (sub-dimension, dimension, or the index itself)."""

    code: str
    children: tuple[Indicator | Aggregate, ...]
    name: str = ""
    weight: float = 1.0
    aggregation: Aggregation = Arithmetic()

    def __post_init__(self) -> None:
        if not self.code:
            raise ValueError("an aggregate needs a code")
        if not self.children:
            raise ValueError(f"{self.code}: an aggregate needs at least one child")
        # Accept any sequence but store a tuple so the definition stays hashable.
        object.__setattr__(self, "children", tuple(self.children))
        _check_weight(self.code, self.weight)


Node = Indicator | Aggregate


@dataclass(frozen=True)
class IndexDefinition:
    """The whole index: its tree, plus lookups derived from it."""

    root: Aggregate
    name: str = ""

    def __post_init__(self) -> None:
        codes = [node.code for node in self._walk(self.root)]
        duplicates = sorted({c for c in codes if codes.count(c) > 1})
        if duplicates:
            raise ValueError(f"node codes must be unique; repeated: {', '.join(duplicates)}")

    @staticmethod
    def _walk(node: Node) -> Iterator[Node]:
        yield node
        if isinstance(node, Aggregate):
            for child in node.children:
                yield from IndexDefinition._walk(child)

    @cached_property
    def indicators(self) -> tuple[Indicator, ...]:
        """Indicators in depth-first order: the column order used throughout."""
        return tuple(n for n in self._walk(self.root) if isinstance(n, Indicator))

    @cached_property
    def aggregates(self) -> tuple[Aggregate, ...]:
        """Aggregates ordered so every aggregate comes after all of its children."""
        return tuple(sorted(self._post_order(), key=lambda a: self.level_of[a.code]))

    def _post_order(self) -> list[Aggregate]:
        order: list[Aggregate] = []

        def visit(node: Node) -> None:
            if isinstance(node, Aggregate):
                for child in node.children:
                    visit(child)
                order.append(node)

        visit(self.root)
        return order

    @cached_property
    def nodes(self) -> Mapping[str, Node]:
        """Every node by code."""
        return {n.code: n for n in self._walk(self.root)}

    @cached_property
    def parent_of(self) -> Mapping[str, str]:
        """Code of each node's parent (the root has none)."""
        parents: dict[str, str] = {}
        for node in self._walk(self.root):
            if isinstance(node, Aggregate):
                for child in node.children:
                    parents[child.code] = node.code
        return parents

    @cached_property
    def level_of(self) -> Mapping[str, int]:
        """Level of each node: 1 for indicators, 1 + max level of children otherwise."""
        levels: dict[str, int] = {}

        def visit(node: Node) -> int:
            if isinstance(node, Indicator):
                level = 1
            else:
                level = 1 + max(visit(child) for child in node.children)
            levels[node.code] = level
            return level

        visit(self.root)
        return levels

    @cached_property
    def levels(self) -> tuple[tuple[str, ...], ...]:
        """Node codes per level, ``levels[0]`` being the indicators and the last the index."""
        top = self.level_of[self.root.code]
        order = [n.code for n in self._walk(self.root)]
        return tuple(
            tuple(c for c in order if self.level_of[c] == level) for level in range(1, top + 1)
        )

    @property
    def depth(self) -> int:
        """Number of levels, the indicators' included (2 for an index of indicators only)."""
        return len(self.levels)

    def ancestors(self, code: str) -> tuple[str, ...]:
        """Codes of the node's parent, grandparent, ... up to the index."""
        chain: list[str] = []
        while code in self.parent_of:
            code = self.parent_of[code]
            chain.append(code)
        return tuple(chain)


@dataclass(frozen=True, eq=False)
class Dataset:
    """A units x indicators matrix with NaN for missing values.

    ``groups`` optionally assigns every unit to a group (e.g. a sub-region) for group
    imputation.
    """

    units: tuple[str, ...]
    indicators: tuple[str, ...]
    values: FloatArray
    groups: tuple[str, ...] | None = None
    _column: Mapping[str, int] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        values = np.array(self.values, dtype=np.float64, copy=True)
        units, indicators = tuple(self.units), tuple(self.indicators)
        if values.shape != (len(units), len(indicators)):
            raise ValueError(
                f"values has shape {values.shape}, expected ({len(units)}, {len(indicators)})"
            )
        if len(set(units)) != len(units):
            raise ValueError("unit codes must be unique")
        if len(set(indicators)) != len(indicators):
            raise ValueError("indicator codes must be unique")
        if np.isinf(values).any():
            raise ValueError("values must be finite or NaN")
        groups = None if self.groups is None else tuple(self.groups)
        if groups is not None and len(groups) != len(units):
            raise ValueError("there must be one group per unit")
        values.setflags(write=False)
        object.__setattr__(self, "units", units)
        object.__setattr__(self, "indicators", indicators)
        object.__setattr__(self, "values", values)
        object.__setattr__(self, "groups", groups)
        object.__setattr__(self, "_column", {c: j for j, c in enumerate(indicators)})

    @classmethod
    def from_columns(
        cls,
        units: Sequence[str],
        columns: Mapping[str, Sequence[float]],
        groups: Sequence[str] | None = None,
    ) -> Dataset:
        """Build a dataset from ``{indicator code: one value per unit}``."""
        matrix = np.column_stack([np.asarray(v, dtype=np.float64) for v in columns.values()])
        return cls(tuple(units), tuple(columns), matrix, None if groups is None else tuple(groups))

    def matrix(self, indicators: Sequence[str]) -> FloatArray:
        """The columns of ``indicators``, in that order (a copy)."""
        missing = [c for c in indicators if c not in self._column]
        if missing:
            raise KeyError(f"indicators not in the dataset: {', '.join(missing)}")
        return np.array(self.values[:, [self._column[c] for c in indicators]], dtype=np.float64)
