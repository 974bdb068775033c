"""The submissions of community-led monitoring: the list (filters, intake counts, pages,
downloads), one submission (its answers in the reader's language, the raw XML, attachments,
review, corrections and their history), and the wide CSV/XLSX export.

Reviewers (Perm.CLM_REVIEW) see the submissions of their countries, the Secretariat all of
them including those that could not be accepted; monitors see what they sent
(`access.clm_submissions_visible_to`)."""

from __future__ import annotations

import os
import re
import tempfile
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import (
    FileResponse,
    Http404,
    HttpRequest,
    HttpResponse,
    StreamingHttpResponse,
)
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from hrmonitor.clm import exports, selectors, services
from hrmonitor.clm.forms_submissions import (
    INTAKE_ALL,
    INTAKE_CURRENT,
    INTAKE_REJECTED,
    CorrectionForm,
    ReviewForm,
    SubmissionFilterForm,
    correctable_fields,
)
from hrmonitor.clm.models import Form, Submission
from hrmonitor.clm.xlsform import BINARY_TYPES, label_for
from hrmonitor.core import access
from hrmonitor.core.roles import Perm

PER_PAGE = 50
# The raw XML shown on the page of a submission that was not accepted; the download has it all.
RAW_SHOWN_BYTES = 100_000
EXPORT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def _require_clm_user(request: HttpRequest) -> None:
    """The submission pages are for monitors (their own) and reviewers (their countries)."""
    if not access.clm_participant(request.user):
        raise PermissionDenied


def _filtered(request: HttpRequest) -> tuple[SubmissionFilterForm, dict[str, Any], Any]:
    visible = access.clm_submissions_visible_to(request.user)
    filters = SubmissionFilterForm(
        request.GET, visible=visible, projects=access.clm_projects_visible_to(request.user)
    )
    selection = filters.selection()
    return filters, selection, visible


def _query_string(request: HttpRequest, **changes: str | None) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    for key, value in changes.items():
        query.pop(key, None)
        if value is not None:
            query[key] = value
    return query.urlencode()


# --- The list --------------------------------------------------------------------------------


@login_required
def submissions(request: HttpRequest) -> HttpResponse:
    """Submissions the user may see, filtered; counts of each intake outcome so that those not
    accepted are one click away."""
    _require_clm_user(request)
    filters, selection, visible = _filtered(request)
    found = selectors.submission_filter(visible, **selection).select_related(
        "form", "site", "country", "submitted_by", "app_user"
    )
    page = Paginator(found, PER_PAGE).get_page(request.GET.get("page"))
    counts = _intake_counts(visible, selection)
    chosen_form = filters.cleaned_data.get("form")
    return render(
        request,
        "clm/submissions.html",
        {
            "filters": filters,
            "page": page,
            "intake": selection["intake"],
            "counts": counts,
            "intake_links": _intake_links(request, counts),
            "query_string": _query_string(request),
            "chosen_form": chosen_form,
            "can_review": access.has_perm(request.user, Perm.CLM_REVIEW, anywhere=True),
        },
    )


def _intake_counts(visible: Any, selection: dict[str, Any]) -> dict[str, Any]:
    """How many of the filtered submissions are current, replaced, or not accepted (per
    reason): one grouped query, whatever the intake filter shows."""
    everything = selectors.submission_filter(visible, **{**selection, "intake": INTAKE_ALL})
    rows = (
        everything.order_by()
        .values("intake")
        .annotate(n=Count("pk"), current=Count("pk", filter=Q(superseded_by__isnull=True)))
    )
    by_intake = {row["intake"]: row for row in rows}
    accepted = by_intake.pop(Submission.Intake.ACCEPTED, {"n": 0, "current": 0})
    labels = dict(Submission.Intake.choices)
    return {
        "current": accepted["current"],
        "replaced": accepted["n"] - accepted["current"],
        "rejected": sum(row["n"] for row in by_intake.values()),
        "all": accepted["n"] + sum(row["n"] for row in by_intake.values()),
        "reasons": [
            (code, labels.get(code, code), row["n"]) for code, row in sorted(by_intake.items())
        ],
    }


