from django.contrib import admin
from modeltranslation.admin import TranslationAdmin
from simple_history.admin import SimpleHistoryAdmin

from hrmonitor.framework.models import (
    Activity,
    Dhis2Mapping,
    EvaluationArea,
    Framework,
    Indicator,
    Objective,
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


@admin.register(Indicator)
class IndicatorAdmin(SimpleHistoryAdmin, TranslationAdmin):
    list_display = ["code", "objective", "activity", "name"]
    list_filter = ["objective"]
    search_fields = ["code", "name_en", "name_ru"]


@admin.register(Dhis2Mapping)
class Dhis2MappingAdmin(SimpleHistoryAdmin):
    list_display = ["name"]
