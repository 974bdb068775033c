"""The register of service sites as monitors, focal points and the Secretariat use it: who sees
it and who keeps it, search (in Russian too) and filters, the download, the form, the import
of a list (every row or none, each problem with its row and column) and its re-import."""

from __future__ import annotations

import csv
import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from factories import OrganisationFactory, country
from hrmonitor.clm import services_sites
from hrmonitor.clm.models import ServiceSite, Submission

pytestmark = pytest.mark.django_db

SITES = reverse("clm:sites")
NEW = reverse("clm:site_new")
IMPORT = reverse("clm:sites_import")


def make_site(code: str, name: str, iso2: str, **fields) -> ServiceSite:  # type: ignore[no-untyped-def]
    fields.setdefault("kind", "nsp_fixed")
    return ServiceSite.objects.create(code=code, name=name, country=country(iso2), **fields)


@pytest.fixture
def register() -> dict[str, ServiceSite]:
    return {
        "almaty": make_site(
            "KZ-ALA-NSP1",
            "Пункт обмена шприцев «Доверие»",
            "KZ",
            locality="Алматы",
            services=["syringes", "naloxone"],
        ),
        "astana": make_site(
            "KZ-AST-OAT1",
            "Astana OAT site",
            "KZ",
            kind="oat",
            locality="Astana",
            services=["oat", "hcv_test"],
            status="suspended",
        ),
        "tbilisi": make_site(
            "GE-TBS-DIC1",
            "Tbilisi drop-in centre",
            "GE",
            kind="drop_in",
            locality="Tbilisi",
            services=["counselling"],
        ),
    }


def site_names(client, **params) -> set[str]:  # type: ignore[no-untyped-def]
    html = client.get(SITES, params).content.decode()
    return {s.name for s in ServiceSite.objects.all() if f">{s.name}</a>" in html}


def upload(name: str, text: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, text.encode(), content_type="text/csv")


# --- Who sees the register, who keeps it ----------------------------------------------------


@pytest.mark.parametrize(
    "persona",
    ["community_monitor", "focal_point_georgia", "focal_point_kazakhstan", "secretariat_admin"],
)
def test_the_register_is_open_to_everyone_taking_part_in_clm(personas, login, register, persona):
    client = login(personas[persona])

    assert client.get(SITES).status_code == 200
    assert client.get(reverse("clm:site", args=[register["almaty"].pk])).status_code == 200


@pytest.mark.parametrize("persona", ["member", "no_role", "evaluator"])
def test_the_register_is_refused_to_people_outside_clm(personas, login, register, persona):
    client = login(personas[persona])

    assert client.get(SITES).status_code == 403
    assert client.get(reverse("clm:site", args=[register["almaty"].pk])).status_code == 403
    assert client.get(reverse("clm:sites_export", args=["csv"])).status_code == 403


def test_anonymous_visitors_are_sent_to_sign_in(client, register):
    response = client.get(SITES)

    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_a_monitor_reads_the_register_but_cannot_change_it(personas, login, register):
    client = login(personas["community_monitor"])

    page = client.get(SITES).content.decode()
    site_page = client.get(reverse("clm:site", args=[register["almaty"].pk])).content.decode()

    assert NEW not in page and IMPORT not in page
    assert reverse("clm:site_edit", args=[register["almaty"].pk]) not in site_page
    assert client.get(NEW).status_code == 403
    assert client.get(IMPORT).status_code == 403
    assert client.get(reverse("clm:site_edit", args=[register["almaty"].pk])).status_code == 403


def test_an_empty_register_says_what_to_do(personas, login):
    page = login(personas["focal_point_georgia"]).get(SITES).content.decode()

    assert "No site yet. Add one or import a list." in page
    assert NEW in page and IMPORT in page


# --- Search, filters, download ----------------------------------------------------------------


def test_a_search_in_russian_finds_a_site_named_in_cyrillic(personas, login, register):
    client = login(personas["community_monitor"])

    assert site_names(client, q="доверие") == {"Пункт обмена шприцев «Доверие»"}
    assert site_names(client, q="АЛМАТЫ") == {"Пункт обмена шприцев «Доверие»"}
    assert site_names(client, q="kz-ast") == {"Astana OAT site"}


def test_a_search_finds_a_site_by_its_operator(personas, login, register):
    register["tbilisi"].operator = OrganisationFactory(name="Новый вектор")
    register["tbilisi"].save()

    client = login(personas["community_monitor"])

    assert site_names(client, q="вектор") == {"Tbilisi drop-in centre"}


