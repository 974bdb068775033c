"""Community-led monitoring in the HTTP API (mounted at /api/v1/clm): read-only — service sites,
forms, submissions, scorecards, escalations and the efficiency assessment. Writes go through
the pages and the OpenRosa server.

Every endpoint needs a personal token and applies the rules of the pages, through the same
helpers (`core.access`, `clm.scorecards`, `clm.selectors_efficiency`):

- the site register, forms, submissions and scorecards are for those who take part in CLM
  somewhere (`Perm.CLM_SUBMIT` or `Perm.CLM_REVIEW`); anyone else is answered 403;
- forms: every form for those who run CLM (`CLM_REVIEW`), the forms of their projects for
  monitors;
- submissions: those of the countries where the caller runs CLM (the Secretariat: all), and
  those the caller sent. Lists never carry the raw XML; one submission carries it only for
  those who run CLM in its country;
- scorecards are aggregates under the minimum-respondents rule, exactly as on the pages: an
  item or dimension with fewer respondents than the minimum has no score, no colour and no
  count — the value is never computed into the answer;
- escalations and the efficiency assessment: those who run CLM, for their countries.

Something outside the caller's scope is answered 404, as if it did not exist. Labels and
messages follow the request's language (`Accept-Language: ru`); no answer may be cached."""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.conf import settings
from django.db.models import QuerySet
from django.http import Http404, HttpRequest
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from ninja import Field, Query, Router, Schema, Status
from ninja.errors import HttpError

from hrmonitor.clm import efficiency as eff
from hrmonitor.clm import reports, selectors, services_sites
from hrmonitor.clm import scorecards as reads
from hrmonitor.clm import selectors_efficiency as efficiency_selectors
from hrmonitor.clm.forms_submissions import INTAKE_ALL, INTAKE_CURRENT, INTAKE_REJECTED
from hrmonitor.clm.models import (
    Escalation,
    Form,
    Service,
    ServiceSite,
    SiteKind,
    Submission,
)
from hrmonitor.clm.xlsform import label_for
from hrmonitor.core import access
from hrmonitor.core import api as core_api
from hrmonitor.core import selectors as core_selectors
from hrmonitor.core.api import BadRequest, ErrorOut, NotFound
from hrmonitor.core.api import problem as _error
from hrmonitor.core.models import Country, User
from hrmonitor.core.roles import Perm
from hrmonitor.framework.periods import Period


class TokenAuth(core_api.TokenAuth):
    """The personal token, as everywhere in the API; a missing or bad token is answered 401
    with a message in the request's language. (Named like its parent so that the OpenAPI
    document keeps a single security scheme.)"""

    def __call__(self, request: HttpRequest) -> Any:
        user = super().__call__(request)
        if not user:
            raise HttpError(401, _("The API token is not valid."))
        return user


router = Router(tags=["clm"], auth=TokenAuth())
# Submissions are what community members told monitors: nothing of them may stay in a cache.
router.add_decorator(never_cache, mode="view")

MAX_LIMIT = 1000
COUNTRY_HELP = "ISO 3166-1 alpha-2 code of a country of the network, e.g. KZ."
DATE_HELP = "A date (YYYY-MM-DD)."
PAGE_HELP = f"At most this many (1–{MAX_LIMIT})."
OFFSET_HELP = "Skip this many (for the next page)."
INTAKES = [INTAKE_CURRENT, INTAKE_REJECTED, INTAKE_ALL, *Submission.Intake.values]


def _caller(request: HttpRequest) -> User:
    """The token's user (`TokenAuth` has authenticated every request of this router)."""
    user: User = request.auth  # type: ignore[attr-defined]  # set by django-ninja's auth
    return user


def _participant(request: HttpRequest) -> User:
    """The caller, if they take part in CLM somewhere (as monitor or reviewer); else 403."""
    user = _caller(request)
    if not access.clm_participant(user):
        raise HttpError(403, _("Your account takes no part in community-led monitoring."))
    return user


def _reviewer(request: HttpRequest) -> User:
    """The caller, if they run CLM in some country (`Perm.CLM_REVIEW`); else 403."""
    user = _caller(request)
    if not access.has_perm(user, Perm.CLM_REVIEW, anywhere=True):
        raise HttpError(
            403, _("Only those who run community-led monitoring in a country may see this.")
        )
    return user


def _language() -> str:
    return (translation.get_language() or settings.LANGUAGE_CODE).split("-")[0]


def _window(offset: int, limit: int) -> slice:
    offset = max(0, offset)
    return slice(offset, offset + max(1, min(limit, MAX_LIMIT)))


def _country(iso2: str) -> Country | None:
    if not iso2:
        return None
    found = core_selectors.country_by_iso2(iso2.strip())
    if found is None:
        raise NotFound(_("Country not found."))
    return found


def _site(code: str) -> ServiceSite | None:
    if not code:
        return None
    found = selectors.site_by_code(code.strip())
    if found is None:
        raise NotFound(_("Site not found."))
    return found


def _date(value: str) -> dt.date | None:
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise BadRequest(
            _("“%(value)s” is not a date: write it as YYYY-MM-DD.") % {"value": value}
        ) from None


