"""The case-work pages (REAct-like workflow, HURIDOCS structure): the list of cases, intake,
the case page with its consents, acts, legal analysis, responses, closure and evidence files,
and the follow-up reminders.

Secure by construction:
- a case is only ever obtained through `services.case_open`, which logs the opening (or the
  refusal) before anything is shown; every write is a service call, which checks the case role
  again and logs it;
- a pseudonymised opening never decrypts: the page is built from `_CaseView`, whose identifying
  parts are filled in only for a full opening, so the template has nothing to decrypt;
- every response of these pages says `Cache-Control: no-store` and `X-Robots-Tag: noindex`,
  and nothing identifying goes into a URL, a title or a download's file name.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import wraps
from pathlib import Path
from typing import Any, cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import F, Min, Prefetch, Q
from django.forms import Form
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from hrmonitor.core import access
from hrmonitor.core.models import Country, User
from hrmonitor.core.roles import Perm
from hrmonitor.rights import codes, services
from hrmonitor.rights.forms import (
    ActForm,
    AnalysisForm,
    CaseFileForm,
    CaseIntakeForm,
    CaseNewForm,
    CloseForm,
    ConsentWithdrawForm,
    ResponseForm,
    yes_no_initial,
)
from hrmonitor.rights.models import (
    AccessLog,
    Act,
    Case,
    CaseFile,
    Consent,
    LegalAnalysis,
    Response,
)

CASES_PER_PAGE = 50

View = Callable[..., HttpResponseBase]


def _private(view: View) -> View:
    """Case pages are never stored by a browser or a proxy, nor indexed."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        response = view(request, *args, **kwargs)
        response["Cache-Control"] = "no-store"
        response["X-Robots-Tag"] = "noindex"
        return response

    return wrapped


def _user(request: HttpRequest) -> User:
    return cast(User, request.user)  # every view here is behind login_required


def _open(request: HttpRequest, reference: str) -> services.OpenedCase:
    """The case as the user may see it, logged by the service; 404 for an unknown reference,
    403 (logged as a refusal by the service) for a case they may not open."""
    try:
        return services.case_open(user=_user(request), reference=reference)
    except Case.DoesNotExist:
        raise Http404 from None


def _may(request: HttpRequest, opened: services.OpenedCase, permission: str) -> bool:
    """Whether the user may do `permission` on the opened case (work needs the full view)."""
    return opened.identifying and access.case_perm(_user(request), permission, opened.case)


def _require(request: HttpRequest, opened: services.OpenedCase, permission: str) -> None:
    """Refuse (and log the refusal) a page of work the user may not do on this case."""
    if not _may(request, opened, permission):
        services.log_access(
            user=_user(request),
            case=opened.case,
            action=AccessLog.Action.DENIED,
            detail=permission,
        )
        raise PermissionDenied


def _add_errors(form: Form, error: ValidationError) -> None:
    """A service's validation error on the form: on its field when the form has it."""
    if hasattr(error, "error_dict"):
        for name, errors in error.error_dict.items():
            for item in errors:
                form.add_error(name if name in form.fields else None, item)
    else:
        for message in error.messages:
            form.add_error(None, message)


def _to_case(reference: str) -> HttpResponse:
    return redirect("rights:case", reference=reference)


# --- The list --------------------------------------------------------------------------------


def _date(value: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value or "")
    except ValueError:
        return None


