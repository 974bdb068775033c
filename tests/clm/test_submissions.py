"""The submission pages as reviewers and monitors use them: who sees which submissions (a
monitor their own, a focal point their country's, the Secretariat everything including what
could not be accepted), the filters and pages of the list, one submission's answers in the
reader's language, the raw XML and attachments, reviews and corrections with their history,
and the wide CSV/XLSX downloads."""

from __future__ import annotations

import csv
import io
import re
from typing import Any

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from factories import country, user_with_role
from hrmonitor.clm import services, views_submissions
from hrmonitor.clm.models import Project, ServiceSite, Submission, SubmissionEvent
from hrmonitor.core.roles import Role

pytestmark = pytest.mark.django_db

FORM_MD = """| survey |
|        | type | name | label::English (en) | label::Russian (ru) |
|        | today | today | | |
|        | select_one_from_file sites.csv | site | Site | Пункт |
|        | select_one yn | stock | Syringes in stock? | Шприцы в наличии? |
|        | select_multiple svc | services | Services offered | Предлагаемые услуги |
|        | integer | wait | Waiting time (minutes) | Время ожидания (минуты) |
|        | begin_repeat | visit | Visit | Визит |
|        | text | note | Note | Заметка |
|        | end_repeat | | | |
|        | image | photo | Photo | Фото |
| choices |
|         | list_name | name | label::English (en) | label::Russian (ru) |
|         | yn | yes | Yes | Да |
|         | yn | no | No | Нет |
|         | svc | nsp | Needles and syringes | Иглы и шприцы |
|         | svc | oat | Opioid agonist therapy | Опиоидная заместительная терапия |
| settings |
|          | form_id | version | form_title |
|          | subform | 1 | Site visit |
""".encode()


def xml(
    instance: str,
    *,
    site: str = "KZ-ALA-1",
    stock: str = "yes",
    wait: str = "10",
    today: str = "2026-11-20",
    photo: str = "",
    deprecated: str = "",
) -> bytes:
    meta = f"<instanceID>{instance}</instanceID>"
    if deprecated:
        meta = f"<deprecatedID>{deprecated}</deprecatedID>{meta}"
    return (
        f'<data id="subform" version="1"><today>{today}</today><site>{site}</site>'
        f"<stock>{stock}</stock><services>nsp oat</services><wait>{wait}</wait>"
        f"<visit><note>a</note></visit><visit><note>b</note></visit>"
        f"<photo>{photo}</photo><meta>{meta}</meta></data>"
    ).encode()


@pytest.fixture
def clm(personas, settings, tmp_path) -> dict[str, Any]:
    """A Kazakh project monitored by the community monitor, two Almaty sites, a Georgian
    project with its own monitor, and the form uploaded for both projects."""
    settings.MEDIA_ROOT = tmp_path / "media"
    kz, ge = country("KZ"), country("GE")
    project = Project.objects.create(name="Almaty CLM", country=kz)
    monitor = personas["community_monitor"]
    project.monitors.add(monitor)
    site = ServiceSite.objects.create(
        code="KZ-ALA-1", name="Almaty NSP", kind="nsp_fixed", country=kz
    )
    other_site = ServiceSite.objects.create(
        code="KZ-ALA-2", name="Almaty OAT", kind="oat", country=kz
    )
    ServiceSite.objects.create(code="GE-TBS-1", name="Tbilisi NSP", kind="nsp_fixed", country=ge)
    georgia = Project.objects.create(name="Tbilisi CLM", country=ge)
    georgian_monitor = user_with_role(Role.COMMUNITY_MONITOR, "GE", username="monitor_ge")
    georgia.monitors.add(georgian_monitor)
    services.form_upload(
        user=personas["secretariat_admin"],
        content=FORM_MD,
        filename="t.md",
        projects=[project, georgia],
    )
    return {
        "project": project,
        "georgia": georgia,
        "monitor": monitor,
        "site": site,
        "other_site": other_site,
        "georgian_monitor": georgian_monitor,
    }


def receive(
    clm: dict[str, Any],
    instance: str,
    *,
    user: Any = None,
    project: Any = None,
    files: tuple[Any, ...] = (),
    **answers: str,
) -> Submission:
    intake = services.submission_receive(
        xml=xml(instance, **answers),
        files=files,
        project=project or clm["project"],
        user=user or clm["monitor"],
    )
    assert intake.status == 201, intake.message
    assert intake.submission is not None
    return intake.submission


def text_of(response: Any) -> str:
    return response.content.decode()


