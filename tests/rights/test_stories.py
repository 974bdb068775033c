"""Anonymised stories of typical cases: written from a case only with the client's consent,
reviewed by a second person with a redaction check, published on public pages that show
nothing of the case, and withdrawn — from the public pages too — with the consent."""

from __future__ import annotations

import datetime as dt
import re
import uuid

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client

from factories import DOCUMENTING_ORGANISATION, country
from hrmonitor.core.models import Organisation
from hrmonitor.rights import services, stories
from hrmonitor.rights.models import AccessLog, Case, Story
from rights.conftest import CLIENT_CODE, NARRATIVE

TITLE = "A mother on OAT loses custody after the clinic reports her"
TEXT = (
    "In spring 2026 a young woman on opioid agonist treatment learned that the clinic had told "
    "social services about her treatment. A week later her daughter was taken into state "
    "care, although nobody had ever questioned how she looked after the child. A lawyer of "
    "the network helped her to complain: being on treatment is not a ground to take a child "
    "away, and the clinic had no right to pass on her medical data."
)


def case_url(case: Case, suffix: str = "") -> str:
    return f"/rights/cases/{case.reference}/stories/{suffix}"


@pytest.fixture
def story_case(personas) -> Case:  # type: ignore[no-untyped-def]
    """The done-when case of the case module, but the client consented to a story."""
    documenter = personas["case_documenter"]
    case = services.case_create(
        user=documenter,
        country=country("KG"),
        organisation=Organisation.objects.get(name=DOCUMENTING_ORGANISATION),
        channel=Case.Channel.OUTREACH,
        received_on=dt.date(2026, 3, 2),
        consents={"record": True, "statistics": True, "story": True},
        narrative=NARRATIVE,
        incident_date=dt.date(2026, 2, 1),
        incident_precision=Case.Precision.MONTH,
        client_code=CLIENT_CODE,
        gender=Case.Gender.WOMAN,
        province="Osh",
    )
    services.act_add(
        user=documenter,
        case=case,
        violations=["confidentiality_breach", "child_removal"],
        perpetrator="social_services",
    )
    return case


def write(user, case: Case, *, text: str = TEXT, place: str = "Kyrgyzstan") -> Story:  # type: ignore[no-untyped-def]
    story = stories.story_create(user=user, case=case)
    stories.story_edit(
        user=user,
        story=story,
        title=TITLE,
        text=text,
        period_shown="spring 2026",
        place_shown=place,
        violations=story.violations,
    )
    return stories.story_submit(user=user, story=story)


def publish(personas, case: Case, **kwargs) -> Story:  # type: ignore[no-untyped-def]
    story = write(personas["case_documenter"], case, **kwargs)
    stories.story_review(
        user=personas["legal_analyst"], story=story, approve=True, confirmed=True, note=""
    )
    return stories.story_publish(user=personas["case_coordinator"], story=story)


# --- Consent ---------------------------------------------------------------------------------


@pytest.mark.django_db
def test_without_the_story_consent_no_story_can_be_created(kg_case, personas, login):
    documenter = personas["case_documenter"]
    with pytest.raises(ValidationError, match="not consented to the publication"):
        stories.story_create(user=documenter, case=kg_case)

    client = login(documenter)
    page = client.get(case_url(kg_case)).content.decode()
    assert "Write a story" not in page and "has not consented" in page
    response = client.post(case_url(kg_case, "new/"), follow=True)
    assert "no story can be written or published from this case" in response.content.decode()
    assert not Story.objects.exists()


@pytest.mark.django_db
def test_withdrawing_the_story_consent_withdraws_the_published_story(story_case, personas):
    story = publish(personas, story_case)
    anonymous = Client()
    assert TITLE in anonymous.get("/rights/stories/").content.decode()
    # Nothing happens while the consent is in force.
    assert stories.withdraw_stories_without_consent(story_case) == 0

    documenter = personas["case_documenter"]
    services.consent_withdraw(user=documenter, case=story_case, item="story")
    # The hook that `services.consent_withdraw` calls (idempotent: a second call finds nothing).
    assert stories.withdraw_stories_without_consent(story_case, user=documenter) == 0

    story.refresh_from_db()
    assert story.status == Story.Status.WITHDRAWN and story.withdrawn_at is not None
    assert (story.published_title, story.published_text) == ("", "")
    assert TITLE not in anonymous.get("/rights/stories/").content.decode()
    assert anonymous.get(f"/rights/stories/{story.pk}/").status_code == 404
    assert AccessLog.objects.filter(
        case_reference=story_case.reference, detail="story withdrawn: consent withdrawn"
    ).exists()


