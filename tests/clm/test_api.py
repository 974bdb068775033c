"""The CLM API: every endpoint called as every persona (and anonymously) answers by the access
matrix of the pages; the filters and pages of each list; a monitor sees what they sent, a
Georgian focal point no Kazakh submission; the raw XML only for those who run CLM in the
submission's country; scorecards under the minimum-respondents rule exactly as the pages
(no number computed from four people appears anywhere); labels in the request's language; the
OpenAPI document describes it all."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from decimal import Decimal
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from clm.conftest import SMALL_FORM, instance_xml
from factories import country, user_with_role
from hrmonitor.clm import scorecards, services
from hrmonitor.clm.models import (
    Form,
    Project,
    PwidEstimate,
    ServiceSite,
    Submission,
)
from hrmonitor.clm.services_efficiency import delivery_save
from hrmonitor.clm.services_escalations import escalation_save
from hrmonitor.core.roles import Role
from hrmonitor.core.services import api_token_create
from hrmonitor.framework import periods

pytestmark = pytest.mark.django_db

API = "/api/v1/clm"
EVERYONE = [
    "secretariat_admin",
    "focal_point_kazakhstan",
    "focal_point_georgia",
    "community_monitor",
    "member",
    "no_role",
    "anonymous",
]
PARTICIPANTS = {"secretariat_admin", "focal_point_kazakhstan", "focal_point_georgia"} | {
    "community_monitor"
}
REVIEWERS = {"secretariat_admin", "focal_point_kazakhstan", "focal_point_georgia"}
GEORGIAN_FORM = SMALL_FORM.replace(b"| tform | 1 | Test form |", b"| gform | 1 | Georgian form |")
TODAY = timezone.localdate()


def headers(personas, persona: str) -> dict[str, str]:  # type: ignore[no-untyped-def]
    if persona == "anonymous":
        return {}
    token = api_token_create(user=personas[persona], name="script")[1]
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


def receive(xml: bytes, *, project: Project, user: Any, files: tuple[Any, ...] = ()) -> Submission:
    intake = services.submission_receive(xml=xml, files=files, project=project, user=user)
    assert intake.status == 201, intake.message
    assert intake.submission is not None
    return intake.submission


@pytest.fixture
def world(personas, clm_setup) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    """Kazakhstan: the Almaty project (the community monitor and a second monitor), sites
    KZ-ALA-1 (fixed NSP) and KZ-ALA-2 (a closed OAT site), the form `tform` scored (syringes
    in stock: yes 90, no 20), a submission with a photo from each monitor (the second's
    edited once). Georgia: a project with its own monitor and form `gform`, a suspended
    drop-in site GE-TBS-1, one submission."""
    kz, ge = country("KZ"), country("GE")
    project, monitor, form = clm_setup["project"], clm_setup["monitor"], clm_setup["form"]
    ServiceSite.objects.create(
        code="KZ-ALA-2", name="Almaty OAT", kind="oat", country=kz, status="closed"
    )
    ServiceSite.objects.create(
        code="GE-TBS-1",
        name="Tbilisi drop-in",
        kind="drop_in",
        country=ge,
        locality="Tbilisi",
        status="suspended",
        services=["syringes", "naloxone"],
        latitude=Decimal("41.715100"),
        longitude=Decimal("44.827100"),
    )
    services.score_items_set(
        user=personas["secretariat_admin"],
        form=form,
        items=[
            {
                "question": "stock",
                "dimension": "availability",
                "choice_scores": {"yes": 90, "no": 20},
            }
        ],
    )
    second = user_with_role(Role.COMMUNITY_MONITOR, "KZ", username="second_monitor")
    project.monitors.add(second)
    georgia = Project.objects.create(name="Tbilisi CLM", country=ge)
    ge_monitor = user_with_role(Role.COMMUNITY_MONITOR, "GE", username="monitor_ge")
    georgia.monitors.add(ge_monitor)
    services.form_upload(
        user=personas["secretariat_admin"],
        content=GEORGIAN_FORM,
        filename="gform.md",
        projects=[georgia],
    )
    mine = receive(
        instance_xml("uuid:kz-mine", photo="p.jpg", today="2026-11-20"),
        project=project,
        user=monitor,
        files=(SimpleUploadedFile("p.jpg", b"JPEGDATA", "image/jpeg"),),
    )
    theirs_v1 = receive(
        instance_xml("uuid:kz-theirs", wait="30", today="2026-03-02"), project=project, user=second
    )
    theirs = receive(
        instance_xml(
            "uuid:kz-theirs-2", wait="35", today="2026-03-02", deprecated="uuid:kz-theirs"
        ),
        project=project,
        user=second,
    )
    georgian = receive(
        instance_xml("uuid:ge-1", site="GE-TBS-1", form_id="gform", today="2026-06-15"),
        project=georgia,
        user=ge_monitor,
    )
    return {
        **clm_setup,
        "georgia": georgia,
        "mine": mine,
        "theirs_v1": theirs_v1,
        "theirs": theirs,
        "georgian": georgian,
    }


def get(client, personas, persona: str, path: str, params=None, **extra):  # type: ignore[no-untyped-def]
    return client.get(f"{API}{path}", params or {}, **headers(personas, persona), **extra)


def ok(response) -> Any:  # type: ignore[no-untyped-def]
    assert response.status_code == 200, response.content
    return response.json()


# --- The access matrix ---------------------------------------------------------------------------


def expected_status(persona: str, endpoint: str) -> int:
    if persona == "anonymous":
        return 401
    if endpoint in {"escalations", "efficiency"}:
        return 200 if persona in REVIEWERS else 403
    if persona not in PARTICIPANTS:
        return 403
    if endpoint == "kazakh submission" and persona == "focal_point_georgia":
        return 404
    return 200


ENDPOINTS = {
    "sites": "/sites",
    "site": "/sites/KZ-ALA-1",
    "forms": "/forms",
    "form": "/forms/tform",
    "submissions": "/submissions",
    "kazakh submission": "/submissions/{mine}",
    "scorecards": "/scorecards?form=tform&period=2026",
    "escalations": "/escalations",
    "efficiency": "/efficiency",
}


@pytest.mark.parametrize("endpoint", ENDPOINTS)
@pytest.mark.parametrize("persona", EVERYONE)
def test_every_endpoint_answers_each_persona_by_the_access_matrix(
    client, personas, world, persona, endpoint
):
    path = ENDPOINTS[endpoint].format(mine=world["mine"].pk)
    response = client.get(f"{API}{path}", **headers(personas, persona))
    assert response.status_code == expected_status(persona, endpoint), response.content
    assert "no-store" in response["Cache-Control"]
    if response.status_code != 200:
        assert set(response.json()) == {"detail"}


def test_a_missing_or_bad_token_is_a_translated_401(client, world):
    assert client.get(f"{API}/sites").json() == {"detail": "The API token is not valid."}
    bad = client.get(f"{API}/submissions", HTTP_AUTHORIZATION="Bearer hrm_wrong")
    assert bad.status_code == 401
    russian = client.get(f"{API}/sites", HTTP_ACCEPT_LANGUAGE="ru")
    assert russian.status_code == 401
    assert russian.json()["detail"] != "The API token is not valid."


def test_a_refusal_names_what_is_missing(client, personas, world):
    member = get(client, personas, "member", "/submissions")
    assert member.json() == {"detail": "Your account takes no part in community-led monitoring."}
    monitor = get(client, personas, "community_monitor", "/efficiency")
    assert monitor.json() == {
        "detail": "Only those who run community-led monitoring in a country may see this."
    }


def test_unknown_ids_are_404_for_everyone(client, personas, world):
    admin = "secretariat_admin"
    assert get(client, personas, admin, "/sites/NOPE").json() == {"detail": "Site not found."}
    assert get(client, personas, admin, "/forms/nope").json() == {"detail": "Form not found."}
    missing = get(client, personas, admin, "/submissions/999999")
    assert missing.status_code == 404
    assert missing.json() == {"detail": "Submission not found."}


# --- Sites -------------------------------------------------------------------------------------


def codes(body: dict[str, Any]) -> list[str]:
    return [item["code"] for item in body["items"]]


def test_the_register_lists_every_site_with_its_fields(client, personas, world):
    body = ok(get(client, personas, "community_monitor", "/sites"))
    assert body["count"] == 3
    assert set(codes(body)) == {"KZ-ALA-1", "KZ-ALA-2", "GE-TBS-1"}
    tbilisi = next(s for s in body["items"] if s["code"] == "GE-TBS-1")
    assert tbilisi == {
        "code": "GE-TBS-1",
        "name": "Tbilisi drop-in",
        "kind": "drop_in",
        "kind_label": "Drop-in centre",
        "country": "GE",
        "locality": "Tbilisi",
        "operator": None,
        "services": ["syringes", "naloxone"],
        "service_labels": ["Needles and syringes", "Naloxone"],
        "hours": "",
        "latitude": 41.7151,
        "longitude": 44.8271,
        "status": "suspended",
        "status_label": "Suspended",
        "is_demo": False,
    }


def test_the_register_filters_and_pages(client, personas, world):
    def found(**params: Any) -> list[str]:
        return codes(ok(get(client, personas, "focal_point_georgia", "/sites", params)))

    assert found(country="GE") == ["GE-TBS-1"]
    assert found(country="kz", kind="oat") == ["KZ-ALA-2"]
    assert found(status="closed") == ["KZ-ALA-2"]
    assert found(service="naloxone") == ["GE-TBS-1"]
    assert found(q="tbilisi") == ["GE-TBS-1"]
    everything = found()
    assert found(limit=1) == everything[:1]
    assert found(limit=2, offset=1) == everything[1:3]
    page = ok(get(client, personas, "focal_point_georgia", "/sites", {"limit": 1}))
    assert page["count"] == 3


def test_bad_site_filters_are_refused_with_reasons(client, personas, world):
    auth = "community_monitor"
    unknown = get(client, personas, auth, "/sites", {"country": "ZZ"})
    assert (unknown.status_code, unknown.json()) == (404, {"detail": "Country not found."})
    kind = get(client, personas, auth, "/sites", {"kind": "castle"})
    assert (kind.status_code, kind.json()) == (400, {"detail": "“castle” is not a type of site."})
    status = get(client, personas, auth, "/sites", {"status": "gone"})
    assert status.status_code == 400
    assert status.json()["detail"].startswith("“gone” is not a status; use one of active")


def test_one_site_counts_the_submissions_the_caller_may_open(client, personas, world):
    def count(persona: str) -> int:
        return int(ok(get(client, personas, persona, "/sites/KZ-ALA-1"))["submissions"])

    assert count("secretariat_admin") == 2  # the monitor's and the second monitor's edit
    assert count("focal_point_kazakhstan") == 2
    assert count("community_monitor") == 1  # their own only
    assert count("focal_point_georgia") == 0


def test_site_labels_follow_the_requested_language(client, personas, world):
    body = ok(
        get(client, personas, "community_monitor", "/sites/KZ-ALA-1", HTTP_ACCEPT_LANGUAGE="ru")
    )
    assert body["kind_label"] == "Программа обмена игл и шприцев (стационарный пункт)"
    unknown = get(
        client,
        personas,
        "community_monitor",
        "/sites",
        {"country": "ZZ"},
        HTTP_ACCEPT_LANGUAGE="ru",
    )
    assert unknown.json() == {"detail": "Страна не найдена."}


# --- Forms -------------------------------------------------------------------------------------


def test_monitors_see_the_forms_of_their_projects_and_reviewers_every_form(client, personas, world):
    def ids(persona: str) -> list[str]:
        return [f["xml_form_id"] for f in ok(get(client, personas, persona, "/forms"))]

    assert ids("community_monitor") == ["tform"]
    # Every form (those shipped with hrmonitor too), by title.
    every = list(Form.objects.order_by("title", "pk").values_list("xml_form_id", flat=True))
    assert {"gform", "tform"} < set(every)
    assert ids("focal_point_georgia") == every
    assert ids("secretariat_admin") == every
    refused = get(client, personas, "community_monitor", "/forms/gform")
    assert (refused.status_code, refused.json()) == (404, {"detail": "Form not found."})
    assert get(client, personas, "focal_point_georgia", "/forms/gform").status_code == 200


def test_a_form_lists_its_version_projects_and_whether_it_is_scored(client, personas, world):
    tform = next(
        f
        for f in ok(get(client, personas, "focal_point_kazakhstan", "/forms"))
        if f["xml_form_id"] == "tform"
    )
    assert tform["title"] == "Test form"
    assert (tform["state"], tform["state_label"], tform["version"]) == ("open", "Open", "1")
    assert sorted(tform["languages"]) == ["en", "ru"]
    assert tform["projects"] == [{"id": world["project"].pk, "name": "Almaty CLM", "country": "KZ"}]
    assert tform["scored"] is True


def test_a_form_gives_its_questions_and_scorecard_mapping(client, personas, world):
    body = ok(get(client, personas, "community_monitor", "/forms/tform"))
    questions = {q["path"]: q for q in body["questions"]}
    assert questions["stock"]["type"] == "select one"
    assert questions["stock"]["labels"] == {"en": "Syringes in stock?", "ru": "Шприцы?"}
    assert questions["stock"]["label"] == "Syringes in stock?"
    assert [c["name"] for c in questions["stock"]["choices"]] == ["yes", "no"]
    assert questions["site"]["choices_file"] == "sites.csv"
    assert questions["visit/note"]["repeat"] == "visit"
    assert body["scorecard"] == [
        {
            "question": "stock",
            "label": "Syringes in stock?",
            "dimension": "availability",
            "dimension_label": "Availability",
            "choice_scores": {"yes": 90.0, "no": 20.0},
        }
    ]
    assert (body["green_from"], body["amber_from"]) == (75, 50)


def test_form_labels_follow_the_requested_language(client, personas, world):
    body = ok(get(client, personas, "community_monitor", "/forms/tform", HTTP_ACCEPT_LANGUAGE="ru"))
    questions = {q["path"]: q for q in body["questions"]}
    assert questions["site"]["label"] == "Пункт"
    assert [c["label"] for c in questions["stock"]["choices"]] == ["Да", "Нет"]
    assert body["scorecard"][0]["label"] == "Шприцы?"
    assert body["scorecard"][0]["dimension_label"] == "Наличие"


# --- Submissions -------------------------------------------------------------------------------


def instances(body: dict[str, Any]) -> list[str]:
    return [s["instance_id"] for s in body["items"]]


def test_each_persona_sees_the_submissions_of_their_scope(client, personas, world):
    def seen(persona: str) -> set[str]:
        return set(instances(ok(get(client, personas, persona, "/submissions"))))

    assert seen("secretariat_admin") == {"uuid:kz-mine", "uuid:kz-theirs-2", "uuid:ge-1"}
    assert seen("focal_point_kazakhstan") == {"uuid:kz-mine", "uuid:kz-theirs-2"}
    assert seen("focal_point_georgia") == {"uuid:ge-1"}
    assert seen("community_monitor") == {"uuid:kz-mine"}
    theirs = get(client, personas, "community_monitor", f"/submissions/{world['theirs'].pk}")
    assert theirs.status_code == 404


def test_a_georgian_focal_point_gets_404_on_a_kazakh_submission(client, personas, world):
    response = get(client, personas, "focal_point_georgia", f"/submissions/{world['mine'].pk}")
    assert response.status_code == 404
    assert response.json() == {"detail": "Submission not found."}
    georgian = get(client, personas, "focal_point_georgia", f"/submissions/{world['georgian'].pk}")
    assert ok(georgian)["instance_id"] == "uuid:ge-1"


def test_a_submission_carries_its_metadata_and_answers_as_sent(client, personas, world):
    body = ok(
        get(
            client,
            personas,
            "focal_point_kazakhstan",
            "/submissions",
            {"site": "KZ-ALA-1", "form": "tform"},
        )
    )
    mine = next(s for s in body["items"] if s["instance_id"] == "uuid:kz-mine")
    assert mine["id"] == world["mine"].pk
    assert (mine["form"], mine["version"], mine["project"]) == ("tform", "1", world["project"].pk)
    assert (mine["site"], mine["country"], mine["interview_date"]) == (
        "KZ-ALA-1",
        "KZ",
        "2026-11-20",
    )
    assert (mine["intake"], mine["problem"], mine["review"], mine["replaced_by"]) == (
        "accepted",
        "",
        "pending",
        None,
    )
    assert mine["answers"] == world["mine"].data
    assert mine["answers"]["stock"] == "yes"
    assert mine["answers"]["visit"] == [{"visit/note": "first"}, {"visit/note": "second"}]
    assert "raw_xml" not in mine and "attachments" not in mine


def test_lists_never_carry_the_raw_xml(client, personas, world):
    for persona in ("secretariat_admin", "focal_point_kazakhstan", "community_monitor"):
        response = get(client, personas, persona, "/submissions", {"intake": "all"})
        text = response.content.decode()
        assert "raw_xml" not in text and "<?xml" not in text and "<instanceID>" not in text


def test_the_submission_filters_narrow_the_list(client, personas, world):
    def found(**params: Any) -> list[str]:
        return instances(ok(get(client, personas, "secretariat_admin", "/submissions", params)))

    assert found(form="gform") == ["uuid:ge-1"]
    assert found(project=world["project"].pk) == ["uuid:kz-theirs-2", "uuid:kz-mine"]
    assert found(site="GE-TBS-1") == ["uuid:ge-1"]
    assert found(country="kz") == ["uuid:kz-theirs-2", "uuid:kz-mine"]
    assert found(date_from="2026-06-01", date_to="2026-06-30") == ["uuid:ge-1"]
    assert found(date_from="2026-06-16") == ["uuid:kz-mine"]
    assert found(review="flagged") == []
    # Replaced by an edit: only with intake=all, pointing to the edit.
    everything = ok(get(client, personas, "secretariat_admin", "/submissions", {"intake": "all"}))
    assert everything["count"] == 4
    first = next(s for s in everything["items"] if s["instance_id"] == "uuid:kz-theirs")
    assert first["replaced_by"] == world["theirs"].pk
    assert found(intake="rejected") == []


def test_the_submission_list_pages(client, personas, world):
    def page(**params: Any) -> dict[str, Any]:
        return ok(get(client, personas, "secretariat_admin", "/submissions", params))

    everything = instances(page())
    assert len(everything) == 3
    assert instances(page(limit=2)) == everything[:2]
    second = page(limit=2, offset=2)
    assert instances(second) == everything[2:] and second["count"] == 3
    assert instances(page(limit=5000)) == everything  # capped at 1000, not refused


def test_rejected_submissions_show_their_problem(client, personas, world):
    services.submission_receive(
        xml=b'<data id="nosuchform"><meta><instanceID>uuid:lost</instanceID></meta></data>',
        project=world["project"],
        user=world["monitor"],
    )
    body = ok(get(client, personas, "secretariat_admin", "/submissions", {"intake": "rejected"}))
    assert instances(body) == ["uuid:lost"]
    lost = body["items"][0]
    assert (lost["intake"], lost["form"]) == ("unknown_form", None)
    assert lost["problem"]


def test_bad_submission_filters_are_refused_and_reveal_nothing(client, personas, world):
    kz = "focal_point_kazakhstan"
    other_project = get(client, personas, kz, "/submissions", {"project": world["georgia"].pk})
    assert (other_project.status_code, other_project.json()) == (
        404,
        {"detail": "Project not found."},
    )
    # gform belongs to Georgia, but a reviewer sees every form: an empty list, no leak.
    assert ok(get(client, personas, kz, "/submissions", {"form": "gform"}))["items"] == []
    monitor_form = get(client, personas, "community_monitor", "/submissions", {"form": "gform"})
    assert monitor_form.status_code == 404
    assert get(client, personas, kz, "/submissions", {"form": "nope"}).status_code == 404
    assert get(client, personas, kz, "/submissions", {"site": "NOPE"}).status_code == 404
    date = get(client, personas, kz, "/submissions", {"date_from": "20.11.2026"})
    assert (date.status_code, date.json()) == (
        400,
        {"detail": "“20.11.2026” is not a date: write it as YYYY-MM-DD."},
    )
    review = get(client, personas, kz, "/submissions", {"review": "great"})
    assert review.status_code == 400
    assert review.json()["detail"] == "“great” is not one of: pending, approved, flagged, excluded."
    assert get(client, personas, kz, "/submissions", {"intake": "maybe"}).status_code == 400


def test_the_detail_has_attachments_history_and_raw_xml_for_the_reviewer(client, personas, world):
    mine = world["mine"]
    reviewer = personas["focal_point_kazakhstan"]
    services.submission_review(user=reviewer, submission=mine, review="flagged", note="Twice?")
    services.submission_correct(
        user=reviewer, submission=mine, question="wait", value="15", reason="Typo"
    )
    body = ok(get(client, personas, "focal_point_kazakhstan", f"/submissions/{mine.pk}"))
    assert body["attachments"] == [
        {
            "name": "p.jpg",
            "content_type": "image/jpeg",
            "size": 8,
            "sha256": hashlib.sha256(b"JPEGDATA").hexdigest(),
            "received_at": body["attachments"][0]["received_at"],
        }
    ]
    assert body["answers"]["wait"] == "15"
    assert (body["review"], body["review_note"]) == ("flagged", "Twice?")
    history = [
        tuple(e[k] for k in ("kind", "question", "old", "new", "note", "by"))
        for e in body["history"]
    ]
    assert history == [
        ("review", "", "pending", "flagged", "Twice?", "focal_point_kazakhstan"),
        ("correction", "wait", "10", "15", "Typo", "focal_point_kazakhstan"),
    ]
    assert "<instanceID>uuid:kz-mine</instanceID>" in body["raw_xml"]
    assert "<wait>10</wait>" in body["raw_xml"]  # as it arrived, before the correction
    assert body["raw_sha256"] == hashlib.sha256(bytes(mine.raw)).hexdigest()
    admin = ok(get(client, personas, "secretariat_admin", f"/submissions/{mine.pk}"))
    assert admin["raw_xml"] == body["raw_xml"]
    own = ok(get(client, personas, "community_monitor", f"/submissions/{mine.pk}"))
    assert own["raw_xml"] is None
    assert own["history"] == body["history"] and own["attachments"] == body["attachments"]


def test_submission_labels_follow_the_requested_language(client, personas, world):
    body = ok(
        get(
            client,
            personas,
            "community_monitor",
            f"/submissions/{world['mine'].pk}",
            HTTP_ACCEPT_LANGUAGE="ru",
        )
    )
    assert body["review_label"] == "Ожидает проверки"
    unknown = get(
        client, personas, "community_monitor", "/submissions/999999", HTTP_ACCEPT_LANGUAGE="ru"
    )
    assert unknown.status_code == 404


def test_the_list_costs_the_same_queries_for_few_and_many_submissions(client, personas, world):
    auth = headers(personas, "secretariat_admin")

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            response = client.get(f"{API}/submissions", {"intake": "all"}, **auth)
        assert response.status_code == 200
        return len(captured)

    client.get(f"{API}/submissions", **auth)  # the token's first use is recorded once
    few = queries()
    for n in range(4):
        receive(instance_xml(f"uuid:more{n}"), project=world["project"], user=world["monitor"])
    assert queries() == few


# --- Scorecards --------------------------------------------------------------------------------


def respondents(world: dict[str, Any], answers: list[str]) -> None:
    for n, stock in enumerate(answers):
        receive(
            instance_xml(f"uuid:score{n}", stock=stock, today=f"2026-10-0{n + 1}"),
            project=world["project"],
            user=world["monitor"],
        )


def scorecard(client, personas, persona="community_monitor", **params: str):  # type: ignore[no-untyped-def]
    return ok(
        get(client, personas, persona, "/scorecards", {"form": "tform", "period": "2026", **params})
    )


def test_with_four_respondents_no_score_and_no_count_is_given(client, personas, world):
    # The world's own "yes" (uuid:kz-mine) and the second monitor's edit make two; two more
    # give four: yes, yes, yes, no → (90 + 90 + 90 + 20) / 4 = 72.5 if it were computed.
    respondents(world, ["yes", "no"])
    response = get(
        client, personas, "community_monitor", "/scorecards", {"form": "tform", "period": "2026"}
    )
    body = ok(response)
    assert body["minimum"] == 5
    assert body["respondents"] is None
    empty = {"score": None, "colour": None, "colour_label": None, "n": None}
    assert body["overall"] == empty
    assert body["dimensions"] == [{"key": "availability", "label": "Availability", **empty}]
    assert body["items"] == [
        {
            "question": "stock",
            "label": "Syringes in stock?",
            "dimension": "availability",
            "dimension_label": "Availability",
            **empty,
        }
    ]
    assert all(score is None for s in body["trend"]["series"] for score in s["scores"])
    text = response.content.decode()
    assert "72.5" not in text and "72,5" not in text
    # …which is what the four would give, were the minimum one.
    period = periods.parse_period("2026")
    rows = scorecards.counted_rows([world["form"]], start=period.start, end=period.end)
    unguarded = scorecards.form_scorecard(world["form"], rows, period, minimum=1)
    assert unguarded.overall.score == 72.5 and unguarded.respondents == 4


def test_with_five_respondents_the_score_appears(client, personas, world):
    respondents(world, ["yes", "no", "yes"])  # 4 × yes, 1 × no: (360 + 20) / 5 = 76.0
    body = scorecard(client, personas)
    assert body["respondents"] == 5
    assert body["overall"] == {"score": 76.0, "colour": "green", "colour_label": "Good", "n": 5}
    assert body["dimensions"][0] == {
        "key": "availability",
        "label": "Availability",
        "score": 76.0,
        "colour": "green",
        "colour_label": "Good",
        "n": 5,
    }
    assert body["items"][0]["score"] == 76.0 and body["items"][0]["n"] == 5
    # 2026Q4 alone has four (three from this test and the world's): no score in the trend.
    trend = body["trend"]
    assert trend["quarters"][-1] == "2026Q4" and len(trend["quarters"]) == 8
    assert trend["series"][0]["scores"][-1] is None
    assert (body["period"], body["start"], body["end"]) == ("2026", "2026-01-01", "2026-12-31")
    assert body["form"] == "tform" and body["form_title"] == "Test form"


def test_the_scorecard_of_a_site_or_country(client, personas, world):
    respondents(world, ["yes", "no", "yes"])
    assert scorecard(client, personas, site="KZ-ALA-1")["overall"]["score"] == 76.0
    assert scorecard(client, personas, country="KZ")["overall"]["score"] == 76.0
    georgia = scorecard(client, personas, country="GE")
    assert georgia["respondents"] is None and georgia["overall"]["score"] is None
    assert georgia["country"] == "GE"
    # A site outside the country: nobody.
    assert scorecard(client, personas, site="KZ-ALA-1", country="GE")["respondents"] is None


def test_the_scorecard_defaults_and_refusals(client, personas, world):
    respondents(world, ["yes"])
    default = ok(get(client, personas, "community_monitor", "/scorecards", {"period": "2026"}))
    assert default["form"] == "tform"  # the scored form with the most counted submissions
    bad_period = get(client, personas, "community_monitor", "/scorecards", {"period": "someday"})
    assert (bad_period.status_code, bad_period.json()) == (
        400,
        {"detail": "“someday” is not a period."},
    )
    unscored = get(client, personas, "community_monitor", "/scorecards", {"form": "gform"})
    assert (unscored.status_code, unscored.json()) == (404, {"detail": "Form not found."})
    assert (
        get(client, personas, "community_monitor", "/scorecards", {"site": "NOPE"}).status_code
        == 404
    )


def test_scorecard_labels_follow_the_requested_language(client, personas, world):
    respondents(world, ["yes", "no", "yes"])
    body = ok(
        get(
            client,
            personas,
            "focal_point_kazakhstan",
            "/scorecards",
            {"form": "tform", "period": "2026"},
            HTTP_ACCEPT_LANGUAGE="ru",
        )
    )
    assert body["dimensions"][0]["label"] == "Наличие"
    assert body["overall"]["colour_label"] == "Хорошо"
    assert body["items"][0]["label"] == "Шприцы?"
    bad = get(
        client,
        personas,
        "community_monitor",
        "/scorecards",
        {"period": "someday"},
        HTTP_ACCEPT_LANGUAGE="ru",
    )
    assert bad.json() == {"detail": "Значение «someday» не является периодом."}


# --- Escalations -------------------------------------------------------------------------------


@pytest.fixture
def issues(personas, world) -> None:  # type: ignore[no-untyped-def]
    escalation_save(
        user=personas["focal_point_kazakhstan"],
        title="Syringe stock-outs in Almaty",
        country=country("KZ"),
        site=ServiceSite.objects.get(code="KZ-ALA-1"),
        form=world["form"],
        question="stock",
        dimension="availability",
        period="2026Q3",
        score=Decimal("20"),
        status="raised",
        duty_bearer="Almaty city AIDS centre",
        raised_on=TODAY - dt.timedelta(days=45),
    )
    escalation_save(
        user=personas["focal_point_georgia"],
        title="Waiting times in Tbilisi",
        country=country("GE"),
        status="open",
    )


def titles(body: dict[str, Any]) -> list[str]:
    return [e["title"] for e in body["items"]]


def test_escalations_of_each_reviewers_countries(client, personas, issues):
    def seen(persona: str, **params: str) -> list[str]:
        return titles(ok(get(client, personas, persona, "/escalations", params)))

    assert seen("secretariat_admin") == ["Waiting times in Tbilisi", "Syringe stock-outs in Almaty"]
    assert seen("focal_point_kazakhstan") == ["Syringe stock-outs in Almaty"]
    assert seen("focal_point_georgia") == ["Waiting times in Tbilisi"]
    assert seen("secretariat_admin", country="KZ") == ["Syringe stock-outs in Almaty"]
    assert seen("secretariat_admin", status="open") == ["Waiting times in Tbilisi"]
    assert seen("focal_point_georgia", country="KZ") == []
    page = ok(get(client, personas, "secretariat_admin", "/escalations", {"limit": 1, "offset": 1}))
    assert (titles(page), page["count"]) == (["Syringe stock-outs in Almaty"], 2)
    bad = get(client, personas, "secretariat_admin", "/escalations", {"status": "lost"})
    assert bad.status_code == 400


def test_an_escalation_carries_its_follow_up(client, personas, issues):
    almaty = ok(get(client, personas, "focal_point_kazakhstan", "/escalations"))["items"][0]
    assert {
        k: almaty[k] for k in ("country", "site", "form", "question", "dimension", "period")
    } == {
        "country": "KZ",
        "site": "KZ-ALA-1",
        "form": "tform",
        "question": "stock",
        "dimension": "availability",
        "period": "2026Q3",
    }
    assert (almaty["score"], almaty["status"], almaty["status_label"]) == (20.0, "raised", "Raised")
    assert almaty["duty_bearer"] == "Almaty city AIDS centre"
    assert almaty["overdue"] is True


# --- Efficiency --------------------------------------------------------------------------------


@pytest.fixture
def deliveries(personas, world) -> None:  # type: ignore[no-untyped-def]
    """2023: Kazakhstan's programme (10,000,000 syringes, 1,200 OAT clients, 8,000 clients,
    80,000 USD) against the 94,600 people who inject drugs of the reference data (2020);
    Georgia's programme, its cost and OAT clients not stated, and (here) no estimate."""
    PwidEstimate.objects.filter(country__iso2="GE").delete()
    assert PwidEstimate.objects.get(country__iso2="KZ", year=2020).low == 94_600
    admin = personas["secretariat_admin"]
    delivery_save(
        user=admin, country=country("KZ"), year=2023, source="Programme report",
        clients_reached=8_000, syringes=10_000_000, oat_clients=1_200,
        cost=Decimal(80_000), currency="USD",
    )  # fmt: skip
    delivery_save(
        user=admin, country=country("GE"), year=2023, source="Programme report",
        clients_reached=4_000, syringes=2_000_000,
    )  # fmt: skip
    delivery_save(
        user=admin, country=country("KZ"), year=2021, source="Old report", syringes=1,
    )  # fmt: skip


