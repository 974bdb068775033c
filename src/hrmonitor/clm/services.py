"""Writes of community-led monitoring: forms and their versions, app users, receiving
submissions (the OpenRosa intake), reviews and corrections. Access is checked here or by the
caller through `hrmonitor.core.access`; the OpenRosa views authenticate before calling in."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import json
import zlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from hrmonitor.clm import intake_cache, openrosa, selectors
from hrmonitor.clm.models import (
    AppUser,
    Form,
    FormMedia,
    FormVersion,
    Project,
    ScoreItem,
    Submission,
    SubmissionAttachment,
    SubmissionEvent,
)
from hrmonitor.clm.xlsform import BINARY_TYPES, Converted, XLSFormError, convert_xlsform
from hrmonitor.core import access
from hrmonitor.core.models import User
from hrmonitor.core.roles import Perm
from hrmonitor.core.services import LoadReport, read_yaml

XLSFORM_MAX_BYTES = 10 * 1024 * 1024
DATA_DIR = Path(__file__).resolve().parent / "data"
DEFAULT_FORMS_DIR = DATA_DIR / "forms"
OUTPUT_INDICATORS_FILE = DATA_DIR / "output-indicators.yaml"

# --- Forms ------------------------------------------------------------------------------------


@dataclass
class FormUpload:
    version: FormVersion
    created_form: bool


@transaction.atomic
def form_upload(
    *,
    user: User | None,
    content: bytes,
    filename: str,
    form: Form | None = None,
    projects: Iterable[Project] = (),
    media: dict[str, bytes] | None = None,
    check_access: bool = True,
) -> FormUpload:
    """Convert an XLSForm and keep it as a new version: of `form` when given (its form ID must
    match), else of the form with the XLSForm's ID, else of a new form. Raises XLSFormError
    (translated messages) or ValidationError."""
    if check_access:
        access.require_perm(user, Perm.CLM_MANAGE, anywhere=True)  # type: ignore[arg-type]
    if len(content) > XLSFORM_MAX_BYTES:
        raise XLSFormError([_("The file is larger than 10 MB.")])
    converted = convert_xlsform(content, filename)
    if form is not None and form.xml_form_id != converted.form_id:
        raise XLSFormError(
            [
                _(
                    "This file is the form “%(found)s”, not “%(expected)s”: check form_id on the "
                    "settings sheet."
                )
                % {"found": converted.form_id, "expected": form.xml_form_id}
            ]
        )
    created = False
    if form is None:
        form = Form.objects.filter(xml_form_id=converted.form_id).first()
    if form is None:
        form = Form.objects.create(
            xml_form_id=converted.form_id, title=converted.title, created_by=user
        )
        created = True
    elif form.versions.filter(version=converted.version).exists():
        raise XLSFormError(
            [
                _(
                    "Version %(version)s of this form was uploaded before: raise the version "
                    "on the settings sheet (e.g. to today's date)."
                )
                % {"version": converted.version}
            ]
        )
    version = _version_save(
        form, converted, content=content, filename=filename, user=user, media=media or {}
    )
    form.current_version = version
    form.title = converted.title or form.title
    form.save()
    if projects:
        form.projects.add(*projects)
    if created:
        _inherit_default_scoring(form, converted)
    return FormUpload(version=version, created_form=created)


def _inherit_default_scoring(form: Form, converted: Converted) -> None:
    """A new form adapted from a shipped one keeps its scorecard mapping: every item of the
    default forms' mapping whose question the new form asks, with the same answers, applies.
    The Secretariat can change it afterwards."""
    path = DEFAULT_FORMS_DIR / "scoring.yaml"
    if not path.exists():
        return
    shipped = read_yaml(path).get("forms", {})
    if form.xml_form_id in shipped:
        return
    choices = {
        f["path"]: {c["name"] for c in f.get("choices", [])}
        for f in converted.fields
        if f["type"] == "select one" and not f.get("repeat")
    }
    items: dict[str, dict[str, Any]] = {}
    for mapping in shipped.values():
        for item in mapping.get("items", []):
            scores = {str(k): v for k, v in item["scores"].items()}
            if item["question"] in choices and set(scores) <= choices[item["question"]]:
                items.setdefault(
                    item["question"],
                    {
                        "question": item["question"],
                        "dimension": item["dimension"],
                        "choice_scores": scores,
                    },
                )
    if items:
        score_items_set(user=None, form=form, items=list(items.values()), check_access=False)


def _version_save(
    form: Form,
    converted: Converted,
    *,
    content: bytes,
    filename: str,
    user: User | None,
    media: dict[str, bytes],
) -> FormVersion:
    version = FormVersion.objects.create(
        form=form,
        version=converted.version,
        source_name=filename,
        source=content,
        xform=converted.xform,
        md5=converted.md5,
        fields=converted.fields,
        languages=converted.languages,
        media=converted.media,
        warnings=converted.warnings,
        created_by=user,
    )
    files = dict(media)
    if converted.itemsets_csv:
        files["itemsets.csv"] = converted.itemsets_csv.encode()
    previous = form.current_version
    for name in converted.media:
        if name in files or name == selectors.SITES_FILE or previous is None:
            continue
        # A new version keeps the media of the previous one unless new files are given.
        old = previous.media_files.filter(name=name).first()
        if old is not None:
            files[name] = bytes(old.content)
    for name, data in files.items():
        FormMedia.objects.create(
            version=version,
            name=name,
            content=data,
            content_type=_media_type(name),
            md5=hashlib.md5(data, usedforsecurity=False).hexdigest(),
        )
    return version


def _media_type(name: str) -> str:
    lowered = name.lower()
    for suffix, kind in (
        (".csv", "text/csv"),
        (".png", "image/png"),
        (".jpg", "image/jpeg"),
        (".jpeg", "image/jpeg"),
        (".mp3", "audio/mpeg"),
        (".xml", "text/xml"),
        (".geojson", "application/geo+json"),
    ):
        if lowered.endswith(suffix):
            return kind
    return "application/octet-stream"


def form_media_save(*, user: User, version: FormVersion, name: str, content: bytes) -> FormMedia:
    """Upload (or replace) a media file the version declares."""
    access.require_perm(user, Perm.CLM_MANAGE, anywhere=True)
    if name not in version.media or name == selectors.SITES_FILE:
        raise ValidationError(_("This form does not use a file named %(name)s.") % {"name": name})
    media, _created = FormMedia.objects.update_or_create(
        version=version,
        name=name,
        defaults={
            "content": content,
            "content_type": _media_type(name),
            "md5": hashlib.md5(content, usedforsecurity=False).hexdigest(),
        },
    )
    return media


def form_settings_save(
    *,
    user: User,
    form: Form,
    state: str,
    green_from: int,
    amber_from: int,
    projects: Sequence[Project],
) -> Form:
    access.require_perm(user, Perm.CLM_MANAGE, anywhere=True)
    if amber_from > green_from:
        raise ValidationError({"amber_from": _("Amber must start at or below the start of green.")})
    form.state = state
    form.green_from = green_from
    form.amber_from = amber_from
    form.save()
    form.projects.set(projects)
    return form


@transaction.atomic
def score_items_set(
    *, user: User | None, form: Form, items: Sequence[dict[str, Any]], check_access: bool = True
) -> None:
    """Replace the form's question → dimension mapping with `items` ({question, dimension,
    choice_scores}); scores must lie between 0 and 100."""
    if check_access:
        access.require_perm(user, Perm.CLM_MANAGE, anywhere=True)  # type: ignore[arg-type]
    known = {f["path"] for f in (form.current_version.fields if form.current_version else [])}
    for item in items:
        if known and item["question"] not in known:
            raise ValidationError(
                _("The form has no question %(question)s.") % {"question": item["question"]}
            )
        for answer, score in item["choice_scores"].items():
            if not 0 <= float(score) <= 100:
                raise ValidationError(
                    _("The score of “%(answer)s” must lie between 0 and 100.") % {"answer": answer}
                )
    form.score_items.all().delete()
    ScoreItem.objects.bulk_create(
        ScoreItem(
            form=form,
            question=item["question"],
            dimension=item["dimension"],
            choice_scores=item["choice_scores"],
            order=index,
        )
        for index, item in enumerate(items)
    )


# --- App users (ODK Collect on a monitor's phone) --------------------------------------------


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def app_user_create(*, user: User, project: Project, display_name: str) -> tuple[AppUser, str]:
    """A new app user and its token; the token is shown once (as a QR code) and not stored."""
    access.require_perm(user, Perm.CLM_REVIEW, project.country_id)
    from hrmonitor.clm.models import new_app_token

    token = new_app_token()
    app_user = AppUser.objects.create(
        project=project,
        display_name=display_name.strip(),
        token_prefix=token[:8],
        token_hash=token_hash(token),
        created_by=user,
    )
    return app_user, token


def app_user_revoke(*, user: User, app_user: AppUser) -> None:
    access.require_perm(user, Perm.CLM_REVIEW, app_user.project.country_id)
    if app_user.revoked_at is None:
        app_user.revoked_at = timezone.now()
        app_user.save(update_fields=["revoked_at"])


def collect_settings(*, server_url: str, project: Project, username: str = "") -> dict[str, Any]:
    """ODK Collect's settings for one project (what its "Configure with QR code" reads)."""
    general: dict[str, Any] = {
        "server_url": server_url,
        "form_update_mode": "match_exactly",
        "autosend": "wifi_and_cellular",
        "delete_send": False,
    }
    if username:
        general["username"] = username
    return {
        "general": general,
        # A phone configured with an app user's token must not be pointed elsewhere by hand.
        "admin": {} if username else {"change_server": False},
        "project": {"name": project.name, "icon": project.name[:1].upper(), "color": "#0d6efd"},
    }


