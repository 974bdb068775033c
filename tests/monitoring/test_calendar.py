"""The events calendar: the month grid, who sees internal events, the iCalendar export and the
public page of an event."""

from __future__ import annotations

import datetime as dt
import re

import icalendar
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from factories import country
from hrmonitor.monitoring import services, views_calendar
from hrmonitor.monitoring.models import Event, EventDocument
from hrmonitor.monitoring.views_calendar import month_start, month_weeks

pytestmark = pytest.mark.django_db

FEBRUARY = {"month": "2026-02"}


@pytest.fixture
def internal(personas) -> Event:  # type: ignore[no-untyped-def]
    return services.event_save(
        user=personas["secretariat_admin"],
        kind=Event.Kind.MEETING_OFFICIALS,
        title="Closed meeting with the drug control agency",
        start_date=dt.date(2026, 2, 18),
        end_date=dt.date(2026, 2, 18),
        countries=[country("KZ")],
        place="Astana",
        is_public=False,
    )


def _event(personas, title: str, day: int, **kwargs) -> Event:  # type: ignore[no-untyped-def]
    return services.event_save(
        user=personas["secretariat_admin"],
        kind=kwargs.pop("kind", Event.Kind.WEBINAR),
        title=title,
        start_date=dt.date(2026, 2, day),
        end_date=dt.date(2026, 2, day),
        countries=kwargs.pop("countries", [country("GE")]),
        **kwargs,
    )


def _grid_cell(html: str, iso_date: str) -> str:
    """The table cell of one day of the month grid."""
    found = re.search(rf'<td[^>]*>\s*<div[^>]*><time datetime="{iso_date}">.*?</td>', html, re.S)
    assert found, f"no grid cell for {iso_date}"
    return found.group(0)


def _ics(response) -> icalendar.Calendar:  # type: ignore[no-untyped-def]
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    return icalendar.Calendar.from_ical(response.content)


# --- The month grid --------------------------------------------------------------------------


def test_a_three_day_training_is_on_each_of_its_days_in_the_month_grid(client, training):
    html = client.get(reverse("monitoring:calendar"), FEBRUARY).content.decode()

    for day in ("2026-02-10", "2026-02-11", "2026-02-12"):
        assert training.title in _grid_cell(html, day)
    for day in ("2026-02-09", "2026-02-13"):
        assert training.title not in _grid_cell(html, day)
    assert reverse("monitoring:public_event", args=[training.pk]) in html


def test_the_grid_has_seven_weekday_columns_starting_on_monday(client, training):
    html = client.get(reverse("monitoring:calendar"), FEBRUARY).content.decode()

    headers = re.findall(r'<th scope="col"[^>]*><abbr title="([^"]+)">', html)
    assert headers == ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
    # February 2026 starts on a Sunday: the first row opens with Monday 26 January.
    assert html.index('datetime="2026-01-26"') < html.index('datetime="2026-02-01"')


def test_the_month_links_and_the_feed_link_keep_the_filters(client, training):
    response = client.get(
        reverse("monitoring:calendar"), {**FEBRUARY, "type": "training", "country": "KG"}
    )

    html = response.content.decode()
    previous = re.search(r'rel="prev" href="([^"]+)"', html)
    following = re.search(r'rel="next" href="([^"]+)"', html)
    assert previous and following
    assert previous.group(1) == "?month=2026-01&amp;type=training&amp;country=KG"
    assert following.group(1) == "?month=2026-03&amp;type=training&amp;country=KG"
    feed = reverse("monitoring:calendar_ics")
    assert f'href="{feed}?type=training&amp;country=KG"' in html


def test_the_filters_by_type_and_country_leave_other_events_out(client, personas, training):
    _event(personas, "Webinar on naloxone in Georgia", 20)

    by_type = client.get(reverse("monitoring:calendar"), {**FEBRUARY, "type": "webinar"})
    by_country = client.get(reverse("monitoring:calendar"), {**FEBRUARY, "country": "KG"})

    assert "Webinar on naloxone in Georgia" in by_type.content.decode()
    assert training.title not in by_type.content.decode()
    assert training.title in by_country.content.decode()
    assert "Webinar on naloxone in Georgia" not in by_country.content.decode()


def test_an_unknown_filter_value_is_ignored_rather_than_failing(client, training):
    response = client.get(
        reverse("monitoring:calendar"), {"month": "2026-13", "type": "party", "country": "XX"}
    )

    assert response.status_code == 200
    februaries = client.get(reverse("monitoring:calendar"), {**FEBRUARY, "country": "XX"})
    assert training.title in februaries.content.decode()


def test_a_month_without_public_events_says_so(client, internal):
    html = client.get(reverse("monitoring:calendar"), FEBRUARY).content.decode()

    assert "No public events this month." in html


