"""The post-event feedback questionnaire (`data/feedback.yaml`): its questions, the form a
participant fills in without an account, and the summary of an event's answers.

The questionnaire and `summarise` are plain Python (questions are dataclasses or plain dicts,
answers plain dicts); the form, the reflection form and `event_feedback_summary` are the thin
Django layer over them."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from functools import cache
from pathlib import Path
from typing import Any, Literal, cast

import yaml
from django import forms
from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from hrmonitor.monitoring import selectors
from hrmonitor.monitoring.models import Event, EventDocument

QUESTIONNAIRE_FILE = Path(__file__).resolve().parent / "data" / "feedback.yaml"
SCALE_VALUES = (1, 2, 3, 4, 5)
TEXT_MAX_LENGTH = 2000
# A field no person sees or fills in; software that fills in every field gives itself away.
HONEYPOT_FIELD = "website"

Kind = Literal["scale", "choice", "text"]
KINDS: tuple[Kind, ...] = ("scale", "choice", "text")


def _in_language(english: str, russian: str, language: str) -> str:
    """The Russian wording on Russian pages when there is one, else the English."""
    return russian if language.startswith("ru") and russian else english


# --- The questionnaire (pure) ----------------------------------------------------------------


@dataclass(frozen=True)
class Option:
    code: str
    label_en: str
    label_ru: str = ""

    def label(self, language: str) -> str:
        return _in_language(self.label_en, self.label_ru, language)


@dataclass(frozen=True)
class Question:
    code: str
    kind: Kind
    label_en: str
    label_ru: str = ""
    required: bool = False
    help_en: str = ""
    help_ru: str = ""
    options: tuple[Option, ...] = ()
    # The ends of a scale ("Not useful" … "Very useful").
    low_en: str = ""
    low_ru: str = ""
    high_en: str = ""
    high_ru: str = ""

    def label(self, language: str) -> str:
        return _in_language(self.label_en, self.label_ru, language)

    def help(self, language: str) -> str:
        return _in_language(self.help_en, self.help_ru, language)

    def low(self, language: str) -> str:
        return _in_language(self.low_en, self.low_ru, language)

    def high(self, language: str) -> str:
        return _in_language(self.high_en, self.high_ru, language)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Question:
        """A question from its record in the data file; a malformed one is refused by name."""
        code = str(data.get("code") or "").strip()
        kind = data.get("kind")
        if not code or code == HONEYPOT_FIELD:
            raise ValueError(f"A feedback question needs a code other than {HONEYPOT_FIELD!r}.")
        if kind not in KINDS:
            raise ValueError(f"Feedback question {code!r}: kind must be one of {KINDS}.")
        options = tuple(
            Option(
                code=str(o["code"]),
                label_en=str(o.get("label_en") or o["code"]),
                label_ru=str(o.get("label_ru") or ""),
            )
            for o in data.get("options") or ()
        )
        if kind == "choice" and not options:
            raise ValueError(f"Feedback question {code!r}: a choice needs options.")
        if len({o.code for o in options}) != len(options):
            raise ValueError(f"Feedback question {code!r}: option codes repeat.")

        def text(name: str) -> str:
            return str(data.get(name) or "").strip()

        return cls(
            code=code,
            kind=cast(Kind, kind),
            label_en=text("label_en") or code,
            label_ru=text("label_ru"),
            required=bool(data.get("required", False)),
            help_en=text("help_en"),
            help_ru=text("help_ru"),
            options=options,
            low_en=text("low_en"),
            low_ru=text("low_ru"),
            high_en=text("high_en"),
            high_ru=text("high_ru"),
        )


def parse_questionnaire(data: Mapping[str, Any]) -> tuple[Question, ...]:
    """The questions of a questionnaire data file's content, in order; codes are unique."""
    questions = tuple(Question.from_dict(q) for q in data.get("questions") or ())
    codes = [q.code for q in questions]
    if not questions or len(set(codes)) != len(codes):
        raise ValueError("The feedback questionnaire needs questions with distinct codes.")
    return questions


def load_questionnaire(path: Path = QUESTIONNAIRE_FILE) -> tuple[Question, ...]:
    with path.open(encoding="utf-8") as handle:
        return parse_questionnaire(yaml.safe_load(handle) or {})


