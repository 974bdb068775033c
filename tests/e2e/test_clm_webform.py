"""The CLM web form in a real browser: a monitor without ODK Collect opens the project's form,
loses the connection, fills it in, sends it (it waits on the device), comes back online and
the submission reaches the OpenRosa endpoint — accepted, with the chosen site and answers.
Nothing is fetched from outside this server; the page runs under the site's CSP plus
'wasm-unsafe-eval' (and no 'unsafe-eval')."""

from __future__ import annotations

import time
from collections.abc import Callable

import pytest

from e2e.test_framework_flow import sign_in
from factories import country, user_with_role
from hrmonitor.clm import services
from hrmonitor.clm.models import Form, Project, ServiceSite, Submission
from hrmonitor.core.models import User
from hrmonitor.core.roles import Role

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

WEBTEST_FORM = """\
| survey |
| | type | name | label::English (en) | label::Russian (ru) | required |
| | select_one_from_file sites.csv | site | Service site | Пункт услуг | yes |
| | select_one yes_no | syringes | Were syringes available? | Были ли в наличии шприцы? | yes |
| | integer | waited | Minutes waited | Сколько минут вы ждали? | yes |
| choices |
| | list_name | name | label::English (en) | label::Russian (ru) |
| | yes_no | yes | Yes | Да |
| | yes_no | no | No | Нет |
| settings |
| | form_id | form_title | version |
| | webtest | Web form test | 1 |
""".encode()


@pytest.fixture
def webform(settings, tmp_path):  # type: ignore[no-untyped-def]
    """A Kazakh project with one site, its monitor and the uploaded test form."""
    settings.MEDIA_ROOT = tmp_path / "media"
    kz = country("KZ")
    project = Project.objects.create(name="Almaty CLM", country=kz)
    ServiceSite.objects.create(
        code="KZ-ALA-NSP1", name="Almaty NSP", kind="nsp_fixed", country=kz, locality="Almaty"
    )
    monitor = user_with_role(Role.COMMUNITY_MONITOR, "KZ", username="aigerim", mfa=False)
    project.monitors.add(monitor)
    admin = user_with_role(Role.SECRETARIAT_ADMIN, username="secretariat", mfa=False)
    upload = services.form_upload(
        user=admin, content=WEBTEST_FORM, filename="webtest.md", projects=[project]
    )
    form = Form.objects.get(pk=upload.version.form_id)
    return {"project": project, "monitor": monitor, "form": form}


def watch_console(page) -> list[str]:  # type: ignore[no-untyped-def]
    problems: list[str] = []
    page.on("pageerror", lambda error: problems.append(f"page error: {error}"))
    page.on(
        "console",
        lambda message: problems.append(message.text) if message.type == "error" else None,
    )
    return problems


def open_form(page, webform) -> None:  # type: ignore[no-untyped-def]
    sign_in(page, webform["monitor"].username)
    page.goto(f"{page.base_url}/clm/forms/{webform['form'].pk}/fill/{webform['project'].pk}/")
    page.locator(".odk-form").wait_for()


def eventually(check: Callable[[], bool], seconds: float = 10) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(0.2)
    return check()


def fill(page, minutes: str) -> None:  # type: ignore[no-untyped-def]
    form = page.locator(".odk-form")
    form.get_by_text("Almaty NSP", exact=True).click()
    form.get_by_text("Yes", exact=True).click()
    # PrimeVue's number input takes typed keys, not a value set at once.
    form.get_by_role("spinbutton").press_sequentially(minutes)
    form.get_by_role("spinbutton").press("Tab")


