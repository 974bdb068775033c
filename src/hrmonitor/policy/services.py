"""Writes of the policy tracker: the reference loaders and the recording of status changes."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from hrmonitor.core import access
from hrmonitor.core.models import Country, User
from hrmonitor.core.roles import Perm
from hrmonitor.core.services import LoadReport, read_yaml, record_sync, translated
from hrmonitor.policy.models import (
    CountryFact,
    ExchangeRate,
    FundingNeed,
    FundingRecord,
    PolicyArea,
    PolicyStatus,
    ProgrammeArea,
    TransitionMilestone,
)

DATA_DIR = Path(__file__).resolve().parent / "data"
AREAS_FILE = DATA_DIR / "policy-areas.yaml"
FACTS_FILE = DATA_DIR / "facts.yaml"
ONE_DAY = dt.timedelta(days=1)


def _scale(steps: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [
        {
            "code": str(step["code"]),
            "label_en": str(step["label_en"]),
            "label_ru": str(step.get("label_ru") or ""),
            "counts_as_yes": bool(step.get("counts_as_yes", False)),
        }
        for step in steps
    ]


@transaction.atomic
def policy_areas_load(*, path: Path = AREAS_FILE, report: LoadReport | None = None) -> LoadReport:
    """Load the policy areas and their scales of statuses (idempotent: matched by code)."""
    report = report or LoadReport()
    data = read_yaml(path)
    for order, area in enumerate(data["areas"], start=1):
        record_sync(
            PolicyArea,
            lookup={"code": area["code"]},
            values={
                "order": order,
                "scale": _scale(area["scale"]),
                **translated(area, "name"),
                **translated(area, "description"),
            },
            report=report,
        )
    return report


def _close_periods(country: Country, area: PolicyArea) -> None:
    """Make the periods of one country and area follow each other: each ends the day before
    the next one starts; the latest stays open. Saves only the records that change."""
    records = list(PolicyStatus.objects.filter(country=country, area=area).order_by("valid_from"))
    for record, following in zip(records, [*records[1:], None], strict=True):
        valid_to = following.valid_from - ONE_DAY if following else None
        if record.valid_to != valid_to:
            record.valid_to = valid_to
            record.save(update_fields=["valid_to"])


@transaction.atomic
def policy_facts_load(*, path: Path = FACTS_FILE, report: LoadReport | None = None) -> LoadReport:
    """Load the published facts: policy statuses stated by a source, and country figures.

    Idempotent: a status is matched by country, area and start date, a figure by country,
    fact and year. A status someone recorded on the same date (another source) is left as it
    is. Loading a status before a later recorded one closes the loaded period the day before.
    """
    report = report or LoadReport()
    data = read_yaml(path)
    areas = {a.code: a for a in PolicyArea.objects.all()}
    countries = {c.iso2: c for c in Country.objects.all()}
    for group in data.get("statuses", []):
        area = areas.get(group["area"])
        if area is None:
            raise ValidationError(
                _("The facts file names an unknown policy area %(code)s.") % {"code": group["area"]}
            )
        valid_from = dt.date.fromisoformat(str(group["valid_from"]))
        for status, iso2_list in group["countries"].items():
            if status not in area.status_codes():
                raise ValidationError(
                    _("“%(status)s” is not a status of “%(area)s”.")
                    % {"status": status, "area": area.code}
                )
            for iso2 in iso2_list:
                country = countries[iso2]
                existing = PolicyStatus.objects.filter(
                    country=country, area=area, valid_from=valid_from
                ).first()
                if existing is not None and existing.source != group["source"]:
                    report.add(PolicyStatus, "unchanged")
                    continue
                record_sync(
                    PolicyStatus,
                    lookup={"country": country, "area": area, "valid_from": valid_from},
                    values={
                        "status": status,
                        "source": group["source"],
                        "notes": group.get("statement", ""),
                    },
                    report=report,
                )
                _close_periods(country, area)
    for group in data.get("facts", []):
        for iso2, facts in group["countries"].items():
            for key, value in facts.items():
                if key not in CountryFact.Key.values:
                    raise ValidationError(
                        _("The facts file names an unknown fact %(key)s.") % {"key": key}
                    )
                record_sync(
                    CountryFact,
                    lookup={"country": countries[iso2], "key": key, "year": int(group["year"])},
                    values={"value": str(value), "source": group["source"]},
                    report=report,
                )
    return report


@transaction.atomic
def policy_status_record(
    *,
    user: User,
    country: Country,
    area: PolicyArea,
    status: str,
    valid_from: dt.date,
    legal_reference: str = "",
    evidence_url: str = "",
    evidence_file: UploadedFile | None = None,
    source: str = "",
    notes: str = "",
) -> PolicyStatus:
    """Record that `country`'s status in `area` is `status` from `valid_from` on.

    The current status (the latest) is closed the day before; a date before the current
    status's start is refused, so periods never overlap and history is only appended to.
    Focal points record for their countries; the Secretariat everywhere.
    """
    access.require_perm(user, Perm.FRAMEWORK_ENTER_DATA, country.pk)
    if status not in area.status_codes():
        raise ValidationError(
            {
                "status": _("“%(status)s” is not a status of “%(area)s”.")
                % {"status": status, "area": area.name}
            }
        )
    # Lock the country's records of this area so two recordings cannot both close it.
    current = (
        PolicyStatus.objects.select_for_update()
        .filter(country=country, area=area)
        .order_by("-valid_from")
        .first()
    )
    if current is not None and valid_from <= current.valid_from:
        raise ValidationError(
            {
                "valid_from": _(
                    "The current status of %(country)s in this area starts on %(date)s: "
                    "a change must start after it."
                )
                % {"country": country.name, "date": current.valid_from.isoformat()}
            }
        )
    if current is not None:
        current.valid_to = valid_from - ONE_DAY
        current.save(update_fields=["valid_to"])
    record = PolicyStatus(
        country=country,
        area=area,
        status=status,
        valid_from=valid_from,
        legal_reference=legal_reference.strip(),
        evidence_url=evidence_url.strip(),
        source=source.strip(),
        notes=notes.strip(),
        entered_by=user,
    )
    if evidence_file is not None:
        record.evidence_file = evidence_file
    record.full_clean()
    record.save()
    return record


@transaction.atomic
def policy_status_verify(*, user: User, record: PolicyStatus) -> PolicyStatus:
    """The Secretariat confirms a recorded status against its evidence; nobody verifies a
    status they entered themselves (four eyes)."""
    access.require_perm(user, Perm.FRAMEWORK_APPROVE, record.country_id)
    if record.entered_by_id == user.pk:
        raise ValidationError(_("Nobody verifies a status they recorded themselves."))
    record.verified_by = user
    record.verified_at = timezone.now()
    record.save(update_fields=["verified_by", "verified_at"])
    return record


@transaction.atomic
def policy_area_save(
    *,
    user: User,
    code: str,
    name_en: str,
    name_ru: str,
    scale: list[dict[str, Any]],
    description_en: str = "",
    description_ru: str = "",
    order: int = 0,
) -> PolicyArea:
    """Create or change a policy area (the Secretariat). The scale needs unique codes and at
    least one status that counts as "in place"; a status still used by a record stays."""
    access.require_perm(user, Perm.FRAMEWORK_EDIT)
    steps = _scale(scale)
    codes = [step["code"] for step in steps]
    if not codes or len(set(codes)) != len(codes):
        raise ValidationError({"scale": _("Each status of the scale needs its own code.")})
    if not any(step["counts_as_yes"] for step in steps):
        raise ValidationError(
            {"scale": _("At least one status of the scale must count as “in place”.")}
        )
    area = PolicyArea.objects.filter(code=code).first() or PolicyArea(code=code)
    if area.pk is not None:
        used = set(area.statuses.values_list("status", flat=True)) - set(codes)
        if used:
            raise ValidationError(
                {
                    "scale": _("Statuses still recorded cannot be removed: %(codes)s.")
                    % {"codes": ", ".join(sorted(used))}
                }
            )
    values = {
        "order": order,
        "scale": steps,
        **translated({"name_en": name_en, "name_ru": name_ru}, "name"),
        **translated(
            {"description_en": description_en, "description_ru": description_ru}, "description"
        ),
    }
    for name, value in values.items():
        setattr(area, name, value)
    area.full_clean()
    area.save()
    return area


CURRENCY_CODE = re.compile(r"^[A-Z]{3}$")


def _currency(code: str, field: str = "currency") -> str:
    code = code.strip().upper()
    if not CURRENCY_CODE.match(code):
        raise ValidationError(
            {
                field: _("“%(code)s” is not a currency code (three letters, e.g. USD, EUR).")
                % {"code": code}
            }
        )
    return code


@transaction.atomic
def funding_record_create(
    *,
    user: User,
    country: Country,
    year: int,
    source_category: str,
    amount: Decimal,
    currency: str = "USD",
    funder: str = "",
    programme_area: str = ProgrammeArea.ALL,
    evidence_url: str = "",
    evidence_file: UploadedFile | None = None,
    source: str = "",
    notes: str = "",
) -> FundingRecord:
    """Record an amount of harm-reduction funding (focal points for their countries, the
    Secretariat everywhere). Needs a source or evidence: an unsourced figure is refused."""
    access.require_perm(user, Perm.FRAMEWORK_ENTER_DATA, country.pk)
    if not (source.strip() or evidence_url.strip() or evidence_file):
        raise ValidationError(
            {"source": _("Say where the figure comes from: a source, a link or a document.")}
        )
    record = FundingRecord(
        country=country,
        year=year,
        source_category=source_category,
        funder=funder.strip(),
        programme_area=programme_area or ProgrammeArea.ALL,
        amount=amount,
        currency=_currency(currency),
        evidence_url=evidence_url.strip(),
        source=source.strip(),
        notes=notes.strip(),
        entered_by=user,
    )
    if evidence_file is not None:
        record.evidence_file = evidence_file
    record.full_clean()
    record.save()
    return record


@transaction.atomic
def funding_record_delete(*, user: User, record: FundingRecord) -> None:
    """Remove a wrong record (its history keeps it)."""
    access.require_perm(user, Perm.FRAMEWORK_ENTER_DATA, record.country_id)
    record.delete()


@transaction.atomic
def funding_need_save(
    *,
    user: User,
    country: Country,
    year: int,
    amount: Decimal,
    source: str,
    currency: str = "USD",
    notes: str = "",
) -> FundingNeed:
    """Set the estimated need of a country in a year (one per country and year)."""
    access.require_perm(user, Perm.FRAMEWORK_ENTER_DATA, country.pk)
    need = FundingNeed.objects.filter(country=country, year=year).first() or FundingNeed(
        country=country, year=year
    )
    need.amount = amount
    need.currency = _currency(currency)
    need.source = source.strip()
    need.notes = notes.strip()
    need.full_clean()
    need.save()
    return need


@transaction.atomic
def exchange_rate_save(
    *, user: User, currency: str, year: int, usd_per_unit: Decimal, source: str = ""
) -> ExchangeRate:
    """Set the yearly rate of a currency to the US dollar (the Secretariat)."""
    access.require_perm(user, Perm.FRAMEWORK_EDIT)
    code = _currency(currency)
    if code == "USD":
        raise ValidationError({"currency": _("US dollars need no exchange rate.")})
    rate = ExchangeRate.objects.filter(currency=code, year=year).first() or ExchangeRate(
        currency=code, year=year
    )
    rate.usd_per_unit = usd_per_unit
    rate.source = source.strip()
    rate.full_clean()
    rate.save()
    return rate


@transaction.atomic
def transition_milestone_save(
    *, user: User, country: Country, year: int, kind: str, source: str, notes: str = ""
) -> TransitionMilestone:
    """Record a step of a country's transition from Global Fund support (the Secretariat)."""
    access.require_perm(user, Perm.FRAMEWORK_EDIT)
    milestone = TransitionMilestone.objects.filter(
        country=country, year=year, kind=kind
    ).first() or TransitionMilestone(country=country, year=year, kind=kind)
    milestone.source = source.strip()
    milestone.notes = notes.strip()
    milestone.full_clean()
    milestone.save()
    return milestone
