"""Human-rights case documentation: a case (who did what to whom, with the client's consent),
its acts and perpetrators, the legal analysis, the responses, the evidence files, and the
append-only log of every access.

Everything that could identify a person is encrypted at rest (`core.crypto`): the narrative,
the client code, the province, the acts' and responses' free text, the analysis text and the
files. The encrypted columns hold `v1.<key id>.<ciphertext>` tokens bound to their table,
field and row; the history of a record copies those tokens, never the plaintext. Records use
random UUID keys, so the row is known before the first encryption and nothing is sequential.
"""

from __future__ import annotations

import secrets
import uuid
from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from hrmonitor.core.crypto import EncryptedText
from hrmonitor.core.models import Country, Organisation

# No 0/O, 1/I/L: a reference read over the phone is not misheard.
REFERENCE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"


def new_reference() -> str:
    """A random, non-sequential case reference such as "C-7K3M9QX2"."""
    return "C-" + "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(8))


class Case(models.Model):
    class Channel(models.TextChoices):
        IN_PERSON = "in_person", _("In person")
        OUTREACH = "outreach", _("Outreach")
        HOTLINE = "hotline", _("Hotline")
        ONLINE = "online", _("Online")

    class Precision(models.TextChoices):
        DAY = "day", _("Exact day")
        MONTH = "month", _("Month")
        YEAR = "year", _("Year")

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        IN_ANALYSIS = "in_analysis", _("In legal analysis")
        RESPONDING = "responding", _("Response under way")
        CLOSED = "closed", _("Closed")

    class Gender(models.TextChoices):
        WOMAN = "woman", _("Woman")
        MAN = "man", _("Man")
        OTHER = "other", _("Another gender")
        NOT_STATED = "not_stated", _("Not stated")

    class AgeBand(models.TextChoices):
        UNDER_18 = "under_18", _("Under 18")
        AGE_18_24 = "18_24", "18–24"
        AGE_25_34 = "25_34", "25–34"
        AGE_35_44 = "35_44", "35–44"
        AGE_45_54 = "45_54", "45–54"
        AGE_55_PLUS = "55_plus", _("55 and over")
        NOT_STATED = "not_stated", _("Not stated")

    class Custody(models.TextChoices):
        NOT_APPLICABLE = "not_applicable", _("Not applicable")
        WITH_CLIENT = "with_client", _("Children live with the client")
        WITH_RELATIVES = "with_relatives", _("Children live with relatives")
        IN_STATE_CARE = "in_state_care", _("Children in state care")
        REMOVAL_THREATENED = "removal_threatened", _("Removal threatened")
        NOT_STATED = "not_stated", _("Not stated")

    class Closure(models.TextChoices):
        RESOLVED = "resolved", _("Resolved fully")
        PARTLY = "partly", _("Resolved partially")
        UNRESOLVED = "unresolved", _("Unresolved")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    reference = models.CharField(
        _("case reference"), max_length=12, unique=True, default=new_reference, editable=False
    )
    country = models.ForeignKey(
        Country, on_delete=models.PROTECT, related_name="+", verbose_name=_("country")
    )
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("documenting organisation"),
    )
    documenter = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("documenter"),
    )
    channel = models.CharField(_("intake channel"), max_length=10, choices=Channel.choices)
    received_on = models.DateField(_("received"))
    incident_date = models.DateField(_("date of the incident"), null=True, blank=True)
    incident_precision = models.CharField(
        _("precision of the date"), max_length=5, choices=Precision.choices, default=Precision.DAY
    )
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.OPEN
    )
    narrative_encrypted = models.TextField(blank=True, editable=False)
    narrative = EncryptedText("narrative_encrypted")
    # The client, pseudonymous: a code that links repeat visits, never a name or an address.
    client_code_encrypted = models.TextField(blank=True, editable=False)
    client_code = EncryptedText("client_code_encrypted")
    client_index = models.CharField(max_length=64, blank=True, db_index=True, editable=False)
    gender = models.CharField(
        _("gender"), max_length=10, choices=Gender.choices, default=Gender.NOT_STATED
    )
    age_band = models.CharField(
        _("age"), max_length=10, choices=AgeBand.choices, default=AgeBand.NOT_STATED
    )
    province_encrypted = models.TextField(blank=True, editable=False)
    province = EncryptedText("province_encrypted")
    key_groups = models.JSONField(_("key groups"), default=list, blank=True)
    pregnant = models.BooleanField(_("pregnant"), null=True, blank=True)
    has_children = models.BooleanField(_("has children"), null=True, blank=True)
    custody = models.CharField(
        _("custody of children"),
        max_length=20,
        choices=Custody.choices,
        default=Custody.NOT_APPLICABLE,
    )
    closure = models.CharField(_("outcome"), max_length=10, choices=Closure.choices, blank=True)
    closed_on = models.DateField(_("closed"), null=True, blank=True)
    identifying_purged_on = models.DateField(
        _("identifying data purged"), null=True, blank=True, editable=False
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-received_on", "reference"]
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        indexes = [models.Index(fields=["country", "received_on"], name="case_country_received")]

    def __str__(self) -> str:
        return self.reference


class Consent(models.Model):
    """One revocable consent of the client, with the version of the text they agreed to."""

    class Item(models.TextChoices):
        RECORD = "record", _("Record the case")
        REFER = "refer", _("Refer to other services")
        STATISTICS = "statistics", _("Use in anonymised statistics")
        STORY = "story", _("Publish an anonymised story")
        RECONTACT = "recontact", _("Contact the client again")
        SAFE_CHANNEL = "safe_channel", _("Contact through a safe channel only")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="consents")
    item = models.CharField(_("consent to"), max_length=12, choices=Item.choices)
    given = models.BooleanField(_("given"))
    text_version = models.CharField(_("version of the consent text"), max_length=40)
    given_on = models.DateField(_("date"))
    taken_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    withdrawn_on = models.DateField(_("withdrawn"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["case", "item", "given_on"]
        verbose_name = _("consent")
        verbose_name_plural = _("consents")

    def __str__(self) -> str:
        return f"{self.case} {self.item}"

    @property
    def in_force(self) -> bool:
        return self.given and self.withdrawn_on is None


class Act(models.Model):
    """What was done: violation types, by whom, how involved (one case, many acts)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="acts")
    violations = models.JSONField(_("violations"), default=list)
    perpetrator = models.CharField(_("perpetrator"), max_length=20)
    involvement = models.CharField(_("involvement"), max_length=16, default="direct")
    occurred_on = models.DateField(_("date"), null=True, blank=True)
    description_encrypted = models.TextField(blank=True, editable=False)
    description = EncryptedText("description_encrypted")
    history = HistoricalRecords()

    class Meta:
        ordering = ["case", "occurred_on"]
        verbose_name = _("act")
        verbose_name_plural = _("acts")

    def __str__(self) -> str:
        return f"{self.case}: {', '.join(self.violations)}"


class LegalAnalysis(models.Model):
    class Qualification(models.TextChoices):
        VIOLATION = "violation", _("Human rights violation")
        LEGAL_NEED = "legal_need", _("Legal need")
        NOT_VIOLATION = "not_violation", _("Not a violation")

    class Confidence(models.TextChoices):
        CONFIRMED = "confirmed", _("Confirmed")
        LIKELY = "likely", _("Likely")
        POSSIBLE = "possible", _("Possible")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    case = models.OneToOneField(Case, on_delete=models.CASCADE, related_name="analysis")
    analyst = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    qualification = models.CharField(
        _("qualification"), max_length=14, choices=Qualification.choices
    )
    rights = models.JSONField(_("rights affected"), default=list, blank=True)
    national_law = models.TextField(_("national law references"), blank=True)
    confidence = models.CharField(_("confidence"), max_length=10, choices=Confidence.choices)
    strategic = models.BooleanField(_("strategic case"), default=False)
    text_encrypted = models.TextField(blank=True, editable=False)
    text = EncryptedText("text_encrypted")
    analysed_on = models.DateField(_("date of the analysis"))
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("legal analysis")
        verbose_name_plural = _("legal analyses")

    def __str__(self) -> str:
        return f"{self.case}: {self.qualification}"


class Response(models.Model):
    class Kind(models.TextChoices):
        PRIMARY_LEGAL = "primary_legal", _("Primary legal aid (advice)")
        SECONDARY_LEGAL = "secondary_legal", _("Secondary legal aid (representation)")
        PSYCHOSOCIAL = "psychosocial", _("Psychosocial support")
        MEDICAL = "medical", _("Medical help")
        MEDIATION = "mediation", _("Mediation")
        COMPLAINT = "complaint", _("Complaint to the authorities")
        LITIGATION = "litigation", _("Litigation")

    class Status(models.TextChoices):
        PLANNED = "planned", _("Planned")
        ONGOING = "ongoing", _("Ongoing")
        DONE = "done", _("Done")
        REFUSED = "refused", _("Refused by the client")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="responses")
    kind = models.CharField(_("type"), max_length=16, choices=Kind.choices)
    referred = models.BooleanField(_("referred to another organisation"), default=False)
    referred_to = models.CharField(_("referred to"), max_length=300, blank=True)
    started_on = models.DateField(_("started"))
    ended_on = models.DateField(_("ended"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PLANNED
    )
    outcome_encrypted = models.TextField(blank=True, editable=False)
    outcome = EncryptedText("outcome_encrypted")
    follow_up_on = models.DateField(_("follow-up due"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["case", "started_on"]
        verbose_name = pgettext_lazy("case response", "response")
        verbose_name_plural = _("responses")

    def __str__(self) -> str:
        return f"{self.case}: {self.kind}"


class CaseFile(models.Model):
    """An evidence file, stored encrypted (never as uploaded); its SHA-256 is of the original
    content, so integrity can be checked after decryption."""

    class Kind(models.TextChoices):
        DOCUMENT = "document", _("Document")
        PHOTO = "photo", _("Photo")
        AUDIO = "audio", _("Audio")
        MEDICAL = "medical", _("Medical record")
        OFFICIAL = "official", _("Official decision")
        OTHER = "other", _("Other")

    class Access(models.TextChoices):
        CASE_TEAM = "case_team", _("Everyone who may open the case")
        ANALYSTS = "analysts", _("Legal analysts and coordinators only")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="files")
    kind = models.CharField(_("type"), max_length=10, choices=Kind.choices)
    name_encrypted = models.TextField(editable=False)
    name = EncryptedText("name_encrypted")
    sha256 = models.CharField(_("SHA-256"), max_length=64, editable=False)
    size = models.PositiveBigIntegerField(_("size"), editable=False)
    stored = models.FileField(upload_to="rights/", editable=False)
    access = models.CharField(
        _("access"), max_length=10, choices=Access.choices, default=Access.CASE_TEAM
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("uploaded"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["case", "uploaded_at"]
        verbose_name = _("evidence file")
        verbose_name_plural = _("evidence files")

    def __str__(self) -> str:
        return f"{self.case}: {self.kind}"


class AppendOnlyQuerySet(models.QuerySet["AccessLog"]):
    def update(self, **kwargs: object) -> int:
        raise PermissionError("The case access log is append-only.")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise PermissionError("The case access log is append-only.")


class AccessLog(models.Model):
    """Who viewed, exported, downloaded or was refused which case, and when. Append-only:
    rows are never changed or deleted (enforced here and tested)."""

    class Action(models.TextChoices):
        VIEW = "view", _("Viewed")
        VIEW_PSEUDONYMISED = "view_pseudonymised", _("Viewed without identifying data")
        EDIT = "edit", _("Changed")
        EXPORT = "export", _("Exported")
        DOWNLOAD = "download", _("Downloaded a file")
        DENIED = "denied", _("Refused")

    at = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    username = models.CharField(_("user"), max_length=150)
    case_reference = models.CharField(_("case"), max_length=12, blank=True, db_index=True)
    action = models.CharField(_("action"), max_length=20, choices=Action.choices)
    detail = models.CharField(_("detail"), max_length=200, blank=True)

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name = _("case access")
        verbose_name_plural = _("case access log")

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.username} {self.action} {self.case_reference}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise PermissionError("The case access log is append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise PermissionError("The case access log is append-only.")


class Story(models.Model):
    """An anonymised "typical case" story written from a case, published after review
    (strategy objective 2: typical cases of human rights violations, with findings made public).

    Until it is published, the story is as confidential as its case: the title, the text and the
    review note are encrypted like the case's own free text. Publication copies the reviewed
    title and text to the plain `published_*` columns, which are all the public pages read;
    withdrawal empties them. The period and the place are generalised by design (a year or a
    season; a country or a sub-region, never a town) and never an exact date.
    """

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted for review")
        CHANGES_REQUESTED = "changes_requested", _("Changes requested")
        APPROVED = "approved", _("Approved")
        PUBLISHED = "published", _("Published")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    case = models.ForeignKey(
        Case, on_delete=models.PROTECT, related_name="stories", verbose_name=_("case")
    )
    title_encrypted = models.TextField(blank=True, editable=False)
    title = EncryptedText("title_encrypted")
    text_encrypted = models.TextField(blank=True, editable=False)
    text = EncryptedText("text_encrypted")
    period_shown = models.CharField(
        _("period shown"),
        max_length=40,
        blank=True,
        help_text=_("A year or a season, such as “2026” or “spring 2026”; never an exact date."),
    )
    place_shown = models.CharField(
        _("place shown"),
        max_length=200,
        blank=True,
        help_text=_("The country or the sub-region; never a town."),
    )
    violations = models.JSONField(_("violations"), default=list, blank=True)
    status = models.CharField(
        _("status"), max_length=17, choices=Status.choices, default=Status.DRAFT
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("author"),
    )
    # The last person who changed the text: like the author, they may not approve it.
    last_editor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("last edited by"),
    )
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("reviewer"),
    )
    review_note_encrypted = models.TextField(blank=True, editable=False)
    review_note = EncryptedText("review_note_encrypted")
    approved_at = models.DateTimeField(_("approved"), null=True, blank=True)
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    withdrawn_at = models.DateTimeField(_("withdrawn"), null=True, blank=True)
    published_title = models.CharField(_("published title"), max_length=200, blank=True)
    published_text = models.TextField(_("published text"), blank=True)
    # Set at publication only when the place shown is the country (not a sub-region), so that
    # filtering the public list by country never tells more than the story itself does.
    published_country = models.ForeignKey(
        Country,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("country shown"),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("story")
        verbose_name_plural = _("stories")
        indexes = [models.Index(fields=["status", "published_at"], name="story_status_published")]

    def __str__(self) -> str:
        return f"{self.case}: {self.status}"
