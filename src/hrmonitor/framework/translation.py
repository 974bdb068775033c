"""Translated fields, then history (see core/translation.py for why in this order)."""

from modeltranslation.translator import TranslationOptions, register
from simple_history import register as history_register

from hrmonitor.framework.models import (
    Activity,
    Disaggregation,
    DisaggregationOption,
    EvaluationArea,
    Framework,
    Indicator,
    Objective,
    ValidationRule,
)


@register(Framework)
class FrameworkTranslation(TranslationOptions):
    fields = ("title", "organisation", "mission", "vision")


@register(EvaluationArea)
class EvaluationAreaTranslation(TranslationOptions):
    fields = ("name",)


@register(Objective)
class ObjectiveTranslation(TranslationOptions):
    fields = ("title", "summary")


@register(Activity)
class ActivityTranslation(TranslationOptions):
    fields = ("text",)


@register(Indicator)
class IndicatorTranslation(TranslationOptions):
    fields = ("name", "definition", "means_of_verification")


@register(Disaggregation)
class DisaggregationTranslation(TranslationOptions):
    fields = ("name",)


@register(DisaggregationOption)
class DisaggregationOptionTranslation(TranslationOptions):
    fields = ("name",)


@register(ValidationRule)
class ValidationRuleTranslation(TranslationOptions):
    fields = ("message",)


for model in (
    Framework,
    EvaluationArea,
    Objective,
    Activity,
    Indicator,
    Disaggregation,
    DisaggregationOption,
    ValidationRule,
):
    history_register(model)