@pytest.mark.django_db
def test_an_approved_story_is_not_published_once_the_consent_is_withdrawn(story_case, personas):
    story = write(personas["case_documenter"], story_case)
    stories.story_review(user=personas["legal_analyst"], story=story, approve=True, confirmed=True)
    services.consent_withdraw(user=personas["case_documenter"], case=story_case, item="story")
    story.refresh_from_db()
    with pytest.raises(ValidationError):
        stories.story_publish(user=personas["case_coordinator"], story=story)
    story.refresh_from_db()
    assert story.status != Story.Status.PUBLISHED and story.published_text == ""


# --- Review ----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_author_cannot_approve_their_own_story(story_case, personas, login):
    coordinator = personas["case_coordinator"]  # may both write and approve
    story = write(coordinator, story_case)
    with pytest.raises(PermissionDenied):
        stories.story_review(user=coordinator, story=story, approve=True, confirmed=True)
    story.refresh_from_db()
    assert story.status == Story.Status.SUBMITTED and story.reviewer is None
    assert AccessLog.objects.filter(
        username="case_coordinator", action=AccessLog.Action.DENIED, detail__startswith="story"
    ).exists()
    page = login(coordinator).get(case_url(story_case, f"{story.pk}/review/")).content.decode()
    assert "another person must review it" in page and 'value="approve"' not in page
    # Someone else with the right approves it.
    stories.story_review(user=personas["legal_analyst"], story=story, approve=True, confirmed=True)
    assert story.status == Story.Status.APPROVED


@pytest.mark.django_db
def test_whoever_last_changed_the_text_cannot_approve_it_either(story_case, personas):
    story = stories.story_create(user=personas["case_documenter"], case=story_case)
    coordinator = personas["case_coordinator"]
    stories.story_edit(
        user=coordinator,
        story=story,
        title=TITLE,
        text=TEXT,
        period_shown="2026",
        place_shown="Kyrgyzstan",
        violations=["child_removal"],
    )
    stories.story_submit(user=personas["case_documenter"], story=story)
    with pytest.raises(PermissionDenied):
        stories.story_review(user=coordinator, story=story, approve=True, confirmed=True)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("leak", "message"),
    [
        (f"Her code is {CLIENT_CODE}.", "The client code of the case appears in the story."),
        ("It happened on 12.03.2026.", "An exact date appears in the story: “12.03.2026”."),
        ("It happened on 2026-03-12.", "An exact date appears in the story: “2026-03-12”."),
        ("On 12 March the police came.", "An exact date appears in the story: “12 March”."),
        ("This happened in Osh.", "The province of the case appears in the story: “Osh”."),
    ],
)
def test_a_story_with_the_client_code_or_an_exact_date_fails_the_redaction_check(
    story_case, personas, login, leak, message
):
    story = write(personas["case_documenter"], story_case, text=f"{TEXT} {leak}")
    analyst = personas["legal_analyst"]
    with pytest.raises(ValidationError) as refused:
        stories.story_review(user=analyst, story=story, approve=True, confirmed=True)
    assert any(m.startswith(message) for m in refused.value.messages)
    story.refresh_from_db()
    assert story.status == Story.Status.SUBMITTED and story.approved_at is None

    # The reviewer sees the same list on the review page, and approving there fails too.
    client = login(analyst)
    url = case_url(story_case, f"{story.pk}/review/")
    assert message in client.get(url).content.decode()
    response = client.post(url, {"decision": "approve", "confirmed": "on"})
    assert response.status_code == 400
    assert "The redaction check found what may identify the client" in response.content.decode()
    story.refresh_from_db()
    assert story.status == Story.Status.SUBMITTED


