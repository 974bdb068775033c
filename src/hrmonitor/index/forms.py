"""Forms of the Secretariat's index pages. They only read input; services decide."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from hrmonitor.core.models import Country
from hrmonitor.index.models import IndexDefinition, SurveyQuestion, SurveyResponse
from hrmonitor.index.spec import localized

SPEC_HELP = _(
    "A JSON object: the index aggregation, the imputation, and the dimensions with their "
    "indicators (code, names, direction, weight, normalisation with goalposts, source: desk, "
    "survey with its question, or framework:<indicator code>). The methodology page of an "
    "edition describes the result in words."
)


class _Styled:
    """Bootstrap classes on every widget, so templates render fields with `_field.html`."""

    fields: dict[str, forms.Field]

    def _style(self) -> None:
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.RadioSelect):
                continue
            css = "form-select" if isinstance(widget, forms.Select) else "form-control"
            widget.attrs["class"] = f"{css} {widget.attrs.get('class', '')}".strip()


class _SpecField(forms.CharField):
    widget = forms.Textarea(attrs={"rows": 18, "class": "font-monospace", "spellcheck": "false"})

    def to_python(self, value: Any) -> Any:
        text = super().to_python(value)
        if not text:
            return {}
        try:
            data = json.loads(text)
        except json.JSONDecodeError as error:
            raise forms.ValidationError(
                _("This is not valid JSON (line %(line)d, column %(column)d)."),
                params={"line": error.lineno, "column": error.colno},
            ) from None
        if not isinstance(data, dict):
            raise forms.ValidationError(_("The specification must be a JSON object."))
        return data

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, dict):
            return json.dumps(value, ensure_ascii=False, indent=2)
        return value


class DefinitionVersionForm(_Styled, forms.Form):
    name_en = forms.CharField(label=_("Name (English)"), max_length=200)
    name_ru = forms.CharField(label=_("Name (Russian)"), max_length=200, required=False)
    description_en = forms.CharField(
        label=_("Description (English)"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    description_ru = forms.CharField(
        label=_("Description (Russian)"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    spec = _SpecField(label=_("Specification"), help_text=SPEC_HELP)

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self._style()


class DefinitionForm(DefinitionVersionForm):
    code = forms.SlugField(
        label=_("Code"),
        max_length=50,
        help_text=_("Letters, digits and hyphens; it stays the same across versions."),
    )
    field_order = ["code", "name_en", "name_ru", "description_en", "description_ru", "spec"]


class EditionForm(_Styled, forms.Form):
    definition: forms.ModelChoiceField[IndexDefinition] = forms.ModelChoiceField(
        label=_("Definition"), queryset=IndexDefinition.objects.order_by("code", "-version")
    )
    year = forms.IntegerField(label=_("Year"), min_value=1990, max_value=2200)
    title_en = forms.CharField(label=_("Title (English)"), max_length=300)
    title_ru = forms.CharField(label=_("Title (Russian)"), max_length=300, required=False)

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self._style()


class EditionDetailsForm(_Styled, forms.Form):
    title_en = forms.CharField(label=_("Title (English)"), max_length=300)
    title_ru = forms.CharField(label=_("Title (Russian)"), max_length=300, required=False)
    citation = forms.CharField(
        label=_("Citation"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        help_text=_("Left empty, a citation is written when the edition is published."),
    )

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self._style()


class DeskCodingForm(_Styled, forms.Form):
    """One indicator's desk coding for every country: value, legal reference, source."""

    def __init__(self, *args: Any, countries: Sequence[Country], **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.countries = list(countries)
        for country in self.countries:
            self.fields[f"value_{country.iso2}"] = forms.CharField(
                label=_("Value"), required=False, max_length=40
            )
            self.fields[f"legal_{country.iso2}"] = forms.CharField(
                label=_("Legal reference"), required=False, max_length=2000
            )
            self.fields[f"source_{country.iso2}"] = forms.CharField(
                label=_("Source"), required=False, max_length=2000
            )
        self._style()

    def rows(self) -> list[tuple[Country, forms.BoundField, forms.BoundField, forms.BoundField]]:
        return [
            (c, self[f"value_{c.iso2}"], self[f"legal_{c.iso2}"], self[f"source_{c.iso2}"])
            for c in self.countries
        ]


CONFIDENCE_CHOICES = [
    (5, _("5 — very confident")),
    (4, _("4")),
    (3, _("3 — fairly confident")),
    (2, _("2")),
    (1, _("1 — not confident")),
]


class SurveyResponseForm(_Styled, forms.Form):
    """One expert's answers for one country; a question may be left unanswered."""

    country: forms.ModelChoiceField[Country] = forms.ModelChoiceField(
        label=_("Country"), queryset=Country.objects.order_by("name")
    )
    respondent_type = forms.ChoiceField(
        label=_("Respondent type"), choices=SurveyResponse.RespondentType.choices
    )
    respondent_name = forms.CharField(
        label=_("Respondent (optional)"),
        max_length=200,
        required=False,
        help_text=_("Never shown on public pages."),
    )
    note = forms.CharField(
        label=_("Note"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )

    def __init__(self, *args: Any, questions: Sequence[SurveyQuestion], **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.questions = list(questions)
        for question in self.questions:
            choices = [("", _("No answer"))] + [
                (str(index), f"{localized(option, 'label')} ({option['score']:g})")
                for index, option in enumerate(question.options)
            ]
            self.fields[f"answer_{question.indicator_code}"] = forms.ChoiceField(
                label=question.text,
                choices=choices,
                required=False,
                widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
            )
            self.fields[f"confidence_{question.indicator_code}"] = forms.TypedChoiceField(
                label=_("Confidence"),
                choices=CONFIDENCE_CHOICES,
                coerce=int,
                initial=3,
            )
        self._style()

    def question_fields(self) -> list[tuple[SurveyQuestion, forms.BoundField, forms.BoundField]]:
        return [
            (q, self[f"answer_{q.indicator_code}"], self[f"confidence_{q.indicator_code}"])
            for q in self.questions
        ]

    def answers(self) -> dict[str, tuple[int, int]]:
        """`{indicator code: (option index, confidence)}` of the answered questions."""
        chosen: dict[str, tuple[int, int]] = {}
        for question in self.questions:
            option = self.cleaned_data.get(f"answer_{question.indicator_code}")
            if option not in (None, ""):
                chosen[question.indicator_code] = (
                    int(option),
                    int(self.cleaned_data[f"confidence_{question.indicator_code}"]),
                )
        return chosen
