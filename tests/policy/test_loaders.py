"""The policy areas and the published facts: loaded from their files, idempotently, every
record with its source, and nothing the source does not state."""

from __future__ import annotations

import datetime as dt

import pytest

from factories import country
from hrmonitor.policy import selectors
from hrmonitor.policy.models import CountryFact, PolicyArea, PolicyStatus
from hrmonitor.policy.services import policy_areas_load, policy_facts_load

pytestmark = pytest.mark.django_db

GSHR_2020 = (
    "Harm Reduction International, Global State of Harm Reduction 2020 "
    "(as summarised at drugpolicyfacts.org/node/4173)"
)
REFERENCE_DATE = dt.date(2020, 1, 1)


def test_the_fourteen_policy_areas_load_with_english_and_russian_names_and_a_scale():
    policy_areas_load()
    assert PolicyArea.objects.count() == 14
    naloxone = PolicyArea.objects.get(code="naloxone-take-home")
    assert naloxone.name_en == "Take-home naloxone"  # type: ignore[attr-defined]
    assert naloxone.name_ru == "Налоксон на руки"  # type: ignore[attr-defined]
    assert naloxone.status_codes() == ["not_legal", "not_in_place", "partial_or_pilot", "in_place"]
    assert naloxone.yes_codes() == ["in_place"]
    assert all(a.name_ru and a.yes_codes() for a in PolicyArea.objects.all())  # type: ignore[attr-defined]


def test_loading_the_areas_and_facts_twice_changes_nothing_the_second_time():
    first = policy_areas_load()
    first = policy_facts_load(report=first)
    assert first.changed() > 0
    history = PolicyStatus.history.count()  # type: ignore[attr-defined]
    second = policy_areas_load()
    second = policy_facts_load(report=second)
    assert second.changed() == 0
    assert PolicyStatus.history.count() == history  # type: ignore[attr-defined]


def test_the_regional_statements_become_statuses_at_the_reference_date_with_their_source(facts):
    nsp, oat, naloxone = facts["nsp"], facts["oat"], facts["naloxone-take-home"]
    assert selectors.statuses_on(nsp, REFERENCE_DATE).count() == 29
    assert selectors.status_on(country("TM"), nsp, REFERENCE_DATE).status == "not_in_place"  # type: ignore[union-attr]
    assert selectors.status_on(country("BG"), nsp, REFERENCE_DATE).status == "not_in_place"  # type: ignore[union-attr]
    assert selectors.status_on(country("GE"), nsp, REFERENCE_DATE).status == "in_place"  # type: ignore[union-attr]
    in_place = selectors.statuses_on(oat, REFERENCE_DATE).filter(status="in_place").count()
    assert in_place == 26
    assert selectors.status_on(country("RU"), oat, REFERENCE_DATE).status == "not_in_place"  # type: ignore[union-attr]
    kazakhstan = selectors.status_on(country("KZ"), naloxone, REFERENCE_DATE)
    assert kazakhstan is not None and kazakhstan.status == "in_place"
    assert kazakhstan.source == GSHR_2020
    russia = selectors.status_on(country("RU"), naloxone, REFERENCE_DATE)
    assert russia is not None and russia.status == "partial_or_pilot"
    assert set(PolicyStatus.objects.values_list("source", flat=True)) == {GSHR_2020}


def test_nothing_is_invented_where_the_source_says_nothing(facts):
    naloxone = facts["naloxone-take-home"]
    # Only the five countries named have a take-home naloxone status; no other area has any.
    assert selectors.statuses_on(naloxone, REFERENCE_DATE).count() == 5
    assert selectors.status_on(country("GE"), naloxone, REFERENCE_DATE) is None
    assert set(PolicyStatus.objects.values_list("area__code", flat=True)) == {
        "nsp",
        "oat",
        "naloxone-take-home",
    }
    # Before the reference date nothing is known.
    assert selectors.status_on(country("KZ"), naloxone, dt.date(2019, 12, 31)) is None
    # Moldova's NSP and OAT sites are "—" in 2020, North Macedonia's estimate "nk" in 2018.
    assert not CountryFact.objects.filter(country=country("MD"), year=2020, key="nsp_sites")
    assert not CountryFact.objects.filter(country=country("MK"), key="pwid_estimate")


def test_country_facts_keep_the_published_text_and_their_source(facts):
    albania = CountryFact.objects.get(country=country("AL"), key="pwid_estimate", year=2020)
    assert albania.value == "5,132–6,182"
    assert "Global State of Harm Reduction 2020" in albania.source
    czech_2018 = CountryFact.objects.get(country=country("CZ"), key="nsp_sites", year=2018)
    assert czech_2018.value == "153"
    assert "Global State of Harm Reduction 2018" in czech_2018.source
    assert not CountryFact.objects.filter(source="").exists()


def test_every_fact_loaded_shows_its_value_and_source_on_the_country_page(client, facts):
    for iso2 in set(CountryFact.objects.values_list("country__iso2", flat=True)):
        page = client.get(f"/policy/countries/{iso2}/").content.decode()
        for fact in CountryFact.objects.filter(country__iso2=iso2):
            assert fact.value in page, (iso2, fact.key)
            assert fact.source in page, (iso2, fact.key)
        for status in PolicyStatus.objects.filter(country__iso2=iso2):
            assert status.source in page


def test_every_fact_loaded_shows_its_source_on_the_public_country_profile(client, facts):
    for iso2 in set(CountryFact.objects.values_list("country__iso2", flat=True)):
        page = client.get(f"/countries/{iso2}/").content.decode()
        section = page.split('id="facts"')[1].split("</section>")[0]
        for fact in CountryFact.objects.filter(country__iso2=iso2):
            assert fact.value in section and fact.source in section, (iso2, fact.key)
