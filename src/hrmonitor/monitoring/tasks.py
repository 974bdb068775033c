"""Job kinds of the monitoring module: the Secretariat's progress report as DOCX or PDF."""

from __future__ import annotations

import datetime as dt

from django.utils.translation import gettext as _
from django.utils.translation import ngettext, override

from hrmonitor.core import documents
from hrmonitor.core.jobs import JobContext, job_kind
from hrmonitor.monitoring import reports

PROGRESS_REPORT = "monitoring.progress_report"


@job_kind(PROGRESS_REPORT)
def progress_report(ctx: JobContext) -> str:
    """Collect what happened between two dates and write the progress report in the chosen
    language and format; the file is the job's result (the report page keeps the archive)."""
    language = ctx.params.get("language") or "en"
    fmt = ctx.params.get("format", "pdf")
    with override(language):
        date_from = dt.date.fromisoformat(ctx.params["date_from"])
        date_to = dt.date.fromisoformat(ctx.params["date_to"])
        ctx.progress(5, _("Collecting the activities, events and key indicators…"))
        facts = reports.progress_facts(date_from, date_to)
        ctx.progress(30, _("Writing the report…"))
        document = reports.progress_document(date_from, date_to, language=language, facts=facts)
        ctx.progress(40, _("Drawing the charts and laying out the pages…"))
        content = (
            documents.render_docx(document) if fmt == "docx" else documents.render_pdf(document)
        )
        ctx.progress(90, _("Saving the file…"))
        ctx.save_result(f"progress-report-{date_from}-{date_to}-{language}.{fmt}", content)
        count = len(facts.events)
        return ngettext(
            "The progress report is ready: %(count)d event in the period.",
            "The progress report is ready: %(count)d events in the period.",
            count,
        ) % {"count": count}