def _one_of(value: str, allowed: list[str]) -> str:
    if value and value not in allowed:
        raise BadRequest(
            _("“%(value)s” is not one of: %(choices)s.")
            % {"value": value, "choices": ", ".join(allowed)}
        )
    return value


def _float(value: Decimal | float | int | None, places: int = 2) -> float | None:
    """A number rounded half up to `places` decimals (as the downloads give it)."""
    if value is None:
        return None
    exact = Decimal(str(value)) if not isinstance(value, Decimal) else value
    return float(exact.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP))


# --- Service sites ---------------------------------------------------------------------------


class SiteFilters(Schema):
    country: str = Field("", description=COUNTRY_HELP)
    kind: str = Field("", description=f"One type of site: {', '.join(SiteKind.values)}.")
    status: str = Field("", description=f"One status: {', '.join(ServiceSite.Status.values)}.")
    service: str = Field(
        "", description=f"Sites offering one service: {', '.join(Service.values)}."
    )
    q: str = Field("", description="Words to look for in the name, code, province or operator.")
    limit: int = Field(100, description=PAGE_HELP)
    offset: int = Field(0, description=OFFSET_HELP)


class SiteOut(Schema):
    code: str = Field(description="The site's code: the value forms send, e.g. KZ-ALA-1.")
    name: str = Field(description="The site's name.")
    kind: str = Field(description=f"Type of site: {', '.join(SiteKind.values)}.")
    kind_label: str = Field(description="The type in the request's language.")
    country: str = Field(description="ISO 3166-1 alpha-2 code of its country.")
    locality: str = Field(description="Province or city.")
    operator: str | None = Field(description="The organisation that runs it, if known.")
    services: list[str] = Field(description=f"Codes of its services: {', '.join(Service.values)}.")
    service_labels: list[str] = Field(description="Its services in the request's language.")
    hours: str = Field(description="Opening hours, as the site announces them.")
    latitude: float | None = Field(description="Decimal degrees; null when not known.")
    longitude: float | None = Field(description="Decimal degrees; null when not known.")
    status: str = Field(description=f"One of {', '.join(ServiceSite.Status.values)}.")
    status_label: str = Field(description="The status in the request's language.")
    is_demo: bool = Field(description="A synthetic record of the demonstration data.")


class SiteDetailOut(SiteOut):
    submissions: int = Field(
        description="Current submissions about the site that the caller may open."
    )


class SitePage(Schema):
    count: int = Field(description="Number of sites matching the filters, on all pages.")
    items: list[SiteOut] = Field(description="The sites of this page.")


def _site_fields(site: ServiceSite) -> dict[str, Any]:
    return {
        "code": site.code,
        "name": site.name,
        "kind": site.kind,
        "kind_label": site.get_kind_display(),
        "country": site.country.iso2,
        "locality": site.locality,
        "operator": site.operator.name if site.operator else None,
        "services": list(site.services),
        "service_labels": site.service_labels(),
        "hours": site.hours,
        "latitude": float(site.latitude) if site.latitude is not None else None,
        "longitude": float(site.longitude) if site.longitude is not None else None,
        "status": site.status,
        "status_label": site.get_status_display(),
        "is_demo": site.is_demo,
    }


def _kind(value: str) -> str:
    if value and value not in SiteKind.values:
        raise BadRequest(_("“%(value)s” is not a type of site.") % {"value": value})
    return value


def _service(value: str) -> str:
    if value and value not in Service.values:
        raise BadRequest(_("“%(value)s” is not a service.") % {"value": value})
    return value


def _status(value: str, allowed: list[str]) -> str:
    if value and value not in allowed:
        raise BadRequest(
            _("“%(value)s” is not a status; use one of %(codes)s.")
            % {"value": value, "codes": ", ".join(allowed)}
        )
    return value


@router.get(
    "/sites",
    response={200: SitePage, 400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut},
    summary="The register of service sites (monitors and those who run CLM)",
)
def sites(request: HttpRequest, filters: Query[SiteFilters]) -> Status[Any]:
    """Ordered by country and name. Every site of the register, whatever its country: monitors
    choose sites in their forms."""
    _participant(request)
    try:
        found = services_sites.sites_filtered(
            query=filters.q.strip()[:100],
            country=_country(filters.country),
            kind=_kind(filters.kind),
            status=_status(filters.status, ServiceSite.Status.values),
            service=_service(filters.service),
        )
    except (NotFound, BadRequest) as error:
        return _error(error)
    page = found[_window(filters.offset, filters.limit)]
    return Status(
        200, SitePage(count=found.count(), items=[SiteOut(**_site_fields(s)) for s in page])
    )


@router.get(
    "/sites/{code}",
    response={200: SiteDetailOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut},
    summary="One service site by its code",
)
def site(request: HttpRequest, code: str) -> Status[Any]:
    user = _participant(request)
    found = ServiceSite.objects.select_related("country", "operator").filter(code=code).first()
    if found is None:
        return Status(404, {"detail": _("Site not found.")})
    return Status(
        200,
        SiteDetailOut(
            **_site_fields(found),
            submissions=services_sites.site_submission_count(user, found),
        ),
    )


# --- Forms -----------------------------------------------------------------------------------


