"""Community-led monitoring (CLM): the service sites communities monitor, the projects that
monitor them, the XLSForms they use (converted to XForms by pyxform, every version kept), the
submissions that ODK Collect, KoboCollect and the web form send (the raw XML kept unchanged,
its answers parsed beside it), scorecards across the AAAQ frame, the issues raised with
duty-bearers, and the efficiency assessment of services.

Submissions are not encrypted: the default questionnaires ask for no name or contact, and the
answers are kept at the level of a site. A project that must collect identifying data should
not do so in these forms (see docs/clm.md)."""

from __future__ import annotations

import secrets
from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from hrmonitor.core.models import Country, Organisation


class SiteKind(models.TextChoices):
    NSP_FIXED = "nsp_fixed", _("Needle and syringe programme (fixed site)")
    NSP_OUTREACH = "nsp_outreach", _("Needle and syringe programme (mobile or outreach)")
    OAT = "oat", _("Opioid agonist therapy site")
    DROP_IN = "drop_in", _("Drop-in centre")
    TESTING = "testing", _("HIV/HCV testing")
    NALOXONE = "naloxone", _("Naloxone distribution")
    PRISON = "prison", _("Prison service")
    PHARMACY = "pharmacy", _("Pharmacy")
    ONLINE = "online", _("Online service")


class Service(models.TextChoices):
    SYRINGES = "syringes", _("Needles and syringes")
    NALOXONE = "naloxone", _("Naloxone")
    OAT = "oat", _("Opioid agonist therapy")
    HIV_TEST = "hiv_test", _("HIV testing")
    HCV_TEST = "hcv_test", _("Hepatitis C testing")
    CONDOMS = "condoms", _("Condoms")
    COUNSELLING = "counselling", _("Counselling and psychosocial support")
    CASE_MANAGEMENT = "case_management", _("Case management")
    LEGAL_AID = "legal_aid", _("Legal aid")
    WOMEN = "women", _("Services for women")


