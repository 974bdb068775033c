"""The page that imports policy statuses, funding records, funding needs and exchange rates
from a CSV or XLSX file (a check first, then every row or none), and its blank templates."""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext_lazy, ngettext

from hrmonitor.core import access
from hrmonitor.core.forms import check_upload_size
from hrmonitor.core.roles import Perm
from hrmonitor.framework.exports import Table
from hrmonitor.framework.views import _export
from hrmonitor.policy import importing, selectors
from hrmonitor.policy.models import FundingSource, ProgrammeArea

UPLOAD_SUFFIXES = (".csv", ".txt", ".xlsx", ".xlsm")
TEMPLATE_FORMATS = ("csv", "xlsx")


class ImportForm(forms.Form):
    kind = forms.ChoiceField(
        label=gettext_lazy("What the file holds"),
        choices=importing.Kind.choices,
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    file = forms.FileField(
        label=gettext_lazy("File"),
        help_text=gettext_lazy("CSV or XLSX with a header row; the columns are described below."),
    )

    def clean_file(self) -> Any:
        upload = check_upload_size(self.cleaned_data["file"])
        if not upload.name.lower().endswith(UPLOAD_SUFFIXES):
            raise forms.ValidationError(gettext_lazy("Upload a CSV or XLSX file."))
        return upload


def _require_permission(request: HttpRequest) -> None:
    """Focal points (for their countries) and the Secretariat import; each row is checked
    against the user's countries by the services."""
    if not access.scope_for(request.user, Perm.FRAMEWORK_ENTER_DATA).anywhere:
        raise PermissionDenied


@contextmanager
def _saved(upload: Any) -> Iterator[Path]:
    """The upload as a file on disk, named with its extension (the XLSX reader insists)."""
    suffix = Path(upload.name).suffix.lower()
    with tempfile.TemporaryDirectory(prefix="hrmonitor-import-") as folder:
        path = Path(folder) / f"upload{suffix}"
        with path.open("wb") as handle:
            for chunk in upload.chunks():
                handle.write(chunk)
        yield path


def _kinds() -> list[dict[str, Any]]:
    return [
        {"code": code, "label": spec.kind.label, "columns": spec.columns}
        for code, spec in importing.KINDS.items()
    ]


@login_required
def import_page(request: HttpRequest) -> HttpResponse:
    """Upload a file of one kind: "Check" lists every problem by row and column (nothing is
    written), "Import" writes every row or, when there is any problem, none."""
    _require_permission(request)
    initial = {"kind": request.GET.get("kind") or importing.Kind.STATUSES}
    form = ImportForm(request.POST or None, request.FILES or None, initial=initial)
    outcome: importing.Outcome | None = None
    write = request.POST.get("action") == "import"
    if request.method == "POST" and form.is_valid():
        kind, upload = form.cleaned_data["kind"], form.cleaned_data["file"]
        run = importing.apply if write else importing.check
        try:
            with _saved(upload) as path:
                outcome = run(request.user, kind, path, upload.name)  # type: ignore[arg-type]
        except importing.TableFileError as error:
            form.add_error("file", str(error))
        else:
            if write and not outcome.problems:
                messages.success(
                    request,
                    ngettext(
                        "%(count)d row was imported.",
                        "%(count)d rows were imported.",
                        outcome.written,
                    )
                    % {"count": outcome.written},
                )
                return redirect(f"{reverse('policy:import')}?kind={kind}")
    return render(
        request,
        "policy/import.html",
        {
            "form": form,
            "outcome": outcome,
            "write": write,
            "kinds": _kinds(),
            "areas": [
                {
                    "code": area.code,
                    "name": area.name,
                    "statuses": [(code, area.status_label(code)) for code in area.status_codes()],
                }
                for area in selectors.areas()
            ],
            "funding_sources": FundingSource.choices,
            "programme_areas": ProgrammeArea.choices,
            "max_rows": importing.MAX_ROWS,
        },
    )


@login_required
def import_template(request: HttpRequest, kind: str, fmt: str) -> HttpResponseBase:
    """A blank file of one kind: the header (in the user's language) and one example row."""
    _require_permission(request)
    if kind not in importing.KINDS or fmt not in TEMPLATE_FORMATS:
        raise Http404
    header, rows = importing.template_rows(kind)
    table = Table(title=str(importing.KINDS[kind].kind.label), header=header, rows=rows)
    return _export(table, fmt, f"hrmonitor-{kind}-template")