class ProjectOut(Schema):
    id: int = Field(description="The project's number (the `project` filter of submissions).")
    name: str = Field(description="The project's name.")
    country: str | None = Field(description="ISO code of its country; null for a regional one.")


class FormOut(Schema):
    xml_form_id: str = Field(description="The form's XForm ID, e.g. clm_nsp_exit.")
    title: str = Field(description="The form's title.")
    state: str = Field(description=f"One of {', '.join(Form.State.values)}.")
    state_label: str = Field(description="The state in the request's language.")
    version: str | None = Field(description="The current version; null before any upload.")
    version_uploaded_at: dt.datetime | None = Field(description="When it was uploaded.")
    languages: list[str] = Field(description="Language codes of the current version's labels.")
    projects: list[ProjectOut] = Field(description="The projects whose monitors fill it.")
    scored: bool = Field(description="Whether the form has a scorecard mapping.")


class ChoiceOut(Schema):
    name: str = Field(description="The answer's code: what a submission holds.")
    labels: dict[str, str] = Field(description="Its label in each language of the form.")
    label: str = Field(description="Its label in the request's language (else English).")


class QuestionOut(Schema):
    path: str = Field(
        description="Where the answer is in a submission's `answers`, e.g. group/question."
    )
    name: str = Field(description="The question's name in the XLSForm.")
    type: str = Field(
        description="The XLSForm type, e.g. `select one`, `integer`, `repeat`, `image`."
    )
    repeat: str = Field(
        description="Path of the repeat group it sits in; empty outside any. A repeat's "
        "answers are a list of objects, one per entry, keyed by these paths."
    )
    labels: dict[str, str] = Field(description="Its label in each language of the form.")
    label: str = Field(description="Its label in the request's language (else English).")
    choices: list[ChoiceOut] = Field(description="A choice question's answers, in form order.")
    choices_file: str | None = Field(
        description="The file a choice question reads its answers from (`sites.csv`: the "
        "codes of the site register)."
    )


class ScoreItemOut(Schema):
    question: str = Field(description="Path of the scored question.")
    label: str = Field(description="The question in the request's language.")
    dimension: str = Field(
        description="AAAQ dimension: availability, accessibility, acceptability or quality."
    )
    dimension_label: str = Field(description="The dimension in the request's language.")
    choice_scores: dict[str, float] = Field(
        description="The score (0–100) of each answer code; an answer left out (“don't "
        "know”) is not counted."
    )


class FormDetailOut(FormOut):
    green_from: int = Field(description="Scores from this one up are green (good).")
    amber_from: int = Field(
        description="Scores from this one up (below `green_from`) are amber; below, red."
    )
    questions: list[QuestionOut] = Field(description="The current version's questions.")
    scorecard: list[ScoreItemOut] = Field(description="How the form's answers are scored.")


def _form_fields(form: Form) -> dict[str, Any]:
    version = form.current_version
    return {
        "xml_form_id": form.xml_form_id,
        "title": form.title,
        "state": form.state,
        "state_label": form.get_state_display(),
        "version": version.version if version else None,
        "version_uploaded_at": version.created_at if version else None,
        "languages": list(version.languages) if version else [],
        "projects": [
            ProjectOut(id=p.pk, name=p.name, country=p.country.iso2 if p.country else None)
            for p in form.projects.all()
        ],
        "scored": bool(getattr(form, "scored", False)),
    }


@router.get(
    "/forms",
    response={200: list[FormOut], 401: ErrorOut, 403: ErrorOut},
    summary="The forms you may see, with their current version",
)
def forms(request: HttpRequest) -> Status[Any]:
    """Those who run CLM see every form; monitors the forms of their projects."""
    user = _participant(request)
    rows = selectors.forms_with_versions(access.clm_forms_visible_to(user), fields=False)
    return Status(200, [FormOut(**_form_fields(f)) for f in rows])


@router.get(
    "/forms/{xml_form_id}",
    response={200: FormDetailOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut},
    summary="One form: its current version's questions and its scorecard mapping",
)
def form(request: HttpRequest, xml_form_id: str) -> Status[Any]:
    """Labels in every language of the form, and in the request's language."""
    user = _participant(request)
    found = (
        selectors.forms_with_versions(access.clm_forms_visible_to(user), fields=True)
        .filter(xml_form_id=xml_form_id)
        .prefetch_related("score_items")
        .first()
    )
    if found is None:
        return Status(404, {"detail": _("Form not found.")})
    language = _language()
    fields = found.current_version.fields if found.current_version else []
    labels = {f["path"]: label_for(f.get("labels") or {}, language) for f in fields}
    dimensions = reads.dimension_labels()
    return Status(
        200,
        FormDetailOut(
            **_form_fields(found),
            green_from=found.green_from,
            amber_from=found.amber_from,
            questions=[_question_out(f, language) for f in fields],
            scorecard=[
                ScoreItemOut(
                    question=item.question,
                    label=labels.get(item.question) or item.question,
                    dimension=item.dimension,
                    dimension_label=dimensions.get(item.dimension, item.dimension),
                    choice_scores={str(k): float(v) for k, v in item.choice_scores.items()},
                )
                for item in found.score_items.all()
            ],
        ),
    )


