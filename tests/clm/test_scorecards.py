"""Scorecard pages with real data: an XLSForm uploaded, its questions scored, submissions
received as ODK Collect sends them. What a reader sees: no score below 5 respondents, the
right score and colour from 5, "don't know" and rejected submissions not counted, the raise
button only for those who run CLM in the site's country, the comparison of sites and
countries, Russian labels; who may open the pages; the public country summary."""

from __future__ import annotations

import datetime as dt
import itertools
import re

import pytest
from django.utils import timezone

from factories import country
from hrmonitor.clm import openrosa, scorecards, services
from hrmonitor.clm.models import Form, Project, ServiceSite, SiteKind, Submission

pytestmark = pytest.mark.django_db

XLSFORM = """
| survey |
|        | type | name | label::English (en) | label::Russian (ru) |
|        | today | today | | |
|        | select_one_from_file sites.csv | site | Site | Пункт |
|        | select_one freq | stockout | Syringe stock-outs | Нехватка шприцев |
|        | select_one agree | respect | Staff respect me | Персонал уважает меня |
| choices |
|         | list_name | name | label::English (en) | label::Russian (ru) |
|         | freq | never | Never | Никогда |
|         | freq | often | Often | Часто |
|         | freq | dont_know | Don't know | Не знаю |
|         | agree | 1 | Disagree | Не согласен |
|         | agree | 5 | Agree | Согласен |
| settings |
|          | form_id | version |
|          | tform | 1 |
"""

_ids = itertools.count(1)


@pytest.fixture
def almaty(db) -> ServiceSite:
    return ServiceSite.objects.create(
        code="KZ-ALA-1", name="Almaty NSP 1", kind=SiteKind.NSP_FIXED, country=country("KZ")
    )


@pytest.fixture
def astana(db) -> ServiceSite:
    return ServiceSite.objects.create(
        code="KZ-AST-1", name="Astana OAT site", kind=SiteKind.OAT, country=country("KZ")
    )


@pytest.fixture
def tbilisi(db) -> ServiceSite:
    return ServiceSite.objects.create(
        code="GE-TBS-1", name="Tbilisi drop-in", kind=SiteKind.DROP_IN, country=country("GE")
    )


@pytest.fixture
def project(personas, almaty) -> Project:
    project = Project.objects.create(name="Almaty monitors", country=country("KZ"))
    project.monitors.add(personas["community_monitor"])
    return project


@pytest.fixture
def form(personas, project) -> Form:
    upload = services.form_upload(
        user=personas["secretariat_admin"],
        content=XLSFORM.encode(),
        filename="t.md",
        projects=[project],
    )
    form = upload.version.form
    services.score_items_set(
        user=personas["secretariat_admin"],
        form=form,
        items=[
            {
                "question": "stockout",
                "dimension": "availability",
                "choice_scores": {"never": 100, "often": 0},
            },
            {
                "question": "respect",
                "dimension": "acceptability",
                "choice_scores": {"1": 0, "5": 100},
            },
        ],
    )
    return form


def send(
    project: Project,
    monitor,
    *,
    stockout: str = "never",
    respect: str = "5",
    site: str = "KZ-ALA-1",
    day: str = "2026-10-01",
) -> Submission:
    xml = (
        f'<data id="tform" version="1"><today>{day}</today><site>{site}</site>'
        f"<stockout>{stockout}</stockout><respect>{respect}</respect>"
        f"<meta><instanceID>uuid:{next(_ids)}</instanceID></meta></data>"
    ).encode()
    intake = services.submission_receive(xml=xml, project=project, user=monitor)
    assert intake.status == 201, intake.message
    assert intake.submission is not None
    return intake.submission


def four(project: Project, monitor) -> None:
    """Stock-outs never, never, never, often (75.0); respect 5, 5, 1, 1 (50.0)."""
    for stockout, respect in (("never", "5"), ("never", "5"), ("never", "1"), ("often", "1")):
        send(project, monitor, stockout=stockout, respect=respect)


def site_page(client, site: ServiceSite, period: str = "2026") -> str:
    response = client.get(f"/clm/scorecards/sites/{site.pk}/", {"period": period})
    assert response.status_code == 200
    return response.content.decode()


def question_row(page: str, question: str) -> str:
    match = re.search(rf'<tr data-question="{question}">(.*?)</tr>', page, re.S)
    assert match, question
    return match.group(1)


