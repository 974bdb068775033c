"""Pages of community-led monitoring: the overview, projects with their monitors and app
users (ODK Collect QR codes), and questionnaires (XLSForm upload, versions, settings, the
scorecard mapping, media files). Sites, submissions, scorecards, the web form and the
efficiency assessment have their own view modules."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from hrmonitor.clm import selectors, services
from hrmonitor.clm.forms import (
    AppUserForm,
    FormSettingsForm,
    MediaUploadForm,
    MonitorsForm,
    ProjectForm,
    XLSFormUploadForm,
    project_countries,
)
from hrmonitor.clm.models import AppUser, Dimension, Form, FormVersion, Project, ServiceSite
from hrmonitor.clm.xlsform import XLSFormError, label_for, markdown_to_xlsx
from hrmonitor.core import access
from hrmonitor.core.roles import Perm


def require_clm(request: HttpRequest) -> None:
    """CLM pages are for monitors, focal points and the Secretariat."""
    if not access.clm_participant(request.user):
        raise PermissionDenied


def _require_manage(request: HttpRequest) -> None:
    access.require_perm(request.user, Perm.CLM_MANAGE, anywhere=True)


def _require_review(request: HttpRequest) -> None:
    access.require_perm(request.user, Perm.CLM_REVIEW, anywhere=True)


def openrosa_url(request: HttpRequest, project: Project) -> str:
    """The server URL a monitor types into ODK Collect (with their own account)."""
    return request.build_absolute_uri(f"/openrosa/projects/{project.pk}")


@login_required
def home(request: HttpRequest) -> HttpResponse:
    require_clm(request)
    user = request.user
    submitter_projects = list(
        selectors.projects_for_submitter(user)  # type: ignore[arg-type]
        .select_related("country")
        .prefetch_related("forms")
    )
    visible = selectors.submissions_visible_to(user)  # type: ignore[arg-type]
    month_start = timezone.localdate().replace(day=1)
    current = selectors.current_submissions(visible)
    context: dict[str, Any] = {
        "projects": submitter_projects,
        "project_forms": [
            (p, [f for f in p.forms.all() if f.state == Form.State.OPEN and f.current_version_id])
            for p in submitter_projects
        ],
        "counts": {
            "submissions": current.count(),
            "this_month": current.filter(received_at__date__gte=month_start).count(),
            "rejected": visible.exclude(intake="accepted").count(),
            "pending": current.filter(review="pending").count(),
            "sites": ServiceSite.objects.exclude(status=ServiceSite.Status.CLOSED).count(),
            "forms": Form.objects.exclude(state=Form.State.CLOSED).count(),
        },
        "recent": current.select_related("form", "site", "country")[:8],
        "can_review": access.has_perm(user, Perm.CLM_REVIEW, anywhere=True),
        "can_manage": access.has_perm(user, Perm.CLM_MANAGE, anywhere=True),
    }
    return render(request, "clm/home.html", context)


# --- Projects ----------------------------------------------------------------------------------


@login_required
def projects(request: HttpRequest) -> HttpResponse:
    require_clm(request)
    rows = (
        access.clm_projects_visible_to(request.user)
        .select_related("country", "organisation")
        .annotate(
            n_forms=Count("forms", distinct=True),
            n_monitors=Count("monitors", distinct=True),
            n_app_users=Count(
                "app_users", filter=Q(app_users__revoked_at__isnull=True), distinct=True
            ),
        )
        .order_by("-is_active", "name")
    )
    return render(
        request,
        "clm/projects.html",
        {
            "projects": rows,
            "can_create": access.has_perm(request.user, Perm.CLM_REVIEW, anywhere=True),
        },
    )


@login_required
def project(request: HttpRequest, pk: int) -> HttpResponse:
    require_clm(request)
    item = access.clm_project_get_for_user(request.user, pk)
    may_manage = access.has_perm(request.user, Perm.CLM_REVIEW, item.country_id)
    monitors_form = None
    if may_manage:
        monitors_form = MonitorsForm(
            request.POST or None,
            candidates=selectors.monitor_candidates(item),
            initial={"monitors": item.monitors.all()},
        )
        if request.method == "POST" and monitors_form.is_valid():
            item.monitors.set(monitors_form.cleaned_data["monitors"])
            messages.success(request, _("The project's monitors were saved."))
            return redirect("clm:project", pk=item.pk)
    elif request.method == "POST":
        raise PermissionDenied
    forms = list(item.forms.select_related("current_version").order_by("title"))
    return render(
        request,
        "clm/project.html",
        {
            "project": item,
            "forms": forms,
            "monitors": item.monitors.order_by("username"),
            "app_users": item.app_users.select_related("created_by").order_by(
                "revoked_at", "display_name"
            ),
            "may_manage": may_manage,
            "monitors_form": monitors_form,
            "server_url": openrosa_url(request, item),
            "is_monitor": item.monitors.filter(pk=getattr(request.user, "pk", 0)).exists(),
            "app_user_form": AppUserForm(),
        },
    )


@login_required
def project_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    _require_review(request)
    scope = access.scope_for(request.user, Perm.CLM_REVIEW)
    instance = access.clm_project_get_for_user(request.user, pk, manage=True) if pk else None
    form = ProjectForm(
        request.POST or None,
        instance=instance,
        countries=project_countries(scope.everywhere, scope.country_ids),
    )
    if not scope.everywhere:
        form.fields["country"].required = True
    if request.method == "POST" and form.is_valid():
        country = form.cleaned_data.get("country")
        if not scope.allows(country.pk if country else None):
            raise PermissionDenied
        saved = form.save()
        messages.success(request, _("The project was saved."))
        return redirect("clm:project", pk=saved.pk)
    return render(request, "clm/project_edit.html", {"form": form, "project": instance})


@login_required
def app_user_new(request: HttpRequest, pk: int) -> HttpResponse:
    """Create an app user and show its QR code once: scanning it in ODK Collect ("Configure
    with QR code") sets the server URL with the token; nothing else is needed."""
    item = access.clm_project_get_for_user(request.user, pk, manage=True)
    form = AppUserForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        app_user, token = services.app_user_create(
            user=request.user,  # type: ignore[arg-type]
            project=item,
            display_name=form.cleaned_data["display_name"],
        )
        server_url = request.build_absolute_uri(f"/openrosa/key/{token}/projects/{item.pk}")
        settings_dict = services.collect_settings(server_url=server_url, project=item)
        return render(
            request,
            "clm/app_user_created.html",
            {
                "project": item,
                "app_user": app_user,
                "server_url": server_url,
                "qr_svg": services.collect_qr_svg(settings_dict),
                "insecure": not request.is_secure(),
            },
        )
    return render(request, "clm/app_user_new.html", {"project": item, "form": form})


@require_POST
@login_required
def app_user_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    app_user = get_object_or_404(AppUser.objects.select_related("project"), pk=pk)
    project_ = access.clm_project_get_for_user(request.user, app_user.project_id, manage=True)
    services.app_user_revoke(user=request.user, app_user=app_user)  # type: ignore[arg-type]
    messages.success(
        request,
        _("%(name)s can no longer send or download forms.") % {"name": app_user.display_name},
    )
    return redirect("clm:project", pk=project_.pk)


# --- Forms ----------------------------------------------------------------------------------


@login_required
def forms(request: HttpRequest) -> HttpResponse:
    require_clm(request)
    rows = (
        access.clm_forms_visible_to(request.user)
        .select_related("current_version")
        .prefetch_related("projects")
        .annotate(
            n_submissions=Count(
                "submissions",
                filter=Q(submissions__intake="accepted", submissions__superseded_by__isnull=True),
            ),
            n_versions=Count("versions", distinct=True),
        )
        .order_by("title")
    )
    return render(
        request,
        "clm/forms.html",
        {
            "forms": rows,
            "can_manage": access.has_perm(request.user, Perm.CLM_MANAGE, anywhere=True),
        },
    )


@login_required
def form_upload(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    """Upload an XLSForm: a new form, or (from a form's page) a new version of it. pyxform's
    errors come back on the page, translated; its warnings are shown on the form's page."""
    _require_manage(request)
    existing = get_object_or_404(Form, pk=pk) if pk else None
    upload_form = XLSFormUploadForm(
        request.POST or None, request.FILES or None, with_projects=existing is None
    )
    errors: list[str] = []
    if request.method == "POST" and upload_form.is_valid():
        upload = upload_form.cleaned_data["file"]
        try:
            result = services.form_upload(
                user=request.user,  # type: ignore[arg-type]
                content=upload.read(),
                filename=upload.name,
                form=existing,
                projects=upload_form.cleaned_data.get("projects") or (),
            )
        except XLSFormError as exc:
            errors = exc.messages
        except ValidationError as exc:
            errors = list(exc.messages)
        else:
            version = result.version
            if result.created_form:
                text = _("The form “%(title)s” was created (version %(version)s).")
            else:
                text = _("Version %(version)s of “%(title)s” was uploaded.")
            messages.success(
                request, text % {"title": version.form.title, "version": version.version}
            )
            if version.warnings:
                messages.warning(
                    request,
                    _("pyxform noted %(n)d warning(s); see below.") % {"n": len(version.warnings)},
                )
            return redirect("clm:form", pk=version.form_id)
    return render(
        request,
        "clm/form_upload.html",
        {
            "form": upload_form,
            "existing": existing,
            "errors": errors,
        },
        status=400 if errors else 200,
    )


def _form_get(request: HttpRequest, pk: int) -> Form:
    form = (
        access.clm_forms_visible_to(request.user)
        .filter(pk=pk)
        .select_related("current_version")
        .first()
    )
    if form is None:
        raise Http404
    return form


def _questions(version: FormVersion | None, language: str) -> list[dict[str, Any]]:
    if version is None:
        return []
    return [
        {**field, "label": label_for(field.get("labels", {}), language)} for field in version.fields
    ]


@login_required
def form(request: HttpRequest, pk: int) -> HttpResponse:
    require_clm(request)
    item = _form_get(request, pk)
    version = item.current_version
    language = request.LANGUAGE_CODE
    media = []
    if version is not None:
        stored = {m.name: m for m in version.media_files.all()}
        for name in version.media:
            media.append(
                {
                    "name": name,
                    "generated": name == selectors.SITES_FILE,
                    "stored": stored.get(name),
                }
            )
    labels = {q["path"]: q["label"] for q in _questions(version, language)}
    score_items = [
        {"item": s, "label": labels.get(s.question, s.question)} for s in item.score_items.all()
    ]
    submitter_projects = selectors.projects_for_submitter(request.user)  # type: ignore[arg-type]
    return render(
        request,
        "clm/form.html",
        {
            "item": item,
            "version": version,
            "versions": item.versions.select_related("created_by").order_by("-created_at"),
            "questions": [q for q in _questions(version, language) if q["type"] != "repeat"],
            "media": media,
            "score_items": score_items,
            "projects": item.projects.order_by("name"),
            "fill_projects": item.projects.filter(pk__in=submitter_projects.values("pk")),
            "can_manage": access.has_perm(request.user, Perm.CLM_MANAGE, anywhere=True),
            "media_form": MediaUploadForm(names=[m["name"] for m in media if not m["generated"]])
            if media
            else None,
            "n_submissions": selectors.current_submissions(item.submissions.all()).count(),
        },
    )


@login_required
def form_settings(request: HttpRequest, pk: int) -> HttpResponse:
    _require_manage(request)
    item = get_object_or_404(Form, pk=pk)
    settings_form = FormSettingsForm(request.POST or None, instance=item)
    if request.method == "POST" and settings_form.is_valid():
        data = settings_form.cleaned_data
        services.form_settings_save(
            user=request.user,  # type: ignore[arg-type]
            form=item,
            state=data["state"],
            green_from=data["green_from"],
            amber_from=data["amber_from"],
            projects=list(data["projects"]),
        )
        messages.success(request, _("The form's settings were saved."))
        return redirect("clm:form", pk=item.pk)
    return render(request, "clm/form_settings.html", {"item": item, "form": settings_form})


def _scorable(version: FormVersion | None, language: str) -> list[dict[str, Any]]:
    """Questions a scorecard can use: single-choice questions outside repeats."""
    return [
        q
        for q in _questions(version, language)
        if q["type"] == "select one" and q.get("choices") and not q.get("repeat")
    ]


@login_required
def form_scoring(request: HttpRequest, pk: int) -> HttpResponse:
    """The question → AAAQ dimension mapping and the score of each answer, as data."""
    _require_manage(request)
    item = get_object_or_404(Form.objects.select_related("current_version"), pk=pk)
    language = request.LANGUAGE_CODE
    questions = _scorable(item.current_version, language)
    current = {s.question: s for s in item.score_items.all()}
    errors: list[str] = []
    if request.method == "POST":
        items = []
        for q in questions:
            dimension = request.POST.get(f"dim:{q['path']}", "")
            if not dimension:
                continue
            scores: dict[str, float] = {}
            for choice in q["choices"]:
                raw = request.POST.get(f"score:{q['path']}:{choice['name']}", "").strip()
                if raw == "":
                    continue
                try:
                    scores[choice["name"]] = float(raw.replace(",", "."))
                except ValueError:
                    errors.append(
                        _("“%(value)s” is not a number (%(question)s).")
                        % {"value": raw, "question": q["label"]}
                    )
            if dimension not in Dimension.values:
                errors.append(_("Choose a dimension for %(question)s.") % {"question": q["label"]})
            items.append({"question": q["path"], "dimension": dimension, "choice_scores": scores})
        if not errors:
            try:
                services.score_items_set(user=request.user, form=item, items=items)  # type: ignore[arg-type]
            except ValidationError as exc:
                errors = list(exc.messages)
            else:
                messages.success(request, _("The scorecard mapping was saved."))
                return redirect("clm:form", pk=item.pk)
    rows = []
    for q in questions:
        existing = current.get(q["path"])
        rows.append(
            {
                "question": q,
                "dimension": request.POST.get(f"dim:{q['path']}")
                if request.method == "POST"
                else (existing.dimension if existing else ""),
                "choices": [
                    {
                        **c,
                        "label": label_for(c.get("labels", {}), language),
                        "score": request.POST.get(f"score:{q['path']}:{c['name']}", "")
                        if request.method == "POST"
                        else (existing.choice_scores.get(c["name"], "") if existing else ""),
                    }
                    for c in q["choices"]
                ],
            }
        )
    return render(
        request,
        "clm/form_scoring.html",
        {
            "item": item,
            "rows": rows,
            "dimensions": Dimension.choices,
            "errors": errors,
        },
        status=400 if errors else 200,
    )


@require_POST
@login_required
def form_media_upload(request: HttpRequest, pk: int) -> HttpResponse:
    _require_manage(request)
    item = get_object_or_404(Form.objects.select_related("current_version"), pk=pk)
    version = item.current_version
    if version is None:
        raise Http404
    names = [n for n in version.media if n != selectors.SITES_FILE]
    media_form = MediaUploadForm(request.POST, request.FILES, names=names)
    if media_form.is_valid():
        services.form_media_save(
            user=request.user,  # type: ignore[arg-type]
            version=version,
            name=media_form.cleaned_data["name"],
            content=media_form.cleaned_data["file"].read(),
        )
        messages.success(request, _("The file was saved; phones get it at their next form update."))
    else:
        for errors in media_form.errors.values():
            for error in errors:
                messages.error(request, str(error))
    return redirect(reverse("clm:form", args=[item.pk]) + "#media")


@login_required
def form_version_file(request: HttpRequest, pk: int, kind: str) -> HttpResponse:
    """Download a version's XLSForm as uploaded, or the XForm pyxform made of it."""
    require_clm(request)
    version = get_object_or_404(FormVersion.objects.select_related("form"), pk=pk)
    _form_get(request, version.form_id)
    if kind == "xlsform":
        response = HttpResponse(bytes(version.source), content_type="application/octet-stream")
        response["Content-Disposition"] = f'attachment; filename="{version.source_name}"'
    elif kind == "xlsx" and version.source_name.lower().endswith(".md"):
        response = HttpResponse(
            markdown_to_xlsx(bytes(version.source)),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        name = version.source_name.rsplit(".", 1)[0] + ".xlsx"
        response["Content-Disposition"] = f'attachment; filename="{name}"'
    elif kind == "xform":
        response = HttpResponse(version.xform, content_type="text/xml; charset=utf-8")
        name = f"{version.form.xml_form_id}-{version.version}.xml"
        response["Content-Disposition"] = f'attachment; filename="{name}"'
    else:
        raise Http404
    return response
