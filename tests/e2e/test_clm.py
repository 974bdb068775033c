"""Community-led monitoring as a new user meets it, in Debian's chromium against the live
server: the Secretariat uploads the default client-experience XLSForm, adapted for Almaty, as
an .xlsx; ODK Collect's exact HTTP exchange (formList, HEAD, multipart POSTs with Digest,
resubmission, conflict, malformed) is replayed against the same server; the submissions page
shows what could not be accepted; the site's scorecard shows scores once five clients have
answered, in English and Russian; SO3.I1 now counts Kazakhstan."""

from __future__ import annotations

import http.client
import uuid
from decimal import Decimal
from pathlib import Path
from urllib.parse import urlparse

import pytest
from defusedxml import ElementTree

from factories import TEST_PASSWORD, country, user_with_role
from hrmonitor.clm import openrosa
from hrmonitor.clm.models import Form, Project, ServiceSite, Submission
from hrmonitor.clm.services import DEFAULT_FORMS_DIR
from hrmonitor.clm.xlsform import markdown_to_xlsx
from hrmonitor.core.models import User
from hrmonitor.core.roles import Role
from hrmonitor.framework.computation import Computer
from hrmonitor.framework.models import Indicator
from hrmonitor.framework.periods import parse_period

from .conftest import totp_now

pytestmark = pytest.mark.e2e

LIST = "{http://openrosa.org/xforms/xformsList}"


def adapted_default_form(tmp_path: Path) -> Path:
    """The shipped client-experience form, renamed for Almaty, as the .xlsx a coordinator
    would upload after adapting it in a spreadsheet program."""
    text = (DEFAULT_FORMS_DIR / "clm_client_experience.md").read_text(encoding="utf-8")
    text = text.replace("| clm_client_experience |", "| clm_client_experience_almaty |")
    path = tmp_path / "clm_client_experience_almaty.xlsx"
    path.write_bytes(markdown_to_xlsx(text.encode()))
    return path


def sign_in(page, username: str, *, totp: bool = False) -> None:  # type: ignore[no-untyped-def]
    page.goto(page.base_url + "/accounts/login/")
    page.fill("#id_login", username)
    page.fill("#id_password", TEST_PASSWORD)
    page.click("main button[type=submit]")
    if totp:
        page.fill("#id_code", totp_now("JBSWY3DPEHPK3PXP"))
        page.click("main button[type=submit]")


class Collect:
    """ODK Collect over plain http: Digest after the first 401, keep-alive, growing nc."""

    def __init__(self, base_url: str, username: str) -> None:
        url = urlparse(base_url)
        self.conn = http.client.HTTPConnection(url.hostname, url.port, timeout=30)
        self.username = username
        self.challenge = ""
        self.nc = 0

    def send(self, method: str, path: str, body: bytes | None = None, ctype: str = ""):  # type: ignore[no-untyped-def]
        for _attempt in range(2):
            headers = {"X-OpenRosa-Version": "1.0"}
            if ctype:
                headers["Content-Type"] = ctype
            if self.challenge:
                self.nc += 1
                headers["Authorization"] = openrosa.digest_authorization(
                    self.username, TEST_PASSWORD, self.challenge, method, path, nc=self.nc
                )
            self.conn.request(method, path, body=body, headers=headers)
            response = self.conn.getresponse()
            content = response.read()
            if response.status != 401:
                return response, content
            self.challenge = response.getheader("WWW-Authenticate") or ""
        return response, content

    def submit(self, path: str, xml: bytes):  # type: ignore[no-untyped-def]
        boundary = uuid.uuid4().hex
        body = (
            (
                f'--{boundary}\r\nContent-Disposition: form-data; name="xml_submission_file"; '
                f'filename="submission.xml"\r\nContent-Type: text/xml\r\n\r\n'
            ).encode()
            + xml
            + f"\r\n--{boundary}--\r\n".encode()
        )
        head, _content = self.send("HEAD", path)
        assert head.status == 204
        assert int(head.getheader("X-OpenRosa-Accept-Content-Length")) > 0
        return self.send("POST", path, body, f"multipart/form-data; boundary={boundary}")