def test_the_filters_narrow_the_list_and_the_count(personas, login, register):
    client = login(personas["secretariat_admin"])

    assert site_names(client, country="KZ") == {"Пункт обмена шприцев «Доверие»", "Astana OAT site"}
    assert site_names(client, kind="drop_in") == {"Tbilisi drop-in centre"}
    assert site_names(client, status="suspended") == {"Astana OAT site"}
    assert site_names(client, service="oat") == {"Astana OAT site"}
    assert site_names(client, service="naloxone", country="GE") == set()
    assert (
        '<p class="small" id="site-count" role="status">2 sites'
        in client.get(SITES, {"country": "KZ"}).content.decode()
    )
    assert "No site matches these filters." in client.get(SITES, {"q": "nowhere"}).content.decode()


def test_the_csv_download_has_the_import_columns_and_the_filtered_rows(personas, login, register):
    register["almaty"].latitude = Decimal("43.238949")
    register["almaty"].longitude = Decimal("76.889709")
    register["almaty"].hours = "Mon–Fri 9–18"
    register["almaty"].save()
    client = login(personas["focal_point_georgia"])

    response = client.get(reverse("clm:sites_export", args=["csv"]), {"country": "KZ"})

    text = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0] == [
        "code",
        "name",
        "type",
        "country",
        "province or city",
        "operator",
        "services",
        "hours",
        "latitude",
        "longitude",
        "status",
    ]
    assert sorted(r[0] for r in rows[1:]) == ["KZ-ALA-NSP1", "KZ-AST-OAT1"]
    almaty = next(r for r in rows if r[0] == "KZ-ALA-NSP1")
    assert almaty == [
        "KZ-ALA-NSP1",
        "Пункт обмена шприцев «Доверие»",
        "nsp_fixed",
        "KZ",
        "Алматы",
        "",
        "syringes;naloxone",
        "Mon–Fri 9–18",
        "43.238949",
        "76.889709",
        "active",
    ]


def test_the_xlsx_download_is_a_workbook(personas, login, register):
    response = login(personas["community_monitor"]).get(reverse("clm:sites_export", args=["xlsx"]))

    assert response.status_code == 200
    assert response.content[:2] == b"PK"
    assert login(personas["community_monitor"]).get("/clm/sites/export.pdf").status_code == 404


def test_the_list_keeps_a_fixed_query_count(
    personas, login, register, django_assert_max_num_queries
):
    client = login(personas["secretariat_admin"])
    client.get(SITES)
    with django_assert_max_num_queries(12) as first:
        client.get(SITES)
    operator = OrganisationFactory()
    for n in range(10):
        make_site(f"KG-BSK-{n}", f"Bishkek site {n}", "KG", operator=operator)

    with django_assert_max_num_queries(len(first.captured_queries)):
        client.get(SITES)


# --- The form -------------------------------------------------------------------------------


def site_data(**fields) -> dict[str, object]:  # type: ignore[no-untyped-def]
    data: dict[str, object] = {
        "code": "GE-BAT-NSP1",
        "name": "Batumi NSP",
        "kind": "nsp_fixed",
        "country": country("GE").pk,
        "locality": "Batumi",
        "services": ["syringes", "naloxone"],
        "hours": "Mon–Sat 10:00–19:00",
        "latitude": "41,6168",
        "longitude": "41.6367",
        "status": "active",
    }
    data.update(fields)
    return data


def test_a_focal_point_adds_a_site_in_their_country(personas, login):
    client = login(personas["focal_point_georgia"])
    form = client.get(NEW).content.decode()
    assert ">Georgia</option>" in form and ">Kazakhstan</option>" not in form

    response = client.post(NEW, site_data())

    created = ServiceSite.objects.get(code="GE-BAT-NSP1")
    assert response["Location"] == reverse("clm:site", args=[created.pk])
    assert created.services == ["syringes", "naloxone"]
    assert (created.latitude, created.longitude) == (Decimal("41.6168"), Decimal("41.6367"))
    assert created.history.get().history_user == personas["focal_point_georgia"]


def test_a_focal_point_cannot_add_a_site_in_another_country(personas, login):
    client = login(personas["focal_point_georgia"])

    response = client.post(NEW, site_data(code="KZ-ALA-NSP9", country=country("KZ").pk))

    assert response.status_code == 403
    assert not ServiceSite.objects.exists()


def test_a_focal_point_cannot_edit_another_countrys_site(personas, login, register):
    client = login(personas["focal_point_georgia"])
    almaty = register["almaty"]
    edit = reverse("clm:site_edit", args=[almaty.pk])

    assert client.get(edit).status_code == 403
    assert (
        client.post(edit, site_data(code=almaty.code, country=country("GE").pk)).status_code == 403
    )
    assert edit not in client.get(reverse("clm:site", args=[almaty.pk])).content.decode()
    almaty.refresh_from_db()
    assert almaty.country.iso2 == "KZ"


