from typing import Any

from django import forms
from django.contrib import admin
from django.http import HttpRequest
from django.utils.translation import gettext as _
from modeltranslation.admin import TranslationAdmin, TranslationTabularInline
from simple_history.admin import SimpleHistoryAdmin

from hrmonitor.framework import sources
from hrmonitor.framework.errors import formula_message
from hrmonitor.framework.formula import FormulaError, parse_formula
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


class IndicatorForm(forms.ModelForm):
    class Meta:
        model = Indicator
        # The admin shows every field; these are the ones the checks below need.
        fields = ["objective", "code", "order", "name", "source_kind", "formula", "source_function"]

    def clean(self) -> dict[str, Any]:
        """A formula must parse, name known indicators and not refer back to itself; a
        function source must be registered."""
        data = super().clean() or {}
        kind = data.get("source_kind")
        if kind == Indicator.SourceKind.FORMULA:
            try:
                formula = parse_formula(data.get("formula") or "")
            except FormulaError as error:
                self.add_error("formula", formula_message(error))
                return data
            code = data.get("code")
            known = set(Indicator.objects.values_list("code", flat=True))
            unknown = sorted(formula.references - known - {code})
            if unknown:
                self.add_error(
                    "formula",
                    _("The formula names unknown indicators: %(codes)s")
                    % {"codes": ", ".join(unknown)},
                )
            if code in formula.references:
                self.add_error("formula", _("A formula cannot refer to its own indicator."))
        if (
            kind == Indicator.SourceKind.FUNCTION
            and sources.get(data.get("source_function") or "") is None
        ):
            names = ", ".join(s.key for s in sources.registered()) or "—"
            self.add_error(
                "source_function",
                _("Choose a registered source function: %(names)s") % {"names": names},
            )
        return data


@admin.register(Indicator)
class IndicatorAdmin(SimpleHistoryAdmin, TranslationAdmin):
    form = IndicatorForm
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
