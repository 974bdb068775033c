"""API of the core module, and what every module's API shares: token auth, the error shape."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Router, Schema, Status
from ninja.errors import HttpError
from ninja.security import HttpBearer

from hrmonitor.core import selectors
from hrmonitor.core.access import user_roles
from hrmonitor.core.models import Country
from hrmonitor.core.services import api_token_authenticate


class TokenAuth(HttpBearer):
    """`Authorization: Bearer hrm_…` — a personal token from the account page."""

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        user = api_token_authenticate(token)
        if user is not None:
            request.user = user
        return user


def api_caller(request: HttpRequest) -> Any:
    """For endpoints open to the public: the token's user when a token is sent, else the
    anonymous public. A bad token is an error, not silently the public: the caller meant to be
    someone."""
    header = request.headers.get("Authorization", "")
    if not header:
        return AnonymousUser()
    scheme, _sep, token = header.partition(" ")
    user = api_token_authenticate(token.strip()) if scheme.lower() == "bearer" else None
    if user is None:
        raise HttpError(401, _("The API token is not valid."))
    return user


class ErrorOut(Schema):
    detail: str


class NotFound(Exception):
    """A filter or a reference names something that does not exist (or that the caller may
    not see): answered 404 with `detail`. Shared by the modules' routers."""

    def __init__(self, detail: str) -> None:
        super().__init__(detail)
        self.detail = detail


class BadRequest(Exception):
    """A filter cannot be read: answered 400 with `detail`."""

    def __init__(self, detail: str) -> None:
        super().__init__(detail)
        self.detail = detail


def problem(error: NotFound | BadRequest) -> Status[Any]:
    """The answer to a NotFound (404) or BadRequest (400): `{"detail": …}`."""
    return Status(404 if isinstance(error, NotFound) else 400, {"detail": error.detail})


router = Router(tags=["geography"])


class SubRegionOut(Schema):
    code: str
    name: str
    name_en: str
    name_ru: str
    order: int
    country_count: int


class CountryOut(Schema):
    iso2: str
    iso3: str
    name: str
    name_en: str
    name_ru: str
    sub_region: str


class MeOut(Schema):
    username: str
    language: str
    roles: list[str]


def _country_out(country: Country) -> CountryOut:
    return CountryOut(
        iso2=country.iso2,
        iso3=country.iso3,
        name=country.name,
        name_en=country.name_en,  # type: ignore[attr-defined]
        name_ru=country.name_ru,  # type: ignore[attr-defined]
        sub_region=country.sub_region.code,
    )


@router.get("/subregions", response=list[SubRegionOut], summary="Sub-regions of the network")
def subregions(request: HttpRequest) -> list[SubRegionOut]:
    return [
        SubRegionOut(
            code=s.code,
            name=s.name,
            name_en=s.name_en,  # type: ignore[attr-defined]
            name_ru=s.name_ru,  # type: ignore[attr-defined]
            order=s.order,
            country_count=s.country_count,  # type: ignore[attr-defined]
        )
        for s in selectors.sub_regions_list()
    ]


@router.get("/countries", response=list[CountryOut], summary="Countries of the network")
def countries(request: HttpRequest) -> list[CountryOut]:
    """Names follow the request's language (`Accept-Language: ru`); both are always given."""
    return [_country_out(c) for c in selectors.countries_list()]


@router.get(
    "/countries/{iso2}",
    response={200: CountryOut, 404: ErrorOut},
    summary="One country by its ISO 3166-1 alpha-2 code",
)
def country(request: HttpRequest, iso2: str) -> Status[Any]:
    found = selectors.country_by_iso2(iso2)
    if found is None:
        return Status(404, {"detail": _("Country not found.")})
    return Status(200, _country_out(found))


@router.get(
    "/me",
    auth=TokenAuth(),
    response={200: MeOut, 401: ErrorOut},
    tags=["account"],
    summary="The account the token belongs to",
)
def me(request: HttpRequest) -> Status[MeOut]:
    user = request.user
    return Status(
        200,
        MeOut(
            username=user.get_username(),
            language=getattr(user, "language", ""),
            roles=sorted(str(role) for role in user_roles(user)),
        ),
    )
