"""Forms of the case-work pages: intake (new case and its edit), an act, the legal analysis, a
response, the closure, a consent withdrawal and an evidence file.

Forms only validate input and offer choices; who may do what is decided by the services
(`rights.services`), which check the case roles and log every write.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django import forms
from django.db.models import Q, QuerySet
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from hrmonitor.core import access
from hrmonitor.core import forms as core_forms
from hrmonitor.core.forms import bootstrap, date_input
from hrmonitor.core.models import Country, Organisation, User
from hrmonitor.core.roles import Perm, Role, roles_with
from hrmonitor.rights import codes
from hrmonitor.rights.models import Case, CaseFile, Consent, LegalAnalysis, Response
from hrmonitor.rights.services import CONSENT_TEXT_VERSION

DATE = date_input()

# Evidence is documents, photos and voice recordings; anything else is refused before it is
# read (DESIGN.md: uploads size-limited and type-checked).
EVIDENCE_TYPES = core_forms.EVIDENCE_TYPES | {
    ".doc",
    ".rtf",
    ".heic",
    ".webp",
    ".mp3",
    ".m4a",
    ".ogg",
    ".opus",
    ".wav",
    ".amr",
}


def _yes_no(value: str) -> bool:
    return value == "yes"


def _yes_no_field(label: Any) -> forms.TypedChoiceField:
    return forms.TypedChoiceField(
        label=label,
        choices=[("", _("Not stated")), ("yes", _("Yes")), ("no", _("No"))],
        coerce=_yes_no,
        empty_value=None,
        required=False,
    )


def yes_no_initial(value: bool | None) -> str:
    """The form value of a yes / no / not stated answer."""
    return "" if value is None else ("yes" if value else "no")


# --- Intake ----------------------------------------------------------------------------------


class CaseIntakeForm(forms.Form):
    """What the client told: the fields of a case that can be corrected after intake."""

    channel = forms.ChoiceField(label=_("Intake channel"), choices=Case.Channel.choices)
    received_on = forms.DateField(label=_("Received"), widget=DATE)
    incident_date = forms.DateField(label=_("Date of the incident"), required=False, widget=DATE)
    incident_precision = forms.ChoiceField(
        label=_("Precision of the date"),
        choices=Case.Precision.choices,
        initial=Case.Precision.DAY,
        help_text=_("If only the month or the year is known, enter its first day."),
    )
    client_code = forms.CharField(
        label=_("Client code"),
        required=False,
        max_length=60,
        help_text=_("A code agreed with the client, never a name."),
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    gender = forms.ChoiceField(
        label=_("Gender"), choices=Case.Gender.choices, initial=Case.Gender.NOT_STATED
    )
    age_band = forms.ChoiceField(
        label=_("Age"), choices=Case.AgeBand.choices, initial=Case.AgeBand.NOT_STATED
    )
    province = forms.CharField(
        label=_("Province"),
        required=False,
        max_length=120,
        help_text=_("Region or city, never an address."),
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    key_groups = forms.MultipleChoiceField(
        label=_("Key groups"), required=False, widget=forms.CheckboxSelectMultiple
    )
    pregnant = _yes_no_field(_("Pregnant"))
    has_children = _yes_no_field(_("Has children"))
    custody = forms.ChoiceField(
        label=_("Custody of children"),
        choices=Case.Custody.choices,
        initial=Case.Custody.NOT_APPLICABLE,
    )
    narrative = forms.CharField(
        label=_("What happened"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_(
            "Write what happened, who did what, and when. Avoid names: of the client, of "
            "relatives and of officials."
        ),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Labels in the language of the request, not of the import.
        self.fields["key_groups"].choices = codes.choices("key_groups")  # type: ignore[attr-defined]
        bootstrap(self)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        received, incident = data.get("received_on"), data.get("incident_date")
        if received and incident and incident > received:
            self.add_error(
                "incident_date", _("The incident cannot be after the case was received.")
            )
        return data


def intake_places(user: User) -> tuple[QuerySet[Country], QuerySet[Organisation]]:
    """The countries and organisations `user` may record cases for, as choices: documenters
    their own organisation, coordinators the organisations of their countries. (The service
    decides; this only keeps impossible choices off the form.)"""
    scope = access.scope_for(user, Perm.RIGHTS_WRITE_CASES)
    countries = scope.filter(Country.objects.order_by("name"), field="pk")
    documenting = Q(pk__in=[])
    coordinating = Q(pk__in=[])
    for assignment in access.active_assignments(user):
        if assignment.role == Role.CASE_DOCUMENTER:
            if assignment.organisation_id:
                documenting |= Q(pk=assignment.organisation_id)
        elif assignment.role in roles_with(Perm.RIGHTS_WRITE_CASES):
            if assignment.country_id is None:
                coordinating |= Q(country__isnull=False)
            else:
                coordinating |= Q(country_id=assignment.country_id)
    organisations = Organisation.objects.filter(documenting | coordinating).order_by("name")
    return countries, organisations


class CaseNewForm(CaseIntakeForm):
    """A new case: where it is recorded and the client's consents, then the intake."""

    country: forms.ModelChoiceField[Country] = forms.ModelChoiceField(
        label=_("Country"), queryset=Country.objects.none()
    )
    organisation: forms.ModelChoiceField[Organisation] = forms.ModelChoiceField(
        label=_("Documenting organisation"), queryset=Organisation.objects.none()
    )
    consents = forms.MultipleChoiceField(
        label=_("The client consents to"),
        choices=Consent.Item.choices,
        widget=forms.CheckboxSelectMultiple,
    )

    field_order = ["country", "organisation", "consents"]

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        countries, organisations = intake_places(user)
        self.fields["country"].queryset = countries  # type: ignore[attr-defined]
        self.fields["organisation"].queryset = organisations  # type: ignore[attr-defined]
        only_countries = list(countries[:2])
        if len(only_countries) == 1:
            self.fields["country"].initial = only_countries[0]
        only_organisations = list(organisations[:2])
        if len(only_organisations) == 1:
            # A documenter records for their own organisation: shown, not chosen.
            self.fields["organisation"].initial = only_organisations[0]
            self.fields["organisation"].disabled = True
        self.fields["consents"].help_text = gettext(
            "Read the consent text (version %(version)s) to the client and tick only what "
            "they agree to. Without consent to record the case, nothing is kept. The client "
            "can withdraw each consent later."
        ) % {"version": CONSENT_TEXT_VERSION}

    def clean_consents(self) -> list[str]:
        chosen: list[str] = self.cleaned_data.get("consents") or []
        if Consent.Item.RECORD not in chosen:
            raise forms.ValidationError(_("The client must consent to the recording of the case."))
        return chosen

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        country, organisation = data.get("country"), data.get("organisation")
        if (
            country
            and organisation
            and organisation.country_id
            and organisation.country_id != country.pk
        ):
            self.add_error("organisation", _("This organisation works in another country."))
        return data


