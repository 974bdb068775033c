"""Writes of the framework module."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from hrmonitor.core import access
from hrmonitor.core.models import Country, User
from hrmonitor.core.roles import Perm
from hrmonitor.core.services import LoadReport, read_yaml, record_sync, translated
from hrmonitor.framework.errors import period_or_error
from hrmonitor.framework.models import (
    Activity,
    Disaggregation,
    DisaggregationOption,
    EvaluationArea,
    Framework,
    Indicator,
    Objective,
    Target,
    ValidationRule,
)
from hrmonitor.framework.values import parse_value

FRAMEWORK_FILE = Path(__file__).resolve().parent / "data" / "ehra-strategic-framework.yaml"


@transaction.atomic
def framework_load(*, path: Path = FRAMEWORK_FILE, report: LoadReport | None = None) -> LoadReport:
    """Load a strategic framework (objectives, activities, indicators) from its data file.

    Idempotent: records are matched by their stable codes (SO1, SO1.A3, SO1.I2) and saved only
    when the file changed them, so their history shows every change of the file.
    """
    report = report or LoadReport()
    data = read_yaml(path)
    meta = data["framework"]
    approved = meta.get("approved")
    framework = record_sync(
        Framework,
        lookup={"code": meta["code"]},
        values={
            "approved": dt.date.fromisoformat(str(approved)) if approved else None,
            "evaluation_year": meta.get("evaluation_year"),
            **translated(meta, "title"),
            **translated(meta, "organisation"),
            **translated(meta, "mission"),
            **translated(meta, "vision"),
        },
        report=report,
    )
    for order, area in enumerate(meta.get("evaluation_areas", []), start=1):
        record_sync(
            EvaluationArea,
            lookup={"code": area["code"]},
            values={"framework": framework, "order": order, **translated(area, "name")},
            report=report,
        )
    for objective_data in data["objectives"]:
        objective = record_sync(
            Objective,
            lookup={"code": objective_data["code"]},
            values={
                "framework": framework,
                "order": objective_data["order"],
                **translated(objective_data, "title"),
                **translated(objective_data, "summary"),
            },
            report=report,
        )
        activities: dict[str, Activity] = {}
        for item in objective_data.get("activities", []):
            activities[item["code"]] = record_sync(
                Activity,
                lookup={"code": item["code"]},
                values={"objective": objective, "order": item["order"], **translated(item, "text")},
                report=report,
            )
        for item in objective_data.get("indicators", []):
            activity_code = item.get("activity")
            if activity_code and activity_code not in activities:
                raise ValidationError(
                    _("Indicator %(indicator)s refers to an unknown activity %(activity)s.")
                    % {"indicator": item["code"], "activity": activity_code}
                )
            record_sync(
                Indicator,
                lookup={"code": item["code"]},
                values={
                    "objective": objective,
                    "activity": activities.get(activity_code) if activity_code else None,
                    "order": item["order"],
                    # Definitions, units and rules come from the definitions file.
                    **translated(item, "name"),
                },
                report=report,
            )
    return report


DEFINITIONS_FILE = Path(__file__).resolve().parent / "data" / "indicator-definitions.yaml"
_DEFINITION_FIELDS = (
    "unit",
    "currency",
    "decimals",
    "direction",
    "space_aggregation",
    "time_aggregation",
    "frequency",
    "level",
    "source_kind",
    "formula",
    "source_function",
    "source_params",
    "is_key",
    "is_public",
)


@transaction.atomic
def indicator_definitions_load(
    *, path: Path = DEFINITIONS_FILE, report: LoadReport | None = None
) -> LoadReport:
    """Load how indicators are measured: disaggregation categories, and per indicator its unit,
    level, aggregation, disaggregations and validation rules. Idempotent, like every loader."""
    report = report or LoadReport()
    data = read_yaml(path)
    categories: dict[str, Disaggregation] = {}
    for order, category in enumerate(data.get("disaggregations", []), start=1):
        categories[category["code"]] = record_sync(
            Disaggregation,
            lookup={"code": category["code"]},
            values={"order": order, **translated(category, "name")},
            report=report,
        )
        for option_order, option in enumerate(category["options"], start=1):
            record_sync(
                DisaggregationOption,
                lookup={"disaggregation": categories[category["code"]], "code": option["code"]},
                values={"order": option_order, **translated(option, "name")},
                report=report,
            )
    for code, spec in data.get("indicators", {}).items():
        indicator = Indicator.objects.filter(code=code).first()
        if indicator is None:
            raise ValidationError(
                _("The definitions file names an unknown indicator %(code)s.") % {"code": code}
            )
        values = {name: spec[name] for name in _DEFINITION_FIELDS if name in spec}
        operator, value = spec.get("condition") or ("", None)
        values["condition_operator"] = operator
        values["condition_value"] = Decimal(str(value)) if value is not None else None
        for text_field in ("definition", "means_of_verification"):
            if f"{text_field}_en" in spec:
                values.update(translated(spec, text_field))
        record_sync(Indicator, lookup={"pk": indicator.pk}, values=values, report=report)
        wanted = {categories[c].pk for c in spec.get("disaggregations", [])}
        if set(indicator.disaggregations.values_list("pk", flat=True)) != wanted:
            indicator.disaggregations.set(wanted)
            report.add(Indicator, "updated")
        for rule in [*spec.get("rules", []), *spec.get("extra_rules", [])]:
            record_sync(
                ValidationRule,
                lookup={"indicator": indicator, "kind": rule["kind"]},
                values={"params": rule.get("params", {}), **translated(rule, "message")},
                report=report,
            )
    return report


@transaction.atomic
def target_set(
    *,
    user: User,
    indicator: Indicator,
    country: Country | None,
    kind: str,
    period: str,
    value: object,
    note: str = "",
    target: Target | None = None,
) -> Target | None:
    """Set a baseline or target of an indicator for a country (or the region, country None):
    change `target` when given (its period may change too), otherwise the one of that kind
    and period, or create it. An empty value removes it. The Secretariat sets targets; the
    history keeps every change."""
    access.require_perm(user, Perm.FRAMEWORK_EDIT)
    if kind not in Target.Kind.values:
        raise ValidationError({"kind": _("Unknown kind of target.")})
    if target is not None and (target.indicator_id, target.country_id) != (
        indicator.pk,
        country.pk if country else None,
    ):
        raise ValidationError(_("This target belongs to another indicator or country."))
    if value is None or str(value).strip() == "":
        if target is not None:
            target.delete()
        return None
    try:
        number = parse_value(value, indicator)
    except ValidationError as error:
        raise ValidationError({"value": error.messages}) from None
    try:
        key = period_or_error(period).key
    except ValidationError as error:
        raise ValidationError({"period": error.messages}) from None
    if target is None:
        target = Target.objects.filter(
            indicator=indicator, country=country, kind=kind, period=key
        ).first() or Target(indicator=indicator, country=country, kind=kind)
    target.kind = kind
    target.period = key
    target.value = number  # type: ignore[assignment]
    target.note = note.strip()
    target.full_clean(validate_unique=False)
    target.save()
    return target
