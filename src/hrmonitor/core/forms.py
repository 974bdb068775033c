"""What every module's forms share: Bootstrap classes on widgets, the date input, and the
checks of an upload (size limit, accepted types of evidence)."""

from __future__ import annotations

from collections.abc import Collection
from pathlib import Path
from typing import Any

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

# Documents, images and office files; case documentation also takes voice recordings.
EVIDENCE_TYPES = frozenset(
    {".pdf", ".png", ".jpg", ".jpeg", ".docx", ".xlsx", ".odt", ".ods", ".txt", ".csv"}
)


def date_input() -> forms.DateInput:
    """A date field as the browser's date picker (ISO value, so it round-trips)."""
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def bootstrap(form: forms.BaseForm) -> None:
    """Give each widget of `form` its Bootstrap 5 class (unless it has one)."""
    for field in form.fields.values():
        widget = field.widget
        if isinstance(widget, forms.CheckboxInput | forms.CheckboxSelectMultiple):
            widget.attrs.setdefault("class", "form-check-input")
        elif isinstance(widget, forms.RadioSelect):
            continue
        elif isinstance(widget, forms.Select | forms.SelectMultiple):
            widget.attrs.setdefault("class", "form-select")
        else:
            widget.attrs.setdefault("class", "form-control")


def check_upload_size(upload: Any) -> Any:
    """Refuse an upload above HRMONITOR_MAX_UPLOAD_MB, saying the limit."""
    if upload is not None and upload.size > settings.HRMONITOR_MAX_UPLOAD_BYTES:
        raise forms.ValidationError(
            _("The file is larger than %(mb)d MB.")
            % {"mb": settings.HRMONITOR_MAX_UPLOAD_BYTES // (1024 * 1024)}
        )
    return upload


WRONG_TYPE = _("This type of file is not accepted. Use PDF, an image, or an office document.")


def check_evidence_upload(
    upload: Any, *, types: Collection[str] = EVIDENCE_TYPES, message: Any = WRONG_TYPE
) -> Any:
    """An evidence document of any module: within the size limit and of an accepted type
    (`message` says which types, when a module accepts others)."""
    if upload is None:
        return None
    check_upload_size(upload)
    if Path(upload.name or "").suffix.lower() not in types:
        raise forms.ValidationError(message)
    return upload