@pytest.mark.django_db
def test_approval_needs_the_reviewers_confirmation_and_changes_need_a_note(story_case, personas):
    story = write(personas["case_documenter"], story_case)
    analyst = personas["legal_analyst"]
    with pytest.raises(ValidationError, match="nobody can be recognised"):
        stories.story_review(user=analyst, story=story, approve=True, confirmed=False)
    with pytest.raises(ValidationError, match="Say what must change"):
        stories.story_review(user=analyst, story=story, approve=False, note=" ")
    stories.story_review(user=analyst, story=story, approve=False, note="Drop the week.")
    story.refresh_from_db()
    assert story.status == Story.Status.CHANGES_REQUESTED
    assert story.review_note == "Drop the week." and story.review_note_encrypted.startswith("v1.")


@pytest.mark.django_db
def test_the_period_is_never_an_exact_date_and_the_place_never_a_town(story_case, personas):
    documenter = personas["case_documenter"]
    story = stories.story_create(user=documenter, case=story_case)
    assert story.violations == ["confidentiality_breach", "child_removal"]  # from the acts
    with pytest.raises(ValidationError) as refused:
        stories.story_edit(
            user=documenter,
            story=story,
            title=TITLE,
            text=TEXT,
            period_shown="12.03.2026",
            place_shown="Osh",
            violations=[],
        )
    assert set(refused.value.message_dict) == {"period_shown", "place_shown"}
    assert stories.place_choices(story_case)[:2] == [
        "Kyrgyzstan",
        country("KG").sub_region.name,
    ]


# --- Publication -----------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_story_goes_from_draft_to_the_public_list_and_shows_nothing_of_the_case(
    story_case, personas, login
):
    client = login(personas["case_documenter"])
    response = client.post(case_url(story_case, "new/"), follow=True)
    story = Story.objects.get()
    assert response.redirect_chain[-1][0] == case_url(story_case, f"{story.pk}/")
    assert "What must never appear in a story" in response.content.decode()
    response = client.post(
        case_url(story_case, f"{story.pk}/"),
        {
            "title": TITLE,
            "text": TEXT,
            "period_shown": "spring 2026",
            "place_shown": "Kyrgyzstan",
            "violations": ["child_removal", "confidentiality_breach"],
        },
        follow=True,
    )
    assert "The story is saved." in response.content.decode()
    client.post(case_url(story_case, f"{story.pk}/submit/"))

    client = login(personas["legal_analyst"])
    review = client.get(case_url(story_case, f"{story.pk}/review/")).content.decode()
    assert "The check found nothing" in review and "I read the whole story" in review
    client.post(
        case_url(story_case, f"{story.pk}/review/"), {"decision": "approve", "confirmed": "on"}
    )
    client = login(personas["case_coordinator"])
    client.post(case_url(story_case, f"{story.pk}/publish/"))
    story.refresh_from_db()
    assert story.status == Story.Status.PUBLISHED and story.published_title == TITLE

    anonymous = Client()
    for url in ("/rights/stories/", f"/rights/stories/{story.pk}/"):
        response = anonymous.get(url)
        page = response.content.decode()
        assert response.status_code == 200, url
        assert TITLE in page and "spring 2026" in page and "Kyrgyzstan" in page
        assert "Child removal or threat of it" in page
        assert CLIENT_CODE not in page and NARRATIVE not in page and "Aigul" not in page
        assert not re.search(r"\bOsh\b", page) and story_case.reference not in page


@pytest.mark.django_db
def test_a_draft_is_encrypted_at_rest_and_never_public(story_case, personas):
    story = write(personas["case_documenter"], story_case)
    row = Story.objects.values("title_encrypted", "text_encrypted", "published_text").get()
    assert row["title_encrypted"].startswith("v1.") and row["text_encrypted"].startswith("v1.")
    assert TITLE not in str(row) and row["published_text"] == ""
    history = story.history.values_list("text_encrypted", flat=True)
    assert history and all(not h or h.startswith("v1.") for h in history)
    anonymous = Client()
    assert TITLE not in anonymous.get("/rights/stories/").content.decode()
    assert anonymous.get(f"/rights/stories/{story.pk}/").status_code == 404
    assert anonymous.get(f"/rights/stories/{uuid.uuid4()}/").status_code == 404


