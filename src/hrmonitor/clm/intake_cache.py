"""A short-lived, per-process memory of what the OpenRosa intake looks up for every request —
the account behind a Digest username with its roles, whether it may use a project, a form as
a project uses it, a site by its code — so that a phone sending fifty interviews does not pay
for the same queries fifty times.

Entries live `TTL` seconds. Any change to a user, a role assignment, a project, its monitors,
a form or a site starts a new generation in the process that made it (old entries are never
read again), and other processes see it within `TTL`. Access keys of phones (app users) are
never remembered: revoking one takes effect at once everywhere.

A plain dict, not Django's cache: the objects are read, never changed, by the requests that
share them, and unpickling them on every request cost more than the queries they replace."""

from __future__ import annotations

import itertools
import time
from collections.abc import Callable
from typing import Any

TTL = 10.0
MAX_ENTRIES = 10_000

_generation = itertools.count(1)
_current = next(_generation)
_entries: dict[tuple[int, str], tuple[float, Any]] = {}


def bump(*_args: Any, **_kwargs: Any) -> None:
    """Forget everything (a signal receiver: a record the memory may hold has changed)."""
    global _current
    _current = next(_generation)
    _entries.clear()


def remember[T](key: str, compute: Callable[[], T]) -> T:
    """`compute()`, or what it returned less than TTL seconds ago in this process."""
    now = time.monotonic()
    full = (_current, key)
    found = _entries.get(full)
    if found is not None and found[0] > now:
        value: T = found[1]
        return value
    value = compute()
    if len(_entries) >= MAX_ENTRIES:
        _entries.clear()
    _entries[full] = (now + TTL, value)
    return value


def connect() -> None:
    """Forget whenever something the memory may hold has changed."""
    from django.core.signals import setting_changed
    from django.db.models.signals import m2m_changed, post_delete, post_save

    from hrmonitor.clm.models import AppUser, Form, FormVersion, Project, ServiceSite
    from hrmonitor.core.models import RoleAssignment, User

    for model in (User, RoleAssignment, Project, Form, FormVersion, ServiceSite, AppUser):
        post_save.connect(bump, sender=model, dispatch_uid=f"clm-intake-save-{model.__name__}")
        post_delete.connect(bump, sender=model, dispatch_uid=f"clm-intake-del-{model.__name__}")
    for through in (Project.monitors.through, Form.projects.through):
        m2m_changed.connect(bump, sender=through, dispatch_uid=f"clm-intake-m2m-{through.__name__}")
    setting_changed.connect(bump, dispatch_uid="clm-intake-settings")
