"""pyxform's errors and warnings in the user's language.

pyxform writes English only. Its messages reach hrmonitor in three shapes, translated here
through Django's gettext (the msgids are pyxform's English, so a missing translation shows
pyxform's own text):

- a PyXFormError that carries an ErrorCode and its context: the code's template in CODED is
  translated and filled with the context, {placeholders} unchanged (a value missing or None
  reads "unknown", as pyxform prints it);
- a coded message that pyxform formatted itself (most ErrorCodes are raised or warned that
  way): it is recognised by the shape of the code's English template, the values are read
  back out of it and put into the translated template. CODED templates keep pyxform's
  "[row : N]" lead-in as it is;
- any other message is matched against PATTERNS (regular expressions with named groups, each
  with a translated template using those groups; a group named *_message holds a pyxform
  message of its own, translated in turn); there pyxform's "[row : N]" lead-in becomes
  "Row N: ". PATTERNS are tried before the shapes of the codes, as some wrap a coded message.

A message of several lines that matches nothing as a whole is translated line by line. A
message nobody translated yet (or whose translation is broken) is shown in English after a
translated "Row N:" lead-in, so nothing pyxform says is lost."""

from __future__ import annotations

import re
from string import Formatter
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from pyxform.errors import ErrorCode, PyXFormError

