"""The policy areas (and, where a test asks, the published facts) loaded into the test DB."""

from __future__ import annotations

import pytest

from hrmonitor.policy.models import CountryFact, PolicyArea, PolicyStatus
from hrmonitor.policy.services import policy_areas_load, policy_facts_load


@pytest.fixture
def areas(db):  # type: ignore[no-untyped-def]
    policy_areas_load()
    return {a.code: a for a in PolicyArea.objects.all()}


@pytest.fixture
def facts(areas):  # type: ignore[no-untyped-def]
    policy_facts_load()
    return areas


@pytest.fixture(autouse=True)
def _published_facts_only_where_asked(request, db):  # type: ignore[no-untyped-def]
    """`hrmonitor init` (and so every test database) loads the published facts; a test that
    does not ask for them starts from a tracker without statuses, inside its transaction."""
    if "facts" not in request.fixturenames:
        PolicyStatus.objects.all().delete()
        CountryFact.objects.all().delete()
