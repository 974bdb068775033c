"""Writes of the import workflow: store the upload, start the check, start the import."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from hrmonitor.core import access
from hrmonitor.core.jobs import job_start
from hrmonitor.core.models import User
from hrmonitor.core.roles import Perm
from hrmonitor.framework.models import ImportBatch


@transaction.atomic
def import_batch_create(*, user: User, upload: UploadedFile) -> ImportBatch:
    access.require_perm(user, Perm.FRAMEWORK_ENTER_DATA, anywhere=True)
    batch = ImportBatch(original_name=(upload.name or "upload")[:255], uploaded_by=user)
    batch.file.save(upload.name or "upload", upload, save=False)
    batch.save()
    return batch


def _start(batch: ImportBatch, user: User, kind: str) -> None:
    job = job_start(
        kind=kind,
        user=user,
        params={"batch": batch.pk, "user": user.pk, "language": get_language() or "en"},
    )
    batch.job = job
    batch.save(update_fields=["job"])


@transaction.atomic
def import_batch_check(*, batch: ImportBatch, user: User) -> None:
    """Start the dry run in the background."""
    _start(batch, user, "framework.import_check")


@transaction.atomic
def import_batch_apply(*, batch: ImportBatch, user: User) -> None:
    """Start the import of a checked file; a file with problems cannot be imported."""
    if batch.status != ImportBatch.Status.CHECKED:
        raise ValidationError(_("Only a file checked without problems can be imported."))
    _start(batch, user, "framework.import_apply")
