"""The full role × action × country matrix of case data, deny by default: for a case of
Kyrgyzstan (documented by the Bishkek organisation) and one of Georgia, which persona may do
what. Every persona of the platform is in it; an action not listed for a persona is denied."""

from __future__ import annotations

import datetime as dt

import pytest

from factories import PERSONAS, country
from hrmonitor.core import access
from hrmonitor.core.models import Organisation
from hrmonitor.core.roles import Perm
from hrmonitor.rights.models import Case

pytestmark = pytest.mark.django_db

ACTIONS = {
    "open": None,  # identifying view
    "open_pseudonymised": None,
    "write": Perm.RIGHTS_WRITE_CASES,
    "respond": Perm.RIGHTS_RESPOND,
    "analyse": Perm.RIGHTS_ANALYSE,
    "export": Perm.RIGHTS_EXPORT,
    "approve_stories": Perm.RIGHTS_APPROVE_STORIES,
}
# persona -> {country of the case: set of allowed actions}; everything else is denied.
ALLOWED: dict[str, dict[str, set[str]]] = {
    "case_documenter": {"KG": {"open", "open_pseudonymised", "write", "respond"}},
    "legal_analyst": {"KG": {"open", "open_pseudonymised", "analyse", "approve_stories"}},
    "legal_analyst_georgia": {"GE": {"open", "open_pseudonymised", "analyse", "approve_stories"}},
    "case_coordinator": {
        "KG": {"open", "open_pseudonymised", "write", "respond", "export", "approve_stories"}
    },
    "regional_analyst": {
        "KG": {"open_pseudonymised", "export"},
        "GE": {"open_pseudonymised", "export"},
    },
}
PERSONA_NAMES = [*PERSONAS, "no_role"]


def allowed(user, action: str, case: Case) -> bool:  # type: ignore[no-untyped-def]
    if action == "open":
        return access.case_access_level(user, case) == "full"
    if action == "open_pseudonymised":
        return access.case_access_level(user, case) in {"full", "pseudonymised"}
    permission = ACTIONS[action]
    assert permission is not None
    return access.case_perm(user, permission, case)


@pytest.fixture
def cases(personas) -> dict[str, Case]:  # type: ignore[no-untyped-def]
    from factories import DOCUMENTING_ORGANISATION

    tbilisi = Organisation.objects.create(name="NGO, Tbilisi", kind="member", country=country("GE"))
    made = {}
    for iso2, organisation in (
        ("KG", Organisation.objects.get(name=DOCUMENTING_ORGANISATION)),
        ("GE", tbilisi),
    ):
        case = Case(
            country=country(iso2),
            organisation=organisation,
            channel="outreach",
            received_on=dt.date(2026, 3, 1),
        )
        case.save()
        made[iso2] = case
    return made


@pytest.mark.parametrize("persona", PERSONA_NAMES)
@pytest.mark.parametrize("action", list(ACTIONS))
@pytest.mark.parametrize("iso2", ["KG", "GE"])
def test_the_case_matrix(personas, cases, persona, action, iso2):
    expected = action in ALLOWED.get(persona, {}).get(iso2, set())
    assert allowed(personas[persona], action, cases[iso2]) is expected


@pytest.mark.parametrize("persona", PERSONA_NAMES)
def test_the_case_list_follows_the_matrix(personas, cases, persona):
    user = personas[persona]
    full = {c.country.iso2 for c in access.cases_visible_to(user, identifying=True)}
    any_level = {c.country.iso2 for c in access.cases_visible_to(user, identifying=False)}
    rules = ALLOWED.get(persona, {})
    assert full == {iso for iso, actions in rules.items() if "open" in actions}
    assert any_level == {iso for iso, actions in rules.items() if "open_pseudonymised" in actions}


def test_every_role_that_can_open_a_case_must_use_a_second_factor():
    from hrmonitor.core.roles import MFA_REQUIRED_ROLES, roles_with

    openers = roles_with(Perm.RIGHTS_READ_CASES) | roles_with(Perm.RIGHTS_READ_PSEUDONYMISED)
    assert openers <= MFA_REQUIRED_ROLES
