"""Writes of the core module. Views, the API, commands and tasks all call these."""

from __future__ import annotations

import hashlib
import secrets
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from hrmonitor.core.models import (
    ApiToken,
    Country,
    DemoDataset,
    Organisation,
    Region,
    RoleAssignment,
    SubRegion,
    User,
)
from hrmonitor.core.roles import COUNTRY_SCOPED_ROLES, Role

DATA_DIR = Path(__file__).resolve().parent / "data"
GEOGRAPHY_FILE = DATA_DIR / "geography.yaml"
LANGUAGE_CODES = ("en", "ru")


@dataclass
class LoadReport:
    """What a reference-data load did, per model: created / updated / unchanged counts."""

    counts: Counter[tuple[str, str]] = field(default_factory=Counter)

    def add(self, model: type[models.Model], outcome: str) -> None:
        self.counts[(model._meta.verbose_name_plural.title(), outcome)] += 1  # type: ignore[union-attr]

    def changed(self) -> int:
        return sum(n for (_m, outcome), n in self.counts.items() if outcome != "unchanged")

    def lines(self) -> list[str]:
        by_model: dict[str, Counter[str]] = {}
        for (model, outcome), n in self.counts.items():
            by_model.setdefault(model, Counter())[outcome] += n
        return [
            f"{model}: {c['created']} created, {c['updated']} updated, {c['unchanged']} unchanged"
            for model, c in by_model.items()
        ]


def record_sync[M: models.Model](
    model: type[M], *, lookup: dict[str, Any], values: dict[str, Any], report: LoadReport
) -> M:
    """Create or update the record found by `lookup` so it holds `values`.

    Saves only when something differs, so loading the same file twice writes nothing and adds
    no history; a changed file updates the record and its history keeps the previous version.
    """
    instance = model._default_manager.filter(**lookup).first()
    if instance is None:
        instance = model(**lookup, **values)
        instance.full_clean()
        instance.save()
        report.add(model, "created")
        return instance
    changed = [name for name, value in values.items() if getattr(instance, name) != value]
    if not changed:
        report.add(model, "unchanged")
        return instance
    for name in changed:
        setattr(instance, name, values[name])
    instance.full_clean()
    instance.save(update_fields=changed)
    report.add(model, "updated")
    return instance


def translated(data: dict[str, Any], name: str) -> dict[str, Any]:
    """`{name_en: …, name_ru: …}` from a data-file record, English also as the base field."""
    values = {
        f"{name}_{code}": (data.get(f"{name}_{code}") or "").strip() for code in LANGUAGE_CODES
    }
    values[name] = values[f"{name}_en"]
    return values


def read_yaml(path: Path) -> dict[str, Any]:
    with path.open(encoding="utf-8") as handle:
        data = yaml.safe_load(handle)
    if not isinstance(data, dict):
        raise ValidationError(
            _("%(path)s is not a data file of the expected shape.") % {"path": path}
        )
    return data


@transaction.atomic
def geography_load(*, path: Path = GEOGRAPHY_FILE, report: LoadReport | None = None) -> LoadReport:
    """Load region, sub-regions and countries from the geography data file (idempotent)."""
    report = report or LoadReport()
    data = read_yaml(path)
    region = record_sync(
        Region,
        lookup={"code": data["region"]["code"]},
        values=translated(data["region"], "name"),
        report=report,
    )
    for order, sub in enumerate(data["sub_regions"], start=1):
        sub_region = record_sync(
            SubRegion,
            lookup={"code": sub["code"]},
            values={"region": region, "order": order, **translated(sub, "name")},
            report=report,
        )
        for country in sub["countries"]:
            record_sync(
                Country,
                lookup={"iso2": country["iso2"]},
                values={
                    "iso3": country["iso3"],
                    "sub_region": sub_region,
                    "map_name": country["map_name"],
                    **translated(country, "name"),
                },
                report=report,
            )
    return report


# --- Users and roles ------------------------------------------------------------------------


@transaction.atomic
def user_create(
    *,
    username: str,
    email: str,
    password: str | None,
    first_name: str = "",
    last_name: str = "",
    is_superuser: bool = False,
    language: str = "",
) -> User:
    """Create a person's account. A None password leaves the account unusable until reset."""
    user = User(
        username=username,
        email=email,
        first_name=first_name,
        last_name=last_name,
        is_superuser=is_superuser,
        is_staff=is_superuser,
        language=language,
    )
    if password is None:
        user.set_unusable_password()
    else:
        user.set_password(password)
    user.full_clean(exclude=["password"])
    user.save()
    return user


@transaction.atomic
def role_assign(
    *,
    user: User,
    role: Role | str,
    country: Country | None = None,
    organisation: Organisation | None = None,
) -> RoleAssignment:
    """Give `user` a role, in one country or (country None) region-wide."""
    role = Role(role)
    if role in COUNTRY_SCOPED_ROLES and country is None:
        raise ValidationError(
            _("The role “%(role)s” must be given for a country.") % {"role": role.label}
        )
    assignment, _created = RoleAssignment.objects.get_or_create(
        user=user, role=role, country=country, defaults={"organisation": organisation}
    )
    return assignment


@transaction.atomic
def user_set_language(*, user: User, language: str) -> None:
    if language not in dict(settings.LANGUAGES):
        raise ValidationError(_("Unknown language."))
    if user.language != language:
        user.language = language
        user.save(update_fields=["language"])


# --- API tokens -----------------------------------------------------------------------------

TOKEN_PREFIX = "hrm_"  # noqa: S105 - a public marker, not a secret


def token_hash(plaintext: str) -> str:
    return hashlib.sha256(plaintext.encode()).hexdigest()


@transaction.atomic
def api_token_create(*, user: User, name: str) -> tuple[ApiToken, str]:
    """Create a token; the plaintext is returned once and never stored."""
    name = name.strip()
    if not name:
        raise ValidationError(_("Give the token a name, e.g. the script that will use it."))
    plaintext = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user, name=name[:100], prefix=plaintext[:12], key_hash=token_hash(plaintext)
    )
    return token, plaintext


@transaction.atomic
def api_token_revoke(*, token: ApiToken) -> None:
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])


def api_token_authenticate(plaintext: str) -> User | None:
    """The active user owning this token, recording its use; None for any other token."""
    if not plaintext.startswith(TOKEN_PREFIX):
        return None
    token = (
        ApiToken.objects.select_related("user")
        .filter(key_hash=token_hash(plaintext), revoked_at__isnull=True, user__is_active=True)
        .first()
    )
    if token is None:
        return None
    now = timezone.now()
    # Write at most once a minute: reads must not turn into a write per request.
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user


# --- Demo data marker -----------------------------------------------------------------------


def demo_dataset_mark(*, note: str) -> DemoDataset:
    return DemoDataset.objects.create(note=note)