@cache
def questionnaire() -> tuple[Question, ...]:
    """The questionnaire of `QUESTIONNAIRE_FILE`, read once per process."""
    return load_questionnaire(QUESTIONNAIRE_FILE)


# --- Summary of the answers (pure) -----------------------------------------------------------


@dataclass(frozen=True)
class Bar:
    """One scale value or one option, with how many answers chose it and their share."""

    code: str
    label: str
    count: int
    percent: float  # of the question's answers, 0–100, for the width of a bar


@dataclass(frozen=True)
class QuestionSummary:
    code: str
    kind: Kind
    label: str
    n: int  # answers given to this question
    mean: float | None = None  # scale only; None without answers
    distribution: tuple[Bar, ...] = ()  # scale: one bar per value 1..5
    counts: tuple[Bar, ...] = ()  # choice: one bar per option, in the questionnaire's order
    texts: tuple[str, ...] = ()  # text: the non-empty answers, in the order given


def _scale_value(answer: Any) -> int | None:
    """A scale answer as 1..5 (stored as a number, or a numeric string); else None."""
    if isinstance(answer, bool):
        return None
    try:
        value = int(str(answer).strip())
    except (TypeError, ValueError):
        return None
    return value if value in SCALE_VALUES else None


def _bars(counts: Mapping[str, int], labels: Sequence[tuple[str, str]], n: int) -> tuple[Bar, ...]:
    return tuple(
        Bar(
            code=code,
            label=label,
            count=counts.get(code, 0),
            percent=round(counts.get(code, 0) / n * 100, 1) if n else 0.0,
        )
        for code, label in labels
    )


def _mean(values: Sequence[int]) -> float | None:
    """The arithmetic mean of the scale answers, rounded half up to one decimal (3.25 → 3.3,
    not the 3.2 of binary floating point); None when nobody answered."""
    if not values:
        return None
    exact = Decimal(sum(values)) / Decimal(len(values))
    return float(exact.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))


def summarise(
    questions: Iterable[Question | Mapping[str, Any]],
    answers_list: Iterable[Mapping[str, Any]],
    language: str = "en",
) -> list[QuestionSummary]:
    """What the responses say, question by question (`questions`: `Question`s or their data
    file records; `answers_list`: one dict per response, question code → answer).

    - scale: n = answers that are a whole number 1–5; the mean of those (one decimal, half
      up); the distribution = how many gave each value, with its share of n.
    - choice: n = answers that are one of the options; the count and share of each option.
    - text: the non-empty answers, stripped; n = how many.

    Missing, empty and unrecognised answers count nowhere: a skipped optional question does
    not lower a mean."""
    parsed = [q if isinstance(q, Question) else Question.from_dict(q) for q in questions]
    responses = list(answers_list)
    summaries = []
    for question in parsed:
        given = [r.get(question.code) for r in responses]
        label = question.label(language)
        if question.kind == "scale":
            values = [v for v in map(_scale_value, given) if v is not None]
            counts = {str(v): values.count(v) for v in SCALE_VALUES}
            summaries.append(
                QuestionSummary(
                    code=question.code,
                    kind=question.kind,
                    label=label,
                    n=len(values),
                    mean=_mean(values),
                    distribution=_bars(
                        counts, [(str(v), str(v)) for v in SCALE_VALUES], len(values)
                    ),
                )
            )
        elif question.kind == "choice":
            codes = {o.code for o in question.options}
            chosen = [str(a) for a in given if a is not None and str(a) in codes]
            counts = {code: chosen.count(code) for code in codes}
            summaries.append(
                QuestionSummary(
                    code=question.code,
                    kind=question.kind,
                    label=label,
                    n=len(chosen),
                    counts=_bars(
                        counts, [(o.code, o.label(language)) for o in question.options], len(chosen)
                    ),
                )
            )
        else:
            texts = tuple(str(a).strip() for a in given if a is not None and str(a).strip())
            summaries.append(
                QuestionSummary(
                    code=question.code, kind=question.kind, label=label, n=len(texts), texts=texts
                )
            )
    return summaries


# --- The Django layer ------------------------------------------------------------------------


