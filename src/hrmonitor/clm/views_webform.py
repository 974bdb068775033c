"""The web form: a monitor without ODK Collect fills a project's form in the browser, offline
if need be. ODK Web Forms (npm `@getodk/web-forms`, bundled by `make assets` from
clm/webform/main.js) renders the XForm; the browser keeps each submission in IndexedDB until
it reaches the same OpenRosa endpoints phones use (session and CSRF header, see
views_openrosa._authenticate)."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.shortcuts import render
from django.urls import reverse
from django.utils import translation
from django.views.decorators.csp import csp_override

from hrmonitor.clm.models import Form
from hrmonitor.core import access

# The XPath engine of web-forms is tree-sitter compiled to WebAssembly; compiling it needs
# 'wasm-unsafe-eval' (not 'unsafe-eval': the emscripten eval() paths are for side modules
# with inline JS, which the XPath grammar has none of). Everything else is the site's policy.
WEBFORM_CSP = {
    **settings.SECURE_CSP,
    "script-src": [*settings.SECURE_CSP.get("script-src", ["'self'"]), "'wasm-unsafe-eval'"],
}


@login_required
@csp_override(WEBFORM_CSP)
def webform(request: HttpRequest, pk: int, project_id: int) -> HttpResponse:
    project = access.clm_projects_for_submitter(request.user).filter(pk=project_id).first()
    if project is None:
        raise Http404
    form = (
        project.forms.filter(pk=pk, current_version__isnull=False)
        .exclude(state=Form.State.CLOSED)
        .first()
    )
    if form is None:
        raise Http404
    route = {"project_id": project.pk, "xml_form_id": form.xml_form_id}
    placeholder = "NAME"
    media_url = reverse("openrosa:form_media", kwargs={**route, "name": placeholder})
    config = {
        "formUrl": reverse("openrosa:form_download", kwargs=route),
        "attachmentBaseUrl": media_url.removesuffix(placeholder),
        "submissionUrl": reverse("openrosa:submission", kwargs={"project_id": project.pk}),
        "pageUrl": request.path,
        "user": request.user.pk,
        "language": (translation.get_language() or settings.LANGUAGE_CODE).split("-")[0],
        "csrfToken": get_token(request),
        "csrfCookieName": settings.CSRF_COOKIE_NAME,
    }
    return render(
        request,
        "clm/webform.html",
        {"form": form, "project": project, "config": config, "active": "forms"},
    )
