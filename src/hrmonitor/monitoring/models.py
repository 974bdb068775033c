"""Project and process monitoring: the workplan (planned activities under the framework's
activities), the events the network holds (trainings, webinars, meetings with officials…),
who took part — as counts per category or as a participant list from which the counts are
derived — the documents of an event, participants' feedback and experts' reflections."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from hrmonitor.core.models import Country, Organisation
from hrmonitor.framework.models import Activity, Objective


def _feedback_key() -> str:
    return secrets.token_urlsafe(16)


class WorkplanItem(models.Model):
    """A planned activity of the Secretariat's workplan, under one activity of the framework,
    with its dates, responsible person, countries and budget. Its status changes are kept in
    its history."""

    class Status(models.TextChoices):
        PLANNED = "planned", _("Planned")
        ONGOING = "ongoing", _("Ongoing")
        DONE = "done", _("Done")
        POSTPONED = "postponed", _("Postponed")
        CANCELLED = "cancelled", _("Cancelled")

    activity = models.ForeignKey(
        Activity,
        on_delete=models.PROTECT,
        related_name="workplan_items",
        verbose_name=_("framework activity"),
    )
    title = models.CharField(_("title"), max_length=300)
    description = models.TextField(_("description"), blank=True)
    start_date = models.DateField(_("start"))
    end_date = models.DateField(_("end"))
    responsible = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="workplan_items",
        verbose_name=_("responsible person"),
    )
    countries = models.ManyToManyField(
        Country,
        blank=True,
        related_name="workplan_items",
        verbose_name=_("countries"),
        help_text=_("None for a regional activity."),
    )
    budget_amount = models.DecimalField(
        _("budget"), max_digits=16, decimal_places=2, null=True, blank=True
    )
    budget_currency = models.CharField(_("currency"), max_length=3, default="USD")
    grant_reference = models.CharField(_("funding grant reference"), max_length=200, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PLANNED
    )
    status_note = models.CharField(
        _("reason for the status"),
        max_length=500,
        blank=True,
        help_text=_("Why it was postponed or cancelled, for example."),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    history = HistoricalRecords(m2m_fields=[countries])

    class Meta:
        ordering = ["start_date", "title"]
        verbose_name = _("workplan activity")
        verbose_name_plural = _("workplan activities")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end_date__gte=models.F("start_date")),
                name="workplan_item_dates_ordered",
            ),
            models.CheckConstraint(
                condition=models.Q(budget_amount__isnull=True) | models.Q(budget_amount__gte=0),
                name="workplan_item_budget_positive",
            ),
        ]

    def __str__(self) -> str:
        return self.title


class Event(models.Model):
    """Something the network held or took part in, with what it produced and who came."""

    class Kind(models.TextChoices):
        TRAINING = "training", _("Training")
        WEBINAR = "webinar", _("Webinar")
        MEETING_OFFICIALS = "meeting_officials", _("Meeting with officials")
        ADVOCACY_VISIT = "advocacy_visit", _("Advocacy visit")
        NATIONAL_DIALOGUE = "national_dialogue", _("National dialogue")
        REGIONAL_MEETING = "regional_meeting", _("Regional meeting")
        CONFERENCE = "conference", _("Conference")
        CAMPAIGN = "campaign", _("Campaign")
        OTHER = "other", _("Other")

    kind = models.CharField(_("type"), max_length=20, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=300)
    start_date = models.DateField(_("start"))
    end_date = models.DateField(_("end"))
    is_online = models.BooleanField(_("online"), default=False)
    place = models.CharField(
        _("place"), max_length=300, blank=True, help_text=_("City and venue, or the platform.")
    )
    countries = models.ManyToManyField(
        Country, blank=True, related_name="events", verbose_name=_("countries")
    )
    organisers = models.ManyToManyField(
        Organisation, blank=True, related_name="organised_events", verbose_name=_("organisers")
    )
    workplan_item = models.ForeignKey(
        WorkplanItem,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="events",
        verbose_name=_("workplan activity"),
    )
    objectives = models.ManyToManyField(
        Objective, blank=True, related_name="events", verbose_name=_("strategic objectives")
    )
    description = models.TextField(_("description"), blank=True)
    outputs = models.TextField(
        _("outputs"), blank=True, help_text=_("What the event produced: agreements, plans…")
    )
    is_public = models.BooleanField(
        _("public"), default=True, help_text=_("Shown in the public calendar.")
    )
    participants_total = models.PositiveIntegerField(
        _("participants"),
        null=True,
        blank=True,
        help_text=_("Entered counts; a participant list, when there is one, is used instead."),
    )
    feedback_key = models.CharField(
        _("feedback link key"), max_length=32, unique=True, default=_feedback_key, editable=False
    )
    feedback_open = models.BooleanField(_("feedback form open"), default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    history = HistoricalRecords(m2m_fields=[countries, objectives])

    class Meta:
        ordering = ["-start_date", "title"]
        verbose_name = _("event")
        verbose_name_plural = _("events")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end_date__gte=models.F("start_date")),
                name="event_dates_ordered",
            )
        ]
        indexes = [models.Index(fields=["end_date"], name="event_end_date")]

    def __str__(self) -> str:
        return self.title


class Dimension(models.TextChoices):
    """How participant counts are broken down; each dimension's categories are in
    `participants.CATEGORIES` (country: ISO codes)."""

    GENDER = "gender", _("Gender")
    COMMUNITY = "community", _("Community membership")
    ROLE = "role", _("Role")
    COUNTRY = "country", _("Country")


class ParticipantCount(models.Model):
    """How many of an event's participants fall in one category of one dimension (entered
    when there is no participant list)."""

    event = models.ForeignKey(
        Event, on_delete=models.CASCADE, related_name="counts", verbose_name=_("event")
    )
    dimension = models.CharField(_("dimension"), max_length=10, choices=Dimension.choices)
    category = models.CharField(_("category"), max_length=24)
    count = models.PositiveIntegerField(_("count"))
    history = HistoricalRecords()

    class Meta:
        ordering = ["event", "dimension", "category"]
        verbose_name = _("participant count")
        verbose_name_plural = _("participant counts")
        constraints = [
            models.UniqueConstraint(
                fields=["event", "dimension", "category"], name="participant_count_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.event}: {self.dimension}={self.category} {self.count}"


class Participant(models.Model):
    """One person on an event's participant list. The name is optional and shown to others
    only with the person's consent; community membership is sensitive and never public."""

    class Gender(models.TextChoices):
        WOMAN = "woman", _("Woman")
        MAN = "man", _("Man")
        OTHER = "other", _("Another gender")
        NOT_STATED = "not_stated", _("Not stated")

    class Role(models.TextChoices):
        COMMUNITY = "community", _("Community representative")
        CIVIL_SOCIETY = "civil_society", _("Civil society")
        SERVICE_PROVIDER = "service_provider", _("Service provider")
        GOVERNMENT = "government", _("Government")
        INTERNATIONAL = "international", _("International organisation or donor")
        ACADEMIA = "academia", _("Academia or research")
        MEDIA = "media", _("Media")
        OTHER = "other", _("Other")

    event = models.ForeignKey(
        Event, on_delete=models.CASCADE, related_name="participants", verbose_name=_("event")
    )
    name = models.CharField(_("name"), max_length=200, blank=True)
    organisation = models.CharField(_("organisation"), max_length=300, blank=True)
    country = models.ForeignKey(
        Country,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("country"),
    )
    gender = models.CharField(
        _("gender"), max_length=10, choices=Gender.choices, default=Gender.NOT_STATED
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.OTHER)
    uses_drugs = models.BooleanField(
        _("person who uses drugs"),
        null=True,
        blank=True,
        help_text=_("Self-identified community membership; empty when not stated."),
    )
    consent_to_be_listed = models.BooleanField(_("consents to be listed by name"), default=False)
    history = HistoricalRecords()

    class Meta:
        ordering = ["event", "pk"]
        verbose_name = _("participant")
        verbose_name_plural = _("participants")

    def __str__(self) -> str:
        return self.name or str(_("participant #%(pk)s") % {"pk": self.pk})


