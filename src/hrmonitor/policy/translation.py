"""Translated fields, then history (see core/translation.py for why in this order)."""

from modeltranslation.translator import TranslationOptions, register
from simple_history import register as history_register

from hrmonitor.policy.models import PolicyArea


@register(PolicyArea)
class PolicyAreaTranslation(TranslationOptions):
    fields = ("name", "description")


history_register(PolicyArea)
