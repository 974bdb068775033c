"""The specification of an index definition: its hierarchy and every indicator's settings.

A definition's `spec` is a JSON object (pure data; this module has no Django models in it):

```
{
  "aggregation": "arithmetic",          # dimensions -> index: arithmetic | geometric | harmonic
  "imputation": "none",                 # none | mean | median | group_mean | group_median
  "min_coverage": 0.65,                 # share of indicators a country needs to be ranked
  "dimensions": [
    {
      "code": "health",                 # letters, digits, "_" and "-"; unique in the spec
      "name_en": "Health and harm reduction", "name_ru": "…",
      "weight": 1,                      # among the dimensions (normalised to sum 1)
      "aggregation": "arithmetic",      # indicators -> dimension
      "indicators": [
        {
          "code": "ost_legal",
          "name_en": "…", "name_ru": "…",
          "description_en": "…", "description_ru": "…",        # optional
          "direction": 1,               # +1 higher is better, -1 lower is better
          "weight": 1,                  # among the dimension's indicators
          "normalisation": {"method": "goalposts", "min": 0, "max": 4},
          "source": "desk"              # desk | survey | framework:<indicator code>
        },
        {
          "code": "police_practice", "name_en": "…", "name_ru": "…",
          "source": "survey",
          "question": {
            "text_en": "…", "text_ru": "…",
            "options": [{"label_en": "…", "label_ru": "…", "score": 0}, …]
          }
        }
      ]
    }
  ]
}
```

Indicators are kept inside the spec (no separate rows): a definition is versioned as a whole,
so an edition always knows exactly which hierarchy, weights and goalposts produced it.
Normalisation methods: `goalposts` (`min`, `max`, optional `log`), `minmax` and
`percentile_rank`. A survey indicator without a normalisation uses goalposts at its lowest
and highest answer score. The tree has two levels under the index (dimensions, then
indicators), the structure of the Global Drug Policy Index.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import get_language
from django.utils.translation import gettext as _

from hrmonitor.index import engine

AGGREGATIONS: dict[str, engine.Aggregation] = {
    "arithmetic": engine.Arithmetic(),
    "geometric": engine.Geometric(),
    "harmonic": engine.Harmonic(),
}
IMPUTATIONS = {method.value: method for method in engine.ImputationMethod}
SOURCES = ("desk", "survey")
FRAMEWORK_PREFIX = "framework:"
ROOT_CODE = "index"
#: A country needs values for this share of the indicators to be ranked (the OECD/JRC rule of
#: thumb the engine's data checks use too).
DEFAULT_MIN_COVERAGE = 0.65
_CODE = re.compile(r"^[A-Za-z][A-Za-z0-9_.-]{0,49}$")


class SpecError(ValueError):
    """A spec that cannot be used; `messages` are translated sentences, one per problem."""

    def __init__(self, messages: list[str]):
        super().__init__("; ".join(messages))
        self.messages = messages


def localized(data: dict[str, Any], name: str) -> str:
    """`data["name_ru"]` in Russian, falling back to English."""
    language = (get_language() or "en")[:2]
    return str(data.get(f"{name}_{language}") or data.get(f"{name}_en") or "")


@dataclass(frozen=True)
class Option:
    label_en: str
    label_ru: str
    score: float

    @property
    def label(self) -> str:
        return localized({"label_en": self.label_en, "label_ru": self.label_ru}, "label")


@dataclass(frozen=True)
class Question:
    text_en: str
    text_ru: str
    options: tuple[Option, ...]

    @property
    def text(self) -> str:
        return localized({"text_en": self.text_en, "text_ru": self.text_ru}, "text")

    @property
    def scale(self) -> tuple[float, float]:
        scores = [o.score for o in self.options]
        return min(scores), max(scores)


@dataclass(frozen=True)
class Normalisation:
    method: str  # goalposts | minmax | percentile_rank
    minimum: float | None = None
    maximum: float | None = None
    log: bool = False

    def engine(self) -> engine.Normalisation:
        if self.method == "goalposts":
            assert self.minimum is not None and self.maximum is not None  # noqa: S101 - parsed
            return engine.Goalposts(self.minimum, self.maximum, log=self.log)
        if self.method == "percentile_rank":
            return engine.PercentileRank()
        return engine.MinMax()


@dataclass(frozen=True)
class IndicatorSpec:
    code: str
    data: dict[str, Any]
    direction: int
    weight: float
    normalisation: Normalisation
    source: str  # desk | survey | framework
    framework_code: str = ""
    question: Question | None = None

    @property
    def name(self) -> str:
        return localized(self.data, "name") or self.code

    @property
    def description(self) -> str:
        return localized(self.data, "description")

    @property
    def unit(self) -> str:
        return localized(self.data, "unit")


@dataclass(frozen=True)
class DimensionSpec:
    code: str
    data: dict[str, Any]
    weight: float
    aggregation: str
    indicators: tuple[IndicatorSpec, ...]

    @property
    def name(self) -> str:
        return localized(self.data, "name") or self.code


@dataclass(frozen=True)
class IndexSpec:
    aggregation: str
    imputation: str
    dimensions: tuple[DimensionSpec, ...]
    min_coverage: float = DEFAULT_MIN_COVERAGE
    raw: dict[str, Any] = field(compare=False, repr=False, default_factory=dict)

    @property
    def indicators(self) -> tuple[IndicatorSpec, ...]:
        return tuple(i for d in self.dimensions for i in d.indicators)

    def indicator(self, code: str) -> IndicatorSpec | None:
        return next((i for i in self.indicators if i.code == code), None)

    def dimension_of(self, code: str) -> DimensionSpec | None:
        return next((d for d in self.dimensions if any(i.code == code for i in d.indicators)), None)

    @property
    def framework_codes(self) -> list[str]:
        return [i.framework_code for i in self.indicators if i.source == "framework"]

    def engine_definition(self, name: str = "") -> engine.IndexDefinition:
        """The engine's tree: index > dimensions > indicators."""
        return engine.IndexDefinition(
            engine.Aggregate(
                ROOT_CODE,
                name=name,
                aggregation=AGGREGATIONS[self.aggregation],
                children=tuple(
                    engine.Aggregate(
                        d.code,
                        name=d.name,
                        weight=d.weight,
                        aggregation=AGGREGATIONS[d.aggregation],
                        children=tuple(
                            engine.Indicator(
                                i.code,
                                name=i.name,
                                direction=1 if i.direction > 0 else -1,
                                weight=i.weight,
                                normalisation=i.normalisation.engine(),
                            )
                            for i in d.indicators
                        ),
                    )
                    for d in self.dimensions
                ),
            ),
            name=name,
        )

    def pipeline_options(self) -> engine.PipelineOptions:
        return engine.PipelineOptions(imputation=IMPUTATIONS[self.imputation])


