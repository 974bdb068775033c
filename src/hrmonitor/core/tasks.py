"""Job kinds of the core module."""

from __future__ import annotations

from django.utils.translation import gettext as _

from hrmonitor.core.jobs import JobContext, job_kind


@job_kind("core.reference_reload")
def reference_reload(ctx: JobContext) -> str:
    """Reload the reference data files (geography, framework) — what `hrmonitor init` does."""
    from hrmonitor.reference import reference_data_load

    report = reference_data_load(progress=lambda pct, name: ctx.progress(pct, name))
    return _("Reference data reloaded: %(changed)d records created or updated.") % {
        "changed": report.changed()
    }