# ErrorCode name → the template, translated. The msgids are pyxform's English templates,
# exactly (the tests fail when pyxform adds a code or changes a text); translations keep every
# {placeholder}, and quoted sheet and column names ('survey', 'save_to'...) are XLSForm words.
CODED: dict[str, Any] = {
    "ENTITY_001": gettext_lazy(
        "[row : {row}] On the 'survey' sheet, the 'save_to' value is invalid. To save entity "
        "properties using the save_to column, add an entities sheet and declare an entity."
    ),
    "ENTITY_002": gettext_lazy(
        "[row : {row}] On the 'survey' sheet, the 'save_to' value is invalid. The save_to "
        "property '{saveto}' is already assigned by row '{other_row}'. Either remove or change "
        "one of these duplicate save_to property names."
    ),
    "ENTITY_003": gettext_lazy(
        "[row : {row}] On the 'survey' sheet, the 'save_to' value is invalid. Groups and repeats "
        "can't be saved as entity properties. Either remove or move the save_to value in this "
        "row."
    ),
    "ENTITY_004": gettext_lazy(
        "[row : {row}] On the 'survey' sheet, the 'save_to' value is invalid. The entity list "
        "name '{dataset}' was not found on the entities sheet. Please either: check the spelling "
        "of the list name in the save_to value, or on the entities sheet add a row for this "
        "entity list, or check the spelling of existing entity list names."
    ),
    "ENTITY_005": gettext_lazy(
        "[row : {row}] On the 'entities' sheet, the entity declaration is invalid. The entity "
        "list name '{dataset}' does not have a label, but a 'label' is required when creating "
        "entities. Creating entities is indicated by using a 'create_if' expression, or by not "
        "using 'entity_id' expression. Please either: add a 'label' for this entity declaration, "
        "or to update entities instead provide an 'entity_id' (and optionally 'update_if') "
        "expression."
    ),
    "ENTITY_006": gettext_lazy(
        "[row : {row}] On the 'entities' sheet, the entity declaration is invalid. The entity "
        "list name '{dataset}' does not have an 'update_if' expression, but an 'update_if' is "
        "required when upserting entities. Upserting entities is indicated by using 'create_if' "
        "and 'entity_id' expressions. Please either: add an 'update_if' for this entity "
        "declaration, or to only create entities instead remove the 'entity_id' expression."
    ),
    "ENTITY_007": gettext_lazy(
        "[row : {row}] On the 'entities' sheet, the entity declaration is invalid. The entity "
        "list name '{dataset}' does not have an 'entity_id' expression, but an 'entity_id' is "
        "required when updating entities. Updating entities is indicated by using 'entity_id' "
        "and/or 'update_if' expressions. Please either: add an 'entity_id' for this entity "
        "declaration, or to only create entities instead move the 'update_if' to 'create_if'."
    ),
    "ENTITY_008": gettext_lazy(
        "[row : {row}] On the 'survey' sheet, the 'save_to' value is invalid. When there is more "
        "than one entity declaration, 'save_to' names must be prefixed with the entity "
        "'list_name' that the property belongs to. Please either: add the entity 'list_name' "
        "prefix separated with a '#' e.g. my_list#my_save_to (where 'my_list' is the entity "
        "'list_name', and 'my_save_to' is the 'save_to' property name), or remove all but one "
        "entity declarations."
    ),
    "ENTITY_009": gettext_lazy(
        "[row : {row}] On the 'entities' sheet, the entity declaration is invalid. Each "
        "container (survey, group, repeat) may have only one entity declaration, but there are "
        "no valid containers available in the scope: '{scope}', which has been allocated to the "
        "entity on row '{other_row}'. Please either: check which entities are referred to from "
        "the 'survey' sheetin the 'save_to' column, or check which questions are being referred "
        "to from the 'entities' sheet with variable references (such as in the 'label')."
    ),
    "ENTITY_011": gettext_lazy(
        "[row : {row}] On the 'survey' sheet, the 'save_to' value is invalid. The entity list "
        "name '{dataset}' has a reference in container scope '{other_scope}' which is not "
        "compatible with this 'save_to' reference in scope '{scope}'. Please either: check the "
        "spelling of the list name in the 'save_to', or copy either value into the desired "
        "container scope with a 'calculate' question then use that 'calculate' for the 'save_to'."
    ),
    "ENTITY_012": gettext_lazy(
        "[row : {row}] On the 'entities' sheet, the entity declaration is invalid. The entity "
        "list name '{dataset}' has a reference in container scope '{other_scope}' which is not "
        "compatible with the variable reference to '{question}' in scope '{scope}'. Please "
        "either: check the spelling of the variable references, or copy either value into the "
        "desired container scope with a 'calculate' question then use that 'calculate' for the "
        "'save_to'."
    ),
    "ENTITY_013": gettext_lazy(
        "[row : {row}] On the 'survey' sheet, the 'save_to' value is invalid. A 'save_to' value "
        "must have at most one '#' delimiter character. Please check the spelling of this "
        "'save_to' value."
    ),
    "HEADER_001": gettext_lazy(
        "Invalid headers provided for sheet: '{sheet_name}'. For XLSForms, this may be due a "
        "missing header row, in which case add a header row as per the reference template "
        "https://xlsform.org/en/ref-table/. For internal API usage, may be due to a missing "
        "mapping for '{header}', in which case ensure that the full set of headers appear within "
        "the first 100 rows, or specify the header row in '{sheet_name}_header'."
    ),
    "HEADER_002": gettext_lazy(
        "Invalid headers provided for sheet: '{sheet_name}'. Headers that are different names "
        "for the same column were found: '{other}', '{header}'. Rename or remove one of these "
        "columns."
    ),
    "HEADER_003": gettext_lazy(
        "Invalid headers provided for sheet: '{sheet_name}'. One or more required column headers "
        "were not found: {missing}. Learn more: "
        "https://xlsform.org/en/#setting-up-your-worksheets"
    ),
    "HEADER_004": gettext_lazy(
        "[row : 1] On the 'choices' sheet, the '{column}' value is invalid. Column headers must "
        "not be empty and must not contain spaces. Learn more: "
        "https://xlsform.org/en/#setting-up-your-worksheets"
    ),
    "HEADER_005": gettext_lazy(
        "[row : 1] On the 'entities' sheet, one or more column names are invalid. The following "
        "column(s) are not supported by this version of pyxform: {columns}. Please either: check "
        "the spelling of the column names, remove the columns, or update pyxform."
    ),
    "INTERNAL_001": gettext_lazy(
        "Internal error: PyXForm expected processed trigger data as a tuple, but received a type "
        "'{type}' with value '{value}'."
    ),
    "INTERNAL_002": gettext_lazy(
        "Internal error: Both property_name and question_name were None for ReferenceSource with "
        "path '{path}'."
    ),
    "LABEL_001": gettext_lazy(
        "[row : {row}] On the 'choices' sheet, the 'label' value is invalid. Choices should have "
        "a label. Learn more: https://xlsform.org/en/#setting-up-your-worksheets"
    ),
    "NAMES_001": gettext_lazy(
        "[row : {row}] On the 'survey' sheet, the 'name' value '{value}' is invalid. Questions, "
        "groups, and repeats must be unique within their nearest parent group or repeat, or the "
        "survey if not inside a group or repeat."
    ),
    "NAMES_002": gettext_lazy(
        "[row : {row}] On the 'survey' sheet, the 'name' value '{value}' is problematic. The "
        "name is a case-insensitive match to another name. Questions, groups, and repeats should "
        "be unique within the nearest parent group or repeat, or the survey if not inside a "
        "group or repeat. Some data processing tools are not case-sensitive, so the current "
        "names may make analysis difficult."
    ),
    "NAMES_003": gettext_lazy(
        "[row : {row}] On the 'survey' sheet, the 'name' value '{value}' is invalid. Repeat "
        "names must not be the same as the survey root (which defaults to 'data')."
    ),
    "NAMES_004": gettext_lazy(
        "[row : {row}] On the 'survey' sheet, the 'name' value '{value}' is invalid. Repeat "
        "names must unique anywhere in the survey, at all levels of group or repeat nesting."
    ),
    "NAMES_005": gettext_lazy(
        "[row : {row}] On the 'survey' sheet, the 'name' value 'meta' is invalid. The name "
        "'meta' is reserved for form metadata."
    ),
    "NAMES_006": gettext_lazy(
        "[row : {row}] On the 'choices' sheet, the 'name' value is invalid. Choices must have a "
        "name. Learn more: https://xlsform.org/en/#setting-up-your-worksheets"
    ),
    "NAMES_007": gettext_lazy(
        "[row : {row}] On the 'choices' sheet, the 'name' value is invalid. Choice names must be "
        "unique for each choice list. If this is intentional, use the setting "
        "'allow_choice_duplicates'. Learn more: https://xlsform.org/#choice-names."
    ),
    "NAMES_008": gettext_lazy(
        "[row : {row}] On the '{sheet}' sheet, the '{column}' value is invalid. Names must begin "
        "with a letter or underscore. After the first character, names may contain letters, "
        "digits, underscores, hyphens, or periods."
    ),
    "NAMES_009": gettext_lazy(
        "The '{name}' value is invalid. Names must begin with a letter or underscore. After the "
        "first character, names may contain letters, digits, underscores, hyphens, or periods."
    ),
    "NAMES_010": gettext_lazy(
        "[row : {row}] On the '{sheet}' sheet, the '{column}' value is invalid. Names used here "
        "must not begin with two underscores."
    ),
    "NAMES_011": gettext_lazy(
        "[row : {row}] On the '{sheet}' sheet, the '{column}' value is invalid. Names used here "
        "must not contain a period."
    ),
    "NAMES_012": gettext_lazy(
        "[row : {row}] On the '{sheet}' sheet, the '{column}' value is invalid. Names used here "
        "must not be 'name' or 'label' (case-insensitive)."
    ),
    "NAMES_013": gettext_lazy(
        "When looking for a sheet named '{sheet}', the following sheets with similar names were "
        "found: {candidates}."
    ),
    "NAMES_014": gettext_lazy(
        "[row : {row}] On the 'entities' sheet, the 'list_name' value is invalid. The "
        "'list_name' column must not have any duplicate names."
    ),
    "NAMES_015": gettext_lazy(
        "[row : {row}] On the 'entities' sheet, the 'list_name' value is invalid. Entity lists "
        "must have a name."
    ),
    "PYREF_001": gettext_lazy(
        # Translators: {{ and }} are printed as single braces: '${' and '}'.
        "[row : {row}] On the '{sheet}' sheet, the '{column}' value is invalid. Reference "
        "variables must start with '${{', then a question name, and end with '}}'."
    ),
    "PYREF_002": gettext_lazy(
        "[row : {row}] On the '{sheet}' sheet, the '{column}' value is invalid. Reference "
        "variable lists must have a comma between each variable."
    ),
    "PYREF_003": gettext_lazy(
        "[row : {row}] On the '{sheet}' sheet, the '{column}' value is invalid. Reference "
        "variables must contain a name from the 'survey' sheet. Could not find the name '{q}'."
    ),
    "PYREF_004": gettext_lazy(
        "[row : {row}] On the '{sheet}' sheet, the '{column}' value is invalid. Reference "
        "variables names must be unique anywhere in the 'survey'. The name '{q}' appears more "
        "than once."
    ),
    "RANGE_001": gettext_lazy(
        "[row : {row}] On the 'survey' sheet, the 'parameters' value is invalid. For the 'range' "
        "question type, the parameter '{name}' must be a number."
    ),
    "RANGE_002": gettext_lazy(
        "[row : {row}] On the 'survey' sheet, the 'parameters' value is invalid. For the 'range' "
        "question type, the parameter '{name}' must not be '0' (zero)."
    ),
    "RANGE_003": gettext_lazy(
        "[row : {row}] On the 'survey' sheet, the 'parameters' value is invalid. For the 'range' "
        "question type, the parameter '{name}' must not be larger than the range (the difference "
        "between 'start' and 'end')."
    ),
    "RANGE_004": gettext_lazy(
        "[row : {row}] On the 'survey' sheet, the 'parameters' value is invalid. For the 'range' "
        "question type, the parameter '{name}' must be a multiple of 'step'."
    ),
    "RANGE_005": gettext_lazy(
        "[row : {row}] On the 'survey' sheet, the 'parameters' value is invalid. For the 'range' "
        "question type, the parameter '{name}' must be between the 'start' and 'end' values, "
        "inclusive)."
    ),
    "RANGE_006": gettext_lazy(
        "[row : {row}] On the 'survey' sheet, the 'parameters' value is invalid. For the 'range' "
        "question type, the parameter 'tick_labelset' must be a choice list name from the "
        "'list_name' column on the choices sheet."
    ),
    "RANGE_007": gettext_lazy(
        "[row : {row}] On the 'survey' sheet, the 'parameters' value is invalid. For the 'range' "
        "question type, the parameter 'tick_labelset' choice list must have only 2 items when "
        "the 'appearance' is 'no-ticks'."
    ),
    "RANGE_008": gettext_lazy(
        "[row : {row}] On the 'survey' sheet, the 'parameters' value is invalid. For the 'range' "
        "question type, the parameters 'tick_interval', 'placeholder', and 'tick_labelset' are "
        "only supported for the appearances 'vertical', 'no-ticks', 'vertical no-ticks', and the "
        "default (empty) horizontal."
    ),
    "RANGE_009": gettext_lazy(
        "[row : {row}] On the 'survey' sheet, the 'parameters' value is invalid. For the 'range' "
        "question type, the parameter '{tick_labelset}' choice values must all be numbers."
    ),
    "RANGE_010": gettext_lazy(
        "[row : {row}] On the 'survey' sheet, the 'parameters' value is invalid. For the 'range' "
        "question type, the parameter 'tick_labelset' choices must be between the 'start' and "
        "'end' values, inclusive."
    ),
    "RANGE_011": gettext_lazy(
        "[row : {row}] On the 'survey' sheet, the 'parameters' value is invalid. For the 'range' "
        "question type, the parameter 'tick_labelset' choices' values must be equal to the start "
        "of the range plus a multiple of '{name}'."
    ),
    "RANGE_012": gettext_lazy(
        "[row : {row}] On the 'survey' sheet, the 'parameters' value is invalid. For the 'range' "
        "question type, the parameter 'tick_labelset' choice list values may onlymatch the range "
        "'start' and 'end' values when the 'appearance' is 'no-ticks'."
    ),
    "SURVEY_001": gettext_lazy(
        "[row : {row}] Unmatched 'end_{type}'. No matching 'begin_{type}' was found for the name "
        "'{name}'."
    ),
    "SURVEY_002": gettext_lazy(
        "[row : {row}] Unmatched 'begin_{type}'. No matching 'end_{type}' was found for the name "
        "'{name}'."
    ),
    "SURVEY_003": gettext_lazy(
        "[row : {row}] On the '{sheet}' sheet, the '{column}' value is invalid. For geoshape and "
        "geotrace questions, the 'incremental' parameter may either be 'true' or not included."
    ),
    "SURVEY_004": gettext_lazy(
        "[row : {row}] On the 'survey' sheet, the 'parameters' value is invalid. Parameters must "
        "be in the form of 'key1=value1 key2=value2."
    ),
    "SURVEY_005": gettext_lazy(
        "[row : {row}] On the 'survey' sheet, the 'parameters' value is invalid. The accepted "
        "parameter keys for this question type are '{accepted}'. The following are invalid "
        "parameter key(s): '{rejected}'."
    ),
    "SURVEY_006": gettext_lazy(
        "[row : {row}] On the 'survey' sheet, the 'parameters' value is invalid. The "
        "'reference-geometry' parameter must either match a secondary instance name (a choices "
        "list_name, an entities list_name, or the base name of an attached file), or be a "
        "reference variable containing the name of a repeat."
    ),
    "SURVEY_007": gettext_lazy(
        "[row : {row}] On the 'survey' sheet, the 'parameters' value is invalid. The "
        "'capture-accuracy' parameter must have a numeric value."
    ),
    "SURVEY_008": gettext_lazy(
        "[row : {row}] On the 'survey' sheet, the 'parameters' value is invalid. The "
        "'warning-accuracy' parameter must have a numeric value."
    ),
    "SURVEY_009": gettext_lazy(
        "[row : {row}] On the 'survey' sheet, the 'parameters' value is invalid. The "
        "'allow-mock-accuracy' parameter must be either 'true' or 'false'."
    ),
}

