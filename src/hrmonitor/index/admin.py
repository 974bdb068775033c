from django.contrib import admin
from modeltranslation.admin import TranslationAdmin
from simple_history.admin import SimpleHistoryAdmin

from hrmonitor.index.models import DeskValue, Edition, IndexDefinition, SurveyResponse

# The admin site is for inspection; changes go through the index pages, whose services refuse
# to touch a published edition.


@admin.register(IndexDefinition)
class IndexDefinitionAdmin(SimpleHistoryAdmin, TranslationAdmin):
    list_display = ["code", "version", "name", "created_at"]
    readonly_fields = ["spec", "created_by", "created_at"]


@admin.register(Edition)
class EditionAdmin(SimpleHistoryAdmin, TranslationAdmin):
    list_display = ["title", "year", "definition", "status", "published_at"]
    list_filter = ["status"]
    readonly_fields = ["inputs", "results", "uncertainty", "status", "published_at", "published_by"]


@admin.register(DeskValue)
class DeskValueAdmin(SimpleHistoryAdmin):
    list_display = ["edition", "indicator_code", "country", "value"]
    list_filter = ["edition", "indicator_code"]


@admin.register(SurveyResponse)
class SurveyResponseAdmin(SimpleHistoryAdmin):
    list_display = ["edition", "country", "respondent_type", "submitted_at"]
    list_filter = ["edition", "respondent_type"]
