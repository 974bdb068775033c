"""Retention of case data: what could identify a client is erased once the case has been
closed for `HRMONITOR_CASE_RETENTION_MONTHS` (default 24); what statistics need stays.

Erased, in the case and in every historical copy django-simple-history keeps of it: the
encrypted attributes of the case (narrative, client code, province), of its acts
(descriptions), of its analysis (text), of its responses (outcomes) and of its files (names);
the client's blind index (it links repeat visits); the stored evidence files themselves. Kept:
country, organisation, dates, channel, status and outcome, gender, age band, key groups,
violations, perpetrators, the legal qualification and the rights affected, consents, and each
file's kind, size and SHA-256. The encrypted attributes are found through
`core.crypto.encrypted_columns()`, so one added to these models later is erased too.

Each case is purged in its own transaction and recorded in the access log ("edit",
"purged") without any personal data.
"""

from __future__ import annotations

import calendar
import datetime as dt
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.exceptions import FieldDoesNotExist
from django.db import models, transaction
from django.utils import timezone

from hrmonitor.core import crypto
from hrmonitor.core.models import User
from hrmonitor.rights.models import AccessLog, Act, Case, CaseFile, LegalAnalysis, Response

# Models whose rows belong to one case, with the field naming that case ("pk" for the case).
_CASE_RECORDS: tuple[tuple[type[models.Model], str], ...] = (
    (Case, "pk"),
    (Act, "case_id"),
    (LegalAnalysis, "case_id"),
    (Response, "case_id"),
    (CaseFile, "case_id"),
)
# Plain columns that identify as well: the blind index of the client code, the file's place
# in storage (the content is deleted).
_EXTRA_BLANK: dict[type[models.Model], tuple[str, ...]] = {
    Case: ("client_index",),
    CaseFile: ("stored",),
}

Progress = Callable[[float, str], None]


@dataclass
class PurgeReport:
    """What `purge_identifying` erased (or, with `dry_run`, would erase). `rows`: table ->
    rows blanked (history tables included); `files`: stored files deleted."""

    cutoff: dt.date
    dry_run: bool = False
    references: list[str] = field(default_factory=list)
    rows: dict[str, int] = field(default_factory=dict)
    files: int = 0

    @property
    def cases(self) -> int:
        return len(self.references)


def months_before(day: dt.date, months: int) -> dt.date:
    """The same day `months` calendar months earlier (the month's last day if it is shorter:
    31 March minus one month is 28/29 February)."""
    index = day.year * 12 + day.month - 1 - months
    year, month = divmod(index, 12)
    month += 1
    return day.replace(
        year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1])
    )


def cases_due_for_purge(
    *, today: dt.date | None = None, months: int | None = None
) -> models.QuerySet[Case]:
    """Closed cases whose closure lies more than `months` before `today`, not yet purged."""
    cutoff = months_before(today or timezone.localdate(), _months(months))
    return Case.objects.filter(
        status=Case.Status.CLOSED,
        closed_on__lt=cutoff,
        identifying_purged_on__isnull=True,
    ).order_by("closed_on", "reference")


def purge_identifying(
    *,
    today: dt.date | None = None,
    months: int | None = None,
    progress: Progress | None = None,
    user: User | None = None,
    dry_run: bool = False,
) -> PurgeReport:
    """Erase the identifying data of every case closed more than `months` (default: the
    `HRMONITOR_CASE_RETENTION_MONTHS` setting) before `today`, history included; statistics
    fields stay. `user` is who started it (None: the scheduled run). Idempotent: a purged case
    is dated (`identifying_purged_on`) and not touched again."""
    today = today or timezone.localdate()
    report = PurgeReport(cutoff=months_before(today, _months(months)), dry_run=dry_run)
    due = list(cases_due_for_purge(today=today, months=months).values_list("pk", "reference"))
    columns = _columns_to_blank()
    for done, (case_pk, reference) in enumerate(due):
        if progress:
            progress(100 * done / len(due), reference)
        if dry_run:
            _count(case_pk, columns, report)
        elif not _purge_case(case_pk, reference, columns, today=today, user=user, report=report):
            continue  # purged meanwhile by another run
        report.references.append(reference)
    if progress:
        progress(100, "")
    return report