# --- Who sees what ---------------------------------------------------------------------------


def test_a_monitor_sees_the_submissions_they_sent_and_no_other(personas, login, clm):
    mine = receive(clm, "uuid:mine")
    second = user_with_role(Role.COMMUNITY_MONITOR, "KZ", username="second_monitor")
    clm["project"].monitors.add(second)
    theirs = receive(clm, "uuid:theirs", user=second)
    client = login(clm["monitor"])
    page = text_of(client.get("/clm/submissions/"))
    assert "uuid:mine" in page and "uuid:theirs" not in page
    assert client.get(f"/clm/submissions/{mine.pk}/").status_code == 200
    assert client.get(f"/clm/submissions/{theirs.pk}/").status_code == 404
    assert client.get(f"/clm/submissions/{theirs.pk}/raw.xml").status_code == 404


def test_a_georgian_focal_point_sees_no_kazakh_submission(personas, login, clm):
    kazakh = receive(clm, "uuid:kz-1")
    georgian = receive(
        clm, "uuid:ge-1", user=clm["georgian_monitor"], project=clm["georgia"], site="GE-TBS-1"
    )
    client = login(personas["focal_point_georgia"])
    page = text_of(client.get("/clm/submissions/"))
    assert "uuid:ge-1" in page and "uuid:kz-1" not in page
    assert client.get(f"/clm/submissions/{kazakh.pk}/").status_code == 404
    assert client.get(f"/clm/submissions/{georgian.pk}/").status_code == 200
    response = client.post(f"/clm/submissions/{kazakh.pk}/review/", {"review": "approved"})
    assert response.status_code == 404
    # Nor through a download.
    export = client.get("/clm/submissions/export.csv", {"form": "subform"})
    assert b"uuid:ge-1" in b"".join(export.streaming_content)
    export = client.get("/clm/submissions/export.csv", {"form": "subform"})
    assert b"uuid:kz-1" not in b"".join(export.streaming_content)


def test_people_without_a_clm_role_are_refused_the_list(personas, login, clm):
    for name in ("member", "no_role", "case_documenter"):
        assert login(personas[name]).get("/clm/submissions/").status_code == 403
    assert login(personas["member"]).get("/clm/submissions/export.csv").status_code == 403


def test_the_secretariat_sees_every_submission_and_those_not_accepted(personas, login, clm):
    receive(clm, "uuid:good")
    services.submission_receive(xml=b"<data><oops", project=clm["project"], user=clm["monitor"])
    services.submission_receive(
        xml=b'<data id="nosuchform"><meta><instanceID>uuid:lost</instanceID></meta></data>',
        project=clm["project"],
        user=clm["monitor"],
    )
    client = login(personas["secretariat_admin"])
    page = text_of(client.get("/clm/submissions/"))
    assert "uuid:good" in page and "uuid:lost" not in page
    assert "2 not accepted" in page and "intake=rejected" in page
    rejected = text_of(client.get("/clm/submissions/", {"intake": "rejected"}))
    assert "uuid:lost" in rejected and "uuid:good" not in rejected
    assert "Unknown form" in rejected and "form nosuchform" in rejected
    assert "Malformed" in rejected
    malformed = Submission.objects.get(intake=Submission.Intake.MALFORMED)
    detail = text_of(client.get(f"/clm/submissions/{malformed.pk}/"))
    # The raw XML is shown escaped, never as markup.
    assert "&lt;data&gt;&lt;oops" in detail and "<data><oops" not in detail
    assert "Review status" not in detail  # a rejected submission is not reviewed
    only_unknown = text_of(client.get("/clm/submissions/", {"intake": "unknown_form"}))
    assert "uuid:lost" in only_unknown and "Malformed</span>" not in only_unknown


# --- The list --------------------------------------------------------------------------------


