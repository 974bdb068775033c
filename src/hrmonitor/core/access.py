"""The one access module. Deny by default.

Every protected object of every module is fetched through a helper built on these primitives:
`scope_for(user, perm)` says where a user holds a permission (nowhere, some countries, or the
whole region); `<thing>_get_for_user` / `<things>_visible_to` apply it. Country scoping lives
here and nowhere else.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone

from hrmonitor.core.roles import MFA_REQUIRED_ROLES, Perm, Role, roles_with

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from hrmonitor.clm.models import (
        Escalation,
        Form,
        Project,
        ServiceDelivery,
        ServiceSite,
        Submission,
    )
    from hrmonitor.core.models import ApiToken, Job, RoleAssignment, User
    from hrmonitor.framework.models import DataValue, Evidence, ImportBatch
    from hrmonitor.monitoring.models import Event
    from hrmonitor.rights.models import Case

    AnyUser = User | AnonymousUser


@dataclass(frozen=True)
class Scope:
    """Where a permission holds. `everywhere` covers region-level records (no country) too."""

    everywhere: bool = False
    country_ids: frozenset[int] = frozenset()

    @property
    def anywhere(self) -> bool:
        return self.everywhere or bool(self.country_ids)

    def allows(self, country_id: int | None) -> bool:
        if self.everywhere:
            return True
        return country_id is not None and country_id in self.country_ids

    def filter[Q_: QuerySet[Any]](self, queryset: Q_, field: str = "country") -> Q_:
        """Restrict `queryset` to the records whose `field` country lies in this scope."""
        if self.everywhere:
            return queryset
        if not self.country_ids:
            return queryset.none()
        return queryset.filter(**{f"{field}__in": self.country_ids})


NOWHERE = Scope()


def active_assignments(user: AnyUser) -> list[RoleAssignment]:
    """The user's role assignments valid today, read once per request and kept on the user."""
    if not user.is_authenticated or not user.is_active:
        return []
    cached: list[RoleAssignment] | None = getattr(user, "_hrmonitor_assignments", None)
    if cached is None:
        today = timezone.localdate()
        cached = list(
            user.role_assignments.filter(
                Q(valid_from__isnull=True) | Q(valid_from__lte=today),
                Q(valid_to__isnull=True) | Q(valid_to__gte=today),
            ).select_related("country")
        )
        user._hrmonitor_assignments = cached  # type: ignore[attr-defined]  # per-request cache
    return cached


def forget_assignments(user: AnyUser) -> None:
    """Drop the per-request cache after roles changed."""
    if hasattr(user, "_hrmonitor_assignments"):
        del user._hrmonitor_assignments


def user_roles(user: AnyUser) -> set[Role]:
    return {Role(a.role) for a in active_assignments(user)}


def scope_for(user: AnyUser, permission: str) -> Scope:
    """Where `user` holds `permission`: the union over their assignments of roles holding it."""
    roles = roles_with(permission)
    everywhere = False
    countries: set[int] = set()
    for assignment in active_assignments(user):
        if assignment.role not in roles:
            continue
        if assignment.country_id is None:
            everywhere = True
        else:
            countries.add(assignment.country_id)
    if everywhere:
        return Scope(everywhere=True)
    return Scope(country_ids=frozenset(countries))


def has_perm(
    user: AnyUser, permission: str, country_id: int | None = None, *, anywhere: bool = False
) -> bool:
    """Whether `user` holds `permission` for a record of `country_id` (None = region-level),
    or, with `anywhere=True`, in at least one place."""
    scope = scope_for(user, permission)
    return scope.anywhere if anywhere else scope.allows(country_id)


def require_perm(
    user: AnyUser, permission: str, country_id: int | None = None, *, anywhere: bool = False
) -> None:
    if not has_perm(user, permission, country_id, anywhere=anywhere):
        raise PermissionDenied


def mfa_required(user: AnyUser) -> bool:
    """Roles that read case data, approve or manage people must use a second factor."""
    return bool(user_roles(user) & MFA_REQUIRED_ROLES)


# --- Jobs ------------------------------------------------------------------------------------


def jobs_visible_to(user: AnyUser) -> QuerySet[Job]:
    """A user sees the jobs they started; the Secretariat administrator sees all."""
    from hrmonitor.core.models import Job

    if not user.is_authenticated:
        return Job.objects.none()
    jobs = Job.objects.select_related("created_by")
    if scope_for(user, Perm.VIEW_ALL_JOBS).everywhere:
        return jobs
    return jobs.filter(created_by=user)


