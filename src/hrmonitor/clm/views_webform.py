"""The web form: a monitor without ODK Collect fills a project's form in the browser, offline
if need be. ODK Web Forms (npm `@getodk/web-forms`, bundled by `make assets` from
clm/webform/main.js) renders the XForm; the browser keeps each submission in IndexedDB until
it reaches the same OpenRosa endpoints phones use (session and CSRF header, see
views_openrosa._authenticate)."""

from __future__ import annotations

import json

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.cache import patch_cache_control
from django.views.decorators.csp import csp_override
from django.views.decorators.http import require_GET

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
        "swUrl": reverse("clm:webform_sw"),
        "swScope": reverse("clm:forms"),
    }
    return render(
        request,
        "clm/webform.html",
        {"form": form, "project": project, "config": config, "active": "forms"},
    )


# The service worker keeps what a form page needs in this Cache Storage cache; a new name
# (and so a new worker script) makes the browser drop the older caches of this prefix.
WEBFORM_CACHE_PREFIX = "hrmonitor-webform-"
WEBFORM_CACHE = f"{WEBFORM_CACHE_PREFIX}v1"


@require_GET
def webform_sw(request: HttpRequest) -> HttpResponse:
    """The service worker of the web form pages (scope: the forms pages under /clm/forms/), so
    that a form page visited once online opens again offline. Public: it holds no data."""
    openrosa = reverse("openrosa:form_list", kwargs={"project_id": 1})
    worker_settings = {
        "cache": WEBFORM_CACHE,
        "cachePrefix": WEBFORM_CACHE_PREFIX,
        "formsPrefix": reverse("clm:forms"),
        "openrosaPrefix": openrosa.removesuffix("projects/1/formList"),
        "staticUrl": settings.STATIC_URL,
    }
    script = render_to_string("clm/webform_sw.js", {"settings_json": json.dumps(worker_settings)})
    response = HttpResponse(script, content_type="application/javascript; charset=utf-8")
    # The browser checks for a new worker at each visit; it must not keep an old one.
    patch_cache_control(response, no_cache=True)
    return response
