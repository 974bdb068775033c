"""The default CLM forms that ship with hrmonitor (src/hrmonitor/clm/data/forms): they convert
without warnings, every text is in English and Russian, the site comes from sites.csv, and
scoring.yaml maps each AAAQ question to answers the form really has. No database needed."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

import pytest
import yaml
from defusedxml import ElementTree

import hrmonitor.clm
from hrmonitor.clm.xlsform import Converted, convert_xlsform

FORMS_DIR = Path(hrmonitor.clm.__file__).parent / "data" / "forms"
FORM_IDS = ["clm_client_experience", "clm_oat_satisfaction"]
DIMENSIONS = ("availability", "accessibility", "acceptability", "quality")
SELECT_ONE = {"select one", "select_one"}
# Question types that carry no label (metadata) or are not shown.
UNLABELLED = {"start", "end", "today", "deviceid", "calculate"}
# Types that would record where someone is, or their face or voice.
IDENTIFYING_TYPES = {"geopoint", "geotrace", "geoshape", "image", "audio", "video", "signature"}
XF = "{http://www.w3.org/2002/xforms}"


@cache
def converted(form_id: str) -> Converted:
    path = FORMS_DIR / f"{form_id}.md"
    return convert_xlsform(path.read_bytes(), path.name)


@cache
def scoring() -> dict[str, Any]:
    return yaml.safe_load((FORMS_DIR / "scoring.yaml").read_text(encoding="utf-8"))


def fields_by_path(form_id: str) -> dict[str, dict[str, Any]]:
    return {f["path"]: f for f in converted(form_id).fields}


@pytest.mark.parametrize("form_id", FORM_IDS)
def test_converts_cleanly(form_id: str) -> None:
    form = converted(form_id)
    assert form.warnings == []
    assert form.form_id == form_id
    assert form.version == "2026112901"
    assert form.languages == ["en", "ru"]
    assert " / " in form.title  # English / Russian: form_title cannot be translated


@pytest.mark.parametrize("form_id", FORM_IDS)
def test_every_label_and_choice_in_both_languages(form_id: str) -> None:
    for field in converted(form_id).fields:
        if field["type"] in UNLABELLED:
            assert not field["labels"], field["path"]
            continue
        labels = field["labels"]
        assert set(labels) == {"en", "ru"}, field["path"]
        assert all(text.strip() not in {"", "-"} for text in labels.values()), field["path"]
        assert labels["en"] != labels["ru"] or labels["en"][:1].isdigit(), field["path"]
        for choice in field.get("choices", []):
            assert set(choice["labels"]) == {"en", "ru"}, (field["path"], choice["name"])
            texts = choice["labels"].values()
            assert all(t.strip() not in {"", "-"} for t in texts), choice["name"]


@pytest.mark.parametrize("form_id", FORM_IDS)
def test_select_questions_list_their_choices(form_id: str) -> None:
    for field in converted(form_id).fields:
        if field["type"].startswith("select") and not field.get("choices_file"):
            assert field.get("choices"), f"{field['path']}: no choices in Converted.fields"


@pytest.mark.parametrize("form_id", FORM_IDS)
def test_every_text_of_the_xform_in_both_languages(form_id: str) -> None:
    """Labels and hints alike: each itext entry exists, non-empty, in both translations."""
    root = ElementTree.fromstring(converted(form_id).xform)
    texts: dict[str, dict[str, str]] = {}
    for translation in root.iter(f"{XF}translation"):
        language = translation.get("lang", "")
        for text in translation.iter(f"{XF}text"):
            values = "".join("".join(v.itertext()) for v in text.iter(f"{XF}value"))
            texts.setdefault(language, {})[text.get("id", "")] = values.strip()
    assert set(texts) == {"English (en)", "Russian (ru)"}
    assert set(texts["English (en)"]) == set(texts["Russian (ru)"])
    hints = [key for key in texts["English (en)"] if key.endswith(":hint")]
    assert hints
    for language, entries in texts.items():
        # pyxform fills a missing translation with "-", without a warning.
        empty = [key for key, value in entries.items() if value in {"", "-"}]
        assert not empty, (language, empty)


@pytest.mark.parametrize("form_id", FORM_IDS)
def test_site_comes_from_sites_csv(form_id: str) -> None:
    form = converted(form_id)
    assert "sites.csv" in form.media
    site = fields_by_path(form_id)["site"]
    assert site["choices_file"] == "sites.csv"
    assert site["type"] in SELECT_ONE


@pytest.mark.parametrize("form_id", FORM_IDS)
def test_structure_and_consent(form_id: str) -> None:
    fields = fields_by_path(form_id)
    for name in ("start", "end", "today", "deviceid"):
        assert fields[name]["type"] == name
    assert [c["name"] for c in fields["consent"].get("choices", [])] == ["yes", "no"]
    for dimension in DIMENSIONS:
        assert any(path.startswith(f"{dimension}/") for path in fields), dimension
    # The AAAQ groups are skipped without consent.
    root = ElementTree.fromstring(converted(form_id).xform)
    relevant = {bind.get("nodeset"): bind.get("relevant", "") for bind in root.iter(f"{XF}bind")}
    for dimension in DIMENSIONS:
        condition = relevant[f"/{form_id}/{dimension}"]
        assert "consent" in condition and "'yes'" in condition, dimension
    questions = [f for f in fields.values() if f["type"] not in UNLABELLED | {"note"}]
    assert 25 <= len(questions) <= 35


@pytest.mark.parametrize("form_id", FORM_IDS)
def test_asks_nothing_identifying(form_id: str) -> None:
    for field in converted(form_id).fields:
        assert field["type"] not in IDENTIFYING_TYPES, field["path"]
        words = ("phone", "surname", "address")
        assert not any(word in field["name"] for word in words), field["path"]


def test_scoring_covers_both_forms() -> None:
    forms = scoring()["forms"]
    assert set(forms) == set(FORM_IDS)
    for spec in forms.values():
        assert 0 <= spec["amber_from"] <= spec["green_from"] <= 100


@pytest.mark.parametrize("form_id", FORM_IDS)
def test_scoring_items_match_the_form(form_id: str) -> None:
    spec = scoring()["forms"][form_id]
    fields = fields_by_path(form_id)
    seen: set[str] = set()
    per_dimension = dict.fromkeys(DIMENSIONS, 0)
    for item in spec["items"]:
        question = item["question"]
        assert question not in seen, f"{question} is mapped twice"
        seen.add(question)
        field = fields.get(question)
        assert field is not None, f"{question} is not in {form_id}"
        assert field["type"] in SELECT_ONE, question
        assert item["dimension"] in DIMENSIONS, question
        assert question.split("/")[0] == item["dimension"], question
        per_dimension[item["dimension"]] += 1
        names = {c["name"] for c in field.get("choices", [])}
        scores = item["scores"]
        assert scores, question
        for answer, score in scores.items():
            # An unquoted yes/no or 1 in YAML would arrive as a bool or an int.
            assert isinstance(answer, str) and answer in names, (question, answer)
            assert isinstance(score, int | float) and not isinstance(score, bool)
            assert 0 <= score <= 100, (question, answer)
        assert "dont_know" not in scores, question
        assert max(scores.values()) == 100 and min(scores.values()) == 0, question
    assert all(count >= 3 for count in per_dimension.values()), per_dimension
    # Every select_one of an AAAQ group is scored.
    aaaq = {
        path
        for path, f in fields.items()
        if f["type"] in SELECT_ONE and path.split("/")[0] in DIMENSIONS
    }
    assert aaaq == seen