def test_the_assessment_by_country(client, personas, deliveries):
    body = ok(get(client, personas, "secretariat_admin", "/efficiency"))
    assert (body["year"], body["years"]) == (2023, [2023, 2021])
    assert [c["country"] for c in body["countries"]] == ["GE", "KZ"]
    kz = body["countries"][1]
    assert (kz["basis"], kz["records"]) == ("programme", 1)
    estimate = kz["estimate"]
    assert (estimate["low"], estimate["high"], estimate["year"]) == (94_600, 94_600, 2020)
    assert estimate["source"]
    assert kz["syringes"] == {"value": 10_000_000, "reasons": []}
    assert kz["clients"]["value"] == 8_000 and kz["oat_clients"]["value"] == 1_200
    assert kz["cost_usd"] == {"value": 80_000.0, "reasons": []}
    assert kz["cost_per_client"]["value"] == 10.0
    assert kz["cost_per_syringe"]["value"] == 0.01
    assert kz["syringes_per_pwid"] == {
        "value": 105.71,
        "low": 105.71,
        "high": 105.71,
        "level": "medium",
        "level_lowest": "medium",
        "level_highest": "medium",
        "level_label": "medium",
        "reasons": [],
    }
    assert kz["oat_per_100_pwid"]["value"] == 1.27 and kz["oat_per_100_pwid"]["level"] == "low"