def collect_qr_payload(settings_dict: dict[str, Any]) -> str:
    """Collect's QR format: the settings JSON, zlib-compressed, base64-encoded."""
    raw = json.dumps(settings_dict, separators=(",", ":"), ensure_ascii=False).encode()
    return base64.b64encode(zlib.compress(raw)).decode()


def collect_qr_svg(settings_dict: dict[str, Any]) -> str:
    import io

    import segno

    buffer = io.BytesIO()
    segno.make(collect_qr_payload(settings_dict), error="l").save(
        buffer,
        kind="svg",
        scale=4,
        border=2,
        xmldecl=False,
        svgns=True,
        title=_("ODK Collect settings"),
    )
    return buffer.getvalue().decode()


# --- Receiving submissions (the OpenRosa intake) -----------------------------------------------


@dataclass
class Intake:
    """What the OpenRosa view answers: an HTTP status and the message Collect shows."""

    status: int
    message: str
    submission: Submission | None = None


def _keep(
    raw: bytes,
    sha: str,
    intake: str,
    problem: str,
    *,
    instance: openrosa.Instance | None = None,
    form: Form | None = None,
    project: Project | None,
    user: User | None,
    app_user: AppUser | None,
    device_id: str,
) -> Submission:
    return Submission.objects.create(
        intake=intake,
        problem=problem[:500],
        instance_id=instance.instance_id[:200] if instance else "",
        deprecated_id=instance.deprecated_id[:200] if instance else "",
        form=form,
        form_version=instance.version[:100] if instance else "",
        project=project,
        country=project.country if project else None,
        submitted_by=user,
        app_user=app_user,
        device_id=device_id[:200],
        raw=raw,
        raw_sha256=sha,
        review=Submission.Review.FLAGGED,
    )


