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


class FundingSource(models.TextChoices):
    """Where harm-reduction money comes from; the first two are domestic."""

    DOMESTIC_NATIONAL = "domestic_national", _("Domestic, national")
    DOMESTIC_MUNICIPAL = "domestic_municipal", _("Domestic, municipal")
    GLOBAL_FUND = "global_fund", _("Global Fund")
    OTHER_INTERNATIONAL = "other_international", _("Other international")
    PRIVATE = "private", _("Private")


DOMESTIC_SOURCES = frozenset({FundingSource.DOMESTIC_NATIONAL, FundingSource.DOMESTIC_MUNICIPAL})


class ProgrammeArea(models.TextChoices):
    ALL = "all", _("Harm reduction, not broken down")
    NSP = "nsp", _("Needle and syringe programmes")
    OAT = "oat", _("Opioid agonist therapy")
    NALOXONE = "naloxone", _("Naloxone")
    OUTREACH = "outreach", _("Outreach")
    TESTING = "testing", _("HIV and hepatitis testing")
    CLM = "clm", _("Community-led monitoring")
    LEGAL = "legal", _("Legal aid and human rights")
    ADVOCACY = "advocacy", _("Advocacy and policy")
    OTHER = "other", _("Other")


class ExchangeRate(models.Model):
    """How many US dollars one unit of `currency` was worth in `year` (a yearly average, with
    where it comes from). Funding is converted at read time, so a corrected rate corrects
    every total. USD itself needs no row."""

    currency = models.CharField(_("currency"), max_length=3)
    year = models.PositiveSmallIntegerField(_("year"))
    usd_per_unit = models.DecimalField(_("US dollars per unit"), max_digits=18, decimal_places=8)
    source = models.TextField(_("source"), blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["currency", "year"]
        verbose_name = _("exchange rate")
        verbose_name_plural = _("exchange rates")
        constraints = [
            models.UniqueConstraint(fields=["currency", "year"], name="exchange_rate_unique_year"),
            models.CheckConstraint(
                condition=models.Q(usd_per_unit__gt=0), name="exchange_rate_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.currency} {self.year}: {self.usd_per_unit} USD"


class FundingRecord(models.Model):
    """An amount spent (or committed) on harm reduction in a country in a year, by source,
    funder and programme area, in its original currency, with its evidence."""

    country = models.ForeignKey(
        Country, on_delete=models.PROTECT, related_name="funding_records", verbose_name=_("country")
    )
    year = models.PositiveSmallIntegerField(_("year"))
    source_category = models.CharField(
        _("source of funds"), max_length=24, choices=FundingSource.choices
    )
    funder = models.CharField(_("funder"), max_length=300, blank=True)
    programme_area = models.CharField(
        _("programme area"), max_length=16, choices=ProgrammeArea.choices, default=ProgrammeArea.ALL
    )
    amount = models.DecimalField(_("amount"), max_digits=18, decimal_places=2)
    currency = models.CharField(_("currency"), max_length=3, default="USD")
    evidence_url = models.URLField(_("evidence link"), max_length=1000, blank=True)
    evidence_file = models.FileField(_("evidence file"), upload_to="funding/%Y/%m/", blank=True)
    source = models.TextField(_("source"), blank=True, help_text=_("Where the figure comes from."))
    notes = models.TextField(_("notes"), blank=True)
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
        ordering = ["country__name", "year", "source_category", "funder"]
        verbose_name = _("funding record")
        verbose_name_plural = _("funding records")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(amount__gte=0), name="funding_amount_positive"
            )
        ]
        indexes = [models.Index(fields=["country", "year"], name="funding_country_year")]

    def __str__(self) -> str:
        return f"{self.country} {self.year} {self.source_category}: {self.amount} {self.currency}"

    @property
    def is_domestic(self) -> bool:
        return self.source_category in DOMESTIC_SOURCES


class FundingNeed(models.Model):
    """The estimated cost of the harm-reduction response a country needs in a year, where a
    source has estimated it (absent otherwise: no gap is shown without it)."""

    country = models.ForeignKey(
        Country, on_delete=models.PROTECT, related_name="funding_needs", verbose_name=_("country")
    )
    year = models.PositiveSmallIntegerField(_("year"))
    amount = models.DecimalField(_("amount"), max_digits=18, decimal_places=2)
    currency = models.CharField(_("currency"), max_length=3, default="USD")
    source = models.TextField(_("source"))
    notes = models.TextField(_("notes"), blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["country__name", "year"]
        verbose_name = _("estimated funding need")
        verbose_name_plural = _("estimated funding needs")
        constraints = [
            models.UniqueConstraint(fields=["country", "year"], name="funding_need_unique_year"),
            models.CheckConstraint(condition=models.Q(amount__gte=0), name="funding_need_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.country} {self.year}: {self.amount} {self.currency}"


class TransitionMilestone(models.Model):
    """A dated step of a country's transition from Global Fund to domestic funding
    (eligibility changes, transition grant, last allocation…), as stated by a source."""

    class Kind(models.TextChoices):
        ELIGIBLE = "eligible", _("Eligible for Global Fund support")
        TRANSITION_START = "transition_start", _("Transition funding starts")
        LAST_ALLOCATION = "last_allocation", _("Last Global Fund allocation")
        NOT_ELIGIBLE = "not_eligible", _("No longer eligible")
        DOMESTIC_TAKEOVER = "domestic_takeover", _("Domestic budget takes over")

    country = models.ForeignKey(
        Country,
        on_delete=models.PROTECT,
        related_name="transition_milestones",
        verbose_name=_("country"),
    )
    year = models.PositiveSmallIntegerField(_("year"))
    kind = models.CharField(_("milestone"), max_length=24, choices=Kind.choices)
    source = models.TextField(_("source"))
    notes = models.TextField(_("notes"), blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["country__name", "year", "kind"]
        verbose_name = _("transition milestone")
        verbose_name_plural = _("transition milestones")
        constraints = [
            models.UniqueConstraint(
                fields=["country", "year", "kind"], name="transition_milestone_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.country} {self.year}: {self.kind}"
