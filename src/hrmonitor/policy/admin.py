from django.contrib import admin
from modeltranslation.admin import TranslationAdmin
from simple_history.admin import SimpleHistoryAdmin

from hrmonitor.policy.models import (
    CountryFact,
    ExchangeRate,
    FundingNeed,
    FundingRecord,
    PolicyArea,
    PolicyStatus,
    TransitionMilestone,
)

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


@admin.register(FundingRecord)
class FundingRecordAdmin(SimpleHistoryAdmin):
    list_display = ["country", "year", "source_category", "funder", "amount", "currency"]
    list_filter = ["source_category", "programme_area", "year"]
    readonly_fields = ["entered_by"]


@admin.register(ExchangeRate)
class ExchangeRateAdmin(SimpleHistoryAdmin):
    list_display = ["currency", "year", "usd_per_unit", "source"]
    list_filter = ["currency"]


@admin.register(FundingNeed)
class FundingNeedAdmin(SimpleHistoryAdmin):
    list_display = ["country", "year", "amount", "currency", "source"]


@admin.register(TransitionMilestone)
class TransitionMilestoneAdmin(SimpleHistoryAdmin):
    """Global Fund transition steps are rare: the Secretariat records them here."""

    list_display = ["country", "year", "kind", "source"]
    list_filter = ["kind"]