def _intake_links(request: HttpRequest, counts: dict[str, Any]) -> list[dict[str, Any]]:
    current, rejected, total = counts["current"], counts["rejected"], counts["all"]
    links = [
        {
            "value": INTAKE_CURRENT,
            "n": current,
            "label": ngettext("%(n)s current", "%(n)s current", current) % {"n": current},
        },
        {
            "value": INTAKE_REJECTED,
            "n": rejected,
            "label": ngettext("%(n)s not accepted", "%(n)s not accepted", rejected)
            % {"n": rejected},
        },
        {
            "value": INTAKE_ALL,
            "n": total,
            "label": ngettext("%(n)s in all", "%(n)s in all", total) % {"n": total},
        },
    ]
    for link in links:
        link["query"] = _query_string(request, intake=link["value"])
    return links


# --- Export ----------------------------------------------------------------------------------


@login_required
def submissions_export(request: HttpRequest, fmt: str) -> HttpResponseBase:
    """The filtered submissions of one form, one row each and one column per question (see
    `hrmonitor.clm.exports`). Without a form chosen there are no columns to give: back to the
    list, which asks for one."""
    _require_clm_user(request)
    if fmt not in EXPORT_TYPES:
        raise Http404
    filters, selection, visible = _filtered(request)
    form: Form | None = filters.cleaned_data.get("form")
    if form is None:
        messages.warning(
            request,
            _(
                "Choose a form to download its submissions: each form has its own questions, "
                "so each gets its own table."
            ),
        )
        return redirect(f"{reverse('clm:submissions')}?{_query_string(request)}")
    fields, languages = exports.form_fields(form)
    rows = exports.submission_rows(selectors.submission_filter(visible, **selection))
    filename = f"{_safe_name(form.xml_form_id)}-submissions.{fmt}"
    response: HttpResponseBase
    if fmt == "csv":
        response = StreamingHttpResponse(
            exports.csv_chunks(fields, rows), content_type=EXPORT_TYPES[fmt]
        )
    else:
        handle, path = tempfile.mkstemp(suffix=".xlsx", prefix="hrmonitor-clm-")
        os.close(handle)
        try:
            exports.write_wide_xlsx(fields, rows, path, languages=languages)
            content = open(path, "rb")  # noqa: SIM115  # closed by FileResponse
        finally:
            os.unlink(path)  # the open handle keeps the data until the response is sent
        response = FileResponse(content, content_type=EXPORT_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _safe_name(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", text).strip("._") or "submission"


# --- One submission --------------------------------------------------------------------------


@login_required
def submission(request: HttpRequest, pk: int) -> HttpResponse:
    submission = access.clm_submission_get_for_user(request.user, pk)
    return _detail(request, submission)


def _can_review(request: HttpRequest, submission: Submission) -> bool:
    return submission.intake == Submission.Intake.ACCEPTED and access.has_perm(
        request.user, Perm.CLM_REVIEW, submission.country_id
    )


def _detail(
    request: HttpRequest,
    submission: Submission,
    *,
    review_form: ReviewForm | None = None,
    correction_form: CorrectionForm | None = None,
    status: int = 200,
) -> HttpResponse:
    language = getattr(request, "LANGUAGE_CODE", "en") or "en"
    fields = selectors.submission_fields(submission)
    attachments = {a.name: a for a in submission.attachments.all()}
    can_review = _can_review(request, submission)
    if can_review and review_form is None:
        review_form = ReviewForm(
            initial={"review": submission.review, "note": submission.review_note}
        )
    if can_review and correction_form is None and correctable_fields(fields):
        correction_form = CorrectionForm(fields=fields, language=language)
    labels = {f["path"]: label_for(f.get("labels") or {}, language) or f["name"] for f in fields}
    raw = bytes(submission.raw)
    replaces = None
    if submission.deprecated_id:
        replaces = (
            access.clm_submissions_visible_to(request.user)
            .filter(intake=Submission.Intake.ACCEPTED, instance_id=submission.deprecated_id)
            .only("pk", "instance_id")
            .first()
        )
    return render(
        request,
        "clm/submission.html",
        {
            "submission": submission,
            "answers": _answers(submission, fields, attachments, language) if fields else [],
            "attachments": list(attachments.values()),
            "raw_text": raw[:RAW_SHOWN_BYTES].decode("utf-8", errors="replace")
            if not fields
            else "",
            "raw_truncated": len(raw) > RAW_SHOWN_BYTES,
            "replaces": replaces,
            "events": _history(submission, labels),
            "review_form": review_form if can_review else None,
            "correction_form": correction_form if can_review else None,
            "sender": _sender(submission),
        },
        status=status,
    )


def _sender(submission: Submission) -> str:
    if submission.submitted_by is not None:
        return str(submission.submitted_by)
    if submission.app_user is not None:
        return _("%(name)s (app user)") % {"name": submission.app_user.display_name}
    return ""


def _choice_labels(field: dict[str, Any], language: str) -> dict[str, str]:
    return {
        str(c.get("name", "")): label_for(c.get("labels") or {}, language)
        for c in field.get("choices") or []
    }


def _cell(
    submission: Submission,
    field: dict[str, Any],
    value: Any,
    attachments: dict[str, Any],
    language: str,
    site_path: str,
) -> dict[str, Any]:
    """One answer as the page shows it (`html`): text in the reader's language, a choice's
    label with its code beside it (what a correction takes), a link for a file."""
    muted = '<span class="text-body-secondary small">{}</span>'
    if value is None or value == "":
        return {"html": format_html(muted, "—"), "empty": True}
    if isinstance(value, list):  # a nested repeat
        return {
            "html": format_html(
                muted, ngettext("%(n)s entry", "%(n)s entries", len(value)) % {"n": len(value)}
            )
        }
    value = str(value)
    kind = field.get("type", "")
    if kind in BINARY_TYPES:
        if value in attachments:
            url = reverse("clm:submission_attachment", args=[submission.pk, value])
            return {"html": format_html('<a href="{}">{}</a>', url, value)}
        return {"html": format_html("{} " + muted, value, _("(file not received)"))}
    if field["path"] == site_path and submission.site is not None and submission.site.code == value:
        url = reverse("clm:site", args=[submission.site_id])
        return {
            "html": format_html('<a href="{}">{}</a> ' + muted, url, submission.site.name, value)
        }
    choices = _choice_labels(field, language)
    if choices:
        several = kind.startswith("select all") or kind == "select_multiple"
        names = value.split() if several else [value]
        text = ", ".join(choices.get(name) or name for name in names)
        return {"html": format_html("{} " + muted, text, value), "text": text}
    return {
        "html": format_html(
            '<span class="text-break" style="white-space: pre-line">{}</span>', value
        ),
        "text": value,
    }


def _answers(
    submission: Submission,
    fields: list[dict[str, Any]],
    attachments: dict[str, Any],
    language: str,
) -> list[dict[str, Any]]:
    """The questions outside repeats in form order, each repeat as a sub-table, and any
    answer the form version does not describe at the end (labelled by its path)."""
    data = submission.data or {}
    site_path = selectors.version_schema_for(submission).site_path
    known = {f["path"] for f in fields}

    def label(field: dict[str, Any]) -> str:
        return label_for(field.get("labels") or {}, language) or field["name"]

    def rows_of(repeat: str, answers: dict[str, Any]) -> list[dict[str, Any]]:
        out: list[dict[str, Any]] = []
        for field in fields:
            if field.get("repeat", "") != repeat or field["type"] in {"group", "note"}:
                continue
            if field["type"] == "repeat":
                occurrences = answers.get(field["path"])
                if not isinstance(occurrences, list) or not occurrences:
                    out.append(
                        {
                            "label": label(field),
                            "path": field["path"],
                            "repeat": True,
                            "columns": [],
                            "rows": [],
                        }
                    )
                    continue
                children = [
                    f
                    for f in fields
                    if f.get("repeat") == field["path"] and f["type"] not in {"group", "note"}
                ]
                out.append(
                    {
                        "label": label(field),
                        "path": field["path"],
                        "repeat": True,
                        "columns": [label(c) for c in children],
                        "rows": [
                            [
                                _cell(
                                    submission,
                                    c,
                                    occurrence.get(c["path"])
                                    if isinstance(occurrence, dict)
                                    else None,
                                    attachments,
                                    language,
                                    site_path,
                                )
                                for c in children
                            ]
                            for occurrence in occurrences
                        ],
                    }
                )
                continue
            out.append(
                {
                    "label": label(field),
                    "path": field["path"],
                    **_cell(
                        submission,
                        field,
                        answers.get(field["path"]),
                        attachments,
                        language,
                        site_path,
                    ),
                }
            )
        return out

    rows = rows_of("", data)
    for path, value in data.items():
        if path not in known:
            text = value if isinstance(value, str) else str(value)
            rows.append(
                {
                    "label": path,
                    "path": path,
                    "other": True,
                    "html": format_html("{}", text),
                    "text": text,
                }
            )
    return rows


def _history(submission: Submission, labels: dict[str, str]) -> list[dict[str, Any]]:
    reviews = dict(Submission.Review.choices)
    history = []
    for event in submission.events.select_related("by"):
        if event.kind == event.Kind.REVIEW:
            old = reviews.get(str(event.old_value), event.old_value)
            new = reviews.get(str(event.new_value), event.new_value)
            question = ""
        else:
            old, new = event.old_value, event.new_value
            question = labels.get(event.question, event.question)
        history.append(
            {"event": event, "question": question, "path": event.question, "old": old, "new": new}
        )
    return history


@login_required
@require_POST
def submission_review(request: HttpRequest, pk: int) -> HttpResponse:
    submission = access.clm_submission_get_for_user(request.user, pk, write=True)
    form = ReviewForm(request.POST)
    if form.is_valid():
        try:
            services.submission_review(
                user=request.user,  # type: ignore[arg-type]
                submission=submission,
                review=form.cleaned_data["review"],
                note=form.cleaned_data["note"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                _("Review saved: %(status)s.") % {"status": submission.get_review_display()},
            )
            return redirect("clm:submission", pk=submission.pk)
    return _detail(request, submission, review_form=form, status=400)


@login_required
@require_POST
def submission_correct(request: HttpRequest, pk: int) -> HttpResponse:
    submission = access.clm_submission_get_for_user(request.user, pk, write=True)
    language = getattr(request, "LANGUAGE_CODE", "en") or "en"
    form = CorrectionForm(
        request.POST, fields=selectors.submission_fields(submission), language=language
    )
    if form.is_valid():
        question = form.cleaned_data["question"]
        try:
            services.submission_correct(
                user=request.user,  # type: ignore[arg-type]
                submission=submission,
                question=question,
                value=form.cleaned_data["value"],
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            label = dict(form.fields["question"].choices).get(question, question)  # type: ignore[attr-defined]
            messages.success(request, _("Answer corrected: %(question)s.") % {"question": label})
            return redirect("clm:submission", pk=submission.pk)
    return _detail(request, submission, correction_form=form, status=400)


@login_required
def submission_raw(request: HttpRequest, pk: int) -> HttpResponse:
    """The XML exactly as it arrived."""
    submission = access.clm_submission_get_for_user(request.user, pk)
    response = HttpResponse(bytes(submission.raw), content_type="text/xml")
    name = (
        _safe_name(submission.instance_id.removeprefix("uuid:"))
        if submission.instance_id
        else f"submission-{submission.pk}"
    )
    response["Content-Disposition"] = f'attachment; filename="{name}.xml"'
    return response


@login_required
def submission_attachment(request: HttpRequest, pk: int, name: str) -> FileResponse:
    submission = access.clm_submission_get_for_user(request.user, pk)
    attachment = submission.attachments.filter(name=name).first()
    if attachment is None or not attachment.file:
        raise Http404
    try:
        handle = attachment.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    return FileResponse(
        handle,
        as_attachment=True,
        filename=attachment.name,
        content_type=attachment.content_type or "application/octet-stream",
    )