def dimension_card(page: str, dimension: str) -> str:
    match = re.search(rf'data-dimension="{dimension}">(.*?)</div></div></div>', page, re.S)
    assert match, dimension
    return match.group(1)


def test_with_four_respondents_no_score_is_shown(personas, login, form, project, almaty):
    four(project, personas["community_monitor"])
    page = site_page(login(personas["focal_point_kazakhstan"]), almaty)
    assert "fewer than 5 respondents" in dimension_card(page, "availability")
    assert "fewer than 5" in question_row(page, "stockout")
    assert "75.0" not in page and "50.0" not in page  # the scores computed from four people
    assert "Raise with a duty-bearer" not in page


def test_with_five_respondents_the_scores_and_colours_appear(
    personas, login, form, project, almaty
):
    monitor = personas["community_monitor"]
    four(project, monitor)
    send(project, monitor, stockout="often", respect="1")
    page = site_page(login(personas["focal_point_kazakhstan"]), almaty)
    availability = dimension_card(page, "availability")
    assert "60.0" in availability and "Needs improvement" in availability
    assert "5 respondents" in availability
    acceptability = dimension_card(page, "acceptability")
    assert "40.0" in acceptability and "Poor" in acceptability
    stockout = question_row(page, "stockout")
    assert "Syringe stock-outs" in stockout and "60.0" in stockout and "table-warning" in stockout
    respect = question_row(page, "respect")
    assert "40.0" in respect and "table-danger" in respect and "(Poor)" in respect
    assert "50.0" in page  # overall: the mean of 60 and 40
    assert 'data-scorecard-trend="form-' in page  # 2026Q4 has five respondents: a trend


def test_thresholds_of_the_form_decide_the_colour(personas, login, form, project, almaty):
    monitor = personas["community_monitor"]
    four(project, monitor)
    send(project, monitor, stockout="often", respect="1")
    Form.objects.filter(pk=form.pk).update(green_from=60, amber_from=30)
    page = site_page(login(personas["focal_point_kazakhstan"]), almaty)
    assert "Good" in dimension_card(page, "availability")  # 60.0
    assert "Needs improvement" in dimension_card(page, "acceptability")  # 40.0


def test_dont_know_is_not_counted(personas, login, form, project, almaty):
    monitor = personas["community_monitor"]
    four(project, monitor)
    send(project, monitor, stockout="dont_know", respect="5")
    page = site_page(login(personas["focal_point_kazakhstan"]), almaty)
    # Stock-outs: still four answers; respect: five (5, 5, 1, 1, 5) = 60.0.
    assert "fewer than 5" in question_row(page, "stockout")
    assert "60.0" in question_row(page, "respect")


def test_flagged_and_excluded_submissions_are_not_counted(personas, login, form, project, almaty):
    monitor = personas["community_monitor"]
    four(project, monitor)
    extra = send(project, monitor, stockout="often", respect="1")
    reviewer = personas["focal_point_kazakhstan"]
    services.submission_review(
        user=reviewer, submission=extra, review="excluded", note="Interviewed twice"
    )
    page = site_page(login(reviewer), almaty)
    assert "fewer than 5 respondents" in dimension_card(page, "availability")
    services.submission_review(user=reviewer, submission=extra, review="approved")
    assert "60.0" in dimension_card(site_page(login(reviewer), almaty), "availability")
    services.submission_review(user=reviewer, submission=extra, review="flagged", note="Check")
    assert "60.0" not in site_page(login(reviewer), almaty)


def test_the_period_decides_which_submissions_count(personas, login, form, project, almaty):
    monitor = personas["community_monitor"]
    four(project, monitor)
    send(project, monitor, stockout="often", respect="1", day="2026-04-15")
    client = login(personas["focal_point_kazakhstan"])
    assert "60.0" in dimension_card(site_page(client, almaty, "2026"), "availability")
    assert "fewer than 5" in dimension_card(site_page(client, almaty, "2026Q4"), "availability")
    # The default, the last four quarters up to today, is used for a bad key (with a warning).
    page = site_page(client, almaty, "2026Q9")
    assert "This is not a period" in page


def test_the_default_period_is_the_last_four_quarters(personas, login, form, project, almaty):
    monitor = personas["community_monitor"]
    today = timezone.localdate().isoformat()
    for _ in range(5):
        send(project, monitor, stockout="never", day=today)
    page = (
        login(personas["community_monitor"])
        .get(f"/clm/scorecards/sites/{almaty.pk}/")
        .content.decode()
    )
    assert "100.0" in dimension_card(page, "availability")
    assert "Last 4 quarters" in page