def submitter_may_use(
    *,
    user: User | None,
    app_user: AppUser | None,
    project: Project | None,
    form: Form,
    project_checked: bool = False,
) -> bool:
    """Whether the sender may submit to `form` through `project` (None: any of their
    projects). `project_checked`: the caller already knows the sender may use `project`."""
    in_project = getattr(form, "in_project", None)
    if project is not None and in_project is None:
        in_project = selectors.form_in_project(form, project)
    if app_user is not None:
        return project is not None and app_user.project_id == project.pk and bool(in_project)
    if user is None:
        return False
    if project is not None:
        if not in_project:
            return False
        return project_checked or (
            selectors.projects_for_submitter(user).filter(pk=project.pk).exists()
        )
    projects = selectors.projects_for_submitter(user)
    return form.projects.filter(pk__in=projects.values("pk")).exists()


def submission_receive(
    *,
    xml: bytes,
    files: Sequence[UploadedFile] = (),
    project: Project | None,
    user: User | None = None,
    app_user: AppUser | None = None,
    device_id: str = "",
    project_checked: bool = False,
    retry: bool = False,
) -> Intake:
    """Receive one POST of a submission. Whatever arrives is kept: a submission that cannot be
    accepted is saved with its raw XML and the reason, and the client is told why (4xx).
    An identical resubmission (or a later POST carrying more attachments) answers 201; the
    same instance ID with other content answers 409."""
    sha = hashlib.sha256(xml).hexdigest()
    keep: dict[str, Any] = {
        "project": project,
        "user": user,
        "app_user": app_user,
        "device_id": device_id,
    }
    try:
        instance = openrosa.read_instance(xml)
    except openrosa.InstanceError as exc:
        _keep(xml, sha, Submission.Intake.MALFORMED, f"{exc.code}: {exc.detail}", **keep)
        return Intake(400, _malformed_message(exc.code))
    form = intake_cache.remember(
        f"form:{instance.form_id}:{project.pk if project else ''}",
        lambda: selectors.form_by_xml_id(instance.form_id, project=project),
    )
    if form is None:
        _keep(
            xml,
            sha,
            Submission.Intake.UNKNOWN_FORM,
            f"form {instance.form_id}",
            instance=instance,
            **keep,
        )
        return Intake(404, _("This server has no form “%(form)s”.") % {"form": instance.form_id})
    if not submitter_may_use(
        user=user, app_user=app_user, project=project, form=form, project_checked=project_checked
    ):
        _keep(
            xml,
            sha,
            Submission.Intake.NOT_ALLOWED,
            "sender not in the form's projects",
            instance=instance,
            form=form,
            **keep,
        )
        return Intake(403, _("You may not send this form to this project."))
    if form.state == Form.State.CLOSED:
        _keep(
            xml,
            sha,
            Submission.Intake.FORM_CLOSED,
            "form closed",
            instance=instance,
            form=form,
            **keep,
        )
        return Intake(403, _("This form is closed and no longer accepts submissions."))
    version = selectors.form_version(form, instance.version)
    if version is not None:
        # Most submissions are new: insert at once and let the unique constraint on accepted
        # instance IDs say when it is not (no query before the insert).
        try:
            submission = _accept(xml, sha, instance, form, version, files, **keep)
        except IntegrityError:
            pass  # this instance ID was accepted before: a resubmission or a conflict
        else:
            return Intake(201, _("Submission received; thank you."), submission)
    existing = selectors.accepted_submission(instance.instance_id)
    if existing is not None:
        if existing.raw_sha256 != sha:
            _keep(
                xml,
                sha,
                Submission.Intake.CONFLICT,
                f"instance {instance.instance_id}",
                instance=instance,
                form=form,
                **keep,
            )
            return Intake(409, _("A different submission with this ID was received before."))
        _attachments_add(existing, files)
        return Intake(201, _("Already received; thank you."), existing)
    if version is not None and not retry:
        # The earlier copy went away between the insert and the lookup: try once more.
        return submission_receive(
            xml=xml, files=files, project_checked=project_checked, retry=True, **keep
        )
    _keep(
        xml,
        sha,
        Submission.Intake.UNKNOWN_FORM,
        f"version {instance.version} of {instance.form_id}",
        instance=instance,
        form=form,
        **keep,
    )
    return Intake(
        404,
        _("This server has no version %(version)s of “%(form)s”: update the form on your phone.")
        % {"version": instance.version, "form": instance.form_id},
    )


