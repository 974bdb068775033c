"""Translated fields, then history (see core/translation.py for why in this order)."""

from modeltranslation.translator import TranslationOptions, register
from simple_history import register as history_register

from hrmonitor.framework.models import Activity, EvaluationArea, Framework, Indicator, Objective


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
    fields = ("name", "definition")


for model in (Framework, EvaluationArea, Objective, Activity, Indicator):
    history_register(model)
