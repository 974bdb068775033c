"""Translated fields, then history (see core/translation.py for why in this order)."""

from modeltranslation.translator import TranslationOptions, register
from simple_history import register as history_register

from hrmonitor.index.models import Edition, IndexDefinition, SurveyQuestion


@register(IndexDefinition)
class IndexDefinitionTranslation(TranslationOptions):
    fields = ("name", "description")


@register(Edition)
class EditionTranslation(TranslationOptions):
    fields = ("title",)


@register(SurveyQuestion)
class SurveyQuestionTranslation(TranslationOptions):
    fields = ("text",)


for model in (IndexDefinition, Edition, SurveyQuestion):
    history_register(model)