def test_fill_offline_then_send_when_back_online(page, webform, requests_seen):
    problems = watch_console(page)
    open_form(page, webform)
    form = page.locator(".odk-form")
    form.get_by_text("Service site", exact=True).wait_for()
    form.get_by_text("Almaty NSP", exact=True).wait_for()  # sites.csv, from the server

    page.context.set_offline(True)
    page.get_by_text("You are offline.").wait_for()
    fill(page, "25")
    page.get_by_role("button", name="Send", exact=True).click()

    status = page.locator("#webform-status")
    saved = "Saved on this device. It will be sent when you are back online."
    status.get_by_text(saved).wait_for()
    page.get_by_text("Waiting to be sent: 1").wait_for()
    assert Submission.objects.count() == 0
    # The form is empty again, ready for the next interview.
    assert page.get_by_role("spinbutton").input_value() == ""

    page.context.set_offline(False)  # Chromium fires "online": the page sends by itself
    status.get_by_text("Sent.", exact=True).wait_for()
    assert eventually(lambda: Submission.objects.count() == 1)
    submission = Submission.objects.get()
    assert submission.intake == Submission.Intake.ACCEPTED
    assert submission.data["site"] == "KZ-ALA-NSP1"
    assert submission.data["syringes"] == "yes"
    assert str(submission.data["waited"]) == "25"
    assert submission.site is not None and submission.site.code == "KZ-ALA-NSP1"
    assert submission.submitted_by == webform["monitor"]
    assert submission.instance_id.startswith("uuid:")
    assert page.locator("#webform-queue").is_hidden()
    waiting = page.evaluate(
        """async () => {
            const db = await new Promise((ok) => {
                const r = indexedDB.open('hrmonitor-webform'); r.onsuccess = () => ok(r.result);
            });
            return await new Promise((ok) => {
                const r = db.transaction('queue').objectStore('queue').count();
                r.onsuccess = () => ok(r.result);
            });
        }"""
    )
    assert waiting == 0

    assert requests_seen.outside() == []
    assert not [url for url in requests_seen if "MapBlock" in url]  # no map in this form
    assert problems == [], problems  # no CSP refusal (eval, WebAssembly), no script error


def test_an_online_submission_is_sent_at_once(page, webform, requests_seen):
    problems = watch_console(page)
    open_form(page, webform)
    fill(page, "5")
    page.get_by_role("button", name="Send", exact=True).click()
    page.locator("#webform-status").get_by_text("Sent.", exact=True).wait_for()
    assert Submission.objects.get().data["waited"] in (5, "5")
    assert requests_seen.outside() == []
    assert problems == [], problems


def test_a_failed_send_stays_on_the_device_until_send_now(page, webform):
    open_form(page, webform)
    # Online, but the request does not get through (a dropped connection).
    page.route("**/submission", lambda route: route.abort())
    fill(page, "7")
    page.get_by_role("button", name="Send", exact=True).click()
    page.locator("#webform-status").get_by_text(
        "Saved on this device. It will be sent when you are back online."
    ).wait_for()
    page.get_by_text("Waiting to be sent: 1").wait_for()
    assert Submission.objects.count() == 0
    page.unroute("**/submission")
    page.get_by_role("button", name="Send now").click()
    page.locator("#webform-status").get_by_text("Sent.", exact=True).wait_for()
    assert eventually(lambda: Submission.objects.count() == 1)
    assert page.locator("#webform-queue").is_hidden()


def test_what_waits_is_sent_when_the_page_opens_again(page, webform):
    open_form(page, webform)
    page.context.set_offline(True)
    fill(page, "9")
    page.get_by_role("button", name="Send", exact=True).click()
    page.get_by_text("Waiting to be sent: 1").wait_for()
    page.close()  # the monitor closes the tab before the connection is back
    assert Submission.objects.count() == 0
    later = page.context.new_page()
    later.base_url = page.base_url
    page.context.set_offline(False)
    later.goto(f"{page.base_url}/clm/forms/{webform['form'].pk}/fill/{webform['project'].pk}/")
    later.locator("#webform-status").get_by_text("Sent.", exact=True).wait_for()
    assert eventually(lambda: Submission.objects.count() == 1)


def test_a_refused_submission_shows_the_servers_message(page, webform):
    open_form(page, webform)
    # The form closes while the monitor fills it: the server keeps the submission for the
    # coordinator and says why; the browser shows that and does not keep it waiting.
    fill(page, "3")
    Form.objects.filter(pk=webform["form"].pk).update(state=Form.State.CLOSED)
    page.get_by_role("button", name="Send", exact=True).click()
    refused = (
        "The server refused this submission: This form is closed and no longer accepts submissions."
    )
    page.locator("#webform-status").get_by_text(refused).wait_for()
    assert Submission.objects.get().intake == Submission.Intake.FORM_CLOSED
    assert page.locator("#webform-queue").is_hidden()


def test_a_signed_out_browser_keeps_the_submission(page, webform):
    open_form(page, webform)
    fill(page, "4")
    page.context.clear_cookies()  # the session ended (signed out in another tab, expired)
    page.get_by_role("button", name="Send", exact=True).click()
    page.locator("#webform-status").get_by_text(
        "Not sent, kept on this device: You are signed out. Sign in again, then come back to "
        "this page: the submissions wait on this device."
    ).wait_for()
    page.get_by_text("Waiting to be sent: 1").wait_for()
    assert Submission.objects.count() == 0