def _malformed_message(code: str) -> str:
    messages = {
        "empty": _("The submission is empty."),
        "not_xml": _("The submission is not readable XML."),
        "forbidden_xml": _("The submission contains XML constructs this server refuses."),
        "no_form_id": _("The submission does not say which form it belongs to."),
        "no_instance_id": _("The submission has no instance ID (meta/instanceID)."),
        "no_xml_file": _("The request has no xml_submission_file part."),
    }
    return messages.get(code, _("The submission could not be read."))


def submission_keep_unreadable(
    *,
    body: bytes,
    problem: str,
    project: Project | None,
    user: User | None,
    app_user: AppUser | None,
    device_id: str = "",
) -> Intake:
    """A POST without an xml_submission_file part: its body is kept for the administrator."""
    _keep(
        body,
        hashlib.sha256(body).hexdigest(),
        Submission.Intake.MALFORMED,
        problem,
        project=project,
        user=user,
        app_user=app_user,
        device_id=device_id,
    )
    return Intake(400, _malformed_message("no_xml_file"))


def _accept(
    xml: bytes,
    sha: str,
    instance: openrosa.Instance,
    form: Form,
    version: FormVersion,
    files: Sequence[UploadedFile],
    **keep: Any,
) -> Submission:
    """Save an accepted submission. A plain insert needs no transaction of its own (the
    common case, and the fastest); an edit or attachments, or a caller's transaction (a
    savepoint keeps it usable if the insert meets the unique constraint), get one."""
    if instance.deprecated_id or files or transaction.get_connection().in_atomic_block:
        with transaction.atomic():
            return _insert(xml, sha, instance, form, version, files, **keep)
    return _insert(xml, sha, instance, form, version, files, **keep)