def _number(value: Any, where: str, name: str, problems: list[str]) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        problems.append(
            _("%(where)s: “%(name)s” must be a number.") % {"where": where, "name": name}
        )
        return None
    return float(value)


def _code(value: Any, where: str, seen: set[str], problems: list[str]) -> str:
    code = str(value or "")
    if not _CODE.match(code):
        problems.append(
            _(
                "%(where)s: the code “%(code)s” must start with a letter and use only letters, "
                "digits, “_”, “-” and “.” (at most 50)."
            )
            % {"where": where, "code": code}
        )
    elif code in seen or code == ROOT_CODE:
        problems.append(
            _("%(where)s: the code “%(code)s” is used twice.") % {"where": where, "code": code}
        )
    seen.add(code)
    return code


def _question(data: Any, where: str, problems: list[str]) -> Question | None:
    if not isinstance(data, dict):
        problems.append(_("%(where)s: a survey indicator needs a question.") % {"where": where})
        return None
    options_data = data.get("options")
    if not isinstance(options_data, list) or len(options_data) < 2:
        problems.append(
            _("%(where)s: the question needs at least two answer options.") % {"where": where}
        )
        return None
    options = []
    for option in options_data:
        score = _number(
            option.get("score") if isinstance(option, dict) else None, where, "score", problems
        )
        if score is None or not isinstance(option, dict):
            return None
        options.append(
            Option(str(option.get("label_en") or ""), str(option.get("label_ru") or ""), score)
        )
    if len({o.score for o in options}) < 2:
        problems.append(
            _("%(where)s: the answer options need at least two different scores.")
            % {"where": where}
        )
        return None
    if not data.get("text_en"):
        problems.append(_("%(where)s: the question needs an English text.") % {"where": where})
    return Question(str(data.get("text_en") or ""), str(data.get("text_ru") or ""), tuple(options))


def _normalisation(
    data: Any, question: Question | None, where: str, problems: list[str]
) -> Normalisation:
    if data is None:
        if question is not None:
            bottom, top = question.scale
            return Normalisation("goalposts", bottom, top)
        return Normalisation("minmax")
    if not isinstance(data, dict) or data.get("method") not in (
        "goalposts",
        "minmax",
        "percentile_rank",
    ):
        problems.append(
            _("%(where)s: the normalisation must be goalposts, minmax or percentile_rank.")
            % {"where": where}
        )
        return Normalisation("minmax")
    if data["method"] != "goalposts":
        return Normalisation(data["method"])
    low = _number(data.get("min"), where, "min", problems)
    high = _number(data.get("max"), where, "max", problems)
    log = bool(data.get("log", False))
    if low is None or high is None:
        return Normalisation("minmax")
    if not low < high:
        problems.append(_("%(where)s: the goalposts need min below max.") % {"where": where})
    elif log and low <= 0:
        problems.append(_("%(where)s: log goalposts need a positive min.") % {"where": where})
    return Normalisation("goalposts", low, high, log)


