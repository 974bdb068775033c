"""Reads of community-led monitoring. Who may see what is decided in `hrmonitor.core.access`
(`clm_projects_for_submitter`, `clm_submissions_visible_to`, …); these build on it."""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet

from hrmonitor.clm.models import (
    Form,
    FormVersion,
    Project,
    ScoreItem,
    ServiceSite,
    Submission,
)
from hrmonitor.clm.xlsform import BINARY_TYPES
from hrmonitor.core import access
from hrmonitor.core.models import User
from hrmonitor.core.roles import Role

# The choice list of service sites that forms use with `select_one_from_file sites.csv`; the
# server writes it from the site register, so a new site reaches phones at the next update.
SITES_FILE = "sites.csv"


def form_by_xml_id(xml_form_id: str, *, project: Project | None = None) -> Form | None:
    """The form with its current version; with `project`, annotated `in_project` (whether
    the project uses it), all in one query."""
    forms = (
        Form.objects.select_related("current_version")
        .defer("current_version__source", "current_version__xform", "current_version__fields")
        .filter(xml_form_id=xml_form_id)
    )
    if project is not None:
        uses = Form.projects.through.objects.filter(form_id=OuterRef("pk"), project_id=project.pk)
        forms = forms.annotate(in_project=Exists(uses))
    return forms.first()


def form_in_project(form: Form, project: Project) -> bool:
    return form.projects.filter(pk=project.pk).exists()


def form_version(form: Form, version: str) -> FormVersion | None:
    current = form.current_version if "current_version" in form._state.fields_cache else None
    if current is not None and current.version == version:
        return current
    return (
        FormVersion.objects.filter(form_id=form.pk, version=version)
        .only("pk", "md5", "version", "form_id")
        .first()
    )


def accepted_submission(instance_id: str) -> Submission | None:
    return (
        Submission.objects.filter(intake=Submission.Intake.ACCEPTED, instance_id=instance_id)
        .only("pk", "raw_sha256")
        .first()
    )


def site_by_code(code: str) -> ServiceSite | None:
    if not code:
        return None
    return ServiceSite.objects.select_related("country").filter(code=code).first()


def site_key(code: str) -> tuple[int, int] | None:
    """(id, country id) of the site with this code, for the intake (one small query)."""
    found = ServiceSite.objects.filter(code=code).values_list("pk", "country_id").first()
    return (found[0], found[1]) if found else None


def projects_for_submitter(user: User) -> QuerySet[Project]:
    return access.clm_projects_for_submitter(user)


def forms_with_versions(forms: QuerySet[Form], *, fields: bool) -> QuerySet[Form]:
    """`forms` with their current version (its questions only when `fields`), projects and
    whether they are scored, for listing; a fixed number of queries."""
    deferred = ["current_version__source", "current_version__xform"]
    if not fields:
        deferred.append("current_version__fields")
    return (
        forms.select_related("current_version")
        .defer(*deferred)
        .prefetch_related(
            Prefetch(
                "projects", queryset=Project.objects.select_related("country").order_by("name")
            )
        )
        .annotate(scored=Exists(ScoreItem.objects.filter(form_id=OuterRef("pk"))))
        .order_by("title", "pk")
    )


def form_pk_among(forms: QuerySet[Form], also: QuerySet[Any], xml_form_id: str) -> int | None:
    """The id of the form `xml_form_id` among `forms` or the form ids `also` lists."""
    return (
        Form.objects.filter(Q(pk__in=forms.values("pk")) | Q(pk__in=also))
        .filter(xml_form_id=xml_form_id)
        .values_list("pk", flat=True)
        .first()
    )


def monitor_candidates(project: Project) -> QuerySet[User]:
    """Users who may be a project's monitors: community monitors and focal points of its
    country (any country for a regional project), and its current monitors."""
    roles = [Role.COMMUNITY_MONITOR, Role.FOCAL_POINT]
    users = User.objects.filter(is_active=True, role_assignments__role__in=roles)
    if project.country_id:
        users = users.filter(role_assignments__country_id=project.country_id)
    return (users | project.monitors.all()).distinct().order_by("username")


def forms_for_project(project: Project, *, downloadable: bool = True) -> QuerySet[Form]:
    """The forms a project's monitors get in formList: open ones with a version."""
    forms = project.forms.filter(current_version__isnull=False).select_related("current_version")
    if downloadable:
        forms = forms.filter(state=Form.State.OPEN)
    return forms.order_by("title")


# --- What a version's questions mean to the server ------------------------------------------


@dataclass(frozen=True)
class VersionSchema:
    fields: tuple[dict[str, Any], ...]
    repeats: frozenset[str]
    binaries: frozenset[str]
    site_path: str
    date_paths: tuple[str, ...]
    device_path: str


