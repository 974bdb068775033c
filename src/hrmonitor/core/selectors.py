"""Reads of the core module: querysets with their joins already applied."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.core.cache import cache
from django.db.models import Count, Model, Prefetch, QuerySet
from django.urls import NoReverseMatch, reverse

from hrmonitor.core import tabular
from hrmonitor.core.models import Country, DemoDataset, Organisation, Region, SubRegion, User


def sub_regions_with_countries() -> QuerySet[SubRegion]:
    return SubRegion.objects.select_related("region").prefetch_related(
        Prefetch("countries", queryset=Country.objects.order_by("name"))
    )


def sub_regions_list() -> QuerySet[SubRegion]:
    return SubRegion.objects.select_related("region").annotate(country_count=Count("countries"))


def countries_list() -> QuerySet[Country]:
    return Country.objects.select_related("sub_region")


def country_by_iso2(iso2: str) -> Country | None:
    return countries_list().filter(iso2=iso2.upper()).first()


def countries_by_any_name() -> dict[str, Country]:
    """Every country under `tabular.name_key` of its ISO codes and its English and Russian
    names (for imports, where people write "GE", "Georgia" or "Грузия"). One query."""
    found: dict[str, Country] = {}
    for country in Country.objects.all():
        names = (country.iso2, country.iso3, getattr(country, "name_en", None))
        for name in (*names, getattr(country, "name_ru", None)):
            if name:
                found.setdefault(tabular.name_key(str(name)), country)
    return found


def users_holding(permission: str) -> QuerySet[User]:
    """Active users with a role that holds `permission` (anywhere), by username."""
    from hrmonitor.core.roles import roles_with

    roles = roles_with(permission)
    return (
        User.objects.filter(is_active=True, role_assignments__role__in=roles)
        .distinct()
        .order_by("username")
    )


def sub_region_by_code(code: str) -> SubRegion | None:
    return SubRegion.objects.filter(code=code).first()


def region_main() -> Region | None:
    return Region.objects.first()


def demo_data_present() -> bool:
    """Cached for a minute: asked on every page for the demo banner."""
    present = cache.get("hrmonitor:demo_present")
    if present is None:
        present = DemoDataset.objects.exists()
        cache.set("hrmonitor:demo_present", present, 60)
    return bool(present)


def organisations_in(country: Country) -> QuerySet[Organisation]:
    return Organisation.objects.filter(country=country).order_by("name")


@dataclass(frozen=True)
class AuditEntry:
    when: datetime
    who: str
    action: str  # "+", "~" or "-"
    model_label: str
    model_name: str
    object_id: int
    object_repr: str
    admin_history_url: str | None


def audited_models() -> list[type[Model]]:
    """Every model with history, in a stable order (the many-to-many tables whose changes
    simple-history records with their model are listed through that model)."""
    from simple_history.models import registered_models

    models = [m for m in registered_models.values() if hasattr(m, "history")]
    return sorted(models, key=lambda m: m._meta.label)


def audit_entries(
    *, model_label: str = "", username: str = "", limit: int = 100
) -> list[AuditEntry]:
    """The most recent changes across all audited models: who changed what and when.

    One query per audited model (a fixed number, whatever the volume), merged by date.
    """
    entries: list[AuditEntry] = []
    for model in audited_models():
        if model_label and model._meta.label != model_label:
            continue
        history = model.history.model  # type: ignore[attr-defined]
        rows = history.objects.select_related("history_user").order_by("-history_date")
        if username:
            rows = rows.filter(history_user__username=username)
        admin_name = f"admin:{model._meta.app_label}_{model._meta.model_name}_history"
        for row in rows[:limit]:
            try:
                url: str | None = reverse(admin_name, args=[row.id])
            except NoReverseMatch:
                url = None
            entries.append(
                AuditEntry(
                    when=row.history_date,
                    who=row.history_user.username if row.history_user else "",
                    action=row.history_type,
                    model_label=model._meta.label,
                    model_name=str(model._meta.verbose_name),
                    object_id=row.id,
                    object_repr=_history_row_label(row),
                    admin_history_url=url,
                )
            )
    entries.sort(key=lambda e: e.when, reverse=True)
    return entries[:limit]


def _history_row_label(row: Model) -> str:
    """A readable label for a history row without touching its relations (no extra query)."""
    for name in ("code", "iso2", "username", "name", "role"):
        value = getattr(row, name, None)
        if value:
            return str(value)
    return f"#{row.pk}"


def user_has_totp(user: object) -> bool:
    """Whether the user has an authenticator app enrolled."""
    from allauth.mfa.models import Authenticator

    return Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()
