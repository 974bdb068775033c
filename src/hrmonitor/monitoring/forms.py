"""Forms of the monitoring pages: a planned activity, its status, an event, its participant
counts, a participant list upload, a document."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from hrmonitor.core.forms import bootstrap, check_evidence_upload, check_upload_size, date_input
from hrmonitor.core.models import Country, Organisation, User
from hrmonitor.framework.models import Activity, Objective
from hrmonitor.monitoring import participants as pure
from hrmonitor.monitoring.models import Event, EventDocument, Participant, WorkplanItem

DATE = date_input()


class WorkplanItemForm(forms.Form):
    activity: forms.ModelChoiceField[Activity] = forms.ModelChoiceField(
        label=_("Framework activity"), queryset=Activity.objects.none()
    )
    title = forms.CharField(label=_("Title"), max_length=300)
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    start_date = forms.DateField(label=_("Start"), widget=DATE)
    end_date = forms.DateField(label=_("End"), widget=DATE)
    responsible: forms.ModelChoiceField[User] = forms.ModelChoiceField(
        label=_("Responsible person"), queryset=User.objects.none(), required=False
    )
    countries: forms.ModelMultipleChoiceField[Country] = forms.ModelMultipleChoiceField(
        label=_("Countries"),
        queryset=Country.objects.none(),
        required=False,
        help_text=_("None for a regional activity. Ctrl or ⌘ selects several."),
        widget=forms.SelectMultiple(attrs={"size": 8}),
    )
    budget_amount = forms.DecimalField(
        label=_("Budget"), required=False, min_value=0, max_digits=16, decimal_places=2
    )
    budget_currency = forms.CharField(label=_("Currency"), max_length=3, initial="USD")
    grant_reference = forms.CharField(
        label=_("Funding grant reference"), required=False, max_length=200
    )

    def __init__(self, *args: Any, users: QuerySet[User], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        activities = Activity.objects.select_related("objective").order_by(
            "objective__order", "order"
        )
        self.fields["activity"].queryset = activities  # type: ignore[attr-defined]
        self.fields["activity"].label_from_instance = (  # type: ignore[attr-defined]
            lambda a: f"{a.code} — {a.text[:90]}"
        )
        self.fields["responsible"].queryset = users  # type: ignore[attr-defined]
        self.fields["countries"].queryset = Country.objects.order_by("name")  # type: ignore[attr-defined]
        bootstrap(self)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("start_date"), data.get("end_date")
        if start and end and end < start:
            self.add_error("end_date", _("The end cannot be before the start."))
        return data


class WorkplanStatusForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=WorkplanItem.Status.choices)
    note = forms.CharField(
        label=_("Reason"),
        required=False,
        max_length=500,
        help_text=_("Needed when the activity is postponed or cancelled."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        bootstrap(self)


class EventForm(forms.Form):
    kind = forms.ChoiceField(label=_("Type"), choices=Event.Kind.choices)
    title = forms.CharField(label=_("Title"), max_length=300)
    start_date = forms.DateField(label=_("Start"), widget=DATE)
    end_date = forms.DateField(label=_("End"), widget=DATE)
    is_online = forms.BooleanField(label=_("Online"), required=False)
    place = forms.CharField(
        label=_("Place"),
        required=False,
        max_length=300,
        help_text=_("City and venue, or the platform."),
    )
    countries: forms.ModelMultipleChoiceField[Country] = forms.ModelMultipleChoiceField(
        label=_("Countries"),
        queryset=Country.objects.none(),
        required=False,
        help_text=_("None for a regional event. Ctrl or ⌘ selects several."),
        widget=forms.SelectMultiple(attrs={"size": 8}),
    )
    organisers: forms.ModelMultipleChoiceField[Organisation] = forms.ModelMultipleChoiceField(
        label=_("Organisers"),
        queryset=Organisation.objects.none(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 5}),
    )
    workplan_item: forms.ModelChoiceField[WorkplanItem] = forms.ModelChoiceField(
        label=_("Workplan activity"), queryset=WorkplanItem.objects.none(), required=False
    )
    objectives: forms.ModelMultipleChoiceField[Objective] = forms.ModelMultipleChoiceField(
        label=_("Strategic objectives"),
        queryset=Objective.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("The workplan activity's objective is added by itself."),
    )
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    outputs = forms.CharField(
        label=_("Outputs"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("What the event produced: agreements, plans, publications…"),
    )
    is_public = forms.BooleanField(
        label=_("Public (shown in the public calendar)"), required=False, initial=True
    )

    def __init__(self, *args: Any, countries: QuerySet[Country], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["countries"].queryset = countries  # type: ignore[attr-defined]
        self.fields["organisers"].queryset = Organisation.objects.order_by("name")  # type: ignore[attr-defined]
        self.fields["workplan_item"].queryset = WorkplanItem.objects.order_by(  # type: ignore[attr-defined]
            "-start_date"
        )
        self.fields["objectives"].queryset = Objective.objects.order_by("order")  # type: ignore[attr-defined]
        self.fields["objectives"].label_from_instance = (  # type: ignore[attr-defined]
            lambda o: f"{o.code} — {o.title[:80]}"
        )
        bootstrap(self)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("start_date"), data.get("end_date")
        if start and end and end < start:
            self.add_error("end_date", _("The end cannot be before the start."))
        return data


class CountsForm(forms.Form):
    """The entered participant counts: a total, then counts per category (empty: unknown)."""

    total = forms.IntegerField(label=_("Participants in all"), min_value=0, required=False)

    def __init__(self, *args: Any, countries: list[Country], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.groups: list[tuple[str, list[str]]] = []
        gender = dict(Participant.Gender.choices)
        roles = dict(Participant.Role.choices)
        community = {
            pure.PWUD: _("People who use drugs"),
            pure.WWUD: _("Women who use drugs (among them)"),
        }
        specs: list[tuple[str, Any, list[tuple[str, Any]]]] = [
            ("gender", _("By gender"), [(g, gender[g]) for g in pure.GENDERS]),
            ("community", _("Community membership"), list(community.items())),
            ("role", _("By role"), [(r, roles[r]) for r in pure.ROLES]),
            ("country", _("By country"), [(c.iso2, c.name) for c in countries]),
        ]
        for dimension, title, categories in specs:
            names = []
            for code, label in categories:
                name = f"{dimension}__{code}"
                self.fields[name] = forms.IntegerField(label=label, min_value=0, required=False)
                names.append(name)
            self.groups.append((str(title), names))
        bootstrap(self)

    def counts(self) -> dict[tuple[str, str], int]:
        found = {}
        for name, value in self.cleaned_data.items():
            if "__" in name and value is not None:
                dimension, category = name.split("__", 1)
                found[(dimension, category)] = int(value)
        return found

    def group_fields(self) -> list[tuple[str, list[forms.BoundField]]]:
        return [(title, [self[name] for name in names]) for title, names in self.groups]


class ParticipantListForm(forms.Form):
    file = forms.FileField(
        label=_("Registration list"),
        help_text=_("CSV or XLSX with a header row; the columns are described below."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        bootstrap(self)

    def clean_file(self) -> Any:
        upload = check_upload_size(self.cleaned_data.get("file"))
        if upload is not None and not upload.name.lower().endswith((".csv", ".xlsx")):
            raise forms.ValidationError(_("Upload a CSV or XLSX file."))
        return upload


class DocumentForm(forms.Form):
    kind = forms.ChoiceField(label=_("Type"), choices=EventDocument.Kind.choices)
    title = forms.CharField(label=_("Title"), max_length=300)
    file = forms.FileField(label=_("File"))
    is_public = forms.BooleanField(label=_("Public"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        bootstrap(self)

    def clean_file(self) -> Any:
        return check_evidence_upload(self.cleaned_data.get("file"))