def _question_out(field: dict[str, Any], language: str) -> QuestionOut:
    labels = field.get("labels") or {}
    return QuestionOut(
        path=field["path"],
        name=field.get("name", ""),
        type=field.get("type", ""),
        repeat=field.get("repeat", ""),
        labels=labels,
        label=label_for(labels, language),
        choices=[
            ChoiceOut(
                name=str(choice.get("name", "")),
                labels=choice.get("labels") or {},
                label=label_for(choice.get("labels") or {}, language),
            )
            for choice in field.get("choices") or []
        ],
        choices_file=field.get("choices_file"),
    )


# --- Submissions -----------------------------------------------------------------------------


class SubmissionFilters(Schema):
    form: str = Field("", description="A form's XForm ID.")
    project: int | None = Field(None, description="A project's number.")
    site: str = Field("", description="A site's code.")
    country: str = Field("", description=COUNTRY_HELP)
    review: str = Field(
        "", description=f"One review status: {', '.join(Submission.Review.values)}."
    )
    intake: str = Field(
        INTAKE_CURRENT,
        description="`current` (accepted and not replaced by an edit: the default), "
        "`rejected` (not accepted, any reason), `all`, or one intake outcome: "
        f"{', '.join(Submission.Intake.values)}.",
    )
    date_from: str = Field("", description=f"{DATE_HELP} Interviewed on or after it.")
    date_to: str = Field("", description=f"{DATE_HELP} Interviewed on or before it.")
    limit: int = Field(100, description=PAGE_HELP)
    offset: int = Field(0, description=OFFSET_HELP)


class SubmissionOut(Schema):
    id: int = Field(description="The submission's number on this server.")
    instance_id: str = Field(description="The instance ID the phone or web form sent.")
    form: str | None = Field(description="The form's XForm ID; null when it is unknown.")
    version: str = Field(description="The form version it was filled in.")
    project: int | None = Field(description="The number of the project it was sent to.")
    site: str | None = Field(description="The code of the site it is about.")
    country: str | None = Field(description="ISO code of its country (the site's).")
    received_at: dt.datetime = Field(
        description="When the server received it (with its UTC offset)."
    )
    interview_date: dt.date | None = Field(
        description="The day of the interview: the period it counts in."
    )
    intake: str = Field(description=f"How it was received: {', '.join(Submission.Intake.values)}.")
    intake_label: str = Field(description="The intake outcome in the request's language.")
    problem: str = Field(description="Why it was not accepted; empty when accepted.")
    review: str = Field(description=f"Review status: {', '.join(Submission.Review.values)}.")
    review_label: str = Field(description="The review status in the request's language.")
    review_note: str = Field(description="Why it was flagged or excluded.")
    replaced_by: int | None = Field(
        description="The number of the edit that replaced it (if you may see it)."
    )
    answers: dict[str, Any] = Field(
        description="The answers after corrections: question path → value as sent (a "
        "choice's code, several separated by spaces; a file's name); a repeat group's path "
        "→ a list of such objects. The questions are those of `GET /forms/{xml_form_id}`."
    )


class SubmissionPage(Schema):
    count: int = Field(description="Number of submissions matching the filters, on all pages.")
    items: list[SubmissionOut] = Field(description="The submissions of this page.")


class AttachmentOut(Schema):
    name: str = Field(description="The file name, as the answer gives it.")
    content_type: str = Field(description="The file's media type, as sent.")
    size: int = Field(description="Bytes.")
    sha256: str = Field(description="SHA-256 of the content, in hexadecimal.")
    received_at: dt.datetime = Field(description="When the file was received.")


class SubmissionEventOut(Schema):
    kind: str = Field(description="`review` (a review decision) or `correction` (an answer).")
    kind_label: str = Field(description="The kind in the request's language.")
    question: str = Field(description="Path of the corrected question; empty for a review.")
    old: Any = Field(description="The review status or the answer before.")
    new: Any = Field(description="The review status or the answer after (null: removed).")
    note: str = Field(description="Why.")
    by: str | None = Field(description="Username of who did it.")
    at: dt.datetime = Field(description="When it was done.")


class SubmissionDetailOut(SubmissionOut):
    attachments: list[AttachmentOut] = Field(description="The files received with it.")
    attachments_expected: int = Field(description="How many files the submission announced.")
    history: list[SubmissionEventOut] = Field(
        description="Review decisions and corrections, oldest first."
    )
    raw_sha256: str = Field(description="SHA-256 of the XML as it arrived.")
    raw_xml: str | None = Field(
        description="The XML exactly as it arrived; only for those who run CLM in the "
        "submission's country, else null."
    )


def _submission_fields(submission: Submission, replaced_by: int | None) -> dict[str, Any]:
    return {
        "id": submission.pk,
        "instance_id": submission.instance_id,
        "form": submission.form.xml_form_id if submission.form else None,
        "version": submission.form_version,
        "project": submission.project_id,
        "site": submission.site.code if submission.site else None,
        "country": submission.country.iso2 if submission.country else None,
        "received_at": submission.received_at,
        "interview_date": submission.interview_date,
        "intake": submission.intake,
        "intake_label": submission.get_intake_display(),
        "problem": submission.problem,
        "review": submission.review,
        "review_label": submission.get_review_display(),
        "review_note": submission.review_note,
        "replaced_by": replaced_by,
        "answers": submission.data or {},
    }


