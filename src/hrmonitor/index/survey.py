"""Aggregation of expert-survey answers into one indicator score per country (pure Python).

Each expert picks one ordinal option (its score `s_i`, e.g. 0–4) and says how confident they
are (`c_i`, 1–5). For one country and one question:

* **score** — the confidence-weighted median `m`: sort the answers by score, accumulate
  their confidences, and take the first score at which the running total reaches half of
  `C = Σ c_i`. When the running total lands exactly on `C / 2`, the median is the mean of that
  score and the next one (as the ordinary median of an even number of equal weights).
  A median, unlike a mean, cannot be moved far by one outlying expert.
* **disagreement** — flagged for review when either
  - the answers' **range** `max s_i − min s_i` spans more than half the question's scale
    (`> (s_max − s_min) / 2`, the scale being the lowest and highest option scores), or
  - the confidence-weighted **mean absolute deviation** from the median,
    `MAD = Σ c_i |s_i − m| / C`, exceeds `DISAGREEMENT_MAD_SHARE` (a fifth) of the scale.

  The range catches two experts at opposite ends. Since at most half of the weight lies on
  either side of a weighted median, `MAD ≤ range / 2`: the MAD can only add a flag when the
  range is at most half the scale, and a fifth (not a quarter, which it could never exceed
  then) catches an even split two steps apart on a five-point scale — half the experts say
  "common", half "rare" — that the median (between the two) hides.

  A flagged cell keeps its median score: the flag asks the Secretariat to look at the
  answers (and perhaps ask a further expert); it does not change the number.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

#: Share of the answer scale above which the confidence-weighted MAD flags disagreement.
DISAGREEMENT_MAD_SHARE = 0.2
#: Share of the answer scale above which the range of answers flags disagreement.
DISAGREEMENT_RANGE_SHARE = 0.5
_TOLERANCE = 1e-12


@dataclass(frozen=True)
class Answer:
    score: float
    confidence: int


@dataclass(frozen=True)
class SurveyScore:
    """The aggregated answers of one country to one question."""

    score: float | None
    answers: int
    spread: float  # max − min of the scores
    mad: float  # confidence-weighted mean absolute deviation from the median
    range_flag: bool
    mad_flag: bool

    @property
    def flagged(self) -> bool:
        return self.range_flag or self.mad_flag


def weighted_median(scores: Sequence[float], weights: Sequence[float]) -> float:
    """The weighted median described in the module docstring."""
    if not scores or len(scores) != len(weights):
        raise ValueError("one weight per score, and at least one score")
    if any(w <= 0 for w in weights):
        raise ValueError("weights must be positive")
    pairs = sorted(zip(scores, weights, strict=True))
    half = sum(weights) / 2
    running = 0.0
    for position, (score, weight) in enumerate(pairs):
        running += weight
        if abs(running - half) <= _TOLERANCE * max(1.0, half) and position + 1 < len(pairs):
            return (score + pairs[position + 1][0]) / 2
        if running >= half:
            return float(score)
    return float(pairs[-1][0])  # pragma: no cover - the loop always returns


def aggregate_answers(answers: Sequence[Answer], scale: tuple[float, float]) -> SurveyScore:
    """Score and disagreement flags of one country's answers to one question."""
    if not answers:
        return SurveyScore(None, 0, 0.0, 0.0, False, False)
    scores = [a.score for a in answers]
    confidences = [float(a.confidence) for a in answers]
    median = weighted_median(scores, confidences)
    span = scale[1] - scale[0]
    spread = max(scores) - min(scores)
    mad = sum(c * abs(s - median) for s, c in zip(scores, confidences, strict=True)) / sum(
        confidences
    )
    return SurveyScore(
        score=median,
        answers=len(answers),
        spread=spread,
        mad=mad,
        range_flag=span > 0 and spread > DISAGREEMENT_RANGE_SHARE * span + _TOLERANCE,
        mad_flag=span > 0 and mad > DISAGREEMENT_MAD_SHARE * span + _TOLERANCE,
    )
