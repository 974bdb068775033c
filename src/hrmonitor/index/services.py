"""Writes of the index module. Every function checks the permission itself and refuses to
change a published edition: publication freezes an edition's data, results and uncertainty
analysis, so that a cited number never changes."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from hrmonitor.core.jobs import job_start
from hrmonitor.core.models import Country, User
from hrmonitor.framework.models import Indicator as FrameworkIndicator
from hrmonitor.index import calculation, engine, selectors, spec
from hrmonitor.index.access import require_index_manager
from hrmonitor.index.models import (
    DeskValue,
    Edition,
    IndexDefinition,
    SurveyAnswer,
    SurveyQuestion,
    SurveyResponse,
)

Progress = Callable[[float, str], None]


def _checked_spec(data: Any) -> spec.IndexSpec:
    """The parsed spec, or a ValidationError listing every problem (also framework indicator
    codes that do not exist)."""
    try:
        parsed = spec.parse(data)
    except spec.SpecError as error:
        raise ValidationError(error.messages) from None
    wanted = set(parsed.framework_codes)
    if wanted:
        known = set(
            FrameworkIndicator.objects.filter(code__in=wanted).values_list("code", flat=True)
        )
        unknown = sorted(wanted - known)
        if unknown:
            raise ValidationError(
                _("The framework has no indicator %(codes)s.") % {"codes": ", ".join(unknown)}
            )
    return parsed


def _create_questions(definition: IndexDefinition, parsed: spec.IndexSpec) -> None:
    SurveyQuestion.objects.bulk_create(
        [
            SurveyQuestion(
                definition=definition,
                indicator_code=indicator.code,
                order=order,
                text=indicator.question.text_en,
                text_en=indicator.question.text_en,
                text_ru=indicator.question.text_ru or indicator.question.text_en,
                options=[
                    {"label_en": o.label_en, "label_ru": o.label_ru, "score": o.score}
                    for o in indicator.question.options
                ],
            )
            for order, indicator in enumerate(parsed.indicators, start=1)
            if indicator.question is not None
        ]
    )


@transaction.atomic
def definition_create(
    *,
    user: User,
    code: str,
    name_en: str,
    name_ru: str = "",
    description_en: str = "",
    description_ru: str = "",
    spec_data: dict[str, Any],
) -> IndexDefinition:
    """Version 1 of a new index definition, with the survey questions its spec declares."""
    require_index_manager(user)
    if IndexDefinition.objects.filter(code=code).exists():
        raise ValidationError(
            _("A definition with the code “%(code)s” exists: save a new version of it instead.")
            % {"code": code}
        )
    return _definition_save(
        user=user,
        code=code,
        version=1,
        names=(name_en, name_ru, description_en, description_ru),
        spec_data=spec_data,
    )


@transaction.atomic
def definition_version_create(
    *,
    user: User,
    definition: IndexDefinition,
    spec_data: dict[str, Any],
    name_en: str | None = None,
    name_ru: str | None = None,
    description_en: str | None = None,
    description_ru: str | None = None,
) -> IndexDefinition:
    """Editing a definition makes its next version; editions keep the version they use."""
    require_index_manager(user)
    latest = IndexDefinition.objects.filter(code=definition.code).aggregate(v=Max("version"))["v"]

    def keep(value: str | None, field: str) -> str:
        return value if value is not None else str(getattr(definition, field) or "")

    return _definition_save(
        user=user,
        code=definition.code,
        version=(latest or 0) + 1,
        names=(
            keep(name_en, "name_en"),
            keep(name_ru, "name_ru"),
            keep(description_en, "description_en"),
            keep(description_ru, "description_ru"),
        ),
        spec_data=spec_data,
    )


def _definition_save(
    *, user: User, code: str, version: int, names: tuple[str, str, str, str], spec_data: Any
) -> IndexDefinition:
    parsed = _checked_spec(spec_data)
    name_en, name_ru, description_en, description_ru = (n.strip() for n in names)
    if not name_en:
        raise ValidationError(_("The definition needs an English name."))
    definition = IndexDefinition.objects.create(
        code=code,
        version=version,
        name=name_en,
        name_en=name_en,
        name_ru=name_ru or name_en,
        description=description_en,
        description_en=description_en,
        description_ru=description_ru or description_en,
        spec=spec_data,
        created_by=user,
    )
    _create_questions(definition, parsed)
    return definition


def _require_draft(edition: Edition) -> None:
    if edition.is_published:
        raise ValidationError(_("A published edition cannot be changed."))


@transaction.atomic
def edition_create(
    *,
    user: User,
    definition: IndexDefinition,
    year: int,
    title_en: str,
    title_ru: str = "",
    citation: str = "",
) -> Edition:
    """A draft edition: the definition applied to one year's data."""
    require_index_manager(user)
    if Edition.objects.filter(definition=definition, year=year).exists():
        raise ValidationError(
            _("This definition already has an edition for %(year)d.") % {"year": year}
        )
    if not title_en.strip():
        raise ValidationError(_("The edition needs an English title."))
    return Edition.objects.create(
        definition=definition,
        year=year,
        title=title_en.strip(),
        title_en=title_en.strip(),
        title_ru=title_ru.strip() or title_en.strip(),
        citation=citation.strip(),
        created_by=user,
    )