def test_the_filters_narrow_the_list(personas, login, clm):
    receive(clm, "uuid:early", today="2026-01-10")
    later = receive(clm, "uuid:late", today="2026-06-10", site="KZ-ALA-2")
    services.submission_review(
        user=personas["secretariat_admin"],
        submission=later,
        review="flagged",
        note="Odd waiting time",
    )
    receive(
        clm,
        "uuid:tbilisi",
        user=clm["georgian_monitor"],
        project=clm["georgia"],
        site="GE-TBS-1",
        today="2026-01-20",
    )
    client = login(personas["secretariat_admin"])

    def shown(**params: str) -> set[str]:
        page = text_of(client.get("/clm/submissions/", params))
        return set(re.findall(r"uuid:(early|late|tbilisi)", page))

    assert shown() == {"early", "late", "tbilisi"}
    assert shown(country="GE") == {"tbilisi"}
    assert shown(country="KZ", project=str(clm["project"].pk)) == {"early", "late"}
    assert shown(site="KZ-ALA-2") == {"late"}
    assert shown(review="flagged") == {"late"}
    assert shown(date_from="2026-03-01") == {"late"}
    assert shown(date_to="2026-03-01") == {"early", "tbilisi"}
    assert shown(q="Almaty OAT") == {"late"}
    assert shown(q="early") == {"early"}
    assert shown(form="subform", country="KZ") == {"early", "late"}
    assert shown(form="nosuchform") == {"early", "late", "tbilisi"}  # an unknown filter: ignored
    page = text_of(client.get("/clm/submissions/", {"date_from": "2027-01-01"}))
    assert "No submission matches these filters." in page


def test_an_edited_submission_replaces_the_first_in_the_list(personas, login, clm):
    first = receive(clm, "uuid:v1", wait="10")
    edited = receive(clm, "uuid:v2", wait="12", deprecated="uuid:v1")
    client = login(personas["secretariat_admin"])
    page = text_of(client.get("/clm/submissions/"))
    assert "uuid:v2" in page and "uuid:v1" not in page
    assert "1 submission was replaced by an edited version" in page
    detail = text_of(client.get(f"/clm/submissions/{first.pk}/"))
    assert f'href="/clm/submissions/{edited.pk}/"' in detail
    detail = text_of(client.get(f"/clm/submissions/{edited.pk}/"))
    assert "Replaces" in detail and f'href="/clm/submissions/{first.pk}/"' in detail


def test_the_list_is_paged_and_pages_keep_the_filters(personas, login, clm, monkeypatch):
    monkeypatch.setattr(views_submissions, "PER_PAGE", 2)
    for n in range(5):
        receive(clm, f"uuid:p{n}")
    client = login(personas["secretariat_admin"])
    page = text_of(client.get("/clm/submissions/", {"site": "KZ-ALA-1"}))
    assert "page 1 of 3" in page
    assert "?site=KZ-ALA-1&amp;page=2" in page
    last = text_of(client.get("/clm/submissions/", {"site": "KZ-ALA-1", "page": "3"}))
    assert re.findall(r"uuid:p\d", last) == ["uuid:p0"]  # newest first: the oldest is last


def test_the_list_costs_the_same_queries_for_few_and_many_rows(personas, login, clm):
    client = login(personas["secretariat_admin"])
    receive(clm, "uuid:q0")
    client.get("/clm/submissions/")  # warm the per-process caches (site, session)
    with CaptureQueriesContext(connection) as few:
        assert client.get("/clm/submissions/").status_code == 200
    for n in range(1, 8):
        receive(clm, f"uuid:q{n}")
    with CaptureQueriesContext(connection) as many:
        page = client.get("/clm/submissions/")
    assert text_of(page).count("uuid:q") >= 8
    assert len(many) == len(few)


# --- One submission --------------------------------------------------------------------------


def test_the_detail_shows_answers_repeats_and_files(personas, login, clm):
    submission = receive(
        clm,
        "uuid:d1",
        photo="p.jpg",
        files=(SimpleUploadedFile("p.jpg", b"JPEGDATA", "image/jpeg"),),
    )
    client = login(personas["focal_point_kazakhstan"])
    page = text_of(client.get(f"/clm/submissions/{submission.pk}/"))
    assert "Waiting time (minutes)" in page and ">10<" in page
    assert "Almaty NSP" in page  # the site's name, not only its code
    # The repeat as a sub-table with its two visits.
    assert "Visit" in page and "2 entries" in page and ">a<" in page and ">b<" in page
    assert f'href="/clm/submissions/{submission.pk}/files/p.jpg"' in page
    assert "The raw XML is never changed" in page


def test_the_page_speaks_russian_to_a_russian_reader(personas, login, clm):
    submission = receive(clm, "uuid:ru1")
    reader = personas["focal_point_kazakhstan"]
    reader.language = "ru"
    reader.save(update_fields=["language"])
    page = text_of(login(reader).get(f"/clm/submissions/{submission.pk}/"))
    assert "Время ожидания (минуты)" in page and "Визит" in page and "Заметка" in page
    assert "Waiting time (minutes)" not in page