def test_upcoming_lists_the_next_events_from_today_and_past_the_months_ended_ones(
    client, personas, training, monkeypatch
):
    monkeypatch.setattr(views_calendar, "_today", lambda: dt.date(2026, 2, 15))
    _event(personas, "Webinar after the training", 25)

    html = client.get(reverse("monitoring:calendar"), FEBRUARY).content.decode()

    upcoming = html[html.index('id="upcoming-heading"') : html.index('id="past-heading"')]
    past = html[html.index('id="past-heading"') :]
    assert "Webinar after the training" in upcoming and training.title not in upcoming
    assert training.title in past and "Webinar after the training" not in past


# --- Internal events -------------------------------------------------------------------------


def test_an_internal_event_is_hidden_from_anonymous_visitors(client, training, internal):
    html = client.get(reverse("monitoring:calendar"), FEBRUARY).content.decode()

    assert training.title in html
    assert internal.title not in html


def test_an_internal_event_is_hidden_from_a_user_who_records_no_events(login, personas, internal):
    client = login(personas["member"])

    html = client.get(reverse("monitoring:calendar"), FEBRUARY).content.decode()

    assert internal.title not in html


def test_the_secretariat_sees_an_internal_event_marked_internal_with_its_internal_page(
    login, personas, internal
):
    client = login(personas["secretariat_admin"])

    html = client.get(reverse("monitoring:calendar"), FEBRUARY).content.decode()

    cell = _grid_cell(html, "2026-02-18")
    assert internal.title in cell
    assert "internal</span>" in cell
    assert reverse("monitoring:event", args=[internal.pk]) in cell


def test_an_internal_event_is_never_in_the_ics_not_even_for_the_secretariat(
    login, personas, training, internal
):
    client = login(personas["secretariat_admin"])

    cal = _ics(client.get(reverse("monitoring:calendar_ics")))

    assert [str(e["SUMMARY"]) for e in cal.walk("VEVENT")] == [training.title]
    single = client.get(reverse("monitoring:calendar_ics"), {"event": internal.pk})
    assert single.status_code == 404


# --- iCalendar -------------------------------------------------------------------------------


def test_the_ics_holds_an_all_day_event_with_its_end_exclusive(client, training):
    response = client.get(reverse("monitoring:calendar_ics"))

    cal = _ics(response)
    assert response["Content-Disposition"] == 'attachment; filename="hrmonitor-events.ics"'
    (vevent,) = cal.walk("VEVENT")
    assert vevent.decoded("DTSTART") == dt.date(2026, 2, 10)
    assert vevent.decoded("DTEND") == dt.date(2026, 2, 13)
    assert b"DTSTART;VALUE=DATE:20260210" in response.content
    assert str(vevent["UID"]) == f"event-{training.pk}@hrmonitor"
    assert str(vevent["LOCATION"]) == "Bishkek"
    assert str(vevent["DESCRIPTION"]) == "Advocacy skills for community leaders."
    assert str(vevent["URL"]).endswith(reverse("monitoring:public_event", args=[training.pk]))
    assert str(vevent["URL"]).startswith("http")
    assert vevent["CATEGORIES"].cats == ["Training"]
    assert "DTSTAMP" in vevent
    assert str(cal["X-WR-CALNAME"]) == "hrmonitor events"


def test_the_uid_of_an_event_stays_the_same_from_one_download_to_the_next(client, training):
    first = _ics(client.get(reverse("monitoring:calendar_ics")))
    second = _ics(client.get(reverse("monitoring:calendar_ics"), {"event": training.pk}))

    assert [str(e["UID"]) for e in first.walk("VEVENT")] == [
        str(e["UID"]) for e in second.walk("VEVENT")
    ]


def test_an_online_event_without_a_place_is_located_online(client, personas):
    _event(personas, "Webinar on take-home methadone", 5, is_online=True)

    cal = _ics(client.get(reverse("monitoring:calendar_ics")))

    (vevent,) = cal.walk("VEVENT")
    assert str(vevent["LOCATION"]) == "Online"


def test_the_ics_applies_the_calendars_filters(client, personas, training):
    _event(personas, "Webinar on naloxone in Georgia", 20)

    by_type = _ics(client.get(reverse("monitoring:calendar_ics"), {"type": "webinar"}))
    by_country = _ics(client.get(reverse("monitoring:calendar_ics"), {"country": "KG"}))

    assert [str(e["SUMMARY"]) for e in by_type.walk("VEVENT")] == ["Webinar on naloxone in Georgia"]
    assert [str(e["SUMMARY"]) for e in by_country.walk("VEVENT")] == [training.title]


# --- Languages -------------------------------------------------------------------------------


