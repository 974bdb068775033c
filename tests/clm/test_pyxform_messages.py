"""pyxform's messages through gettext: every ErrorCode has its template, in pyxform's exact
English; coded messages pyxform formatted itself are recognised; the common uncoded errors
and warnings are matched by pattern, checked on real conversions of broken XLSForms; anything
else is kept in English. The Russian catalogue has no entries for these yet, so in Russian the
functions must still answer (in English)."""

from __future__ import annotations

import ast
import inspect
from string import Formatter
from typing import Any

import pytest
from django.utils import translation
from pyxform.errors import ErrorCode, PyXFormError

from hrmonitor.clm import pyxform_messages
from hrmonitor.clm.pyxform_messages import CODED, PATTERNS, translate_error, translate_warning
from hrmonitor.clm.xlsform import XLSFormError, convert_xlsform

FIELDS = Formatter()


def placeholders(template: str) -> set[str]:
    return {field for _, field, _, _ in FIELDS.parse(template) if field is not None}


def sample_context(code: ErrorCode, value: str = "x") -> dict[str, str]:
    return {field: value for field in placeholders(code.value.msg)} or {"unused": value}


# --- CODED: one template per ErrorCode, pyxform's English exactly ---------------------------


def test_coded_has_a_template_for_every_error_code_of_the_installed_pyxform():
    # A pyxform upgrade that adds (or drops) a code fails here: add its template to CODED.
    assert set(CODED) == {code.name for code in ErrorCode}


@pytest.mark.parametrize("code", list(ErrorCode), ids=lambda code: code.name)
def test_a_coded_error_reads_as_pyxform_wrote_it(code: ErrorCode):
    exc = PyXFormError(code=code, context=sample_context(code))
    with translation.override("en"):
        assert translate_error(exc) == str(exc)
    with translation.override("ru"):
        assert isinstance(translate_error(exc), str)
        assert translate_error(exc)


@pytest.mark.parametrize("code", list(ErrorCode), ids=lambda code: code.name)
def test_a_coded_message_pyxform_formatted_itself_is_recognised(
    code: ErrorCode, monkeypatch: pytest.MonkeyPatch
):
    """Most codes reach us as plain text (PyXFormError(ErrorCode.X.value.format(...)) or a
    warning): the text is read back by the code's template and given its translation."""
    context = {
        field: "12" if field in {"row", "other_row"} else f"<{field} value>"
        for field in placeholders(code.value.msg)
    }
    text = code.value.format(**context)
    with translation.override("en"):
        assert translate_warning(text) == text
        assert translate_error(PyXFormError(text)) == text
    # As translated: the values are put into the translated template, in their places.
    monkeypatch.setitem(pyxform_messages.CODED, code.name, "T: " + code.value.msg)
    assert translate_warning(text) == "T: " + text


def test_a_coded_error_with_part_of_its_context_reads_as_pyxform_wrote_it():
    exc = PyXFormError(code=ErrorCode.PYREF_003, context={"q": "zz", "row": 4, "sheet": None})
    with translation.override("en"):
        assert translate_error(exc) == str(exc)
        assert "'unknown' sheet" in translate_error(exc)


def test_a_coded_error_without_context_still_explains_the_rule():
    with translation.override("en"):
        message = translate_error(PyXFormError(code=ErrorCode.SURVEY_003))
    assert "the 'incremental' parameter may either be 'true' or not included" in message