@login_required
@_private
def case_list(request: HttpRequest) -> HttpResponse:
    """The cases the user may see (fully or pseudonymised), filtered; never searched by
    anything but the exact reference, and showing nothing identifying. A list is not an
    opening: nothing is logged per row."""
    user = _user(request)
    if not access.has_perm(user, Perm.RIGHTS_READ_PSEUDONYMISED, anywhere=True):
        raise PermissionDenied
    scope = access.scope_for(user, Perm.RIGHTS_READ_PSEUDONYMISED)
    countries = list(scope.filter(Country.objects.order_by("name"), field="pk"))
    status = request.GET.get("status", "")
    status = status if status in Case.Status.values else ""
    country = next((c for c in countries if c.iso2 == request.GET.get("country", "")), None)
    start, end = _date(request.GET.get("start")), _date(request.GET.get("end"))
    reference = request.GET.get("reference", "").strip().upper()[:12]

    cases = (
        access.cases_visible_to(user, identifying=False)
        .select_related("country")
        .defer("narrative_encrypted", "client_code_encrypted", "province_encrypted")
        .annotate(
            qualification=F("analysis__qualification"),
            follow_up=Min(
                "responses__follow_up_on",
                filter=Q(responses__status__in=[Response.Status.PLANNED, Response.Status.ONGOING]),
            ),
        )
        .prefetch_related(
            Prefetch("acts", queryset=Act.objects.only("id", "case_id", "violations"))
        )
        .order_by("-received_on", "reference")
    )
    if status:
        cases = cases.filter(status=status)
    if country:
        cases = cases.filter(country=country)
    if start:
        cases = cases.filter(received_on__gte=start)
    if end:
        cases = cases.filter(received_on__lte=end)
    if reference:
        cases = cases.filter(reference=reference)
    page = Paginator(cases, CASES_PER_PAGE).get_page(request.GET.get("page"))
    qualifications = dict(LegalAnalysis.Qualification.choices)
    rows = []
    for case in page:
        violations: list[str] = []
        for act in case.acts.all():
            violations += [v for v in act.violations if v not in violations]
        rows.append(
            {
                "case": case,
                "violations": [codes.label("violations", v) for v in violations],
                "qualification": qualifications.get(case.qualification or "", ""),  # type: ignore[attr-defined]  # annotated
                "follow_up": case.follow_up,  # type: ignore[attr-defined]  # annotated
            }
        )
    filters = request.GET.copy()
    filters.pop("page", None)
    return render(
        request,
        "rights/case_list.html",
        {
            "rows": rows,
            "page": page,
            "statuses": Case.Status.choices,
            "countries": countries,
            "filters": {
                "status": status,
                "country": country,
                "start": start,
                "end": end,
                "reference": reference,
            },
            "query_string": filters.urlencode(),
            "can_write": access.has_perm(user, Perm.RIGHTS_WRITE_CASES, anywhere=True),
        },
    )


# --- Intake ----------------------------------------------------------------------------------