class ServiceSite(models.Model):
    """A place (or an online service) where people who use drugs get harm-reduction services.
    Its `code` is the value monitors choose in a form (the `sites.csv` choice list)."""

    class Status(models.TextChoices):
        ACTIVE = "active", _("Active")
        SUSPENDED = "suspended", _("Suspended")
        CLOSED = "closed", _("Closed")

    code = models.SlugField(
        _("code"),
        max_length=40,
        unique=True,
        help_text=_("Short and unique, e.g. KG-BSK-NSP1. Forms send this code."),
    )
    name = models.CharField(_("name"), max_length=300)
    kind = models.CharField(_("type"), max_length=20, choices=SiteKind.choices)
    country = models.ForeignKey(
        Country, on_delete=models.PROTECT, related_name="service_sites", verbose_name=_("country")
    )
    locality = models.CharField(_("province or city"), max_length=200, blank=True)
    operator = models.ForeignKey(
        Organisation,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="service_sites",
        verbose_name=_("operator"),
    )
    services = models.JSONField(_("services"), default=list, blank=True)
    hours = models.CharField(_("opening hours"), max_length=300, blank=True)
    latitude = models.DecimalField(
        _("latitude"),
        max_digits=9,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal(-90)), MaxValueValidator(Decimal(90))],
    )
    longitude = models.DecimalField(
        _("longitude"),
        max_digits=9,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal(-180)), MaxValueValidator(Decimal(180))],
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.ACTIVE
    )
    is_demo = models.BooleanField(_("synthetic demo record"), default=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["country__name", "name"]
        verbose_name = _("service site")
        verbose_name_plural = _("service sites")

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"

    def service_labels(self) -> list[str]:
        labels = dict(Service.choices)
        return [str(labels.get(code, code)) for code in self.services]


class Project(models.Model):
    """A CLM project: a community group monitoring services, with its monitors (web accounts)
    and app users (ODK Collect devices). Monitors see the forms of their projects only."""

    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    country = models.ForeignKey(
        Country,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="clm_projects",
        verbose_name=_("country"),
        help_text=_("Empty for a regional project."),
    )
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="clm_projects",
        verbose_name=_("community organisation"),
    )
    monitors = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="clm_projects",
        verbose_name=_("monitors"),
    )
    is_active = models.BooleanField(_("active"), default=True)
    is_demo = models.BooleanField(_("synthetic demo record"), default=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    history = HistoricalRecords(m2m_fields=[monitors])

    class Meta:
        ordering = ["name"]
        verbose_name = _("CLM project")
        verbose_name_plural = _("CLM projects")

    def __str__(self) -> str:
        return self.name


class Form(models.Model):
    """A questionnaire, identified by its XForm `form_id`; its versions are kept."""

    class State(models.TextChoices):
        OPEN = "open", _("Open")
        CLOSING = "closing", _("Closing (accepts submissions, not offered for download)")
        CLOSED = "closed", _("Closed")

    xml_form_id = models.CharField(_("form ID"), max_length=100, unique=True)
    title = models.CharField(_("title"), max_length=300)
    projects = models.ManyToManyField(
        Project, blank=True, related_name="forms", verbose_name=_("projects")
    )
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.OPEN)
    current_version = models.ForeignKey(
        "FormVersion",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("current version"),
    )
    # Scorecard colours: a score of at least `green_from` is green, at least `amber_from` amber,
    # below it red (scores run from 0 to 100).
    green_from = models.PositiveSmallIntegerField(
        _("green from"), default=75, validators=[MaxValueValidator(100)]
    )
    amber_from = models.PositiveSmallIntegerField(
        _("amber from"), default=50, validators=[MaxValueValidator(100)]
    )
    is_demo = models.BooleanField(_("synthetic demo record"), default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    history = HistoricalRecords(m2m_fields=[projects])

    class Meta:
        ordering = ["title"]
        verbose_name = _("form")
        verbose_name_plural = _("forms")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(amber_from__lte=models.F("green_from")),
                name="clm_form_thresholds_ordered",
            ),
        ]

    def __str__(self) -> str:
        return self.title


