"""Background jobs of community-led monitoring (registered on import)."""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, override

from hrmonitor.clm import reports, selectors_efficiency
from hrmonitor.core import documents
from hrmonitor.core.jobs import JobContext, job_kind

EFFICIENCY_REPORT = "clm.efficiency_report"


@job_kind(EFFICIENCY_REPORT)
def efficiency_report(ctx: JobContext) -> str:
    """Assess the chosen year for the chosen countries (all those the requester sees when
    none is chosen) and write the report in the chosen language and format; the file is the
    job's result. The requester's access applies: the report holds only the records they see.
    """
    language = ctx.params.get("language") or "en"
    fmt = ctx.params.get("format", "pdf")
    year = int(ctx.params["year"])
    countries = ctx.params.get("countries") or None
    with override(language):
        ctx.progress(5, _("Collecting the service delivery records and estimates…"))
        rows = selectors_efficiency.assessment(
            ctx.job.created_by or AnonymousUser(),
            year,
            countries=[int(pk) for pk in countries] if countries else None,
        )
        ctx.progress(30, _("Writing the report…"))
        document = reports.efficiency_document(year, rows, language=language)
        ctx.progress(40, _("Drawing the charts and laying out the pages…"))
        content = (
            documents.render_docx(document) if fmt == "docx" else documents.render_pdf(document)
        )
        ctx.progress(90, _("Saving the file…"))
        ctx.save_result(f"efficiency-{year}-{language}.{fmt}", content)
        return ngettext(
            "The efficiency report is ready: %(count)d country.",
            "The efficiency report is ready: %(count)d countries.",
            len(rows),
        ) % {"count": len(rows)}
