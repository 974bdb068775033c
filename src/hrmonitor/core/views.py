"""Core pages: account, language, API tokens, jobs, audit, the map's geometry."""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.staticfiles import finders
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import (
    FileResponse,
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseBadRequest,
    JsonResponse,
)
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_POST

from hrmonitor.core import access, selectors, services
from hrmonitor.core.geo import countries_geojson
from hrmonitor.core.jobs import job_start
from hrmonitor.core.roles import Perm

WORLD_ATLAS = "vendor/world-atlas/countries-50m.json"


@lru_cache(maxsize=1)
def _ceeca_geojson(names: tuple[str, ...]) -> bytes:
    path = finders.find(WORLD_ATLAS)
    if not path:
        raise FileNotFoundError(WORLD_ATLAS)
    with open(str(path), encoding="utf-8") as handle:
        topology = json.load(handle)
    return json.dumps(countries_geojson(topology, names), separators=(",", ":")).encode()


@cache_control(public=True, max_age=86400)
def map_geojson(request: HttpRequest) -> HttpResponse:
    """The network's countries as GeoJSON, cut from the world-atlas file shipped with the
    front-end assets (nothing is fetched from outside)."""
    names = tuple(
        selectors.countries_list().order_by("map_name").values_list("map_name", flat=True)
    )
    try:
        body = _ceeca_geojson(names)
    except FileNotFoundError:
        return JsonResponse({"error": _("The map file is missing: run `make assets`.")}, status=503)
    return HttpResponse(body, content_type="application/geo+json")


@require_POST
def set_language(request: HttpRequest) -> HttpResponse:
    """Switch the interface language; remembered on the account of a signed-in user."""
    language = request.POST.get("language", "")
    if language not in dict(settings.LANGUAGES):
        return HttpResponseBadRequest(_("Unknown language."))
    if request.user.is_authenticated:
        services.user_set_language(user=request.user, language=language)
    next_url = request.POST.get("next", "/")
    if not url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        next_url = "/"
    response = redirect(next_url)
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        samesite="Lax",
        secure=settings.SESSION_COOKIE_SECURE,
    )
    return response


@login_required
def account(request: HttpRequest) -> HttpResponse:
    user = request.user
    context: dict[str, Any] = {
        "assignments": access.active_assignments(user),
        "tokens": access.api_tokens_visible_to(user),
        "has_totp": selectors.user_has_totp(user),
        "mfa_required": access.mfa_required(user),
        "new_token": request.session.pop("new_api_token", None),
    }
    return render(request, "core/account.html", context)


@login_required
@require_POST
def api_token_create(request: HttpRequest) -> HttpResponse:
    try:
        token, plaintext = services.api_token_create(
            user=request.user,  # type: ignore[arg-type]
            name=request.POST.get("name", ""),
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("core:account")
    # Shown once on the next page, then gone: only its hash is stored.
    request.session["new_api_token"] = {"name": token.name, "value": plaintext}
    return redirect("core:account")


@login_required
@require_POST
def api_token_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    token = access.api_token_get_for_user(request.user, pk)
    services.api_token_revoke(token=token)
    messages.success(request, _("The token “%(name)s” was revoked.") % {"name": token.name})
    return redirect("core:account")


@login_required
def jobs(request: HttpRequest) -> HttpResponse:
    return render(request, "core/jobs.html", {"jobs": access.jobs_visible_to(request.user)[:100]})


@login_required
def job_detail(request: HttpRequest, pk: int) -> HttpResponse:
    job = access.job_get_for_user(request.user, pk)
    return render(request, "core/job_detail.html", {"job": job})


@login_required
def job_progress(request: HttpRequest, pk: int) -> HttpResponse:
    """The progress-bar partial, polled by htmx until the job finishes."""
    job = access.job_get_for_user(request.user, pk)
    refresh = request.GET.get("refresh") == "1"
    response = render(
        request, "core/partials/job_progress.html", {"job": job, "refresh_on_finish": refresh}
    )
    if job.is_finished:
        if refresh:
            # The page around the bar shows the job's outcome: reload it.
            response["HX-Refresh"] = "true"
        else:
            # htmx stops polling on 286.
            response.status_code = 286
    return response


@login_required
def job_result(request: HttpRequest, pk: int) -> FileResponse:
    """The file a job produced (a report, an export), for whoever may see the job; always as
    a download. Files under media/ are never served directly."""
    job = access.job_get_for_user(request.user, pk)
    if not job.result_file:
        raise Http404
    return FileResponse(
        job.result_file.open("rb"),
        as_attachment=True,
        filename=Path(job.result_file.name or "result").name,
    )


@login_required
def manage(request: HttpRequest) -> HttpResponse:
    if not access.has_perm(request.user, Perm.MANAGE_REFERENCE_DATA, anywhere=True):
        raise PermissionDenied
    return render(request, "core/manage.html", {})


@login_required
@require_POST
def reference_reload(request: HttpRequest) -> HttpResponse:
    access.require_perm(request.user, Perm.MANAGE_REFERENCE_DATA)
    job = job_start(kind="core.reference_reload", user=request.user)  # type: ignore[arg-type]
    return redirect("core:job", pk=job.pk)


@login_required
def audit(request: HttpRequest) -> HttpResponse:
    access.require_perm(request.user, Perm.VIEW_AUDIT, anywhere=True)
    model_label = request.GET.get("model", "")
    username = request.GET.get("user", "").strip()
    context = {
        "entries": selectors.audit_entries(model_label=model_label, username=username),
        "models": [(m._meta.label, m._meta.verbose_name) for m in selectors.audited_models()],
        "model_label": model_label,
        "username": username,
    }
    if request.headers.get("HX-Request"):
        return render(request, "core/_audit_results.html", context)
    return render(request, "core/audit.html", context)