@login_required
@_private
def case_new(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    if not access.has_perm(user, Perm.RIGHTS_WRITE_CASES, anywhere=True):
        raise PermissionDenied
    form = CaseNewForm(
        request.POST or None, user=user, initial={"received_on": timezone.localdate()}
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        chosen = set(data.pop("consents"))
        try:
            case = services.case_create(
                user=user,
                consents={item: item in chosen for item in Consent.Item.values},
                **data,
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(
                request, _("Case %(reference)s is recorded.") % {"reference": case.reference}
            )
            return _to_case(case.reference)
    return render(request, "rights/case_new.html", {"form": form})


@login_required
@_private
def case_edit(request: HttpRequest, reference: str) -> HttpResponse:
    """Correct the intake details (not the consents: they are withdrawn, never edited)."""
    opened = _open(request, reference)
    _require(request, opened, Perm.RIGHTS_WRITE_CASES)
    case = opened.case
    update = getattr(services, "case_update", None)
    if update is None:
        return render(request, "rights/case_edit.html", {"case": case, "form": None})
    initial = {
        "channel": case.channel,
        "received_on": case.received_on,
        "incident_date": case.incident_date,
        "incident_precision": case.incident_precision,
        "client_code": case.client_code,
        "gender": case.gender,
        "age_band": case.age_band,
        "province": case.province,
        "key_groups": case.key_groups,
        "pregnant": yes_no_initial(case.pregnant),
        "has_children": yes_no_initial(case.has_children),
        "custody": case.custody,
        "narrative": case.narrative,
    }
    form = CaseIntakeForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            update(user=_user(request), case=case, **form.cleaned_data)
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("The case details are saved."))
            return _to_case(case.reference)
    return render(request, "rights/case_edit.html", {"case": case, "form": form})


# --- The case page ---------------------------------------------------------------------------


@dataclass(frozen=True)
class _ActView:
    violations: list[str]
    perpetrator: str
    involvement: str
    occurred_on: Any
    description: str | None  # None: withheld (pseudonymised)


@dataclass(frozen=True)
class _AnalysisView:
    qualification: str
    confidence: str
    rights: list[str]
    national_law: str
    strategic: bool
    analysed_on: Any
    analyst: str
    text: str | None


@dataclass(frozen=True)
class _ResponseView:
    pk: Any
    kind: str
    referred: bool
    referred_to: str
    started_on: Any
    ended_on: Any
    status: str
    follow_up_on: Any
    overdue: bool
    outcome: str | None


@dataclass(frozen=True)
class _FileView:
    pk: Any
    kind: str
    size: int
    sha256_short: str
    uploaded_by: str
    uploaded_at: Any
    restricted: bool
    name: str | None
    downloadable: bool


@dataclass
class _CaseView:
    """What the case page shows. The identifying parts (narrative, client code, province and
    every free text) are read — decrypted — only for a full opening."""

    identifying: bool
    narrative: str | None = None
    client_code: str | None = None
    province: str | None = None
    key_groups: list[str] = field(default_factory=list)
    consents: list[Consent] = field(default_factory=list)
    acts: list[_ActView] = field(default_factory=list)
    analysis: _AnalysisView | None = None
    responses: list[_ResponseView] = field(default_factory=list)
    files: list[_FileView] = field(default_factory=list)


_CONSENT_ORDER = {item: n for n, item in enumerate(Consent.Item.values)}


def _may_download(user: User, case: Case, record: CaseFile) -> bool:
    """The rule of `services.file_read` for someone with the full view, to offer a link only
    where the download will work (the service decides, and logs)."""
    return record.access == CaseFile.Access.CASE_TEAM or any(
        access.case_perm(user, perm, case) for perm in (Perm.RIGHTS_ANALYSE, Perm.RIGHTS_EXPORT)
    )


def _case_view(user: User, opened: services.OpenedCase) -> _CaseView:
    case, full = opened.case, opened.identifying
    today = timezone.localdate()
    view = _CaseView(
        identifying=full,
        key_groups=[codes.label("key_groups", g) for g in case.key_groups],
        # In the order of the consent text, not alphabetical.
        consents=sorted(case.consents.all(), key=lambda c: _CONSENT_ORDER.get(c.item, 99)),
    )
    if full:
        view.narrative = case.narrative
        view.client_code = case.client_code
        view.province = case.province
    for act in case.acts.all():
        view.acts.append(
            _ActView(
                violations=[codes.label("violations", v) for v in act.violations],
                perpetrator=codes.label("perpetrators", act.perpetrator),
                involvement=codes.label("involvement", act.involvement),
                occurred_on=act.occurred_on,
                description=act.description if full else None,
            )
        )
    found = LegalAnalysis.objects.select_related("analyst").filter(case=case).first()
    if found is not None:
        view.analysis = _AnalysisView(
            qualification=found.get_qualification_display(),
            confidence=found.get_confidence_display(),
            rights=[codes.article_label(r) for r in found.rights],
            national_law=found.national_law,
            strategic=found.strategic,
            analysed_on=found.analysed_on,
            analyst=found.analyst.get_username() if found.analyst else "",
            text=found.text if full else None,
        )
    for response in case.responses.all():
        open_ = response.status in (Response.Status.PLANNED, Response.Status.ONGOING)
        view.responses.append(
            _ResponseView(
                pk=response.pk,
                kind=response.get_kind_display(),
                referred=response.referred,
                referred_to=response.referred_to,
                started_on=response.started_on,
                ended_on=response.ended_on,
                status=response.get_status_display(),
                follow_up_on=response.follow_up_on,
                overdue=bool(open_ and response.follow_up_on and response.follow_up_on <= today),
                outcome=response.outcome if full else None,
            )
        )
    for record in case.files.select_related("uploaded_by"):
        downloadable = full and _may_download(user, case, record)
        view.files.append(
            _FileView(
                pk=record.pk,
                kind=record.get_kind_display(),
                size=record.size,
                sha256_short=record.sha256[:12],
                uploaded_by=record.uploaded_by.get_username() if record.uploaded_by else "",
                uploaded_at=record.uploaded_at,
                restricted=record.access == CaseFile.Access.ANALYSTS,
                # The original name may identify: only for those who may open the file.
                name=record.name if downloadable else None,
                downloadable=downloadable,
            )
        )
    return view


def _render_case(
    request: HttpRequest, opened: services.OpenedCase, status: int = 200, **forms: Form
) -> HttpResponse:
    user = _user(request)
    case = opened.case
    can_write = _may(request, opened, Perm.RIGHTS_WRITE_CASES)
    can_respond = _may(request, opened, Perm.RIGHTS_RESPOND)
    context: dict[str, Any] = {
        "case": case,
        "view": _case_view(user, opened),
        "can_write": can_write,
        "can_respond": can_respond,
        "can_analyse": _may(request, opened, Perm.RIGHTS_ANALYSE),
        "is_closed": case.status == Case.Status.CLOSED,
        # Several forms on one page: distinct ids, the same field names as their own pages.
        "act_form": ActForm(auto_id="act_%s") if can_write else None,
        "response_form": ResponseForm(
            auto_id="response_%s", initial={"started_on": timezone.localdate()}
        )
        if can_respond
        else None,
        "close_form": CloseForm(auto_id="close_%s") if can_respond else None,
        "file_form": CaseFileForm(auto_id="file_%s") if can_write else None,
        "consent_text_version": services.CONSENT_TEXT_VERSION,
    }
    context.update(forms)
    return render(request, "rights/case.html", context, status=status)


@login_required
@_private
def case_detail(request: HttpRequest, reference: str) -> HttpResponse:
    return _render_case(request, _open(request, reference))


# --- Acts and the legal analysis -------------------------------------------------------------


@login_required
@_private
def act_add(request: HttpRequest, reference: str) -> HttpResponse:
    opened = _open(request, reference)
    _require(request, opened, Perm.RIGHTS_WRITE_CASES)
    form = ActForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.act_add(user=_user(request), case=opened.case, **form.cleaned_data)
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("The act is added."))
            return _to_case(reference)
    return render(request, "rights/case_act.html", {"case": opened.case, "form": form})


@login_required
@_private
def analysis(request: HttpRequest, reference: str) -> HttpResponse:
    """The legal analysis of the case: one per case, revised in place (history keeps every
    version)."""
    opened = _open(request, reference)
    _require(request, opened, Perm.RIGHTS_ANALYSE)
    existing = LegalAnalysis.objects.filter(case=opened.case).first()
    initial: dict[str, Any] = {}
    if existing is not None:
        initial = {
            "qualification": existing.qualification,
            "confidence": existing.confidence,
            "rights": existing.rights,
            "national_law": existing.national_law,
            "strategic": existing.strategic,
            "text": existing.text,
        }
    form = AnalysisForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.analysis_save(user=_user(request), case=opened.case, **form.cleaned_data)
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("The legal analysis is saved."))
            return _to_case(reference)
    return render(
        request,
        "rights/case_analysis.html",
        {"case": opened.case, "form": form, "existing": existing},
    )


