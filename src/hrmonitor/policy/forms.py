from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from hrmonitor.core.forms import bootstrap, check_evidence_upload
from hrmonitor.core.models import Country
from hrmonitor.policy.models import FundingSource, PolicyArea, ProgrammeArea


class _EvidenceForm(forms.Form):
    """The evidence every tracker record carries: a link, a file, notes."""

    evidence_url = forms.URLField(
        label=_("Evidence link"), required=False, max_length=1000, assume_scheme="https"
    )
    evidence_file = forms.FileField(label=_("Evidence file"), required=False)
    notes = forms.CharField(
        label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def clean_evidence_file(self) -> Any:
        return check_evidence_upload(self.cleaned_data.get("evidence_file"))


class StatusForm(_EvidenceForm):
    """Record a change of a country's status in a policy area."""

    field_order = [
        "country",
        "area",
        "status",
        "valid_from",
        "legal_reference",
        "evidence_url",
        "evidence_file",
        "source",
    ]

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
    source = forms.CharField(
        label=_("Source"),
        required=False,
        max_length=1000,
        help_text=_("Where the fact comes from, e.g. a report or an official register."),
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
        bootstrap(self)

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


class FundingForm(_EvidenceForm):
    """Record an amount of harm-reduction funding in a country and year."""

    field_order = [
        "country",
        "year",
        "source_category",
        "funder",
        "programme_area",
        "amount",
        "currency",
        "evidence_url",
        "evidence_file",
        "source",
    ]

    country: forms.ModelChoiceField[Country] = forms.ModelChoiceField(
        label=_("Country"), queryset=Country.objects.none()
    )
    year = forms.IntegerField(label=_("Year"), min_value=1990, max_value=2100)
    source_category = forms.ChoiceField(label=_("Source of funds"), choices=FundingSource.choices)
    funder = forms.CharField(
        label=_("Funder"),
        required=False,
        max_length=300,
        help_text=_("E.g. Ministry of Health, city of Almaty, the Global Fund."),
    )
    programme_area = forms.ChoiceField(
        label=_("Programme area"), choices=ProgrammeArea.choices, initial=ProgrammeArea.ALL
    )
    amount = forms.DecimalField(label=_("Amount"), min_value=0, max_digits=18, decimal_places=2)
    currency = forms.CharField(
        label=_("Currency"),
        max_length=3,
        initial="USD",
        help_text=_("Three-letter code (USD, EUR, KZT…); converted with the yearly rate."),
    )
    source = forms.CharField(
        label=_("Source"),
        required=False,
        max_length=1000,
        help_text=_("Where the figure comes from, e.g. a budget law or a grant agreement."),
    )

    def __init__(self, *args: Any, countries: QuerySet[Country], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["country"].queryset = countries  # type: ignore[attr-defined]
        bootstrap(self)


class ExchangeRateForm(forms.Form):
    """Set a currency's yearly rate to the US dollar."""

    currency = forms.CharField(label=_("Currency"), max_length=3)
    year = forms.IntegerField(label=_("Year"), min_value=1990, max_value=2100)
    usd_per_unit = forms.DecimalField(
        label=_("US dollars per unit"), min_value=0, max_digits=18, decimal_places=8
    )
    source = forms.CharField(
        label=_("Source"),
        required=False,
        max_length=1000,
        help_text=_("E.g. the central bank's yearly average rate."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        bootstrap(self)
