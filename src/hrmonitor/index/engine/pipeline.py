"""The pipeline: data checks -> imputation -> outlier treatment -> normalisation ->
weighting -> aggregation -> ranks (+ statistical coherence), on one dataset.

Every intermediate matrix is kept on the :class:`Result`, so each step can be audited.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray

from .aggregation import Aggregation, aggregate_batch
from .checks import DEFAULT_COVERAGE_THRESHOLD, DataChecks, check_data
from .coherence import REDUNDANCY_THRESHOLD, Coherence, analyse_coherence
from .definition import Aggregate, Dataset, IndexDefinition, Indicator
from .imputation import ImputationMethod, impute
from .normalisation import ABSOLUTE_METHODS, Normalisation, normalise
from .outliers import (
    OutlierOptions,
    OutlierTreatment,
    TreatmentKind,
    column_moments,
    treat_outliers,
)
from .ranking import competition_rank
from .weighting import (
    BudgetAllocation,
    EqualWeights,
    ExplicitWeights,
    PCAWeights,
    Weighting,
    budget_allocation_weights,
    normalise_weights,
    pca_weights,
)

FloatArray = NDArray[np.float64]


@dataclass(frozen=True)
class PipelineOptions:
    """Which method each step uses.

    * ``normalisation``: ``None`` uses each indicator's own method; a method here
      replaces them all (the indicators' directions still apply).
    * ``aggregation``: ``None`` uses each aggregate's own method; a method here is used
      at every level.
    * ``outliers``: ``None`` skips outlier treatment.
    * ``scale``: scores are the 0-1 values times ``scale``: 100 for 0-100 scores, 1 for
      the raw 0-1 scale some indices publish (the HDI).
    * ``weighting``: explicit (the definition's), equal, budget allocation or PCA.
    * ``rank_decimals``: rank on scores rounded to this many decimals (after scaling).
    * ``coherence``: compute correlations, Cronbach's alpha and flags (skip it in loops).
    """

    coverage_threshold: float = DEFAULT_COVERAGE_THRESHOLD
    imputation: ImputationMethod = ImputationMethod.NONE
    outliers: OutlierOptions | None = None
    normalisation: Normalisation | None = None
    weighting: Weighting = ExplicitWeights()
    aggregation: Aggregation | None = None
    scale: float = 100.0
    rank_decimals: int | None = None
    coherence: bool = True
    redundancy_threshold: float = REDUNDANCY_THRESHOLD

    def __post_init__(self) -> None:
        object.__setattr__(self, "imputation", ImputationMethod(self.imputation))
        if not self.scale > 0:
            raise ValueError("scale must be positive")


@dataclass(frozen=True, eq=False)
class Structure:
    """The definition compiled to arrays: nodes are numbered indicators first (in
    definition order), then aggregates in evaluation order (children before parents).
    """

    indicators: tuple[Indicator, ...]
    aggregates: tuple[Aggregate, ...]
    children: tuple[NDArray[np.intp], ...]

    @property
    def n_indicators(self) -> int:
        """Number of indicators (leaf nodes)."""
        return len(self.indicators)

    @property
    def codes(self) -> tuple[str, ...]:
        """Code of every node, by node number."""
        return tuple(i.code for i in self.indicators) + tuple(a.code for a in self.aggregates)

    @property
    def root(self) -> int:
        """Aggregate number of the index (the last one evaluated)."""
        return len(self.aggregates) - 1


def compile_structure(definition: IndexDefinition) -> Structure:
    """Number the nodes of ``definition`` and list each aggregate's children numbers."""
    codes = [i.code for i in definition.indicators] + [a.code for a in definition.aggregates]
    number = {code: k for k, code in enumerate(codes)}
    children = tuple(
        np.array([number[child.code] for child in aggregate.children], dtype=np.intp)
        for aggregate in definition.aggregates
    )
    return Structure(definition.indicators, definition.aggregates, children)


def gather_children(
    structure: Structure, leaves: FloatArray, aggregated: FloatArray, aggregate: int
) -> FloatArray:
    """Values of one aggregate's children as ``(B, n, c)``.

    ``leaves`` is ``(n, m)``; ``aggregated`` is ``(S, n, A)``. When every child is an
    indicator the leaves are shared by all samples and ``B = 1``.
    """
    kids = structure.children[aggregate]
    m = structure.n_indicators
    if np.all(kids < m):
        return leaves[np.newaxis][:, :, kids]
    if np.all(kids >= m):
        return aggregated[:, :, kids - m]
    out = np.empty((aggregated.shape[0], leaves.shape[0], kids.size))
    for position, kid in enumerate(kids):
        out[:, :, position] = leaves[:, kid] if kid < m else aggregated[:, :, kid - m]
    return out


def evaluate(
    structure: Structure,
    leaves: FloatArray,
    weights: FloatArray,
    aggregation: Aggregation | None = None,
) -> FloatArray:
    """Aggregate normalised indicators up the tree for a batch of weight vectors.

    ``weights`` is ``(S, nodes)`` (node numbering of :class:`Structure`); returns the
    ``(S, n, A)`` scores of every aggregate on the 0-1 scale. ``aggregation`` replaces
    every aggregate's own method when given.
    """
    n_samples = weights.shape[0]
    aggregated = np.empty((n_samples, leaves.shape[0], len(structure.aggregates)))
    for a, node in enumerate(structure.aggregates):
        values = gather_children(structure, leaves, aggregated, a)
        method = aggregation if aggregation is not None else node.aggregation
        kids = structure.children[a]
        aggregated[:, :, a] = _aggregate_node(node, values, weights[:, kids], method)
    return aggregated


def _aggregate_node(
    node: Aggregate, values: FloatArray, weights: FloatArray, method: Aggregation
) -> FloatArray:
    try:
        return aggregate_batch(values, weights, method)
    except ValueError as error:
        raise ValueError(f"aggregating {node.code!r}: {error}") from error


@dataclass(frozen=True, eq=False)
class Preprocessed:
    """The indicator matrices before aggregation (units x indicators)."""

    raw: FloatArray
    imputed: FloatArray
    treated: FloatArray
    treatments: tuple[OutlierTreatment, ...]
    normalised: FloatArray


def preprocess(
    definition: IndexDefinition, data: Dataset, options: PipelineOptions
) -> Preprocessed:
    """Imputation, outlier treatment and normalisation of the definition's indicators."""
    indicators = definition.indicators
    raw = data.matrix([i.code for i in indicators])
    imputed = impute(raw, options.imputation, data.groups)

    treated = imputed.copy()
    treatments: list[OutlierTreatment] = []
    methods = [options.normalisation or i.normalisation for i in indicators]
    if options.outliers is not None:
        limits = options.outliers
        skew, kurt = column_moments(imputed)
        for j, (indicator, method) in enumerate(zip(indicators, methods, strict=True)):
            column = imputed[:, j]
            if not indicator.treat_outliers or isinstance(method, ABSOLUTE_METHODS):
                # Goalposts, targets and category thresholds are written in the raw
                # unit: winsorising or logging the data would silently break them.
                nan = float("nan")
                treatments.append(
                    OutlierTreatment(
                        indicator.code, TreatmentKind.SKIPPED, column.copy(), nan, nan, nan, nan
                    )
                )
            elif abs(skew[j]) > limits.skewness_threshold and kurt[j] > limits.kurtosis_threshold:
                treatment = treat_outliers(column, limits, indicator.code)
                treated[:, j] = treatment.values
                treatments.append(treatment)
            else:
                s, k = float(skew[j]), float(kurt[j])
                treatments.append(
                    OutlierTreatment(indicator.code, TreatmentKind.NONE, column.copy(), s, k, s, k)
                )

    normalised = np.empty_like(treated)
    for j, (indicator, method) in enumerate(zip(indicators, methods, strict=True)):
        try:
            normalised[:, j] = normalise(treated[:, j], method, indicator.direction, data.units)
        except ValueError as error:
            raise ValueError(f"normalising {indicator.code!r}: {error}") from error
    return Preprocessed(raw, imputed, treated, tuple(treatments), normalised)


def sibling_weights(
    aggregate: Aggregate, children_values: FloatArray, weighting: Weighting
) -> FloatArray:
    """Weights of ``aggregate``'s children, normalised to sum to one."""
    codes = [child.code for child in aggregate.children]
    explicit = np.array([child.weight for child in aggregate.children], dtype=np.float64)
    match weighting:
        case ExplicitWeights():
            return normalise_weights(explicit)
        case EqualWeights():
            return np.full(len(codes), 1.0 / len(codes))
        case BudgetAllocation(experts=experts):
            budget = budget_allocation_weights(experts, codes)
            return normalise_weights(explicit if budget is None else budget)
        case PCAWeights(min_eigenvalue=min_eigenvalue):
            try:
                return pca_weights(children_values, min_eigenvalue)
            except ValueError as error:
                raise ValueError(f"PCA weights of {aggregate.code!r}: {error}") from error
    raise TypeError(f"unknown weighting {weighting!r}")  # pragma: no cover


@dataclass(frozen=True, eq=False)
class Result:
    """Everything a pipeline run produced.

    Matrices are units x indicators in definition order (:attr:`indicators`).
    :attr:`values` holds every node on the 0-1 scale (normalised indicators and
    aggregate scores); :meth:`scores` multiplies by ``options.scale``.
    """

    definition: IndexDefinition
    options: PipelineOptions
    units: tuple[str, ...]
    groups: tuple[str, ...] | None
    checks: DataChecks
    raw: FloatArray
    imputed: FloatArray
    treated: FloatArray
    treatments: tuple[OutlierTreatment, ...]
    normalised: FloatArray
    weights: Mapping[str, float]
    values: Mapping[str, FloatArray]
    ranks: Mapping[str, FloatArray]
    coherence: Coherence | None = field(default=None)

    @property
    def indicators(self) -> tuple[str, ...]:
        """Indicator codes, the column order of every matrix."""
        return tuple(i.code for i in self.definition.indicators)

    @property
    def imputed_mask(self) -> NDArray[np.bool_]:
        """True where a missing value was imputed."""
        return np.asarray(np.isnan(self.raw) & ~np.isnan(self.imputed))

    def scores(self, code: str | None = None) -> FloatArray:
        """Scores of one node (default: the index) on the output scale."""
        key = self.definition.root.code if code is None else code
        return np.asarray(self.values[key] * self.options.scale, dtype=np.float64)

    @property
    def index_scores(self) -> FloatArray:
        """Scores of the index on the output scale."""
        return self.scores()

    @property
    def index_ranks(self) -> FloatArray:
        """Competition ranks of the index (1 = best)."""
        return self.ranks[self.definition.root.code]

    def level_scores(self, level: int) -> tuple[tuple[str, ...], FloatArray]:
        """Codes and units x nodes score matrix of one level (1 = indicators)."""
        codes = self.definition.levels[level - 1]
        return codes, np.column_stack([self.scores(c) for c in codes])

    def table(self, codes: Sequence[str] | None = None) -> list[dict[str, object]]:
        """One row per unit with score and rank of each node in ``codes`` (default: all
        aggregates), ready for serialisation.
        """
        wanted = list(codes) if codes is not None else [a.code for a in self.definition.aggregates]
        rows: list[dict[str, object]] = []
        for u, unit in enumerate(self.units):
            row: dict[str, object] = {"unit": unit}
            if self.groups is not None:
                row["group"] = self.groups[u]
            for code in wanted:
                score = float(self.scores(code)[u])
                rank = float(self.ranks[code][u])
                row[code] = None if np.isnan(score) else score
                row[f"{code}_rank"] = None if np.isnan(rank) else int(rank)
            rows.append(row)
        return rows


def run(
    definition: IndexDefinition, data: Dataset, options: PipelineOptions | None = None
) -> Result:
    """Run every step of the pipeline and return all intermediate data."""
    options = options or PipelineOptions()
    codes = [i.code for i in definition.indicators]
    prepared = preprocess(definition, data, options)
    checks = check_data(prepared.raw, data.units, codes, options.coverage_threshold)

    structure = compile_structure(definition)
    m = structure.n_indicators
    weights = np.ones(m + len(structure.aggregates))
    aggregated = np.empty((1, len(data.units), len(structure.aggregates)))
    for a, node in enumerate(structure.aggregates):
        values = gather_children(structure, prepared.normalised, aggregated, a)
        kids = structure.children[a]
        weights[kids] = sibling_weights(node, values[0], options.weighting)
        method = options.aggregation if options.aggregation is not None else node.aggregation
        aggregated[:, :, a] = _aggregate_node(node, values, weights[np.newaxis, kids], method)

    node_values: dict[str, FloatArray] = {
        code: prepared.normalised[:, j].copy() for j, code in enumerate(codes)
    }
    for a, node in enumerate(structure.aggregates):
        node_values[node.code] = aggregated[0, :, a].copy()
    ranks = {
        code: competition_rank(v * options.scale, options.rank_decimals)
        for code, v in node_values.items()
    }
    effective = {
        code: float(weights[k])
        for k, code in enumerate(structure.codes)
        if code != definition.root.code
    }
    coherence = (
        analyse_coherence(definition, node_values, options.redundancy_threshold)
        if options.coherence
        else None
    )
    return Result(
        definition=definition,
        options=options,
        units=data.units,
        groups=data.groups,
        checks=checks,
        raw=prepared.raw,
        imputed=prepared.imputed,
        treated=prepared.treated,
        treatments=prepared.treatments,
        normalised=prepared.normalised,
        weights=effective,
        values=node_values,
        ranks=ranks,
        coherence=coherence,
    )
