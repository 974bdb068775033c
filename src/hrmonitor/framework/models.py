"""The strategic framework: objectives > activities > indicators, and the areas of change the
evaluation measures. Loaded from `framework/data/*.yaml` by `hrmonitor init`; the results
framework (targets, values, sources) extends these records."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


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


class Disaggregation(models.Model):
    """A category values can be broken down by (gender, age group, key population…)."""

    code = models.SlugField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=200)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["order", "code"]
        verbose_name = _("disaggregation")
        verbose_name_plural = _("disaggregations")

    def __str__(self) -> str:
        return self.name


class DisaggregationOption(models.Model):
    disaggregation = models.ForeignKey(
        Disaggregation, on_delete=models.CASCADE, related_name="options"
    )
    code = models.SlugField(_("code"), max_length=32)
    name = models.CharField(_("name"), max_length=200)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["disaggregation", "order", "code"]
        verbose_name = _("disaggregation option")
        verbose_name_plural = _("disaggregation options")
        constraints = [
            models.UniqueConstraint(
                fields=["disaggregation", "code"], name="framework_option_unique_code"
            )
        ]

    def __str__(self) -> str:
        return self.name


class Indicator(models.Model):
    """An indicator of the framework and how it is measured, aggregated and judged."""

    class Unit(models.TextChoices):
        NUMBER = "number", _("Number")
        PERCENT = "percent", _("Percent")
        CURRENCY = "currency", _("Currency")
        YES_NO = "yes_no", _("Yes/no")
        SCORE = "score", _("Score")

    class Direction(models.TextChoices):
        INCREASE = "increase", _("Higher is better")
        DECREASE = "decrease", _("Lower is better")

    class SpaceAggregation(models.TextChoices):
        SUM = "sum", _("Sum of countries")
        MEAN = "mean", _("Mean of countries")
        COUNT_MEETING = "count_meeting", _("Number of countries meeting a condition")
        SHARE_MEETING = "share_meeting", _("Share of countries meeting a condition")
        NONE = "none", _("Not aggregated (regional value)")

    class TimeAggregation(models.TextChoices):
        SUM = "sum", _("Sum over the period")
        MEAN = "mean", _("Mean over the period")
        LATEST = "latest", _("Latest value")

    class Frequency(models.TextChoices):
        ANNUAL = "annual", _("Annual")
        QUARTERLY = "quarterly", _("Quarterly")
        MONTHLY = "monthly", _("Monthly")
        ONCE = "once", _("Once per strategy period")

    class Level(models.TextChoices):
        REGIONAL = "regional", _("Regional")
        COUNTRY = "country", _("Country")
        ORGANISATION = "organisation", _("Organisation")

    class SourceKind(models.TextChoices):
        ENTERED = "entered", _("Entered")
        FORMULA = "formula", _("Formula over other indicators")
        FUNCTION = "function", _("Computed from records of a module")

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
    means_of_verification = models.TextField(_("means of verification"), blank=True)
    unit = models.CharField(_("unit"), max_length=10, choices=Unit.choices, default=Unit.NUMBER)
    currency = models.CharField(_("currency"), max_length=3, blank=True)
    decimals = models.PositiveSmallIntegerField(_("decimals shown"), default=0)
    direction = models.CharField(
        _("direction"), max_length=10, choices=Direction.choices, default=Direction.INCREASE
    )
    space_aggregation = models.CharField(
        _("aggregation across countries"),
        max_length=16,
        choices=SpaceAggregation.choices,
        default=SpaceAggregation.SUM,
    )
    time_aggregation = models.CharField(
        _("aggregation across time"),
        max_length=10,
        choices=TimeAggregation.choices,
        default=TimeAggregation.LATEST,
    )
    condition_operator = models.CharField(
        _("condition"),
        max_length=2,
        blank=True,
        choices=[(op, op) for op in (">=", ">", "=", "<=", "<", "!=")],
        help_text=_("For counts and shares of countries meeting a condition."),
    )
    condition_value = models.DecimalField(
        _("condition value"), max_digits=20, decimal_places=6, null=True, blank=True
    )
    frequency = models.CharField(
        _("frequency"), max_length=10, choices=Frequency.choices, default=Frequency.ANNUAL
    )
    level = models.CharField(
        _("level"), max_length=12, choices=Level.choices, default=Level.COUNTRY
    )
    source_kind = models.CharField(
        _("source"), max_length=10, choices=SourceKind.choices, default=SourceKind.ENTERED
    )
    formula = models.CharField(_("formula"), max_length=500, blank=True)
    source_function = models.CharField(_("source function"), max_length=64, blank=True)
    source_params = models.JSONField(_("source parameters"), default=dict, blank=True)
    disaggregations = models.ManyToManyField(
        Disaggregation, blank=True, related_name="indicators", verbose_name=_("disaggregations")
    )
    is_key = models.BooleanField(_("key indicator"), default=False)
    is_public = models.BooleanField(
        _("public"), default=True, help_text=_("Approved values are shown to the public.")
    )
    on_track_ratio = models.DecimalField(
        _("on-track threshold"), max_digits=4, decimal_places=2, null=True, blank=True
    )
    at_risk_ratio = models.DecimalField(
        _("at-risk threshold"), max_digits=4, decimal_places=2, null=True, blank=True
    )

    class Meta:
        ordering = ["objective__order", "order"]
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class Target(models.Model):
    """A baseline, a target or the life-of-strategy target of an indicator for one country
    (or the region, when country is empty) and one period."""

    class Kind(models.TextChoices):
        BASELINE = "baseline", _("Baseline")
        TARGET = "target", _("Target")
        LIFE_OF_STRATEGY = "life", _("Life-of-strategy target")

    indicator = models.ForeignKey(
        Indicator, on_delete=models.CASCADE, related_name="targets", verbose_name=_("indicator")
    )
    country = models.ForeignKey(
        "core.Country",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="targets",
        verbose_name=_("country"),
    )
    period = models.CharField(_("period"), max_length=32)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    value = models.DecimalField(_("value"), max_digits=20, decimal_places=6)
    note = models.TextField(_("note"), blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["indicator", "country", "period", "kind"]
        verbose_name = _("target")
        verbose_name_plural = _("targets")
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "country", "period", "kind"],
                condition=models.Q(country__isnull=False),
                name="framework_target_unique_country",
            ),
            models.UniqueConstraint(
                fields=["indicator", "period", "kind"],
                condition=models.Q(country__isnull=True),
                name="framework_target_unique_region",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.indicator.code} {self.period} {self.get_kind_display()}"


class Evidence(models.Model):
    """A document or a link that proves a value (of this or another module)."""

    title = models.CharField(_("title"), max_length=300)
    file = models.FileField(_("file"), upload_to="evidence/%Y/%m/", blank=True)
    url = models.URLField(_("link"), blank=True, max_length=1000)
    uploaded_by = models.ForeignKey(
        "core.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("added"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("evidence")
        verbose_name_plural = _("evidence")

    def __str__(self) -> str:
        return self.title


class DataValue(models.Model):
    """One entered value: indicator × country (empty = region) × period × disaggregation.

    `disaggregation` is the canonical key of the option combination (`gender=f;kp=pwud`),
    empty for the total. Values move draft → submitted → approved, or back to returned with a
    comment; approved values are locked until an administrator reopens them.
    """

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted")
        APPROVED = "approved", _("Approved")
        RETURNED = "returned", _("Returned")

    indicator = models.ForeignKey(
        Indicator, on_delete=models.PROTECT, related_name="values", verbose_name=_("indicator")
    )
    country = models.ForeignKey(
        "core.Country",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="data_values",
        verbose_name=_("country"),
    )
    period = models.CharField(_("period"), max_length=32)
    disaggregation = models.CharField(_("disaggregation"), max_length=200, blank=True)
    value = models.DecimalField(_("value"), max_digits=20, decimal_places=6, null=True, blank=True)
    comment = models.TextField(_("comment"), blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    review_comment = models.TextField(_("reviewer's comment"), blank=True)
    evidence = models.ManyToManyField(
        Evidence, blank=True, related_name="data_values", verbose_name=_("evidence")
    )
    entered_by = models.ForeignKey(
        "core.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    submitted_by = models.ForeignKey(
        "core.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    approved_by = models.ForeignKey(
        "core.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    approved_at = models.DateTimeField(_("approved"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["indicator", "country", "period", "disaggregation"]
        verbose_name = _("data value")
        verbose_name_plural = _("data values")
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "country", "period", "disaggregation"],
                condition=models.Q(country__isnull=False),
                name="framework_value_unique_country",
            ),
            models.UniqueConstraint(
                fields=["indicator", "period", "disaggregation"],
                condition=models.Q(country__isnull=True),
                name="framework_value_unique_region",
            ),
        ]
        indexes = [
            # Totals are what dashboards, progress and lineage read: a partial index on them
            # keeps those reads fast however many disaggregated rows there are.
            models.Index(
                fields=["indicator", "status", "country", "period"],
                condition=models.Q(disaggregation=""),
                name="framework_value_totals",
            ),
            models.Index(fields=["indicator", "period"], name="framework_value_ind_period"),
            models.Index(fields=["country", "period"], name="framework_value_cty_period"),
            models.Index(fields=["status"], name="framework_value_status"),
        ]

    def __str__(self) -> str:
        return f"{self.indicator_id} {self.country_id or '-'} {self.period} {self.disaggregation}"

    @property
    def is_locked(self) -> bool:
        return self.status in {self.Status.SUBMITTED, self.Status.APPROVED}


class ValidationRule(models.Model):
    """A check on entered values, defined as data with its message in EN and RU.

    kinds: `range` (params min, max), `less_equal` (this value ≤ the value of indicator
    params.other for the same country and period), `disaggregation_sum` (parts of each
    category add up to the total), `evidence_required` (a value needs evidence to be submitted).
    """

    class Kind(models.TextChoices):
        RANGE = "range", _("Value within a range")
        LESS_EQUAL = "less_equal", _("Value not above another indicator's")
        DISAGGREGATION_SUM = "disaggregation_sum", _("Parts add up to the total")
        EVIDENCE_REQUIRED = "evidence_required", _("Evidence required")

    indicator = models.ForeignKey(
        Indicator, on_delete=models.CASCADE, related_name="rules", verbose_name=_("indicator")
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    params = models.JSONField(_("parameters"), default=dict, blank=True)
    message = models.CharField(_("message"), max_length=300)

    class Meta:
        ordering = ["indicator", "kind"]
        verbose_name = _("validation rule")
        verbose_name_plural = _("validation rules")

    def __str__(self) -> str:
        return f"{self.indicator.code}: {self.get_kind_display()}"


class ImportBatch(models.Model):
    """An uploaded file of values: checked first (a dry run that writes nothing), then, if
    every row is valid, imported at once — or not at all."""

    class Status(models.TextChoices):
        UPLOADED = "uploaded", _("Uploaded")
        CHECKED = "checked", _("Checked")
        INVALID = "invalid", _("Has errors")
        IMPORTED = "imported", _("Imported")

    file = models.FileField(_("file"), upload_to="imports/%Y/%m/")
    original_name = models.CharField(_("file name"), max_length=255)
    uploaded_by = models.ForeignKey(
        "core.User", on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(_("uploaded"), auto_now_add=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.UPLOADED
    )
    # {"changes": [...], "problems": [...], "counts": {...}} from the last check or import.
    report = models.JSONField(_("report"), default=dict, blank=True)
    job = models.ForeignKey(
        "core.Job", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("import")
        verbose_name_plural = _("imports")

    def __str__(self) -> str:
        return self.original_name


class Dhis2Mapping(models.Model):
    """How hrmonitor's codes translate to a DHIS2 instance's identifiers, for exchanging
    `dataValueSets`. Codes without an entry map to themselves (indicator code as data
    element, ISO code as organisation unit), so two hrmonitor instances exchange files with an
    empty mapping."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    data_elements = models.JSONField(
        _("data elements"), default=dict, blank=True, help_text=_("Indicator code → DHIS2 UID")
    )
    org_units = models.JSONField(
        _("organisation units"),
        default=dict,
        blank=True,
        help_text=_("Country ISO code (or “region”) → DHIS2 UID"),
    )
    option_combos = models.JSONField(
        _("category option combos"),
        default=dict,
        blank=True,
        help_text=_("Disaggregation key (e.g. gender=women) → DHIS2 UID; empty key = total"),
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        verbose_name = _("DHIS2 mapping")
        verbose_name_plural = _("DHIS2 mappings")

    def __str__(self) -> str:
        return self.name
