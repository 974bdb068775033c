"""The OpenRosa server as ODK Collect sees it: formList, form and media download, HEAD and
multipart POST of submissions with Digest authentication, de-duplication, edits, attachments
split over several POSTs, app-user tokens, and every refusal kept and answered with a message.
The HTTP exchange replayed here is Collect's (https://docs.getodk.org/openrosa/)."""

from __future__ import annotations

import base64
import hashlib
import json
import time
import zlib

import pytest
from defusedxml import ElementTree

from hrmonitor.clm import openrosa, services
from hrmonitor.clm.models import Form, Project, Submission

from .conftest import MONITOR_PASSWORD, Collect, instance_xml

pytestmark = pytest.mark.django_db

LIST = "{http://openrosa.org/xforms/xformsList}"
MANIFEST = "{http://openrosa.org/xforms/xformsManifest}"
RESPONSE = "{http://openrosa.org/http/response}"


def base(project: Project) -> str:
    return f"/openrosa/projects/{project.pk}"


def message(response) -> str:  # type: ignore[no-untyped-def]
    root = ElementTree.fromstring(response.content)
    assert root.tag == f"{RESPONSE}OpenRosaResponse"
    return root.find(f"{RESPONSE}message").text or ""


# --- Authentication --------------------------------------------------------------------------


def test_without_credentials_the_server_challenges_with_digest(client, clm_setup):
    response = client.get(f"{base(clm_setup['project'])}/formList")
    assert response.status_code == 401
    assert response["X-OpenRosa-Version"] == "1.0"
    challenge = response["WWW-Authenticate"]
    assert challenge.startswith("Digest ")
    params = openrosa.parse_digest(challenge)
    assert params is not None
    assert params["realm"] == openrosa.realm()
    assert params["qop"] == "auth"


def test_digest_with_the_right_password_lists_the_forms(collect, clm_setup):
    response = collect.request("GET", f"{base(clm_setup['project'])}/formList")
    assert response.status_code == 200
    assert response["X-OpenRosa-Version"] == "1.0"
    assert response["Content-Type"].startswith("text/xml")
    root = ElementTree.fromstring(response.content)
    assert root.tag == f"{LIST}xforms"
    (xform,) = root.findall(f"{LIST}xform")
    assert xform.find(f"{LIST}formID").text == "tform"
    assert xform.find(f"{LIST}name").text == "Test form"
    assert xform.find(f"{LIST}version").text == "1"
    download = xform.find(f"{LIST}downloadUrl").text
    manifest = xform.find(f"{LIST}manifestUrl").text
    assert download.endswith(f"/openrosa/projects/{clm_setup['project'].pk}/forms/tform.xml")
    # The hash is the md5 of exactly what the download URL serves.
    body = collect.request("GET", download.replace("http://testserver", "")).content
    assert (
        xform.find(f"{LIST}hash").text
        == "md5:" + hashlib.md5(body, usedforsecurity=False).hexdigest()
    )
    assert manifest.endswith("/forms/tform/manifest")


def test_a_wrong_password_stale_nonce_or_other_uri_is_refused(client, clm_setup):
    uri = f"{base(clm_setup['project'])}/formList"
    challenge = client.get(uri)["WWW-Authenticate"]
    user = clm_setup["monitor"].username
    wrong = openrosa.digest_authorization(user, "wrong", challenge, "GET", uri)
    assert client.get(uri, HTTP_AUTHORIZATION=wrong).status_code == 401
    other_uri = openrosa.digest_authorization(user, MONITOR_PASSWORD, challenge, "GET", "/x")
    assert client.get(uri, HTTP_AUTHORIZATION=other_uri).status_code == 401
    old = f'Digest realm="{openrosa.realm()}", nonce="{_old_nonce()}", qop="auth"'
    stale = openrosa.digest_authorization(user, MONITOR_PASSWORD, old, "GET", uri)
    response = client.get(uri, HTTP_AUTHORIZATION=stale)
    assert response.status_code == 401
    assert "stale=TRUE" in response["WWW-Authenticate"]
    forged = old.replace(_old_nonce(), "bm90LW91cnM")
    response = client.get(
        uri,
        HTTP_AUTHORIZATION=openrosa.digest_authorization(
            user, MONITOR_PASSWORD, forged, "GET", uri
        ),
    )
    assert response.status_code == 401
    assert "stale" not in response["WWW-Authenticate"]


def _old_nonce() -> str:
    from django.conf import settings

    return openrosa.make_nonce(settings.SECRET_KEY, now=time.time() - 2 * 3600)