def _filter_form(user: User, visible: QuerySet[Submission], xml_form_id: str) -> int | None:
    """The form of the filter among those the caller may see (or has submissions of)."""
    if not xml_form_id:
        return None
    found = selectors.form_pk_among(
        access.clm_forms_visible_to(user), visible.values("form_id"), xml_form_id
    )
    if found is None:
        raise NotFound(_("Form not found."))
    return found


def _filter_project(user: User, pk: int | None) -> int | None:
    if pk is None:
        return None
    if not access.clm_projects_visible_to(user).filter(pk=pk).exists():
        raise NotFound(_("Project not found."))
    return pk


@router.get(
    "/submissions",
    response={200: SubmissionPage, 400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut},
    summary="The submissions you may see, with their answers (no raw XML)",
)
def submissions(request: HttpRequest, filters: Query[SubmissionFilters]) -> Status[Any]:
    """Latest received first. Those who run CLM see the submissions of their countries (the
    Secretariat all, including those no country could be given to); monitors, those they
    sent. A filter naming a form, project, site or country you may not see is answered 404."""
    user = _participant(request)
    visible = access.clm_submissions_visible_to(user)
    try:
        site_found = _site(filters.site)
        country = _country(filters.country)
        found = selectors.submission_filter(
            visible,
            form=_filter_form(user, visible, filters.form),
            project=_filter_project(user, filters.project),
            site=site_found.pk if site_found else None,
            country=country.pk if country else None,
            review=_one_of(filters.review, Submission.Review.values),
            intake=_one_of(filters.intake, INTAKES) or INTAKE_CURRENT,
            date_from=_date(filters.date_from),
            date_to=_date(filters.date_to),
        )
    except (NotFound, BadRequest) as error:
        return _error(error)
    page = list(
        found.select_related("form", "site", "country").order_by("-received_at", "-pk")[
            _window(filters.offset, filters.limit)
        ]
    )
    replacements = {s.superseded_by_id for s in page if s.superseded_by_id}
    seen = set(visible.filter(pk__in=replacements).values_list("pk", flat=True))
    return Status(
        200,
        SubmissionPage(
            count=found.count(),
            items=[
                SubmissionOut(
                    **_submission_fields(
                        s, s.superseded_by_id if s.superseded_by_id in seen else None
                    )
                )
                for s in page
            ],
        ),
    )


@router.get(
    "/submissions/{submission_id}",
    response={200: SubmissionDetailOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut},
    summary="One submission: answers, files, review and correction history",
)
def submission(request: HttpRequest, submission_id: int) -> Status[Any]:
    """`raw_xml` is given only to those who run CLM in the submission's country."""
    user = _participant(request)
    try:
        found = access.clm_submission_get_for_user(user, submission_id)
    except Http404:
        return Status(404, {"detail": _("Submission not found.")})
    replaced_by = found.superseded_by_id
    if (
        replaced_by is not None
        and not access.clm_submissions_visible_to(user).filter(pk=replaced_by).exists()
    ):
        replaced_by = None
    reviewer = access.has_perm(user, Perm.CLM_REVIEW, found.country_id)
    return Status(
        200,
        SubmissionDetailOut(
            **_submission_fields(found, replaced_by),
            attachments=[
                AttachmentOut(
                    name=a.name,
                    content_type=a.content_type,
                    size=a.size,
                    sha256=a.sha256,
                    received_at=a.received_at,
                )
                for a in found.attachments.order_by("name")
            ],
            attachments_expected=found.attachments_expected,
            history=[
                SubmissionEventOut(
                    kind=e.kind,
                    kind_label=e.get_kind_display(),
                    question=e.question,
                    old=e.old_value,
                    new=e.new_value,
                    note=e.note,
                    by=e.by.get_username() if e.by else None,
                    at=e.at,
                )
                for e in found.events.select_related("by").order_by("at", "pk")
            ],
            raw_sha256=found.raw_sha256,
            raw_xml=bytes(found.raw).decode("utf-8", errors="replace") if reviewer else None,
        ),
    )


# --- Scorecards ------------------------------------------------------------------------------


class ScorecardFilters(Schema):
    form: str = Field(
        "",
        description="XForm ID of a form with a scorecard mapping; by default the one with "
        "the most counted submissions in the period.",
    )
    period: str = Field(
        "",
        description="A year (2026), quarter (2026Q3), month (2026-07) or range of days "
        "(2026-01-01..2026-06-30), by interview date; by default the last four quarters.",
    )
    country: str = Field("", description=f"{COUNTRY_HELP} Default: the whole region.")
    site: str = Field("", description="A site's code. Default: every site.")


class ScoreOut(Schema):
    score: float | None = Field(
        description="0–100, one decimal; null when fewer respondents than `minimum` (the "
        "score is then not computed at all)."
    )
    colour: str | None = Field(
        description="`green`, `amber` or `red` by the form's thresholds; null without a score."
    )
    colour_label: str | None = Field(description="The colour's meaning in the request's language.")
    n: int | None = Field(
        description="Respondents counted; null without a score (fewer than `minimum`), as on "
        "the pages."
    )


