from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from hrmonitor.core.models import Country
from hrmonitor.framework.forms import check_evidence_upload
from hrmonitor.policy.models import PolicyArea


class StatusForm(forms.Form):
    """Record a change of a country's status in a policy area."""

    country: forms.ModelChoiceField[Country] = forms.ModelChoiceField(
        label=_("Country"), queryset=Country.objects.none()
    )
    area: forms.ModelChoiceField[PolicyArea] = forms.ModelChoiceField(
        label=_("Policy area"), queryset=PolicyArea.objects.none()
    )
    status = forms.ChoiceField(label=_("Status"))
    valid_from = forms.DateField(
        label=_("In force from"), widget=forms.DateInput(attrs={"type": "date"})
    )
    legal_reference = forms.CharField(
        label=_("Legal reference"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("The law, decree or regulation, with its number and date."),
    )
    evidence_url = forms.URLField(
        label=_("Evidence link"), required=False, max_length=1000, assume_scheme="https"
    )
    evidence_file = forms.FileField(label=_("Evidence file"), required=False)
    source = forms.CharField(
        label=_("Source"),
        required=False,
        max_length=1000,
        help_text=_("Where the fact comes from, e.g. a report or an official register."),
    )
    notes = forms.CharField(
        label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(
        self,
        *args: Any,
        countries: QuerySet[Country],
        areas: QuerySet[PolicyArea],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["country"].queryset = countries  # type: ignore[attr-defined]
        self.fields["area"].queryset = areas  # type: ignore[attr-defined]
        labels: dict[str, str] = {}
        for area in areas:
            for code in area.status_codes():
                labels.setdefault(code, area.status_label(code))
        self.status_labels = labels
        self.fields["status"].choices = [("", "—"), *labels.items()]  # type: ignore[attr-defined]
        for field in self.fields.values():
            css = "form-select" if isinstance(field.widget, forms.Select) else "form-control"
            field.widget.attrs.setdefault("class", css)

    def clean_evidence_file(self) -> Any:
        return check_evidence_upload(self.cleaned_data.get("evidence_file"))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        area, status = data.get("area"), data.get("status")
        if area is not None and status and status not in area.status_codes():
            self.add_error(
                "status",
                _("“%(status)s” is not a status of “%(area)s”.")
                % {
                    "status": self.status_labels.get(status, status),
                    "area": area.name,
                },
            )
        return data