def _basic(username: str, password: str) -> str:
    return "Basic " + base64.b64encode(f"{username}:{password}".encode()).decode()


def test_basic_credentials_count_over_https_only(client, clm_setup):
    uri = f"{base(clm_setup['project'])}/formList"
    basic = _basic(clm_setup["monitor"].username, MONITOR_PASSWORD)
    assert client.get(uri, HTTP_AUTHORIZATION=basic).status_code == 401
    assert client.get(uri, HTTP_AUTHORIZATION=basic, secure=True).status_code == 200


def test_the_password_hash_for_digest_follows_password_changes(client, clm_setup):
    monitor = clm_setup["monitor"]
    monitor.set_password("A-new-password-2027")
    monitor.save()
    uri = f"{base(clm_setup['project'])}/formList"
    assert (
        Collect(client, monitor.username, MONITOR_PASSWORD).request("GET", uri).status_code == 401
    )
    assert (
        Collect(client, monitor.username, "A-new-password-2027").request("GET", uri).status_code
        == 200
    )


def test_monitors_see_only_their_projects(client, clm_setup, personas):
    other = Project.objects.create(name="Other", country=clm_setup["project"].country)
    response = Collect(client, clm_setup["monitor"].username, MONITOR_PASSWORD).request(
        "GET", f"{base(other)}/formList"
    )
    assert response.status_code == 403
    assert response["X-OpenRosa-Version"] == "1.0"
    assert "not a monitor" in message(response)
    member = personas["member"]
    member.set_password("Member-pass-2026")
    member.save()
    response = Collect(client, member.username, "Member-pass-2026").request(
        "GET", f"{base(clm_setup['project'])}/formList"
    )
    assert response.status_code == 403


def test_form_id_filter_and_closed_forms(collect, clm_setup):
    uri = f"{base(clm_setup['project'])}/formList"
    assert b"<formID>tform</formID>" in collect.request("GET", uri + "?formID=tform").content
    assert b"<xform>" not in collect.request("GET", uri + "?formID=nothing").content
    Form.objects.filter(pk=clm_setup["form"].pk).update(state=Form.State.CLOSING)
    assert b"<xform>" not in collect.request("GET", uri).content


# --- Forms and media -------------------------------------------------------------------------


def test_the_manifest_lists_the_generated_site_list(collect, clm_setup):
    response = collect.request("GET", f"{base(clm_setup['project'])}/forms/tform/manifest")
    assert response.status_code == 200
    root = ElementTree.fromstring(response.content)
    (media,) = root.findall(f"{MANIFEST}mediaFile")
    assert media.find(f"{MANIFEST}filename").text == "sites.csv"
    url = media.find(f"{MANIFEST}downloadUrl").text.replace("http://testserver", "")
    csv = collect.request("GET", url)
    assert csv.status_code == 200
    assert (
        media.find(f"{MANIFEST}hash").text
        == "md5:" + hashlib.md5(csv.content, usedforsecurity=False).hexdigest()
    )
    assert csv.content.decode().splitlines() == [
        "name,label,country,locality,kind",
        "KZ-ALA-1,Almaty NSP,KZ,Almaty,nsp_fixed",
    ]
    assert collect.request("GET", url.replace("sites.csv", "other.csv")).status_code == 404


def test_the_form_download_is_the_xform(collect, clm_setup):
    response = collect.request("GET", f"{base(clm_setup['project'])}/forms/tform.xml")
    assert response.status_code == 200
    root = ElementTree.fromstring(response.content)
    assert root.tag == "{http://www.w3.org/1999/xhtml}html"
    assert b"jr://file-csv/sites.csv" in response.content
    assert collect.request("GET", f"{base(clm_setup['project'])}/forms/none.xml").status_code == 404


# --- Submissions -----------------------------------------------------------------------------


def test_head_tells_the_accepted_size(collect, clm_setup):
    response = collect.request("HEAD", f"{base(clm_setup['project'])}/submission")
    assert response.status_code == 204
    assert int(response["X-OpenRosa-Accept-Content-Length"]) >= 1_000_000
    assert response["X-OpenRosa-Version"] == "1.0"


