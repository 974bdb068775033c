"""Project and process monitoring in a real browser — the issue's done-when: the Secretariat
plans an activity, records a training in Kyrgyzstan with 20 participants (12 women, 15
community members), imports its registration list; a participant fills the feedback form in
Russian without an account on a phone-sized screen; the output indicator and the progress
report for that quarter show it."""

from __future__ import annotations

import subprocess

import pytest
from django.core.management import call_command

from e2e.conftest import serious_violations
from e2e.test_framework_flow import sign_in
from factories import user_with_role
from hrmonitor.core.roles import Role
from hrmonitor.monitoring.models import Event, FeedbackResponse, Participant, WorkplanItem

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def registration_list(path) -> None:  # type: ignore[no-untyped-def]
    lines = ["ФИО,Страна,Пол,Роль,ЛУН,Согласие"]
    for n in range(20):
        lines.append(
            f"Участник {n + 1},KG,{'ж' if n < 12 else 'м'},community,"
            f"{'да' if n < 15 else 'нет'},{'да' if n % 2 else 'нет'}"
        )
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def test_plan_record_import_feedback_indicator_and_report(browser, live_server, tmp_path):
    user_with_role(Role.ME_OFFICER, username="olena", mfa=True)
    context = browser.new_context(locale="en-GB", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.base_url = live_server.url
    sign_in(page, "olena", totp=True)

    # Plan the activity.
    page.goto(live_server.url + "/monitoring/workplan/new/")
    page.select_option(
        "#id_activity", label=page.locator("#id_activity option", has_text="SO3.A1").inner_text()
    )
    page.fill("#id_title", "Community leadership trainings in Central Asia")
    page.fill("#id_start_date", "2026-01-01")
    page.fill("#id_end_date", "2026-06-30")
    page.select_option("#id_countries", label="Kyrgyzstan")
    page.get_by_role("button", name="Save").click()
    page.get_by_text("Saved: Community leadership trainings in Central Asia.").wait_for()
    item = WorkplanItem.objects.get()

    # Record the training from the planned activity.
    page.get_by_role("link", name="Record an event").click()
    page.select_option("#id_kind", "training")
    page.fill("#id_title", "Training of community leaders, Bishkek")
    page.fill("#id_start_date", "2026-02-10")
    page.fill("#id_end_date", "2026-02-12")
    page.fill("#id_place", "Bishkek")
    page.select_option("#id_countries", label="Kyrgyzstan")
    assert page.locator("#id_workplan_item").input_value() == str(item.pk)
    page.get_by_role("button", name="Save").click()
    page.get_by_text("Saved: Training of community leaders, Bishkek.").wait_for()
    event = Event.objects.get()

    # 20 participants, 12 women, 15 community members — then the registration list.
    page.get_by_role("link", name="Enter counts or import a list").click()
    page.get_by_label("Participants in all").fill("20")
    page.locator("#id_gender__woman").fill("12")
    page.locator("#id_community__pwud").fill("15")
    page.get_by_role("button", name="Save the counts").click()
    page.get_by_text("The participant counts are saved.").wait_for()
    assert page.locator("#participants-total").inner_text() == "20"
    page.get_by_role("link", name="Enter counts or import a list").click()
    path = tmp_path / "registration.csv"
    registration_list(path)
    page.set_input_files("#id_file", str(path))
    page.get_by_role("button", name="Import").click()
    page.get_by_text("20 participants imported").wait_for()
    assert Participant.objects.filter(event=event).count() == 20
    assert page.locator("#participants-women").inner_text() == "12"
    assert page.locator("#participants-pwud").inner_text() == "15"
    feedback_link = page.locator("input[readonly]").first.input_value()

    # A participant, without an account, on a phone, in Russian.
    phone = browser.new_context(locale="ru-RU", viewport={"width": 390, "height": 844})
    participant = phone.new_page()
    participant.goto(feedback_link + "?lang=ru")
    assert participant.locator("html").get_attribute("lang") == "ru"
    participant.get_by_text("Насколько полезным для вас было это мероприятие?").wait_for()
    participant.locator("fieldset", has_text="Насколько полезным").locator(
        "label", has_text="5"
    ).click()
    participant.locator("fieldset", has_text="Насколько это было актуально").locator(
        "label", has_text="4"
    ).click()
    participant.locator("fieldset", has_text="Будете ли вы применять").get_by_text("Да").click()
    participant.locator("textarea").first.fill("Ролевая игра: встреча с чиновниками")
    participant.locator("main button[type=submit]").click()
    participant.wait_for_url("**/thanks/**")
    answer = FeedbackResponse.objects.get()
    assert answer.language == "ru" and answer.answers["overall"] == 5
    phone.close()

    # The Secretariat's progress report for the quarter, in Russian, as a PDF.
    page.goto(live_server.url + "/monitoring/report/")
    page.get_by_label("Other dates (below)").check()
    page.fill("#id_date_from", "2026-01-01")
    page.fill("#id_date_to", "2026-03-31")
    page.select_option("#id_language", "ru")
    page.select_option("#id_format", "pdf")
    page.get_by_role("button", name="Generate the report").click()
    page.wait_for_url("**job=**")
    call_command("db_worker", batch=True, startup_delay=False, verbosity=0)
    download = page.get_by_role("link", name="Download the result")
    download.wait_for(timeout=30000)
    with page.expect_download() as info:
        download.click()
    path = tmp_path / "report.pdf"
    info.value.save_as(path)
    text = subprocess.run(  # noqa: S603 - a fixed command on the downloaded file
        ["/usr/bin/pdftotext", "-layout", str(path), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert "Training of community leaders, Bishkek" in " ".join(text.split())
    assert "Кыргызстан" in text and "20/12/15" in text.replace(" ", "")
    context.close()

    # The output indicator of the quarter counts the 15 community members, with lineage.
    public = browser.new_context(locale="en-GB")
    page = public.new_page()
    page.goto(live_server.url + "/framework/lineage/?indicator=SO3.O1&place=region&period=2026Q1")
    assert page.locator("strong", has_text="15").first.is_visible()
    assert page.get_by_text("Training of community leaders, Bishkek").first.is_visible()
    public.close()


@pytest.mark.parametrize("language", ["en", "ru"])
def test_the_public_feedback_form_is_accessible(axe_page, language, settings, tmp_path):
    from hrmonitor.core.demo import demo_populate

    settings.VAR_DIR = tmp_path
    demo_populate()
    event = Event.objects.filter(participants__isnull=False).distinct().get()
    axe_page.set_viewport_size({"width": 390, "height": 844})
    axe_page.goto(axe_page.base_url + f"/monitoring/feedback/{event.feedback_key}/?lang={language}")
    assert axe_page.locator("html").get_attribute("lang") == language
    assert serious_violations(axe_page) == []
