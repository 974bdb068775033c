"""Job kinds of the policy module: the change report as DOCX or PDF."""

from __future__ import annotations

import datetime as dt

from django.utils.translation import gettext as _
from django.utils.translation import ngettext, override

from hrmonitor.core import documents
from hrmonitor.core.jobs import JobContext, job_kind
from hrmonitor.policy import reports, selectors


@job_kind("policy.change_report")
def change_report(ctx: JobContext) -> str:
    """Collect the changes between two dates and render the report in the chosen language
    and format; the file is the job's result (the user's list of jobs keeps it)."""
    language = ctx.params.get("language") or "en"
    fmt = ctx.params.get("format", "pdf")
    with override(language):
        date_from = dt.date.fromisoformat(ctx.params["date_from"])
        date_to = dt.date.fromisoformat(ctx.params["date_to"])
        ctx.progress(10, _("Collecting the changes…"))
        report = selectors.changes_between(date_from, date_to)
        ctx.progress(30, _("Writing the report…"))
        document = reports.change_document(report, language=language)
        ctx.progress(50, _("Drawing the charts and laying out the pages…"))
        content = (
            documents.render_docx(document) if fmt == "docx" else documents.render_pdf(document)
        )
        ctx.progress(90, _("Saving the file…"))
        ctx.save_result(f"policy-changes-{date_from}-{date_to}-{language}.{fmt}", content)
        count = len(report.changes)
        return ngettext(
            "The report is ready: %(count)d change.",
            "The report is ready: %(count)d changes.",
            count,
        ) % {"count": count}