def test_a_submission_is_accepted_with_201_and_parsed(collect, clm_setup):
    response = collect.submit(
        f"{base(clm_setup['project'])}/submission",
        instance_xml(photo="p1.jpg"),
        ("p1.jpg", b"\xff\xd8photo"),
    )
    assert response.status_code == 201
    assert response["X-OpenRosa-Version"] == "1.0"
    assert "received" in message(response)
    submission = Submission.objects.get()
    assert submission.intake == Submission.Intake.ACCEPTED
    assert submission.instance_id == "uuid:0001"
    assert submission.site == clm_setup["site"]
    assert submission.country.iso2 == "KZ"
    assert submission.submitted_by == clm_setup["monitor"]
    assert str(submission.interview_date) == "2026-11-20"
    assert submission.data["stock"] == "yes"
    assert submission.data["visit"] == [{"visit/note": "first"}, {"visit/note": "second"}]
    assert bytes(submission.raw) == instance_xml(photo="p1.jpg")
    (attachment,) = submission.attachments.all()
    assert attachment.name == "p1.jpg"
    assert attachment.sha256 == hashlib.sha256(b"\xff\xd8photo").hexdigest()
    assert submission.attachments_expected == 1


def test_an_identical_resubmission_is_201_and_stored_once(collect, clm_setup):
    uri = f"{base(clm_setup['project'])}/submission"
    assert collect.submit(uri, instance_xml()).status_code == 201
    again = collect.submit(uri, instance_xml())
    assert again.status_code == 201
    assert Submission.objects.count() == 1


def test_the_same_id_with_other_content_is_409_and_kept(collect, clm_setup):
    uri = f"{base(clm_setup['project'])}/submission"
    assert collect.submit(uri, instance_xml()).status_code == 201
    conflict = collect.submit(uri, instance_xml(stock="no"))
    assert conflict.status_code == 409
    assert message(conflict)
    kept = Submission.objects.get(intake=Submission.Intake.CONFLICT)
    assert bytes(kept.raw) == instance_xml(stock="no")
    assert kept.review == Submission.Review.FLAGGED
    assert Submission.objects.get(intake=Submission.Intake.ACCEPTED).data["stock"] == "yes"


def test_attachments_split_over_several_posts_join_one_submission(collect, clm_setup):
    uri = f"{base(clm_setup['project'])}/submission"
    xml = instance_xml(photo="a.jpg")
    assert collect.submit(uri, xml, ("a.jpg", b"first part")).status_code == 201
    assert collect.submit(uri, xml, ("b.jpg", b"second part")).status_code == 201
    submission = Submission.objects.get()
    assert sorted(a.name for a in submission.attachments.all()) == ["a.jpg", "b.jpg"]


def test_an_edit_by_deprecated_id_replaces_the_earlier_version(collect, clm_setup):
    uri = f"{base(clm_setup['project'])}/submission"
    assert collect.submit(uri, instance_xml("uuid:v1")).status_code == 201
    edit = instance_xml("uuid:v2", stock="no", deprecated="uuid:v1")
    assert collect.submit(uri, edit).status_code == 201
    first = Submission.objects.get(instance_id="uuid:v1")
    second = Submission.objects.get(instance_id="uuid:v2")
    assert first.superseded_by == second
    assert second.deprecated_id == "uuid:v1"
    assert not first.is_current and second.is_current


@pytest.mark.parametrize(
    ("xml", "code"),
    [
        (b"this is not xml", "not_xml"),
        (b"", "empty"),
        (b'<data version="1"><meta><instanceID>uuid:x</instanceID></meta></data>', "no_form_id"),
        (b'<data id="tform" version="1"><stock>yes</stock></data>', "no_instance_id"),
        (
            b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 '
            b'"&lol;&lol;&lol;">]><data id="tform"><x>&lol2;</x></data>',
            "forbidden_xml",
        ),
    ],
)
def test_a_malformed_submission_is_kept_flagged_and_answered_400(collect, clm_setup, xml, code):
    response = collect.submit(f"{base(clm_setup['project'])}/submission", xml)
    assert response.status_code == 400
    assert message(response)
    kept = Submission.objects.get()
    assert kept.intake == Submission.Intake.MALFORMED
    assert kept.problem.startswith(code)
    assert bytes(kept.raw) == xml
    assert kept.review == Submission.Review.FLAGGED
    assert kept.project == clm_setup["project"]


def test_a_submission_for_an_unknown_form_or_version_is_kept_and_answered_404(collect, clm_setup):
    uri = f"{base(clm_setup['project'])}/submission"
    response = collect.submit(uri, instance_xml(form_id="nosuchform"))
    assert response.status_code == 404
    assert "nosuchform" in message(response)
    response = collect.submit(uri, instance_xml("uuid:v9", version="9"))
    assert response.status_code == 404
    assert sorted(Submission.objects.values_list("intake", flat=True)) == [
        "unknown_form",
        "unknown_form",
    ]


