from __future__ import annotations

from allauth.account.adapter import DefaultAccountAdapter
from django.http import HttpRequest


class AccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request: HttpRequest) -> bool:
        # Accounts are created by the Secretariat (`hrmonitor createadmin`, the admin pages),
        # never by self sign-up: roles give access to sensitive data.
        return False


def axes_username(request: HttpRequest, credentials: dict[str, str] | None) -> str | None:
    """The sign-in name axes counts failures against. allauth hands `authenticate()` either
    `username` or `email`, while its form field is `login`: take whichever is there, so the
    failure and the next attempt are counted for the same name."""
    if credentials:
        for key in ("username", "email", "login"):
            if credentials.get(key):
                return credentials[key].strip().lower()
    login = request.POST.get("login", "") if request is not None else ""
    return login.strip().lower() or None
