"""The pure parts of the index's Django layer: survey aggregation and the definition spec."""

from __future__ import annotations

import pytest

from hrmonitor.index import engine, spec
from hrmonitor.index.survey import Answer, aggregate_answers, weighted_median


def test_the_weighted_median_follows_the_most_confident_half_of_the_experts():
    # Confidences 5 + 1 + 1: the confident expert alone holds more than half of the weight.
    assert weighted_median([0, 4, 4], [5, 1, 1]) == 0
    assert weighted_median([0, 4, 4], [1, 1, 1]) == 4
    # Equal weights, even count: the mean of the two middle answers, as an ordinary median.
    assert weighted_median([1, 3], [2, 2]) == 2
    assert weighted_median([1, 2, 3, 4], [1, 1, 1, 1]) == 2.5


def test_answers_spanning_more_than_half_the_scale_are_flagged_but_keep_their_median():
    result = aggregate_answers([Answer(4, 3), Answer(4, 3), Answer(0, 5)], (0, 4))
    assert result.score == 4  # the confident "0" holds 5 of 11: less than half
    assert result.range_flag and result.flagged
    assert result.spread == 4


def test_a_confident_spread_is_flagged_by_the_weighted_mean_absolute_deviation():
    # Half the weight says 1, half says 3: the median is 2, which nobody answered. The range
    # (2) is not more than half the 0–4 scale, but MAD = (3·1 + 3·1) / 6 = 1 > 0.8.
    result = aggregate_answers([Answer(1, 3), Answer(3, 3)], (0, 4))
    assert result.score == 2
    assert not result.range_flag
    assert result.mad == pytest.approx(1.0)
    assert result.mad_flag and result.flagged


def test_experts_who_agree_are_not_flagged():
    result = aggregate_answers([Answer(3, 4), Answer(3, 5), Answer(4, 3)], (0, 4))
    assert result.score == 3
    assert not result.flagged
    assert aggregate_answers([], (0, 4)).score is None


def test_a_spec_becomes_the_engines_index_with_goalposts_and_survey_scales(spec_data):
    parsed = spec.parse(spec_data)
    definition = parsed.engine_definition("Small")
    assert [a.code for a in definition.aggregates] == ["law", "practice", "index"]
    possession, police = definition.indicators
    assert possession.normalisation == engine.Goalposts(0, 3)
    # A survey indicator without a normalisation is scored between its answers' extremes.
    assert police.normalisation == engine.Goalposts(0, 4)
    assert parsed.indicator("police").question.scale == (0, 4)  # type: ignore[union-attr]


def test_a_broken_spec_reports_every_problem_at_once(spec_data):
    law = spec_data["dimensions"][0]
    law["indicators"][0]["direction"] = 2
    law["indicators"][0]["normalisation"] = {"method": "goalposts", "min": 3, "max": 0}
    spec_data["dimensions"][1]["code"] = "law"
    spec_data["dimensions"][1]["indicators"][0]["source"] = "rumour"
    with pytest.raises(spec.SpecError) as error:
        spec.parse(spec_data)
    text = " | ".join(error.value.messages)
    assert "direction must be 1 or -1" in text
    assert "goalposts need min below max" in text
    assert "“law” is used twice" in text
    assert "source must be desk, survey or framework" in text