class DimensionScoreOut(ScoreOut):
    key: str = Field(description="availability, accessibility, acceptability or quality.")
    label: str = Field(description="The dimension in the request's language.")


class ItemScoreOut(ScoreOut):
    question: str = Field(description="Path of the scored question.")
    label: str = Field(description="The question in the request's language.")
    dimension: str = Field(description="The question's AAAQ dimension.")
    dimension_label: str = Field(description="The dimension in the request's language.")


class TrendSeriesOut(Schema):
    dimension: str = Field(description="availability, accessibility, acceptability or quality.")
    label: str = Field(description="The dimension in the request's language.")
    scores: list[float | None] = Field(
        description="One per quarter of `quarters`; null with fewer respondents than `minimum`."
    )


class TrendOut(Schema):
    quarters: list[str] = Field(description="The eight quarters ending with the period's last.")
    series: list[TrendSeriesOut] = Field(description="One per dimension the form scores.")


class ScorecardOut(Schema):
    form: str = Field(description="The form's XForm ID.")
    form_title: str = Field(description="The form's title.")
    period: str = Field(description="The period's key.")
    period_label: str = Field(description="The period as the pages name it, e.g. 2025Q4–2026Q3.")
    start: dt.date = Field(description="The period's first day.")
    end: dt.date = Field(description="The period's last day.")
    site: str | None = Field(description="The site's code, when restricted to one site.")
    country: str | None = Field(description="The country's ISO code, when restricted to one.")
    minimum: int = Field(description="The fewest respondents a score needs.")
    respondents: int | None = Field(
        description="Respondents with any counted answer; null when fewer than `minimum`."
    )
    green_from: int = Field(description="Scores from this one up are green (good).")
    amber_from: int = Field(description="Scores from this one up are amber; below, red.")
    overall: ScoreOut = Field(
        description="The mean of the dimensions that have a score; `n` is the respondents."
    )
    dimensions: list[DimensionScoreOut] = Field(
        description="Each dimension the form scores, in AAAQ order."
    )
    items: list[ItemScoreOut] = Field(description="Each scored question, in the mapping's order.")
    trend: TrendOut = Field(description="The dimensions' scores by quarter.")


def _score(cell: reads.Cell) -> dict[str, Any]:
    """A cell as the pages show it: under the minimum, nothing but the absence of a score."""
    if not cell.shown:
        return {"score": None, "colour": None, "colour_label": None, "n": None}
    return {
        "score": cell.score,
        "colour": cell.colour or None,
        "colour_label": cell.colour_label or None,
        "n": cell.n,
    }


def _scored_form(xml_form_id: str, period: Period) -> Form:
    forms = list(reads.scored_forms())
    if xml_form_id:
        found = next((f for f in forms if f.xml_form_id == xml_form_id), None)
    else:
        ranked = reads.forms_by_submissions(forms, period)
        found = ranked[0] if ranked else None
    if found is None:
        raise NotFound(_("Form not found."))
    return found


@router.get(
    "/scorecards",
    response={200: ScorecardOut, 400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut},
    summary="The scorecard of a form for the region, a country or a site",
)
def scorecard(request: HttpRequest, filters: Query[ScorecardFilters]) -> Status[Any]:
    """Counted submissions only: accepted, not replaced by an edit, pending or approved in
    review, by interview date. An item or dimension with fewer respondents than `minimum` has
    no score, colour or count — exactly as on the scorecard pages. `country` and `site`
    combine (a site outside the country has no respondents)."""
    _participant(request)
    today = timezone.localdate()
    key = filters.period.strip()
    period, read = reads.period_or_default(key, today)
    try:
        if not read:
            raise BadRequest(_("“%(key)s” is not a period.") % {"key": key})
        form = _scored_form(filters.form.strip(), period)
        site = _site(filters.site)
        country = _country(filters.country)
    except (NotFound, BadRequest) as error:
        return _error(error)
    quarters = reads.trend_quarters(period)
    rows = reads.counted_rows(
        [form],
        start=min(period.start, quarters[0].start),
        end=max(period.end, quarters[-1].end),
        site=site,
        country=country,
    )
    minimum = reads.min_respondents()
    card = reads.form_scorecard(form, rows, period, minimum=minimum, language=_language())
    return Status(
        200,
        ScorecardOut(
            form=form.xml_form_id,
            form_title=form.title,
            period=period.key,
            period_label=reads.period_label(period),
            start=period.start,
            end=period.end,
            site=site.code if site else None,
            country=country.iso2 if country else None,
            minimum=minimum,
            respondents=card.respondents if card.respondents >= minimum else None,
            green_from=form.green_from,
            amber_from=form.amber_from,
            overall=ScoreOut(**_score(card.overall)),
            dimensions=[
                DimensionScoreOut(key=d.key, label=d.label, **_score(d.cell))
                for d in card.dimensions
            ],
            items=[
                ItemScoreOut(
                    question=i.question,
                    label=i.label,
                    dimension=i.dimension,
                    dimension_label=i.dimension_label,
                    **_score(i.cell),
                )
                for i in card.items
            ],
            trend=TrendOut(
                quarters=card.trend["quarters"],
                series=[
                    TrendSeriesOut(dimension=s["key"], label=s["name"], scores=s["data"])
                    for s in card.trend["series"]
                ],
            ),
        ),
    )


