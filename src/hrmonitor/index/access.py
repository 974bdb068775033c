"""Who may see and change the index, built on the one access module (`core/access.py`).

The public sees published editions and the definitions behind them. Drafts, definitions not
yet used by a published edition, desk values and survey responses are the Secretariat's: the
region-wide `framework.edit` permission (administrator, M&E officer) sees and manages them.
A country role holding it in one country only does not: an index edition spans the region.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404

from hrmonitor.core.access import has_perm
from hrmonitor.core.roles import Perm
from hrmonitor.index.models import Edition, IndexDefinition, SurveyResponse

if TYPE_CHECKING:
    from hrmonitor.core.access import AnyUser


def can_manage_index(user: AnyUser) -> bool:
    """Region-wide `framework.edit`: define the index, enter data, compute and publish."""
    return has_perm(user, Perm.FRAMEWORK_EDIT)


def require_index_manager(user: AnyUser) -> None:
    if not can_manage_index(user):
        raise PermissionDenied


def editions_visible_to(user: AnyUser) -> QuerySet[Edition]:
    """Published editions for everyone; drafts too for those who manage the index."""
    editions = Edition.objects.select_related("definition")
    if can_manage_index(user):
        return editions
    return editions.filter(status=Edition.Status.PUBLISHED)


def edition_get_for_user(user: AnyUser, pk: int, *, write: bool = False) -> Edition:
    """The edition, or 404 when the user may not see it (a draft, for the public); with
    `write`, also the right to manage the index (403 otherwise)."""
    edition = editions_visible_to(user).filter(pk=pk).first()
    if edition is None:
        raise Http404
    if write:
        require_index_manager(user)
    return edition


def definitions_visible_to(user: AnyUser) -> QuerySet[IndexDefinition]:
    """Every version for those who manage the index; for the public, the versions a
    published edition uses."""
    definitions = IndexDefinition.objects.select_related("created_by")
    if can_manage_index(user):
        return definitions
    return definitions.filter(editions__status=Edition.Status.PUBLISHED).distinct()


def definition_get_for_user(user: AnyUser, pk: int, *, write: bool = False) -> IndexDefinition:
    definition = definitions_visible_to(user).filter(pk=pk).first()
    if definition is None:
        raise Http404
    if write:
        require_index_manager(user)
    return definition


def survey_response_get_for_user(user: AnyUser, pk: int) -> SurveyResponse:
    """An expert's response: the index managers' only (names of experts are not public)."""
    if not can_manage_index(user):
        raise Http404
    response = SurveyResponse.objects.select_related("edition", "country").filter(pk=pk).first()
    if response is None:
        raise Http404
    return response