# pyxform's "[row : N]" lead-in, as the start of a pattern.
_AT_ROW = r"\[row : (?P<row>\d+)\] ?"

# (pattern over pyxform's English text, translated template using the pattern's groups). A
# pattern must match the whole message; a group whose name ends in "_message" holds another
# pyxform message, which is translated in its turn. Most common first.
PATTERNS: list[tuple[re.Pattern[str], Any]] = [
    # The survey sheet: types, names, labels, structure.
    (
        re.compile(r"Unknown question type '(?P<type>.*)'\."),
        gettext_lazy("Unknown question type '{type}'."),
    ),
    (
        re.compile(_AT_ROW + r"Question with no type\.\n(?P<data>.*)", re.DOTALL),
        # Translators: {data} is the row's cells as pyxform prints them.
        gettext_lazy("Row {row}: Question with no type.\n{data}"),
    ),
    (
        re.compile(_AT_ROW + r"Question or group with no name\."),
        gettext_lazy("Row {row}: Question or group with no name."),
    ),
    (
        re.compile(r"The survey element named '(?P<name>.*)' has no label or hint\."),
        gettext_lazy("The survey element named '{name}' has no label or hint."),
    ),
    (
        re.compile(_AT_ROW + r"Missing calculation\."),
        gettext_lazy("Row {row}: Missing calculation."),
    ),
    (
        re.compile(
            _AT_ROW + r"Audits must always be named 'audit\.' The name column should be "
            r"left blank\."
        ),
        gettext_lazy(
            "Row {row}: Audits must always be named 'audit.' The name column should be left blank."
        ),
    ),
    (
        re.compile(_AT_ROW + r"Repeat loop without list name\."),
        gettext_lazy("Row {row}: Repeat loop without list name."),
    ),
    (
        re.compile(_AT_ROW + r"List name not in columns sheet: (?P<list_name>.*)"),
        gettext_lazy("Row {row}: List name not in columns sheet: {list_name}"),
    ),
    (
        re.compile(
            r"To use big-image, you must also specify an image for the survey element "
            r"named (?P<name>.*)\."
        ),
        gettext_lazy(
            "To use big-image, you must also specify an image for the survey element named {name}."
        ),
    ),
    (
        re.compile(r"Media type: (?P<media_type>.*) not supported"),
        gettext_lazy("Media type: {media_type} not supported"),
    ),
    # Choice lists.
    (
        re.compile(_AT_ROW + r"List name not in choices sheet: (?P<list_name>.*)"),
        gettext_lazy("Row {row}: List name not in choices sheet: {list_name}"),
    ),
    (
        re.compile(_AT_ROW + r"List name not in external choices sheet: (?P<list_name>.*)"),
        gettext_lazy("Row {row}: List name not in external choices sheet: {list_name}"),
    ),
    (
        re.compile(
            r"There should be a choices sheet in this xlsform\. Please ensure that the "
            r"choices sheet has the mandatory columns 'list_name', 'name', and 'label'\."
        ),
        gettext_lazy(
            "There should be a choices sheet in this xlsform. Please ensure that the "
            "choices sheet has the mandatory columns 'list_name', 'name', and 'label'."
        ),
    ),
    (
        re.compile(
            r"There should be a choices sheet in this xlsform\. "
            r"(?P<similar_message>When looking for .*?) Please ensure that the choices "
            r"sheet has the mandatory columns 'list_name', 'name', and 'label'\."
        ),
        # Translators: {similar_message} names sheets with a name close to 'choices'.
        gettext_lazy(
            "There should be a choices sheet in this xlsform. {similar_message} Please "
            "ensure that the choices sheet has the mandatory columns 'list_name', "
            "'name', and 'label'."
        ),
    ),
    (
        re.compile(
            r"There should be an external_choices sheet in this xlsform\. Please ensure "
            r"that the external_choices sheet has columns 'list name', and 'name'\."
        ),
        gettext_lazy(
            "There should be an external_choices sheet in this xlsform. Please ensure "
            "that the external_choices sheet has columns 'list name', and 'name'."
        ),
    ),
    (
        re.compile(
            r"There should be an external_choices sheet in this xlsform\. "
            r"(?P<similar_message>When looking for .*?) Please ensure that the "
            r"external_choices sheet has columns 'list name', and 'name'\."
        ),
        # Translators: {similar_message} names sheets with a name close to 'external_choices'.
        gettext_lazy(
            "There should be an external_choices sheet in this xlsform. "
            "{similar_message} Please ensure that the external_choices sheet has "
            "columns 'list name', and 'name'."
        ),
    ),
    (
        re.compile(
            r"Choice names with spaces cannot be added to multiple choice selects\. "
            r"See \[(?P<choice>.*)\] in \[(?P<list_name>.*)\]"
        ),
        gettext_lazy(
            "Choice names with spaces cannot be added to multiple choice selects. "
            "See [{choice}] in [{list_name}]"
        ),
    ),
    (
        re.compile(r"There should be choices for this question\."),
        gettext_lazy("There should be choices for this question."),
    ),
    (
        re.compile(_AT_ROW + r"Choice filter not supported with or_other\."),
        gettext_lazy("Row {row}: Choice filter not supported with or_other."),
    ),
    (
        re.compile(_AT_ROW + r"Please specify choices for this 'or other' question\."),
        gettext_lazy("Row {row}: Please specify choices for this 'or other' question."),
    ),
    (
        re.compile(_AT_ROW + r"Choice filter not supported for table-list appearance\."),
        gettext_lazy("Row {row}: Choice filter not supported for table-list appearance."),
    ),
    (
        re.compile(
            _AT_ROW + r"Badly formatted table list, list names don't match: "
            r"(?P<list_name>.*) vs\. (?P<other_list_name>.*)"
        ),
        gettext_lazy(
            "Row {row}: Badly formatted table list, list names don't match: "
            "{list_name} vs. {other_list_name}"
        ),
    ),
    (
        re.compile(
            _AT_ROW + r"File name for '(?P<type>.*)' should end with one of the "
            r"supported file extensions: (?P<extensions>.*)"
        ),
        # Translators: {type} is e.g. "select_one_from_file sites.txt".
        gettext_lazy(
            "Row {row}: File name for '{type}' should end with one of the supported "
            "file extensions: {extensions}"
        ),
    ),
    (
        re.compile(
            r"Question '(?P<name>.*)' is a select from file type, using 'search\(\)'\. "
            r"This combination is not supported\. Remove the 'search\(\)' usage, or "
            r"change the select type\."
        ),
        gettext_lazy(
            "Question '{name}' is a select from file type, using 'search()'. This "
            "combination is not supported. Remove the 'search()' usage, or change the "
            "select type."
        ),
    ),
    (
        re.compile(
            r"Question '(?P<name>.*)' uses 'search\(\)', and its select type references "
            r"the choice list name '(?P<list_name>.*)'\. This choice list name is "
            r"referenced by at least one other question that is not using 'search\(\)', "
            r"which will not work: (?P<questions>.*)\. Either 1\) use 'search\(\)' for all "
            r"questions using this choice list name, or 2\) use a different choice list "
            r"name for the question using 'search\(\)'\."
        ),
        gettext_lazy(
            "Question '{name}' uses 'search()', and its select type references the "
            "choice list name '{list_name}'. This choice list name is referenced by at "
            "least one other question that is not using 'search()', which will not "
            "work: {questions}. Either 1) use 'search()' for all questions using this "
            "choice list name, or 2) use a different choice list name for the question "
            "using 'search()'."
        ),
    ),
    # Sheets and settings.
    (
        re.compile(r"You must have a sheet named '(?P<sheet>.*?)'\. ?"),
        gettext_lazy("You must have a sheet named '{sheet}'."),
    ),
    (
        re.compile(
            r"You must have a sheet named '(?P<sheet>.*?)'\. "
            r"(?P<similar_message>When looking for .+)"
        ),
        # Translators: {similar_message} names sheets with a name close to the one missing.
        gettext_lazy("You must have a sheet named '{sheet}'. {similar_message}"),
    ),
    (
        re.compile(
            r"(?P<similar_message>When looking for a sheet named .*?) If you do not mean "
            r"to include a sheet, to suppress this message, prefix the sheet name with an "
            r"underscore\. For example 'setting' becomes '_setting'\."
        ),
        # Translators: {similar_message} names sheets with a name close to an XLSForm sheet.
        gettext_lazy(
            "{similar_message} If you do not mean to include a sheet, to suppress this "
            "message, prefix the sheet name with an underscore. For example 'setting' "
            "becomes '_setting'."
        ),
    ),
    (
        re.compile(
            r"The form_id and id_string column headers are both specified in the settings "
            r"sheet provided\. This may cause errors during conversion\. In future, its "
            r"best to avoid specifying both column headers in the settings sheet\."
        ),
        gettext_lazy(
            "The form_id and id_string column headers are both specified in the "
            "settings sheet provided. This may cause errors during conversion. In "
            "future, its best to avoid specifying both column headers in the settings "
            "sheet."
        ),
    ),
    (
        re.compile(r"Survey cannot have an empty id_string"),
        gettext_lazy("Survey cannot have an empty id_string"),
    ),
    (
        re.compile(r"Cannot omit instanceID, it is required for encryption\."),
        gettext_lazy("Cannot omit instanceID, it is required for encryption."),
    ),
    (
        re.compile(
            r"Argument 'definition' was not recognized as a supported type\. "
            r"Must be one of: (?P<types>.*)"
        ),
        # Translators: the uploaded file could not be read as an XLSForm; {types} are extensions.
        gettext_lazy(
            "Argument 'definition' was not recognized as a supported type. Must be one of: {types}"
        ),
    ),
    # Warnings about rows.
    (
        re.compile(
            _AT_ROW + r"The 'disabled' column header is not part of the current spec\. "
            r"We recommend using relevant instead\."
        ),
        gettext_lazy(
            "Row {row}: The 'disabled' column header is not part of the current spec. "
            "We recommend using relevant instead."
        ),
    ),
    (
        re.compile(
            _AT_ROW + r"Row without name, text, or label is being skipped:\n(?P<data>.*)", re.DOTALL
        ),
        # Translators: {data} is the row's cells as pyxform prints them.
        gettext_lazy("Row {row}: Row without name, text, or label is being skipped:\n{data}"),
    ),
    (
        re.compile(_AT_ROW + r"Repeat has no label: (?P<data>.*)"),
        # Translators: {data} is the repeat's name and type as pyxform prints them.
        gettext_lazy("Row {row}: Repeat has no label: {data}"),
    ),
    (
        re.compile(
            _AT_ROW + r"(?P<type>\S+) is no longer supported on most devices\. Only old "
            r"versions of Collect on Android versions older than 11 still support it\."
        ),
        gettext_lazy(
            "Row {row}: {type} is no longer supported on most devices. Only old "
            "versions of Collect on Android versions older than 11 still support it."
        ),
    ),
    (
        re.compile(_AT_ROW + r"select one external is only meant for filtered selects\."),
        gettext_lazy("Row {row}: select one external is only meant for filtered selects."),
    ),
    (
        re.compile(
            _AT_ROW + r"Use the max-pixels parameter to speed up submission sending and "
            r"save storage space\. Learn more: https://xlsform\.org/#image"
        ),
        gettext_lazy(
            "Row {row}: Use the max-pixels parameter to speed up submission sending and "
            "save storage space. Learn more: https://xlsform.org/#image"
        ),
    ),
    # Translations (languages) of the form.
    (
        re.compile(
            r"Language '(?P<language>.*?)' is missing the (?P<sheet>survey|choices) "
            r"(?P<column>\S+) column\."
        ),
        # Translators: {sheet} is the XLSForm sheet (survey or choices), {column} e.g. label.
        gettext_lazy("Language '{language}' is missing the {sheet} {column} column."),
    ),
    (
        re.compile(
            r"Language '(?P<language>.*?)' is missing the (?P<sheet>survey|choices) "
            r"columns (?P<columns>.*)\."
        ),
        # Translators: {sheet} is the XLSForm sheet (survey or choices), {columns} e.g. label, hint.
        gettext_lazy("Language '{language}' is missing the {sheet} columns {columns}."),
    ),
    (
        re.compile(
            r"This form uses or_other and translations, which is not recommended\. An "
            r"untranslated input question label and choice label is generated for "
            r"'other'\. Learn more: https://xlsform\.org/en/#specify-other\)\."
        ),
        gettext_lazy(
            "This form uses or_other and translations, which is not recommended. An "
            "untranslated input question label and choice label is generated for "
            "'other'. Learn more: https://xlsform.org/en/#specify-other)."
        ),
    ),
    (
        re.compile(
            r"The following language declarations do not contain valid machine-readable "
            r"codes: (?P<languages>.*)\. Learn more: "
            r"http://xlsform\.org#multiple-language-support"
        ),
        # Translators: a language column should read e.g. label::Russian (ru).
        gettext_lazy(
            "The following language declarations do not contain valid machine-readable "
            "codes: {languages}. Learn more: "
            "http://xlsform.org#multiple-language-support"
        ),
    ),
    (
        re.compile(r"Could not export itemsets\.csv, the '(?P<sheet>.*)' sheet is missing\."),
        gettext_lazy("Could not export itemsets.csv, the '{sheet}' sheet is missing."),
    ),
    # The parameters column.
    (
        re.compile(
            r"(?P<parameter>randomize|identify-user|track-changes) must be set to true or "
            r"false: '(?P<value>.*)' is an invalid value\.?"
        ),
        gettext_lazy("{parameter} must be set to true or false: '{value}' is an invalid value."),
    ),
    (
        re.compile(r"seed value must be a number or a reference to another field\."),
        gettext_lazy("seed value must be a number or a reference to another field."),
    ),
    (
        re.compile(r"Parameters must include randomize=true to use a seed\."),
        gettext_lazy("Parameters must include randomize=true to use a seed."),
    ),
    (
        re.compile(_AT_ROW + r"Parameter (?P<parameter>\S+) must have an integer value\."),
        gettext_lazy("Row {row}: Parameter {parameter} must have an integer value."),
    ),
    (
        re.compile(r"Parameter (?P<parameter>\S+) must have an integer value\."),
        gettext_lazy("Parameter {parameter} must have an integer value."),
    ),
    (
        re.compile(r"Parameter (?P<parameter>\S+) must be greater\s+than or equal to zero\."),
        gettext_lazy("Parameter {parameter} must be greater than or equal to zero."),
    ),
    (
        re.compile(
            r"Parameter (?P<parameter>\S+) must be greater than or equal to "
            r"(?P<other_parameter>\S+)\."
        ),
        gettext_lazy("Parameter {parameter} must be greater than or equal to {other_parameter}."),
    ),
    (
        re.compile(
            r"Parameter location-priority must be set to no-power, low-power, balanced, or "
            r"high-accuracy: ?'(?P<value>.*)' is an invalid value"
        ),
        gettext_lazy(
            "Parameter location-priority must be set to no-power, low-power, balanced, "
            "or high-accuracy: '{value}' is an invalid value"
        ),
    ),
    (
        re.compile(r"track-changes-reasons must be set to on-form-edit"),
        gettext_lazy("track-changes-reasons must be set to on-form-edit"),
    ),
    (
        re.compile(
            r"To include location information in the audit, 'location-priority', "
            r"'location-min-interval', and 'location-max-age' are required parameters\."
        ),
        gettext_lazy(
            "To include location information in the audit, 'location-priority', "
            "'location-min-interval', and 'location-max-age' are required parameters."
        ),
    ),
    (re.compile(r"Invalid value for quality\."), gettext_lazy("Invalid value for quality.")),
    (
        re.compile(
            _AT_ROW + r"Parameter 'app' has an invalid Android package name - "
            r"(?P<reason>.*)"
        ),
        # Translators: {reason} stays in English (pyxform's words).
        gettext_lazy("Row {row}: Parameter 'app' has an invalid Android package name - {reason}"),
    ),
    # Triggers, references, secondary instances.
    (
        re.compile(
            _AT_ROW + r"For 'background-geopoint' questions, the 'calculation' column "
            r"must be empty\."
        ),
        gettext_lazy(
            "Row {row}: For 'background-geopoint' questions, the 'calculation' column "
            "must be empty."
        ),
    ),
    (
        re.compile(
            _AT_ROW + r"For 'background-geopoint' questions, the 'trigger' column must "
            r"not be empty\."
        ),
        gettext_lazy(
            "Row {row}: For 'background-geopoint' questions, the 'trigger' column must "
            "not be empty."
        ),
    ),
    (
        re.compile(
            r"The question (?P<reference>\$\{.*?\}) is not user-visible so it can't be used "
            r"as a calculation trigger for question (?P<other_reference>\$\{.*?\})\."
        ),
        # Translators: {reference} and {other_reference} are written like ${name}.
        gettext_lazy(
            "The question {reference} is not user-visible so it can't be used as a "
            "calculation trigger for question {other_reference}."
        ),
    ),
    (
        re.compile(
            r"There has been a problem trying to replace (?P<reference>.*?) with the XPath "
            r"to the survey element named '(?P<name>.*?)'\. There is no survey element "
            r"named '(?P=name)'\."
        ),
        gettext_lazy(
            "There has been a problem trying to replace {reference} with the XPath to "
            "the survey element named '{name}'. There is no survey element named "
            "'{name}'."
        ),
    ),
    (
        re.compile(
            r"There has been a problem trying to replace (?P<reference>.*?) with the XPath "
            r"to the survey element named '(?P<name>.*?)'\. There are multiple survey "
            r"elements named '(?P=name)'\."
        ),
        gettext_lazy(
            "There has been a problem trying to replace {reference} with the XPath to "
            "the survey element named '{name}'. There are multiple survey elements "
            "named '{name}'."
        ),
    ),
    (
        re.compile(
            r"Instance names must be unique within a form\. The name '(?P<name>.*?)' was "
            r"found (?P<count>\d+) time\(s\), under these contexts: (?P<contexts>.*)"
        ),
        gettext_lazy(
            "Instance names must be unique within a form. The name '{name}' was found "
            "{count} time(s), under these contexts: {contexts}"
        ),
    ),
    (
        re.compile(
            r"The same instance id will be generated for different external instance "
            r"source URIs\. Please check the form\. Instance name: '(?P<name>.*?)', "
            r"Existing type: '(?P<type>.*?)', Existing URI: '(?P<uri>.*?)', Duplicate "
            r"type: '(?P<other_type>.*?)', Duplicate URI: '(?P<other_uri>.*?)', Duplicate "
            r"context: '(?P<context>.*)'\."
        ),
        gettext_lazy(
            "The same instance id will be generated for different external instance "
            "source URIs. Please check the form. Instance name: '{name}', Existing "
            "type: '{type}', Existing URI: '{uri}', Duplicate type: '{other_type}', "
            "Duplicate URI: '{other_uri}', Duplicate context: '{context}'."
        ),
    ),
]

