"""The funding tracker as people use it: a focal point records an amount in local currency,
the country profile shows it in US dollars with the domestic share and the gap to need, the
comparison page and its downloads list it, and the Secretariat sets the exchange rates."""

from __future__ import annotations

import csv
import datetime as dt
import io
from decimal import Decimal

import pytest

from factories import country
from hrmonitor.policy import services
from hrmonitor.policy.models import FundingRecord

pytestmark = pytest.mark.django_db


@pytest.fixture
def funded(personas, areas):  # type: ignore[no-untyped-def]
    admin = personas["secretariat_admin"]
    kz = country("KZ")
    services.exchange_rate_save(
        user=admin, currency="KZT", year=2024, usd_per_unit=Decimal("0.002"), source="NBK"
    )
    services.funding_record_create(
        user=admin,
        country=kz,
        year=2024,
        source_category="domestic_national",
        funder="Ministry of Health",
        amount=Decimal(150_000_000),
        currency="KZT",
        source="Republican budget law 2024",
    )  # 300,000 USD
    services.funding_record_create(
        user=admin,
        country=kz,
        year=2024,
        source_category="global_fund",
        amount=Decimal(700_000),
        source="Global Fund grant KAZ-H-2024",
    )
    services.funding_need_save(
        user=admin, country=kz, year=2024, amount=Decimal(2_000_000), source="National costing"
    )
    return kz


def test_a_focal_point_records_funding_in_local_currency(personas, login, areas):
    client = login(personas["focal_point_kazakhstan"])
    form = client.get("/policy/funding/record/?country=KZ").content.decode()
    assert 'name="amount"' in form and "Kazakhstan" in form and "Georgia" not in form
    response = client.post(
        "/policy/funding/record/",
        {
            "country": country("KZ").pk,
            "year": 2024,
            "source_category": "domestic_municipal",
            "funder": "Almaty city",
            "programme_area": "nsp",
            "amount": "12500000",
            "currency": "kzt",
            "source": "City budget decision No. 5",
        },
    )
    assert response.status_code == 302 and response["Location"].endswith("/countries/KZ/#funding")
    saved = FundingRecord.objects.get()
    assert (saved.currency, saved.amount, saved.entered_by) == (
        "KZT",
        Decimal(12_500_000),
        personas["focal_point_kazakhstan"],
    )


def test_an_unsourced_amount_is_refused_and_nothing_is_saved(personas, login, areas):
    client = login(personas["focal_point_kazakhstan"])
    page = client.post(
        "/policy/funding/record/",
        {
            "country": country("KZ").pk,
            "year": 2024,
            "source_category": "global_fund",
            "programme_area": "all",
            "amount": "100",
            "currency": "USD",
        },
    ).content.decode()
    assert "Say where the figure comes from" in page
    assert not FundingRecord.objects.exists()


def test_the_profile_shows_usd_totals_share_and_gap(client, funded):
    page = client.get("/countries/KZ/").content.decode()
    section = page.split('id="funding"')[1].split("</section>")[0]
    assert "1,000,000" in section  # total: 300,000 + 700,000 USD
    assert "30.0 %" in section  # domestic share
    assert "1,000,000" in section.split("Gap to need")[1]  # 2,000,000 − 1,000,000
    assert "Republican budget law 2024" in section
    assert 'id="funding-country-data"' in section


def test_a_missing_rate_is_flagged_not_guessed(client, personas, funded):
    services.funding_record_create(
        user=personas["secretariat_admin"],
        country=funded,
        year=2023,
        source_category="domestic_national",
        amount=Decimal(1000),
        currency="KZT",
        source="x",
    )
    page = client.get("/countries/KZ/").content.decode()
    row_2023 = page.split('<th scope="row">2023')[1].split("</tr>")[0]
    assert "no rate: KZT" in row_2023
    assert row_2023.count("—") >= 3  # share, need and gap unknown


def test_the_comparison_page_and_its_download(client, funded):
    page = client.get("/policy/funding/", {"year": "2024"}).content.decode()
    assert "Kazakhstan" in page and "30.0 %" in page
    download = client.get("/policy/funding.csv", {"year": "2024"})
    rows = list(csv.reader(io.StringIO(b"".join(download.streaming_content).decode("utf-8-sig"))))
    kz = next(r for r in rows if "KZ" in r)
    assert kz[4:8] == ["1000000.00", "300000.00", "700000.00", "30.0"]


def test_the_empty_comparison_says_so(client, areas):
    page = client.get("/policy/funding/").content.decode()
    assert "No funding is recorded yet." in page


def test_only_the_secretariat_sets_exchange_rates(personas, login, areas):
    focal = login(personas["focal_point_kazakhstan"])
    assert 'name="usd_per_unit"' not in focal.get("/policy/funding/rates/").content.decode()
    assert focal.post("/policy/funding/rates/", {}).status_code == 403
    admin = login(personas["secretariat_admin"])
    response = admin.post(
        "/policy/funding/rates/",
        {"currency": "GEL", "year": 2024, "usd_per_unit": "0.37", "source": "NBG average"},
    )
    assert response.status_code == 302
    assert "NBG average" in admin.get("/policy/funding/rates/").content.decode()


def test_every_funding_record_downloads_with_its_usd_value(client, funded):
    download = client.get("/policy/funding/records.csv")
    rows = list(csv.reader(io.StringIO(b"".join(download.streaming_content).decode("utf-8-sig"))))
    kzt = next(r for r in rows if "KZT" in r)
    assert kzt[2] == "2024" and kzt[6] == "150000000.00" and kzt[8] == "300000.00"
    assert kzt[10] == "Republican budget law 2024"


def test_the_statuses_on_a_date_download(client, personas, areas):
    admin = personas["secretariat_admin"]
    for status, date in (("not_in_place", "2019-01-01"), ("in_place", "2024-05-15")):
        services.policy_status_record(
            user=admin,
            country=country("KZ"),
            area=areas["naloxone-take-home"],
            status=status,
            valid_from=dt.date.fromisoformat(date),
            source="Gazette",
        )

    def kz(date: str) -> list[str]:
        download = client.get("/policy/statuses.csv", {"date": date})
        text = b"".join(download.streaming_content).decode("utf-8-sig")
        return next(r for r in csv.reader(io.StringIO(text)) if "KZ" in r)

    assert kz("2023-12-31")[6] == "not_in_place"
    assert kz("2024-06-01")[6:8] == ["in_place", "2024-05-15"]