def job_get_for_user(user: AnyUser, pk: int) -> Job:
    """The job, or 404 — also when it exists but is someone else's (no existence leak)."""
    job = jobs_visible_to(user).filter(pk=pk).first()
    if job is None:
        raise Http404
    return job


# --- API tokens ------------------------------------------------------------------------------


def api_tokens_visible_to(user: AnyUser) -> QuerySet[ApiToken]:
    from hrmonitor.core.models import ApiToken

    if not user.is_authenticated:
        return ApiToken.objects.none()
    return ApiToken.objects.filter(user=user)


def api_token_get_for_user(user: AnyUser, pk: int) -> ApiToken:
    token = api_tokens_visible_to(user).filter(pk=pk).first()
    if token is None:
        raise Http404
    return token


# --- Framework data values -------------------------------------------------------------------


def data_values_visible_to(user: AnyUser) -> QuerySet[DataValue]:
    """Approved values of public indicators for everyone; drafts, submissions and returned
    values only where the user may see drafts (a focal point: their countries; the Secretariat,
    M&E officers and evaluators: everywhere, region-level values included)."""
    from hrmonitor.framework.models import DataValue

    values = DataValue.objects.select_related("indicator", "country")
    public = Q(status=DataValue.Status.APPROVED, indicator__is_public=True)
    scope = scope_for(user, Perm.FRAMEWORK_VIEW_DRAFTS)
    if scope.everywhere:
        return values
    if scope.country_ids:
        return values.filter(public | Q(country_id__in=scope.country_ids))
    return values.filter(public)


def evidence_file_get_for_user(user: AnyUser, pk: int) -> Evidence:
    """An evidence document with a file, if the user may see a value it proves (404 otherwise,
    also when it exists: no existence leak)."""
    from hrmonitor.framework.models import Evidence

    visible = data_values_visible_to(user).values("evidence")
    found = Evidence.objects.filter(pk=pk, pk__in=visible).exclude(file="").first()
    if found is None:
        raise Http404
    return found


def data_value_get_for_user(user: AnyUser, pk: int, *, write: bool = False) -> DataValue:
    """The value if the user may see it (404 otherwise); with `write`, also the right to enter
    data for its country (403 otherwise)."""
    value = data_values_visible_to(user).filter(pk=pk).first()
    if value is None:
        raise Http404
    if write:
        require_perm(user, Perm.FRAMEWORK_ENTER_DATA, value.country_id)
    return value


def import_batch_get_for_user(user: AnyUser, pk: int) -> ImportBatch:
    """An uploaded file of values: its uploader's (and the administrator's) only."""
    from hrmonitor.framework.models import ImportBatch

    batch = ImportBatch.objects.select_related("job").filter(pk=pk).first()
    if batch is None or not user.is_authenticated:
        raise Http404
    if batch.uploaded_by_id != user.pk and not scope_for(user, Perm.VIEW_ALL_JOBS).everywhere:
        raise Http404
    return batch


# --- Human-rights cases ----------------------------------------------------------------------
# Case data is the most sensitive of the platform: deny by default, and let the case module's
# services log every access (including refusals).


def _case_places(user: AnyUser, permission: str) -> Q | None:
    """Where `user` may read cases under `permission`, as a filter (None: nowhere).
    Documenters: their own organisation's cases in their country; other case roles: every
    case of their countries (or of the region)."""
    roles = roles_with(permission)
    found: Q | None = None
    for assignment in active_assignments(user):
        if assignment.role not in roles:
            continue
        if assignment.role == Role.CASE_DOCUMENTER:
            if assignment.organisation_id is None:
                continue  # a documenter of no organisation documents nothing
            place = Q(organisation_id=assignment.organisation_id)
            if assignment.country_id is not None:
                place &= Q(country_id=assignment.country_id)
        elif assignment.country_id is not None:
            place = Q(country_id=assignment.country_id)
        else:
            place = Q(country__isnull=False)  # the whole region
        found = place if found is None else found | place
    return found


