"""Per-request behaviour that belongs to every page."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils import translation
from django.utils.translation import gettext as _

from hrmonitor.core.access import mfa_required
from hrmonitor.core.selectors import user_has_totp


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
