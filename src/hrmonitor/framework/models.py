"""The strategic framework: objectives > activities > indicators, and the areas of change the
evaluation measures. Loaded from `framework/data/*.yaml` by `hrmonitor init`; the results
framework (targets, values, sources) extends these records."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Framework(models.Model):
    code = models.CharField(_("code"), max_length=32, unique=True)
    title = models.CharField(_("title"), max_length=300)
    organisation = models.CharField(_("organisation"), max_length=300)
    mission = models.TextField(_("mission"), blank=True)
    vision = models.TextField(_("vision"), blank=True)
    approved = models.DateField(_("approved"), null=True, blank=True)
    evaluation_year = models.PositiveSmallIntegerField(_("evaluation year"), null=True, blank=True)

    class Meta:
        verbose_name = _("strategic framework")
        verbose_name_plural = _("strategic frameworks")

    def __str__(self) -> str:
        return self.title


class EvaluationArea(models.Model):
    """One of the kinds of change the end-of-period evaluation measures."""

    framework = models.ForeignKey(
        Framework, on_delete=models.CASCADE, related_name="evaluation_areas"
    )
    code = models.CharField(_("code"), max_length=16, unique=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    name = models.TextField(_("name"))

    class Meta:
        ordering = ["order"]
        verbose_name = _("evaluation area")
        verbose_name_plural = _("evaluation areas")

    def __str__(self) -> str:
        return self.name


class Objective(models.Model):
    framework = models.ForeignKey(
        Framework,
        on_delete=models.CASCADE,
        related_name="objectives",
        verbose_name=_("framework"),
    )
    code = models.CharField(_("code"), max_length=16, unique=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    title = models.TextField(_("title"))
    summary = models.TextField(_("summary"), blank=True)

    class Meta:
        ordering = ["order"]
        verbose_name = _("strategic objective")
        verbose_name_plural = _("strategic objectives")

    def __str__(self) -> str:
        return f"{self.code} {self.title}"


class Activity(models.Model):
    objective = models.ForeignKey(
        Objective,
        on_delete=models.CASCADE,
        related_name="activities",
        verbose_name=_("objective"),
    )
    code = models.CharField(_("code"), max_length=16, unique=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    text = models.TextField(_("text"))

    class Meta:
        ordering = ["objective__order", "order"]
        verbose_name = _("activity")
        verbose_name_plural = _("activities")

    def __str__(self) -> str:
        return f"{self.code} {self.text}"


class Indicator(models.Model):
    objective = models.ForeignKey(
        Objective,
        on_delete=models.CASCADE,
        related_name="indicators",
        verbose_name=_("objective"),
    )
    activity = models.ForeignKey(
        Activity,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="indicators",
        verbose_name=_("activity"),
    )
    code = models.CharField(_("code"), max_length=32, unique=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    name = models.TextField(_("name"))
    definition = models.TextField(_("definition"), blank=True)

    class Meta:
        ordering = ["objective__order", "order"]
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")

    def __str__(self) -> str:
        return f"{self.code} {self.name}"