def cases_visible_to(user: AnyUser, *, identifying: bool = True) -> QuerySet[Case]:
    """The cases `user` may open: with `identifying`, with their narratives and identifying
    fields (`Perm.RIGHTS_READ_CASES`); without, pseudonymised (`RIGHTS_READ_PSEUDONYMISED`)."""
    from hrmonitor.rights.models import Case

    permission = Perm.RIGHTS_READ_CASES if identifying else Perm.RIGHTS_READ_PSEUDONYMISED
    places = _case_places(user, permission)
    if places is None:
        return Case.objects.none()
    return Case.objects.filter(places)


def _case_allowed(user: AnyUser, permission: str, case: Case) -> bool:
    """The rule of `_case_places` applied to one case in memory (also before it is saved)."""
    roles = roles_with(permission)
    for assignment in active_assignments(user):
        if assignment.role not in roles:
            continue
        if assignment.country_id is not None and assignment.country_id != case.country_id:
            continue
        if assignment.role == Role.CASE_DOCUMENTER and (
            assignment.organisation_id is None or assignment.organisation_id != case.organisation_id
        ):
            continue
        return True
    return False


def case_access_level(user: AnyUser, case: Case) -> str | None:
    """ "full", "pseudonymised" or None: how `user` may open `case`."""
    if _case_allowed(user, Perm.RIGHTS_READ_CASES, case):
        return "full"
    if _case_allowed(user, Perm.RIGHTS_READ_PSEUDONYMISED, case):
        return "pseudonymised"
    return None


def case_perm(user: AnyUser, permission: str, case: Case) -> bool:
    """Whether `user` holds a case permission (write, respond, analyse, export…) for `case`:
    in its country, and — for a documenter — for their own organisation's cases only."""
    return _case_allowed(user, permission, case)


# --- Events of project monitoring -------------------------------------------------------------


def events_visible_to(user: AnyUser) -> QuerySet[Event]:
    """Public events for everyone; internal ones for those who record events: the Secretariat
    all of them, a focal point those of their countries."""
    from hrmonitor.monitoring.models import Event

    scope = scope_for(user, Perm.MONITORING_EDIT)
    if scope.everywhere:
        return Event.objects.all()
    if scope.country_ids:
        ours = Event.objects.filter(countries__in=scope.country_ids).values("pk")
        return Event.objects.filter(Q(is_public=True) | Q(pk__in=ours))
    return Event.objects.filter(is_public=True)


def event_visible(user: AnyUser, event: Event) -> bool:
    """`events_visible_to` for one event already loaded (its countries prefetched)."""
    if event.is_public:
        return True
    scope = scope_for(user, Perm.MONITORING_EDIT)
    return scope.everywhere or bool(scope.country_ids & {c.pk for c in event.countries.all()})


# --- Community-led monitoring --------------------------------------------------------------


def clm_participant(user: AnyUser) -> bool:
    """Whether the user takes part in CLM somewhere: a monitor or focal point (CLM_SUBMIT) or
    someone who runs it (CLM_REVIEW). The CLM pages, scorecards and OpenRosa are theirs."""
    return has_perm(user, Perm.CLM_SUBMIT, anywhere=True) or has_perm(
        user, Perm.CLM_REVIEW, anywhere=True
    )


def clm_projects_for_submitter(user: AnyUser) -> QuerySet[Project]:
    """The active projects whose forms `user` may download and fill: those they monitor for,
    and every project of the countries where they run CLM (CLM_REVIEW)."""
    from hrmonitor.clm.models import Project

    active = Project.objects.filter(is_active=True)
    if not user.is_authenticated:
        return active.none()
    scope = scope_for(user, Perm.CLM_REVIEW)
    if scope.everywhere:
        return active
    condition = Q(monitors=user) if has_perm(user, Perm.CLM_SUBMIT, anywhere=True) else Q(pk=None)
    if scope.country_ids:
        condition |= Q(country_id__in=scope.country_ids)
    return active.filter(pk__in=Project.objects.filter(condition).values("pk"))


def clm_projects_visible_to(user: AnyUser) -> QuerySet[Project]:
    """Projects shown in the CLM pages: all to the Secretariat, those of their countries to a
    focal point, their own to a monitor."""
    from hrmonitor.clm.models import Project

    scope = scope_for(user, Perm.CLM_REVIEW)
    if scope.everywhere:
        return Project.objects.all()
    if not user.is_authenticated:
        return Project.objects.none()
    condition = Q(monitors=user)
    if scope.country_ids:
        condition |= Q(country_id__in=scope.country_ids)
    return Project.objects.filter(pk__in=Project.objects.filter(condition).values("pk"))