def schema_of(fields: list[dict[str, Any]]) -> VersionSchema:
    site_path = next(
        (f["path"] for f in fields if f.get("choices_file") == SITES_FILE),
        next((f["path"] for f in fields if f["name"] == "site" and not f.get("repeat")), ""),
    )
    dates = [f["path"] for f in fields if f["type"] == "today"]
    dates += [f["path"] for f in fields if f["type"] == "start"]
    dates += [f["path"] for f in fields if f["type"] == "date" and f["name"] == "interview_date"]
    return VersionSchema(
        fields=tuple(fields),
        repeats=frozenset(f["path"] for f in fields if f["type"] == "repeat"),
        binaries=frozenset(f["path"] for f in fields if f["type"] in BINARY_TYPES),
        site_path=site_path,
        date_paths=tuple(dates),
        device_path=next((f["path"] for f in fields if f["type"] == "deviceid"), ""),
    )


@lru_cache(maxsize=256)
def _schema_by_key(version_pk: int, md5: str) -> VersionSchema:
    # A version never changes once saved; its XForm's md5 guards against a reused pk.
    version = FormVersion.objects.only("fields").get(pk=version_pk)
    return schema_of(version.fields)


def version_schema(version: FormVersion) -> VersionSchema:
    return _schema_by_key(version.pk, version.md5)


def version_schema_for(submission: Submission) -> VersionSchema:
    version = form_version(submission.form, submission.form_version) if submission.form else None
    return version_schema(version) if version else schema_of([])


def submission_fields(submission: Submission) -> list[dict[str, Any]]:
    return list(version_schema_for(submission).fields)


# --- Media --------------------------------------------------------------------------------------


def sites_for_project(project: Project | None) -> QuerySet[ServiceSite]:
    sites = ServiceSite.objects.exclude(status=ServiceSite.Status.CLOSED).select_related("country")
    if project is not None and project.country_id:
        sites = sites.filter(country_id=project.country_id)
    return sites.order_by("country__iso2", "name")


def sites_csv(project: Project | None) -> bytes:
    """`name,label,country,locality,kind`: the choice list behind `select_one_from_file
    sites.csv` (a `choice_filter` may use the other columns)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["name", "label", "country", "locality", "kind"])
    for site in sites_for_project(project):
        writer.writerow([site.code, site.name, site.country.iso2, site.locality, site.kind])
    return out.getvalue().encode()


def media_md5(content: bytes) -> str:
    return hashlib.md5(content, usedforsecurity=False).hexdigest()


# --- Lists ----------------------------------------------------------------------------------


def submissions_visible_to(user: User) -> QuerySet[Submission]:
    return access.clm_submissions_visible_to(user)


def current_submissions(queryset: QuerySet[Submission] | None = None) -> QuerySet[Submission]:
    """Accepted submissions not replaced by an edit: what scorecards and exports count."""
    queryset = queryset if queryset is not None else Submission.objects.all()
    return queryset.filter(intake=Submission.Intake.ACCEPTED, superseded_by__isnull=True)


def counted_submissions(queryset: QuerySet[Submission] | None = None) -> QuerySet[Submission]:
    """What scorecards and indicators count: current submissions pending or approved
    (flagged and excluded ones wait for, or failed, review)."""
    return current_submissions(queryset).filter(
        review__in=[Submission.Review.PENDING, Submission.Review.APPROVED]
    )


def submission_filter(
    queryset: QuerySet[Submission],
    *,
    form: int | None = None,
    project: int | None = None,
    site: int | None = None,
    country: int | None = None,
    review: str = "",
    intake: str = "",
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
    q: str = "",
) -> QuerySet[Submission]:
    if form:
        queryset = queryset.filter(form_id=form)
    if project:
        queryset = queryset.filter(project_id=project)
    if site:
        queryset = queryset.filter(site_id=site)
    if country:
        queryset = queryset.filter(country_id=country)
    if review:
        queryset = queryset.filter(review=review)
    if intake == "current" or not intake:
        queryset = current_submissions(queryset)
    elif intake == "rejected":
        queryset = queryset.exclude(intake=Submission.Intake.ACCEPTED)
    elif intake != "all":
        queryset = queryset.filter(intake=intake)
    if date_from:
        queryset = queryset.filter(interview_date__gte=date_from)
    if date_to:
        queryset = queryset.filter(interview_date__lte=date_to)
    if q:
        queryset = queryset.filter(
            Q(instance_id__icontains=q) | Q(site__name__icontains=q) | Q(site__code__icontains=q)
        )
    return queryset


def intake_counts(queryset: QuerySet[Submission]) -> dict[str, int]:
    return dict(queryset.values_list("intake").annotate(n=Count("pk")).values_list("intake", "n"))