def _insert(
    xml: bytes,
    sha: str,
    instance: openrosa.Instance,
    form: Form,
    version: FormVersion,
    files: Sequence[UploadedFile],
    *,
    project: Project | None,
    user: User | None,
    app_user: AppUser | None,
    device_id: str,
) -> Submission:
    schema = selectors.version_schema(version)
    answers = openrosa.instance_answers(instance.root, schema.repeats)
    code = str(answers.get(schema.site_path, "")) if schema.site_path else ""
    site_id, site_country_id = (
        intake_cache.remember(f"site:{code}", lambda: selectors.site_key(code)) if code else None
    ) or (None, None)
    country_id = site_country_id or (project.country_id if project else None)
    if project is None and app_user is not None:
        project = app_user.project
    submission = Submission.objects.create(
        intake=Submission.Intake.ACCEPTED,
        instance_id=instance.instance_id[:200],
        deprecated_id=instance.deprecated_id[:200],
        form=form,
        form_version=version.version,
        project=project,
        site_id=site_id,
        country_id=country_id,
        submitted_by=user,
        app_user=app_user,
        device_id=(device_id or str(answers.get(schema.device_path, "")))[:200],
        interview_date=_interview_date(answers, schema.date_paths),
        raw=xml,
        raw_sha256=sha,
        data=answers,
        attachments_expected=len(openrosa.attachment_names(answers, schema.binaries)),
    )
    if instance.deprecated_id:
        Submission.objects.filter(
            intake=Submission.Intake.ACCEPTED,
            instance_id=instance.deprecated_id,
            superseded_by__isnull=True,
        ).exclude(pk=submission.pk).update(superseded_by=submission)
    _attachments_add(submission, files)
    return submission


def _interview_date(answers: dict[str, Any], date_paths: Sequence[str]) -> dt.date:
    for path in date_paths:
        value = answers.get(path)
        if isinstance(value, str) and len(value) >= 10:
            try:
                return dt.date.fromisoformat(value[:10])
            except ValueError:
                continue
    return timezone.localdate()


def _attachments_add(submission: Submission, files: Sequence[UploadedFile]) -> None:
    have = set(submission.attachments.values_list("name", flat=True)) if files else set()
    for upload in files:
        name = (upload.name or "").rsplit("/", 1)[-1][:255]
        if not name or name in have:
            continue
        data = upload.read()
        attachment = SubmissionAttachment(
            submission=submission,
            name=name,
            content_type=upload.content_type or "",
            size=len(data),
            sha256=hashlib.sha256(data).hexdigest(),
        )
        attachment.file.save(name, ContentFile(data), save=False)
        attachment.save()
        have.add(name)


# --- Review and corrections ------------------------------------------------------------------


def _require_review(user: User, submission: Submission) -> None:
    if not access.has_perm(user, Perm.CLM_REVIEW, submission.country_id):
        raise PermissionDenied


@transaction.atomic
def submission_review(
    *, user: User, submission: Submission, review: str, note: str = ""
) -> Submission:
    """Approve, flag or exclude (a reason is needed to flag or exclude), or set back to
    pending. The decision is kept in the submission's events."""
    _require_review(user, submission)
    if review not in Submission.Review.values:
        raise ValidationError({"review": _("Choose a review status.")})
    if review in {Submission.Review.FLAGGED, Submission.Review.EXCLUDED} and not note.strip():
        raise ValidationError({"note": _("Say why the submission is flagged or excluded.")})
    if submission.intake != Submission.Intake.ACCEPTED:
        raise ValidationError(_("Only accepted submissions are reviewed."))
    SubmissionEvent.objects.create(
        submission=submission,
        kind=SubmissionEvent.Kind.REVIEW,
        old_value=submission.review,
        new_value=review,
        note=note.strip()[:500],
        by=user,
    )
    submission.review = review
    submission.review_note = note.strip()[:500]
    submission.save(update_fields=["review", "review_note"])
    return submission