def test_a_post_without_the_xml_part_is_kept(collect, clm_setup):
    from django.core.files.uploadedfile import SimpleUploadedFile

    uri = f"{base(clm_setup['project'])}/submission"
    collect.request("HEAD", uri)
    response = collect.request(
        "POST", uri, data={"other": SimpleUploadedFile("x.txt", b"hello", "text/plain")}
    )
    assert response.status_code == 400
    kept = Submission.objects.get()
    assert kept.intake == Submission.Intake.MALFORMED
    assert b"hello" in bytes(kept.raw)


def test_a_closed_form_refuses_submissions_but_keeps_them(collect, clm_setup):
    Form.objects.filter(pk=clm_setup["form"].pk).update(state=Form.State.CLOSED)
    response = collect.submit(f"{base(clm_setup['project'])}/submission", instance_xml())
    assert response.status_code == 403
    assert Submission.objects.get().intake == Submission.Intake.FORM_CLOSED


def test_a_closing_form_still_accepts_submissions(collect, clm_setup):
    Form.objects.filter(pk=clm_setup["form"].pk).update(state=Form.State.CLOSING)
    response = collect.submit(f"{base(clm_setup['project'])}/submission", instance_xml())
    assert response.status_code == 201


def test_a_form_of_another_project_is_refused_and_kept(collect, clm_setup, personas):
    other = Project.objects.create(name="Other", country=clm_setup["project"].country)
    other.monitors.add(clm_setup["monitor"])
    response = collect.submit(f"{base(other)}/submission", instance_xml())
    assert response.status_code == 403
    assert Submission.objects.get().intake == Submission.Intake.NOT_ALLOWED


def test_messages_follow_the_monitors_language(collect, clm_setup):
    monitor = clm_setup["monitor"]
    monitor.language = "ru"
    monitor.save()
    response = collect.submit(f"{base(clm_setup['project'])}/submission", instance_xml())
    assert response.status_code == 201
    assert message(response) == "Анкета получена, спасибо."


# --- App users: ODK Central-style tokens and the QR code -------------------------------------


def test_an_app_user_token_in_the_url_works_without_a_password(client, clm_setup):
    project = clm_setup["project"]
    app_user, token = services.app_user_create(
        user=clm_setup["admin"], project=project, display_name="Phone 1"
    )
    prefix = f"/openrosa/key/{token}/projects/{project.pk}"
    listing = client.get(f"{prefix}/formList")
    assert listing.status_code == 200
    assert (
        f"/openrosa/key/{token}/projects/{project.pk}/forms/tform.xml".encode() in listing.content
    )
    collect = Collect(client)
    response = collect.submit(f"{prefix}/submission", instance_xml())
    assert response.status_code == 201
    submission = Submission.objects.get()
    assert submission.app_user == app_user
    assert submission.submitted_by is None
    app_user.refresh_from_db()
    assert app_user.last_used_at is not None
    assert app_user.token_hash != token and token not in app_user.token_hash


def test_a_revoked_or_foreign_token_is_refused(client, clm_setup):
    project = clm_setup["project"]
    app_user, token = services.app_user_create(
        user=clm_setup["admin"], project=project, display_name="Phone 1"
    )
    other = Project.objects.create(name="Other", country=project.country)
    assert client.get(f"/openrosa/key/{token}/projects/{other.pk}/formList").status_code == 403
    services.app_user_revoke(user=clm_setup["admin"], app_user=app_user)
    response = client.get(f"/openrosa/key/{token}/projects/{project.pk}/formList")
    assert response.status_code == 403
    assert response["X-OpenRosa-Version"] == "1.0"
    assert client.get(f"/openrosa/key/nonsense/projects/{project.pk}/formList").status_code == 403


def test_the_qr_code_carries_collect_settings(clm_setup):
    project = clm_setup["project"]
    url = f"https://hr.example.org/openrosa/key/TOKEN/projects/{project.pk}"
    settings_dict = services.collect_settings(server_url=url, project=project)
    payload = services.collect_qr_payload(settings_dict)
    decoded = json.loads(zlib.decompress(base64.b64decode(payload)))
    assert decoded["general"]["server_url"] == url
    assert decoded["admin"]["change_server"] is False
    assert decoded["project"]["name"] == "Almaty CLM"
    svg = services.collect_qr_svg(settings_dict)
    assert svg.lstrip().startswith("<svg")


def test_a_wrong_method_is_refused_with_the_openrosa_header(collect, clm_setup):
    response = collect.request("GET", f"{base(clm_setup['project'])}/submission")
    assert response.status_code == 405
    assert response["X-OpenRosa-Version"] == "1.0"
