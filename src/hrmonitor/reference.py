"""The reference data every installation loads (`hrmonitor init`), in dependency order."""

from __future__ import annotations

from collections.abc import Callable

from django.db import transaction

from hrmonitor.clm.services import clm_output_indicators_load, default_forms_load
from hrmonitor.clm.services_efficiency import pwid_estimates_load
from hrmonitor.core.services import LoadReport, geography_load
from hrmonitor.framework.services import framework_load, indicator_definitions_load
from hrmonitor.monitoring.services import output_indicators_load
from hrmonitor.policy.services import policy_areas_load, policy_facts_load

LOADERS: list[tuple[str, Callable[..., LoadReport]]] = [
    ("geography", geography_load),
    ("framework", framework_load),
    ("indicator definitions", indicator_definitions_load),
    ("output indicators", output_indicators_load),
    ("policy areas", policy_areas_load),
    ("policy facts", policy_facts_load),
    ("PWID estimates", pwid_estimates_load),
    ("CLM output indicators", clm_output_indicators_load),
    ("default CLM forms", default_forms_load),
]


@transaction.atomic
def reference_data_load(*, progress: Callable[[float, str], None] | None = None) -> LoadReport:
    """Load every reference data file; all or nothing."""
    report = LoadReport()
    for step, (name, loader) in enumerate(LOADERS):
        if progress:
            progress(100 * step / len(LOADERS), name)
        loader(report=report)
    return report