def test_choice_answers_show_their_labels_in_the_readers_language(personas, login, clm):
    submission = receive(clm, "uuid:ch1")
    reader = personas["focal_point_kazakhstan"]
    page = text_of(login(reader).get(f"/clm/submissions/{submission.pk}/"))
    assert "Yes" in page and "Needles and syringes, Opioid agonist therapy" in page
    reader.language = "ru"
    reader.save(update_fields=["language"])
    page = text_of(login(reader).get(f"/clm/submissions/{submission.pk}/"))
    assert "Да" in page and "Иглы и шприцы, Опиоидная заместительная терапия" in page


def test_the_raw_xml_downloads_as_it_arrived(personas, login, clm):
    submission = receive(clm, "uuid:raw1")
    response = login(clm["monitor"]).get(f"/clm/submissions/{submission.pk}/raw.xml")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/xml"
    assert response["Content-Disposition"] == 'attachment; filename="raw1.xml"'
    assert response.content == xml("uuid:raw1")
    stranger = login(personas["focal_point_georgia"])
    assert stranger.get(f"/clm/submissions/{submission.pk}/raw.xml").status_code == 404


def test_an_attachment_downloads_to_those_who_see_the_submission(personas, login, clm):
    submission = receive(
        clm,
        "uuid:att1",
        photo="p.jpg",
        files=(SimpleUploadedFile("p.jpg", b"JPEGDATA", "image/jpeg"),),
    )
    client = login(personas["focal_point_kazakhstan"])
    response = client.get(f"/clm/submissions/{submission.pk}/files/p.jpg")
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"JPEGDATA"
    assert response["Content-Type"] == "image/jpeg"
    assert response["Content-Disposition"].startswith("attachment;")
    assert client.get(f"/clm/submissions/{submission.pk}/files/other.jpg").status_code == 404
    stranger = login(personas["focal_point_georgia"])
    assert stranger.get(f"/clm/submissions/{submission.pk}/files/p.jpg").status_code == 404


# --- Review and correction ---------------------------------------------------------------------


def test_excluding_needs_a_reason_and_is_kept_in_the_history(personas, login, clm):
    submission = receive(clm, "uuid:rev1")
    client = login(personas["focal_point_kazakhstan"])
    url = f"/clm/submissions/{submission.pk}/review/"
    refused = client.post(url, {"review": "excluded", "note": "  "})
    assert refused.status_code == 400
    assert "Say why the submission is flagged or excluded." in text_of(refused)
    submission.refresh_from_db()
    assert submission.review == "pending" and not submission.events.exists()
    done = client.post(url, {"review": "excluded", "note": "Duplicate interview"}, follow=True)
    assert done.redirect_chain == [(f"/clm/submissions/{submission.pk}/", 302)]
    page = text_of(done)
    assert "Review saved: Excluded." in page
    submission.refresh_from_db()
    assert (submission.review, submission.review_note) == ("excluded", "Duplicate interview")
    event = submission.events.get()
    assert (event.kind, event.old_value, event.new_value, event.by) == (
        "review",
        "pending",
        "excluded",
        personas["focal_point_kazakhstan"],
    )
    history = page[page.index('id="history"') :]
    assert "Pending" in history and "Excluded" in history and "Duplicate interview" in history


def test_a_correction_changes_the_answer_and_keeps_the_raw_xml(personas, login, clm):
    submission = receive(clm, "uuid:cor1", wait="10")
    raw_before = bytes(submission.raw)
    client = login(personas["secretariat_admin"])
    url = f"/clm/submissions/{submission.pk}/correct/"
    missing_reason = client.post(url, {"question": "wait", "value": "15", "reason": ""})
    assert missing_reason.status_code == 400
    not_a_number = client.post(url, {"question": "wait", "value": "many", "reason": "Typo"})
    assert not_a_number.status_code == 400 and "Enter a number." in text_of(not_a_number)
    in_a_repeat = client.post(url, {"question": "visit/note", "value": "x", "reason": "Typo"})
    assert in_a_repeat.status_code == 400  # not offered: repeats are not corrected here
    response = client.post(
        url, {"question": "wait", "value": "15", "reason": "Monitor typed 10 for 15"}, follow=True
    )
    assert "Answer corrected" in text_of(response)
    submission.refresh_from_db()
    assert submission.data["wait"] == "15"
    assert bytes(submission.raw) == raw_before
    event = SubmissionEvent.objects.get(submission=submission, kind="correction")
    assert (event.question, event.old_value, event.new_value) == ("wait", "10", "15")
    history = text_of(response)[text_of(response).index('id="history"') :]
    assert "Waiting time (minutes)" in history and "Monitor typed 10 for 15" in history
    assert ">10<" in history and ">15<" in history