_ROW = re.compile(r"^\[row : (\d+)\]\s*")
_FIELDS = Formatter()
# Values pyxform puts into row-like placeholders: a number, or "unknown" when it had none.
_ROW_FIELDS = frozenset({"row", "other_row"})


def _template_pattern(template: str) -> re.Pattern[str]:
    """The regular expression matching what `template` (a str.format template) becomes once
    formatted, with a named group per placeholder (a repeated one must repeat its value)."""
    parts: list[str] = []
    seen: set[str] = set()
    for literal, field, _spec, _conversion in _FIELDS.parse(template):
        parts.append(re.escape(literal))
        if field is None:
            continue
        if not field.isidentifier():  # "{a.b}", "{0}": matched, not read back
            parts.append(".*?")
        elif field in seen:
            parts.append(f"(?P={field})")
        else:
            seen.add(field)
            parts.append(rf"(?P<{field}>\w+)" if field in _ROW_FIELDS else f"(?P<{field}>.*?)")
    return re.compile("".join(parts))


# What pyxform prints for each code it formats itself, read back by the code's own template.
_CODED_TEXT: list[tuple[str, re.Pattern[str]]] = [
    (code.name, _template_pattern(code.value.msg)) for code in ErrorCode if code.name in CODED
]


def _untranslated(text: str) -> str:
    match = _ROW.match(text)
    if match:
        return _("Row %(row)s: %(message)s") % {
            "row": match.group(1),
            "message": text[match.end() :],
        }
    return text