@transaction.atomic
def edition_update(
    *, user: User, edition: Edition, title_en: str, title_ru: str, citation: str
) -> Edition:
    require_index_manager(user)
    _require_draft(edition)
    if not title_en.strip():
        raise ValidationError(_("The edition needs an English title."))
    edition.title_en = title_en.strip()  # type: ignore[attr-defined]
    edition.title_ru = title_ru.strip() or title_en.strip()  # type: ignore[attr-defined]
    edition.citation = citation.strip()
    edition.save(update_fields=["title", "title_en", "title_ru", "citation"])
    return edition


def _indicator_of(edition: Edition, code: str, source: str) -> spec.IndicatorSpec:
    indicator = selectors.edition_spec(edition).indicator(code)
    if indicator is None or indicator.source != source:
        raise ValidationError(
            _("%(code)s is not a %(source)s indicator of this edition.")
            % {"code": code, "source": source}
        )
    return indicator


@dataclass(frozen=True)
class DeskEntry:
    """One cell of the desk-coding form. An empty value removes the cell's value."""

    country: Country
    value: str
    legal_reference: str = ""
    source: str = ""


def _decimal(text: str, country: Country) -> Decimal:
    try:
        number = Decimal(text.strip().replace(",", "."))
    except InvalidOperation:
        raise ValidationError(
            _("%(country)s: “%(value)s” is not a number.")
            % {"country": country.name, "value": text}
        ) from None
    if not number.is_finite():
        raise ValidationError(
            _("%(country)s: “%(value)s” is not a number.")
            % {"country": country.name, "value": text}
        )
    return number


@transaction.atomic
def desk_values_save(
    *, user: User, edition: Edition, indicator_code: str, entries: Iterable[DeskEntry]
) -> int:
    """Save the desk coding of one indicator for many countries, all or nothing. Returns the
    number of cells with a value afterwards."""
    require_index_manager(user)
    _require_draft(edition)
    _indicator_of(edition, indicator_code, "desk")
    existing = {d.country_id: d for d in selectors.desk_values_of(edition, indicator_code)}
    problems: list[str] = []
    filled = 0
    for entry in entries:
        current = existing.get(entry.country.pk)
        if not entry.value.strip():
            if current is not None:
                current.delete()
            continue
        try:
            number = _decimal(entry.value, entry.country)
        except ValidationError as error:
            problems.extend(error.messages)
            continue
        filled += 1
        fields = {
            "value": number,
            "legal_reference": entry.legal_reference.strip(),
            "source": entry.source.strip(),
        }
        if current is None:
            DeskValue.objects.create(
                edition=edition,
                country=entry.country,
                indicator_code=indicator_code,
                entered_by=user,
                **fields,
            )
        elif any(getattr(current, k) != v for k, v in fields.items()):
            for name, value in fields.items():
                setattr(current, name, value)
            current.entered_by = user
            current.save(update_fields=[*fields, "entered_by", "updated_at"])
    if problems:
        raise ValidationError(problems)
    return filled