def test_a_red_item_offers_raising_to_the_countrys_focal_point_only(
    personas, login, form, project, almaty
):
    monitor = personas["community_monitor"]
    four(project, monitor)
    send(project, monitor, stockout="often", respect="1")
    page = site_page(login(personas["focal_point_kazakhstan"]), almaty)
    button = re.search(r'href="(/clm/escalations/new/\?[^"]+)"', question_row(page, "respect"))
    assert button and "Raise with a duty-bearer" in question_row(page, "respect")
    assert "Raise with a duty-bearer" not in question_row(page, "stockout")  # amber, not red
    link = button.group(1).replace("&amp;", "&")
    assert f"site={almaty.pk}" in link and "question=respect" in link and "score=40.0" in link
    new = login(personas["focal_point_kazakhstan"]).get(link).content.decode()
    assert "Staff respect me at Almaty NSP 1" in new
    assert 'value="2026"' in new and 'value="40.0"' in new
    for other in ("focal_point_georgia", "community_monitor"):
        assert "Raise with a duty-bearer" not in site_page(login(personas[other]), almaty)


def test_the_country_scorecard_compares_its_sites(personas, login, form, project, almaty, astana):
    monitor = personas["community_monitor"]
    four(project, monitor)
    send(project, monitor, stockout="often", respect="1")
    for _ in range(2):
        send(project, monitor, site="KZ-AST-1", stockout="never", respect="5")
    response = login(personas["community_monitor"]).get(
        "/clm/scorecards/countries/KZ/", {"period": "2026"}
    )
    assert response.status_code == 200
    page = response.content.decode()
    table = page[page.index('data-comparison="sites"') :]
    table = table[: table.index("</table>")]
    almaty_row = table[table.index("Almaty NSP 1") :]
    almaty_row = almaty_row[: almaty_row.index("</tr>")]
    assert "60.0" in almaty_row and "40.0" in almaty_row and "50.0" in almaty_row
    astana_row = table[table.index("Astana OAT site") :]
    astana_row = astana_row[: astana_row.index("</tr>")]
    assert "fewer than 5" in astana_row and "100.0" not in astana_row
    # The country as a whole: 7 respondents, stock-outs 5 of 7 never = 71.4.
    assert "71.4" in question_row(page, "stockout")
    assert "Raise with a duty-bearer" not in page  # a monitor does not raise


def test_the_regional_page_compares_countries(personas, login, form, project, almaty, tbilisi):
    monitor = personas["community_monitor"]
    four(project, monitor)
    send(project, monitor, stockout="often", respect="1")
    ge = Project.objects.create(name="Tbilisi monitors", country=country("GE"))
    ge.monitors.add(monitor)
    form.projects.add(ge)
    send(ge, monitor, site="GE-TBS-1")
    page = (
        login(personas["focal_point_georgia"])
        .get("/clm/scorecards/", {"period": "2026", "form": form.pk})
        .content.decode()
    )
    countries = page[page.index('data-comparison="countries"') :]
    countries = countries[: countries.index("</table>")]
    assert "/clm/scorecards/countries/KZ/?period=2026" in countries
    assert "/clm/scorecards/countries/GE/?period=2026" in countries
    assert f"/clm/scorecards/sites/{tbilisi.pk}/?period=2026" in page
    assert f"/clm/scorecards/sites/{almaty.pk}/?period=2026" in page


def test_labels_are_in_the_readers_language(personas, login, form, project, almaty):
    monitor = personas["community_monitor"]
    four(project, monitor)
    send(project, monitor, stockout="often", respect="1")
    page = (
        login(personas["focal_point_kazakhstan"])
        .get(f"/clm/scorecards/sites/{almaty.pk}/", {"period": "2026"}, HTTP_ACCEPT_LANGUAGE="ru")
        .content.decode()
    )
    assert '<html lang="ru">' in page
    assert "Мониторинг силами сообщества" in page
    assert "Нехватка шприцев" in page and "Персонал уважает меня" in page
    assert "Syringe stock-outs" not in page
    assert "60,0" in question_row(page, "stockout")  # Russian decimal comma
    assert "Казахстан" in page


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("secretariat_admin", 200),
        ("focal_point_georgia", 200),
        ("community_monitor", 200),
        ("member", 403),
        ("no_role", 403),
        ("case_documenter", 403),
    ],
)
def test_who_may_read_scorecards(personas, login, almaty, persona, status):
    client = login(personas[persona])
    for url in (
        "/clm/scorecards/",
        f"/clm/scorecards/sites/{almaty.pk}/",
        "/clm/scorecards/countries/KZ/",
    ):
        assert client.get(url).status_code == status, url


