from django.contrib import admin
from django.http import HttpRequest
from modeltranslation.admin import TranslationAdmin, TranslationTabularInline
from simple_history.admin import SimpleHistoryAdmin

from hrmonitor.framework.models import (
    Activity,
    DataValue,
    Dhis2Mapping,
    Disaggregation,
    DisaggregationOption,
    EvaluationArea,
    Framework,
    Indicator,
    Objective,
    Target,
    ValidationRule,
)


@admin.register(Framework)
class FrameworkAdmin(SimpleHistoryAdmin, TranslationAdmin):
    list_display = ["code", "title", "approved"]


@admin.register(EvaluationArea)
class EvaluationAreaAdmin(SimpleHistoryAdmin, TranslationAdmin):
    list_display = ["code", "name"]


@admin.register(Objective)
class ObjectiveAdmin(SimpleHistoryAdmin, TranslationAdmin):
    list_display = ["code", "title"]


@admin.register(Activity)
class ActivityAdmin(SimpleHistoryAdmin, TranslationAdmin):
    list_display = ["code", "objective", "text"]
    list_filter = ["objective"]


class ValidationRuleInline(TranslationTabularInline):
    model = ValidationRule
    extra = 0


@admin.register(Indicator)
class IndicatorAdmin(SimpleHistoryAdmin, TranslationAdmin):
    list_display = ["code", "objective", "unit", "level", "source_kind", "is_key", "name"]
    list_filter = ["objective", "level", "unit", "source_kind", "is_key"]
    search_fields = ["code", "name_en", "name_ru"]
    filter_horizontal = ["disaggregations"]
    inlines = [ValidationRuleInline]


class OptionInline(TranslationTabularInline):
    model = DisaggregationOption
    extra = 0


@admin.register(Disaggregation)
class DisaggregationAdmin(SimpleHistoryAdmin, TranslationAdmin):
    list_display = ["code", "name", "order"]
    inlines = [OptionInline]


@admin.register(Target)
class TargetAdmin(SimpleHistoryAdmin):
    """Baselines and targets: per indicator, country (empty = the region) and period."""

    list_display = ["indicator", "country", "period", "kind", "value"]
    list_filter = ["kind", "indicator__objective", "country"]
    search_fields = ["indicator__code", "period"]
    autocomplete_fields = ["indicator", "country"]


@admin.register(DataValue)
class DataValueAdmin(SimpleHistoryAdmin):
    """Read-only: values change through data entry, import and approval, never here."""

    list_display = ["indicator", "country", "period", "disaggregation", "value", "status"]
    list_filter = ["status", "indicator__objective", "country"]
    search_fields = ["indicator__code", "period"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(Dhis2Mapping)
class Dhis2MappingAdmin(SimpleHistoryAdmin):
    list_display = ["name"]