@transaction.atomic
def desk_value_set(
    *,
    user: User,
    edition: Edition,
    country: Country,
    indicator_code: str,
    value: Decimal | str,
    legal_reference: str = "",
    source: str = "",
) -> None:
    """One desk-coded cell (see `desk_values_save`)."""
    desk_values_save(
        user=user,
        edition=edition,
        indicator_code=indicator_code,
        entries=[DeskEntry(country, str(value), legal_reference, source)],
    )


@transaction.atomic
def survey_response_record(
    *,
    user: User,
    edition: Edition,
    country: Country,
    respondent_type: str,
    answers: Mapping[str, tuple[int, int]],
    respondent_name: str = "",
    note: str = "",
) -> SurveyResponse:
    """One expert's answers for one country: `answers` maps an indicator code to the chosen
    option's index and the expert's confidence (1–5). Questions left out were not answered."""
    require_index_manager(user)
    _require_draft(edition)
    if respondent_type not in SurveyResponse.RespondentType.values:
        raise ValidationError(_("Choose the type of respondent."))
    questions = {q.indicator_code: q for q in selectors.questions_of(edition.definition)}
    problems: list[str] = []
    rows: list[SurveyAnswer] = []
    for code, (option, confidence) in answers.items():
        question = questions.get(code)
        if question is None:
            problems.append(
                _("%(code)s is not a survey question of this edition.") % {"code": code}
            )
            continue
        if not 0 <= option < len(question.options):
            problems.append(_("%(code)s: choose one of the answers.") % {"code": code})
        if not 1 <= confidence <= 5:
            problems.append(_("%(code)s: confidence is from 1 to 5.") % {"code": code})
        rows.append(SurveyAnswer(question=question, option_index=option, confidence=confidence))
    if not rows and not problems:
        problems.append(_("Answer at least one question."))
    if problems:
        raise ValidationError(problems)
    response = SurveyResponse.objects.create(
        edition=edition,
        country=country,
        respondent_type=respondent_type,
        respondent_name=respondent_name.strip(),
        note=note.strip(),
        submitted_at=timezone.now(),
        entered_by=user,
    )
    for row in rows:
        row.response = response
    SurveyAnswer.objects.bulk_create(rows)
    return response


@transaction.atomic
def survey_response_delete(*, user: User, response: SurveyResponse) -> None:
    require_index_manager(user)
    _require_draft(response.edition)
    response.delete()


def _engine_definition(edition: Edition, parsed: spec.IndexSpec) -> engine.IndexDefinition:
    return parsed.engine_definition(edition.definition.name)


@transaction.atomic
def edition_compute(*, user: User, edition: Edition) -> Edition:
    """Build the countries × indicators matrix from desk values, aggregated survey answers
    and approved framework values of the edition's year; run the engine; store the inputs
    and the results (scores 0–100 and ranks at every level). A previous uncertainty analysis
    stays only if the data did not change."""
    require_index_manager(user)
    edition = Edition.objects.select_for_update().select_related("definition").get(pk=edition.pk)
    _require_draft(edition)
    parsed = selectors.edition_spec(edition)
    inputs = selectors.edition_inputs(edition, parsed)
    data = calculation.dataset(parsed, inputs)
    if len(data.units) < 2:
        raise ValidationError(
            _("At least two countries need values before the index can be computed.")
        )
    try:
        result = engine.run(_engine_definition(edition, parsed), data, parsed.pipeline_options())
    except ValueError as error:
        raise ValidationError(
            _("The index cannot be computed: %(reason)s") % {"reason": str(error)}
        ) from None
    edition.inputs = inputs
    edition.results = calculation.results_json(parsed, result, inputs)
    edition.computed_at = timezone.now()
    fields = ["inputs", "results", "computed_at"]
    if (edition.uncertainty or {}).get("hash") != inputs["hash"]:
        edition.uncertainty = {}
        fields.append("uncertainty")
    edition.save(update_fields=fields)
    return edition


