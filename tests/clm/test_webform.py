"""The web form page: who may open it, the settings it gives its script, the relaxed
Content-Security-Policy of this page alone, and the session POST the browser uses to send
(the CSRF token is required)."""

from __future__ import annotations

import json
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from factories import country, user_with_role
from hrmonitor.clm.models import Form, Project, Submission
from hrmonitor.core.roles import Role

from .conftest import instance_xml

pytestmark = pytest.mark.django_db


def page_url(form: Form, project: Project) -> str:
    return f"/clm/forms/{form.pk}/fill/{project.pk}/"


def config_of(response) -> dict:  # type: ignore[no-untyped-def]
    match = re.search(
        r'<script id="webform-config" type="application/json">(.*?)</script>',
        response.content.decode(),
        re.S,
    )
    assert match, "the page carries its settings in json_script"
    return json.loads(match[1])


def test_a_monitor_of_the_project_gets_the_form_with_its_urls(client, clm_setup):
    form, project = clm_setup["form"], clm_setup["project"]
    client.force_login(clm_setup["monitor"])
    response = client.get(page_url(form, project))
    assert response.status_code == 200
    text = response.content.decode()
    assert 'type="module" src="/static/vendor/odk-web-forms/main.js"' in text
    assert "Test form" in text and "Almaty CLM" in text
    config = config_of(response)
    base = f"/openrosa/projects/{project.pk}"
    assert config["formUrl"] == f"{base}/forms/tform.xml"
    assert config["attachmentBaseUrl"] == f"{base}/forms/tform/attachments/"
    assert config["submissionUrl"] == f"{base}/submission"
    assert config["language"] == "en"
    assert config["user"] == clm_setup["monitor"].pk
    assert config["pageUrl"] == page_url(form, project)
    assert config["csrfToken"]
    # The script's texts are on the page, translated.
    assert "Saved on this device. It will be sent when you are back online." in text
    assert "Waiting to be sent: %(n)s" in text
    # No inline script: only the module and the JSON data block.
    scripts = re.findall(r"<script(?![^>]*\bsrc=)([^>]*)>", text)
    assert scripts == [' id="webform-config" type="application/json"']


def test_the_urls_of_the_config_serve_the_browser_session(client, clm_setup):
    client.force_login(clm_setup["monitor"])
    config = config_of(client.get(page_url(clm_setup["form"], clm_setup["project"])))
    xform = client.get(config["formUrl"])
    assert xform.status_code == 200 and b"jr://file-csv/sites.csv" in xform.content
    sites = client.get(config["attachmentBaseUrl"] + "sites.csv")
    assert sites.status_code == 200 and b"KZ-ALA-1,Almaty NSP" in sites.content


def test_the_page_speaks_the_monitors_language(client, clm_setup):
    monitor = clm_setup["monitor"]
    monitor.language = "ru"
    monitor.save()
    client.force_login(monitor)
    response = client.get(page_url(clm_setup["form"], clm_setup["project"]))
    assert config_of(response)["language"] == "ru"
    assert 'lang="ru"' in response.content.decode()


def test_a_monitor_of_another_project_is_refused(client, clm_setup):
    other = Project.objects.create(name="Bishkek CLM", country=country("KG"))
    stranger = user_with_role(Role.COMMUNITY_MONITOR, "KG", mfa=False)
    other.monitors.add(stranger)
    client.force_login(stranger)
    form, project = clm_setup["form"], clm_setup["project"]
    assert client.get(page_url(form, project)).status_code == 404
    # Their own project does not have this form either.
    assert client.get(page_url(form, other)).status_code == 404


def test_a_closed_form_or_a_form_without_version_is_not_offered(client, clm_setup):
    form, project = clm_setup["form"], clm_setup["project"]
    client.force_login(clm_setup["monitor"])
    Form.objects.filter(pk=form.pk).update(state=Form.State.CLOSED)
    assert client.get(page_url(form, project)).status_code == 404
    Form.objects.filter(pk=form.pk).update(state=Form.State.OPEN, current_version=None)
    assert client.get(page_url(form, project)).status_code == 404
    assert client.get(f"/clm/forms/999999/fill/{project.pk}/").status_code == 404


