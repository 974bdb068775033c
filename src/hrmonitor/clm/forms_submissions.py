"""Forms of the submission pages: the list's filters, the review decision, the correction of
one answer. The rules themselves (a reason to flag or exclude, a valid choice…) are checked by
`hrmonitor.clm.services`; these forms only read the input."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from hrmonitor.clm.models import Form, Project, ServiceSite, Submission
from hrmonitor.clm.xlsform import BINARY_TYPES, label_for
from hrmonitor.core.models import Country

# `intake` filter values besides the Intake codes themselves.
INTAKE_CURRENT = "current"
INTAKE_REJECTED = "rejected"
INTAKE_ALL = "all"


def intake_choices() -> list[tuple[str, Any]]:
    return [
        (INTAKE_CURRENT, _("Current (accepted, not replaced)")),
        (INTAKE_REJECTED, _("Not accepted (any reason)")),
        (INTAKE_ALL, _("All, including replaced and not accepted")),
        *[(code, label) for code, label in Submission.Intake.choices],
    ]


class SubmissionFilterForm(forms.Form):
    """The list's filters, from the query string. Choices are limited to what the user's
    visible submissions contain, so no list grows with the whole register."""

    q = forms.CharField(label=_("Search"), required=False, max_length=200)
    form = forms.ModelChoiceField(
        label=_("Form"),
        queryset=Form.objects.none(),
        required=False,
        to_field_name="xml_form_id",
        empty_label=_("Any"),
    )
    project = forms.ModelChoiceField(
        label=_("Project"), queryset=Project.objects.none(), required=False, empty_label=_("Any")
    )
    country: forms.ModelChoiceField[Country] = forms.ModelChoiceField(
        label=_("Country"),
        queryset=Country.objects.none(),
        required=False,
        to_field_name="iso2",
        empty_label=_("Any"),
    )
    site = forms.ModelChoiceField(
        label=_("Site"),
        queryset=ServiceSite.objects.none(),
        required=False,
        to_field_name="code",
        empty_label=_("Any"),
    )
    review = forms.ChoiceField(label=_("Review"), required=False)
    intake = forms.ChoiceField(label=_("Intake"), required=False)
    date_from = forms.DateField(
        label=_("Interview from"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label=_("Interview to"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(
        self,
        data: Any,
        *,
        visible: QuerySet[Submission],
        projects: QuerySet[Project],
    ) -> None:
        super().__init__(data)
        in_visible = visible.order_by()
        self.fields["form"].queryset = Form.objects.filter(  # type: ignore[attr-defined]
            pk__in=in_visible.values("form_id")
        ).order_by("title")
        self.fields["project"].queryset = projects.order_by("name")  # type: ignore[attr-defined]
        self.fields["country"].queryset = Country.objects.filter(  # type: ignore[attr-defined]
            pk__in=in_visible.values("country_id")
        ).order_by("name")
        self.fields["site"].queryset = ServiceSite.objects.filter(  # type: ignore[attr-defined]
            pk__in=in_visible.values("site_id")
        ).order_by("name")
        self.fields["review"].choices = [  # type: ignore[attr-defined]
            ("", _("Any")),
            *Submission.Review.choices,
        ]
        self.fields["intake"].choices = intake_choices()  # type: ignore[attr-defined]
        for field in self.fields.values():
            css = (
                "form-select form-select-sm"
                if isinstance(field, forms.ChoiceField)
                else ("form-control form-control-sm")
            )
            field.widget.attrs.setdefault("class", css)

    def selection(self) -> dict[str, Any]:
        """The valid filters as keyword arguments of `selectors.submission_filter`; a filter
        given with an unknown value is left out (and shown as an error)."""
        self.is_valid()
        data = self.cleaned_data
        chosen = {name: data.get(name) for name in ("form", "project", "site", "country")}
        return {
            **{name: obj.pk if obj is not None else None for name, obj in chosen.items()},
            "review": data.get("review") or "",
            "intake": data.get("intake") or INTAKE_CURRENT,
            "date_from": data.get("date_from"),
            "date_to": data.get("date_to"),
            "q": (data.get("q") or "").strip(),
        }


class ReviewForm(forms.Form):
    review = forms.ChoiceField(label=_("Review status"), choices=Submission.Review.choices)
    note = forms.CharField(
        label=_("Reason"),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Needed to flag or exclude a submission; shown in its history."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["review"].widget.attrs["class"] = "form-select"
        self.fields["note"].widget.attrs["class"] = "form-control"


def correctable_fields(fields: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The questions a reviewer may correct here: outside repeats, not files, not notes."""
    return [
        f
        for f in fields
        if not f.get("repeat") and f["type"] not in BINARY_TYPES | {"repeat", "group", "note"}
    ]


class CorrectionForm(forms.Form):
    question = forms.ChoiceField(label=_("Question"))
    value = forms.CharField(
        label=_("New answer"),
        required=False,
        max_length=2000,
        help_text=_(
            "For a choice question, the answer’s name as the form defines it (shown beside "
            "the answer above); several names separated by spaces where several answers are "
            "allowed. Empty removes the answer."
        ),
    )
    reason = forms.CharField(
        label=_("Reason"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Why the answer is corrected; kept in the submission’s history."),
    )

    def __init__(
        self, *args: Any, fields: list[dict[str, Any]], language: str, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["question"].choices = [  # type: ignore[attr-defined]
            ("", "—"),
            *[
                (
                    f["path"],
                    f"{label_for(f.get('labels') or {}, language) or f['name']} ({f['path']})",
                )
                for f in correctable_fields(fields)
            ],
        ]
        self.fields["question"].widget.attrs["class"] = "form-select"
        self.fields["value"].widget.attrs["class"] = "form-control"
        self.fields["reason"].widget.attrs["class"] = "form-control"