@transaction.atomic
def edition_uncertainty_start(*, user: User, edition: Edition) -> Edition:
    """Start the uncertainty analysis of the computed results as a background job."""
    require_index_manager(user)
    _require_draft(edition)
    if not edition.results:
        raise ValidationError(_("Compute the index first."))
    job = job_start(
        kind="index.uncertainty",
        user=user,
        params={"edition": edition.pk, "language": get_language() or "en"},
    )
    edition.uncertainty_job = job
    edition.save(update_fields=["uncertainty_job"])
    return edition


def edition_uncertainty_run(*, edition: Edition, progress: Progress | None = None) -> Edition:
    """The Monte Carlo uncertainty analysis of the stored inputs (see
    `calculation.uncertainty_options`): per country the median rank and the 5–95 % rank
    interval over all runs. Runs outside a transaction (it can take a while); the result is
    written only if the edition is still a draft."""
    report = progress or (lambda percent, message: None)
    edition = Edition.objects.select_related("definition").get(pk=edition.pk)
    _require_draft(edition)
    if not edition.results:
        raise ValidationError(_("Compute the index first."))
    parsed = selectors.edition_spec(edition)
    data = calculation.dataset(parsed, edition.inputs)
    analysis = engine.run_uncertainty(
        _engine_definition(edition, parsed),
        data,
        parsed.pipeline_options(),
        calculation.uncertainty_options(parsed),
        progress=lambda percent, message: report(
            percent, _("Uncertainty analysis: %(percent)d%% done") % {"percent": percent}
        ),
    )
    stored = calculation.uncertainty_json(analysis, edition.inputs["hash"])
    stored["computed_at"] = timezone.now().isoformat()
    with transaction.atomic():
        locked = Edition.objects.select_for_update().get(pk=edition.pk)
        _require_draft(locked)
        locked.uncertainty = stored
        locked.save(update_fields=["uncertainty"])
    return locked


def _default_citation(edition: Edition, when: Any) -> str:
    return _(
        "%(title)s. Drug policy index, edition %(year)d (definition %(code)s, version "
        "%(version)d). Published %(date)s."
    ) % {
        "title": edition.title_en,  # type: ignore[attr-defined]
        "year": edition.year,
        "code": edition.definition.code,
        "version": edition.definition.version,
        "date": when.date().isoformat(),
    }


@transaction.atomic
def edition_publish(*, user: User, edition: Edition) -> Edition:
    """Freeze the edition: its inputs, results and uncertainty analysis can no longer change.

    Publishing needs results computed from the current data and an uncertainty analysis of
    those results, so that what is published is what the data says, with rank intervals."""
    require_index_manager(user)
    edition = Edition.objects.select_for_update().select_related("definition").get(pk=edition.pk)
    _require_draft(edition)
    if not edition.results:
        raise ValidationError(_("Compute the index first."))
    current = selectors.edition_inputs(edition, selectors.edition_spec(edition))
    if current["hash"] != edition.results.get("hash"):
        raise ValidationError(
            _("The data changed after the index was computed: compute it again before publishing.")
        )
    if not selectors.uncertainty_current(edition):
        raise ValidationError(_("Run the uncertainty analysis of these results before publishing."))
    now = timezone.now()
    edition.status = Edition.Status.PUBLISHED
    edition.published_at = now
    edition.published_by = user
    if not edition.citation.strip():
        edition.citation = _default_citation(edition, now)
    edition.save(update_fields=["status", "published_at", "published_by", "citation"])
    return edition