def test_unknown_figures_come_with_their_reasons(client, personas, deliveries):
    ge = ok(get(client, personas, "focal_point_georgia", "/efficiency"))["countries"][0]
    assert ge["cost_usd"]["value"] is None
    assert [r["code"] for r in ge["cost_usd"]["reasons"]] == ["no_cost"]
    assert ge["cost_usd"]["reasons"][0]["message"] == "The cost is not stated."
    coverage = ge["syringes_per_pwid"]
    assert coverage["value"] is None and coverage["level"] is None
    assert [r["code"] for r in coverage["reasons"]] == ["no_pwid"]
    assert ge["estimate"] is None
    assert ge["oat_clients"]["value"] is None
    assert ge["oat_clients"]["reasons"][0]["code"] == "not_stated"
    assert ge["oat_clients"]["reasons"][0]["detail"] == "oat_clients"


def test_each_reviewer_assesses_their_countries_and_years(client, personas, deliveries):
    def countries(persona: str, **params: str) -> list[str]:
        return [
            c["country"]
            for c in ok(get(client, personas, persona, "/efficiency", params))["countries"]
        ]

    assert countries("focal_point_kazakhstan") == ["KZ"]
    assert countries("focal_point_georgia") == ["GE"]
    assert countries("secretariat_admin", year="2021") == ["KZ"]
    assert countries("secretariat_admin", year="1999") == []
    bad = get(client, personas, "secretariat_admin", "/efficiency", {"year": "last"})
    assert (bad.status_code, bad.json()) == (400, {"detail": "“last” is not a year (e.g. 2024)."})


