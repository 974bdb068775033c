"""Entered data values: saving drafts, validating, submitting, approving, returning, reopening.

Every write of a data value goes through these functions — the entry grid, the import, the
API and the DHIS2 exchange all call them — so the access check, the validation rules and the
history are the same whichever way a number arrives.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from hrmonitor.core import access
from hrmonitor.core.models import Country, User
from hrmonitor.core.roles import Perm
from hrmonitor.framework import disaggregation as disagg
from hrmonitor.framework.errors import period_or_error
from hrmonitor.framework.models import DataValue, Evidence, Indicator, ValidationRule


@dataclass
class Problem:
    """One reason a value cannot be saved or submitted, in the user's language."""

    message: str
    indicator: str = ""
    country: str = ""
    period: str = ""
    disaggregation: str = ""


class DataValueError(ValidationError):
    """Raised with every problem found, so a form or an import can show them all at once."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        self.problems = list(problems)
        super().__init__([p.message for p in self.problems])


def parse_value(raw: object, indicator: Indicator) -> Decimal | None:
    """A typed value from user input: numbers with a dot or a comma, yes/no words for yes/no
    indicators (да/нет too); an empty input clears the value."""
    if raw is None:
        return None
    if isinstance(raw, Decimal):
        return raw
    text = str(raw).strip().replace("\u00a0", "").replace(" ", "")
    if text == "":
        return None
    if indicator.unit == Indicator.Unit.YES_NO:
        lowered = text.lower()
        if lowered in {"yes", "y", "true", "да", "1"}:
            return Decimal(1)
        if lowered in {"no", "n", "false", "нет", "0"}:
            return Decimal(0)
    if text.endswith("%") and indicator.unit == Indicator.Unit.PERCENT:
        text = text[:-1]
    try:
        value = Decimal(text.replace(",", "."))
    except InvalidOperation:
        raise ValidationError(
            _("“%(value)s” is not a number.") % {"value": str(raw)[:50]}
        ) from None
    if not value.is_finite():
        raise ValidationError(_("“%(value)s” is not a number.") % {"value": str(raw)[:50]})
    return value


def _check_placement(indicator: Indicator, country: Country | None) -> None:
    if indicator.source_kind != Indicator.SourceKind.ENTERED:
        raise ValidationError(
            {"indicator": _("%(code)s is computed, not entered.") % {"code": indicator.code}}
        )
    if indicator.level == Indicator.Level.REGIONAL and country is not None:
        raise ValidationError(
            {
                "country": _(
                    "%(code)s is a regional indicator: enter it for the region, not a country."
                )
                % {"code": indicator.code}
            }
        )
    if indicator.level != Indicator.Level.REGIONAL and country is None:
        raise ValidationError(
            {
                "country": _("%(code)s is entered per country: choose a country.")
                % {"code": indicator.code}
            }
        )


def _check_disaggregation(indicator: Indicator, key: str) -> str:
    if not key:
        return ""
    wrong = ValidationError(
        {
            "disaggregation": _("“%(key)s” is not a disaggregation of %(code)s.")
            % {"key": key, "code": indicator.code}
        }
    )
    try:
        options = disagg.parse_key(disagg.normalise_key(key))
    except disagg.DisaggregationError:
        raise wrong from None
    allowed = {d.code: {o.code for o in d.options.all()} for d in indicator.disaggregations.all()}
    for category, option in options.items():
        if option not in allowed.get(category, set()):
            raise wrong
    return disagg.canonical_key(options)


def _range_problems(value: DataValue, rules: Iterable[ValidationRule]) -> list[Problem]:
    problems = []
    for rule in rules:
        if rule.kind != ValidationRule.Kind.RANGE or value.value is None:
            continue
        low, high = rule.params.get("min"), rule.params.get("max")
        if (low is not None and value.value < Decimal(str(low))) or (
            high is not None and value.value > Decimal(str(high))
        ):
            problems.append(_problem(value, rule.message))
    return problems


def _problem(value: DataValue, message: str) -> Problem:
    return Problem(
        message=message,
        indicator=value.indicator.code,
        country=value.country.iso2 if value.country else "",
        period=value.period,
        disaggregation=value.disaggregation,
    )


def data_value_prepare(
    *,
    user: User,
    indicator: Indicator,
    country: Country | None,
    period: str,
    value: object,
    disaggregation: str = "",
    comment: str | None = None,
    lock: bool = False,
) -> DataValue:
    """The draft a save would write, checked but not saved: access, placement, period,
    disaggregation, the number, the lock and the range rules. Errors name the field they are
    about (`indicator`, `country`, `period`, `disaggregation`, `value`), so an import can
    report the column. The dry run of an import and `data_value_save` both use it."""
    access.require_perm(user, Perm.FRAMEWORK_ENTER_DATA, country.pk if country else None)
    _check_placement(indicator, country)
    try:
        period = period_or_error(period).key
    except ValidationError as error:
        raise ValidationError({"period": error.messages}) from None
    key = _check_disaggregation(indicator, disaggregation)
    try:
        number = parse_value(value, indicator)
    except ValidationError as error:
        raise ValidationError({"value": error.messages}) from None
    existing = DataValue.objects.filter(
        indicator=indicator, country=country, period=period, disaggregation=key
    )
    # No ordering (the default one joins the country, and PostgreSQL cannot lock the
    # nullable side of an outer join) and lock only the value row itself.
    existing = existing.order_by("pk")
    found = (existing.select_for_update(of=("self",)) if lock else existing).first()
    if found is not None and found.is_locked:
        raise ValidationError(
            {
                "value": _("This value is %(status)s and locked; ask the Secretariat to return it.")
                % {"status": found.get_status_display().lower()}
            }
        )
    record = found or DataValue(
        indicator=indicator, country=country, period=period, disaggregation=key
    )
    record.value = number
    if comment is not None:
        record.comment = comment.strip()
    record.status = DataValue.Status.DRAFT
    record.entered_by = user
    problems = _range_problems(record, indicator.rules.all())
    if problems:
        raise ValidationError({"value": [p.message for p in problems]})
    return record


@transaction.atomic
def data_value_save(
    *,
    user: User,
    indicator: Indicator,
    country: Country | None,
    period: str,
    value: object,
    disaggregation: str = "",
    comment: str | None = None,
) -> DataValue:
    """Save a draft value (create or change). Locked values (submitted, approved) cannot
    change; a returned value becomes a draft again when it is corrected."""
    record = data_value_prepare(
        user=user,
        indicator=indicator,
        country=country,
        period=period,
        value=value,
        disaggregation=disaggregation,
        comment=comment,
        lock=True,
    )
    record.save()
    return record


def submission_problems(values: Sequence[DataValue]) -> list[Problem]:
    """Every rule checked at submission: ranges, A ≤ B, parts adding up to totals, evidence."""
    problems: list[Problem] = []
    by_cell: dict[tuple[int, int | None, str], dict[str, DataValue]] = defaultdict(dict)
    for value in values:
        by_cell[(value.indicator_id, value.country_id, value.period)][value.disaggregation] = value
    for value in values:
        rules = list(value.indicator.rules.all())
        problems += _range_problems(value, rules)
        for rule in rules:
            if rule.kind == ValidationRule.Kind.EVIDENCE_REQUIRED and not value.evidence.exists():
                problems.append(_problem(value, rule.message))
            elif rule.kind == ValidationRule.Kind.LESS_EQUAL and value.value is not None:
                other = DataValue.objects.filter(
                    indicator__code=rule.params.get("other"),
                    country=value.country,
                    period=value.period,
                    disaggregation=value.disaggregation,
                ).first()
                if other is not None and other.value is not None and value.value > other.value:
                    problems.append(_problem(value, rule.message))
    for (_indicator_id, _country_id, _period), cell in by_cell.items():
        total = cell.get("")
        if total is None:
            continue
        indicator = total.indicator
        sum_rule = next(
            (r for r in indicator.rules.all() if r.kind == ValidationRule.Kind.DISAGGREGATION_SUM),
            None,
        )
        if sum_rule is None:
            continue
        expected = {
            d.code: [o.code for o in d.options.all()] for d in indicator.disaggregations.all()
        }
        mismatches = disagg.check_totals(
            total.value,
            {key: v.value for key, v in cell.items() if key},
            expected_options=expected,
        )
        if mismatches:
            problems.append(_problem(total, sum_rule.message))
    return problems


@transaction.atomic
def data_values_submit(*, user: User, values: Sequence[DataValue]) -> int:
    """Submit drafts for approval, all or none: any problem stops the submission and is
    reported. Returns how many values were submitted."""
    for value in values:
        access.require_perm(user, Perm.FRAMEWORK_ENTER_DATA, value.country_id)
    drafts = [v for v in values if v.status in {DataValue.Status.DRAFT, DataValue.Status.RETURNED}]
    problems = submission_problems(drafts)
    if problems:
        raise DataValueError(problems)
    now = timezone.now()
    for value in drafts:
        value.status = DataValue.Status.SUBMITTED
        value.submitted_by = user
        value.submitted_at = now
        value.save(update_fields=["status", "submitted_by", "submitted_at", "updated_at"])
    return len(drafts)


def _require_review(user: User, value: DataValue) -> None:
    access.require_perm(user, Perm.FRAMEWORK_APPROVE, value.country_id)
    if value.entered_by_id == user.pk and value.status == DataValue.Status.SUBMITTED:
        # Four eyes: nobody approves their own numbers.
        raise PermissionDenied(_("You entered this value: someone else must review it."))


@transaction.atomic
def data_value_approve(*, user: User, value: DataValue) -> DataValue:
    _require_review(user, value)
    if value.status != DataValue.Status.SUBMITTED:
        raise ValidationError(_("Only submitted values can be approved."))
    value.status = DataValue.Status.APPROVED
    value.approved_by = user
    value.approved_at = timezone.now()
    value.review_comment = ""
    value.save(
        update_fields=["status", "approved_by", "approved_at", "review_comment", "updated_at"]
    )
    return value


@transaction.atomic
def data_value_return(*, user: User, value: DataValue, comment: str) -> DataValue:
    """Send a submitted value back to its author with the reason."""
    _require_review(user, value)
    if value.status != DataValue.Status.SUBMITTED:
        raise ValidationError(_("Only submitted values can be returned."))
    if not comment.strip():
        raise ValidationError(_("Say why the value is returned, so it can be corrected."))
    value.status = DataValue.Status.RETURNED
    value.review_comment = comment.strip()
    value.save(update_fields=["status", "review_comment", "updated_at"])
    return value


@transaction.atomic
def data_value_reopen(*, user: User, value: DataValue, comment: str) -> DataValue:
    """Unlock an approved value (administrator only); the history keeps the approval."""
    access.require_perm(user, Perm.FRAMEWORK_REOPEN, value.country_id)
    if value.status != DataValue.Status.APPROVED:
        raise ValidationError(_("Only approved values can be reopened."))
    if not comment.strip():
        raise ValidationError(_("Say why the value is reopened."))
    value.status = DataValue.Status.RETURNED
    value.review_comment = comment.strip()
    value.approved_by = None
    value.approved_at = None
    value.save(
        update_fields=["status", "review_comment", "approved_by", "approved_at", "updated_at"]
    )
    return value


@transaction.atomic
def evidence_attach(
    *, user: User, value: DataValue, title: str, file: object | None = None, url: str = ""
) -> Evidence:
    """Attach a document or a link to a value that can still change."""
    access.require_perm(user, Perm.FRAMEWORK_ENTER_DATA, value.country_id)
    if value.is_locked:
        raise ValidationError(_("This value is locked: evidence can no longer be added."))
    if not file and not url.strip():
        raise ValidationError(_("Attach a file or give a link."))
    evidence = Evidence(title=title.strip() or _("Evidence"), url=url.strip(), uploaded_by=user)
    if file:
        evidence.file = file
    evidence.full_clean()
    evidence.save()
    value.evidence.add(evidence)
    return evidence
