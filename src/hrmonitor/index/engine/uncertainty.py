"""Uncertainty and sensitivity analysis of the index ranks (OECD/JRC Handbook step 7).

Up to four uncertain inputs, each one dimension of a Saltelli design (see
:mod:`.sobol`) drawn from a scrambled, seeded Sobol' sequence, ``u in [0, 1)``:

* ``weights``: every node weight is multiplied by ``1 + x (2 U - 1)``, ``U ~ U(0, 1)``,
  i.e. perturbed by up to ``±x`` (``weight_perturbation``). The perturbed weight sets
  are drawn once into a seeded table and ``u`` picks row ``floor(u M)``, so the input
  stays one dimension and every run is a deterministic function of its ``u`` (as the
  Sobol' estimators require);
* ``imputation``, ``normalisation``, ``aggregation``: ``u`` picks alternative
  ``floor(u K)`` among the ``K`` listed (``None`` = as in the definition). The
  aggregation alternative is applied at every level.

An input with no alternative (or no perturbation) is fixed and left out of the design.
``n_samples`` is the budget of Monte Carlo runs: with ``k`` uncertain inputs the design
uses ``N = n_samples // (k + 2)`` base samples, i.e. ``N (k + 2)`` runs.

Speed: imputation and normalisation only take a few discrete values, so each
combination's normalised matrix is computed once up front. Runs are then grouped by
(imputation, normalisation, aggregation) and aggregated in batches with a matrix of
weight vectors, so no Python loop runs per sample.

Outputs:

* per unit, the median rank and the rank interval between the 5th and 95th percentile
  over all runs (every row of ``A``, ``B`` and ``A_B^(i)`` is a draw from the inputs'
  distribution, so all of them count);
* Sobol' indices (first order by Saltelli 2010, total by Jansen) with bootstrap
  intervals, for the scalar output ``Y = mean_u |rank_u - nominal rank_u|`` (the mean
  absolute rank shift, as COINr uses), and without intervals for every unit's rank.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

import numpy as np
from numpy.typing import NDArray

from .aggregation import Aggregation
from .definition import Dataset, IndexDefinition
from .imputation import ImputationMethod
from .normalisation import Normalisation
from .pipeline import PipelineOptions, compile_structure, evaluate, preprocess, run
from .ranking import competition_rank
from .sobol import SobolIndices, estimate_indices, saltelli_design, sobol_indices

FloatArray = NDArray[np.float64]
Progress = Callable[[int, str], None]


@dataclass(frozen=True)
class UncertaintyOptions:
    """What is uncertain and how hard to sample it.

    ``n_samples`` is the number of Monte Carlo runs of the index; with ``k`` uncertain
    inputs the Saltelli design gets ``N = n_samples // (k + 2)`` base samples.
    ``weight_perturbation`` is ``x`` in ``w (1 + x (2U - 1))``. ``None`` among the
    alternatives means "as in the pipeline options / definition".
    """

    n_samples: int = 1024
    weight_perturbation: float = 0.25
    imputations: tuple[ImputationMethod, ...] = ()
    normalisations: tuple[Normalisation | None, ...] = ()
    aggregations: tuple[Aggregation | None, ...] = ()
    seed: int = 0
    n_bootstrap: int = 500
    confidence: float = 0.95
    rank_quantiles: tuple[float, float] = (0.05, 0.95)
    batch_size: int = 2048
    weight_table_size: int = 4096

    def __post_init__(self) -> None:
        if self.n_samples < 6:
            raise ValueError("n_samples must be at least 6")
        if not 0.0 <= self.weight_perturbation < 1.0:
            raise ValueError("weight_perturbation is a share in [0, 1)")
        low, high = self.rank_quantiles
        if not 0.0 <= low < high <= 1.0:
            raise ValueError("rank_quantiles must be increasing shares in [0, 1]")
        object.__setattr__(
            self, "imputations", tuple(ImputationMethod(i) for i in self.imputations)
        )


@dataclass(frozen=True, eq=False)
class UncertaintyResult:
    """Rank distributions and sensitivity indices (units in dataset order)."""

    units: tuple[str, ...]
    inputs: tuple[str, ...]
    n_base_samples: int
    n_evaluations: int
    nominal_ranks: FloatArray
    median_rank: FloatArray
    rank_low: FloatArray
    rank_high: FloatArray
    rank_quantiles: tuple[float, float]
    sample_ranks: FloatArray  # (runs, n): A, then B, then every A_B^(i)
    rank_shift: FloatArray  # (runs,): mean absolute rank shift of each run
    sensitivity: SobolIndices  # of the mean absolute rank shift
    unit_first_order: FloatArray  # (n, k): first-order index of each unit's rank
    unit_total: FloatArray  # (n, k)


def _choice(u: FloatArray, count: int) -> NDArray[np.intp]:
    return np.minimum((u * count).astype(np.intp), count - 1)


def run_uncertainty(
    definition: IndexDefinition,
    data: Dataset,
    options: PipelineOptions | None = None,
    uncertainty: UncertaintyOptions | None = None,
    progress: Progress | None = None,
) -> UncertaintyResult:
    """Monte Carlo uncertainty analysis and Sobol' sensitivity analysis of the ranks.

    ``progress(percent, message)`` is called as the work advances (0 to 100).
    """
    options = replace(options or PipelineOptions(), coherence=False)
    settings = uncertainty or UncertaintyOptions()
    report = progress or (lambda percent, message: None)
    report(0, "Computing the nominal index")

    nominal = run(definition, data, options)
    nominal_ranks = nominal.index_ranks
    structure = compile_structure(definition)
    root = structure.root
    base_weights = np.array(
        [nominal.weights.get(code, 1.0) for code in structure.codes], dtype=np.float64
    )

    imputations: Sequence[ImputationMethod] = settings.imputations or (options.imputation,)
    normalisations: Sequence[Normalisation | None] = settings.normalisations or (
        options.normalisation,
    )
    aggregations: Sequence[Aggregation | None] = settings.aggregations or (options.aggregation,)
    inputs: list[str] = []
    if settings.weight_perturbation > 0:
        inputs.append("weights")
    for name, alternatives in (
        ("imputation", imputations),
        ("normalisation", normalisations),
        ("aggregation", aggregations),
    ):
        if len(alternatives) > 1:
            inputs.append(name)
    if not inputs:
        raise ValueError("nothing is uncertain: perturb the weights or list alternatives")

    report(2, "Preparing imputation and normalisation variants")
    # ``None`` among the alternatives means "as in the options" (which may in turn
    # defer to the definition).
    normalisations = [n if n is not None else options.normalisation for n in normalisations]
    aggregations = [a if a is not None else options.aggregation for a in aggregations]
    leaves = {
        (i, j): preprocess(
            definition, data, replace(options, imputation=imputation, normalisation=norm)
        ).normalised
        for i, imputation in enumerate(imputations)
        for j, norm in enumerate(normalisations)
    }

    k = len(inputs)
    n_base = settings.n_samples // (k + 2)
    if n_base < 2:
        raise ValueError(f"n_samples must be at least {2 * (k + 2)} for {k} uncertain inputs")
    # Independent random streams for the design's scrambling, the weight table and the
    # bootstrap, all derived from the one seed.
    design_seed, weights_seed, bootstrap_seed = (
        int(stream.generate_state(1)[0])
        for stream in np.random.SeedSequence(settings.seed).spawn(3)
    )
    design = saltelli_design(n_base, k, design_seed)
    runs = design.stacked()
    n_runs, n_units = runs.shape[0], len(data.units)

    def column(name: str, count: int) -> NDArray[np.intp]:
        if name not in inputs:
            return np.zeros(n_runs, dtype=np.intp)
        return _choice(runs[:, inputs.index(name)], count)

    imputation_idx = column("imputation", len(imputations))
    normalisation_idx = column("normalisation", len(normalisations))
    aggregation_idx = column("aggregation", len(aggregations))
    weight_table: FloatArray | None = None
    weight_idx = column("weights", settings.weight_table_size)
    if "weights" in inputs:
        rng = np.random.default_rng(weights_seed)
        noise = rng.uniform(-1.0, 1.0, size=(settings.weight_table_size, base_weights.size))
        weight_table = base_weights * (1.0 + settings.weight_perturbation * noise)

    top = np.empty((n_runs, n_units))
    key = (imputation_idx * len(normalisations) + normalisation_idx) * len(
        aggregations
    ) + aggregation_idx
    done, last_percent = 0, -1
    for group in np.unique(key):
        rows = np.flatnonzero(key == group)
        first = rows[0]
        matrix = leaves[(int(imputation_idx[first]), int(normalisation_idx[first]))]
        method = aggregations[int(aggregation_idx[first])]
        if weight_table is None:
            # Every run of the group is the same model: evaluate it once.
            scores = evaluate(structure, matrix, base_weights[np.newaxis], method)
            top[rows] = scores[0, :, root]
            batches = [rows]
        else:
            batches = [
                rows[start : start + settings.batch_size]
                for start in range(0, rows.size, settings.batch_size)
            ]
        for chunk in batches:
            if weight_table is not None:
                scores = evaluate(structure, matrix, weight_table[weight_idx[chunk]], method)
                top[chunk] = scores[:, :, root]
            done += chunk.size
            percent = 5 + int(85 * done / n_runs)
            if percent != last_percent:
                report(percent, f"Evaluated {done:,} of {n_runs:,} runs")
                last_percent = percent

    report(90, "Ranking the runs")
    ranks = competition_rank(top * options.scale, options.rank_decimals)
    with np.errstate(invalid="ignore"):
        shift_terms = np.abs(ranks - nominal_ranks[np.newaxis])
    valid = ~np.isnan(shift_terms)
    shift = np.where(valid, shift_terms, 0.0).sum(axis=1) / np.maximum(valid.sum(axis=1), 1)

    n = design.n_base
    low_q, high_q = settings.rank_quantiles
    report(93, "Estimating sensitivity indices")
    sensitivity = sobol_indices(
        shift[:n],
        shift[n : 2 * n],
        shift[2 * n :].reshape(k, n),
        tuple(inputs),
        settings.n_bootstrap,
        settings.confidence,
        bootstrap_seed,
    )
    unit_first, unit_total = estimate_indices(
        ranks[:n], ranks[n : 2 * n], ranks[2 * n :].reshape(k, n, n_units)
    )
    quantiles = _nan_quantiles(ranks, [0.5, low_q, high_q])
    report(100, "Done")
    return UncertaintyResult(
        units=data.units,
        inputs=tuple(inputs),
        n_base_samples=n,
        n_evaluations=n_runs,
        nominal_ranks=nominal_ranks,
        median_rank=quantiles[0],
        rank_low=quantiles[1],
        rank_high=quantiles[2],
        rank_quantiles=(low_q, high_q),
        sample_ranks=ranks,
        rank_shift=shift,
        sensitivity=sensitivity,
        unit_first_order=unit_first.T.copy(),
        unit_total=unit_total.T.copy(),
    )


def _nan_quantiles(samples: FloatArray, quantiles: Sequence[float]) -> FloatArray:
    """Quantiles down each column, ignoring NaN (a unit never ranked gets NaN)."""
    out = np.full((len(quantiles), samples.shape[1]), np.nan)
    for u in range(samples.shape[1]):
        column = samples[:, u]
        column = column[~np.isnan(column)]
        if column.size:
            out[:, u] = np.quantile(column, quantiles)
    return out
