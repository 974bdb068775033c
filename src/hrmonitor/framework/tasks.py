"""Job kinds of the framework module: checking and importing a file of values."""

from __future__ import annotations

from pathlib import Path

from django.utils.translation import gettext as _
from django.utils.translation import ngettext, override

from hrmonitor.core.jobs import JobContext, job_kind
from hrmonitor.core.models import User
from hrmonitor.framework import importing
from hrmonitor.framework.models import ImportBatch


def _process(ctx: JobContext, *, write: bool) -> str:
    """Read the uploaded file, then check it (the dry run) or import it (every row or none),
    recording the outcome on the batch; messages in the language of the user who started it."""
    with override(ctx.params.get("language") or "en"):
        batch = ImportBatch.objects.get(pk=ctx.params["batch"])
        user = User.objects.get(pk=ctx.params["user"])
        try:
            rows = importing.read_rows(Path(batch.file.path), batch.original_name)
        except importing.ImportFileError as error:
            batch.report = {"file_error": str(error)}
            batch.status = ImportBatch.Status.INVALID
            batch.save(update_fields=["report", "status"])
            return str(error)
        run = importing.apply if write else importing.check
        outcome = run(user, rows, progress=ctx.progress)
        batch.report = outcome.report()
        done = ImportBatch.Status.IMPORTED if write else ImportBatch.Status.CHECKED
        batch.status = ImportBatch.Status.INVALID if outcome.problems else done
        batch.save(update_fields=["report", "status"])
        if outcome.problems and write:
            return _("Nothing was imported: the data changed since the check.")
        if outcome.problems:
            count = len(outcome.problems)
            return ngettext(
                "%(count)d problem found: nothing can be imported yet.",
                "%(count)d problems found: nothing can be imported yet.",
                count,
            ) % {"count": count}
        if write:
            return (
                _("Imported: %(create)d new values, %(update)d changed.") % batch.report["counts"]
            )
        return _("Every row is valid.")


@job_kind("framework.import_check")
def import_check(ctx: JobContext) -> str:
    """The dry run of an uploaded file: what would change, or every problem."""
    return _process(ctx, write=False)


@job_kind("framework.import_apply")
def import_apply(ctx: JobContext) -> str:
    """The import itself: every row or none."""
    return _process(ctx, write=True)