def test_anonymous_visitors_are_sent_to_sign_in(client, clm_setup):
    url = page_url(clm_setup["form"], clm_setup["project"])
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
    assert "next=" in response["Location"]


def test_only_this_page_may_compile_webassembly(client, clm_setup):
    client.force_login(clm_setup["monitor"])
    policy = client.get(page_url(clm_setup["form"], clm_setup["project"]))[
        "Content-Security-Policy"
    ]
    script_src = next(p for p in policy.split(";") if p.strip().startswith("script-src"))
    assert script_src.split() == ["script-src", "'self'", "'wasm-unsafe-eval'"]
    assert "unsafe-eval'" not in policy.replace("'wasm-unsafe-eval'", "")
    assert "connect-src 'self'" in policy and "default-src 'self'" in policy
    for other in ("/", "/accounts/login/"):
        assert "wasm-unsafe-eval" not in client.get(other)["Content-Security-Policy"]


def submission_parts(instance_id: str) -> dict[str, SimpleUploadedFile]:
    xml = instance_xml(instance_id)
    return {"xml_submission_file": SimpleUploadedFile("submission.xml", xml, "text/xml")}


def test_a_session_post_needs_the_csrf_token(clm_setup):
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(clm_setup["monitor"])
    page = browser.get(page_url(clm_setup["form"], clm_setup["project"]))
    url = config_of(page)["submissionUrl"]

    refused = browser.post(url, submission_parts("uuid:web-1"))
    assert refused.status_code == 403
    assert b"Reload the page and send again." in refused.content
    assert Submission.objects.count() == 0  # refused before anything is kept

    token = browser.cookies["csrftoken"].value
    accepted = browser.post(url, submission_parts("uuid:web-1"), HTTP_X_CSRFTOKEN=token)
    assert accepted.status_code == 201
    submission = Submission.objects.get()
    assert submission.intake == Submission.Intake.ACCEPTED
    assert submission.submitted_by == clm_setup["monitor"]
    assert submission.data["site"] == "KZ-ALA-1"
    # The token of the page works as well as the cookie's.
    again = browser.post(
        url, submission_parts("uuid:web-2"), HTTP_X_CSRFTOKEN=config_of(page)["csrfToken"]
    )
    assert again.status_code == 201


def test_the_access_check_of_the_script_tells_refusals_apart(client, clm_setup):
    """The script asks formList before sending: a refusal there (here: no longer a monitor)
    carries a message and means the server would not keep the submission."""
    client.force_login(clm_setup["monitor"])
    url = config_of(client.get(page_url(clm_setup["form"], clm_setup["project"])))["submissionUrl"]
    assert client.get(url.replace("submission", "formList")).status_code == 200
    clm_setup["project"].monitors.remove(clm_setup["monitor"])
    refused = client.get(url.replace("submission", "formList"))
    assert refused.status_code == 403
    assert b"You are not a monitor of this project." in refused.content


def test_the_service_worker_is_served_fresh_as_javascript(client, clm_setup):
    """The worker that lets a form page visited once open again offline: public (it holds no
    data), never kept by the HTTP cache, and registered by the page from its config."""
    response = client.get("/clm/webform-sw.js")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/javascript")
    assert "no-cache" in response["Cache-Control"]
    script = response.content.decode()
    assert '"cache": "hrmonitor-webform-v1"' in script
    assert '"formsPrefix": "/clm/forms/"' in script
    assert '"openrosaPrefix": "/openrosa/"' in script
    assert client.post("/clm/webform-sw.js").status_code == 405
    client.force_login(clm_setup["monitor"])
    config = config_of(client.get(page_url(clm_setup["form"], clm_setup["project"])))
    assert config["swUrl"] == "/clm/webform-sw.js"
    assert config["swScope"] == "/clm/forms/"