def answers(n: int, good: bool) -> dict[str, str]:
    best = {"never": "never", "agree": "5", "yes": "yes"}
    return {
        "today": "2026-11-20",
        "consent": "yes",
        "site": "KZ-ALA-NSP1",
        "service_used": "syringes naloxone",
        "gender": "woman" if n % 2 else "man",
        "age_group": "25_34",
        "availability/syringes_stockout": best["never"] if good else "often",
        "availability/naloxone_stockout": "never" if good else "sometimes",
        "accessibility/hours_suit": best["agree"] if good else "2",
        "accessibility/police_deterred": "never" if good else "often",
        "acceptability/staff_respect": "5" if good else "3",
        "acceptability/confidentiality": "4",
        "quality/information": "5" if good else "2",
        "quality/psychosocial_offered": best["yes"] if good else "no",
    }


def test_upload_collect_exchange_and_scorecard(browser, live_server, tmp_path):
    kz = country("KZ")
    project = Project.objects.create(name="Almaty community monitoring", country=kz)
    site = ServiceSite.objects.create(
        code="KZ-ALA-NSP1",
        name="Needle and syringe point, Almaty",
        kind="nsp_fixed",
        country=kz,
        locality="Almaty",
    )
    monitor = user_with_role(Role.COMMUNITY_MONITOR, "KZ", username="aigerim", mfa=False)
    project.monitors.add(monitor)
    user_with_role(Role.SECRETARIAT_ADMIN, username="olena", mfa=True)

    context = browser.new_context(locale="en-GB", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.base_url = live_server.url
    sign_in(page, "olena", totp=True)

    # 1. Upload the adapted default form as .xlsx, for the Almaty project.
    page.goto(live_server.url + "/clm/forms/upload/")
    page.set_input_files("#id_file", str(adapted_default_form(tmp_path)))
    page.get_by_label("Almaty community monitoring").check()
    page.get_by_role("button", name="Upload").click()
    page.wait_for_url("**/clm/forms/*/")
    assert "was created" in page.content()
    assert page.get_by_text("Syringes").first.is_visible()
    form = Form.objects.get(xml_form_id="clm_client_experience_almaty")
    assert form.score_items.count() > 10  # the shipped mapping came with the adapted form

    # 2. ODK Collect: formList, HEAD, multipart POST with Digest — replayed byte for byte.
    collect = Collect(live_server.url, "aigerim")
    base = f"/openrosa/projects/{project.pk}"
    listing, content = collect.send("GET", f"{base}/formList")
    assert listing.status == 200
    assert listing.getheader("X-OpenRosa-Version") == "1.0"
    ids = [x.find(f"{LIST}formID").text for x in ElementTree.fromstring(content)]
    assert ids == ["clm_client_experience_almaty"]
    version = form.current_version.version
    for n in range(5):
        xml = openrosa.build_instance(
            form.xml_form_id, version, answers(n, good=n < 3), f"uuid:e2e-{n}"
        )
        response, _body = collect.submit(f"{base}/submission", xml)
        assert response.status == 201
    again, _body = collect.submit(
        f"{base}/submission",
        openrosa.build_instance(form.xml_form_id, version, answers(0, good=True), "uuid:e2e-0"),
    )
    assert again.status == 201
    conflict, _body = collect.submit(
        f"{base}/submission",
        openrosa.build_instance(form.xml_form_id, version, answers(0, good=False), "uuid:e2e-0"),
    )
    assert conflict.status == 409
    malformed, body = collect.submit(f"{base}/submission", b"<data id='clm_client_exp")
    assert malformed.status == 400
    assert b"OpenRosaResponse" in body
    assert Submission.objects.filter(intake="accepted").count() == 5

    # 3. The administrator sees what could not be accepted.
    page.goto(live_server.url + "/clm/submissions/?intake=rejected")
    rejected = page.locator("main table").inner_text()
    assert "Malformed" in rejected
    assert "Conflicting resubmission" in rejected
    page.screenshot(path=str(tmp_path / "rejected.png"), full_page=True)

    # 4. The site's scorecard, with five respondents, in English then Russian.
    page.goto(live_server.url + f"/clm/scorecards/sites/{site.pk}/")
    scorecard = page.locator("main").inner_text()
    assert "Availability" in scorecard
    assert "fewer than 5" not in scorecard.split("Availability")[1][:200]
    # The same page in Russian (her language setting), on a phone-sized screen.
    User.objects.filter(username="olena").update(language="ru")
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(live_server.url + f"/clm/scorecards/sites/{site.pk}/")
    assert "Наличие" in page.locator("main").inner_text()
    context.close()

    # 5. The results framework: communities monitor services in Kazakhstan (SO3.I1).
    indicator = Indicator.objects.get(code="SO3.I1")
    result = Computer.for_indicators([indicator], countries=[kz]).value(
        indicator, kz, parse_period("2026")
    )
    assert result.value == Decimal(1)
