"""Per-request behaviour that belongs to every page."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from hrmonitor.core.access import has_perm, mfa_required
from hrmonitor.core.roles import Perm
from hrmonitor.core.selectors import user_has_totp

if TYPE_CHECKING:
    from hrmonitor.core.access import AnyUser


class UserLanguageMiddleware:
    """A signed-in user's chosen language wins over the browser's, on every device."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        language = getattr(user, "language", "") if user and user.is_authenticated else ""
        if language:
            translation.activate(language)
            request.LANGUAGE_CODE = language
        response = self.get_response(request)
        if language:
            response.headers.setdefault("Content-Language", language)
        return response


# Pages a user without a second factor may still open: enrolment itself, sign-out, assets.
_MFA_EXEMPT_PREFIXES = ("/accounts/", "/static/", "/i18n/", "/api/")


class MfaRequiredMiddleware:
    """Users whose roles read case data, approve or manage people must enrol a second factor
    before they can open anything else (DESIGN.md, security model)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if (
            settings.HRMONITOR_MFA_REQUIRED
            and user is not None
            and user.is_authenticated
            and not request.path.startswith(_MFA_EXEMPT_PREFIXES)
            and mfa_required(user)
            and not _signed_in_with_second_factor(request)
            and not user_has_totp(user)
        ):
            messages.warning(
                request,
                _(
                    "Your role gives access to sensitive data: set up two-factor authentication "
                    "to continue."
                ),
            )
            return redirect("mfa_activate_totp")
        return self.get_response(request)


def _signed_in_with_second_factor(request: HttpRequest) -> bool:
    """Whether this session was opened with a second factor (allauth records the methods used):
    then the user has one, and no query is needed on every request."""
    methods = request.session.get("account_authentication_methods", [])
    return any(isinstance(m, dict) and m.get("method") == "mfa" for m in methods)


# Requests that are not a person working in a page: the API (token-authenticated, the session
# plays no part) and static assets.
_IDLE_EXEMPT_PREFIXES = ("/api/", "/static/")
_LAST_ACTIVITY_KEY = "hrmonitor_case_last_activity"
# The timestamp is rewritten at most this often (seconds): not a session write per request.
# The sign-out may come up to this much early, never late.
_ACTIVITY_RESOLUTION = 60.0


class CaseSessionTimeout:
    """Users who may read case data are signed out after `HRMONITOR_CASE_IDLE_MINUTES` without
    a request, so an unattended screen does not stay open on a case (DESIGN.md, security
    model). Other users keep the ordinary session lifetime. Place after the authentication,
    message and MFA middleware."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if (
            user is None
            or not user.is_authenticated
            or request.path.startswith(_IDLE_EXEMPT_PREFIXES)
            or not _reads_cases(user)
        ):
            return self.get_response(request)
        idle_minutes: int = settings.HRMONITOR_CASE_IDLE_MINUTES
        now = timezone.now().timestamp()
        last = request.session.get(_LAST_ACTIVITY_KEY)
        if isinstance(last, int | float) and now - last > idle_minutes * 60:
            return _sign_out_idle(request, idle_minutes)
        resolution = min(_ACTIVITY_RESOLUTION, idle_minutes * 60 / 4)
        if not isinstance(last, int | float) or now - last >= resolution:
            request.session[_LAST_ACTIVITY_KEY] = now
        return self.get_response(request)


def _reads_cases(user: AnyUser) -> bool:
    """Holds a case-reading role somewhere (the role assignments are cached per request, and
    the MFA middleware has usually read them already)."""
    return has_perm(user, Perm.RIGHTS_READ_CASES, anywhere=True) or has_perm(
        user, Perm.RIGHTS_READ_PSEUDONYMISED, anywhere=True
    )


def _sign_out_idle(request: HttpRequest, idle_minutes: int) -> HttpResponse:
    # Where the user was: for an htmx request, the page it came from, not the fragment.
    current = request.headers.get("HX-Current-URL")
    if current:
        parts = urlsplit(current)
        back = parts.path + (f"?{parts.query}" if parts.query else "")
    else:
        back = request.get_full_path()
    logout(request)
    messages.info(
        request,
        ngettext(
            "You were signed out after %(minutes)d minute without activity, to protect case data.",
            "You were signed out after %(minutes)d minutes without activity, to protect case data.",
            idle_minutes,
        )
        % {"minutes": idle_minutes},
    )
    response: HttpResponse = redirect_to_login(back)
    if request.headers.get("HX-Request"):
        # htmx would swap the login page into a fragment: have it load the page instead.
        login_page = response["Location"]
        response = HttpResponse(status=204)
        response["HX-Redirect"] = login_page
    return response
