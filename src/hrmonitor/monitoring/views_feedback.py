"""Participants' feedback on an event, given without an account through the event's link
(its key is the only credential), and experts' reflections entered by the Secretariat."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from functools import wraps
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from hrmonitor.monitoring import selectors, services
from hrmonitor.monitoring.feedback import FeedbackForm, ReflectionForm
from hrmonitor.monitoring.models import Event

# Submissions one address may send to one event's form within the window: a room of
# participants behind one venue router stays well under it, a script does not.
RATE_LIMIT = 20
RATE_WINDOW_SECONDS = 10 * 60

View = Callable[..., HttpResponse]


def _requested_language(request: HttpRequest) -> str | None:
    """`?lang=ru|en`: the Secretariat shares a link that opens in the participants' language."""
    language = request.GET.get("lang", "")
    return language if language in dict(settings.LANGUAGES) else None


def _in_requested_language(view: View) -> View:
    """Answer in the language of `?lang=` when given (for this response only), else in the
    language the site chose (the switch, the browser)."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
        language = _requested_language(request) or translation.get_language() or "en"
        with translation.override(language):
            request.LANGUAGE_CODE = language
            response = view(request, *args, **kwargs)
        response.headers["Content-Language"] = language
        return response

    return wrapper


def _event_by_key(key: str) -> Event:
    event = selectors.event_by_feedback_key(key)
    if event is None:
        raise Http404  # nothing said about why: keys are not to be guessed
    return event


def _language_query(request: HttpRequest) -> str:
    language = _requested_language(request)
    return f"?{urlencode({'lang': language})}" if language else ""


def _too_many(request: HttpRequest, event: Event) -> bool:
    """Count this submission from the request's address to `event`; True once the address
    has sent more than RATE_LIMIT in the current window (which starts with its first)."""
    # The address is hashed: the cache need not hold participants' IP addresses.
    address = hashlib.sha256(request.META.get("REMOTE_ADDR", "").encode()).hexdigest()[:32]
    key = f"hrmonitor:feedback-rate:{event.pk}:{address}"
    cache.add(key, 0, timeout=RATE_WINDOW_SECONDS)
    try:
        hits = cache.incr(key)
    except ValueError:  # the window ended between add and incr
        cache.set(key, 1, timeout=RATE_WINDOW_SECONDS)
        hits = 1
    return hits > RATE_LIMIT


def _closed(request: HttpRequest, event: Event) -> HttpResponse:
    return render(request, "monitoring/feedback_closed.html", {"event": event})


def _thanks(request: HttpRequest, event: Event) -> HttpResponse:
    url = reverse("monitoring:feedback_thanks", kwargs={"key": event.feedback_key})
    return redirect(url + _language_query(request))


@never_cache
@require_http_methods(["GET", "POST"])
@_in_requested_language
def feedback(request: HttpRequest, key: str) -> HttpResponse:
    """The questionnaire of one event, for anyone with its link."""
    event = _event_by_key(key)
    if not event.feedback_open:
        return _closed(request, event)
    form = FeedbackForm(request.POST if request.method == "POST" else None)
    context: dict[str, object] = {"event": event, "form": form}
    if request.method == "POST":
        if _too_many(request, event):
            minutes = RATE_WINDOW_SECONDS // 60
            context["notice"] = ngettext(
                "Many answers were sent from your connection in the last few minutes. "
                "Please try again in %(minutes)s minute.",
                "Many answers were sent from your connection in the last few minutes. "
                "Please try again in %(minutes)s minutes.",
                minutes,
            ) % {"minutes": minutes}
            return render(request, "monitoring/feedback.html", context, status=429)
        if form.honeypot_filled:
            return _thanks(request, event)  # the answer a person gets; nothing is kept
        if form.is_valid():
            try:
                services.feedback_submit(
                    event=event,
                    answers=form.answers(),
                    language=translation.get_language() or "en",
                )
            except PermissionDenied:  # closed while the participant was answering
                return _closed(request, event)
            return _thanks(request, event)
    return render(request, "monitoring/feedback.html", context)


@never_cache
@require_http_methods(["GET"])
@_in_requested_language
def feedback_thanks(request: HttpRequest, key: str) -> HttpResponse:
    return render(request, "monitoring/feedback_thanks.html", {"event": _event_by_key(key)})


@login_required
@require_POST
def reflection_add(request: HttpRequest, pk: int) -> HttpResponse:
    """Add an expert's reflection to an event (or one of its documents); the Secretariat's."""
    event = selectors.event_by_pk(pk)
    if event is None:
        raise Http404
    form = ReflectionForm(request.POST, event=event)
    if not form.is_valid():
        for name, errors in form.errors.as_data().items():
            label = form.fields[name].label if name in form.fields else None
            for message in ValidationError(errors).messages:
                if label:
                    message = _("%(field)s: %(error)s") % {"field": label, "error": message}
                messages.error(request, message)
        return redirect("monitoring:event", pk=event.pk)
    data = form.cleaned_data
    try:
        services.reflection_add(
            user=request.user,  # type: ignore[arg-type]  # login_required: a User
            event=event,
            expert_name=data["expert_name"],
            text=data["text"],
            document=data["document"],
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The reflection was added."))
    return redirect("monitoring:event", pk=event.pk)
