"""Forms of the efficiency assessment: a service delivery record, the import of a file of
records, and the report's choices."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.conf import settings
from django.db.models import QuerySet
from django.utils.translation import get_language_info
from django.utils.translation import gettext_lazy as _

from hrmonitor.clm.models import ServiceSite
from hrmonitor.core.forms import bootstrap, check_upload_size
from hrmonitor.core.models import Country

COUNT_HELP = _("Leave it empty when it is not known; write 0 only for none.")


def _count(label: Any, help_text: Any = COUNT_HELP) -> forms.IntegerField:
    return forms.IntegerField(label=label, required=False, min_value=0, help_text=help_text)


class DeliveryForm(forms.Form):
    """What a site, or a country's programme as a whole, delivered in a year and its cost.

    The country and site lists offer the places where the user may enter records; any
    existing country or site is accepted here, and the service refuses one outside the
    user's countries (403), as it does for every other way in."""

    site: forms.ModelChoiceField[ServiceSite] = forms.ModelChoiceField(
        label=_("Site"),
        queryset=ServiceSite.objects.select_related("country"),
        required=False,
        help_text=_("Empty for the country’s programme as a whole."),
    )
    country: forms.ModelChoiceField[Country] = forms.ModelChoiceField(
        label=_("Country"),
        queryset=Country.objects.all(),
        required=False,
        help_text=_("Needed without a site; with a site, its country is used."),
    )
    year = forms.IntegerField(label=_("Year"), min_value=1990, max_value=2100)
    clients_reached = _count(_("Clients reached"))
    syringes = _count(_("Syringes distributed"))
    oat_clients = _count(_("OAT clients"))
    naloxone_kits = _count(_("Naloxone kits distributed"))
    tests = _count(_("HIV/HCV tests"))
    cost = forms.DecimalField(
        label=_("Cost"),
        required=False,
        min_value=0,
        max_digits=16,
        decimal_places=2,
        help_text=_("What delivering these services cost in the year, in the currency below."),
    )
    currency = forms.CharField(
        label=_("Currency"),
        max_length=3,
        initial="USD",
        help_text=_("Three-letter code (USD, EUR, KZT…); converted with the year’s rate."),
    )
    source = forms.CharField(
        label=_("Source"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_(
            "Where the figures come from, e.g. the site’s annual report or a grant report."
        ),
    )
    notes = forms.CharField(
        label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(
        self,
        *args: Any,
        countries: QuerySet[Country],
        sites: QuerySet[ServiceSite],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        # Offered: the user's places. Accepted: any (the service decides who may).
        site_field = cast(forms.ModelChoiceField, self.fields["site"])
        country_field = cast(forms.ModelChoiceField, self.fields["country"])
        site_field.widget.choices = [
            ("", "—"),
            *((site.pk, f"{site.country.name}: {site.name} ({site.code})") for site in sites),
        ]
        country_field.widget.choices = [
            ("", "—"),
            *((country.pk, country.name) for country in countries),
        ]
        bootstrap(self)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        site, country = data.get("site"), data.get("country")
        if site is not None and country is None:
            data["country"] = site.country
        elif site is None and country is None and "country" not in self.errors:
            self.add_error("country", _("Choose a site, or the country for its programme."))
        return data


class DeliveriesImportForm(forms.Form):
    file = forms.FileField(
        label=_("File"), help_text=_("CSV or XLSX; the first row names the columns.")
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        bootstrap(self)

    def clean_file(self) -> Any:
        return check_upload_size(self.cleaned_data.get("file"))


class ReportForm(forms.Form):
    """The year, the countries (none chosen: all), the language and the format."""

    year = forms.TypedChoiceField(label=_("Year"), coerce=int)
    countries: forms.ModelMultipleChoiceField[Country] = forms.ModelMultipleChoiceField(
        label=_("Countries"),
        queryset=Country.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("None chosen: every country with records."),
    )
    language = forms.ChoiceField(label=_("Language of the report"))
    format = forms.ChoiceField(
        label=_("Format"), choices=[("pdf", "PDF"), ("docx", _("Word (DOCX)"))]
    )

    def __init__(
        self, *args: Any, years: list[int], countries: QuerySet[Country], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.TypedChoiceField, self.fields["year"]).choices = [(y, y) for y in years]
        cast(forms.ModelMultipleChoiceField, self.fields["countries"]).queryset = countries
        cast(forms.ChoiceField, self.fields["language"]).choices = [
            (code, get_language_info(code)["name_local"]) for code, _name in settings.LANGUAGES
        ]
        bootstrap(self)

    def job_params(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "year": data["year"],
            "countries": [country.pk for country in data["countries"]],
            "country_names": [country.iso2 for country in data["countries"]],
            "language": data["language"],
            "format": data["format"],
        }