def test_signed_out_readers_are_sent_to_sign_in(client, almaty):
    assert client.get("/clm/scorecards/").status_code == 302
    assert client.get(f"/clm/scorecards/sites/{almaty.pk}/").status_code == 302


def test_unknown_sites_and_countries_are_not_found(personas, login):
    client = login(personas["focal_point_kazakhstan"])
    assert client.get("/clm/scorecards/sites/999999/").status_code == 404
    assert client.get("/clm/scorecards/countries/ZZ/").status_code == 404


def test_the_site_page_lists_the_sites_escalations(personas, login, form, project, almaty):
    from hrmonitor.clm import services_escalations

    services_escalations.escalation_save(
        user=personas["focal_point_kazakhstan"],
        title="Respect at the Almaty site",
        country=country("KZ"),
        site=almaty,
        status="raised",
        duty_bearer="Site manager",
        raised_on=timezone.localdate() - dt.timedelta(days=40),
    )
    page = site_page(login(personas["focal_point_kazakhstan"]), almaty)
    assert "Respect at the Almaty site" in page and "Overdue" in page
    assert "Respect at the Almaty site" not in site_page(
        login(personas["community_monitor"]), almaty
    )


@pytest.mark.parametrize("page", ["site", "country", "region"])
def test_scorecard_pages_cost_a_fixed_number_of_queries(
    personas, login, form, project, almaty, astana, django_assert_max_num_queries, page
):
    url = {
        "site": f"/clm/scorecards/sites/{almaty.pk}/",
        "country": "/clm/scorecards/countries/KZ/",
        "region": "/clm/scorecards/",
    }[page]
    monitor = personas["community_monitor"]
    four(project, monitor)
    client = login(personas["focal_point_kazakhstan"])
    client.get(url, {"period": "2026"})
    with django_assert_max_num_queries(16) as few:
        assert client.get(url, {"period": "2026"}).status_code == 200
    for _ in range(6):
        send(project, monitor)
        send(project, monitor, site="KZ-AST-1", day="2026-03-03")
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(url, {"period": "2026"})


def test_the_country_summary_for_the_public_profile(personas, form, project, almaty):
    monitor = personas["community_monitor"]
    assert scorecards.country_summary(country("KZ"), "2026") is None
    four(project, monitor)
    summary = scorecards.country_summary(country("KZ"), "2026")
    assert summary is not None
    assert (summary["sites"], summary["respondents"]) == (1, 4)
    assert summary["forms"][0]["dimensions"] == []  # nothing reaches five respondents
    assert summary["forms"][0]["overall"] is None
    send(project, monitor, stockout="often", respect="1")
    summary = scorecards.country_summary(country("KZ"), "2026")
    assert summary is not None
    dimensions = {
        d["key"]: (d["score"], d["colour"], d["n"]) for d in summary["forms"][0]["dimensions"]
    }
    assert dimensions == {"availability": (60.0, "amber", 5), "acceptability": (40.0, "red", 5)}
    assert summary["forms"][0]["overall"] == 50.0
    assert scorecards.country_summary(country("GE"), "2026") is None
    assert scorecards.country_summary(country("KZ"), "2025") is None


def test_the_country_summary_prefers_the_default_forms(personas, form, project, almaty):
    monitor = personas["community_monitor"]
    four(project, monitor)
    send(project, monitor)
    shipped = Form.objects.select_related("current_version").get(
        xml_form_id="clm_client_experience"
    )
    assert shipped.xml_form_id in scorecards.default_form_ids()
    shipped.projects.add(project)
    for number in range(5):
        answers = {
            "today": "2026-10-02",
            "consent": "yes",
            "site": "KZ-ALA-1",
            "availability/syringes_stockout": "sometimes",
        }
        xml = openrosa.build_instance(
            shipped.xml_form_id, shipped.current_version.version, answers, f"uuid:shipped-{number}"
        )
        assert services.submission_receive(xml=xml, project=project, user=monitor).status == 201
    summary = scorecards.country_summary(country("KZ"), "2026")
    assert summary is not None
    assert [f["form_id"] for f in summary["forms"]] == ["clm_client_experience"]
    assert summary["forms"][0]["dimensions"][0]["score"] == 50.0
    assert (summary["sites"], summary["respondents"]) == (1, 5)