def test_efficiency_labels_follow_the_requested_language(client, personas, deliveries):
    body = ok(
        get(client, personas, "focal_point_kazakhstan", "/efficiency", HTTP_ACCEPT_LANGUAGE="ru")
    )
    kz = body["countries"][0]
    assert kz["name"] == "Казахстан"
    assert kz["syringes_per_pwid"]["level"] == "medium"
    assert kz["syringes_per_pwid"]["level_label"] != "medium"


def test_nobody_sees_anything_without_records(client, personas, world):
    assert ok(get(client, personas, "focal_point_kazakhstan", "/efficiency")) == {
        "year": None,
        "years": [],
        "countries": [],
    }


# --- The OpenAPI document ----------------------------------------------------------------------


def test_the_openapi_document_describes_the_clm_endpoints(client):
    schema = client.get("/api/v1/openapi.json").json()
    paths = schema["paths"]
    for path in (
        "/api/v1/clm/sites",
        "/api/v1/clm/sites/{code}",
        "/api/v1/clm/forms",
        "/api/v1/clm/forms/{xml_form_id}",
        "/api/v1/clm/submissions",
        "/api/v1/clm/submissions/{submission_id}",
        "/api/v1/clm/scorecards",
        "/api/v1/clm/escalations",
        "/api/v1/clm/efficiency",
    ):
        operation = paths[path]["get"]
        assert set(paths[path]) == {"get"}, path  # read-only
        assert {"200", "401", "403"} <= set(operation["responses"]), path
        assert operation["security"], path
    assert "404" in paths["/api/v1/clm/submissions/{submission_id}"]["get"]["responses"]
    assert list(schema["components"]["securitySchemes"]) == ["TokenAuth"]
    submission = schema["components"]["schemas"]["SubmissionDetailOut"]["properties"]
    assert "description" in submission["raw_xml"] and "description" in submission["answers"]
    scores = schema["components"]["schemas"]["ScoreOut"]["properties"]
    assert "minimum" in scores["score"]["description"]