@transaction.atomic
def submission_correct(
    *, user: User, submission: Submission, question: str, value: str, reason: str
) -> Submission:
    """Correct one answer (not inside a repeat). The raw XML keeps what was sent; the
    correction, with the old value and the reason, is kept in the submission's events."""
    _require_review(user, submission)
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the answer is corrected.")})
    fields = {f["path"]: f for f in selectors.submission_fields(submission)}
    field = fields.get(question)
    if field is None or field.get("repeat") or field["type"] in BINARY_TYPES | {"repeat"}:
        raise ValidationError({"question": _("This answer cannot be corrected here.")})
    value = value.strip()
    choices = {c["name"] for c in field.get("choices", [])}
    if value and choices:
        given = value.split() if field["type"].startswith("select all") else [value]
        if any(v not in choices for v in given):
            raise ValidationError({"value": _("Choose one of the question's answers.")})
    if value and field["type"] in {"integer", "decimal"}:
        try:
            float(value) if field["type"] == "decimal" else int(value)
        except ValueError:
            raise ValidationError({"value": _("Enter a number.")}) from None
    old = submission.data.get(question)
    if (old or "") == value:
        return submission
    SubmissionEvent.objects.create(
        submission=submission,
        kind=SubmissionEvent.Kind.CORRECTION,
        question=question,
        old_value=old,
        new_value=value or None,
        note=reason.strip()[:500],
        by=user,
    )
    data = dict(submission.data)
    if value:
        data[question] = value
    else:
        data.pop(question, None)
    submission.data = data
    update = ["data"]
    if question == selectors.version_schema_for(submission).site_path:
        submission.site = selectors.site_by_code(value)
        if submission.site is not None:
            submission.country = submission.site.country
        update += ["site", "country"]
    submission.save(update_fields=update)
    return submission


# --- Reference data: the default forms and the output indicators --------------------------------


def default_forms_load(
    *, directory: Path = DEFAULT_FORMS_DIR, report: LoadReport | None = None
) -> LoadReport:
    """Install the XLSForms shipped with hrmonitor (EN/RU) with their scorecard mapping
    (`scoring.yaml`). Idempotent: a form is added once; a shipped file with a new version
    adds that version; a mapping is set only while the form has none (it is then the
    Secretariat's to change)."""
    report = report or LoadReport()
    scoring = read_yaml(directory / "scoring.yaml").get("forms", {})
    for path in sorted(directory.glob("*.md")):
        content = path.read_bytes()
        converted = convert_xlsform(content, path.name)
        form = Form.objects.filter(xml_form_id=converted.form_id).first()
        if form is not None and form.versions.filter(version=converted.version).exists():
            report.add(Form, "unchanged")
        else:
            result = form_upload(
                user=None, content=content, filename=path.name, form=form, check_access=False
            )
            form = result.version.form
            report.add(Form, "created" if result.created_form else "updated")
        mapping = scoring.get(form.xml_form_id)
        if mapping and not form.score_items.exists():
            form.green_from = mapping.get("green_from", form.green_from)
            form.amber_from = mapping.get("amber_from", form.amber_from)
            form.save(update_fields=["green_from", "amber_from"])
            score_items_set(
                user=None,
                form=form,
                check_access=False,
                items=[
                    {
                        "question": i["question"],
                        "dimension": i["dimension"],
                        "choice_scores": {str(k): v for k, v in i["scores"].items()},
                    }
                    for i in mapping["items"]
                ],
            )
    return report


def clm_output_indicators_load(*, report: LoadReport | None = None) -> LoadReport:
    """The output indicators computed from CLM records, with the monitoring loader."""
    from hrmonitor.monitoring.services import output_indicators_load

    return output_indicators_load(path=OUTPUT_INDICATORS_FILE, report=report)
