"""The roles of the platform and what each may do.

This table is the access model of DESIGN.md in one place. A role assignment with a country
grants the role's permissions in that country only; one without a country grants them
everywhere (region-wide). Later modules add their permissions here, next to the roles that hold
them, so the whole matrix can be read — and tested — at once.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    SECRETARIAT_ADMIN = "secretariat_admin", _("Secretariat administrator")
    ME_OFFICER = "me_officer", _("M&E officer")
    FOCAL_POINT = "focal_point", _("Country focal point")
    COMMUNITY_MONITOR = "community_monitor", _("Community monitor")
    CASE_DOCUMENTER = "case_documenter", _("Case documenter")
    LEGAL_ANALYST = "legal_analyst", _("Legal analyst")
    CASE_COORDINATOR = "case_coordinator", _("Country case coordinator")
    REGIONAL_ANALYST = "regional_analyst", _("Regional case analyst")
    STATISTICS_ONLY = "statistics_only", _("Case statistics reader")
    STEERING_COMMITTEE = "steering_committee", _("Steering Committee member")
    MEMBER = "member", _("Member")
    AUDIT_BODY = "audit_body", _("Internal audit body")
    EVALUATOR = "evaluator", _("Evaluator")


# Roles whose assignment must name a country: their work is about their countries only.
COUNTRY_SCOPED_ROLES = frozenset(
    {
        Role.FOCAL_POINT,
        Role.COMMUNITY_MONITOR,
        Role.CASE_DOCUMENTER,
        Role.LEGAL_ANALYST,
        Role.CASE_COORDINATOR,
    }
)


class Perm:
    """Permission names. Grouped by module; the string is what tests and helpers use."""

    MANAGE_USERS = "core.manage_users"
    VIEW_AUDIT = "core.view_audit"
    MANAGE_REFERENCE_DATA = "core.manage_reference_data"
    VIEW_ALL_JOBS = "core.view_all_jobs"
    USE_API = "core.use_api"

    FRAMEWORK_EDIT = "framework.edit"
    FRAMEWORK_ENTER_DATA = "framework.enter_data"
    FRAMEWORK_APPROVE = "framework.approve"
    FRAMEWORK_VIEW_DRAFTS = "framework.view_drafts"
    FRAMEWORK_REOPEN = "framework.reopen"

    MONITORING_EDIT = "monitoring.edit"
    MONITORING_PLAN = "monitoring.plan"
    CLM_SUBMIT = "clm.submit"
    CLM_MANAGE = "clm.manage"
    CLM_REVIEW = "clm.review"
    RIGHTS_READ_CASES = "rights.read_cases"
    RIGHTS_READ_PSEUDONYMISED = "rights.read_pseudonymised"
    RIGHTS_WRITE_CASES = "rights.write_cases"
    RIGHTS_RESPOND = "rights.respond"
    RIGHTS_ANALYSE = "rights.analyse"
    RIGHTS_EXPORT = "rights.export"
    RIGHTS_APPROVE_STORIES = "rights.approve_stories"
    RIGHTS_VIEW_STATISTICS = "rights.view_statistics"
    RIGHTS_VIEW_ACCESS_LOG = "rights.view_access_log"
    GOVERNANCE_VOTE = "governance.vote"
    GOVERNANCE_MANAGE = "governance.manage"
    AUDIT_BODY_COMPLAINTS = "governance.audit_complaints"
    EVALUATION_WORK = "evaluation.work"


_ALL_STAFF = {Role.SECRETARIAT_ADMIN, Role.ME_OFFICER}

PERMISSIONS: dict[str, frozenset[Role]] = {
    Perm.MANAGE_USERS: frozenset({Role.SECRETARIAT_ADMIN}),
    Perm.VIEW_AUDIT: frozenset(_ALL_STAFF),
    Perm.MANAGE_REFERENCE_DATA: frozenset({Role.SECRETARIAT_ADMIN}),
    Perm.VIEW_ALL_JOBS: frozenset({Role.SECRETARIAT_ADMIN}),
    Perm.USE_API: frozenset(Role),
    Perm.FRAMEWORK_EDIT: frozenset(_ALL_STAFF),
    Perm.FRAMEWORK_ENTER_DATA: frozenset(_ALL_STAFF | {Role.FOCAL_POINT}),
    Perm.FRAMEWORK_APPROVE: frozenset(_ALL_STAFF),
    Perm.FRAMEWORK_VIEW_DRAFTS: frozenset(_ALL_STAFF | {Role.FOCAL_POINT, Role.EVALUATOR}),
    # Reopening an approved value changes published figures: the administrator only.
    Perm.FRAMEWORK_REOPEN: frozenset({Role.SECRETARIAT_ADMIN}),
    # Events and their participants: the Secretariat everywhere, focal points for events in
    # their countries. The workplan is the Secretariat's.
    Perm.MONITORING_EDIT: frozenset(_ALL_STAFF | {Role.FOCAL_POINT}),
    Perm.MONITORING_PLAN: frozenset(_ALL_STAFF),
    Perm.CLM_SUBMIT: frozenset({Role.COMMUNITY_MONITOR, Role.FOCAL_POINT}),
    Perm.CLM_MANAGE: frozenset(_ALL_STAFF),
    # Running CLM in a country: sites, app users, reviewing submissions, escalations.
    Perm.CLM_REVIEW: frozenset(_ALL_STAFF | {Role.FOCAL_POINT}),
    # Case data. Documenters: the cases of their own organisation in their country (the
    # organisation rule is applied by `access.cases_visible_to`); legal analysts and case
    # coordinators: every case of their countries. The regional analyst reads cases without
    # narratives or identifying fields. The Secretariat sees only suppressed statistics and the
    # access log, never a case.
    Perm.RIGHTS_READ_CASES: frozenset(
        {Role.CASE_DOCUMENTER, Role.LEGAL_ANALYST, Role.CASE_COORDINATOR}
    ),
    Perm.RIGHTS_READ_PSEUDONYMISED: frozenset(
        {Role.CASE_DOCUMENTER, Role.LEGAL_ANALYST, Role.CASE_COORDINATOR, Role.REGIONAL_ANALYST}
    ),
    Perm.RIGHTS_WRITE_CASES: frozenset({Role.CASE_DOCUMENTER, Role.CASE_COORDINATOR}),
    Perm.RIGHTS_RESPOND: frozenset({Role.CASE_DOCUMENTER, Role.CASE_COORDINATOR}),
    Perm.RIGHTS_ANALYSE: frozenset({Role.LEGAL_ANALYST}),
    Perm.RIGHTS_EXPORT: frozenset({Role.CASE_COORDINATOR, Role.REGIONAL_ANALYST}),
    Perm.RIGHTS_APPROVE_STORIES: frozenset({Role.CASE_COORDINATOR, Role.LEGAL_ANALYST}),
    Perm.RIGHTS_VIEW_STATISTICS: frozenset(
        _ALL_STAFF
        | {
            Role.CASE_DOCUMENTER,
            Role.LEGAL_ANALYST,
            Role.CASE_COORDINATOR,
            Role.REGIONAL_ANALYST,
            Role.STATISTICS_ONLY,
            Role.EVALUATOR,
        }
    ),
    Perm.RIGHTS_VIEW_ACCESS_LOG: frozenset({Role.SECRETARIAT_ADMIN, Role.AUDIT_BODY}),
    Perm.GOVERNANCE_VOTE: frozenset({Role.STEERING_COMMITTEE, Role.MEMBER}),
    Perm.GOVERNANCE_MANAGE: frozenset({Role.SECRETARIAT_ADMIN}),
    # The audit body is independent of the Steering Committee: only it sees complaints.
    Perm.AUDIT_BODY_COMPLAINTS: frozenset({Role.AUDIT_BODY}),
    Perm.EVALUATION_WORK: frozenset(_ALL_STAFF | {Role.EVALUATOR}),
}

# Holding any of these makes a second factor mandatory (DESIGN.md, security model).
MFA_PERMISSIONS = frozenset(
    {
        Perm.RIGHTS_READ_CASES,
        Perm.RIGHTS_READ_PSEUDONYMISED,
        Perm.FRAMEWORK_APPROVE,
        Perm.MANAGE_USERS,
        Perm.AUDIT_BODY_COMPLAINTS,
    }
)

MFA_REQUIRED_ROLES = frozenset(role for perm in MFA_PERMISSIONS for role in PERMISSIONS[perm])


def roles_with(permission: str) -> frozenset[Role]:
    """The roles that hold `permission`; an unknown permission is held by nobody."""
    return PERMISSIONS.get(permission, frozenset())
