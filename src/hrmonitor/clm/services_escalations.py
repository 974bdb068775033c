"""Writes of escalations: a problem a scorecard showed, raised with the duty-bearer who can fix
it, and followed until it is resolved (or dropped).

Who: CLM_REVIEW in the escalation's country (the Secretariat everywhere, a focal point in their
country); moving an escalation to another country needs the permission in both.

Status rules (the status is chosen, and checked against the dates — not derived, because
"dropped" and the order of steps are decisions, not facts the dates can tell):

- To raise (open): nothing more is needed; it may not have a date raised, a response or a
  resolution date yet (those belong to a later status).
- Raised: needs the date raised and the duty-bearer; no response or resolution date yet.
- Response received: needs what was raised (date and duty-bearer), the response and the date
  it was received; no resolution date yet.
- Resolved: needs the date resolved (a problem can be fixed before it is formally raised, so
  the other steps are not required).
- Dropped: nothing more is needed; whatever was recorded is kept.
- Dates: the response and the resolution are not before the day the issue was raised, and no
  date lies in the future.
- The site, if any, lies in the escalation's country; the period, if any, is a period key
  (2026, 2026Q3, 2026-07…); the score lies between 0 and 100.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from hrmonitor.clm.models import Dimension, Escalation, Form, ServiceSite
from hrmonitor.core import access
from hrmonitor.core.models import Country, User
from hrmonitor.core.roles import Perm
from hrmonitor.framework import periods

Status = Escalation.Status

PERIOD_MAX_LENGTH = Escalation._meta.get_field("period").max_length or 16


def escalation_check(
    *,
    status: str,
    duty_bearer: str,
    raised_on: dt.date | None,
    response: str,
    response_on: dt.date | None,
    resolved_on: dt.date | None,
    today: dt.date,
) -> dict[str, list[str]]:
    """The status rules of the module docstring: errors by field name (empty when fine)."""
    errors: dict[str, list[str]] = {}

    def add(name: str, message: str) -> None:
        errors.setdefault(name, []).append(message)

    if status not in Status.values:
        add("status", _("Choose a status."))
        return errors
    if status in {Status.RAISED, Status.RESPONDED}:
        if raised_on is None:
            add("raised_on", _("Say when the issue was raised."))
        if not duty_bearer.strip():
            add("duty_bearer", _("Say with whom the issue was raised."))
    if status == Status.RESPONDED:
        if not response.strip():
            add("response", _("Record the duty-bearer’s response."))
        if response_on is None:
            add("response_on", _("Say when the response was received."))
    if status == Status.RESOLVED and resolved_on is None:
        add("resolved_on", _("Say when the issue was resolved."))
    if status == Status.OPEN and raised_on is not None:
        add("status", _("An issue with a date raised is at least “Raised”: change its status."))
    if status in {Status.OPEN, Status.RAISED} and (response.strip() or response_on is not None):
        add(
            "status",
            _("An issue with a response is at least “Response received”: change its status."),
        )
    if status in {Status.OPEN, Status.RAISED, Status.RESPONDED} and resolved_on is not None:
        add(
            "status",
            _(
                "An issue with a resolution date is “Resolved”: change its status, or "
                "clear the date."
            ),
        )
    for name, day in (
        ("raised_on", raised_on),
        ("response_on", response_on),
        ("resolved_on", resolved_on),
    ):
        if day is not None and day > today:
            add(name, _("This date is in the future."))
    if raised_on is not None:
        for name, day in (("response_on", response_on), ("resolved_on", resolved_on)):
            if day is not None and day < raised_on:
                add(name, _("This date is before the day the issue was raised."))
    return errors


def _period_key(period: str) -> str:
    period = period.strip()
    if not period:
        return ""
    try:
        key = periods.parse_period(period).key
    except periods.PeriodError:
        raise ValidationError(
            {"period": _("Enter a period such as 2026, 2026Q3 or 2026-07.")}
        ) from None
    if len(key) > PERIOD_MAX_LENGTH:
        raise ValidationError({"period": _("Enter a year, a quarter or a month.")})
    return key


@transaction.atomic
def escalation_save(
    *,
    user: User,
    escalation: Escalation | None = None,
    title: str,
    country: Country,
    status: str = Status.OPEN,
    description: str = "",
    site: ServiceSite | None = None,
    form: Form | None = None,
    question: str = "",
    dimension: str = "",
    period: str = "",
    score: Decimal | float | None = None,
    duty_bearer: str = "",
    raised_on: dt.date | None = None,
    response: str = "",
    response_on: dt.date | None = None,
    resolved_on: dt.date | None = None,
) -> Escalation:
    """Create (without `escalation`) or update an escalation, checking who may (CLM_REVIEW in
    its country, and in its former country when moved) and the status rules of this module.
    Raises PermissionDenied or ValidationError (messages by field)."""
    if escalation is not None and not access.has_perm(user, Perm.CLM_REVIEW, escalation.country_id):
        raise PermissionDenied
    if not access.has_perm(user, Perm.CLM_REVIEW, country.pk):
        raise PermissionDenied
    errors: dict[str, list[str]] = {}
    if not title.strip():
        errors["title"] = [_("Name the issue.")]
    if site is not None and site.country_id != country.pk:
        errors["site"] = [_("This site is in another country.")]
    if dimension and dimension not in Dimension.values:
        errors["dimension"] = [_("Choose a dimension.")]
    if score is not None and not 0 <= Decimal(str(score)) <= 100:
        errors["score"] = [_("A score lies between 0 and 100.")]
    for name, messages in escalation_check(
        status=status,
        duty_bearer=duty_bearer,
        raised_on=raised_on,
        response=response,
        response_on=response_on,
        resolved_on=resolved_on,
        today=timezone.localdate(),
    ).items():
        errors.setdefault(name, []).extend(messages)
    try:
        period_key = _period_key(period)
    except ValidationError as error:
        errors.setdefault("period", []).extend(error.messages)
        period_key = ""
    if errors:
        raise ValidationError(errors)
    values: dict[str, Any] = {
        "title": title.strip(),
        "description": description.strip(),
        "country": country,
        "site": site,
        "form": form,
        "question": question.strip(),
        "dimension": dimension,
        "period": period_key,
        "score": Decimal(str(score)).quantize(Decimal("0.1")) if score is not None else None,
        "duty_bearer": duty_bearer.strip(),
        "raised_on": raised_on,
        "response": response.strip(),
        "response_on": response_on,
        "resolved_on": resolved_on,
        "status": status,
    }
    if escalation is None:
        return Escalation.objects.create(created_by=user, **values)
    changed = [name for name, value in values.items() if getattr(escalation, name) != value]
    for name in changed:
        setattr(escalation, name, values[name])
    if changed:
        escalation.save(update_fields=changed)
    return escalation