def test_a_focal_point_edits_a_site_of_their_country_and_the_page_shows_the_change(
    personas, login, register
):
    client = login(personas["focal_point_georgia"])
    tbilisi = register["tbilisi"]
    page = reverse("clm:site", args=[tbilisi.pk])
    assert reverse("clm:site_edit", args=[tbilisi.pk]) in client.get(page).content.decode()

    client.post(
        reverse("clm:site_edit", args=[tbilisi.pk]),
        site_data(code=tbilisi.code, name=tbilisi.name, kind="drop_in", status="closed"),
    )

    tbilisi.refresh_from_db()
    assert tbilisi.status == "closed"
    changes = client.get(page).content.decode().split('id="site-changes"')[1]
    assert "focal_point_georgia" in changes and "status" in changes


def test_the_form_refuses_a_taken_code_and_half_coordinates(personas, login, register):
    client = login(personas["secretariat_admin"])

    taken = client.post(NEW, site_data(code="kz-ala-nsp1")).content.decode()
    half = client.post(NEW, site_data(longitude="")).content.decode()
    out_of_range = client.post(NEW, site_data(latitude="95")).content.decode()

    assert "Another site already has the code" in taken
    assert "Give both the latitude and the longitude, or neither." in half
    assert "less than or equal to 90" in out_of_range
    assert not ServiceSite.objects.filter(code__iexact="GE-BAT-NSP1").exists()


def test_the_site_page_shows_its_submissions_and_links(personas, login, register):
    almaty = register["almaty"]
    for n in range(3):
        Submission.objects.create(
            site=almaty,
            country=almaty.country,
            instance_id=f"uuid:{n}",
            raw=b"<data/>",
            raw_sha256="0" * 64,
        )
    almaty.latitude, almaty.longitude = Decimal("43.238949"), Decimal("76.889709")
    almaty.save()

    html = (
        login(personas["focal_point_kazakhstan"])
        .get(reverse("clm:site", args=[almaty.pk]))
        .content.decode()
    )

    assert '<p id="site-submissions">3 submissions received.</p>' in html
    assert f"{reverse('clm:submissions')}?site={almaty.pk}" in html
    assert reverse("clm:site_scorecard", args=[almaty.pk]) in html
    assert "43.238949, 76.889709" in html
    assert "openstreetmap" not in html.lower()


# --- Import ---------------------------------------------------------------------------------

RUSSIAN_LIST = "\n".join(
    [
        "код,название,тип,страна,область или город,услуги,часы работы,широта,долгота,статус",
        "KG-BSK-NSP1,Пункт «Маяк»,Аптека,Кыргызстан,Бишкек,иглы и шприцы; налоксон,"
        'пн–пт 9–18,"42,8746","74,5698",',
        "KG-BSK-OAT1,Пункт ОЗТ №1,Пункт опиоидной агонистической терапии,KGZ,Бишкек,oat,,,,"
        "Приостановлен",
        "KG-OSH-DIC1,Drop-in Ош,drop_in,Kyrgyzstan,Ош,Counselling and psychosocial support,,,,",
        "",
    ]
)


def test_importing_a_list_with_russian_headers_and_labels(personas, login):
    client = login(personas["secretariat_admin"])

    page = client.post(IMPORT, {"file": upload("sites.csv", RUSSIAN_LIST)}).content.decode()

    assert 'id="import-summary"' in page
    assert "3 sites created" in page
    sites = {s.code: s for s in ServiceSite.objects.all()}
    assert set(sites) == {"KG-BSK-NSP1", "KG-BSK-OAT1", "KG-OSH-DIC1"}
    assert sites["KG-BSK-NSP1"].kind == "pharmacy"
    assert sites["KG-BSK-NSP1"].services == ["syringes", "naloxone"]
    assert sites["KG-BSK-NSP1"].latitude == Decimal("42.8746")
    assert sites["KG-BSK-OAT1"].kind == "oat"
    assert sites["KG-BSK-OAT1"].status == "suspended"
    assert sites["KG-OSH-DIC1"].services == ["counselling"]
    assert {s.country.iso2 for s in sites.values()} == {"KG"}


def test_a_list_with_bad_rows_writes_nothing_and_reports_each_problem(personas, login):
    client = login(personas["secretariat_admin"])
    bad = (
        RUSSIAN_LIST.replace(",KGZ,", ",Нарния,").replace(  # row 3
            "Ош,Counselling and psychosocial support,,,,", "Ош,,,север,74.1,"
        )  # row 4
    )

    page = client.post(IMPORT, {"file": upload("sites.csv", bad)}).content.decode()

    assert not ServiceSite.objects.exists()
    assert "Nothing was imported: 2 problems." in page
    problems = page.split('id="import-problems"')[1].split("</table>")[0]
    assert "<td>3</td><td><code>страна</code></td>" in problems and "Нарния" in problems
    assert "<td>4</td><td><code>широта</code></td>" in problems and "север" in problems