# --- Acts, analysis, responses, closure ------------------------------------------------------


class ActForm(forms.Form):
    violations = forms.MultipleChoiceField(
        label=_("Violations"), widget=forms.CheckboxSelectMultiple
    )
    perpetrator = forms.ChoiceField(label=_("Perpetrator"))
    involvement = forms.ChoiceField(label=_("Involvement"), initial="direct")
    occurred_on = forms.DateField(label=_("Date"), required=False, widget=DATE)
    description = forms.CharField(
        label=_("Description"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("What was done, by whom (by function, not by name), and how."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["violations"].choices = codes.choices("violations")  # type: ignore[attr-defined]
        self.fields["perpetrator"].choices = codes.choices("perpetrators")  # type: ignore[attr-defined]
        self.fields["involvement"].choices = codes.choices("involvement")  # type: ignore[attr-defined]
        bootstrap(self)


class AnalysisForm(forms.Form):
    qualification = forms.ChoiceField(
        label=_("Qualification"), choices=LegalAnalysis.Qualification.choices
    )
    confidence = forms.ChoiceField(label=_("Confidence"), choices=LegalAnalysis.Confidence.choices)
    rights = forms.MultipleChoiceField(
        label=_("Rights affected"), required=False, widget=forms.CheckboxSelectMultiple
    )
    national_law = forms.CharField(
        label=_("National law references"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    strategic = forms.BooleanField(
        label=_("Strategic case"),
        required=False,
        help_text=_("A case worth litigating or using in advocacy."),
    )
    text = forms.CharField(
        label=_("Analysis"), required=False, widget=forms.Textarea(attrs={"rows": 8})
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["rights"].choices = codes.article_choices()  # type: ignore[attr-defined]
        bootstrap(self)

    def rights_by_instrument(self) -> Iterator[tuple[str, list[Any]]]:
        """The rights checkboxes grouped by instrument ("ICCPR", "CRC"…), in code-list order."""
        groups: dict[str, list[Any]] = {}
        for choice in self["rights"]:
            groups.setdefault(str(choice.data["value"]).split(".")[0], []).append(choice)
        yield from groups.items()


class ResponseForm(forms.Form):
    kind = forms.ChoiceField(label=_("Type"), choices=Response.Kind.choices)
    referred = forms.BooleanField(label=_("Referred to another organisation"), required=False)
    referred_to = forms.CharField(
        label=_("Referred to"),
        required=False,
        max_length=300,
        help_text=_("The organisation or service, not a person's name."),
    )
    started_on = forms.DateField(label=pgettext_lazy("case response", "Started"), widget=DATE)
    status = forms.ChoiceField(
        label=_("Status"), choices=Response.Status.choices, initial=Response.Status.PLANNED
    )
    ended_on = forms.DateField(label=_("Ended"), required=False, widget=DATE)
    follow_up_on = forms.DateField(
        label=_("Follow-up due"),
        required=False,
        widget=DATE,
        help_text=_("You are reminded on this date while the response is not done."),
    )
    outcome = forms.CharField(
        label=_("Outcome"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        bootstrap(self)


class CloseForm(forms.Form):
    closure = forms.ChoiceField(label=_("Outcome"), choices=Case.Closure.choices)
    closed_on = forms.DateField(
        label=_("Closed"), required=False, widget=DATE, help_text=_("Empty: today.")
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        bootstrap(self)


class ConsentWithdrawForm(forms.Form):
    item = forms.ChoiceField(choices=Consent.Item.choices, widget=forms.HiddenInput)


# --- Files -----------------------------------------------------------------------------------


def check_evidence_file(upload: Any) -> Any:
    """Within the upload limit and of a type evidence comes in (voice recordings included)."""
    return core_forms.check_evidence_upload(
        upload,
        types=EVIDENCE_TYPES,
        message=_(
            "This type of file is not accepted. Use PDF, an image, an audio recording or an "
            "office document."
        ),
    )


class CaseFileForm(forms.Form):
    file = forms.FileField(label=_("File"))
    kind = forms.ChoiceField(label=_("Type"), choices=CaseFile.Kind.choices)
    access = forms.ChoiceField(
        label=_("Who may download it"),
        choices=CaseFile.Access.choices,
        initial=CaseFile.Access.CASE_TEAM,
        help_text=_("Medical records and anything very sensitive: analysts and coordinators."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        bootstrap(self)

    def clean_file(self) -> Any:
        return check_evidence_file(self.cleaned_data["file"])
