"""Anonymised "typical case" stories: written from a case, redacted, reviewed by a second
person and published only while the client's consent to the publication of a story is in force
(strategy objective 2: typical cases of human rights violations, with findings made public).

The workflow::

    draft ──submit──▶ submitted ──approve──▶ approved ──publish──▶ published
      ▲                   │
      └──edit── changes_requested ◀──request changes

    any status ──withdraw──▶ withdrawn (final; also automatic when the story consent goes)

Who does what
    Writing (create, edit, submit): `Perm.RIGHTS_WRITE_CASES` on the case — its documenters
    and the country's case coordinators. Review, publication and withdrawal:
    `Perm.RIGHTS_APPROVE_STORIES` on the case — the country's case coordinators and legal
    analysts. Four eyes: neither the author nor the last person who changed the text may
    review it.

What is public
    Until publication the title, the text and the review note are encrypted like the case's own
    free text. Publication copies the reviewed title and text to the plain `published_*`
    columns; the public pages read those, the period and place shown and the violation codes,
    and nothing of the case. Withdrawal empties the published copy at once.

Every action is written to the case access log (detail "story …"). A refusal for want of a
permission is logged *before* the write's transaction starts, so that the refusal is kept.

The redaction check is an aid, not a guarantee
    `redaction_problems` looks for what can be found mechanically: the case's client code and
    province, exact dates ("12.03.2026", "2026-03-12", "12 March", "12 марта"), runs of 6 or
    more digits and phone-like numbers, e-mail addresses, and capitalised words right after
    "named", "called", "name is", "зовут", "по имени" or a title such as "Mr". It cannot see a
    name written any other way, a nickname, a rare job, a small village, a distinctive
    sequence of events or a detail that only people around the client know. The reviewer
    therefore confirms, for every approval, that they read the story and that nobody can be
    recognised from it; approval is refused while the check finds anything.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from hrmonitor.core import access
from hrmonitor.core.models import Country
from hrmonitor.core.roles import Perm
from hrmonitor.rights import services
from hrmonitor.rights.models import AccessLog, Case, Consent, Story

if TYPE_CHECKING:
    from collections.abc import Iterable

    from hrmonitor.core.models import User

TITLE_MAX_LENGTH = 200
EDITABLE = (Story.Status.DRAFT, Story.Status.CHANGES_REQUESTED)


# --- The redaction check (plain text in, problems out) ---------------------------------------

_MONTHS_EN = (
    "january|february|march|april|may|june|july|august|september|october|november|december|"
    "jan|feb|mar|apr|jun|jul|aug|sept|sep|oct|nov|dec"
)
# Russian month names in any case ending ("марта", "мае", "июнь").
_MONTHS_RU = (
    "январ[а-яё]*|феврал[а-яё]*|март[а-яё]*|апрел[а-яё]*|ма[йяюе]|июн[а-яё]*|июл[а-яё]*|"
    "август[а-яё]*|сентябр[а-яё]*|октябр[а-яё]*|ноябр[а-яё]*|декабр[а-яё]*"
)
_ORDINAL = r"(?:st|nd|rd|th|-?го|-?е)?"
_DATE_PATTERNS = (
    re.compile(r"(?<!\d)\d{1,2}[./]\d{1,2}[./](?:\d{4}|\d{2})(?!\d)"),  # 12.03.2026, 12/03/26
    re.compile(r"(?<!\d)\d{4}-\d{1,2}-\d{1,2}(?!\d)"),  # 2026-03-12
    re.compile(  # 12 March, 12th of March, 12 марта
        rf"(?<!\d)\d{{1,2}}{_ORDINAL}\s+(?:of\s+)?(?:{_MONTHS_EN}|{_MONTHS_RU})\b",
        re.IGNORECASE,
    ),
    # March 12 (capitalised only: "may 12 people" is not a date)
    re.compile(rf"\b(?:{_MONTHS_EN.title()})\.?\s+\d{{1,2}}{_ORDINAL}(?!\d)"),
)
_LONG_NUMBER = re.compile(r"(?<!\d)\d{6,}(?!\d)")
# A phone-like run: "+" and digits, or three groups of digits or more ("555 12 34"), with
# spaces, dashes, dots or brackets between them; a year range ("2024-2025") is two groups.
_PHONE_LIKE = re.compile(r"(?<![\w+])\+?\(?\d[\d\s().-]{5,}\d(?!\d)")
_PHONE_MIN_DIGITS = 7
_PHONE_MIN_GROUPS = 3
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_CAPITALISED = r"[A-ZА-ЯЁ][\w'’-]+"
_NAME = re.compile(
    r"(?:\b(?i:named|called|name\s+is|name\s+was|зовут|звали|по\s+имени|именем)"
    r"|\b(?:Mr|Mrs|Ms|Miss|Dr)\.?)"
    rf"\s+({_CAPITALISED}(?:\s+{_CAPITALISED})?)"
)
# Words of a province name that say nothing on their own ("Osh region" is found by "Osh").
_GENERIC_PLACE_WORDS = frozenset(
    "region province district oblast city town village rayon область район город край "
    "республика село посёлок поселок округ".split()
)


@dataclass(frozen=True)
class RedactionProblem:
    """Something in a story that may identify the client. `found` is the text as written
    (shown only on the case's own pages, never logged)."""

    kind: str  # client_code, province, date, number, email, name
    found: str

    @property
    def message(self) -> str:
        if self.kind == "client_code":
            return _("The client code of the case appears in the story.")
        if self.kind == "province":
            return _("The province of the case appears in the story: “%(found)s”.") % {
                "found": self.found
            }
        if self.kind == "date":
            return _(
                "An exact date appears in the story: “%(found)s”. Give a season or a year."
            ) % {"found": self.found}
        if self.kind == "number":
            return _(
                "A long number (a telephone, document or case number?) appears in the story: "
                "“%(found)s”."
            ) % {"found": self.found}
        if self.kind == "email":
            return _("An e-mail address appears in the story: “%(found)s”.") % {"found": self.found}
        return _("A personal name seems to appear in the story: “%(found)s”.") % {
            "found": self.found
        }


def _alnum(value: str) -> str:
    return "".join(ch for ch in value.casefold() if ch.isalnum())


def _province_words(province: str) -> list[str]:
    words = [w for w in re.split(r"[\s,.;()/-]+", province) if len(w) >= 2]
    return [w for w in words if w.casefold() not in _GENERIC_PLACE_WORDS]


def redaction_problems(
    text: str, *, client_code: str = "", province: str = ""
) -> list[RedactionProblem]:
    """What in `text` may identify the client (see the module's docstring for what is looked
    for, and for what cannot be). An empty list does not mean that the text is anonymous."""
    problems: list[RedactionProblem] = []

    def add(kind: str, found: str) -> None:
        problem = RedactionProblem(kind, found.strip())
        if problem not in problems:
            problems.append(problem)

    code = client_code.strip()
    if code and (
        code.casefold() in text.casefold()
        # "AIG 1997 OSH" for "AIG-1997-OSH": compared without separators when long enough.
        or (len(_alnum(code)) >= 5 and _alnum(code) in _alnum(text))
    ):
        add("client_code", code)
    for word in _province_words(province.strip()):
        # A few letters more for case endings ("Бишкек", "Бишкеке"); one only after a short
        # name, so that "Ош" finds "Оше" but not "ошибка".
        ending = 1 if len(word) <= 3 else 4
        pattern = re.compile(rf"(?<!\w){re.escape(word)}\w{{0,{ending}}}(?!\w)", re.IGNORECASE)
        for match in pattern.finditer(text):
            add("province", match.group())
    date_spans: list[tuple[int, int]] = []
    for pattern in _DATE_PATTERNS:
        for match in pattern.finditer(text):
            date_spans.append(match.span())
            add("date", match.group())

    def in_a_date(span: tuple[int, int]) -> bool:
        return any(start < span[1] and span[0] < end for start, end in date_spans)

    for match in _LONG_NUMBER.finditer(text):
        if not in_a_date(match.span()):
            add("number", match.group())
    for match in _PHONE_LIKE.finditer(text):
        found = match.group()
        digits = sum(ch.isdigit() for ch in found)
        phone_like = found.startswith("+") or len(re.findall(r"\d+", found)) >= _PHONE_MIN_GROUPS
        if digits >= _PHONE_MIN_DIGITS and phone_like and not in_a_date(match.span()):
            add("number", match.group())
    for match in _EMAIL.finditer(text):
        add("email", match.group())
    for match in _NAME.finditer(text):
        add("name", match.group(1))
    return problems


def exact_dates(text: str) -> list[str]:
    """The exact dates written in `text` ("12.03.2026", "2026-03-12", "12 March")."""
    return [m.group() for pattern in _DATE_PATTERNS for m in pattern.finditer(text)]


def story_redaction_problems(story: Story) -> list[RedactionProblem]:
    """The redaction check of everything a published story would show (title, text, period
    and place), against the identifying data of its case."""
    case = story.case
    shown = "\n".join([story.title, story.text, story.period_shown, story.place_shown])
    return redaction_problems(shown, client_code=case.client_code, province=case.province)


# --- Selectors -------------------------------------------------------------------------------


def place_choices(case: Case) -> list[str]:
    """The places a story of `case` may show: its country, its sub-region or the region."""
    country = Country.objects.select_related("sub_region__region").get(pk=case.country_id)
    return [country.name, country.sub_region.name, country.sub_region.region.name]


def story_consent_in_force(case: Case) -> bool:
    """Whether the client's consent to the publication of a story is in force, read afresh
    (a prefetched `case.consents` may predate a withdrawal made in the same request)."""
    return Consent.objects.filter(
        case=case, item=Consent.Item.STORY, given=True, withdrawn_on__isnull=True
    ).exists()


def case_stories(case: Case) -> QuerySet[Story]:
    """The stories of a case, newest first (for the case's own pages)."""
    return Story.objects.filter(case=case).select_related("author", "reviewer", "last_editor")


def story_get_for_case(case: Case, pk: uuid.UUID | str) -> Story:
    """A story of `case` (already opened by the caller through `services.case_open`); 404 for
    a story of another case."""
    story = case_stories(case).filter(pk=pk).first()
    if story is None:
        raise Http404
    story.case = case  # the opened case, with its country and organisation
    return story


_PUBLIC_FIELDS = (
    "id",
    "published_title",
    "published_text",
    "period_shown",
    "place_shown",
    "violations",
    "published_at",
)


def published_stories(*, country: Country | None = None, violation: str = "") -> QuerySet[Story]:
    """The published stories, newest first, with only their public columns loaded (never the
    encrypted draft, never a column of the case). `country` matches the stories that show it
    (not those showing only a sub-region); `violation` is a violation code."""
    stories = (
        Story.objects.filter(status=Story.Status.PUBLISHED)
        .only(*_PUBLIC_FIELDS)
        .order_by("-published_at", "id")
    )
    if country is not None:
        stories = stories.filter(published_country=country)
    if violation:
        # Codes are [a-z_]+ and stored as a JSON list: the quoted code matches one whole
        # element on every backend (JSON `contains` is not available on SQLite).
        stories = stories.filter(violations__icontains=f'"{violation}"')
    return stories


def published_story(pk: uuid.UUID | str) -> Story:
    story = published_stories().filter(pk=pk).first()
    if story is None:
        raise Http404
    return story


def countries_with_stories() -> QuerySet[Country]:
    """The countries shown by at least one published story (the public list's filter)."""
    shown = Story.objects.filter(
        status=Story.Status.PUBLISHED, published_country__isnull=False
    ).values("published_country")
    return Country.objects.filter(pk__in=shown).order_by("name")


# --- Services --------------------------------------------------------------------------------


def _log(user: User | None, case: Case, action: str, detail: str) -> None:
    if user is None:  # an automatic step (the consent was withdrawn)
        AccessLog.objects.create(
            case_reference=case.reference, action=action, detail=detail[:200], username=""
        )
        return
    services.log_access(user=user, case=case, action=action, detail=detail)


def _require(user: User, permission: str, case: Case, step: str) -> None:
    """Refuse — and log the refusal, outside the write's transaction so that it is kept."""
    if not access.case_perm(user, permission, case):
        _log(user, case, AccessLog.Action.DENIED, f"story {step}: {permission}")
        raise PermissionDenied


def _story_codes(violations: Iterable[str]) -> list[str]:
    chosen = services._codes(violations, "violations", "violations")
    return list(dict.fromkeys(chosen))


def _not_consented() -> ValidationError:
    return ValidationError(
        _(
            "The client has not consented to the publication of an anonymised story, or has "
            "withdrawn that consent: no story can be written or published from this case."
        )
    )


def story_create(*, user: User, case: Case) -> Story:
    """Start a draft story from `case`, with the violation types of its acts. Refused when the
    client's consent to the publication of a story is not in force."""
    _require(user, Perm.RIGHTS_WRITE_CASES, case, "create")
    if not story_consent_in_force(case):
        raise _not_consented()
    with transaction.atomic():
        violations: list[str] = []
        for act in case.acts.all():
            violations += [v for v in act.violations if v not in violations]
        story = Story(case=case, author=user, last_editor=user, violations=violations)
        story.title = ""
        story.text = ""
        story.save()
        _log(user, case, AccessLog.Action.EDIT, "story created")
    return story


def story_edit(
    *,
    user: User,
    story: Story,
    title: str,
    text: str,
    period_shown: str,
    place_shown: str,
    violations: Iterable[str],
) -> Story:
    """Change a draft (or a story returned for changes). The period must not be an exact date;
    the place is the case's country, its sub-region or the region."""
    case = story.case
    _require(user, Perm.RIGHTS_WRITE_CASES, case, "edit")
    if story.status not in EDITABLE:
        raise ValidationError(_("Only a draft or a story returned for changes can be edited."))
    title, text = title.strip(), text.strip()
    period_shown, place_shown = period_shown.strip(), place_shown.strip()
    errors: dict[str, str] = {}
    if len(title) > TITLE_MAX_LENGTH:
        errors["title"] = _("At most %(count)d characters.") % {"count": TITLE_MAX_LENGTH}
    if exact_dates(period_shown):
        errors["period_shown"] = _(
            "Not an exact date: give a year or a season, such as “2026” or “spring 2026”."
        )
    if place_shown and place_shown not in place_choices(case):
        errors["place_shown"] = _("Choose the country, the sub-region or the region.")
    if errors:
        raise ValidationError(errors)
    chosen = _story_codes(violations)
    with transaction.atomic():
        story.title = title
        story.text = text
        story.period_shown = period_shown
        story.place_shown = place_shown
        story.violations = chosen
        story.last_editor = user
        story.save(
            update_fields=[
                "title_encrypted",
                "text_encrypted",
                "period_shown",
                "place_shown",
                "violations",
                "last_editor",
                "updated_at",
            ]
        )
        _log(user, case, AccessLog.Action.EDIT, "story edited")
    return story


def story_submit(*, user: User, story: Story) -> Story:
    """Send a complete draft for review by a second person."""
    case = story.case
    _require(user, Perm.RIGHTS_WRITE_CASES, case, "submit")
    if story.status not in EDITABLE:
        raise ValidationError(_("This story is not a draft: it cannot be submitted."))
    missing = {
        name: _("Required before the story is submitted.")
        for name, value in (
            ("title", story.title),
            ("text", story.text),
            ("period_shown", story.period_shown),
            ("place_shown", story.place_shown),
        )
        if not value
    }
    if missing:
        raise ValidationError(missing)
    if not story_consent_in_force(case):
        raise _not_consented()
    with transaction.atomic():
        story.status = Story.Status.SUBMITTED
        story.submitted_at = timezone.now()
        story.save(update_fields=["status", "submitted_at", "updated_at"])
        _log(user, case, AccessLog.Action.EDIT, "story submitted")
    return story


def may_review(user: User, story: Story) -> bool:
    """Four eyes: the author and the last editor of a story never review it."""
    return user.pk not in {story.author_id, story.last_editor_id}


def story_review(
    *, user: User, story: Story, approve: bool, note: str = "", confirmed: bool = False
) -> Story:
    """Approve a submitted story or return it for changes (with a note saying what).

    Approval needs `Perm.RIGHTS_APPROVE_STORIES` on the case, a reviewer who neither wrote nor
    last changed the text, the reviewer's confirmation (`confirmed`) that they checked that
    nobody can be recognised, the story consent in force, and a redaction check that finds
    nothing (`story_redaction_problems`); otherwise a ValidationError lists what is wrong."""
    case = story.case
    _require(user, Perm.RIGHTS_APPROVE_STORIES, case, "review")
    if not may_review(user, story):
        _log(user, case, AccessLog.Action.DENIED, "story review: own story")
        raise PermissionDenied(
            _("You wrote or last changed this story: another person must review it.")
        )
    if story.status != Story.Status.SUBMITTED:
        raise ValidationError(_("Only a submitted story can be reviewed."))
    note = note.strip()
    if approve:
        if not confirmed:
            raise ValidationError(
                {"confirmed": _("Confirm that you checked that nobody can be recognised.")}
            )
        problems = story_redaction_problems(story)
        if problems:
            raise ValidationError(
                [_("The redaction check found what may identify the client; not approved:")]
                + [p.message for p in problems]
            )
        if not story_consent_in_force(case):
            raise _not_consented()
    elif not note:
        raise ValidationError({"note": _("Say what must change.")})
    with transaction.atomic():
        story.status = Story.Status.APPROVED if approve else Story.Status.CHANGES_REQUESTED
        story.reviewer = user
        story.review_note = note
        story.approved_at = timezone.now() if approve else None
        story.save(
            update_fields=[
                "status",
                "reviewer",
                "review_note_encrypted",
                "approved_at",
                "updated_at",
            ]
        )
        detail = "story approved" if approve else "story changes requested"
        _log(user, case, AccessLog.Action.EDIT, detail)
    return story


def story_publish(*, user: User, story: Story) -> Story:
    """Publish an approved story: its reviewed title and text are copied to the public columns.
    Refused when the client has withdrawn the consent to the publication of a story since."""
    case = story.case
    _require(user, Perm.RIGHTS_APPROVE_STORIES, case, "publish")
    if story.status != Story.Status.APPROVED:
        raise ValidationError(_("Only an approved story can be published."))
    if not story_consent_in_force(case):
        raise _not_consented()
    shows_country = story.place_shown == case.country.name
    with transaction.atomic():
        story.published_title = story.title
        story.published_text = story.text
        story.published_country = case.country if shows_country else None
        story.status = Story.Status.PUBLISHED
        story.published_at = timezone.now()
        story.save(
            update_fields=[
                "published_title",
                "published_text",
                "published_country",
                "status",
                "published_at",
                "updated_at",
            ]
        )
        _log(user, case, AccessLog.Action.EDIT, "story published")
    return story


def _withdraw(story: Story) -> None:
    story.status = Story.Status.WITHDRAWN
    story.withdrawn_at = timezone.now()
    story.published_title = ""
    story.published_text = ""
    story.published_country = None
    story.save(
        update_fields=[
            "status",
            "withdrawn_at",
            "published_title",
            "published_text",
            "published_country",
            "updated_at",
        ]
    )


def story_withdraw(*, user: User, story: Story) -> Story:
    """Withdraw a story for good (unpublished at once if it was published)."""
    case = story.case
    _require(user, Perm.RIGHTS_APPROVE_STORIES, case, "withdraw")
    if story.status == Story.Status.WITHDRAWN:
        raise ValidationError(_("This story is already withdrawn."))
    with transaction.atomic():
        _withdraw(story)
        _log(user, case, AccessLog.Action.EDIT, "story withdrawn")
    return story


@transaction.atomic
def withdraw_stories_without_consent(case: Case, *, user: User | None = None) -> int:
    """When the client's consent to the publication of a story is not in force, withdraw every
    story of the case that is not withdrawn yet (published ones leave the public pages at
    once). Called by `services.consent_withdraw`; does nothing while the consent is in force.
    Returns the number of stories withdrawn."""
    if story_consent_in_force(case):
        return 0
    stories = list(Story.objects.filter(case=case).exclude(status=Story.Status.WITHDRAWN))
    for story in stories:
        _withdraw(story)
        _log(user, case, AccessLog.Action.EDIT, "story withdrawn: consent withdrawn")
    return len(stories)
