"""factory_boy factories and the role personas every permission test reads from."""

from __future__ import annotations

from typing import Any

import factory
from allauth.mfa.models import Authenticator

from hrmonitor.core.models import Country, Organisation, RoleAssignment, User
from hrmonitor.core.roles import Role

TEST_PASSWORD = "correct-horse-battery-staple"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.org")
    password = factory.PostGenerationMethodCall("set_password", TEST_PASSWORD)

    @factory.post_generation
    def save_password(obj: User, create: bool, extracted: Any, **kwargs: Any) -> None:  # noqa: N805
        if create:
            obj.save()


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Organisation {n}")
    kind = Organisation.Kind.MEMBER


def country(iso2: str) -> Country:
    return Country.objects.get(iso2=iso2)


def user_with_role(
    role: Role,
    country_iso2: str | None = None,
    *,
    username: str | None = None,
    mfa: bool = True,
    organisation: Organisation | None = None,
) -> User:
    """A user holding one role; with `mfa`, a TOTP authenticator is on file so the mandatory
    second factor does not stand between the test and the page."""
    user = UserFactory(username=username) if username else UserFactory()
    RoleAssignment.objects.create(
        user=user,
        role=role,
        country=country(country_iso2) if country_iso2 else None,
        organisation=organisation,
    )
    if mfa:
        Authenticator.objects.create(
            user=user, type=Authenticator.Type.TOTP, data={"secret": "JBSWY3DPEHPK3PXP"}
        )
    return user


# name: (role, country). The access matrix is written against these names.
PERSONAS: dict[str, tuple[Role, str | None]] = {
    "secretariat_admin": (Role.SECRETARIAT_ADMIN, None),
    "me_officer": (Role.ME_OFFICER, None),
    "focal_point_georgia": (Role.FOCAL_POINT, "GE"),
    "focal_point_armenia": (Role.FOCAL_POINT, "AM"),
    "focal_point_kazakhstan": (Role.FOCAL_POINT, "KZ"),
    "community_monitor": (Role.COMMUNITY_MONITOR, "KZ"),
    "case_documenter": (Role.CASE_DOCUMENTER, "KG"),
    "legal_analyst": (Role.LEGAL_ANALYST, "KG"),
    "legal_analyst_georgia": (Role.LEGAL_ANALYST, "GE"),
    "case_coordinator": (Role.CASE_COORDINATOR, "KG"),
    "regional_analyst": (Role.REGIONAL_ANALYST, None),
    "statistics_only": (Role.STATISTICS_ONLY, None),
    "steering_committee": (Role.STEERING_COMMITTEE, None),
    "member": (Role.MEMBER, None),
    "audit_body": (Role.AUDIT_BODY, None),
    "evaluator": (Role.EVALUATOR, None),
}


# The documenter works for this organisation in Kyrgyzstan (documenters see their own
# organisation's cases only).
DOCUMENTING_ORGANISATION = "Harm reduction NGO, Bishkek (test)"


def persona_users() -> dict[str, User]:
    bishkek, _created = Organisation.objects.get_or_create(
        name=DOCUMENTING_ORGANISATION,
        defaults={"kind": Organisation.Kind.MEMBER, "country": country("KG")},
    )
    users = {
        name: user_with_role(
            role,
            iso2,
            username=name,
            organisation=bishkek if role == Role.CASE_DOCUMENTER else None,
        )
        for name, (role, iso2) in PERSONAS.items()
    }
    users["no_role"] = UserFactory(username="no_role")
    return users
