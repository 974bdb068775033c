"""Background jobs with progress.

A job is a `Job` row the user can watch plus a task on Django's tasks API (django-tasks-db runs
it in `hrmonitor serve`'s worker). A module declares its job body with `@job_kind("name")`,
starts it with `job_start(...)`, and reports progress through the `JobContext` it receives.
The progress bar partial (`core/partials/job_progress.html`) polls the row.
"""

from __future__ import annotations

import logging
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.core.files.base import ContentFile
from django.db import transaction
from django.tasks import task
from django.utils import timezone
from django.utils.translation import gettext as _

from hrmonitor.core.models import Job, User

logger = logging.getLogger(__name__)

JobBody = Callable[["JobContext"], str | None]
_KINDS: dict[str, JobBody] = {}


def job_kind(name: str) -> Callable[[JobBody], JobBody]:
    """Register `body(ctx) -> final message | None` as the job kind `name`."""

    def decorator(body: JobBody) -> JobBody:
        _KINDS[name] = body
        return body

    return decorator


@dataclass
class JobContext:
    job: Job

    @property
    def params(self) -> dict[str, Any]:
        return self.job.params

    def progress(self, percent: float, message: str = "") -> None:
        """Record progress (0–100) and what is happening; visible to the user at once."""
        self.job.progress = max(0, min(100, int(percent)))
        self.job.message = message[:500]
        Job.objects.filter(pk=self.job.pk).update(
            progress=self.job.progress, message=self.job.message
        )

    def save_result(self, filename: str, content: bytes) -> None:
        self.job.result_file.save(filename, ContentFile(content), save=False)
        Job.objects.filter(pk=self.job.pk).update(result_file=self.job.result_file.name)


def job_start(*, kind: str, user: User | None, params: dict[str, Any] | None = None) -> Job:
    """Create the job row and enqueue it once the surrounding transaction commits."""
    if kind not in _KINDS:
        raise ValueError(f"unknown job kind {kind!r}")
    job = Job.objects.create(kind=kind, params=params or {}, created_by=user)
    transaction.on_commit(lambda: run_job.enqueue(job_id=job.pk))
    return job


@task()
def run_job(job_id: int) -> None:
    """The task the worker runs: look up the job's body, run it, record the outcome."""
    job = Job.objects.get(pk=job_id)
    if job.is_finished:
        return
    job.status = Job.Status.RUNNING
    job.started_at = timezone.now()
    job.save(update_fields=["status", "started_at"])
    ctx = JobContext(job)
    try:
        message = _KINDS[job.kind](ctx)
    except Exception as exc:  # noqa: BLE001 - any failure must reach the user, not vanish
        logger.exception("job %s failed", job)
        job.status = Job.Status.FAILED
        job.error = f"{type(exc).__name__}: {exc}\n\n{traceback.format_exc(limit=5)}"
        job.message = _("The job failed. The administrator can see the details.")
        job.finished_at = timezone.now()
        job.save(update_fields=["status", "error", "message", "finished_at"])
        return
    job.status = Job.Status.DONE
    job.progress = 100
    job.message = message or _("Done.")
    job.finished_at = timezone.now()
    job.save(update_fields=["status", "progress", "message", "finished_at"])
