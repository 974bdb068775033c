"""Exports: CSV, XLSX with a native chart, JSON — only what the user may see."""

from __future__ import annotations

import io
import json
import zipfile

import pytest
from openpyxl import load_workbook

from factories import country
from hrmonitor.framework import values
from hrmonitor.framework.models import Indicator

pytestmark = pytest.mark.django_db


def enter(user, iso2, period, number, approver=None):  # type: ignore[no-untyped-def]
    value = values.data_value_save(
        user=user,
        indicator=Indicator.objects.get(code="SO3.I2"),
        country=country(iso2),
        period=period,
        value=number,
    )
    if approver:
        values.data_values_submit(user=user, values=[value])
        values.data_value_approve(user=approver, value=value)
    return value


def test_the_public_csv_of_values_holds_approved_values_only(personas, client):
    enter(personas["focal_point_georgia"], "GE", "2019", "7", personas["me_officer"])
    enter(personas["focal_point_georgia"], "GE", "2020", "9")  # a draft
    response = client.get("/framework/values.csv")
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    lines = b"".join(response.streaming_content).decode("utf-8-sig").splitlines()
    assert lines[0].startswith("Indicator,Country,Period")
    assert lines[1:] == [lines[1]] and lines[1].startswith("SO3.I2,GE,2019,,7,Approved")


def test_a_focal_point_exports_their_own_drafts_too(personas, login):
    enter(personas["focal_point_georgia"], "GE", "2020", "9")
    body = b"".join(
        login(personas["focal_point_georgia"]).get("/framework/values.csv").streaming_content
    ).decode("utf-8-sig")
    assert "SO3.I2,GE,2020,,9,Draft" in body


def test_the_dashboard_exports_as_xlsx_with_a_native_chart(client):
    response = client.get("/framework/dashboard.xlsx")
    assert response.status_code == 200
    content = response.content
    book = load_workbook(io.BytesIO(content))
    assert book.sheetnames[0] == "Key indicators"
    assert book["Key indicators"]["A1"].value == "Indicator"
    assert any(
        name.startswith("xl/charts/chart")
        for name in zipfile.ZipFile(io.BytesIO(content)).namelist()
    )


def test_the_dashboard_exports_as_json_in_russian(client):
    data = json.loads(client.get("/framework/dashboard.json", HTTP_ACCEPT_LANGUAGE="ru").content)
    assert data["title"] == "Ключевые индикаторы"
    assert {row["Индикатор"] for row in data["rows"]} >= {"SO1.I1", "SO3.I2"}


def test_an_unknown_format_is_a_404(client):
    assert client.get("/framework/values.pdf").status_code == 404
