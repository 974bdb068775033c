"""The country policy tracker: policy areas with their ordered scale of statuses, each
country's status in an area over time (periods that never overlap, so the status of any
country on any date is answerable), and published country facts with their sources."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from hrmonitor.core.models import Country


class PolicyArea(models.Model):
    """A policy the tracker follows (e.g. take-home naloxone), with its scale of statuses:
    `[{"code", "label_en", "label_ru", "counts_as_yes"}, …]` from worst to best."""

    code = models.SlugField(_("code"), max_length=48, unique=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    name = models.CharField(_("name"), max_length=300)
    description = models.TextField(_("description"), blank=True)
    scale = models.JSONField(_("scale of statuses"), default=list)

    class Meta:
        ordering = ["order", "code"]
        verbose_name = _("policy area")
        verbose_name_plural = _("policy areas")

    def __str__(self) -> str:
        return self.name

    def status_codes(self) -> list[str]:
        return [str(step["code"]) for step in self.scale]

    def yes_codes(self) -> list[str]:
        """The statuses that count as "in place" (indicators count these by default)."""
        return [str(step["code"]) for step in self.scale if step.get("counts_as_yes")]

    def step(self, code: str) -> dict[str, Any] | None:
        return next((step for step in self.scale if step["code"] == code), None)

    def status_label(self, code: str) -> str:
        """The status's label in the current language (English when Russian is missing)."""
        step = self.step(code)
        if step is None:
            return code
        language = (get_language() or "en")[:2]
        return str(step.get(f"label_{language}") or step.get("label_en") or code)


class PolicyStatus(models.Model):
    """A country's status in a policy area from `valid_from` to `valid_to` (inclusive; open
    when empty). The periods of one country and area never overlap: recording a new status
    closes the previous one the day before (`services.policy_status_record`)."""

    country = models.ForeignKey(
        Country, on_delete=models.PROTECT, related_name="policy_statuses", verbose_name=_("country")
    )
    area = models.ForeignKey(
        PolicyArea, on_delete=models.PROTECT, related_name="statuses", verbose_name=_("policy area")
    )
    status = models.CharField(_("status"), max_length=48)
    valid_from = models.DateField(_("valid from"))
    valid_to = models.DateField(_("valid to"), null=True, blank=True)
    legal_reference = models.TextField(_("legal reference"), blank=True)
    evidence_url = models.URLField(_("evidence link"), max_length=1000, blank=True)
    evidence_file = models.FileField(_("evidence file"), upload_to="policy/%Y/%m/", blank=True)
    source = models.TextField(_("source"), blank=True, help_text=_("Where the fact comes from."))
    notes = models.TextField(_("notes"), blank=True)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("verified by"),
    )
    verified_at = models.DateTimeField(_("verified"), null=True, blank=True)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("entered by"),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["country__name", "area__order", "valid_from"]
        verbose_name = _("policy status")
        verbose_name_plural = _("policy statuses")
        constraints = [
            models.UniqueConstraint(
                fields=["country", "area", "valid_from"], name="policy_status_unique_start"
            ),
            models.CheckConstraint(
                condition=models.Q(valid_to__isnull=True)
                | models.Q(valid_to__gte=models.F("valid_from")),
                name="policy_status_period_ordered",
            ),
        ]
        indexes = [models.Index(fields=["area", "valid_from"], name="policy_status_area_from")]

    def __str__(self) -> str:
        return f"{self.country} — {self.area}: {self.status} ({self.valid_from})"

    @property
    def status_label(self) -> str:
        return self.area.status_label(self.status)

    @property
    def counts_as_yes(self) -> bool:
        step = self.area.step(self.status)
        return bool(step and step.get("counts_as_yes"))


class CountryFact(models.Model):
    """A published figure about a country (as printed: "5,132–6,182" stays text), with the
    publication it comes from. Unknown stays absent, never invented."""

    class Key(models.TextChoices):
        PWID_ESTIMATE = "pwid_estimate", _("People who inject drugs (estimate)")
        HIV_PREVALENCE_PWID = "hiv_prevalence_pwid", _("HIV prevalence among PWID, %")
        NSP_SITES = "nsp_sites", _("Needle and syringe programme sites")
        OAT_SITES = "oat_sites", _("Opioid agonist therapy sites (medicines)")

    country = models.ForeignKey(
        Country, on_delete=models.PROTECT, related_name="policy_facts", verbose_name=_("country")
    )
    key = models.CharField(_("fact"), max_length=32, choices=Key.choices)
    value = models.CharField(_("value"), max_length=200)
    year = models.PositiveSmallIntegerField(_("year"))
    source = models.TextField(_("source"))
    history = HistoricalRecords()

    class Meta:
        ordering = ["country__name", "key", "year"]
        verbose_name = _("country fact")
        verbose_name_plural = _("country facts")
        constraints = [
            models.UniqueConstraint(
                fields=["country", "key", "year"], name="policy_fact_unique_year"
            )
        ]

    def __str__(self) -> str:
        return f"{self.country} {self.key} {self.year}: {self.value}"