def _weight(data: dict[str, Any], where: str, problems: list[str]) -> float:
    weight = _number(data.get("weight", 1), where, "weight", problems)
    if weight is not None and weight < 0:
        problems.append(_("%(where)s: a weight cannot be negative.") % {"where": where})
    return weight if weight is not None and weight >= 0 else 1.0


def parse(data: Any) -> IndexSpec:
    """Read and check a spec; every problem is reported at once (`SpecError.messages`)."""
    problems: list[str] = []
    if not isinstance(data, dict):
        raise SpecError([_("The specification must be a JSON object.")])
    aggregation = str(data.get("aggregation", "arithmetic"))
    if aggregation not in AGGREGATIONS:
        problems.append(
            _("The index aggregation must be one of: %(choices)s.")
            % {"choices": ", ".join(AGGREGATIONS)}
        )
        aggregation = "arithmetic"
    imputation = str(data.get("imputation", "none"))
    if imputation not in IMPUTATIONS:
        problems.append(
            _("The imputation must be one of: %(choices)s.") % {"choices": ", ".join(IMPUTATIONS)}
        )
        imputation = "none"
    min_coverage = _number(
        data.get("min_coverage", DEFAULT_MIN_COVERAGE), _("the index"), "min_coverage", problems
    )
    if min_coverage is not None and not 0 <= min_coverage <= 1:
        problems.append(_("“min_coverage” is a share between 0 and 1."))
    dimensions_data = data.get("dimensions")
    if not isinstance(dimensions_data, list) or not dimensions_data:
        raise SpecError([*problems, _("The specification needs at least one dimension.")])
    seen: set[str] = set()
    dimensions: list[DimensionSpec] = []
    for position, dimension in enumerate(dimensions_data, start=1):
        where = _("dimension %(number)d") % {"number": position}
        if not isinstance(dimension, dict):
            problems.append(_("%(where)s must be an object.") % {"where": where})
            continue
        code = _code(dimension.get("code"), where, seen, problems)
        where = _("dimension %(code)s") % {"code": code}
        how = str(dimension.get("aggregation", "arithmetic"))
        if how not in AGGREGATIONS:
            problems.append(
                _("%(where)s: the aggregation must be one of: %(choices)s.")
                % {"where": where, "choices": ", ".join(AGGREGATIONS)}
            )
            how = "arithmetic"
        indicators: list[IndicatorSpec] = []
        indicators_data = dimension.get("indicators")
        if not isinstance(indicators_data, list) or not indicators_data:
            problems.append(_("%(where)s needs at least one indicator.") % {"where": where})
            indicators_data = []
        for item in indicators_data:
            if not isinstance(item, dict):
                problems.append(_("%(where)s: an indicator must be an object.") % {"where": where})
                continue
            indicators.append(_indicator(item, seen, problems))
        dimensions.append(
            DimensionSpec(
                code, dimension, _weight(dimension, where, problems), how, tuple(indicators)
            )
        )
    if problems:
        raise SpecError(problems)
    return IndexSpec(
        aggregation,
        imputation,
        tuple(dimensions),
        min_coverage=DEFAULT_MIN_COVERAGE if min_coverage is None else min_coverage,
        raw=data,
    )


def _indicator(item: dict[str, Any], seen: set[str], problems: list[str]) -> IndicatorSpec:
    code = _code(item.get("code"), _("an indicator"), seen, problems)
    where = _("indicator %(code)s") % {"code": code}
    if not item.get("name_en"):
        problems.append(_("%(where)s needs an English name.") % {"where": where})
    direction = item.get("direction", 1)
    if direction not in (1, -1):
        problems.append(_("%(where)s: the direction must be 1 or -1.") % {"where": where})
        direction = 1
    source = str(item.get("source", "desk"))
    framework_code = ""
    if source.startswith(FRAMEWORK_PREFIX) and len(source) > len(FRAMEWORK_PREFIX):
        framework_code = source[len(FRAMEWORK_PREFIX) :]
        source = "framework"
    elif source not in SOURCES:
        problems.append(
            _("%(where)s: the source must be desk, survey or framework:<indicator code>.")
            % {"where": where}
        )
        source = "desk"
    question = _question(item.get("question"), where, problems) if source == "survey" else None
    normalisation = _normalisation(item.get("normalisation"), question, where, problems)
    return IndicatorSpec(
        code=code,
        data=item,
        direction=int(direction),
        weight=_weight(item, where, problems),
        normalisation=normalisation,
        source=source,
        framework_code=framework_code,
        question=question,
    )
