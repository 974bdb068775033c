from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest

from hrmonitor.core.access import clm_participant, has_perm, user_roles
from hrmonitor.core.roles import Perm
from hrmonitor.core.selectors import demo_data_present


def platform(request: HttpRequest) -> dict[str, Any]:
    """What the base layout needs on every page: the demo banner and the navigation rights."""
    user = request.user
    return {
        "demo_data_present": demo_data_present(),
        "site_url": settings.SITE_URL,
        "nav": {
            "roles": sorted(r.label for r in user_roles(user)),
            "audit": has_perm(user, Perm.VIEW_AUDIT, anywhere=True),
            "entry": has_perm(user, Perm.FRAMEWORK_ENTER_DATA, anywhere=True),
            "review": has_perm(user, Perm.FRAMEWORK_APPROVE, anywhere=True),
            "cases": has_perm(user, Perm.RIGHTS_READ_PSEUDONYMISED, anywhere=True),
            "access_log": has_perm(user, Perm.RIGHTS_VIEW_ACCESS_LOG),
            "cases_write": has_perm(user, Perm.RIGHTS_WRITE_CASES, anywhere=True),
            "cases_export": has_perm(user, Perm.RIGHTS_EXPORT, anywhere=True),
            "case_findings": has_perm(user, Perm.RIGHTS_VIEW_STATISTICS, anywhere=True),
            "clm": clm_participant(user),
            "clm_review": has_perm(user, Perm.CLM_REVIEW, anywhere=True),
            "clm_manage": has_perm(user, Perm.CLM_MANAGE, anywhere=True),
            "admin": user.is_authenticated and user.is_staff,
        },
    }