def _fill(template: Any, values: dict[str, Any]) -> str | None:
    """The translated template with `values`, or None when a translation broke it."""
    try:
        return str(template).format_map(_Default(values))
    except (AttributeError, IndexError, KeyError, TypeError, ValueError):
        return None


def _by_code_text(text: str) -> str | None:
    for name, pattern in _CODED_TEXT:
        match = pattern.fullmatch(text)
        if match:
            return _fill(CODED[name], match.groupdict())
    return None


def _by_pattern(text: str) -> str | None:
    for pattern, template in PATTERNS:
        match = pattern.fullmatch(text)
        if match:
            values = {
                key: (_translate(value) if key.endswith("_message") else value)
                for key, value in match.groupdict().items()
                if value is not None
            }
            return _fill(template, values)
    return None


def _translate(text: str) -> str:
    # Patterns first: some of them wrap a coded message (a sheet name misspelt) in more text,
    # which a code's template alone would swallow into its last placeholder.
    found = _by_pattern(text) or _by_code_text(text)
    if found is not None:
        return found
    if "\n" in text:
        return "\n".join(_translate(line) if line.strip() else line for line in text.split("\n"))
    return _untranslated(text)


def translate_error(exc: PyXFormError) -> str:
    """The error's message, translated. A coded error without context still gets its
    template (pyxform would print the code's short internal name), placeholders "unknown"."""
    code = getattr(exc, "code", None)
    if code is not None and code.name in CODED:
        found = _fill(CODED[code.name], dict(getattr(exc, "context", None) or {}))
        if found is not None:
            return found
    return _translate(str(exc))


def translate_warning(text: str) -> str:
    return _translate(text)


class _Default(dict[str, Any]):
    """Context for a template: like pyxform, a value missing or None reads "unknown"."""

    def __getitem__(self, key: str) -> Any:
        value = super().__getitem__(key)
        return _("unknown") if value is None else value

    def __missing__(self, key: str) -> str:
        return _("unknown")


__all__ = ["CODED", "PATTERNS", "translate_error", "translate_warning", "gettext_lazy"]
