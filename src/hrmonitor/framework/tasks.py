"""Job kinds of the framework module: checking and importing a file of values."""

from __future__ import annotations

from pathlib import Path

from django.utils.translation import gettext as _
from django.utils.translation import override

from hrmonitor.core.jobs import JobContext, job_kind
from hrmonitor.core.models import User
from hrmonitor.framework import importing
from hrmonitor.framework.models import ImportBatch


def _batch_rows(ctx: JobContext) -> tuple[ImportBatch, User, list[importing.Row] | None]:
    batch = ImportBatch.objects.get(pk=ctx.params["batch"])
    user = User.objects.get(pk=ctx.params["user"])
    try:
        rows = importing.read_rows(Path(batch.file.path), batch.original_name)
    except importing.ImportFileError as error:
        batch.report = {"file_error": str(error)}
        batch.status = ImportBatch.Status.INVALID
        batch.save(update_fields=["report", "status"])
        return batch, user, None
    return batch, user, rows


@job_kind("framework.import_check")
def import_check(ctx: JobContext) -> str:
    """The dry run of an uploaded file: what would change, or every problem."""
    with override(ctx.params.get("language") or "en"):
        batch, user, rows = _batch_rows(ctx)
        if rows is None:
            return str(batch.report["file_error"])
        outcome = importing.check(user, rows, progress=ctx.progress)
        batch.report = outcome.report()
        batch.status = (
            ImportBatch.Status.INVALID if outcome.problems else ImportBatch.Status.CHECKED
        )
        batch.save(update_fields=["report", "status"])
        if outcome.problems:
            return _("%(count)d problems found: nothing can be imported yet.") % {
                "count": len(outcome.problems)
            }
        return _("Every row is valid.")


@job_kind("framework.import_apply")
def import_apply(ctx: JobContext) -> str:
    """The import itself: every row or none."""
    with override(ctx.params.get("language") or "en"):
        batch, user, rows = _batch_rows(ctx)
        if rows is None:
            return str(batch.report["file_error"])
        outcome = importing.apply(user, rows, progress=ctx.progress)
        batch.report = outcome.report()
        batch.status = (
            ImportBatch.Status.INVALID if outcome.problems else ImportBatch.Status.IMPORTED
        )
        batch.save(update_fields=["report", "status"])
        if outcome.problems:
            return _("Nothing was imported: the data changed since the check.")
        counts = batch.report["counts"]
        return _("Imported: %(create)d new values, %(update)d changed.") % counts
