"""The OpenRosa 1.0 server ODK Collect, KoboCollect and the web form talk to.

URLs follow ODK Central's shape so that a phone is configured with one server URL per project:
`/openrosa/projects/<id>` (username and password: HTTP Digest over http, Basic over https) or
`/openrosa/key/<token>/projects/<id>` (an app user's token, as Central's QR codes carry).
Collect appends `formList` and `submission`. A signed-in browser (the web form) may use the
same endpoints with its session and the CSRF header.
"""

from __future__ import annotations

import base64
import binascii
import hmac
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.contrib.auth import authenticate
from django.http import Http404, HttpRequest, HttpResponse
from django.middleware.csrf import CsrfViewMiddleware
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from hrmonitor.clm import intake_cache, openrosa, selectors, services
from hrmonitor.clm.models import AppUser, Form, FormMedia, Project
from hrmonitor.core import access
from hrmonitor.core.models import User

XML = "text/xml; charset=utf-8"


def max_submission_bytes() -> int:
    return int(getattr(settings, "HRMONITOR_OPENROSA_MAX_BYTES", 10_000_000))


class Sender:
    """Who is talking: a user (Digest, Basic or session) or an app user (token)."""

    def __init__(self, user: User | None = None, app_user: AppUser | None = None) -> None:
        self.user = user
        self.app_user = app_user


def _openrosa_headers(response: HttpResponse) -> HttpResponse:
    response["X-OpenRosa-Version"] = openrosa.OPENROSA_VERSION
    response.setdefault("Date", timezone.now().strftime("%a, %d %b %Y %H:%M:%S GMT"))
    return response


def _message(status: int, message: str, nature: str = "") -> HttpResponse:
    nature = nature or ("submit_success" if status < 300 else "error")
    return _openrosa_headers(
        HttpResponse(openrosa.response_xml(message, nature), status=status, content_type=XML)
    )


def _challenge(*, stale: bool = False) -> HttpResponse:
    response = _message(401, _("Sign in with your monitor account."), "error")
    # Digest only: Collect answers it over http and https; a client that knows the server
    # speaks https may send Basic without being asked (see _basic_user).
    response["WWW-Authenticate"] = openrosa.digest_challenge(settings.SECRET_KEY, stale=stale)
    return response


def _may_use_openrosa(user: User) -> bool:
    return user.is_active and access.clm_participant(user)


def _account(username: str) -> User | None:
    """An active account with its role assignments already read (they travel with it)."""
    user = User.objects.filter(username=username, is_active=True).first()
    if user is not None:
        access.active_assignments(user)
    return user


def _digest_user(request: HttpRequest, header: str) -> User | HttpResponse:
    params = openrosa.parse_digest(header)
    if not params or not params.get("username") or not params.get("response"):
        return _challenge()
    state = openrosa.nonce_state(params.get("nonce", ""), settings.SECRET_KEY)
    if state == "stale":
        return _challenge(stale=True)
    if state != "valid" or params.get("realm") != openrosa.realm():
        return _challenge()
    # The URI the client signed must be the one it asked for (no replay on another path).
    if params.get("uri") not in {request.get_full_path(), request.path}:
        return _challenge()
    user = intake_cache.remember(f"user:{params['username']}", lambda: _account(params["username"]))
    if user is None or not user.openrosa_ha1:  # no password set since Digest was introduced
        return _challenge()
    expected = openrosa.digest_response(params, user.openrosa_ha1, request.method or "GET")
    if not hmac.compare_digest(expected, params["response"]):
        return _challenge()
    return user


def _basic_user(request: HttpRequest, header: str) -> User | HttpResponse:
    if not request.is_secure() and not getattr(settings, "HRMONITOR_OPENROSA_BASIC", False):
        # Collect never sends Basic over http; refuse it so no password crosses in clear.
        return _challenge()
    try:
        decoded = base64.b64decode(header.split(" ", 1)[1]).decode()
        username, password = decoded.split(":", 1)
    except (IndexError, ValueError, binascii.Error, UnicodeDecodeError):
        return _challenge()
    user = authenticate(request, username=username, password=password)
    if not isinstance(user, User):
        return _challenge()
    return user


