from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from hrmonitor.core.forms import check_evidence_upload, check_upload_size

# The upload checks are shared by every module (core.forms); importable from here too.
__all__ = ["EvidenceForm", "check_evidence_upload", "check_upload_size"]


class EvidenceForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=300)
    file = forms.FileField(label=_("File"), required=False)
    url = forms.URLField(label=_("Link"), required=False, max_length=1000, assume_scheme="https")

    def clean_file(self) -> Any:
        return check_evidence_upload(self.cleaned_data.get("file"))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("file") and not data.get("url"):
            raise forms.ValidationError(_("Attach a file or give a link."))
        return data


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("File"),
        help_text=_(
            "CSV or XLSX with a header row: indicator, country, period, disaggregation "
            "(optional), value, comment (optional)."
        ),
    )

    def clean_file(self) -> Any:
        upload = check_upload_size(self.cleaned_data["file"])
        if not upload.name.lower().endswith((".csv", ".txt", ".xlsx", ".xlsm", ".json")):
            raise forms.ValidationError(
                _("Upload a CSV or XLSX file, or a DHIS2 dataValueSets JSON file.")
            )
        return upload
