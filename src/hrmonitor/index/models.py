"""The drug policy index: versioned definitions, yearly editions, desk coding, expert surveys.

A definition's hierarchy and indicator settings live in its `spec` (see `index/spec.py` for
the format); survey questions are materialised from the spec as `SurveyQuestion` rows so that
answers can point at them. An edition applies one definition version to one year: desk values
and survey responses are entered on the draft, `edition_compute` stores the inputs and results,
the uncertainty job adds rank intervals, and publishing freezes all three. Nothing here
enforces immutability: the services refuse to change a published edition.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class IndexDefinition(models.Model):
    """One version of an index definition. Editing a definition creates the next version;
    editions keep pointing at the version they were computed with."""

    code = models.SlugField(_("code"), max_length=50)
    version = models.PositiveIntegerField(_("version"), default=1)
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    spec = models.JSONField(_("specification"), default=dict)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["code", "-version"]
        verbose_name = _("index definition")
        verbose_name_plural = _("index definitions")
        constraints = [
            models.UniqueConstraint(fields=["code", "version"], name="index_definition_version")
        ]

    def __str__(self) -> str:
        return f"{self.name} (v{self.version})"


class Edition(models.Model):
    """The index of one year, computed with one definition version."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")

    definition = models.ForeignKey(
        IndexDefinition,
        on_delete=models.PROTECT,
        related_name="editions",
        verbose_name=_("definition"),
    )
    year = models.PositiveSmallIntegerField(
        _("year"), validators=[MinValueValidator(1990), MaxValueValidator(2200)]
    )
    title = models.CharField(_("title"), max_length=300)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    # The matrix the engine was given (one cell per country and indicator, with provenance),
    # the scores and ranks it returned, and the rank intervals of the uncertainty analysis.
    # Rewritten while the edition is a draft; frozen by publication.
    inputs = models.JSONField(_("inputs"), default=dict, blank=True)
    results = models.JSONField(_("results"), default=dict, blank=True)
    uncertainty = models.JSONField(_("uncertainty analysis"), default=dict, blank=True)
    uncertainty_job = models.ForeignKey(
        "core.Job",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("uncertainty job"),
    )
    citation = models.TextField(_("citation"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    computed_at = models.DateTimeField(_("computed"), null=True, blank=True)
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("published by"),
    )

    class Meta:
        ordering = ["-year", "-created_at"]
        verbose_name = _("index edition")
        verbose_name_plural = _("index editions")
        constraints = [
            models.UniqueConstraint(fields=["definition", "year"], name="index_edition_year")
        ]
        indexes = [models.Index(fields=["status", "year"], name="index_edition_status_year")]

    def __str__(self) -> str:
        return self.title

    @property
    def is_published(self) -> bool:
        return self.status == self.Status.PUBLISHED


class DeskValue(models.Model):
    """A value coded at the desk from laws, policies and official statistics."""

    edition = models.ForeignKey(
        Edition, on_delete=models.CASCADE, related_name="desk_values", verbose_name=_("edition")
    )
    country = models.ForeignKey(
        "core.Country", on_delete=models.PROTECT, related_name="+", verbose_name=_("country")
    )
    indicator_code = models.CharField(_("indicator"), max_length=50)
    value = models.DecimalField(_("value"), max_digits=20, decimal_places=6)
    legal_reference = models.TextField(_("legal reference"), blank=True)
    source = models.TextField(_("source"), blank=True, help_text=_("A link or a citation."))
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("entered by"),
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["edition", "indicator_code", "country"]
        verbose_name = _("desk value")
        verbose_name_plural = _("desk values")
        constraints = [
            models.UniqueConstraint(
                fields=["edition", "country", "indicator_code"], name="index_desk_value_cell"
            )
        ]

    def __str__(self) -> str:
        return f"{self.indicator_code} {self.country_id}: {self.value}"


class SurveyQuestion(models.Model):
    """The expert-survey question of one survey indicator of a definition version.

    `options` are ordinal answers, worst to best or as the spec lists them:
    `[{"label_en": …, "label_ru": …, "score": 0}, …]`.
    """

    definition = models.ForeignKey(
        IndexDefinition,
        on_delete=models.CASCADE,
        related_name="questions",
        verbose_name=_("definition"),
    )
    indicator_code = models.CharField(_("indicator"), max_length=50)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    text = models.TextField(_("question"))
    options = models.JSONField(_("answer options"), default=list)

    class Meta:
        ordering = ["definition", "order"]
        verbose_name = _("survey question")
        verbose_name_plural = _("survey questions")
        constraints = [
            models.UniqueConstraint(
                fields=["definition", "indicator_code"], name="index_question_indicator"
            )
        ]

    def __str__(self) -> str:
        return f"{self.indicator_code}: {self.text}"

    @property
    def scores(self) -> list[float]:
        return [float(option["score"]) for option in self.options]


class SurveyResponse(models.Model):
    """One expert's answers for one country, entered by the Secretariat."""

    class RespondentType(models.TextChoices):
        CIVIL_SOCIETY = "civil_society", _("Civil society")
        GOVERNMENT = "government", _("Government")
        ACADEMIA = "academia", _("Academia")
        OTHER = "other", _("Other")

    edition = models.ForeignKey(
        Edition, on_delete=models.CASCADE, related_name="responses", verbose_name=_("edition")
    )
    country = models.ForeignKey(
        "core.Country", on_delete=models.PROTECT, related_name="+", verbose_name=_("country")
    )
    respondent_name = models.CharField(_("respondent"), max_length=200, blank=True)
    respondent_type = models.CharField(
        _("respondent type"), max_length=16, choices=RespondentType.choices
    )
    note = models.TextField(_("note"), blank=True)
    submitted_at = models.DateTimeField(_("submitted"))
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("entered by"),
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["edition", "country", "submitted_at", "pk"]
        verbose_name = _("survey response")
        verbose_name_plural = _("survey responses")

    def __str__(self) -> str:
        return f"{self.country_id} {self.get_respondent_type_display()} #{self.pk}"


class SurveyAnswer(models.Model):
    """The option an expert chose for one question, and how confident they are (1–5)."""

    response = models.ForeignKey(
        SurveyResponse, on_delete=models.CASCADE, related_name="answers", verbose_name=_("response")
    )
    question = models.ForeignKey(
        SurveyQuestion, on_delete=models.PROTECT, related_name="answers", verbose_name=_("question")
    )
    option_index = models.PositiveSmallIntegerField(_("answer"))
    confidence = models.PositiveSmallIntegerField(
        _("confidence"), validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["response", "question__order"]
        verbose_name = _("survey answer")
        verbose_name_plural = _("survey answers")
        constraints = [
            models.UniqueConstraint(fields=["response", "question"], name="index_answer_question"),
            models.CheckConstraint(
                condition=models.Q(confidence__gte=1, confidence__lte=5),
                name="index_answer_confidence_1_5",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.question_id}: {self.option_index} ({self.confidence})"

    @property
    def score(self) -> float:
        return self.question.scores[self.option_index]