def _field(question: Question, language: str) -> forms.Field:
    label = question.label(language)
    help_text = question.help(language)
    if question.kind == "scale":
        return forms.TypedChoiceField(
            label=label,
            help_text=help_text,
            required=question.required,
            choices=[(str(v), str(v)) for v in SCALE_VALUES],
            coerce=int,
            empty_value=None,
            # Drawn as a row of five large buttons (Bootstrap `btn-check`).
            widget=forms.RadioSelect(attrs={"class": "btn-check"}),
        )
    if question.kind == "choice":
        return forms.ChoiceField(
            label=label,
            help_text=help_text,
            required=question.required,
            choices=[(o.code, o.label(language)) for o in question.options],
            # Drawn as full-width rows: large tap targets on phones.
            widget=forms.RadioSelect(attrs={"class": "form-check-input flex-shrink-0"}),
        )
    return forms.CharField(
        label=label,
        help_text=help_text,
        required=question.required,
        max_length=TEXT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4, "class": "form-control"}),
    )


@dataclass(frozen=True)
class FormItem:
    """One question of the form as the template draws it."""

    question: Question
    field: forms.BoundField
    help: str
    low: str  # scale: what 1 means
    high: str  # scale: what 5 means

    @property
    def kind(self) -> Kind:
        return self.question.kind


class FeedbackForm(forms.Form):
    """The questionnaire as a form, worded in `language` (the active one by default)."""

    website = forms.CharField(
        label=_("Leave this field empty"),
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )

    def __init__(
        self,
        *args: Any,
        questions: Sequence[Question] | None = None,
        language: str | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.questions = tuple(questions if questions is not None else questionnaire())
        self.language = language or get_language() or "en"
        for question in self.questions:
            self.fields[question.code] = _field(question, self.language)

    @property
    def honeypot_filled(self) -> bool:
        return bool(self.is_bound and str(self.data.get(HONEYPOT_FIELD, "")).strip())

    @property
    def honeypot(self) -> forms.BoundField:
        return self[HONEYPOT_FIELD]

    @property
    def items(self) -> list[FormItem]:
        return [
            FormItem(
                question=q,
                field=self[q.code],
                help=q.help(self.language),
                low=q.low(self.language),
                high=q.high(self.language),
            )
            for q in self.questions
        ]

    def answers(self) -> dict[str, Any]:
        """The answers given (question code → 1..5, an option code or a text), without the
        questions left empty. Only after `is_valid()`."""
        answers: dict[str, Any] = {}
        for question in self.questions:
            value = self.cleaned_data.get(question.code)
            if isinstance(value, str):
                value = value.strip()
            if value not in (None, ""):
                answers[question.code] = value
        return answers


class ReflectionForm(forms.Form):
    """An expert's reflection on an event, or on one of its documents."""

    expert_name = forms.CharField(label=_("Expert"), max_length=200)
    text = forms.CharField(label=_("Reflection"), widget=forms.Textarea(attrs={"rows": 4}))
    document: forms.ModelChoiceField[EventDocument] = forms.ModelChoiceField(
        label=_("Document"),
        queryset=EventDocument.objects.none(),
        required=False,
        empty_label=_("The event as a whole"),
    )

    def __init__(self, *args: Any, event: Event, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["document"].queryset = event.documents.all()  # type: ignore[attr-defined]


# --- The summary for the event page ----------------------------------------------------------


@dataclass(frozen=True)
class FeedbackSummary:
    responses: int
    questions: list[QuestionSummary]
    link: str  # the public feedback link (absolute when built with a request)
    link_ru: str  # the same, opening in Russian


def event_feedback_summary(event: Event, request: HttpRequest | None = None) -> FeedbackSummary:
    """An event's feedback for its page: how many responded and the summary of each question,
    in the active language (one query). With `request`, the links are absolute."""
    responses = selectors.feedback_of(event)
    path = reverse("monitoring:feedback", kwargs={"key": event.feedback_key})
    link = request.build_absolute_uri(path) if request is not None else path
    return FeedbackSummary(
        responses=len(responses),
        questions=summarise(
            questionnaire(), [r.answers for r in responses], get_language() or "en"
        ),
        link=link,
        link_ru=f"{link}?lang=ru",
    )