def _authenticate(request: HttpRequest, token: str | None) -> Sender | HttpResponse:
    if token is not None:
        app_user = (
            AppUser.objects.select_related("project")
            .filter(token_hash=services.token_hash(token), revoked_at__isnull=True)
            .first()
        )
        if app_user is None or not app_user.project.is_active:
            return _message(
                403, _("This access was revoked. Ask your coordinator for a new QR code."), "error"
            )
        if (
            app_user.last_used_at is None
            or (timezone.now() - app_user.last_used_at).total_seconds() > 60
        ):
            AppUser.objects.filter(pk=app_user.pk).update(last_used_at=timezone.now())
        return Sender(app_user=app_user)
    header = request.headers.get("Authorization", "")
    user: User | HttpResponse
    if header.lower().startswith("digest "):
        user = _digest_user(request, header)
    elif header.lower().startswith("basic "):
        user = _basic_user(request, header)
    elif request.user.is_authenticated:
        # The web form, from a signed-in browser: the session counts only with the CSRF token.
        if request.method not in {"GET", "HEAD"}:
            refused = CsrfViewMiddleware(lambda r: HttpResponse()).process_view(
                request, _csrf_checked, (), {}
            )
            if refused is not None:
                return _message(403, _("Reload the page and send again."), "error")
        user = request.user
    else:
        return _challenge()
    if isinstance(user, HttpResponse):
        return user
    if not _may_use_openrosa(user):
        return _message(403, _("Your account may not send monitoring forms."), "error")
    return Sender(user=user)


def _csrf_checked(request: HttpRequest) -> HttpResponse:  # pragma: no cover - never called
    """Stands for the view in the CSRF check of session-authenticated POSTs."""
    return HttpResponse()


OpenRosaView = Callable[..., HttpResponse]


def openrosa_view(view: OpenRosaView) -> OpenRosaView:
    """Authenticate, find the project the URL names, speak the sender's language, and put
    X-OpenRosa-Version on every answer (errors included)."""

    @csrf_exempt
    @wraps(view)
    def wrapper(
        request: HttpRequest, project_id: int, token: str | None = None, **kwargs: Any
    ) -> HttpResponse:
        sender = _authenticate(request, token)
        if isinstance(sender, HttpResponse):
            return sender
        # One query on the way in: the project, found among those the sender may use.
        project: Project | None
        if sender.app_user is not None:
            project = sender.app_user.project if sender.app_user.project_id == project_id else None
            refusal = _("This access belongs to another project.")
        else:
            user = sender.user
            project = intake_cache.remember(
                f"project:{getattr(user, 'pk', None)}:{project_id}",
                lambda: (
                    selectors.projects_for_submitter(user)  # type: ignore[arg-type]
                    .select_related("country")
                    .filter(pk=project_id)
                    .first()
                ),
            )
            refusal = _("You are not a monitor of this project.")
        if project is None:
            if not Project.objects.filter(pk=project_id, is_active=True).exists():
                return _message(404, _("There is no such project."), "error")
            return _message(403, refusal, "error")
        language = (sender.user.language if sender.user else "") or translation.get_language()
        with translation.override(language):
            try:
                response = view(request, sender, project, **kwargs)
            except Http404:
                response = _message(404, _("Not found."), "error")
        return _openrosa_headers(response)

    return wrapper


def _base(request: HttpRequest, project: Project, token: str | None) -> str:
    prefix = f"/openrosa/key/{token}" if token else "/openrosa"
    return request.build_absolute_uri(f"{prefix}/projects/{project.pk}")


def _token(request: HttpRequest) -> str | None:
    return request.resolver_match.kwargs.get("token") if request.resolver_match else None


@openrosa_view
@require_http_methods(["GET", "HEAD"])
def form_list(request: HttpRequest, sender: Sender, project: Project) -> HttpResponse:
    forms = selectors.forms_for_project(project)
    wanted = request.GET.get("formID")
    if wanted:
        forms = forms.filter(xml_form_id=wanted)
    base = _base(request, project, _token(request))
    entries = []
    for form in forms:
        version = form.current_version
        if version is None:  # forms_for_project keeps forms with a version
            continue
        entries.append(
            openrosa.FormListEntry(
                form_id=form.xml_form_id,
                name=form.title,
                version=version.version,
                md5=version.md5,
                download_url=f"{base}/forms/{form.xml_form_id}.xml",
                manifest_url=f"{base}/forms/{form.xml_form_id}/manifest" if version.media else None,
            )
        )
    return HttpResponse(
        openrosa.form_list_xml(entries, verbose=request.GET.get("verbose") == "true"),
        content_type=XML,
    )


