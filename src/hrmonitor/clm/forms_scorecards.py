"""Forms of the scorecard and escalation pages: an escalation, and the filter of the list."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from hrmonitor.clm.models import Dimension, Escalation, Form, ServiceSite
from hrmonitor.core.forms import bootstrap, date_input
from hrmonitor.core.models import Country

DATE = date_input()


class EscalationForm(forms.Form):
    title = forms.CharField(label=_("Issue"), max_length=300)
    description = forms.CharField(
        label=_("Description"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("What monitors found, and what should change."),
    )
    country: forms.ModelChoiceField[Country] = forms.ModelChoiceField(
        label=_("Country"), queryset=Country.objects.none()
    )
    site: forms.ModelChoiceField[ServiceSite] = forms.ModelChoiceField(
        label=_("Site"),
        queryset=ServiceSite.objects.none(),
        required=False,
        help_text=_("Empty for an issue of the whole country's programme."),
    )
    form: forms.ModelChoiceField[Form] = forms.ModelChoiceField(
        label=_("Questionnaire"), queryset=Form.objects.none(), required=False
    )
    question = forms.CharField(
        label=_("Question"),
        max_length=200,
        required=False,
        help_text=_("The question's name in the form, as the scorecard gives it."),
    )
    dimension = forms.ChoiceField(label=_("Dimension"), required=False)
    period = forms.CharField(
        label=_("Period"),
        max_length=16,
        required=False,
        help_text=_(
            "When monitors found it: a year (2026), a quarter (2026Q3) or a month (2026-07)."
        ),
    )
    score = forms.DecimalField(
        label=_("Score when raised"),
        required=False,
        min_value=0,
        max_value=100,
        max_digits=4,
        decimal_places=1,
    )
    status = forms.ChoiceField(label=_("Status"), choices=Escalation.Status.choices)
    duty_bearer = forms.CharField(
        label=_("Duty-bearer"),
        max_length=300,
        required=False,
        help_text=_(
            "Who can fix it: the site's manager, the city health department… Needed once raised."
        ),
    )
    raised_on = forms.DateField(label=_("Raised on"), required=False, widget=DATE)
    response = forms.CharField(
        label=_("Response"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    response_on = forms.DateField(label=_("Response received on"), required=False, widget=DATE)
    resolved_on = forms.DateField(label=_("Resolved on"), required=False, widget=DATE)

    def __init__(
        self,
        *args: Any,
        countries: QuerySet[Country],
        sites: QuerySet[ServiceSite],
        forms_: QuerySet[Form],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["country"].queryset = countries  # type: ignore[attr-defined]
        self.fields["site"].queryset = sites  # type: ignore[attr-defined]
        self.fields["site"].label_from_instance = (  # type: ignore[attr-defined]
            lambda s: f"{s.name} ({s.code})"
        )
        self.fields["form"].queryset = forms_  # type: ignore[attr-defined]
        dimension: Any = self.fields["dimension"]
        dimension.choices = [("", "—"), *Dimension.choices]
        bootstrap(self)


class EscalationFilter(forms.Form):
    country = forms.ChoiceField(label=_("Country"), required=False)
    status = forms.ChoiceField(label=_("Status"), required=False)
    site = forms.TypedChoiceField(label=_("Site"), required=False, coerce=int, empty_value=None)
    overdue = forms.BooleanField(label=_("Overdue only"), required=False)

    def __init__(
        self, data: Any, *, countries: QuerySet[Country], sites: QuerySet[ServiceSite]
    ) -> None:
        super().__init__(data)
        country: Any = self.fields["country"]
        country.choices = [("", _("All countries"))] + [(c.iso2, c.name) for c in countries]
        status: Any = self.fields["status"]
        status.choices = [("", _("Any status")), *Escalation.Status.choices]
        site: Any = self.fields["site"]
        site.choices = [("", _("All sites"))] + [(str(s.pk), s.name) for s in sites]
        bootstrap(self)

    def value(self, name: str) -> Any:
        """The field's clean value, or None when empty or invalid (other fields still apply)."""
        self.is_valid()
        return self.cleaned_data.get(name)