def test_a_russian_interface_shows_russian_month_and_weekday_names(client, training):
    client.cookies["hrmonitor_language"] = "ru"

    html = client.get(reverse("monitoring:calendar"), FEBRUARY).content.decode()

    assert "Февраль 2026" in html
    assert '<abbr title="Понедельник">Пн</abbr>' in html
    assert '<abbr title="Воскресенье">Вс</abbr>' in html
    assert "10 февраля 2026" in html


# --- The public page of an event -------------------------------------------------------------


def test_the_public_page_of_an_event_shows_what_a_visitor_needs(client, training):
    html = client.get(reverse("monitoring:public_event", args=[training.pk])).content.decode()

    assert training.title in html
    assert "Bishkek" in html and "Kyrgyzstan" in html
    assert "National advocacy plans drafted by 4 groups." in html
    assert re.search(r"Total</dt>\s*<dd[^>]*>20</dd>", html)
    assert re.search(r"Women</dt>\s*<dd[^>]*>12</dd>", html)
    # Community membership of one event's participants is never published.
    assert "People who use drugs</dt>" not in html
    assert f"{reverse('monitoring:calendar_ics')}?event={training.pk}" in html


def test_the_public_page_of_an_internal_event_is_not_found_for_anonymous_visitors(client, internal):
    response = client.get(reverse("monitoring:public_event", args=[internal.pk]))

    assert response.status_code == 404


def test_the_secretariat_may_open_the_public_page_of_an_internal_event(login, personas, internal):
    client = login(personas["secretariat_admin"])

    response = client.get(reverse("monitoring:public_event", args=[internal.pk]))

    assert response.status_code == 200
    assert "This event is not public" in response.content.decode()
    assert "?event=" not in response.content.decode()


def test_the_public_page_lists_public_documents_only(client, training, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    for title, public in (("Agenda of the training", True), ("Internal budget", False)):
        EventDocument.objects.create(
            event=training,
            kind=EventDocument.Kind.AGENDA,
            title=title,
            file=SimpleUploadedFile(f"{title}.txt", b"text"),
            is_public=public,
        )

    html = client.get(reverse("monitoring:public_event", args=[training.pk])).content.decode()

    assert "Agenda of the training" in html
    assert "Internal budget" not in html


# --- Queries ---------------------------------------------------------------------------------


def test_the_calendar_asks_a_fixed_number_of_queries_whatever_the_number_of_events(
    client, personas, training, django_assert_max_num_queries, monkeypatch
):
    # Before the training, so that the upcoming list has events (and prefetches) too.
    monkeypatch.setattr(views_calendar, "_today", lambda: dt.date(2026, 2, 1))
    with django_assert_max_num_queries(12) as few:
        client.get(reverse("monitoring:calendar"), FEBRUARY)
    for day in range(1, 28, 3):
        _event(personas, f"Webinar {day}", day, countries=[country("GE"), country("AM")])

    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(reverse("monitoring:calendar"), FEBRUARY)

    assert "Webinar 25" in response.content.decode()


def test_the_ics_asks_a_fixed_number_of_queries_whatever_the_number_of_events(
    client, personas, training, django_assert_max_num_queries
):
    with django_assert_max_num_queries(12) as few:
        client.get(reverse("monitoring:calendar_ics"))
    for day in range(1, 28, 3):
        _event(personas, f"Webinar {day}", day)

    with django_assert_max_num_queries(len(few.captured_queries)):
        cal = _ics(client.get(reverse("monitoring:calendar_ics")))

    assert len(cal.walk("VEVENT")) == 10


# --- The grid, without Django ----------------------------------------------------------------


def test_an_event_running_from_the_previous_month_is_on_each_grid_day_until_it_ends():
    class Spanning:
        start_date = dt.date(2026, 1, 20)
        end_date = dt.date(2026, 2, 3)

    weeks = month_weeks(dt.date(2026, 2, 1), [Spanning()], today=dt.date(2026, 2, 3))

    days = [day for week in weeks for day in week]
    assert (days[0].date, days[-1].date) == (dt.date(2026, 1, 26), dt.date(2026, 3, 1))
    assert [d.date for d in days if d.events] == [
        dt.date(2026, 1, 26) + dt.timedelta(days=n) for n in range(9)
    ]
    assert [d.date for d in days if d.is_today] == [dt.date(2026, 2, 3)]
    assert not days[0].in_month and days[6].in_month


def test_a_month_that_is_not_one_falls_back_to_this_month():
    today = dt.date(2026, 5, 17)

    assert month_start("2026-02", today) == dt.date(2026, 2, 1)
    assert month_start("2026-2", today) == dt.date(2026, 5, 1)
    assert month_start("0001-01", today) == dt.date(2026, 5, 1)
    assert month_start("", today) == dt.date(2026, 5, 1)
