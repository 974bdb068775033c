"""DHIS2 dataValueSets: export, import, and a round trip that gives back the same values."""

from __future__ import annotations

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command

from factories import country
from hrmonitor.framework import dhis2, values
from hrmonitor.framework.models import DataValue, Dhis2Mapping, ImportBatch, Indicator

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("committed_reference_data")]


def test_periods_convert_both_ways():
    assert dhis2.to_dhis2_period("2019-07") == "201907"
    assert dhis2.from_dhis2_period("201907") == "2019-07"
    assert dhis2.to_dhis2_period("2019Q3") == "2019Q3"
    assert dhis2.to_dhis2_period("2019-01-01..2019-06-30") is None


def approve(personas, code, iso2, period, number, key=""):  # type: ignore[no-untyped-def]
    user = personas["focal_point_georgia"] if iso2 else personas["me_officer"]
    value = values.data_value_save(
        user=user,
        indicator=Indicator.objects.get(code=code),
        country=country(iso2) if iso2 else None,
        period=period,
        value=number,
        disaggregation=key,
    )
    values.data_values_submit(user=user, values=[value])
    values.data_value_approve(user=personas["secretariat_admin"], value=value)


def test_an_exported_data_value_set_imported_back_yields_the_same_values(personas, login):
    Dhis2Mapping.objects.create(
        name="Georgia HMIS",
        data_elements={"SO3.I2": "fbfJHSPpUQD"},
        org_units={"GE": "ImspTQPwCqd"},
        option_combos={"gender=women": "Prlt0C1RF0s"},
    )
    approve(personas, "SO3.I2", "GE", "2019", "12")
    approve(personas, "SO3.I2", "GE", "2019", "5", "gender=women")
    approve(personas, "SO3.I2", "GE", "2020-03", "2")
    approve(personas, "SO4.I4", None, "2019", "250000.5")
    client = login(personas["focal_point_georgia"])
    document = json.loads(client.get("/framework/dhis2/dataValueSets.json").content)
    by_element = {
        (r["dataElement"], r["period"], r["categoryOptionCombo"]): r for r in document["dataValues"]
    }
    assert by_element[("fbfJHSPpUQD", "2019", "default")]["orgUnit"] == "ImspTQPwCqd"
    assert by_element[("fbfJHSPpUQD", "2019", "Prlt0C1RF0s")]["value"] == "5"
    assert ("fbfJHSPpUQD", "202003", "default") in by_element
    assert by_element[("SO4.I4", "2019", "default")]["value"] == "250000.5"

    before = sorted(
        DataValue.objects.values_list(
            "indicator__code", "country__iso2", "period", "disaggregation", "value"
        )
    )
    DataValue.objects.all().delete()
    admin = login(personas["secretariat_admin"])
    admin.post(
        "/framework/import/",
        {"file": SimpleUploadedFile("set.json", json.dumps(document).encode())},
    )
    call_command("db_worker", batch=True, startup_delay=False, verbosity=0)
    batch = ImportBatch.objects.get()
    assert batch.status == ImportBatch.Status.CHECKED, batch.report
    admin.post(f"/framework/import/{batch.pk}/apply/")
    call_command("db_worker", batch=True, startup_delay=False, verbosity=0)
    after = sorted(
        DataValue.objects.values_list(
            "indicator__code", "country__iso2", "period", "disaggregation", "value"
        )
    )
    assert after == before


def test_a_file_that_is_not_a_data_value_set_is_refused_clearly(personas, login):
    client = login(personas["focal_point_georgia"])
    client.post("/framework/import/", {"file": SimpleUploadedFile("x.json", b'{"rows": []}')})
    call_command("db_worker", batch=True, startup_delay=False, verbosity=0)
    batch = ImportBatch.objects.get()
    assert batch.report["file_error"] == "The file is not a DHIS2 dataValueSets JSON document."
