from django.contrib import admin
from modeltranslation.admin import TranslationAdmin
from simple_history.admin import SimpleHistoryAdmin

from hrmonitor.policy.models import CountryFact, PolicyArea, PolicyStatus

# The admin site is for inspection; statuses are recorded through the tracker's pages, whose
# service closes the previous period and checks the country scope.


@admin.register(PolicyArea)
class PolicyAreaAdmin(SimpleHistoryAdmin, TranslationAdmin):
    list_display = ["code", "order", "name"]


@admin.register(PolicyStatus)
class PolicyStatusAdmin(SimpleHistoryAdmin):
    list_display = ["country", "area", "status", "valid_from", "valid_to", "verified_at"]
    list_filter = ["area", "status"]
    readonly_fields = ["valid_from", "valid_to", "entered_by", "verified_by", "verified_at"]


@admin.register(CountryFact)
class CountryFactAdmin(SimpleHistoryAdmin):
    list_display = ["country", "key", "year", "value"]
    list_filter = ["key", "year"]
