"""Reference data: the network's geography, loaded idempotently with history."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from hrmonitor.core.models import Country, Region, SubRegion
from hrmonitor.core.services import GEOGRAPHY_FILE, geography_load
from hrmonitor.reference import reference_data_load

pytestmark = pytest.mark.django_db


def test_the_network_has_29_countries_in_7_sub_regions_of_one_region():
    assert Region.objects.get().code == "CEECA"
    assert SubRegion.objects.count() == 7
    assert Country.objects.count() == 29
    assert list(SubRegion.objects.values_list("name_en", flat=True)) == [
        "Baltics",
        "Central Europe",
        "South-Eastern Europe",
        "European CIS",
        "Caucasus",
        "Central Asia",
        "Russia",
    ]


@pytest.mark.parametrize(
    ("sub_region", "countries"),
    [
        ("BALTICS", {"EE", "LV", "LT"}),
        ("CE", {"CZ", "HU", "PL", "SK", "SI"}),
        ("SEE", {"AL", "BA", "BG", "HR", "XK", "ME", "MK", "RO", "RS"}),
        ("ECIS", {"BY", "MD", "UA"}),
        ("CAUCASUS", {"AM", "AZ", "GE"}),
        ("CA", {"KZ", "KG", "TJ", "TM", "UZ"}),
        ("RU", {"RU"}),
    ],
)
def test_each_sub_region_holds_its_countries(sub_region, countries):
    assert (
        set(Country.objects.filter(sub_region__code=sub_region).values_list("iso2", flat=True))
        == countries
    )


def test_kosovo_uses_the_user_assigned_codes_and_every_country_has_a_russian_name():
    kosovo = Country.objects.get(iso2="XK")
    assert (kosovo.iso3, kosovo.name_en, kosovo.name_ru) == ("XKX", "Kosovo", "Косово")
    assert not Country.objects.filter(name_ru="").exists()
    assert Country.objects.get(iso2="MK").map_name == "Macedonia"


def test_loading_the_reference_data_again_changes_nothing_and_adds_no_history():
    history_before = Country.history.count()
    report = reference_data_load()
    assert report.changed() == 0
    assert Country.history.count() == history_before


def test_a_changed_file_updates_the_record_and_history_keeps_the_old_name(tmp_path: Path):
    data = yaml.safe_load(GEOGRAPHY_FILE.read_text(encoding="utf-8"))
    for sub in data["sub_regions"]:
        for country in sub["countries"]:
            if country["iso2"] == "MD":
                country["name_en"] = "Republic of Moldova"
    changed = tmp_path / "geography.yaml"
    changed.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")

    report = geography_load(path=changed)

    assert report.changed() == 1
    moldova = Country.objects.get(iso2="MD")
    assert moldova.name_en == "Republic of Moldova"
    names = list(moldova.history.order_by("history_date").values_list("name_en", flat=True))
    assert names[-2:] == ["Moldova", "Republic of Moldova"]