# --- Escalations -----------------------------------------------------------------------------


class EscalationFilters(Schema):
    country: str = Field("", description=COUNTRY_HELP)
    status: str = Field("", description=f"One status: {', '.join(Escalation.Status.values)}.")
    limit: int = Field(100, description=PAGE_HELP)
    offset: int = Field(0, description=OFFSET_HELP)


class EscalationOut(Schema):
    id: int = Field(description="The escalation's number.")
    title: str = Field(description="The issue.")
    description: str = Field(description="What monitors found, and what should change.")
    country: str = Field(description="ISO code of its country.")
    site: str | None = Field(description="The code of its site; null for a whole programme.")
    form: str | None = Field(description="XForm ID of the form whose scorecard showed it.")
    question: str = Field(description="Path of the question, if raised from one.")
    dimension: str = Field(description="AAAQ dimension, if any.")
    period: str = Field(description="When monitors found it: a period key.")
    score: float | None = Field(description="The score when raised.")
    duty_bearer: str = Field(description="Who can fix it.")
    status: str = Field(description=f"One of {', '.join(Escalation.Status.values)}.")
    status_label: str = Field(description="The status in the request's language.")
    raised_on: dt.date | None = Field(description="When it was raised with the duty-bearer.")
    response: str = Field(description="The duty-bearer's response.")
    response_on: dt.date | None = Field(description="When the response arrived.")
    resolved_on: dt.date | None = Field(description="When the issue was resolved.")
    overdue: bool = Field(
        description=f"Raised more than {reads.OVERDUE_DAYS} days ago without a response."
    )
    created_at: dt.datetime = Field(description="When it was recorded.")


class EscalationPage(Schema):
    count: int = Field(description="Number of escalations matching the filters, on all pages.")
    items: list[EscalationOut] = Field(description="The escalations of this page.")


@router.get(
    "/escalations",
    response={200: EscalationPage, 400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut},
    summary="Issues raised with duty-bearers (those who run CLM, for their countries)",
)
def escalations(request: HttpRequest, filters: Query[EscalationFilters]) -> Status[Any]:
    """Latest first: the Secretariat sees every country's, a focal point their countries'."""
    user = _reviewer(request)
    found = access.clm_escalations_visible_to(user)
    try:
        country = _country(filters.country)
        status = _status(filters.status, Escalation.Status.values)
    except (NotFound, BadRequest) as error:
        return _error(error)
    if country is not None:
        found = found.filter(country=country)
    if status:
        found = found.filter(status=status)
    found = found.order_by("-created_at", "-pk")
    today = timezone.localdate()
    return Status(
        200,
        EscalationPage(
            count=found.count(),
            items=[
                EscalationOut(
                    id=e.pk,
                    title=e.title,
                    description=e.description,
                    country=e.country.iso2,
                    site=e.site.code if e.site else None,
                    form=e.form.xml_form_id if e.form else None,
                    question=e.question,
                    dimension=e.dimension,
                    period=e.period,
                    score=float(e.score) if e.score is not None else None,
                    duty_bearer=e.duty_bearer,
                    status=e.status,
                    status_label=e.get_status_display(),
                    raised_on=e.raised_on,
                    response=e.response,
                    response_on=e.response_on,
                    resolved_on=e.resolved_on,
                    overdue=reads.escalation_overdue(e, today),
                    created_at=e.created_at,
                )
                for e in found[_window(filters.offset, filters.limit)]
            ],
        ),
    )


# --- Efficiency ------------------------------------------------------------------------------


class EfficiencyFilters(Schema):
    year: str = Field(
        "", description="A year (YYYY); by default the latest with records you may see."
    )


class ReasonOut(Schema):
    code: str = Field(
        description="Why the figure is unknown: `no_cost` (no cost stated), `no_rate` (no "
        "exchange rate for the currency in `detail`), `not_stated` (the count in `detail` is "
        "not stated), `zero` (the divisor in `detail` is zero), `no_pwid` (no estimate of "
        "people who inject drugs)."
    )
    detail: str = Field(description="The currency or the count concerned, if any.")
    count: int = Field(description="In how many records the input is missing (with `of`).")
    of: int = Field(description="Of how many records.")
    message: str = Field(description="The reason as a sentence in the request's language.")


class CountOut(Schema):
    value: int | None = Field(description="Null when unknown (never read as zero).")
    reasons: list[ReasonOut] = Field(description="Why it is unknown; empty when known.")


class AmountOut(Schema):
    value: float | None = Field(description="US dollars, two decimals; null when unknown.")
    reasons: list[ReasonOut] = Field(description="Why it is unknown; empty when known.")


class CoverageOut(Schema):
    value: float | None = Field(
        description="At the middle of the estimate's range (two decimals); null when unknown."
    )
    low: float | None = Field(description="With the high end of the estimate (the lowest).")
    high: float | None = Field(description="With the low end of the estimate (the highest).")
    level: str | None = Field(
        description="The guide's level: `low`, `medium`, `high`, or `uncertain` when the "
        "range spans two levels; null when unknown."
    )
    level_lowest: str | None = Field(description="The level of `low`.")
    level_highest: str | None = Field(description="The level of `high`.")
    level_label: str | None = Field(
        description="The level in the request's language, e.g. “medium to high”."
    )
    reasons: list[ReasonOut] = Field(description="Why it is unknown; empty when known.")


