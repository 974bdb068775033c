"""Composite-index engine: pure numpy/scipy, no Django.

Define an index declaratively (:class:`IndexDefinition` of :class:`Aggregate` and
:class:`Indicator` nodes), apply it to a :class:`Dataset` with :func:`run`, and study how
robust its ranks are with :func:`run_uncertainty`. See ``docs/index-engine.md``.
"""

from .aggregation import (
    Aggregation,
    Arithmetic,
    Copeland,
    GeneralisedMean,
    Geometric,
    Harmonic,
    aggregate,
    copeland_scores,
)
from .checks import DataChecks, check_data
from .coherence import (
    AggregateCoherence,
    Coherence,
    CoherenceFlag,
    CorrelationTable,
    analyse_coherence,
    cronbach_alpha,
    pca_explained_variance,
    pearson_matrix,
    spearman_matrix,
)
from .definition import Aggregate, Dataset, IndexDefinition, Indicator, Node
from .imputation import ImputationMethod, impute
from .normalisation import (
    Categorical,
    DistanceToReference,
    DistanceToTarget,
    Goalposts,
    MinMax,
    Normalisation,
    PercentileRank,
    Rank,
    ZScore,
    normalise,
)
from .outliers import (
    OutlierOptions,
    OutlierTreatment,
    TreatmentKind,
    kurtosis,
    skewness,
    treat_outliers,
)
from .pipeline import PipelineOptions, Result, run
from .presets import human_development_index
from .ranking import competition_rank
from .sobol import SaltelliDesign, SobolIndices, saltelli_design, sobol_analysis, sobol_indices
from .uncertainty import UncertaintyOptions, UncertaintyResult, run_uncertainty
from .weighting import (
    BudgetAllocation,
    EqualWeights,
    ExplicitWeights,
    PCAWeights,
    Weighting,
    budget_allocation_weights,
    pca_weights,
)

__all__ = [
    "Aggregate",
    "AggregateCoherence",
    "Aggregation",
    "Arithmetic",
    "BudgetAllocation",
    "Categorical",
    "Coherence",
    "CoherenceFlag",
    "Copeland",
    "CorrelationTable",
    "DataChecks",
    "Dataset",
    "DistanceToReference",
    "DistanceToTarget",
    "EqualWeights",
    "ExplicitWeights",
    "GeneralisedMean",
    "Geometric",
    "Goalposts",
    "Harmonic",
    "ImputationMethod",
    "IndexDefinition",
    "Indicator",
    "MinMax",
    "Node",
    "Normalisation",
    "OutlierOptions",
    "OutlierTreatment",
    "PCAWeights",
    "PercentileRank",
    "PipelineOptions",
    "Rank",
    "Result",
    "SaltelliDesign",
    "SobolIndices",
    "TreatmentKind",
    "UncertaintyOptions",
    "UncertaintyResult",
    "Weighting",
    "ZScore",
    "aggregate",
    "analyse_coherence",
    "budget_allocation_weights",
    "check_data",
    "competition_rank",
    "copeland_scores",
    "cronbach_alpha",
    "human_development_index",
    "impute",
    "kurtosis",
    "normalise",
    "pca_explained_variance",
    "pca_weights",
    "pearson_matrix",
    "run",
    "run_uncertainty",
    "saltelli_design",
    "skewness",
    "sobol_analysis",
    "sobol_indices",
    "spearman_matrix",
    "treat_outliers",
]
