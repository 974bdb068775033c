from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

ALLOWED_EVIDENCE_TYPES = {
    ".pdf",
    ".png",
    ".jpg",
    ".jpeg",
    ".docx",
    ".xlsx",
    ".odt",
    ".ods",
    ".txt",
    ".csv",
}


def check_upload_size(upload: Any) -> Any:
    """Refuse an upload above HRMONITOR_MAX_UPLOAD_MB, saying the limit."""
    if upload is not None and upload.size > settings.HRMONITOR_MAX_UPLOAD_BYTES:
        raise forms.ValidationError(
            _("The file is larger than %(mb)d MB.")
            % {"mb": settings.HRMONITOR_MAX_UPLOAD_BYTES // (1024 * 1024)}
        )
    return upload


def check_evidence_upload(upload: Any) -> Any:
    """An evidence document of any module: within the size limit and of an accepted type."""
    if upload is None:
        return None
    check_upload_size(upload)
    if not upload.name.lower().endswith(tuple(ALLOWED_EVIDENCE_TYPES)):
        raise forms.ValidationError(
            _("This type of file is not accepted. Use PDF, an image, or an office document.")
        )
    return upload


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