def test_on_a_shared_device_each_monitor_sends_only_their_own(page, webform):
    colleague = user_with_role(Role.COMMUNITY_MONITOR, "KZ", username="dana", mfa=False)
    webform["project"].monitors.add(colleague)
    open_form(page, webform)
    page.context.set_offline(True)
    fill(page, "11")
    page.get_by_role("button", name="Send", exact=True).click()
    page.get_by_text("Waiting to be sent: 1").wait_for()
    page.context.clear_cookies()  # the first monitor signs out, still offline
    page.context.set_offline(False)

    open_form(page, {**webform, "monitor": colleague})
    page.get_by_role("button", name="Send now").wait_for(state="hidden")
    page.wait_for_timeout(500)
    assert Submission.objects.count() == 0

    page.context.clear_cookies()
    open_form(page, webform)
    page.locator("#webform-status").get_by_text("Sent.", exact=True).wait_for()
    assert eventually(lambda: Submission.objects.count() == 1)
    assert Submission.objects.get().submitted_by == webform["monitor"]


def test_a_russian_speaking_monitor_gets_the_russian_labels(page, webform):
    User.objects.filter(pk=webform["monitor"].pk).update(language="ru")
    open_form(page, webform)
    form = page.locator(".odk-form")
    form.get_by_text("Были ли в наличии шприцы?").wait_for()
    assert form.get_by_text("Were syringes available?").count() == 0
    assert page.locator("html").get_attribute("lang") == "ru"


def test_a_page_visited_once_opens_again_offline(page, webform, requests_seen):
    """The service worker keeps the page, its form, media and scripts: a monitor who opened
    the form once online reopens it without a connection, fills it, and it is sent later."""
    problems = watch_console(page)
    page.context.on("request", lambda request: requests_seen.append(request.url))  # + worker
    open_form(page, webform)
    page.locator(".odk-form").get_by_text("Almaty NSP", exact=True).wait_for()
    scope = page.evaluate("navigator.serviceWorker.ready.then((r) => r.scope)")
    assert scope == f"{page.base_url}/clm/forms/"
    page.reload()
    page.locator(".odk-form").get_by_text("Almaty NSP", exact=True).wait_for()
    assert page.evaluate("navigator.serviceWorker.controller !== null")
    # The worker keeps the form page and nothing that is not the form's.
    kept = page.evaluate(
        """async () => {
            const names = await caches.keys();
            const cache = await caches.open('hrmonitor-webform-v1');
            return [names, (await cache.keys()).map((r) => new URL(r.url).pathname)];
        }"""
    )
    assert kept[0] == ["hrmonitor-webform-v1"]
    fill_page = f"/clm/forms/{webform['form'].pk}/fill/{webform['project'].pk}/"
    assert fill_page in kept[1]
    assert not [path for path in kept[1] if "formList" in path or "submission" in path]

    page.context.set_offline(True)
    page.reload()
    form = page.locator(".odk-form")
    form.get_by_text("Service site", exact=True).wait_for()
    form.get_by_text("Almaty NSP", exact=True).wait_for()  # sites.csv, from the cache
    page.get_by_text("You are offline.").wait_for()
    fill(page, "31")
    page.get_by_role("button", name="Send", exact=True).click()
    status = page.locator("#webform-status")
    status.get_by_text("Saved on this device. It will be sent when you are back online.").wait_for()
    page.get_by_text("Waiting to be sent: 1").wait_for()
    assert Submission.objects.count() == 0

    page.context.set_offline(False)
    status.get_by_text("Sent.", exact=True).wait_for()
    assert eventually(lambda: Submission.objects.count() == 1)
    submission = Submission.objects.get()
    assert submission.intake == Submission.Intake.ACCEPTED
    assert str(submission.data["waited"]) == "31"
    assert submission.submitted_by == webform["monitor"]
    assert page.locator("#webform-queue").is_hidden()
    assert requests_seen.outside() == []
    assert problems == [], problems


def test_the_worker_does_not_keep_a_sign_in_redirect_as_the_form(page, webform):
    open_form(page, webform)
    page.evaluate("navigator.serviceWorker.ready")
    page.reload()
    page.locator(".odk-form").wait_for()
    page.context.clear_cookies()  # signed out: the page now redirects to the sign-in page
    page.reload()
    page.wait_for_url("**/accounts/login/**")
    page.context.set_offline(True)
    # Offline, the last good copy of the form opens, not the sign-in page.
    page.goto(f"{page.base_url}/clm/forms/{webform['form'].pk}/fill/{webform['project'].pk}/")
    page.locator(".odk-form").get_by_text("Service site", exact=True).wait_for()