def test_a_bad_latitude_and_an_unknown_country_are_refused_in_english_files_too(personas, tmp_path):
    text = (
        "code,name,type,country,latitude,longitude\n"
        "A-1,Site A,oat,Kazakhstan,43.2,76.9\n"
        "A-2,Site B,oat,Atlantis,43.2,76.9\n"
        "A-3,Site C,oat,KZ,123,76.9\n"
        "A-4,Site D,oat,KZ,43.2,\n"
        "A-1,Site A again,oat,KZ,,\n"
    )
    path = tmp_path / "list.csv"
    path.write_text(text, encoding="utf-8")

    outcome = services_sites.sites_import(
        user=personas["secretariat_admin"], path=path, filename="list.csv"
    )

    found = [(p.line, p.column) for p in outcome.problems]
    assert found == [
        (3, "country"),
        (4, "latitude"),
        (5, "longitude"),
        (6, "code"),
    ]
    assert not ServiceSite.objects.exists()


def test_a_focal_point_imports_only_their_countrys_sites(personas, login):
    client = login(personas["focal_point_georgia"])
    text = "code,name,type,country\nGE-1,Tbilisi NSP,nsp_fixed,GE\nKZ-1,Almaty NSP,nsp_fixed,KZ\n"

    page = client.post(IMPORT, {"file": upload("sites.csv", text)}).content.decode()

    assert not ServiceSite.objects.exists()
    problems = page.split('id="import-problems"')[1].split("</table>")[0]
    assert "<td>3</td><td><code>country</code></td>" in problems
    assert "<td>2</td>" not in problems


def test_importing_the_list_again_updates_the_sites_it_names(personas, login):
    client = login(personas["secretariat_admin"])
    client.post(IMPORT, {"file": upload("sites.csv", RUSSIAN_LIST)})
    history_rows = ServiceSite.history.count()

    again = client.post(IMPORT, {"file": upload("sites.csv", RUSSIAN_LIST)}).content.decode()
    assert "3 sites unchanged" in again
    assert ServiceSite.history.count() == history_rows  # nothing written

    changed = RUSSIAN_LIST.replace("Пункт «Маяк»", "Пункт «Маяк» (новый адрес)").replace(
        "Приостановлен", "active"
    )
    page = client.post(IMPORT, {"file": upload("sites.csv", changed)}).content.decode()

    assert "2 sites updated" in page and "0 sites created" in page
    assert ServiceSite.objects.count() == 3
    assert ServiceSite.objects.get(code="KG-BSK-NSP1").name == "Пункт «Маяк» (новый адрес)"
    assert ServiceSite.objects.get(code="KG-BSK-OAT1").status == "active"


def test_a_file_that_cannot_be_read_is_refused_with_a_reason(personas, login):
    client = login(personas["secretariat_admin"])

    wrong_type = client.post(IMPORT, {"file": upload("sites.pdf", "%PDF")}).content.decode()
    no_code = client.post(
        IMPORT, {"file": upload("sites.csv", "name,type,country\nA,oat,KZ\n")}
    ).content.decode()

    assert "Upload a CSV or XLSX file." in wrong_type
    assert "The header row has no column code." in no_code


def test_a_downloaded_list_imports_back_unchanged(personas, login, register):
    client = login(personas["secretariat_admin"])
    download = client.get(reverse("clm:sites_export", args=["xlsx"]))

    page = client.post(
        IMPORT, {"file": SimpleUploadedFile("sites.xlsx", download.content)}
    ).content.decode()

    assert "3 sites unchanged" in page


# --- In Russian ---------------------------------------------------------------------------


def test_the_register_pages_render_in_russian(personas, login, register):
    client = login(personas["focal_point_kazakhstan"])
    almaty = register["almaty"]
    urls = [
        SITES,
        reverse("clm:site", args=[almaty.pk]),
        reverse("clm:site_edit", args=[almaty.pk]),
        NEW,
        IMPORT,
    ]

    for url in urls:
        response = client.get(url, HTTP_ACCEPT_LANGUAGE="ru")
        assert response.status_code == 200, url
        html = response.content.decode()
        assert '<html lang="ru">' in html
        assert "Мониторинг силами сообщества" in html


def test_the_import_problems_are_reported_in_russian(personas, login):
    client = login(personas["secretariat_admin"])
    bad = RUSSIAN_LIST.replace(",KGZ,", ",Нарния,")

    response = client.post(IMPORT, {"file": upload("sites.csv", bad)}, HTTP_ACCEPT_LANGUAGE="ru")

    html = response.content.decode()
    assert response.status_code == 200 and '<html lang="ru">' in html
    assert "<code>страна</code>" in html and "Нарния" in html
    assert not ServiceSite.objects.exists()
