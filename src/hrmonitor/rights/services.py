"""Writes of case documentation, each checked against the case roles and logged.

Every read of a case by a person goes through `case_open`, which records the access (or the
refusal) in the append-only `AccessLog` before anything is shown. Nothing identifying is put
in the log, the URL or an error: a case is named by its random reference.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from hrmonitor.core import access, crypto
from hrmonitor.core.models import Country, Organisation, User
from hrmonitor.core.roles import Perm
from hrmonitor.rights import codes, stories
from hrmonitor.rights.models import (
    AccessLog,
    Act,
    Case,
    CaseFile,
    Consent,
    LegalAnalysis,
    Response,
)

CONSENT_TEXT_VERSION = "2026-1"
CLIENT_INDEX_PURPOSE = "rights.client_code"


def log_access(*, user: User, action: str, case: Case | None = None, detail: str = "") -> None:
    """Append one line to the access log (never personal data in `detail`)."""
    AccessLog.objects.create(
        user=user if user.is_authenticated else None,
        username=user.get_username() if user.is_authenticated else "",
        case_reference=case.reference if case else "",
        action=action,
        detail=detail[:200],
    )


@dataclass(frozen=True)
class OpenedCase:
    case: Case
    identifying: bool  # False: pseudonymised (no narrative, code, province, free text)


def case_open(*, user: User, reference: str, purpose: str = AccessLog.Action.VIEW) -> OpenedCase:
    """The case named by `reference` as `user` may see it, logged; PermissionDenied (logged as
    a refusal) when they may not; a reference that does not exist is a 404 for the caller."""
    case = (
        Case.objects.select_related("country", "organisation").filter(reference=reference).first()
    )
    if case is None:
        raise Case.DoesNotExist
    level = access.case_access_level(user, case)
    if level is None:
        log_access(user=user, case=case, action=AccessLog.Action.DENIED, detail=str(purpose))
        raise PermissionDenied
    identifying = level == "full"
    action = (
        purpose
        if identifying or purpose != AccessLog.Action.VIEW
        else AccessLog.Action.VIEW_PSEUDONYMISED
    )
    log_access(user=user, case=case, action=action)
    return OpenedCase(case, identifying)


def _require(user: User, permission: str, case: Case) -> None:
    if not access.case_perm(user, permission, case):
        log_access(user=user, case=case, action=AccessLog.Action.DENIED, detail=permission)
        raise PermissionDenied


def _codes(values: Iterable[str], list_name: str, field: str) -> list[str]:
    known = {c.code for c in codes.code_list(list_name)}
    chosen = [v for v in values if v]
    unknown = [v for v in chosen if v not in known]
    if unknown:
        raise ValidationError(
            {field: _("Unknown code: %(codes)s.") % {"codes": ", ".join(unknown)}}
        )
    return chosen


# --- Cases -----------------------------------------------------------------------------------


@transaction.atomic
def case_create(
    *,
    user: User,
    country: Country,
    organisation: Organisation,
    channel: str,
    received_on: dt.date,
    consents: Mapping[str, bool],
    narrative: str = "",
    incident_date: dt.date | None = None,
    incident_precision: str = Case.Precision.DAY,
    client_code: str = "",
    gender: str = Case.Gender.NOT_STATED,
    age_band: str = Case.AgeBand.NOT_STATED,
    province: str = "",
    key_groups: Iterable[str] = (),
    pregnant: bool | None = None,
    has_children: bool | None = None,
    custody: str = Case.Custody.NOT_APPLICABLE,
) -> Case:
    """Record a case with the client's consents. Without consent to record it, nothing is
    kept. Documenters record for their own organisation, in their country."""
    if not consents.get(Consent.Item.RECORD):
        raise ValidationError(
            {"consents": _("The client must consent to the recording of the case.")}
        )
    case = Case(
        country=country,
        organisation=organisation,
        documenter=user,
        channel=channel,
        received_on=received_on,
        incident_date=incident_date,
        incident_precision=incident_precision,
        gender=gender,
        age_band=age_band,
        key_groups=_codes(key_groups, "key_groups", "key_groups"),
        pregnant=pregnant,
        has_children=has_children,
        custody=custody,
    )
    if not access.case_perm(user, Perm.RIGHTS_WRITE_CASES, case):
        raise PermissionDenied
    case.narrative = narrative.strip()
    case.client_code = client_code.strip()
    case.client_index = (
        crypto.blind_index(client_code, purpose=CLIENT_INDEX_PURPOSE) if client_code.strip() else ""
    )
    case.province = province.strip()
    case.full_clean()
    case.save()
    today = timezone.localdate()
    Consent.objects.bulk_create(
        Consent(
            case=case,
            item=item,
            given=bool(consents.get(item, False)),
            text_version=CONSENT_TEXT_VERSION,
            given_on=today,
            taken_by=user,
        )
        for item in Consent.Item.values
    )
    log_access(user=user, case=case, action=AccessLog.Action.EDIT, detail="created")
    return case


INTAKE_FIELDS = (
    "channel",
    "received_on",
    "incident_date",
    "incident_precision",
    "gender",
    "age_band",
    "key_groups",
    "pregnant",
    "has_children",
    "custody",
)
ENCRYPTED_INTAKE_FIELDS = ("narrative", "client_code", "province")


def case_update(*, user: User, case: Case, **fields: Any) -> Case:
    """Change the intake details of a case (not its consents, acts or responses, which have
    their own steps); the history keeps every version, encrypted."""
    _require(user, Perm.RIGHTS_WRITE_CASES, case)
    # Outside the transaction: a refusal stays in the access log when the write fails.
    with transaction.atomic():
        unknown = set(fields) - set(INTAKE_FIELDS) - set(ENCRYPTED_INTAKE_FIELDS)
        if unknown:
            raise ValueError(f"not intake fields: {sorted(unknown)}")
        if "key_groups" in fields:
            fields["key_groups"] = _codes(fields["key_groups"], "key_groups", "key_groups")
        for name, value in fields.items():
            if name in ENCRYPTED_INTAKE_FIELDS:
                value = (value or "").strip()
            setattr(case, name, value)
        if "client_code" in fields:
            code = case.client_code
            case.client_index = (
                crypto.blind_index(code, purpose=CLIENT_INDEX_PURPOSE) if code else ""
            )
        case.full_clean()
        case.save()
        log_access(user=user, case=case, action=AccessLog.Action.EDIT, detail="intake")
        return case


def consent_withdraw(*, user: User, case: Case, item: str) -> Consent:
    """The client withdraws one consent; the withdrawal is dated and kept."""
    _require(user, Perm.RIGHTS_WRITE_CASES, case)
    # Outside the transaction: a refusal stays in the access log when the write fails.
    with transaction.atomic():
        consent = case.consents.filter(item=item, given=True, withdrawn_on__isnull=True).first()
        if consent is None:
            raise ValidationError(_("This consent is not in force."))
        consent.withdrawn_on = timezone.localdate()
        consent.save(update_fields=["withdrawn_on"])
        log_access(user=user, case=case, action=AccessLog.Action.EDIT, detail=f"consent {item}")
        # A published story without the client's consent any more is withdrawn at once.
        stories.withdraw_stories_without_consent(case, user=user)
        return consent


def consent_in_force(case: Case, item: str) -> bool:
    return any(c.item == item and c.in_force for c in case.consents.all())


def act_add(
    *,
    user: User,
    case: Case,
    violations: Iterable[str],
    perpetrator: str,
    involvement: str = "direct",
    occurred_on: dt.date | None = None,
    description: str = "",
) -> Act:
    _require(user, Perm.RIGHTS_WRITE_CASES, case)
    # Outside the transaction: a refusal stays in the access log when the write fails.
    with transaction.atomic():
        chosen = _codes(violations, "violations", "violations")
        if not chosen:
            raise ValidationError({"violations": _("Choose at least one violation.")})
        act = Act(
            case=case,
            violations=chosen,
            perpetrator=_codes([perpetrator], "perpetrators", "perpetrator")[0],
            involvement=_codes([involvement], "involvement", "involvement")[0],
            occurred_on=occurred_on,
        )
        act.description = description.strip()
        act.full_clean()
        act.save()
        log_access(user=user, case=case, action=AccessLog.Action.EDIT, detail="act")
        return act


def analysis_save(
    *,
    user: User,
    case: Case,
    qualification: str,
    confidence: str,
    rights: Iterable[str] = (),
    national_law: str = "",
    strategic: bool = False,
    text: str = "",
) -> LegalAnalysis:
    """The legal analyst qualifies the case (one analysis per case, revised in place; its
    history keeps every version)."""
    _require(user, Perm.RIGHTS_ANALYSE, case)
    # Outside the transaction: a refusal stays in the access log when the write fails.
    with transaction.atomic():
        known = {c.code for c in codes.articles()}
        chosen = [r for r in rights if r]
        unknown = [r for r in chosen if r not in known]
        if unknown:
            raise ValidationError(
                {"rights": _("Unknown article: %(codes)s.") % {"codes": ", ".join(unknown)}}
            )
        analysis = LegalAnalysis.objects.filter(case=case).first() or LegalAnalysis(case=case)
        analysis.analyst = user
        analysis.qualification = qualification
        analysis.confidence = confidence
        analysis.rights = chosen
        analysis.national_law = national_law.strip()
        analysis.strategic = strategic
        analysis.analysed_on = timezone.localdate()
        analysis.text = text.strip()
        analysis.full_clean()
        analysis.save()
        if case.status == Case.Status.OPEN:
            case.status = Case.Status.IN_ANALYSIS
            case.save(update_fields=["status", "updated_at"])
        log_access(user=user, case=case, action=AccessLog.Action.EDIT, detail="analysis")
        return analysis


def response_save(
    *,
    user: User,
    case: Case,
    kind: str,
    started_on: dt.date,
    referred: bool = False,
    referred_to: str = "",
    status: str = Response.Status.PLANNED,
    ended_on: dt.date | None = None,
    outcome: str = "",
    follow_up_on: dt.date | None = None,
    response: Response | None = None,
) -> Response:
    """Add or update a response (legal aid, referral…); a referral needs the consent to
    refer and says to whom."""
    _require(user, Perm.RIGHTS_RESPOND, case)
    # Outside the transaction: a refusal stays in the access log when the write fails.
    with transaction.atomic():
        if referred and not consent_in_force(case, Consent.Item.REFER):
            raise ValidationError({"referred": _("The client has not consented to referrals.")})
        if referred and not referred_to.strip():
            raise ValidationError({"referred_to": _("Say to whom the client was referred.")})
        if ended_on and ended_on < started_on:
            raise ValidationError({"ended_on": _("The end cannot be before the start.")})
        response = response or Response(case=case)
        response.kind = kind
        response.referred = referred
        response.referred_to = referred_to.strip()
        response.started_on = started_on
        response.ended_on = ended_on
        response.status = status
        response.follow_up_on = follow_up_on
        response.outcome = outcome.strip()
        response.full_clean()
        response.save()
        if case.status in (Case.Status.OPEN, Case.Status.IN_ANALYSIS):
            case.status = Case.Status.RESPONDING
            case.save(update_fields=["status", "updated_at"])
        log_access(user=user, case=case, action=AccessLog.Action.EDIT, detail="response")
        return response


def case_close(*, user: User, case: Case, closure: str, closed_on: dt.date | None = None) -> Case:
    _require(user, Perm.RIGHTS_RESPOND, case)
    # Outside the transaction: a refusal stays in the access log when the write fails.
    with transaction.atomic():
        if closure not in Case.Closure.values:
            raise ValidationError({"closure": _("Choose how the case ended.")})
        case.closure = closure
        case.closed_on = closed_on or timezone.localdate()
        case.status = Case.Status.CLOSED
        case.save(update_fields=["closure", "closed_on", "status", "updated_at"])
        log_access(user=user, case=case, action=AccessLog.Action.EDIT, detail="closed")
        return case


# --- Files -----------------------------------------------------------------------------------


def file_add(
    *, user: User, case: Case, upload: UploadedFile, kind: str, access_level: str
) -> CaseFile:
    """Store an evidence file encrypted (bound to its record); the SHA-256 is of the original."""
    _require(user, Perm.RIGHTS_WRITE_CASES, case)
    # Outside the transaction: a refusal stays in the access log when the write fails.
    with transaction.atomic():
        content = upload.read()
        record = CaseFile(
            case=case,
            kind=kind,
            sha256=hashlib.sha256(content).hexdigest(),
            size=len(content),
            access=access_level,
            uploaded_by=user,
        )
        record.name = upload.name or "file"
        sealed = crypto.encrypt(content, aad=f"{CaseFile._meta.db_table}|stored|{record.pk}")
        record.stored.save(f"{record.pk}.bin", ContentFile(sealed.encode()), save=False)
        record.full_clean()
        record.save()
        log_access(user=user, case=case, action=AccessLog.Action.EDIT, detail="file")
        return record


def file_read(*, user: User, record: CaseFile) -> bytes:
    """The decrypted content for someone who may open the case (and, for files restricted to
    analysts, who may analyse or coordinate), logged as a download; integrity checked."""
    level = access.case_access_level(user, record.case)
    allowed = level == "full" and (
        record.access == CaseFile.Access.CASE_TEAM
        or access.case_perm(user, Perm.RIGHTS_ANALYSE, record.case)
        or access.case_perm(user, Perm.RIGHTS_EXPORT, record.case)
    )
    if not allowed:
        log_access(user=user, case=record.case, action=AccessLog.Action.DENIED, detail="file")
        raise PermissionDenied
    with record.stored.open("rb") as handle:
        sealed = handle.read().decode()
    content = crypto.decrypt(sealed, aad=f"{CaseFile._meta.db_table}|stored|{record.pk}")
    if hashlib.sha256(content).hexdigest() != record.sha256:
        raise ValidationError(_("The file does not match its checksum."))
    log_access(user=user, case=record.case, action=AccessLog.Action.DOWNLOAD)
    return content


def reminders(user: User, *, today: dt.date | None = None) -> list[Response]:
    """Follow-ups due (today or overdue) on the open cases the user works on."""
    today = today or timezone.localdate()
    cases = access.cases_visible_to(user).exclude(status=Case.Status.CLOSED)
    return list(
        Response.objects.filter(case__in=cases, follow_up_on__lte=today)
        .exclude(status__in=[Response.Status.DONE, Response.Status.REFUSED])
        .select_related("case")
        .order_by("follow_up_on")
    )


@crypto.register_key_usage_counter
def stored_files_using(key_id: str) -> dict[str, int]:
    """How many evidence files are sealed with `key_id` (so that `rotate-keys --retire` never
    removes a key a file still needs)."""
    count = 0
    for record in CaseFile.objects.exclude(stored="").only("pk", "stored"):
        with record.stored.open("rb") as handle:
            if crypto.token_key_id(handle.read(40)) == key_id:
                count += 1
    return {"rights_casefile.stored": count}