def test_a_monitor_can_neither_review_nor_correct(personas, login, clm):
    submission = receive(clm, "uuid:mon1")
    client = login(clm["monitor"])
    page = text_of(client.get(f"/clm/submissions/{submission.pk}/"))
    assert "Save the review" not in page and "Correct an answer" not in page
    review = client.post(f"/clm/submissions/{submission.pk}/review/", {"review": "approved"})
    correct = client.post(
        f"/clm/submissions/{submission.pk}/correct/",
        {"question": "wait", "value": "1", "reason": "x"},
    )
    assert (review.status_code, correct.status_code) == (403, 403)
    submission.refresh_from_db()
    assert (submission.review, submission.data["wait"]) == ("pending", "10")


# --- Downloads -------------------------------------------------------------------------------


def test_the_csv_has_a_row_per_submission_and_a_column_per_question(personas, login, clm):
    first = receive(clm, "uuid:csv1", wait="7", stock="no")
    receive(clm, "uuid:csv2", wait="=1+1", today="2026-02-01", site="KZ-ALA-2")
    client = login(personas["secretariat_admin"])
    response = client.get("/clm/submissions/export.csv", {"form": "subform"})
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="subform-submissions.csv"'
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert list(rows[0]) == [
        "submission_id",
        "instance_id",
        "received_at",
        "interview_date",
        "site_code",
        "site_name",
        "country_iso2",
        "review",
        "today",
        "site",
        "stock",
        "services",
        "wait",
        "photo",
    ]
    by_id = {row["instance_id"]: row for row in rows}
    assert by_id["uuid:csv1"]["submission_id"] == str(first.pk)
    assert (by_id["uuid:csv1"]["stock"], by_id["uuid:csv1"]["services"]) == ("no", "nsp oat")
    assert by_id["uuid:csv1"]["wait"] == "7" and by_id["uuid:csv1"]["interview_date"] == (
        "2026-11-20"
    )
    assert by_id["uuid:csv2"]["site_name"] == "Almaty OAT"
    assert by_id["uuid:csv2"]["country_iso2"] == "KZ"
    assert by_id["uuid:csv2"]["wait"] == "'=1+1"  # never a formula in a spreadsheet
    # Filters apply.
    flagged = client.get("/clm/submissions/export.csv", {"form": "subform", "site": "KZ-ALA-2"})
    assert b"uuid:csv1" not in b"".join(flagged.streaming_content)


def test_a_download_without_a_form_asks_for_one(personas, login, clm):
    receive(clm, "uuid:nf1")
    client = login(personas["secretariat_admin"])
    page = text_of(client.get("/clm/submissions/"))
    assert "To download answers (CSV, XLSX), choose a form" in page
    assert "export.csv" not in page
    response = client.get("/clm/submissions/export.xlsx", {"site": "KZ-ALA-1"}, follow=True)
    assert response.redirect_chain == [("/clm/submissions/?site=KZ-ALA-1", 302)]
    assert "Choose a form to download its submissions" in text_of(response)
    with_form = text_of(client.get("/clm/submissions/", {"form": "subform"}))
    assert "export.csv?form=subform" in with_form
    assert "Repeat groups and the question labels are in the XLSX only." in with_form
    assert client.get("/clm/submissions/export.pdf", {"form": "subform"}).status_code == 404


def test_the_xlsx_has_the_repeat_groups_and_the_questions(personas, login, clm):
    submission = receive(clm, "uuid:x1", wait="12")
    client = login(personas["focal_point_kazakhstan"])
    response = client.get("/clm/submissions/export.xlsx", {"form": "subform"})
    assert response.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    assert book.sheetnames == ["submissions", "visit", "questions"]
    main = list(book["submissions"].values)
    assert main[0][:3] == ("submission_id", "instance_id", "received_at")
    header = main[0]
    assert main[1][header.index("wait")] == 12  # a number, not text
    assert main[1][header.index("stock")] == "yes"
    assert list(book["visit"].values) == [
        ("submission_id", "instance_id", "index", "visit/note"),
        (submission.pk, "uuid:x1", "1", "a"),
        (submission.pk, "uuid:x1", "2", "b"),
    ]
    questions = {row[0]: row for row in book["questions"].values if row[2] != "choice"}
    assert questions["wait"][4:6] == ("Waiting time (minutes)", "Время ожидания (минуты)")
    assert questions["visit/note"][1] == "visit"
