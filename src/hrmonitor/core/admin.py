from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import TranslationAdmin
from simple_history.admin import SimpleHistoryAdmin

from hrmonitor.core.models import (
    ApiToken,
    Country,
    Job,
    Organisation,
    Region,
    RoleAssignment,
    SubRegion,
    User,
)


class RoleAssignmentInline(admin.TabularInline):
    model = RoleAssignment
    fk_name = "user"
    extra = 0
    autocomplete_fields = ["country", "organisation"]


@admin.register(User)
class UserAdmin(SimpleHistoryAdmin, BaseUserAdmin):
    inlines = [RoleAssignmentInline]
    list_display = ["username", "email", "first_name", "last_name", "is_active", "last_login"]
    fieldsets = (*BaseUserAdmin.fieldsets, (_("Preferences"), {"fields": ["language"]}))  # type: ignore[misc]


@admin.register(Region)
class RegionAdmin(SimpleHistoryAdmin, TranslationAdmin):
    list_display = ["code", "name"]


@admin.register(SubRegion)
class SubRegionAdmin(SimpleHistoryAdmin, TranslationAdmin):
    list_display = ["code", "name", "order"]


@admin.register(Country)
class CountryAdmin(SimpleHistoryAdmin, TranslationAdmin):
    list_display = ["iso2", "iso3", "name", "sub_region"]
    list_filter = ["sub_region"]
    search_fields = ["iso2", "iso3", "name_en", "name_ru"]


@admin.register(Organisation)
class OrganisationAdmin(SimpleHistoryAdmin):
    list_display = ["name", "kind", "country", "is_demo"]
    list_filter = ["kind", "is_demo", "country"]
    search_fields = ["name"]


@admin.register(RoleAssignment)
class RoleAssignmentAdmin(SimpleHistoryAdmin):
    list_display = ["user", "role", "country", "valid_from", "valid_to"]
    list_filter = ["role", "country"]
    autocomplete_fields = ["user", "country", "organisation"]


@admin.register(Job)
class JobAdmin(admin.ModelAdmin):
    list_display = ["id", "kind", "status", "progress", "created_by", "created_at"]
    list_filter = ["status", "kind"]
    readonly_fields = [f.name for f in Job._meta.fields]


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ["name", "user", "prefix", "created_at", "last_used_at", "revoked_at"]
    readonly_fields = ["user", "prefix", "key_hash", "created_at", "last_used_at"]
