"""Core records: people, places, organisations, roles, background jobs, API tokens."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from hrmonitor.core.roles import Role


class User(AbstractUser):
    """A person who signs in. What they may do comes from their role assignments."""

    language = models.CharField(
        _("language"), max_length=8, choices=settings.LANGUAGES, blank=True, default=""
    )
    # MD5(username:realm:password) for HTTP Digest authentication of ODK Collect over plain
    # http (hrmonitor.clm.openrosa); kept in step with the password by `set_password`.
    openrosa_ha1 = models.CharField(max_length=32, blank=True, default="", editable=False)

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.get_full_name() or self.username

    def set_password(self, raw_password: str | None) -> None:
        super().set_password(raw_password)
        from hrmonitor.clm.openrosa import digest_ha1

        self.openrosa_ha1 = "" if raw_password is None else digest_ha1(self.username, raw_password)


class Region(models.Model):
    """The network's region (CEECA by default). Names are translated (modeltranslation)."""

    code = models.CharField(_("code"), max_length=16, unique=True)
    name = models.CharField(_("name"), max_length=200)

    class Meta:
        verbose_name = _("region")
        verbose_name_plural = _("regions")

    def __str__(self) -> str:
        return self.name


class SubRegion(models.Model):
    region = models.ForeignKey(
        Region, on_delete=models.PROTECT, related_name="sub_regions", verbose_name=_("region")
    )
    code = models.CharField(_("code"), max_length=16, unique=True)
    name = models.CharField(_("name"), max_length=200)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["order", "code"]
        verbose_name = _("sub-region")
        verbose_name_plural = _("sub-regions")

    def __str__(self) -> str:
        return self.name


class Country(models.Model):
    """A country (or territory: Kosovo is XK/XKX) of the network. A region-level value has no
    country at all — there is no fake "CEECA" country."""

    iso2 = models.CharField(_("ISO 3166-1 alpha-2"), max_length=2, unique=True)
    iso3 = models.CharField(_("ISO 3166-1 alpha-3"), max_length=3, unique=True)
    name = models.CharField(_("name"), max_length=200)
    sub_region = models.ForeignKey(
        SubRegion, on_delete=models.PROTECT, related_name="countries", verbose_name=_("sub-region")
    )
    # The country's name in the world-atlas map file, which differs for a few countries.
    map_name = models.CharField(_("name on the map"), max_length=100)

    class Meta:
        ordering = ["name"]
        verbose_name = _("country")
        verbose_name_plural = _("countries")

    def __str__(self) -> str:
        return self.name


class Organisation(models.Model):
    class Kind(models.TextChoices):
        NETWORK = "network", _("The network")
        MEMBER = "member", _("Member organisation")
        SERVICE = "service", _("Service provider")
        COMMUNITY = "community", _("Community group")
        GOVERNMENT = "government", _("Government body")
        DONOR = "donor", _("Donor")
        PARTNER = "partner", _("Partner")

    name = models.CharField(_("name"), max_length=300)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    country = models.ForeignKey(
        Country,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="organisations",
        verbose_name=_("country"),
    )
    website = models.URLField(_("website"), blank=True)
    is_demo = models.BooleanField(_("synthetic demo record"), default=False)
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")

    def __str__(self) -> str:
        return self.name


class RoleAssignment(models.Model):
    """`user` holds `role` in `country` (or everywhere when country is empty) between two dates.
    The access module reads these; nothing else does."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="role_assignments",
        verbose_name=_("user"),
    )
    role = models.CharField(_("role"), max_length=32, choices=Role.choices)
    country = models.ForeignKey(
        Country,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="role_assignments",
        verbose_name=_("country"),
        help_text=_("Empty means the whole region."),
    )
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="role_assignments",
        verbose_name=_("organisation"),
    )
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_to = models.DateField(_("valid to"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["user", "role"]
        verbose_name = _("role assignment")
        verbose_name_plural = _("role assignments")
        constraints = [
            # One assignment per user, role and country; and one region-wide (country empty).
            models.UniqueConstraint(
                fields=["user", "role", "country"],
                condition=models.Q(country__isnull=False),
                name="core_role_assignment_unique_country",
            ),
            models.UniqueConstraint(
                fields=["user", "role"],
                condition=models.Q(country__isnull=True),
                name="core_role_assignment_unique_region",
            ),
        ]

    def __str__(self) -> str:
        where = self.country.name if self.country_id and self.country else _("whole region")
        return f"{self.user} — {self.get_role_display()} ({where})"


class Job(models.Model):
    """A background job the user can watch: progress 0–100, a message, a result file."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    kind = models.CharField(_("kind"), max_length=64)
    params = models.JSONField(_("parameters"), default=dict, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.QUEUED
    )
    progress = models.PositiveSmallIntegerField(_("progress"), default=0)
    message = models.CharField(_("message"), max_length=500, blank=True)
    result_file = models.FileField(_("result"), upload_to="jobs/%Y/%m/", blank=True)
    error = models.TextField(_("error"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="jobs",
        verbose_name=_("started by"),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("job")
        verbose_name_plural = _("jobs")

    def __str__(self) -> str:
        return f"{self.kind} #{self.pk}"

    @property
    def is_finished(self) -> bool:
        return self.status in {self.Status.DONE, self.Status.FAILED}


class ApiToken(models.Model):
    """A personal API token. Only a hash is stored; the token is shown once, at creation."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="api_tokens",
        verbose_name=_("user"),
    )
    name = models.CharField(_("name"), max_length=100)
    prefix = models.CharField(_("prefix"), max_length=12, db_index=True)
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"


class DemoDataset(models.Model):
    """Marks that this instance holds synthetic demo data, so every page can say so."""

    created_at = models.DateTimeField(auto_now_add=True)
    note = models.CharField(max_length=300, blank=True)

    class Meta:
        verbose_name = _("demo dataset")
        verbose_name_plural = _("demo datasets")

    def __str__(self) -> str:
        return f"{self.note} ({self.created_at:%Y-%m-%d})"