class EventDocument(models.Model):
    class Kind(models.TextChoices):
        AGENDA = "agenda", _("Agenda")
        REPORT = "report", _("Report")
        PRESENTATION = "presentation", _("Presentation")
        PHOTO = "photo", _("Photo")
        OTHER = "other", _("Other")

    event = models.ForeignKey(
        Event, on_delete=models.CASCADE, related_name="documents", verbose_name=_("event")
    )
    kind = models.CharField(_("type"), max_length=12, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=300)
    file = models.FileField(_("file"), upload_to="events/%Y/%m/")
    is_public = models.BooleanField(_("public"), default=False)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("uploaded by"),
    )
    uploaded_at = models.DateTimeField(_("uploaded"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["event", "kind", "title"]
        verbose_name = _("event document")
        verbose_name_plural = _("event documents")

    def __str__(self) -> str:
        return self.title


class FeedbackResponse(models.Model):
    """One participant's answers to the post-event questionnaire, given without an account
    (`answers`: question code → answer, as defined in `data/feedback.yaml`)."""

    event = models.ForeignKey(
        Event, on_delete=models.CASCADE, related_name="feedback", verbose_name=_("event")
    )
    language = models.CharField(_("language"), max_length=8)
    answers = models.JSONField(_("answers"), default=dict)
    submitted_at = models.DateTimeField(_("submitted"), auto_now_add=True)

    class Meta:
        ordering = ["event", "submitted_at"]
        verbose_name = _("feedback response")
        verbose_name_plural = _("feedback responses")

    def __str__(self) -> str:
        return f"{self.event} — {self.submitted_at:%Y-%m-%d %H:%M}"


class Reflection(models.Model):
    """An expert's reflection on an event or on one of its documents, for the Secretariat's
    analysis of progress."""

    event = models.ForeignKey(
        Event, on_delete=models.CASCADE, related_name="reflections", verbose_name=_("event")
    )
    document = models.ForeignKey(
        EventDocument,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="reflections",
        verbose_name=_("document"),
    )
    expert_name = models.CharField(_("expert"), max_length=200)
    text = models.TextField(_("reflection"))
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
        ordering = ["event", "created_at"]
        verbose_name = _("expert reflection")
        verbose_name_plural = _("expert reflections")

    def __str__(self) -> str:
        return f"{self.expert_name}: {self.event}"
