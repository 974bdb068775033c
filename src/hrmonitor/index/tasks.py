"""Job kinds of the index module: the uncertainty analysis of an edition."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import override

from hrmonitor.core.jobs import JobContext, job_kind
from hrmonitor.index import services
from hrmonitor.index.models import Edition


@job_kind("index.uncertainty")
def edition_uncertainty(ctx: JobContext) -> str:
    """Monte Carlo runs of the index with perturbed weights and alternative methods; the
    engine's progress is the job's progress bar."""
    with override(ctx.params.get("language") or "en"):
        edition = Edition.objects.get(pk=ctx.params["edition"])
        edition = services.edition_uncertainty_run(edition=edition, progress=ctx.progress)
        return _("Rank intervals computed from %(runs)d runs of the index.") % {
            "runs": edition.uncertainty["runs"]
        }
