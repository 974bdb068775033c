"""Ready-made definitions of published indices."""

from __future__ import annotations

from .aggregation import Arithmetic, Geometric
from .definition import Aggregate, IndexDefinition, Indicator
from .normalisation import Goalposts


def human_development_index() -> IndexDefinition:
    """UNDP's Human Development Index as in the HDR 2023/24 technical notes.

    * Health index: life expectancy at birth, goalposts 20 and 85 years.
    * Education index: arithmetic mean of the expected years of schooling index
      (goalposts 0 and 18, capped at 18) and the mean years of schooling index
      (goalposts 0 and 15).
    * Income index: GNI per capita (2017 PPP $) with goalposts 100 and 75,000 on the
      natural log, capped at 75,000.
    * HDI: geometric mean of the three dimension indices, equal weights.

    Indicator codes match the HDR composite-indices time series: ``le``, ``eys``,
    ``mys`` and ``gnipc``. Run it with ``PipelineOptions(scale=1.0)`` for the
    published 0-1 scale.
    """
    return IndexDefinition(
        name="Human Development Index",
        root=Aggregate(
            "hdi",
            name="Human Development Index",
            aggregation=Geometric(),
            children=(
                Aggregate(
                    "health",
                    name="Health index",
                    children=(
                        Indicator(
                            "le", "Life expectancy at birth", normalisation=Goalposts(20, 85)
                        ),
                    ),
                ),
                Aggregate(
                    "education",
                    name="Education index",
                    aggregation=Arithmetic(),
                    children=(
                        Indicator(
                            "eys", "Expected years of schooling", normalisation=Goalposts(0, 18)
                        ),
                        Indicator("mys", "Mean years of schooling", normalisation=Goalposts(0, 15)),
                    ),
                ),
                Aggregate(
                    "income",
                    name="Income index",
                    children=(
                        Indicator(
                            "gnipc",
                            "GNI per capita (2017 PPP $)",
                            normalisation=Goalposts(100, 75_000, log=True),
                        ),
                    ),
                ),
            ),
        ),
    )