def clm_project_get_for_user(user: AnyUser, pk: int, *, manage: bool = False) -> Project:
    """A project the user sees; with `manage`, one whose app users and monitors they run."""
    project = clm_projects_visible_to(user).filter(pk=pk).select_related("country").first()
    if project is None:
        raise Http404
    if manage and not has_perm(user, Perm.CLM_REVIEW, project.country_id):
        raise PermissionDenied
    return project


def clm_submissions_visible_to(user: AnyUser) -> QuerySet[Submission]:
    """Submissions of the countries where the user runs CLM (the Secretariat: all, including
    those no country could be given to), and those the user sent."""
    from hrmonitor.clm.models import Submission

    scope = scope_for(user, Perm.CLM_REVIEW)
    if scope.everywhere:
        return Submission.objects.all()
    if not user.is_authenticated:
        return Submission.objects.none()
    condition = Q(submitted_by=user)
    if scope.country_ids:
        condition |= Q(country_id__in=scope.country_ids)
    return Submission.objects.filter(condition)


def clm_submission_get_for_user(user: AnyUser, pk: int, *, write: bool = False) -> Submission:
    submission = (
        clm_submissions_visible_to(user)
        .select_related("form", "site", "country", "project", "submitted_by", "app_user")
        .filter(pk=pk)
        .first()
    )
    if submission is None:
        raise Http404
    if write and not has_perm(user, Perm.CLM_REVIEW, submission.country_id):
        raise PermissionDenied
    return submission


def clm_site_get_for_user(user: AnyUser, pk: int, *, write: bool = False) -> ServiceSite:
    """Sites are a public register of services; changing one needs CLM_REVIEW in its country."""
    from hrmonitor.clm.models import ServiceSite

    site = ServiceSite.objects.select_related("country", "operator").filter(pk=pk).first()
    if site is None:
        raise Http404
    if write and not has_perm(user, Perm.CLM_REVIEW, site.country_id):
        raise PermissionDenied
    return site


def clm_forms_visible_to(user: AnyUser) -> QuerySet[Form]:
    """Every form for those who run CLM; the forms of their projects for monitors."""
    from hrmonitor.clm.models import Form

    if has_perm(user, Perm.CLM_REVIEW, anywhere=True):
        return Form.objects.all()
    projects = clm_projects_for_submitter(user)
    return Form.objects.filter(pk__in=Form.objects.filter(projects__in=projects).values("pk"))


def clm_escalations_visible_to(user: AnyUser) -> QuerySet[Escalation]:
    """Escalations of the countries where the user runs CLM (CLM_REVIEW): the Secretariat all,
    a focal point those of their countries, nobody else any."""
    from hrmonitor.clm.models import Escalation

    escalations = Escalation.objects.select_related("country", "site", "form")
    return scope_for(user, Perm.CLM_REVIEW).filter(escalations)


def clm_escalation_get_for_user(user: AnyUser, pk: int, *, write: bool = False) -> Escalation:
    """An escalation the user may see (404 otherwise, also when it exists: no existence leak);
    with `write`, also the right to change it in its country (403 otherwise)."""
    escalation = clm_escalations_visible_to(user).filter(pk=pk).first()
    if escalation is None:
        raise Http404
    if write and not has_perm(user, Perm.CLM_REVIEW, escalation.country_id):
        raise PermissionDenied
    return escalation


def clm_deliveries_visible_to(user: AnyUser) -> QuerySet[ServiceDelivery]:
    """Service delivery records of the countries where `user` runs CLM, with country and site."""
    from hrmonitor.clm.models import ServiceDelivery

    records = ServiceDelivery.objects.select_related("country", "site")
    return scope_for(user, Perm.CLM_REVIEW).filter(records)


def clm_delivery_get_for_user(user: AnyUser, pk: int, *, write: bool = False) -> ServiceDelivery:
    """A record the user may see (404 otherwise, also when it exists elsewhere); with `write`,
    one they may change (403 otherwise)."""
    record = clm_deliveries_visible_to(user).filter(pk=pk).first()
    if record is None:
        raise Http404
    if write and not has_perm(user, Perm.CLM_REVIEW, record.country_id):
        raise PermissionDenied
    return record