def _months(months: int | None) -> int:
    value = settings.HRMONITOR_CASE_RETENTION_MONTHS if months is None else months
    if value < 1:
        # Zero would erase every closed case at once: surely a configuration mistake.
        raise ValueError(f"the retention period must be at least one month, not {value}")
    return int(value)


@dataclass(frozen=True)
class _Table:
    model: type[models.Model]
    case_field: str  # the field of `model` that names the case
    columns: tuple[str, ...]  # set to "" on purge


def _columns_to_blank() -> list[_Table]:
    """The rows of a case and their historical copies, with the columns to blank in each."""
    encrypted: dict[type[models.Model], list[str]] = {}
    for column in crypto.encrypted_columns():
        encrypted.setdefault(column.model, []).append(column.column)
    tables = []
    for model, case_field in _CASE_RECORDS:
        columns = (*encrypted.get(model, ()), *_EXTRA_BLANK.get(model, ()))
        tables.append(_Table(model, case_field, columns))
        history: type[models.Model] = model.history.model  # type: ignore[attr-defined]
        # The historical copy of the case keeps its key as a plain field of the same name.
        history_case_field = "id" if case_field == "pk" else case_field
        kept = tuple(c for c in columns if _has_field(history, c))
        tables.append(_Table(history, history_case_field, kept))
    return tables


def _has_field(model: type[models.Model], name: str) -> bool:
    try:
        model._meta.get_field(name)
    except FieldDoesNotExist:
        return False
    return True


def _rows(table: _Table, case_pk: uuid.UUID) -> models.QuerySet[Any]:
    return table.model._base_manager.filter(**{table.case_field: case_pk})


def _stored_names(case_pk: uuid.UUID, tables: list[_Table]) -> set[str]:
    """The evidence files of the case in storage, current and earlier versions."""
    names: set[str] = set()
    for table in tables:
        if "stored" in table.columns:
            names.update(n for n in _rows(table, case_pk).values_list("stored", flat=True) if n)
    return names


def _count(case_pk: uuid.UUID, tables: list[_Table], report: PurgeReport) -> None:
    for table in tables:
        label = table.model._meta.db_table
        report.rows[label] = report.rows.get(label, 0) + _rows(table, case_pk).count()
    report.files += len(_stored_names(case_pk, tables))


def _purge_case(
    case_pk: uuid.UUID,
    reference: str,
    tables: list[_Table],
    *,
    today: dt.date,
    user: User | None,
    report: PurgeReport,
) -> bool:
    with transaction.atomic():
        # Lock the case: a concurrent run skips it once this one has dated it.
        if (
            not Case.objects.select_for_update()
            .filter(pk=case_pk, identifying_purged_on__isnull=True)
            .exists()
        ):
            return False
        # Delete the files first: if that fails, nothing is marked purged and the next run
        # tries again; once gone, they are gone whatever happens to the transaction.
        storage = CaseFile.stored.field.storage
        for name in sorted(_stored_names(case_pk, tables)):
            storage.delete(name)
            report.files += 1
        for table in tables:
            if not table.columns:
                continue
            changed = _rows(table, case_pk).update(**dict.fromkeys(table.columns, ""))
            label = table.model._meta.db_table
            report.rows[label] = report.rows.get(label, 0) + changed
        Case.objects.filter(pk=case_pk).update(identifying_purged_on=today)
        AccessLog.objects.create(
            user=user,
            username=user.get_username() if user else "",
            case_reference=reference,
            action=AccessLog.Action.EDIT,
            detail="purged",
        )
    return True
