"""Forms of the service-site register: a site, and the upload of a list of sites."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from hrmonitor.clm.models import Service, ServiceSite, SiteKind
from hrmonitor.core.forms import bootstrap, check_upload_size
from hrmonitor.core.models import Country, Organisation

UPLOAD_SUFFIXES = (".csv", ".txt", ".xlsx", ".xlsm")


class CoordinateField(forms.DecimalField):
    """A latitude or longitude as people type it: "41.7151" or, in Russian, "41,7151". Shown
    as a text box (a number box refuses the decimal comma and rounds to its step)."""

    def __init__(self, *, limit: int, **kwargs: Any) -> None:
        super().__init__(
            min_value=Decimal(-limit),
            max_value=Decimal(limit),
            max_digits=12,
            required=False,
            widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
            **kwargs,
        )

    def to_python(self, value: Any) -> Decimal | None:  # type: ignore[override]  # stubs: int
        if isinstance(value, str):
            value = value.strip().replace(" ", "")
            if "," in value and "." not in value:
                value = value.replace(",", ".")
        return super().to_python(value)


class SiteForm(forms.Form):
    code = forms.SlugField(
        label=_("Code"),
        max_length=40,
        help_text=ServiceSite._meta.get_field("code").help_text,
    )
    name = forms.CharField(label=_("Name"), max_length=300)
    kind = forms.ChoiceField(label=_("Type"), choices=SiteKind.choices)
    country: forms.ModelChoiceField[Country] = forms.ModelChoiceField(
        label=_("Country"), queryset=Country.objects.none()
    )
    locality = forms.CharField(label=_("Province or city"), max_length=200, required=False)
    operator: forms.ModelChoiceField[Organisation] = forms.ModelChoiceField(
        label=_("Operator"),
        queryset=Organisation.objects.none(),
        required=False,
        help_text=_("The organisation that runs the site, if it is in the list."),
    )
    services = forms.MultipleChoiceField(
        label=_("Services"),
        choices=Service.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    hours = forms.CharField(
        label=_("Opening hours"),
        max_length=300,
        required=False,
        help_text=_("As the site announces them, e.g. Mon–Fri 9:00–18:00."),
    )
    latitude = CoordinateField(
        label=_("Latitude"), limit=90, help_text=_("Decimal degrees, e.g. 42.874621.")
    )
    longitude = CoordinateField(
        label=_("Longitude"), limit=180, help_text=_("Decimal degrees, e.g. 74.569762.")
    )
    status = forms.ChoiceField(
        label=_("Status"), choices=ServiceSite.Status.choices, initial=ServiceSite.Status.ACTIVE
    )

    def __init__(self, *args: Any, countries: QuerySet[Country], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        country = self.fields["country"]
        # Any of the countries is a valid answer; the list offers those where the user may add
        # sites. Whether the user may use the country they send is the service's decision
        # (site_save refuses with 403), not a form error.
        country.queryset = Country.objects.all()  # type: ignore[attr-defined]
        country.widget.choices = [("", "---------"), *((c.pk, c.name) for c in countries)]
        self.fields["operator"].queryset = Organisation.objects.order_by("name")  # type: ignore[attr-defined]
        bootstrap(self)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        latitude, longitude = data.get("latitude"), data.get("longitude")
        if "latitude" not in self.errors and "longitude" not in self.errors:
            if latitude is None and longitude is not None:
                self.add_error(
                    "latitude", _("Give both the latitude and the longitude, or neither.")
                )
            elif longitude is None and latitude is not None:
                self.add_error(
                    "longitude", _("Give both the latitude and the longitude, or neither.")
                )
        return data


class SitesImportForm(forms.Form):
    file = forms.FileField(
        label=_("List of sites"),
        help_text=_("CSV or XLSX with a header row; the columns are described below."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["file"].widget.attrs["accept"] = ",".join(UPLOAD_SUFFIXES)
        bootstrap(self)

    def clean_file(self) -> Any:
        upload = check_upload_size(self.cleaned_data.get("file"))
        if upload is not None and not upload.name.lower().endswith(UPLOAD_SUFFIXES):
            raise forms.ValidationError(_("Upload a CSV or XLSX file."))
        return upload
