"""Job kinds of the case module: the retention purge of identifying data, and the
legal-analysis findings report (DOCX or PDF)."""

from __future__ import annotations

from django.utils.translation import ngettext

from hrmonitor.core.jobs import JobContext, job_kind
from hrmonitor.rights import reports
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


# --- The legal-analysis findings report ------------------------------------------------------

FINDINGS_REPORT = "rights.findings_report"


@job_kind(FINDINGS_REPORT)
def findings_report_job(ctx: JobContext) -> str:
    """Write the findings report of a period (one country or all) in the chosen language and
    format, as `reports.findings_report_run` does; the file is the job's result (the findings
    page keeps the archive)."""
    return reports.findings_report_run(ctx)
