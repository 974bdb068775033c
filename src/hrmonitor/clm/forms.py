"""Forms of the CLM pages for projects, app users and questionnaires."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from hrmonitor.clm.models import Form, Project
from hrmonitor.clm.xlsform import SUPPORTED_EXTENSIONS
from hrmonitor.core.forms import bootstrap, check_upload_size
from hrmonitor.core.models import Country, Organisation, User


class ProjectForm(forms.ModelForm):
    class Meta:
        model = Project
        fields = ["name", "description", "country", "organisation", "is_active"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args: Any, countries: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if countries is not None:
            self.fields["country"].queryset = countries  # type: ignore[attr-defined]
        self.fields["organisation"].queryset = Organisation.objects.order_by("name")  # type: ignore[attr-defined]
        bootstrap(self)


class MonitorsForm(forms.Form):
    monitors = forms.ModelMultipleChoiceField(
        label=_("Monitors"),
        queryset=User.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_(
            "People with the community monitor or focal point role who fill this "
            "project's forms with their own account."
        ),
    )

    def __init__(self, *args: Any, candidates: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["monitors"].queryset = candidates  # type: ignore[attr-defined]
        bootstrap(self)


class AppUserForm(forms.Form):
    display_name = forms.CharField(
        label=_("Name of the phone or monitor"),
        max_length=100,
        help_text=_("For example “Aigerim’s phone”. Do not use a client’s name."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        bootstrap(self)


class XLSFormUploadForm(forms.Form):
    file = forms.FileField(
        label=_("XLSForm"),
        help_text=_(
            "An .xlsx, .xls, .csv or .md file in the XLSForm format. Labels in several "
            "languages use columns such as label::English (en) and "
            "label::Russian (ru)."
        ),
    )
    projects = forms.ModelMultipleChoiceField(
        label=_("Projects that use it"),
        queryset=Project.objects.filter(is_active=True).order_by("name"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, with_projects: bool = True, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not with_projects:
            del self.fields["projects"]
        self.fields["file"].widget.attrs["accept"] = ",".join(SUPPORTED_EXTENSIONS)
        bootstrap(self)

    def clean_file(self) -> Any:
        upload = check_upload_size(self.cleaned_data.get("file"))
        name = (upload.name or "").lower()
        if not name.endswith(SUPPORTED_EXTENSIONS):
            raise forms.ValidationError(_("Upload an XLSForm: an .xlsx, .xls, .csv or .md file."))
        return upload


class FormSettingsForm(forms.ModelForm):
    class Meta:
        model = Form
        fields = ["state", "projects", "green_from", "amber_from"]
        widgets = {"projects": forms.CheckboxSelectMultiple}
        help_texts = {
            "green_from": _("A score from this value up to 100 is green."),
            "amber_from": _("A score from this value up to green is amber; below it, red."),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["projects"].queryset = Project.objects.order_by("name")  # type: ignore[attr-defined]
        bootstrap(self)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        green, amber = data.get("green_from"), data.get("amber_from")
        if green is not None and amber is not None and amber > green:
            self.add_error("amber_from", _("Amber must start at or below the start of green."))
        return data


class MediaUploadForm(forms.Form):
    name = forms.ChoiceField(label=_("File the form uses"))
    file = forms.FileField(label=_("File"))

    def __init__(self, *args: Any, names: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["name"].choices = [(n, n) for n in names]  # type: ignore[attr-defined]
        bootstrap(self)

    def clean_file(self) -> Any:
        return check_upload_size(self.cleaned_data.get("file"))


def project_countries(scope_everywhere: bool, country_ids: frozenset[int]) -> Any:
    countries = Country.objects.order_by("name")
    return countries if scope_everywhere else countries.filter(pk__in=country_ids)