@pytest.mark.django_db
def test_the_public_list_filters_by_country_shown_and_violation_in_constant_queries(
    story_case, personas, django_assert_num_queries
):
    sub_region = country("KG").sub_region.name
    shows_country = publish(personas, story_case)
    shows_sub_region = publish(personas, story_case, place=sub_region)
    anonymous = Client()

    def titles(query: str) -> int:
        return anonymous.get(f"/rights/stories/{query}").content.decode().count(TITLE)

    assert titles("") == 2
    # A story that shows only the sub-region is never found by its country.
    assert titles("?country=KG") == 1
    assert shows_country.published_country == country("KG")
    assert shows_sub_region.published_country is None
    assert titles("?violation=child_removal") == 2
    assert titles("?violation=denial_oat") == 0

    # Queries: countries, count, page of stories — not one more per story.
    with django_assert_num_queries(3):
        anonymous.get("/rights/stories/")
    publish(personas, story_case)
    with django_assert_num_queries(3):
        assert titles("") == 3


# --- Who may -------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_documenter_of_the_case_can_write_but_a_georgian_analyst_gets_403(
    story_case, personas, login
):
    client = login(personas["case_documenter"])
    page = client.get(case_url(story_case))
    assert page.status_code == 200 and "Write a story" in page.content.decode()
    assert page["Cache-Control"] == "no-store"
    assert client.post(case_url(story_case, "new/")).status_code == 302
    story = Story.objects.get()

    georgian = personas["legal_analyst_georgia"]
    with pytest.raises(PermissionDenied):
        stories.story_create(user=georgian, case=story_case)
    client = login(georgian)
    assert client.get(case_url(story_case)).status_code == 403
    assert client.post(case_url(story_case, "new/")).status_code == 403
    assert client.get(case_url(story_case, f"{story.pk}/")).status_code == 403
    assert client.get(case_url(story_case, f"{story.pk}/review/")).status_code == 403
    assert Story.objects.count() == 1
    # The Kyrgyz analyst reviews but does not write; the regional analyst sees no draft.
    with pytest.raises(PermissionDenied):
        stories.story_create(user=personas["legal_analyst"], case=story_case)
    assert login(personas["regional_analyst"]).get(case_url(story_case)).status_code == 403


@pytest.mark.django_db
def test_every_story_action_is_in_the_access_log(story_case, personas):
    story = publish(personas, story_case)
    stories.story_withdraw(user=personas["case_coordinator"], story=story)
    with pytest.raises(PermissionDenied):
        stories.story_create(user=personas["legal_analyst_georgia"], case=story_case)
    logged = list(
        AccessLog.objects.filter(
            case_reference=story_case.reference, detail__startswith="story"
        ).values_list("username", "action", "detail")
    )
    for row in [
        ("case_documenter", "edit", "story created"),
        ("case_documenter", "edit", "story edited"),
        ("case_documenter", "edit", "story submitted"),
        ("legal_analyst", "edit", "story approved"),
        ("case_coordinator", "edit", "story published"),
        ("case_coordinator", "edit", "story withdrawn"),
        ("legal_analyst_georgia", "denied", "story create: rights.write_cases"),
    ]:
        assert row in logged
    # Nothing of the story's text in the log.
    assert not any(TITLE in detail or "spring" in detail for _u, _a, detail in logged)


# --- The redaction check (no database) -------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("A woman named Aigul Osmonova", "name"),
        ("её зовут Айгуль", "name"),
        ("Mr. Ivanov, the investigator", "name"),
        ("write to aigul.o@mail.kg", "email"),
        ("call +996 555 123 456", "number"),
        ("passport 0555123456", "number"),
        ("12 марта", "date"),
        ("on March 12", "date"),
        ("В Оше", "province"),
        ("aig 1997 osh", "client_code"),
    ],
)
def test_the_redaction_check_finds_what_can_be_found_mechanically(text, kind):
    problems = stories.redaction_problems(text, client_code=CLIENT_CODE, province="Ош")
    assert kind in {p.kind for p in problems}


@pytest.mark.parametrize(
    "text",
    [
        TEXT,
        "In March 2026 she called the police; between 2024-2025 she paid 100 000 som.",
        "Ошибка врача",  # not the province "Ош"
        "Police may 12 times a year stop her.",
    ],
)
def test_the_redaction_check_lets_a_generalised_story_through(text):
    assert stories.redaction_problems(text, client_code=CLIENT_CODE, province="Ош") == []
