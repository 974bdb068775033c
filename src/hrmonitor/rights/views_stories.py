"""Anonymised "typical case" stories: the pages of the case's world (writing, review,
publication, withdrawal) and the public pages of the published stories.

The case's pages follow `views_cases`: the case is opened through `services.case_open` (the
opening is logged), only a full opening shows a story (a draft is as confidential as the
case), every write is a `rights.stories` service that checks the role again and logs it, and
every response says `Cache-Control: no-store`.

The public pages need no login and read only what `stories.published_stories` loads: the
published title and text, the period and place shown and the violation codes — never a column
of the case.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from hrmonitor.core import access
from hrmonitor.core.roles import Perm
from hrmonitor.rights import codes, services, stories
from hrmonitor.rights.models import AccessLog, Story
from hrmonitor.rights.views_cases import _add_errors, _open, _private, _user

STORIES_PER_PAGE = 20


class StoryForm(forms.Form):
    title = forms.CharField(
        label=gettext_lazy("Title"), required=False, max_length=stories.TITLE_MAX_LENGTH
    )
    text = forms.CharField(
        label=gettext_lazy("Story"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 14}),
        help_text=gettext_lazy(
            "Plain text, as it will be published. Tell what happened and what it shows about "
            "the law and its practice, without anything that could identify the client."
        ),
    )
    period_shown = forms.CharField(
        label=gettext_lazy("Period shown"),
        required=False,
        max_length=40,
        help_text=gettext_lazy("A year or a season, such as “2026” or “spring 2026”."),
    )
    place_shown = forms.ChoiceField(
        label=gettext_lazy("Place shown"),
        required=False,
        help_text=gettext_lazy(
            "In a small country, or when the case is well known there, show the sub-region."
        ),
    )
    violations = forms.MultipleChoiceField(
        label=gettext_lazy("Violations"), required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args: Any, places: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        place_field: Any = self.fields["place_shown"]
        place_field.choices = [("", "—")] + [(p, p) for p in places]
        violation_field: Any = self.fields["violations"]
        violation_field.choices = codes.choices("violations")
        for name, field in self.fields.items():
            if name == "violations":
                field.widget.attrs["class"] = "form-check-input"
            elif name == "place_shown":
                field.widget.attrs["class"] = "form-select"
            else:
                field.widget.attrs["class"] = "form-control"
        self.fields["title"].widget.attrs["autocomplete"] = "off"


class ReviewForm(forms.Form):
    decision = forms.ChoiceField(choices=[("approve", "approve"), ("changes", "changes")])
    note = forms.CharField(
        label=gettext_lazy("Note to the author"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4, "class": "form-control"}),
        help_text=gettext_lazy("Required to request changes: say what must change."),
    )
    confirmed = forms.BooleanField(
        label=gettext_lazy(
            "I read the whole story and checked that nobody can be recognised from it."
        ),
        required=False,
        widget=forms.CheckboxInput(attrs={"class": "form-check-input"}),
    )


# --- Helpers ---------------------------------------------------------------------------------


def _opened_fully(request: HttpRequest, reference: str) -> services.OpenedCase:
    """The case, opened (and logged) by the service; a story needs the full opening."""
    opened = _open(request, reference)
    if not opened.identifying:
        services.log_access(
            user=_user(request),
            case=opened.case,
            action=AccessLog.Action.DENIED,
            detail="story: pseudonymised access",
        )
        raise PermissionDenied
    return opened


def _to_story(story: Story) -> HttpResponse:
    return redirect("rights:story", reference=story.case.reference, pk=story.pk)


def _violation_labels(values: list[str]) -> list[str]:
    return [codes.label("violations", v) for v in values]


def _story_context(request: HttpRequest, story: Story) -> dict[str, Any]:
    user = _user(request)
    case = story.case
    can_approve = access.case_perm(user, Perm.RIGHTS_APPROVE_STORIES, case)
    return {
        "case": case,
        "story": story,
        "violations": _violation_labels(story.violations),
        "problems": stories.story_redaction_problems(story),
        "can_write": access.case_perm(user, Perm.RIGHTS_WRITE_CASES, case),
        "can_approve": can_approve,
        "may_review": can_approve and stories.may_review(user, story),
        "editable": story.status in stories.EDITABLE,
        "consent_in_force": stories.story_consent_in_force(case),
    }


# --- The case's stories ----------------------------------------------------------------------


@login_required
@_private
def case_stories(request: HttpRequest, reference: str) -> HttpResponse:
    """The stories written from a case, and the button to write one."""
    opened = _opened_fully(request, reference)
    case = opened.case
    return render(
        request,
        "rights/stories_case.html",
        {
            "case": case,
            "stories": list(stories.case_stories(case)),
            "consent_in_force": stories.story_consent_in_force(case),
            "can_write": access.case_perm(_user(request), Perm.RIGHTS_WRITE_CASES, case),
        },
    )


@login_required
@_private
@require_POST
def story_new(request: HttpRequest, reference: str) -> HttpResponse:
    opened = _opened_fully(request, reference)
    try:
        story = stories.story_create(user=_user(request), case=opened.case)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("rights:case_stories", reference=reference)
    messages.success(request, _("A draft story is started."))
    return _to_story(story)


@login_required
@_private
def story_detail(request: HttpRequest, reference: str, pk: Any) -> HttpResponse:
    """The story as written; its writers edit it here while it is a draft."""
    opened = _opened_fully(request, reference)
    story = stories.story_get_for_case(opened.case, pk)
    user = _user(request)
    form: StoryForm | None = None
    if story.status in stories.EDITABLE and access.case_perm(
        user, Perm.RIGHTS_WRITE_CASES, opened.case
    ):
        initial = {
            "title": story.title,
            "text": story.text,
            "period_shown": story.period_shown,
            "place_shown": story.place_shown,
            "violations": story.violations,
        }
        places = stories.place_choices(opened.case)
        form = StoryForm(request.POST or None, initial=initial, places=places)
        if request.method == "POST" and form.is_valid():
            try:
                stories.story_edit(user=user, story=story, **form.cleaned_data)
            except ValidationError as error:
                _add_errors(form, error)
            else:
                messages.success(request, _("The story is saved."))
                return _to_story(story)
    elif request.method == "POST":
        services.log_access(
            user=user, case=opened.case, action=AccessLog.Action.DENIED, detail="story edit"
        )
        raise PermissionDenied
    context = _story_context(request, story)
    context["form"] = form
    status = 400 if form is not None and form.errors else 200
    return render(request, "rights/story_edit.html", context, status=status)


@login_required
@_private
@require_POST
def story_submit(request: HttpRequest, reference: str, pk: Any) -> HttpResponse:
    opened = _opened_fully(request, reference)
    story = stories.story_get_for_case(opened.case, pk)
    try:
        stories.story_submit(user=_user(request), story=story)
    except ValidationError as error:
        messages.error(request, " ".join(_messages(error)))
    else:
        messages.success(request, _("The story is submitted for review."))
    return _to_story(story)


def _messages(error: ValidationError) -> list[str]:
    if hasattr(error, "error_dict"):
        labels = {
            "title": _("Title"),
            "text": _("Story"),
            "period_shown": _("Period shown"),
            "place_shown": _("Place shown"),
        }
        return [
            _("%(field)s: %(message)s") % {"field": labels.get(name, name), "message": message}
            for name, errors in error.message_dict.items()
            for message in errors
        ]
    return list(error.messages)


@login_required
@_private
def story_review(request: HttpRequest, reference: str, pk: Any) -> HttpResponse:
    """The review: the story, what the redaction check found, and approval (with the
    reviewer's confirmation) or a request for changes."""
    opened = _opened_fully(request, reference)
    story = stories.story_get_for_case(opened.case, pk)
    user = _user(request)
    if not access.case_perm(user, Perm.RIGHTS_APPROVE_STORIES, opened.case):
        services.log_access(
            user=user, case=opened.case, action=AccessLog.Action.DENIED, detail="story review"
        )
        raise PermissionDenied
    form = ReviewForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        approve = data["decision"] == "approve"
        try:
            stories.story_review(
                user=user,
                story=story,
                approve=approve,
                note=data["note"],
                confirmed=data["confirmed"],
            )
        except ValidationError as error:
            _add_errors(form, error)
            status = 400
        else:
            if approve:
                messages.success(request, _("The story is approved: it can now be published."))
            else:
                messages.success(request, _("The story is returned to its author for changes."))
            return _to_story(story)
    elif request.method == "POST":
        status = 400
    context = _story_context(request, story)
    context["form"] = form
    return render(request, "rights/story_review.html", context, status=status)


@login_required
@_private
@require_POST
def story_publish(request: HttpRequest, reference: str, pk: Any) -> HttpResponse:
    opened = _opened_fully(request, reference)
    story = stories.story_get_for_case(opened.case, pk)
    try:
        stories.story_publish(user=_user(request), story=story)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The story is published."))
    return _to_story(story)


@login_required
@_private
@require_POST
def story_withdraw(request: HttpRequest, reference: str, pk: Any) -> HttpResponse:
    opened = _opened_fully(request, reference)
    story = stories.story_get_for_case(opened.case, pk)
    try:
        stories.story_withdraw(user=_user(request), story=story)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The story is withdrawn."))
    return _to_story(story)


# --- Public pages ----------------------------------------------------------------------------


def public_stories(request: HttpRequest) -> HttpResponse:
    """The published stories, filterable by the country they show and by violation."""
    countries = list(stories.countries_with_stories())
    country = next((c for c in countries if c.iso2 == request.GET.get("country", "")), None)
    known = dict(codes.choices("violations"))
    violation = request.GET.get("violation", "")
    violation = violation if violation in known else ""
    page = Paginator(
        stories.published_stories(country=country, violation=violation), STORIES_PER_PAGE
    ).get_page(request.GET.get("page"))
    filters = request.GET.copy()
    filters.pop("page", None)
    return render(
        request,
        "rights/stories.html",
        {
            "page": page,
            "rows": [(story, _violation_labels(story.violations)) for story in page],
            "countries": countries,
            "violations": sorted(known.items(), key=lambda item: item[1]),
            "filters": {"country": country, "violation": violation},
            "query_string": filters.urlencode(),
        },
    )


def public_story(request: HttpRequest, pk: Any) -> HttpResponse:
    """One published story: its published title and text, period, place and violations."""
    story = stories.published_story(pk)
    return render(
        request,
        "rights/story.html",
        {"story": story, "violations": _violation_labels(story.violations)},
    )