class FormVersion(models.Model):
    """One uploaded XLSForm and the XForm pyxform made of it. Never changed once saved."""

    form = models.ForeignKey(
        Form, on_delete=models.CASCADE, related_name="versions", verbose_name=_("form")
    )
    version = models.CharField(_("version"), max_length=100)
    source_name = models.CharField(_("file name"), max_length=200)
    source = models.BinaryField(_("XLSForm"))
    xform = models.TextField(_("XForm"))
    md5 = models.CharField(max_length=32)
    # The questions, in form order: [{"path", "name", "type", "labels": {lang: text},
    # "choices": [{"name", "labels"}], "repeat": path of the enclosing repeat or ""}].
    fields = models.JSONField(default=list)
    languages = models.JSONField(default=list)
    # Media the form declares (images, CSV choice lists): names; `sites.csv` is generated.
    media = models.JSONField(default=list)
    warnings = models.JSONField(default=list)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("uploaded by"),
    )
    created_at = models.DateTimeField(_("uploaded"), auto_now_add=True)

    class Meta:
        ordering = ["form", "-created_at"]
        verbose_name = _("form version")
        verbose_name_plural = _("form versions")
        constraints = [
            models.UniqueConstraint(fields=["form", "version"], name="clm_form_version_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.form.xml_form_id} {self.version}"


class FormMedia(models.Model):
    """A media file a form version declares (an image, an audio prompt, a CSV list)."""

    version = models.ForeignKey(FormVersion, on_delete=models.CASCADE, related_name="media_files")
    name = models.CharField(_("file name"), max_length=200)
    content = models.BinaryField()
    content_type = models.CharField(max_length=100, default="application/octet-stream")
    md5 = models.CharField(max_length=32)

    class Meta:
        verbose_name = _("form media file")
        verbose_name_plural = _("form media files")
        constraints = [
            models.UniqueConstraint(fields=["version", "name"], name="clm_form_media_unique"),
        ]

    def __str__(self) -> str:
        return self.name


class Dimension(models.TextChoices):
    AVAILABILITY = "availability", _("Availability")
    ACCESSIBILITY = "accessibility", _("Accessibility")
    ACCEPTABILITY = "acceptability", _("Acceptability")
    QUALITY = "quality", _("Quality")


class ScoreItem(models.Model):
    """How one question of a form counts in a scorecard: its AAAQ dimension and the score
    (0–100) of each answer. Answers missing from `choice_scores` (e.g. "don't know") are not
    counted."""

    form = models.ForeignKey(
        Form, on_delete=models.CASCADE, related_name="score_items", verbose_name=_("form")
    )
    question = models.CharField(_("question"), max_length=200)
    dimension = models.CharField(_("dimension"), max_length=16, choices=Dimension.choices)
    choice_scores = models.JSONField(_("score of each answer"), default=dict)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    history = HistoricalRecords()

    class Meta:
        ordering = ["form", "order", "question"]
        verbose_name = _("scorecard item")
        verbose_name_plural = _("scorecard items")
        constraints = [
            models.UniqueConstraint(fields=["form", "question"], name="clm_score_item_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.question} → {self.get_dimension_display()}"


def new_app_token() -> str:
    return secrets.token_urlsafe(32)


class AppUser(models.Model):
    """Access for one monitor's phone, as ODK Central gives it: a token in the server URL,
    scoped to one project, shown once as a QR code and revocable. Only its hash is stored."""

    project = models.ForeignKey(
        Project, on_delete=models.CASCADE, related_name="app_users", verbose_name=_("project")
    )
    display_name = models.CharField(_("name"), max_length=100)
    token_prefix = models.CharField(max_length=8)
    token_hash = models.CharField(max_length=64, unique=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)

    class Meta:
        ordering = ["project", "display_name"]
        verbose_name = _("app user")
        verbose_name_plural = _("app users")

    def __str__(self) -> str:
        return self.display_name


class Submission(models.Model):
    """One filled questionnaire as a client sent it. `raw` is the XML exactly as received and
    never changes; `data` holds the answers (path → value; a repeat is a list of such dicts),
    corrected through `SubmissionEvent`s. A submission that could not be accepted (malformed,
    unknown form, conflicting ID…) is kept too, with `intake` saying why."""

    class Intake(models.TextChoices):
        ACCEPTED = "accepted", _("Accepted")
        MALFORMED = "malformed", _("Malformed")
        UNKNOWN_FORM = "unknown_form", _("Unknown form")
        CONFLICT = "conflict", _("Conflicting resubmission")
        FORM_CLOSED = "form_closed", _("Form closed")
        NOT_ALLOWED = "not_allowed", _("Form not in the sender's projects")

    class Review(models.TextChoices):
        PENDING = "pending", _("Pending")
        APPROVED = "approved", _("Approved")
        FLAGGED = "flagged", _("Flagged")
        EXCLUDED = "excluded", _("Excluded")

    intake = models.CharField(
        _("intake"), max_length=12, choices=Intake.choices, default=Intake.ACCEPTED
    )
    problem = models.CharField(_("problem"), max_length=500, blank=True)
    instance_id = models.CharField(_("instance ID"), max_length=200, blank=True, db_index=True)
    deprecated_id = models.CharField(_("replaces instance ID"), max_length=200, blank=True)
    superseded_by = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("replaced by"),
    )
    form = models.ForeignKey(
        Form,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="submissions",
        verbose_name=_("form"),
    )
    form_version = models.CharField(_("form version"), max_length=100, blank=True)
    project = models.ForeignKey(
        Project,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="submissions",
        verbose_name=_("project"),
    )
    site = models.ForeignKey(
        ServiceSite,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="submissions",
        verbose_name=_("site"),
    )
    country = models.ForeignKey(
        Country,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="clm_submissions",
        verbose_name=_("country"),
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="clm_submissions",
        verbose_name=_("submitted by"),
    )
    app_user = models.ForeignKey(
        AppUser,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="submissions",
        verbose_name=_("app user"),
    )
    device_id = models.CharField(_("device"), max_length=200, blank=True)
    received_at = models.DateTimeField(_("received"), auto_now_add=True, db_index=True)
    # The day of the interview (the form's `today`/`start`, else the day it arrived): the
    # period a submission counts in.
    interview_date = models.DateField(_("interview date"), null=True, blank=True)
    raw = models.BinaryField(_("raw XML"))
    raw_sha256 = models.CharField(max_length=64)
    data = models.JSONField(_("answers"), default=dict)
    attachments_expected = models.PositiveSmallIntegerField(default=0)
    review = models.CharField(
        _("review"), max_length=10, choices=Review.choices, default=Review.PENDING
    )
    review_note = models.CharField(_("reason"), max_length=500, blank=True)

    class Meta:
        ordering = ["-received_at", "-pk"]
        verbose_name = _("submission")
        verbose_name_plural = _("submissions")
        constraints = [
            # One accepted submission per instance ID; rejected copies keep theirs for review.
            models.UniqueConstraint(
                fields=["instance_id"],
                condition=models.Q(intake="accepted"),
                name="clm_submission_instance_unique",
            ),
        ]
        indexes = [
            models.Index(fields=["form", "intake", "interview_date"], name="clm_sub_form_idx"),
            models.Index(fields=["site", "interview_date"], name="clm_sub_site_idx"),
        ]

    def __str__(self) -> str:
        return self.instance_id or f"#{self.pk}"

    @property
    def is_current(self) -> bool:
        return self.intake == self.Intake.ACCEPTED and self.superseded_by_id is None


class SubmissionAttachment(models.Model):
    """A file sent with a submission (photo, audio…), possibly in a later POST."""

    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="attachments")
    name = models.CharField(_("file name"), max_length=255)
    file = models.FileField(_("file"), upload_to="clm/attachments/%Y/%m/")
    content_type = models.CharField(max_length=100, blank=True)
    size = models.PositiveIntegerField(default=0)
    sha256 = models.CharField(max_length=64)
    received_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["submission", "name"]
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        constraints = [
            models.UniqueConstraint(fields=["submission", "name"], name="clm_attachment_unique"),
        ]

    def __str__(self) -> str:
        return self.name


class SubmissionEvent(models.Model):
    """What reviewers did with a submission: review decisions and corrections of answers (the
    old and new value, and why). Append-only; the raw XML is never touched."""

    class Kind(models.TextChoices):
        REVIEW = "review", _("Review")
        CORRECTION = "correction", _("Correction")

    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    question = models.CharField(_("question"), max_length=200, blank=True)
    old_value = models.JSONField(_("old value"), null=True, blank=True)
    new_value = models.JSONField(_("new value"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=500, blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    at = models.DateTimeField(_("when"), auto_now_add=True)

    class Meta:
        ordering = ["submission", "at", "pk"]
        verbose_name = _("submission event")
        verbose_name_plural = _("submission events")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.at:%Y-%m-%d}"


class Escalation(models.Model):
    """A problem the scorecard showed, raised with the duty-bearer who can fix it: the
    advocacy step of community-led monitoring."""

    class Status(models.TextChoices):
        OPEN = "open", _("To raise")
        RAISED = "raised", _("Raised")
        RESPONDED = "responded", _("Response received")
        RESOLVED = "resolved", _("Resolved")
        DROPPED = "dropped", _("Dropped")

    title = models.CharField(_("issue"), max_length=300)
    description = models.TextField(_("description"), blank=True)
    country = models.ForeignKey(
        Country, on_delete=models.PROTECT, related_name="clm_escalations", verbose_name=_("country")
    )
    site = models.ForeignKey(
        ServiceSite,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="escalations",
        verbose_name=_("site"),
    )
    form = models.ForeignKey(
        Form, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    question = models.CharField(_("question"), max_length=200, blank=True)
    dimension = models.CharField(
        _("dimension"), max_length=16, choices=Dimension.choices, blank=True
    )
    period = models.CharField(_("period"), max_length=24, blank=True)
    score = models.DecimalField(
        _("score when raised"), max_digits=5, decimal_places=1, null=True, blank=True
    )
    duty_bearer = models.CharField(
        _("duty-bearer"),
        max_length=300,
        blank=True,
        help_text=_("Who can fix it: the site's manager, the city health department…"),
    )
    raised_on = models.DateField(_("raised on"), null=True, blank=True)
    response = models.TextField(_("response"), blank=True)
    response_on = models.DateField(_("response received on"), null=True, blank=True)
    resolved_on = models.DateField(_("resolved on"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.OPEN
    )
    is_demo = models.BooleanField(_("synthetic demo record"), default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("escalation")
        verbose_name_plural = _("escalations")

    def __str__(self) -> str:
        return self.title


class ServiceDelivery(models.Model):
    """What a site (or, without a site, a country's programme) delivered in a year and what it
    cost: the input of the efficiency assessment. Unknown stays empty."""

    country = models.ForeignKey(
        Country,
        on_delete=models.PROTECT,
        related_name="service_deliveries",
        verbose_name=_("country"),
    )
    site = models.ForeignKey(
        ServiceSite,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="deliveries",
        verbose_name=_("site"),
        help_text=_("Empty for a country's programme as a whole."),
    )
    year = models.PositiveSmallIntegerField(_("year"))
    clients_reached = models.PositiveIntegerField(_("clients reached"), null=True, blank=True)
    syringes = models.PositiveIntegerField(_("syringes distributed"), null=True, blank=True)
    oat_clients = models.PositiveIntegerField(_("OAT clients"), null=True, blank=True)
    naloxone_kits = models.PositiveIntegerField(_("naloxone kits"), null=True, blank=True)
    tests = models.PositiveIntegerField(_("HIV/HCV tests"), null=True, blank=True)
    cost = models.DecimalField(_("cost"), max_digits=16, decimal_places=2, null=True, blank=True)
    currency = models.CharField(_("currency"), max_length=3, default="USD")
    source = models.TextField(_("source"))
    notes = models.TextField(_("notes"), blank=True)
    is_demo = models.BooleanField(_("synthetic demo record"), default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("entered by"),
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["country__name", "year", "site__name"]
        verbose_name = _("service delivery record")
        verbose_name_plural = _("service delivery records")
        constraints = [
            models.UniqueConstraint(
                fields=["site", "year"],
                condition=models.Q(site__isnull=False),
                name="clm_delivery_site_year_unique",
            ),
            models.UniqueConstraint(
                fields=["country", "year"],
                condition=models.Q(site__isnull=True),
                name="clm_delivery_country_year_unique",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.site or self.country} {self.year}"


class PwidEstimate(models.Model):
    """A published estimate of the number of people who inject drugs in a country: the
    denominator of coverage. A range is kept as a range; coverage uses its middle."""

    country = models.ForeignKey(
        Country, on_delete=models.PROTECT, related_name="pwid_estimates", verbose_name=_("country")
    )
    year = models.PositiveSmallIntegerField(_("year"))
    low = models.PositiveIntegerField(_("estimate (low)"))
    high = models.PositiveIntegerField(_("estimate (high)"))
    source = models.TextField(_("source"))
    history = HistoricalRecords()

    class Meta:
        ordering = ["country__name", "-year"]
        verbose_name = _("estimate of people who inject drugs")
        verbose_name_plural = _("estimates of people who inject drugs")
        constraints = [
            models.UniqueConstraint(fields=["country", "year"], name="clm_pwid_unique"),
            models.CheckConstraint(
                condition=models.Q(high__gte=models.F("low")), name="clm_pwid_range_ordered"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.country} {self.year}"

    @property
    def central(self) -> float:
        return (self.low + self.high) / 2
