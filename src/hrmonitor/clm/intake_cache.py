"""A short-lived, per-process memory of what the OpenRosa intake looks up for every request —
the account behind a Digest username with its roles, whether it may use a project, a form as
a project uses it, a site by its code — so that a phone sending fifty interviews does not pay
for the same seven queries fifty times.

Entries live `TTL` seconds. Any change to a user, a role assignment, a project, its monitors,
a form or a site clears them in the process that made it (a generation number in every key),
and other processes see it within `TTL`. Access keys of phones (app users) are never cached:
revoking one takes effect at once everywhere."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.core.cache import cache

TTL = 10
_GENERATION = "clm:intake:generation"
_MISSING = "clm:intake:none"


def generation() -> int:
    value = cache.get(_GENERATION)
    if value is None:
        cache.add(_GENERATION, 1, None)
        value = cache.get(_GENERATION, 1)
    return int(value)


def bump(*_args: Any, **_kwargs: Any) -> None:
    """Forget everything (a signal receiver: any relevant record changed)."""
    try:
        cache.incr(_GENERATION)
    except ValueError:
        cache.set(_GENERATION, 1, None)


def remember[T](key: str, compute: Callable[[], T]) -> T:
    """`compute()`, or what it returned less than TTL seconds ago in this process."""
    full = f"clm:intake:{generation()}:{key}"
    found = cache.get(full)
    if found is not None:
        return None if found == _MISSING else found  # type: ignore[return-value]
    value = compute()
    cache.set(full, _MISSING if value is None else value, TTL)
    return value


def connect() -> None:
    """Clear the memory whenever something it holds may have changed."""
    from django.db.models.signals import m2m_changed, post_delete, post_save

    from hrmonitor.clm.models import AppUser, Form, FormVersion, Project, ServiceSite
    from hrmonitor.core.models import RoleAssignment, User

    for model in (User, RoleAssignment, Project, Form, FormVersion, ServiceSite, AppUser):
        post_save.connect(bump, sender=model, dispatch_uid=f"clm-intake-save-{model.__name__}")
        post_delete.connect(bump, sender=model, dispatch_uid=f"clm-intake-del-{model.__name__}")
    for through in (Project.monitors.through, Form.projects.through):
        m2m_changed.connect(bump, sender=through, dispatch_uid=f"clm-intake-m2m-{through.__name__}")