# --- Responses and closure -------------------------------------------------------------------


def _response_page(
    request: HttpRequest, opened: services.OpenedCase, response: Response | None
) -> HttpResponse:
    initial: dict[str, Any] = {"started_on": timezone.localdate()}
    if response is not None:
        initial = {
            "kind": response.kind,
            "referred": response.referred,
            "referred_to": response.referred_to,
            "started_on": response.started_on,
            "status": response.status,
            "ended_on": response.ended_on,
            "follow_up_on": response.follow_up_on,
            "outcome": response.outcome,
        }
    form = ResponseForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.response_save(
                user=_user(request), case=opened.case, response=response, **form.cleaned_data
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("The response is saved."))
            return _to_case(opened.case.reference)
    return render(
        request,
        "rights/case_response.html",
        {"case": opened.case, "form": form, "response": response},
    )


@login_required
@_private
def response_add(request: HttpRequest, reference: str) -> HttpResponse:
    opened = _open(request, reference)
    _require(request, opened, Perm.RIGHTS_RESPOND)
    return _response_page(request, opened, None)


@login_required
@_private
def response_edit(request: HttpRequest, reference: str, pk: Any) -> HttpResponse:
    opened = _open(request, reference)
    _require(request, opened, Perm.RIGHTS_RESPOND)
    response = opened.case.responses.filter(pk=pk).first()
    if response is None:
        raise Http404
    return _response_page(request, opened, response)