def test_every_field_of_the_clm_schemas_is_described(client):
    schema = client.get("/api/v1/openapi.json").json()
    components = schema["components"]["schemas"]
    clm_refs: set[str] = set()
    for path, methods in schema["paths"].items():
        if path.startswith("/api/v1/clm/"):
            clm_refs.update(ref.rsplit("/", 1)[-1] for ref in _refs(json.dumps(methods)))
    # Follow nested schemas.
    pending = list(clm_refs)
    while pending:
        name = pending.pop()
        for ref in _refs(json.dumps(components[name])):
            child = ref.rsplit("/", 1)[-1]
            if child not in clm_refs:
                clm_refs.add(child)
                pending.append(child)
    assert {"SubmissionDetailOut", "ScorecardOut", "CoverageOut", "QuestionOut"} <= clm_refs
    undocumented = [
        f"{name}.{field}"
        for name in sorted(clm_refs)
        for field, spec in components[name].get("properties", {}).items()
        if not spec.get("description") and name != "ErrorOut"
    ]
    assert undocumented == []
    parameters = [
        (path, parameter["name"])
        for path, methods in schema["paths"].items()
        if path.startswith("/api/v1/clm/")
        for parameter in methods["get"].get("parameters", [])
        if not parameter.get("description") and parameter["in"] == "query"
    ]
    assert parameters == []


def _refs(text: str) -> list[str]:
    return re.findall(r'"\$ref": "(#/components/schemas/[^"]+)"', text)
