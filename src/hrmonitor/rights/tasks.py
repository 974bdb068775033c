"""Job kinds of the case module: the retention purge of identifying data."""

from __future__ import annotations

from django.utils.translation import ngettext

from hrmonitor.core.jobs import JobContext, job_kind
from hrmonitor.rights.retention import purge_identifying

PURGE_IDENTIFYING = "rights.purge_identifying"


@job_kind(PURGE_IDENTIFYING)
def purge_identifying_job(ctx: JobContext) -> str:
    """Erase the identifying data of the cases closed longer ago than the retention period
    (`HRMONITOR_CASE_RETENTION_MONTHS`; the job's `months` parameter overrides it)."""
    report = purge_identifying(
        months=ctx.params.get("months"),
        progress=ctx.progress,
        user=ctx.job.created_by,
    )
    return ngettext(
        "Identifying data erased from %(count)d closed case.",
        "Identifying data erased from %(count)d closed cases.",
        report.cases,
    ) % {"count": report.cases}