@login_required
@_private
@require_POST
def case_close(request: HttpRequest, reference: str) -> HttpResponse:
    opened = _open(request, reference)
    _require(request, opened, Perm.RIGHTS_RESPOND)
    form = CloseForm(request.POST, auto_id="close_%s")
    if form.is_valid():
        try:
            services.case_close(user=_user(request), case=opened.case, **form.cleaned_data)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(
                request,
                _("The case is closed: %(outcome)s.")
                % {"outcome": opened.case.get_closure_display()},
            )
            return _to_case(reference)
    return _render_case(request, opened, status=400, close_form=form)


@login_required
@_private
@require_POST
def consent_withdraw(request: HttpRequest, reference: str) -> HttpResponse:
    """The client withdraws one consent (dated and kept; never edited or deleted)."""
    opened = _open(request, reference)
    _require(request, opened, Perm.RIGHTS_WRITE_CASES)
    form = ConsentWithdrawForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a consent to withdraw."))
        return _to_case(reference)
    item = form.cleaned_data["item"]
    try:
        services.consent_withdraw(user=_user(request), case=opened.case, item=item)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            _("Consent withdrawn: %(item)s.") % {"item": Consent.Item(item).label},
        )
    return _to_case(reference)


# --- Evidence files --------------------------------------------------------------------------


@login_required
@_private
def file_add(request: HttpRequest, reference: str) -> HttpResponse:
    opened = _open(request, reference)
    _require(request, opened, Perm.RIGHTS_WRITE_CASES)
    form = CaseFileForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.file_add(
                user=_user(request),
                case=opened.case,
                upload=data["file"],
                kind=data["kind"],
                access_level=data["access"],
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("The file is stored, encrypted."))
            return _to_case(reference)
    return render(request, "rights/case_file.html", {"case": opened.case, "form": form})


_SAFE_EXTENSION = re.compile(r"\.[a-z0-9]{1,8}")


@login_required
@_private
def file_download(request: HttpRequest, pk: Any) -> HttpResponse:
    """The decrypted evidence file for those who may open it (logged by the service), under a
    neutral name: the original name may identify the client."""
    # The file is fetched by its random key only to hand it to the service, which decides
    # (and logs a download or a refusal) before anything is read.
    record = (
        CaseFile.objects.select_related("case", "case__country", "case__organisation")
        .filter(pk=pk)
        .first()
    )
    if record is None:
        raise Http404
    try:
        content = services.file_read(user=_user(request), record=record)
    except ValidationError:
        messages.error(request, _("The file is damaged: it does not match its checksum."))
        return _to_case(record.case.reference)
    extension = Path(record.name).suffix.lower()
    if not _SAFE_EXTENSION.fullmatch(extension):
        extension = ""
    filename = f"evidence-{record.case.reference}-{record.sha256[:8]}{extension}"
    response = HttpResponse(content, content_type="application/octet-stream")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


# --- Reminders -------------------------------------------------------------------------------


@login_required
@_private
def reminders(request: HttpRequest) -> HttpResponse:
    """Follow-ups due today or overdue on the open cases the user works on."""
    user = _user(request)
    if not access.has_perm(user, Perm.RIGHTS_READ_PSEUDONYMISED, anywhere=True):
        raise PermissionDenied
    today = timezone.localdate()
    due = services.reminders(user, today=today)
    return render(
        request,
        "rights/reminders.html",
        {
            "reminders": [(r, (today - r.follow_up_on).days) for r in due if r.follow_up_on],
            "today": today,
        },
    )
