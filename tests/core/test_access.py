"""The access matrix: persona × permission × place. Deny by default."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from factories import country
from hrmonitor.core import access
from hrmonitor.core.models import RoleAssignment
from hrmonitor.core.roles import PERMISSIONS, Perm, Role

pytestmark = pytest.mark.django_db

GE, KZ, KG = "GE", "KZ", "KG"

# (persona, permission, country or None for a region-level record) -> allowed?
MATRIX = [
    ("focal_point_georgia", Perm.FRAMEWORK_ENTER_DATA, GE, True),
    ("focal_point_georgia", Perm.FRAMEWORK_ENTER_DATA, KZ, False),
    ("focal_point_georgia", Perm.FRAMEWORK_ENTER_DATA, None, False),
    ("focal_point_kazakhstan", Perm.FRAMEWORK_ENTER_DATA, KZ, True),
    ("focal_point_kazakhstan", Perm.FRAMEWORK_ENTER_DATA, GE, False),
    ("focal_point_georgia", Perm.FRAMEWORK_APPROVE, GE, False),
    ("me_officer", Perm.FRAMEWORK_APPROVE, GE, True),
    ("me_officer", Perm.FRAMEWORK_APPROVE, None, True),
    ("secretariat_admin", Perm.FRAMEWORK_APPROVE, KZ, True),
    ("secretariat_admin", Perm.MANAGE_USERS, None, True),
    ("me_officer", Perm.MANAGE_USERS, None, False),
    ("case_documenter", Perm.RIGHTS_READ_CASES, KG, True),
    ("case_documenter", Perm.RIGHTS_READ_CASES, GE, False),
    ("legal_analyst", Perm.RIGHTS_READ_CASES, KG, True),
    ("legal_analyst", Perm.RIGHTS_WRITE_CASES, KG, False),
    # The Secretariat sees suppressed statistics, never a case.
    ("secretariat_admin", Perm.RIGHTS_READ_CASES, KG, False),
    ("secretariat_admin", Perm.RIGHTS_VIEW_STATISTICS, None, True),
    ("community_monitor", Perm.CLM_SUBMIT, KZ, True),
    ("community_monitor", Perm.CLM_SUBMIT, GE, False),
    ("community_monitor", Perm.FRAMEWORK_ENTER_DATA, KZ, False),
    # The audit body is independent of the Steering Committee.
    ("audit_body", Perm.AUDIT_BODY_COMPLAINTS, None, True),
    ("steering_committee", Perm.AUDIT_BODY_COMPLAINTS, None, False),
    ("secretariat_admin", Perm.AUDIT_BODY_COMPLAINTS, None, False),
    ("steering_committee", Perm.GOVERNANCE_VOTE, None, True),
    ("evaluator", Perm.EVALUATION_WORK, None, True),
    ("evaluator", Perm.FRAMEWORK_ENTER_DATA, GE, False),
    ("member", Perm.VIEW_AUDIT, None, False),
    ("focal_point_georgia", Perm.MONITORING_EDIT, GE, True),
    ("focal_point_georgia", Perm.MONITORING_EDIT, KZ, False),
    ("focal_point_georgia", Perm.MONITORING_PLAN, GE, False),
    ("me_officer", Perm.MONITORING_PLAN, None, True),
    ("evaluator", Perm.MONITORING_EDIT, GE, False),
    ("no_role", Perm.FRAMEWORK_ENTER_DATA, GE, False),
    ("no_role", Perm.USE_API, None, False),
]


@pytest.mark.parametrize(("persona", "permission", "iso2", "allowed"), MATRIX)
def test_the_access_matrix_holds(personas, persona, permission, iso2, allowed):
    country_id = country(iso2).pk if iso2 else None
    assert access.has_perm(personas[persona], permission, country_id) is allowed


@pytest.mark.parametrize("permission", sorted(PERMISSIONS))
def test_anonymous_visitors_hold_no_permission_anywhere(permission):
    assert not access.has_perm(AnonymousUser(), permission, anywhere=True)


def test_an_unknown_permission_is_denied_even_to_the_administrator(personas):
    assert not access.has_perm(personas["secretariat_admin"], "nobody.knows_this", None)


def test_require_perm_raises_permission_denied(personas):
    with pytest.raises(PermissionDenied):
        access.require_perm(personas["focal_point_georgia"], Perm.FRAMEWORK_ENTER_DATA, None)


def test_a_scope_filters_a_queryset_to_the_users_countries(personas):
    from hrmonitor.core.models import Country

    scope = access.scope_for(personas["focal_point_georgia"], Perm.FRAMEWORK_ENTER_DATA)
    assert list(scope.filter(Country.objects.all(), field="pk").values_list("iso2", flat=True)) == [
        "GE"
    ]
    everywhere = access.scope_for(personas["me_officer"], Perm.FRAMEWORK_ENTER_DATA)
    assert everywhere.filter(Country.objects.all(), field="pk").count() == 29


def test_an_expired_role_gives_nothing(personas):
    user = personas["focal_point_georgia"]
    RoleAssignment.objects.filter(user=user).update(
        valid_to=timezone.localdate() - timezone.timedelta(days=1)
    )
    access.forget_assignments(user)
    assert not access.has_perm(user, Perm.FRAMEWORK_ENTER_DATA, country("GE").pk)


def test_one_person_can_hold_two_roles_in_different_places(personas):
    user = personas["focal_point_georgia"]
    RoleAssignment.objects.create(user=user, role=Role.LEGAL_ANALYST, country=country("AM"))
    access.forget_assignments(user)
    assert access.has_perm(user, Perm.RIGHTS_READ_CASES, country("AM").pk)
    assert not access.has_perm(user, Perm.RIGHTS_READ_CASES, country("GE").pk)
    assert access.has_perm(user, Perm.FRAMEWORK_ENTER_DATA, country("GE").pk)


def test_roles_reading_cases_or_approving_must_use_a_second_factor(personas):
    assert access.mfa_required(personas["case_documenter"])
    assert access.mfa_required(personas["me_officer"])
    assert access.mfa_required(personas["audit_body"])
    assert not access.mfa_required(personas["focal_point_georgia"])
    assert not access.mfa_required(personas["member"])


def test_assignments_are_read_once_per_request(personas, django_assert_num_queries):
    user = personas["focal_point_georgia"]
    access.forget_assignments(user)
    with django_assert_num_queries(1):
        for permission in PERMISSIONS:
            access.has_perm(user, permission, None)