def _project_form(project: Project, xml_form_id: str) -> Form:
    form = (
        project.forms.filter(xml_form_id=xml_form_id, current_version__isnull=False)
        .exclude(state=Form.State.CLOSED)
        .select_related("current_version")
        .first()
    )
    if form is None:
        raise Http404
    return form


@openrosa_view
@require_http_methods(["GET", "HEAD"])
def form_download(
    request: HttpRequest, sender: Sender, project: Project, xml_form_id: str
) -> HttpResponse:
    version = _project_form(project, xml_form_id).current_version
    if version is None:
        raise Http404
    return HttpResponse(version.xform, content_type=XML)


def media_files(project: Project, form: Form) -> dict[str, tuple[bytes, str]]:
    """name → (content, content type) of every media file the current version declares."""
    version = form.current_version
    if version is None:
        return {}
    files: dict[str, tuple[bytes, str]] = {}
    stored = {m.name: m for m in FormMedia.objects.filter(version=version)}
    for name in version.media:
        if name == selectors.SITES_FILE:
            files[name] = (selectors.sites_csv(project), "text/csv")
        elif name in stored:
            files[name] = (bytes(stored[name].content), stored[name].content_type)
    return files


@openrosa_view
@require_http_methods(["GET", "HEAD"])
def form_manifest(
    request: HttpRequest, sender: Sender, project: Project, xml_form_id: str
) -> HttpResponse:
    form = _project_form(project, xml_form_id)
    base = _base(request, project, _token(request))
    entries = [
        openrosa.MediaEntry(
            filename=name,
            md5=selectors.media_md5(content),
            download_url=f"{base}/forms/{form.xml_form_id}/attachments/{name}",
        )
        for name, (content, _type) in media_files(project, form).items()
    ]
    return HttpResponse(openrosa.manifest_xml(entries), content_type=XML)


@openrosa_view
@require_http_methods(["GET", "HEAD"])
def form_media(
    request: HttpRequest, sender: Sender, project: Project, xml_form_id: str, name: str
) -> HttpResponse:
    form = _project_form(project, xml_form_id)
    found = media_files(project, form).get(name)
    if found is None:
        raise Http404
    content, content_type = found
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def _parts_as_received(request: HttpRequest) -> bytes:
    """What a POST without an `xml_submission_file` part carried, to be kept for review: each
    form field and file part with its name (request.body itself is gone once parsed)."""
    chunks: list[bytes] = []
    if not (request.content_type or "").startswith("multipart/"):
        try:
            return request.body or b"(empty)"
        except Exception:  # too large to keep in memory
            size = request.headers.get("Content-Length", "?")
            return f"(a body of {size} bytes, too large to keep)".encode()
    for key, values in request.POST.lists():
        for value in values:
            chunks.append(f"--- field {key}\n".encode() + value.encode())
    for key in request.FILES:
        for upload in request.FILES.getlist(key):
            chunks.append(f"--- file {key} ({upload.name}, {upload.content_type})\n".encode())
            chunks.append(upload.read())
    return b"\n".join(chunks) or b"(empty)"


@openrosa_view
@require_http_methods(["HEAD", "POST"])
def submission(request: HttpRequest, sender: Sender, project: Project) -> HttpResponse:
    if request.method == "HEAD":
        response = HttpResponse(status=204)
        response["X-OpenRosa-Accept-Content-Length"] = str(max_submission_bytes())
        return response
    if int(request.headers.get("Content-Length") or 0) > max_submission_bytes() * 2:
        return _message(413, _("The submission is too large for one request."), "error")
    device_id = request.GET.get("deviceID", "")
    upload = request.FILES.get("xml_submission_file")
    if upload is None:
        intake = services.submission_keep_unreadable(
            body=_parts_as_received(request),
            problem="no xml_submission_file part",
            project=project,
            user=sender.user,
            app_user=sender.app_user,
            device_id=device_id,
        )
        return _message(intake.status, intake.message)
    xml = upload.read()
    # Collect names each attachment part after its file; take every part but the XML.
    files = [
        f
        for key in request.FILES
        for f in request.FILES.getlist(key)
        if key != "xml_submission_file"
    ]
    intake = services.submission_receive(
        xml=xml,
        files=files,
        project=project,
        project_checked=True,
        user=sender.user,
        app_user=sender.app_user,
        device_id=device_id,
    )
    response = _message(intake.status, intake.message)
    if intake.submission is not None:
        response["Location"] = request.build_absolute_uri(request.path)
    return response