def test_a_coded_translation_is_used(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setitem(
        pyxform_messages.CODED,
        "PYREF_003",
        "Строка {row}: лист '{sheet}', столбец '{column}': нет вопроса '{q}'.",
    )
    exc = PyXFormError(
        code=ErrorCode.PYREF_003,
        context={"row": 3, "sheet": "survey", "column": "relevant", "q": "zz"},
    )
    assert translate_error(exc) == "Строка 3: лист 'survey', столбец 'relevant': нет вопроса 'zz'."


def test_a_broken_translation_falls_back_to_pyxform_english(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setitem(pyxform_messages.CODED, "PYREF_003", "Строка {row: нет вопроса")
    exc = PyXFormError(
        code=ErrorCode.PYREF_003,
        context={"row": 3, "sheet": "survey", "column": "relevant", "q": "zz"},
    )
    with translation.override("en"):
        assert translate_error(exc) == "Row 3: " + str(exc).removeprefix("[row : 3] ")


# --- The msgids: literal, extractable by xgettext, no printf-style % ----------------------


def _gettext_lazy_literals(node: ast.AST) -> list[str]:
    assert isinstance(node, ast.Call), ast.dump(node)
    assert isinstance(node.func, ast.Name) and node.func.id == "gettext_lazy"
    assert len(node.args) == 1 and not node.keywords
    argument = node.args[0]
    assert isinstance(argument, ast.Constant) and isinstance(argument.value, str)
    return [argument.value]


def _module_msgids() -> dict[str, list[str]]:
    tree = ast.parse(inspect.getsource(pyxform_messages))
    found: dict[str, list[str]] = {}
    for statement in tree.body:
        if isinstance(statement, ast.AnnAssign) and isinstance(statement.target, ast.Name):
            name = statement.target.id
            if name == "CODED":
                assert isinstance(statement.value, ast.Dict)
                found[name] = [
                    msgid
                    for value in statement.value.values
                    for msgid in _gettext_lazy_literals(value)
                ]
            elif name == "PATTERNS":
                assert isinstance(statement.value, ast.List)
                found[name] = []
                for element in statement.value.elts:
                    assert isinstance(element, ast.Tuple) and len(element.elts) == 2
                    found[name] += _gettext_lazy_literals(element.elts[1])
    return found


def test_every_template_is_a_literal_gettext_lazy_call():
    """xgettext (makemessages) extracts only literal strings."""
    msgids = _module_msgids()
    assert len(msgids["CODED"]) == len(CODED)
    assert len(msgids["PATTERNS"]) == len(PATTERNS)
    with translation.override("en"):
        assert msgids["CODED"] == [str(template) for template in CODED.values()]
        assert msgids["PATTERNS"] == [str(template) for _, template in PATTERNS]


def test_no_msgid_could_be_taken_for_a_printf_format():
    # xgettext flags a msgid with a "%" as python-format; these are str.format templates.
    for msgids in _module_msgids().values():
        for msgid in msgids:
            assert "%" not in msgid, msgid


def test_pattern_templates_use_only_their_patterns_groups():
    with translation.override("en"):
        for pattern, template in PATTERNS:
            assert placeholders(str(template)) <= set(pattern.groupindex), pattern.pattern


# --- PATTERNS: pyxform's uncoded messages ------------------------------------------------

CHOICES_COLUMNS = (
    "Please ensure that the choices sheet has the mandatory columns 'list_name', "
    "'name', and 'label'."
)
EXTERNAL_COLUMNS = (
    "Please ensure that the external_choices sheet has columns 'list name', and 'name'."
)
SUPPRESS = (
    " If you do not mean to include a sheet, to suppress this message, prefix the sheet name "
    "with an underscore. For example 'setting' becomes '_setting'."
)
MISSPELT = (
    "When looking for a sheet named 'settings', the following sheets with similar names were "
    "found: 'settngs'."
)

# (pyxform's English, as pyxform 4.5 writes it; what we show in English).
SAMPLES: list[tuple[str, str]] = [
    ("Unknown question type 'integr'.", "Unknown question type 'integr'."),
    (
        "[row : 2] Question with no type.\n{'name': 'q1', 'label': 'Q1'}",
        "Row 2: Question with no type.\n{'name': 'q1', 'label': 'Q1'}",
    ),
    ("[row : 5] Question or group with no name.", "Row 5: Question or group with no name."),
    (
        "The survey element named 'q1' has no label or hint.",
        "The survey element named 'q1' has no label or hint.",
    ),
    ("[row : 2] Missing calculation.", "Row 2: Missing calculation."),
    (
        "[row : 2] Audits must always be named 'audit.' The name column should be left blank.",
        "Row 2: Audits must always be named 'audit.' The name column should be left blank.",
    ),
    ("[row : 3] Repeat loop without list name.", "Row 3: Repeat loop without list name."),
    ("[row : 2] List name not in columns sheet: zz", "Row 2: List name not in columns sheet: zz"),
    (
        "To use big-image, you must also specify an image for the survey element named q1.",
        "To use big-image, you must also specify an image for the survey element named q1.",
    ),
    ("Media type: sound not supported", "Media type: sound not supported"),
    ("[row : 2] List name not in choices sheet: yn", "Row 2: List name not in choices sheet: yn"),
    (
        "[row : 4]List name not in external choices sheet: yn",
        "Row 4: List name not in external choices sheet: yn",
    ),
    (
        "There should be a choices sheet in this xlsform. " + CHOICES_COLUMNS,
        "There should be a choices sheet in this xlsform. " + CHOICES_COLUMNS,
    ),
    (
        "There should be a choices sheet in this xlsform. When looking for a sheet named "
        "'choices', the following sheets with similar names were found: 'choice'. "
        + CHOICES_COLUMNS,
        "There should be a choices sheet in this xlsform. When looking for a sheet named "
        "'choices', the following sheets with similar names were found: 'choice'. "
        + CHOICES_COLUMNS,
    ),
    (
        "There should be an external_choices sheet in this xlsform. " + EXTERNAL_COLUMNS,
        "There should be an external_choices sheet in this xlsform. " + EXTERNAL_COLUMNS,
    ),
    (
        "There should be an external_choices sheet in this xlsform. When looking for a sheet "
        "named 'external_choices', the following sheets with similar names were found: "
        "'external_choice'. " + EXTERNAL_COLUMNS,
        "There should be an external_choices sheet in this xlsform. When looking for a sheet "
        "named 'external_choices', the following sheets with similar names were found: "
        "'external_choice'. " + EXTERNAL_COLUMNS,
    ),
    (
        "Choice names with spaces cannot be added to multiple choice selects. See [a b] in [yn]",
        "Choice names with spaces cannot be added to multiple choice selects. See [a b] in [yn]",
    ),
    ("There should be choices for this question.", "There should be choices for this question."),
    (
        "[row : 2] Choice filter not supported with or_other.",
        "Row 2: Choice filter not supported with or_other.",
    ),
    (
        "[row : 2] Please specify choices for this 'or other' question.",
        "Row 2: Please specify choices for this 'or other' question.",
    ),
    (
        "[row : 3] Choice filter not supported for table-list appearance.",
        "Row 3: Choice filter not supported for table-list appearance.",
    ),
    (
        "[row : 4] Badly formatted table list, list names don't match: yn vs. ab",
        "Row 4: Badly formatted table list, list names don't match: yn vs. ab",
    ),
    (
        "[row : 2] File name for 'select_one_from_file sites.txt' should end with one of the "
        "supported file extensions: '.geojson', '.csv', '.xml'",
        "Row 2: File name for 'select_one_from_file sites.txt' should end with one of the "
        "supported file extensions: '.geojson', '.csv', '.xml'",
    ),
    (
        "Question 'site' is a select from file type, using 'search()'. This combination is not "
        "supported. Remove the 'search()' usage, or change the select type.",
        "Question 'site' is a select from file type, using 'search()'. This combination is not "
        "supported. Remove the 'search()' usage, or change the select type.",
    ),
    (
        "Question 'q1' uses 'search()', and its select type references the choice list name "
        "'yn'. This choice list name is referenced by at least one other question that is not "
        "using 'search()', which will not work: 'q2'. Either 1) use 'search()' for all questions "
        "using this choice list name, or 2) use a different choice list name for the question "
        "using 'search()'.",
        "Question 'q1' uses 'search()', and its select type references the choice list name "
        "'yn'. This choice list name is referenced by at least one other question that is not "
        "using 'search()', which will not work: 'q2'. Either 1) use 'search()' for all questions "
        "using this choice list name, or 2) use a different choice list name for the question "
        "using 'search()'.",
    ),
    ("You must have a sheet named 'survey'. ", "You must have a sheet named 'survey'."),
    (
        "You must have a sheet named 'survey'. When looking for a sheet named 'survey', the "
        "following sheets with similar names were found: 'surveyy'.",
        "You must have a sheet named 'survey'. When looking for a sheet named 'survey', the "
        "following sheets with similar names were found: 'surveyy'.",
    ),
    (MISSPELT + SUPPRESS, MISSPELT + SUPPRESS),
    (
        "The form_id and id_string column headers are both specified in the settings sheet "
        "provided. This may cause errors during conversion. In future, its best to avoid "
        "specifying both column headers in the settings sheet.",
        "The form_id and id_string column headers are both specified in the settings sheet "
        "provided. This may cause errors during conversion. In future, its best to avoid "
        "specifying both column headers in the settings sheet.",
    ),
    ("Survey cannot have an empty id_string", "Survey cannot have an empty id_string"),
    (
        "Cannot omit instanceID, it is required for encryption.",
        "Cannot omit instanceID, it is required for encryption.",
    ),
    (
        "Argument 'definition' was not recognized as a supported type. Must be one of: .xlsx, "
        ".xlsm, .xls, .md, .csv",
        "Argument 'definition' was not recognized as a supported type. Must be one of: .xlsx, "
        ".xlsm, .xls, .md, .csv",
    ),
    (
        "[row : 2] The 'disabled' column header is not part of the current spec. We recommend "
        "using relevant instead.",
        "Row 2: The 'disabled' column header is not part of the current spec. We recommend "
        "using relevant instead.",
    ),
    (
        "[row : 2] Row without name, text, or label is being skipped:\n{'hint': 'just a hint'}",
        "Row 2: Row without name, text, or label is being skipped:\n{'hint': 'just a hint'}",
    ),
    (
        "[row : 2] Repeat has no label: {'name': 'r', 'type': 'begin_repeat'}",
        "Row 2: Repeat has no label: {'name': 'r', 'type': 'begin_repeat'}",
    ),
    (
        "[row : 2] subscriberid is no longer supported on most devices. Only old versions of "
        "Collect on Android versions older than 11 still support it.",
        "Row 2: subscriberid is no longer supported on most devices. Only old versions of "
        "Collect on Android versions older than 11 still support it.",
    ),
    (
        "[row : 2] select one external is only meant for filtered selects.",
        "Row 2: select one external is only meant for filtered selects.",
    ),
    (
        "[row : 9] Use the max-pixels parameter to speed up submission sending and save storage "
        "space. Learn more: https://xlsform.org/#image",
        "Row 9: Use the max-pixels parameter to speed up submission sending and save storage "
        "space. Learn more: https://xlsform.org/#image",
    ),
    (
        "Language 'Russian (ru)' is missing the survey label column.",
        "Language 'Russian (ru)' is missing the survey label column.",
    ),
    (
        "Language 'Kazakh (kk)' is missing the choices columns hint, image.",
        "Language 'Kazakh (kk)' is missing the choices columns hint, image.",
    ),
    (
        "This form uses or_other and translations, which is not recommended. An untranslated "
        "input question label and choice label is generated for 'other'. Learn more: "
        "https://xlsform.org/en/#specify-other).",
        "This form uses or_other and translations, which is not recommended. An untranslated "
        "input question label and choice label is generated for 'other'. Learn more: "
        "https://xlsform.org/en/#specify-other).",
    ),
    (
        "The following language declarations do not contain valid machine-readable codes: "
        "English, Russian. Learn more: http://xlsform.org#multiple-language-support",
        "The following language declarations do not contain valid machine-readable codes: "
        "English, Russian. Learn more: http://xlsform.org#multiple-language-support",
    ),
    (
        "Could not export itemsets.csv, the 'external_choices' sheet is missing.",
        "Could not export itemsets.csv, the 'external_choices' sheet is missing.",
    ),
    # pyxform ends the randomize message without a full stop, the others with one.
    (
        "randomize must be set to true or false: 'maybe' is an invalid value",
        "randomize must be set to true or false: 'maybe' is an invalid value.",
    ),
    (
        "identify-user must be set to true or false: 'maybe' is an invalid value.",
        "identify-user must be set to true or false: 'maybe' is an invalid value.",
    ),
    (
        "seed value must be a number or a reference to another field.",
        "seed value must be a number or a reference to another field.",
    ),
    (
        "Parameters must include randomize=true to use a seed.",
        "Parameters must include randomize=true to use a seed.",
    ),
    (
        "[row : 2] Parameter rows must have an integer value.",
        "Row 2: Parameter rows must have an integer value.",
    ),
    (
        "Parameter max-pixels must have an integer value.",
        "Parameter max-pixels must have an integer value.",
    ),
    (
        "Parameter location-max-age must be greater  than or equal to zero.",
        "Parameter location-max-age must be greater than or equal to zero.",
    ),
    (
        "Parameter location-max-age must be greater than or equal to location-min-interval.",
        "Parameter location-max-age must be greater than or equal to location-min-interval.",
    ),
    (
        "Parameter location-priority must be set to no-power, low-power, balanced, or "
        "high-accuracy:'fast' is an invalid value",
        "Parameter location-priority must be set to no-power, low-power, balanced, or "
        "high-accuracy: 'fast' is an invalid value",
    ),
    (
        "track-changes-reasons must be set to on-form-edit",
        "track-changes-reasons must be set to on-form-edit",
    ),
    (
        "To include location information in the audit, 'location-priority', "
        "'location-min-interval', and 'location-max-age' are required parameters.",
        "To include location information in the audit, 'location-priority', "
        "'location-min-interval', and 'location-max-age' are required parameters.",
    ),
    ("Invalid value for quality.", "Invalid value for quality."),
    (
        "[row : 2] Parameter 'app' has an invalid Android package name - the package name must "
        "have at least one '.' separator.",
        "Row 2: Parameter 'app' has an invalid Android package name - the package name must "
        "have at least one '.' separator.",
    ),
    (
        "[row : 6] For 'background-geopoint' questions, the 'calculation' column must be empty.",
        "Row 6: For 'background-geopoint' questions, the 'calculation' column must be empty.",
    ),
    (
        "[row : 6] For 'background-geopoint' questions, the 'trigger' column must not be empty.",
        "Row 6: For 'background-geopoint' questions, the 'trigger' column must not be empty.",
    ),
    (
        "The question ${c} is not user-visible so it can't be used as a calculation trigger for "
        "question ${t}.",
        "The question ${c} is not user-visible so it can't be used as a calculation trigger for "
        "question ${t}.",
    ),
    (
        "There has been a problem trying to replace ${q9} with the XPath to the survey element "
        "named 'q9'. There is no survey element named 'q9'.",
        "There has been a problem trying to replace ${q9} with the XPath to the survey element "
        "named 'q9'. There is no survey element named 'q9'.",
    ),
    (
        "There has been a problem trying to replace ${q1} with the XPath to the survey element "
        "named 'q1'. There are multiple survey elements named 'q1'.",
        "There has been a problem trying to replace ${q1} with the XPath to the survey element "
        "named 'q1'. There are multiple survey elements named 'q1'.",
    ),
    (
        "Instance names must be unique within a form. The name 'sites' was found 2 time(s), "
        "under these contexts: survey(external), survey(external)",
        "Instance names must be unique within a form. The name 'sites' was found 2 time(s), "
        "under these contexts: survey(external), survey(external)",
    ),
    (
        "The same instance id will be generated for different external instance source URIs. "
        "Please check the form. Instance name: 'sites', Existing type: 'file', Existing URI: "
        "'jr://file-csv/sites.csv', Duplicate type: 'pulldata', Duplicate URI: "
        "'jr://file/sites.xml', Duplicate context: 'survey'.",
        "The same instance id will be generated for different external instance source URIs. "
        "Please check the form. Instance name: 'sites', Existing type: 'file', Existing URI: "
        "'jr://file-csv/sites.csv', Duplicate type: 'pulldata', Duplicate URI: "
        "'jr://file/sites.xml', Duplicate context: 'survey'.",
    ),
]


@pytest.mark.parametrize(("text", "expected"), SAMPLES, ids=lambda value: value[:50])
def test_an_uncoded_message_is_matched_and_reads_close_to_pyxform(text: str, expected: str):
    with translation.override("en"):
        assert translate_warning(text) == expected
        assert translate_error(PyXFormError(text)) == expected
    with translation.override("ru"):
        assert isinstance(translate_warning(text), str)


def test_every_pattern_is_exercised_and_the_most_specific_one_wins():
    for pattern, _template in PATTERNS:
        assert any(pattern.fullmatch(text) for text, _ in SAMPLES), pattern.pattern
    with translation.override("en"):
        # The first matching pattern decides: the shorter "zero" message keeps its own msgid.
        matching = [
            str(template)
            for pattern, template in PATTERNS
            if pattern.fullmatch(
                "Parameter location-max-age must be greater than or equal to zero."
            )
        ]
    assert matching[0] == "Parameter {parameter} must be greater than or equal to zero."


def test_a_pattern_translation_is_used_and_a_nested_message_translated_too(
    monkeypatch: pytest.MonkeyPatch,
):
    monkeypatch.setitem(
        pyxform_messages.CODED,
        "NAMES_013",
        "Листа '{sheet}' нет, есть похожие: {candidates}.",
    )
    patterns = [
        (pattern, "{similar_message} Чтобы не видеть этого, начните имя листа с '_'.")
        if "similar_message" in pattern.groupindex and pattern.pattern.startswith("(?P")
        else (pattern, template)
        for pattern, template in PATTERNS
    ]
    monkeypatch.setattr(pyxform_messages, "PATTERNS", patterns)
    assert translate_warning(MISSPELT + SUPPRESS) == (
        "Листа 'settings' нет, есть похожие: 'settngs'. Чтобы не видеть этого, начните имя "
        "листа с '_'."
    )


# --- What nothing matches ------------------------------------------------------------------


def test_an_unknown_message_stays_english_after_a_row_lead_in():
    with translation.override("en"):
        assert translate_warning("[row : 7] Something pyxform adds one day.") == (
            "Row 7: Something pyxform adds one day."
        )
        assert translate_warning("Something else entirely.") == "Something else entirely."
        assert translate_error(PyXFormError("Invalid value for `node`.")) == (
            "Invalid value for `node`."
        )
    with translation.override("ru"):
        assert "Something pyxform adds one day." in translate_warning(
            "[row : 7] Something pyxform adds one day."
        )


def test_a_message_of_several_lines_is_translated_line_by_line(
    monkeypatch: pytest.MonkeyPatch,
):
    text = "[row : 2] Missing calculation.\n[row : 5] Something new."
    with translation.override("en"):
        assert translate_warning(text) == "Row 2: Missing calculation.\nRow 5: Something new."
    monkeypatch.setitem(pyxform_messages.CODED, "NAMES_007", "Строка {row}: повтор имени.")
    duplicates = "\n".join(ErrorCode.NAMES_007.value.format(row=row) for row in (3, 5))
    assert translate_error(PyXFormError(duplicates)) == (
        "Строка 3: повтор имени.\nСтрока 5: повтор имени."
    )


# --- Real conversions of broken XLSForms ---------------------------------------------------

SURVEY = "| survey |\n|        | type | name | label |\n"
CHOICES_YN = (
    "| choices |\n|         | list_name | name | label |\n"
    "|         | yn | yes | Yes |\n|         | yn | no | No |\n"
)
TRANSLATED = (
    "| survey |\n"
    "|        | type | name | label::English (en) | label::Russian (ru) | hint::English (en) |\n"
)

BROKEN: list[tuple[str, str, str]] = [
    (
        "unknown type",
        SURVEY + "| | text | q1 | Question one |\n| | foo | q2 | Bad type |\n",
        "Unknown question type 'foo'.",
    ),
    (
        "duplicate name",
        SURVEY + "| | text | q1 | One |\n| | integer | q1 | Two |\n",
        ErrorCode.NAMES_001.value.format(row=3, value="q1"),
    ),
    (
        "duplicate in a group",
        SURVEY + "| | begin_group | g | G |\n| | text | a | A |\n| | text | a | B |\n"
        "| | end_group | | |\n",
        ErrorCode.NAMES_001.value.format(row=4, value="a"),
    ),
    (
        "list not found",
        SURVEY + "| | select_one ab | q1 | Pick |\n" + CHOICES_YN,
        "Row 2: List name not in choices sheet: ab",
    ),
    (
        "no choices sheet",
        SURVEY + "| | select_one yn | q1 | Pick |\n",
        "There should be a choices sheet in this xlsform. " + CHOICES_COLUMNS,
    ),
    (
        "begin_group unmatched",
        SURVEY + "| | begin_group | g | G |\n| | text | a | A |\n",
        "[row : 2] Unmatched 'begin_group'. No matching 'end_group' was found for the name 'g'.",
    ),
    (
        "end_repeat unmatched",
        SURVEY + "| | text | a | A |\n| | end_repeat | | |\n",
        "[row : 3] Unmatched 'end_repeat'. No matching 'begin_repeat' was found for the name "
        "'unknown'.",
    ),
    ("missing name", SURVEY + "| | text | | A |\n", "Row 2: Question or group with no name."),
    (
        "missing label",
        SURVEY + "| | text | a | |\n",
        "The survey element named 'a' has no label or hint.",
    ),
    (
        "unknown reference",
        SURVEY + "| | text | a | About ${b} |\n",
        "[row : 2] On the 'survey' sheet, the 'label' value is invalid. Reference variables must "
        "contain a name from the 'survey' sheet. Could not find the name 'b'.",
    ),
    (
        "invalid name",
        SURVEY + "| | text | 1a | A |\n",
        ErrorCode.NAMES_008.value.format(row=2, sheet="survey", column="name"),
    ),
    (
        "invalid form_id",
        SURVEY + "| | text | a | A |\n| settings |\n| | form_id | name |\n| | f | 1bad |\n",
        ErrorCode.NAMES_008.value.format(row=1, sheet="settings", column="name"),
    ),
    (
        "choice duplicates",
        SURVEY + "| | select_one yn | q1 | Pick |\n" + CHOICES_YN + "| | yn | yes | Yes again |\n",
        ErrorCode.NAMES_007.value.format(row=4),
    ),
    ("no survey sheet", CHOICES_YN, "You must have a sheet named 'survey'."),
    (
        "no type",
        SURVEY + "| | | a | A |\n",
        "Row 2: Question with no type.\n{'name': 'a', 'label': 'A'}",
    ),
    ("no calculation", SURVEY + "| | calculate | c | |\n", "Row 2: Missing calculation."),
]


@pytest.mark.parametrize(
    ("form", "expected"), [(f, e) for _, f, e in BROKEN], ids=[name for name, _, _ in BROKEN]
)
def test_a_broken_xlsform_is_refused_with_the_message(form: str, expected: str):
    with translation.override("en"), pytest.raises(XLSFormError) as refused:
        convert_xlsform(form.encode(), "x.md")
    assert refused.value.messages == [expected]
    with translation.override("ru"), pytest.raises(XLSFormError) as refused_ru:
        convert_xlsform(form.encode(), "x.md")
    assert all(isinstance(message, str) and message for message in refused_ru.value.messages)


def test_a_select_from_file_with_another_file_type_is_refused():
    form = SURVEY + "| | select_one_from_file sites.txt | s | Site |\n"
    with translation.override("en"), pytest.raises(XLSFormError) as refused:
        convert_xlsform(form.encode(), "x.md")
    [message] = refused.value.messages
    # pyxform lists the extensions from a set, in no fixed order.
    lead_in, extensions = message.rsplit(": ", 1)
    assert lead_in == (
        "Row 2: File name for 'select_one_from_file sites.txt' should end with one of the "
        "supported file extensions"
    )
    assert sorted(extensions.split(", ")) == ["'.csv'", "'.geojson'", "'.xml'"]


# A version in the settings: without one, convert_xlsform renders the form a second time.
VERSION = "| settings |\n| | version |\n| | 1 |\n"

WARNED: list[tuple[str, str, str]] = [
    (
        "missing translation column",
        TRANSLATED + "| | text | q1 | Q1 | В1 | Hint |\n" + VERSION,
        "Language 'Russian (ru)' is missing the survey hint column.",
    ),
    (
        "image without max-pixels",
        SURVEY + "| | image | p | Photo |\n" + VERSION,
        "Row 2: Use the max-pixels parameter to speed up submission sending and save storage "
        "space. Learn more: https://xlsform.org/#image",
    ),
    (
        "misspelt settings sheet",
        SURVEY + "| | text | a | A |\n| settngs |\n| | form_id |\n| | f |\n",
        MISSPELT + SUPPRESS,
    ),
    (
        "skipped row",
        "| survey |\n| | type | name | label | hint |\n| | | | | just a hint |\n"
        "| | text | a | A | |\n" + VERSION,
        "Row 2: Row without name, text, or label is being skipped:\n{'hint': 'just a hint'}",
    ),
    (
        "choice without label",
        SURVEY
        + "| | select_one yn | q1 | Pick |\n"
        + CHOICES_YN
        + "| | yn | maybe | |\n"
        + VERSION,
        ErrorCode.LABEL_001.value.format(row=4),
    ),
    (
        "name differing by case",
        SURVEY + "| | text | a | A |\n| | text | A | B |\n" + VERSION,
        ErrorCode.NAMES_002.value.format(row=3, value="A"),
    ),
    (
        "form_id and id_string",
        SURVEY + "| | text | a | A |\n| settings |\n| | form_id | id_string | version |\n"
        "| | f | g | 1 |\n",
        "The form_id and id_string column headers are both specified in the settings sheet "
        "provided. This may cause errors during conversion. In future, its best to avoid "
        "specifying both column headers in the settings sheet.",
    ),
]


@pytest.mark.parametrize(
    ("form", "expected"), [(f, e) for _, f, e in WARNED], ids=[name for name, _, _ in WARNED]
)
def test_a_questionable_xlsform_converts_with_the_warning(form: str, expected: str):
    with translation.override("en"):
        converted = convert_xlsform(form.encode(), "x.md")
    assert expected in converted.warnings
    with translation.override("ru"):
        converted_ru = convert_xlsform(form.encode(), "x.md")
    assert len(converted_ru.warnings) == len(converted.warnings)
    assert all(isinstance(warning, str) and warning for warning in converted_ru.warnings)


def test_missing_translation_columns_come_back_line_by_line():
    form = (
        "| survey |\n| | type | name | label::English (en) | label::Russian (ru) "
        "| label::Kazakh (kk) | hint::English (en) |\n"
        "| | select_one yn | q1 | Q1 | В1 | К1 | Hint |\n"
        "| choices |\n| | list_name | name | label::English (en) | image::Russian (ru) |\n"
        "| | yn | yes | Yes | yes.png |\n" + VERSION
    )
    with translation.override("en"):
        warnings: list[Any] = convert_xlsform(form.encode(), "x.md").warnings
    assert warnings == [
        "Language 'Kazakh (kk)' is missing the survey hint column.\n"
        "Language 'Russian (ru)' is missing the survey hint column.\n"
        "Language 'English (en)' is missing the choices image column.\n"
        "Language 'Russian (ru)' is missing the choices label column."
    ]
