"""Translated fields (modeltranslation) and — after them — history registration.

History is registered here, not with `HistoricalRecords()` on the model, because
modeltranslation and simple-history on the same model otherwise fail (DESIGN.md pitfalls).
"""

from modeltranslation.translator import TranslationOptions, register
from simple_history import register as history_register

from hrmonitor.core.models import Country, Region, SubRegion, User


@register(Region)
class RegionTranslation(TranslationOptions):
    fields = ("name",)


@register(SubRegion)
class SubRegionTranslation(TranslationOptions):
    fields = ("name",)


@register(Country)
class CountryTranslation(TranslationOptions):
    fields = ("name",)


for model in (Region, SubRegion, Country):
    history_register(model)
history_register(User, excluded_fields=["password", "last_login"])
