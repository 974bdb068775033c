"""Participants' feedback through an event's link (no account), its summary on the event page,
and experts' reflections."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.files.uploadedfile import SimpleUploadedFile
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.urls import reverse

from hrmonitor.monitoring import selectors, services, views_feedback
from hrmonitor.monitoring.feedback import (
    FeedbackForm,
    Question,
    event_feedback_summary,
    questionnaire,
    summarise,
)
from hrmonitor.monitoring.models import Event, EventDocument, FeedbackResponse, Reflection

ANSWERS = {
    "overall": "4",
    "relevance": "5",
    "will_apply": "partly",
    "most_useful": "  Практические упражнения  ",
    "improve": "",
}


def feedback_url(event: Event, lang: str = "") -> str:
    url = reverse("monitoring:feedback", kwargs={"key": event.feedback_key})
    return f"{url}?lang={lang}" if lang else url


# --- The public form -------------------------------------------------------------------------


def test_a_participant_without_an_account_answers_in_russian(client, training):
    page = client.get(feedback_url(training, "ru"))

    html = page.content.decode()
    assert page.status_code == 200
    assert '<html lang="ru">' in html
    assert page.headers["Content-Language"] == "ru"
    assert "Training of community leaders, Bishkek" in html
    assert "Насколько полезным для вас было это мероприятие?" in html
    assert "Представитель(-ница) сообщества" in html
    assert "How useful was this event for you?" not in html

    sent = client.post(feedback_url(training, "ru"), ANSWERS)

    assert sent.status_code == 302
    assert sent.headers["Location"] == (
        reverse("monitoring:feedback_thanks", kwargs={"key": training.feedback_key}) + "?lang=ru"
    )
    stored = FeedbackResponse.objects.get(event=training)
    assert stored.language == "ru"
    assert stored.answers == {
        "overall": 4,
        "relevance": 5,
        "will_apply": "partly",
        "most_useful": "Практические упражнения",
    }
    thanks = client.get(sent.headers["Location"])
    assert thanks.status_code == 200
    assert '<html lang="ru">' in thanks.content.decode()


def test_the_form_is_in_english_without_a_language_asked_for(client, training):
    html = client.get(feedback_url(training)).content.decode()

    assert "How useful was this event for you?" in html
    assert "1 = Not useful" in html
    client.post(feedback_url(training), ANSWERS)
    assert FeedbackResponse.objects.get(event=training).language == "en"


def test_missing_required_answers_are_shown_translated_and_nothing_is_stored(client, training):
    page = client.post(feedback_url(training, "ru"), {"overall": "3", "most_useful": "Всё"})

    html = page.content.decode()
    assert page.status_code == 200
    assert html.count("Обязательное поле.") == 2  # relevance and will_apply
    assert (
        'value="3" class="btn-check" id="id_overall_2" required checked' in html
    )  # the answer stays
    assert "Всё</textarea>" in html
    assert not FeedbackResponse.objects.exists()


def test_a_scale_answer_outside_one_to_five_is_refused(client, training):
    client.post(feedback_url(training), {**ANSWERS, "overall": "9"})

    assert not FeedbackResponse.objects.exists()


@pytest.mark.parametrize("method", ["get", "post"])
def test_an_unknown_key_is_not_found(client, training, method):
    response = getattr(client, method)("/monitoring/feedback/not-a-real-key/", ANSWERS)

    assert response.status_code == 404
    assert b"Training of community leaders" not in response.content
    assert not FeedbackResponse.objects.exists()


def test_a_closed_form_says_so_and_stores_nothing(client, training):
    training.feedback_open = False
    training.save(update_fields=["feedback_open"])

    page = client.get(feedback_url(training))
    sent = client.post(feedback_url(training), ANSWERS)

    assert "The feedback form of this event is closed." in page.content.decode()
    assert 'name="overall"' not in page.content.decode()
    assert sent.status_code == 200
    assert "is closed" in sent.content.decode()
    assert not FeedbackResponse.objects.exists()


def test_the_honeypot_is_hidden_from_people(client, training):
    html = client.get(feedback_url(training)).content.decode()

    assert '<div class="visually-hidden" aria-hidden="true">' in html
    assert "Leave this field empty" in html
    assert 'autocomplete="off"' in html
    assert 'tabindex="-1"' in html


def test_a_filled_honeypot_gets_the_thanks_page_but_nothing_is_stored(client, training):
    sent = client.post(feedback_url(training), {**ANSWERS, "website": "http://spam.example"})

    assert sent.status_code == 302
    assert sent.headers["Location"].endswith("/thanks/")
    assert not FeedbackResponse.objects.exists()


def test_one_address_may_send_a_limited_number_of_answers(client, training):
    for _ in range(views_feedback.RATE_LIMIT):
        assert client.post(feedback_url(training), ANSWERS).status_code == 302

    refused = client.post(feedback_url(training), ANSWERS)

    assert refused.status_code == 429
    assert "Please try again in 10 minutes." in refused.content.decode()
    assert FeedbackResponse.objects.count() == views_feedback.RATE_LIMIT
    # Another address (another venue) is not held back.
    other = client.post(feedback_url(training), ANSWERS, REMOTE_ADDR="198.51.100.7")
    assert other.status_code == 302
    assert FeedbackResponse.objects.count() == views_feedback.RATE_LIMIT + 1


def test_the_rate_limit_message_is_in_the_participants_language(client, training, monkeypatch):
    monkeypatch.setattr(views_feedback, "RATE_LIMIT", 0)

    refused = client.post(feedback_url(training, "ru"), ANSWERS)

    assert refused.status_code == 429
    assert '<html lang="ru">' in refused.content.decode()
    assert not FeedbackResponse.objects.exists()


def test_the_form_is_worded_in_the_language_asked_for():
    form = FeedbackForm(language="ru")

    assert form.fields["will_apply"].label == "Будете ли вы применять то, что узнали?"
    assert form.fields["overall"].required
    assert not form.fields["participant_type"].required
    assert form.fields["improve"].max_length == 2000  # type: ignore[attr-defined]


# --- summarise (pure) ------------------------------------------------------------------------

QUESTIONS: list[dict[str, Any]] = [
    {"code": "overall", "kind": "scale", "label_en": "Useful?", "label_ru": "Полезно?"},
    {
        "code": "will_apply",
        "kind": "choice",
        "label_en": "Apply?",
        "options": [
            {"code": "yes", "label_en": "Yes", "label_ru": "Да"},
            {"code": "partly", "label_en": "Partly"},
            {"code": "no", "label_en": "No"},
        ],
    },
    {"code": "improve", "kind": "text", "label_en": "Improve?"},
]


def test_summarise_gives_the_mean_and_distribution_of_a_scale():
    overall, *_ = summarise(QUESTIONS, [{"overall": v} for v in (5, 4, 4, 3)])

    assert overall.n == 4
    assert overall.mean == 4.0
    assert [(bar.label, bar.count) for bar in overall.distribution] == [
        ("1", 0),
        ("2", 0),
        ("3", 1),
        ("4", 2),
        ("5", 1),
    ]
    assert [bar.percent for bar in overall.distribution] == [0.0, 0.0, 25.0, 50.0, 25.0]


def test_summarise_rounds_the_mean_half_up_to_one_decimal():
    overall, *_ = summarise(QUESTIONS, [{"overall": v} for v in (3, 3, 3, 4)])  # 3.25

    assert overall.mean == 3.3


def test_summarise_counts_skipped_and_unrecognised_answers_nowhere():
    overall, will_apply, improve = summarise(
        QUESTIONS,
        [
            {"overall": "5", "will_apply": "yes", "improve": "  More time  "},
            {"overall": 9, "will_apply": "maybe", "improve": "   "},
            {"overall": True},
            {},
        ],
    )

    assert (overall.n, overall.mean) == (1, 5.0)
    assert will_apply.n == 1
    assert improve.texts == ("More time",)


def test_summarise_counts_each_option_of_a_choice_in_the_questionnaires_order():
    _overall, will_apply, _improve = summarise(
        QUESTIONS,
        [{"will_apply": "no"}, {"will_apply": "yes"}, {"will_apply": "no"}],
        language="ru",
    )

    assert will_apply.n == 3
    assert [(b.code, b.label, b.count) for b in will_apply.counts] == [
        ("yes", "Да", 1),
        ("partly", "Partly", 0),  # no Russian wording: the English one
        ("no", "No", 2),
    ]


def test_summarise_without_responses_has_no_mean_and_empty_counts():
    overall, will_apply, improve = summarise(QUESTIONS, [])

    assert overall.n == 0
    assert overall.mean is None
    assert all(bar.count == 0 and bar.percent == 0 for bar in overall.distribution)
    assert [bar.count for bar in will_apply.counts] == [0, 0, 0]
    assert improve.texts == ()


def test_the_questionnaire_has_the_six_questions_in_both_languages():
    questions = questionnaire()

    assert [q.code for q in questions] == [
        "overall",
        "relevance",
        "will_apply",
        "most_useful",
        "improve",
        "participant_type",
    ]
    assert all(q.label_en and q.label_ru for q in questions)
    assert all(o.label_ru for q in questions for o in q.options)


def test_a_choice_question_without_options_is_refused():
    with pytest.raises(ValueError, match="needs options"):
        Question.from_dict({"code": "x", "kind": "choice", "label_en": "X"})


# --- The summary on the event page -----------------------------------------------------------


def render_summary(event: Event, *, can_reflect: bool = False) -> str:
    request = RequestFactory().get("/")
    request.user = AnonymousUser()
    return render_to_string(
        "monitoring/_feedback_summary.html",
        {
            "summary": event_feedback_summary(event, request),
            "event": selectors.event_by_pk(event.pk),
            "can_reflect": can_reflect,
        },
        request=request,
    )


def test_the_summary_shows_the_counts_the_means_and_the_link(training):
    for overall, will_apply, improve in ((5, "yes", "More breaks"), (4, "yes", ""), (4, "no", "")):
        services.feedback_submit(
            event=training,
            answers={"overall": overall, "will_apply": will_apply, "improve": improve},
            language="en",
        )

    html = render_summary(training)

    assert "3 responses" in html
    assert "Average 4.3 out of 5, from 3 answers" in html
    assert "2 (67%)" in html  # two of three will apply what they learned
    assert "Show 1 answer" in html
    assert "<li>More breaks</li>" in html
    link = f"http://testserver/monitoring/feedback/{training.feedback_key}/"
    assert f'value="{link}"' in html
    assert f'value="{link}?lang=ru"' in html
    assert "Add a reflection" not in html


def test_the_summary_of_an_event_without_answers_says_so(training):
    html = render_summary(training)

    assert "0 responses" in html
    assert "No participant has answered yet." in html


def test_the_summary_asks_one_query_for_the_responses(training, django_assert_num_queries):
    for _ in range(5):
        services.feedback_submit(event=training, answers={"overall": 3}, language="en")

    with django_assert_num_queries(1):
        summary = event_feedback_summary(training)

    assert summary.responses == 5
    assert summary.link == f"/monitoring/feedback/{training.feedback_key}/"


# --- Reflections -----------------------------------------------------------------------------


@pytest.fixture
def report(training, settings, tmp_path) -> EventDocument:  # type: ignore[no-untyped-def]
    settings.MEDIA_ROOT = tmp_path
    return EventDocument.objects.create(
        event=training,
        kind=EventDocument.Kind.REPORT,
        title="Training report",
        file=SimpleUploadedFile("report.txt", b"text"),
    )


def test_the_me_officer_adds_a_reflection_on_a_document(login, personas, training, report):
    client = login(personas["me_officer"])

    response = client.post(
        reverse("monitoring:reflection_add", args=[training.pk]),
        {"expert_name": "Dr. A. Expert", "text": "Strong plans.", "document": report.pk},
    )

    assert response.status_code == 302
    assert response.headers["Location"] == reverse("monitoring:event", args=[training.pk])
    reflection = Reflection.objects.get(event=training)
    assert (reflection.expert_name, reflection.document) == ("Dr. A. Expert", report)
    assert reflection.entered_by == personas["me_officer"]
    html = render_summary(training, can_reflect=True)
    assert "Dr. A. Expert" in html
    assert "on “Training report”" in html
    assert "Add a reflection" in html


def test_a_focal_point_may_not_add_a_reflection(login, personas, training):
    client = login(personas["focal_point_kazakhstan"])

    response = client.post(
        reverse("monitoring:reflection_add", args=[training.pk]),
        {"expert_name": "Someone", "text": "Text"},
    )

    assert response.status_code == 403
    assert not Reflection.objects.exists()


def test_a_reflection_without_text_is_refused_with_a_message(login, personas, training):
    client = login(personas["me_officer"])

    response = client.post(
        reverse("monitoring:reflection_add", args=[training.pk]),
        {"expert_name": "Dr. A. Expert", "text": ""},
    )

    assert response.status_code == 302
    messages = [str(m) for m in response.wsgi_request._messages]  # type: ignore[attr-defined]
    assert messages == ["Reflection: This field is required."]
    assert not Reflection.objects.exists()


def test_a_document_of_another_event_is_refused(login, personas, training, report):
    other = services.event_save(
        user=personas["secretariat_admin"],
        kind=Event.Kind.WEBINAR,
        title="Webinar",
        start_date=training.start_date,
        end_date=training.end_date,
    )
    client = login(personas["me_officer"])

    client.post(
        reverse("monitoring:reflection_add", args=[other.pk]),
        {"expert_name": "Dr. A. Expert", "text": "Text", "document": report.pk},
    )

    assert not Reflection.objects.exists()


def test_reflections_are_added_by_post_only(login, personas, training):
    response = login(personas["me_officer"]).get(
        reverse("monitoring:reflection_add", args=[training.pk])
    )

    assert response.status_code == 405


def test_an_anonymous_visitor_is_sent_to_sign_in(client, training):
    response = client.post(
        reverse("monitoring:reflection_add", args=[training.pk]),
        {"expert_name": "Someone", "text": "Text"},
    )

    assert response.status_code == 302
    assert "/accounts/login/" in response.headers["Location"]
    assert not Reflection.objects.exists()