class EstimateOut(Schema):
    low: int = Field(description="The low end of the published estimate.")
    high: int = Field(description="The high end (the same as `low` for a single figure).")
    year: int = Field(description="The latest published for the year or before.")
    source: str = Field(description="Where the estimate was published.")


class EfficiencyCountryOut(Schema):
    country: str = Field(description="ISO code of the country.")
    name: str = Field(description="The country in the request's language.")
    basis: str = Field(
        description="`programme` (the record of the programme as a whole) or `sites` (the "
        "sum of its sites' records)."
    )
    records: int = Field(description="Records of the country in the year.")
    estimate: EstimateOut | None = Field(
        description="The estimate of people who inject drugs (PWID) used; null when none."
    )
    syringes: CountOut = Field(description="Syringes distributed.")
    oat_clients: CountOut = Field(description="Clients of opioid agonist therapy (OAT).")
    clients: CountOut = Field(description="Clients reached.")
    cost_usd: AmountOut = Field(description="Cost in US dollars at the year's rate.")
    cost_per_client: AmountOut = Field(description="Cost in US dollars per client reached.")
    cost_per_syringe: AmountOut = Field(
        description="Cost in US dollars per syringe distributed (the whole cost, all services "
        "included)."
    )
    syringes_per_pwid: CoverageOut = Field(
        description="Syringes per person who injects drugs per year (low < 100 ≤ medium ≤ "
        "200 < high)."
    )
    oat_per_100_pwid: CoverageOut = Field(
        description="OAT clients per 100 people who inject drugs (low < 20 ≤ medium ≤ 40 < high)."
    )


class EfficiencyOut(Schema):
    year: int | None = Field(description="The year assessed; null when you see no record.")
    years: list[int] = Field(description="The years with records you may see, latest first.")
    countries: list[EfficiencyCountryOut] = Field(description="In order of name.")


def _reasons(reasons: tuple[eff.Reason, ...], year: int) -> list[ReasonOut]:
    return [
        ReasonOut(
            code=r.code,
            detail=r.detail,
            count=r.count,
            of=r.of,
            message=reports.reason_text(r, year),
        )
        for r in reasons
    ]


def _count(figure: eff.Figure, year: int) -> CountOut:
    value = int(figure.value) if figure.value is not None else None
    return CountOut(value=value, reasons=_reasons(figure.reasons, year))


def _amount(figure: eff.Figure, year: int) -> AmountOut:
    return AmountOut(value=_float(figure.value), reasons=_reasons(figure.reasons, year))


def _coverage(coverage: eff.Coverage, year: int) -> CoverageOut:
    level = coverage.level
    return CoverageOut(
        value=_float(coverage.value),
        low=_float(coverage.lowest),
        high=_float(coverage.highest),
        level=reports.level_code(level) or None,
        level_lowest=level.lowest if level else None,
        level_highest=level.highest if level else None,
        level_label=reports.level_text(level) if level else None,
        reasons=_reasons(coverage.reasons, year),
    )


@router.get(
    "/efficiency",
    response={200: EfficiencyOut, 400: ErrorOut, 401: ErrorOut, 403: ErrorOut},
    summary="The efficiency assessment of a year: coverage and unit costs by country",
)
def efficiency(request: HttpRequest, filters: Query[EfficiencyFilters]) -> Status[Any]:
    """The figures of the efficiency page, for the countries where you run CLM. A figure that
    cannot be computed is null with its reasons; an empty input is never read as zero."""
    user = _reviewer(request)
    years = efficiency_selectors.delivery_years(user)
    text = filters.year.strip()
    if text and not (text.isdigit() and len(text) == 4):
        return Status(
            400, {"detail": _("“%(value)s” is not a year (e.g. 2024).") % {"value": text}}
        )
    year = int(text) if text else (years[0] if years else None)
    rows = efficiency_selectors.assessment(user, year) if year is not None else []
    countries = []
    for row in rows:
        result = row.result
        estimate = result.estimate
        countries.append(
            EfficiencyCountryOut(
                country=row.country.iso2,
                name=row.country.name,
                basis=result.basis,
                records=len(result.records),
                estimate=EstimateOut(
                    low=estimate.low, high=estimate.high, year=estimate.year, source=estimate.source
                )
                if estimate
                else None,
                syringes=_count(result.syringes, result.year),
                oat_clients=_count(result.oat_clients, result.year),
                clients=_count(result.clients, result.year),
                cost_usd=_amount(result.cost_usd, result.year),
                cost_per_client=_amount(result.per_client, result.year),
                cost_per_syringe=_amount(result.per_syringe, result.year),
                syringes_per_pwid=_coverage(result.syringe_coverage, result.year),
                oat_per_100_pwid=_coverage(result.oat_coverage, result.year),
            )
        )
    return Status(200, EfficiencyOut(year=year, years=years, countries=countries))
