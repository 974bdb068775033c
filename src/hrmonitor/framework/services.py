"""Writes of the framework module."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from hrmonitor.core.services import LoadReport, read_yaml, record_sync, translated
from hrmonitor.framework.models import Activity, EvaluationArea, Framework, Indicator, Objective

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
                    **translated(item, "name"),
                    **translated(item, "definition"),
                },
                report=report,
            )
    return report
