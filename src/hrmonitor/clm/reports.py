"""The efficiency assessment in words: the figures of `efficiency` formatted for the active
language (shared by the page and the report), the method note, and the report document —
described once as a `Document` and rendered as DOCX or PDF by `core.documents` in a
background job (see `tasks`)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.utils import timezone
from django.utils.formats import date_format, number_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, pgettext

from hrmonitor.clm import efficiency as eff
from hrmonitor.clm.selectors_efficiency import CountryRow, RecordRow
from hrmonitor.core import documents as doc

# A citation stays in the language of the publication.
GUIDE = (
    "WHO, UNODC, UNAIDS. Technical guide for countries to set targets for universal access "
    "to HIV prevention, treatment and care for injecting drug users. Geneva: World Health "
    "Organization; 2009, revised 2012."
)
DASH = "—"


# --- Words and numbers -----------------------------------------------------------------------


def level_label(level: str) -> str:
    return {
        eff.LOW: pgettext("coverage level", "low"),
        eff.MEDIUM: pgettext("coverage level", "medium"),
        eff.HIGH: pgettext("coverage level", "high"),
    }[level]


def level_text(classification: eff.Classification | None) -> str:
    """ "medium"; "medium to high" when the estimate's range spans two levels; "—" unknown."""
    if classification is None:
        return DASH
    if classification.certain:
        return level_label(classification.lowest)
    return pgettext("coverage level", "%(lowest)s to %(highest)s") % {
        "lowest": level_label(classification.lowest),
        "highest": level_label(classification.highest),
    }


def level_code(classification: eff.Classification | None) -> str:
    """low / medium / high, "uncertain" for a range over two levels, "" when unknown."""
    if classification is None:
        return ""
    return classification.lowest if classification.certain else "uncertain"


def figure_name(name: str) -> str:
    return {
        eff.CLIENTS: _("clients reached"),
        eff.SYRINGES: _("syringes distributed"),
        eff.OAT_CLIENTS: _("OAT clients"),
        eff.NALOXONE_KITS: _("naloxone kits"),
        eff.TESTS: _("HIV/HCV tests"),
        eff.PWID: _("estimate of people who inject drugs"),
    }.get(name, name)


def reason_text(reason: eff.Reason, year: int) -> str:
    """Why a figure is unknown, as a sentence."""
    if reason.code == eff.NO_RATE:
        return _("No exchange rate for %(currency)s in %(year)d.") % {
            "currency": reason.detail,
            "year": year,
        }
    if reason.code == eff.NO_COST:
        if reason.of <= 1:
            return _("The cost is not stated.")
        return ngettext(
            "The cost is not stated in %(count)d of %(of)d records.",
            "The cost is not stated in %(count)d of %(of)d records.",
            reason.count,
        ) % {"count": reason.count, "of": reason.of}
    if reason.code == eff.NOT_STATED:
        if reason.of <= 1:
            return _("Not stated: %(figure)s.") % {"figure": figure_name(reason.detail)}
        return ngettext(
            "Not stated in %(count)d of %(of)d records: %(figure)s.",
            "Not stated in %(count)d of %(of)d records: %(figure)s.",
            reason.count,
        ) % {"count": reason.count, "of": reason.of, "figure": figure_name(reason.detail)}
    if reason.code == eff.ZERO:
        return _("Zero %(figure)s: no ratio can be computed.") % {
            "figure": figure_name(reason.detail)
        }
    if reason.code == eff.NO_PWID:
        return _("No estimate of people who inject drugs is published for %(year)d or before.") % {
            "year": year
        }
    return reason.code


def reasons_text(reasons: Sequence[eff.Reason], year: int) -> str:
    texts: list[str] = []
    for reason in reasons:
        text = reason_text(reason, year)
        if text not in texts:
            texts.append(text)
    return " ".join(texts)


def _rounded(value: Decimal, places: int) -> Decimal:
    return value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def number(value: Decimal | int | None, places: int = 0) -> str:
    """A number in the active language's format ("1,234.5" / "1 234,5"); "—" when unknown."""
    if value is None:
        return DASH
    return number_format(
        _rounded(Decimal(value), places), decimal_pos=places, use_l10n=True, force_grouping=True
    )


def coverage_text(coverage: eff.Coverage) -> str:
    """ "57.3 (52.1–63.0)": the value at the estimate's middle and, for a range, its bounds."""
    if coverage.value is None:
        return DASH
    text = number(coverage.value, 1)
    if coverage.is_range:
        text += f" ({number(coverage.lowest, 1)}–{number(coverage.highest, 1)})"
    return text


def estimate_text(estimate: eff.Estimate | None) -> str:
    """ "5,132–6,182 (2020)" or "94,600 (2020)"; "—" without an estimate."""
    if estimate is None:
        return DASH
    figure = number(estimate.low)
    if estimate.high != estimate.low:
        figure += f"–{number(estimate.high)}"
    return f"{figure} ({estimate.year})"


def basis_text(result: eff.CountryResult) -> str:
    if result.basis == eff.PROGRAMME:
        return _("the programme’s record")
    return ngettext(
        "the sum of %(count)d site",
        "the sum of %(count)d sites",
        len(result.records),
    ) % {"count": len(result.records)}


@dataclass(frozen=True)
class CountryLine:
    """A country's figures as text, and why those unknown are."""

    name: str
    iso2: str
    estimate: str
    syringes: str
    syringe_coverage: str
    syringe_level: str
    syringe_level_code: str
    oat_clients: str
    oat_coverage: str
    oat_level: str
    oat_level_code: str
    clients: str
    cost_usd: str
    per_client: str
    per_syringe: str
    basis: str
    unknowns: list[tuple[str, str]]  # (what, why)


@dataclass(frozen=True)
class RecordLine:
    pk: int
    site: str
    site_code: str
    clients: str
    syringes: str
    oat_clients: str
    naloxone_kits: str
    tests: str
    cost: str
    cost_usd: str
    per_client: str
    per_syringe: str
    source: str
    notes: str
    unknowns: str


def country_line(row: CountryRow) -> CountryLine:
    result, year = row.result, row.result.year
    unknowns = [
        (what, reasons_text(figure.reasons, year))
        for what, figure in (
            (_("Syringes per PWID"), result.syringe_coverage),
            (_("OAT clients per 100 PWID"), result.oat_coverage),
            (_("Cost in US dollars"), result.cost_usd),
            (_("Cost per client"), result.per_client),
            (_("Cost per syringe"), result.per_syringe),
        )
        if figure.value is None
    ]
    return CountryLine(
        name=row.country.name,
        iso2=row.country.iso2,
        estimate=estimate_text(result.estimate),
        syringes=number(result.syringes.value),
        syringe_coverage=coverage_text(result.syringe_coverage),
        syringe_level=level_text(result.syringe_coverage.level),
        syringe_level_code=level_code(result.syringe_coverage.level),
        oat_clients=number(result.oat_clients.value),
        oat_coverage=coverage_text(result.oat_coverage),
        oat_level=level_text(result.oat_coverage.level),
        oat_level_code=level_code(result.oat_coverage.level),
        clients=number(result.clients.value),
        cost_usd=number(result.cost_usd.value),
        per_client=number(result.per_client.value, 2),
        per_syringe=number(result.per_syringe.value, 2),
        basis=basis_text(result),
        unknowns=unknowns,
    )


def _site_label(row: RecordRow) -> str:
    label = row.record.site.name if row.record.site else _("Programme as a whole")
    return f"{label} [DEMO]" if row.record.is_demo else label


def record_line(row: RecordRow) -> RecordLine:
    record, result = row.record, row.result
    reasons = [*result.per_client.reasons, *result.per_syringe.reasons]
    cost = DASH if record.cost is None else f"{number(record.cost)} {record.currency}"
    return RecordLine(
        pk=record.pk,
        site=_site_label(row),
        site_code=record.site.code if record.site else "",
        clients=number(record.clients_reached),
        syringes=number(record.syringes),
        oat_clients=number(record.oat_clients),
        naloxone_kits=number(record.naloxone_kits),
        tests=number(record.tests),
        cost=cost,
        cost_usd=number(result.cost_usd.value),
        per_client=number(result.per_client.value, 2),
        per_syringe=number(result.per_syringe.value, 2),
        source=record.source,
        notes=record.notes,
        unknowns=reasons_text(reasons, record.year),
    )


def method_paragraphs() -> list[str]:
    """How the figures are computed: the page's method note and the report's method."""
    return [
        _(
            "Coverage of needle and syringe programmes is the number of syringes distributed "
            "in the year divided by the estimated number of people who inject drugs (PWID). "
            "Coverage of opioid agonist therapy (OAT) is the number of OAT clients per 100 PWID."
        ),
        _(
            "The PWID estimate is the latest one published for the year or before it. Coverage "
            "uses the middle of the estimate’s range; the figures in brackets use its ends. When "
            "they fall in different levels, the level is given as a range, e.g. “medium to high”."
        ),
        _(
            "Levels follow the WHO/UNODC/UNAIDS Technical Guide (2009, revised 2012): syringes "
            "per PWID per year — low below 100, medium from 100 to 200, high above 200; OAT — "
            "low below 20, medium from 20 to 40, high above 40."
        ),
        _(
            "The guide measures OAT coverage among opioid-dependent PWID. The published "
            "estimates count all PWID, so OAT coverage here uses all PWID as the denominator "
            "and reads lower than the guide’s measure would."
        ),
        _(
            "Costs are converted to US dollars at the exchange rate of the record’s own year; "
            "without a rate for that year the cost and the unit costs are unknown (another "
            "year’s rate is never used). Cost per client is the cost divided by the clients "
            "reached; cost per syringe is the whole cost divided by the syringes distributed, "
            "so it includes the other services paid from the same budget."
        ),
        _(
            "A country’s figures come from its record for the programme as a whole when there "
            "is one, and otherwise from the sum of its sites’ records; a sum is known only when "
            "every record states the figure. An empty figure is unknown, never zero."
        ),
    ]


# --- The report ------------------------------------------------------------------------------


def _float(value: Decimal | None) -> float | None:
    return None if value is None else float(value)


def _coverage_chart(
    rows: Sequence[CountryRow], *, oat: bool, title: str, unit: str, name: str
) -> doc.BarChart | None:
    """Countries with known coverage, and the guide's two level boundaries as bars of their
    own colour beneath them, so each country reads against them."""
    known = [
        row
        for row in rows
        if (row.result.oat_coverage if oat else row.result.syringe_coverage).value is not None
    ]
    if not known:
        return None
    levels = eff.OAT_LEVELS if oat else eff.SYRINGE_LEVELS
    values = [
        _float((row.result.oat_coverage if oat else row.result.syringe_coverage).value)
        for row in known
    ]
    boundaries = [
        _("Medium from %(value)s") % {"value": number(levels.medium_from)},
        _("High above %(value)s") % {"value": number(levels.high_above)},
    ]
    return doc.BarChart(
        title=title,
        categories=[row.country.name for row in known] + boundaries,
        series=[
            (name, [*values, None, None]),
            (
                _("Levels of the WHO/UNODC/UNAIDS guide"),
                [*(None for _row in known), float(levels.medium_from), float(levels.high_above)],
            ),
        ],
        stacked=True,
        horizontal=True,
        unit=unit,
    )


def efficiency_document(year: int, rows: Sequence[CountryRow], *, language: str) -> doc.Document:
    """The report of `year` in the active language (the caller activates `language`)."""
    lines = [country_line(row) for row in rows]
    blocks: list[doc.Block] = [doc.Heading(_("Summary"))]
    if rows:
        known = [r for r in rows if r.result.syringe_coverage.level is not None]
        counts = {code: 0 for code in (eff.LOW, eff.MEDIUM, eff.HIGH, "uncertain")}
        for row in known:
            counts[level_code(row.result.syringe_coverage.level)] += 1
        blocks.append(
            doc.Paragraph(
                ngettext(
                    "The report covers %(count)d country with service delivery records for "
                    "%(year)d.",
                    "The report covers %(count)d countries with service delivery records for "
                    "%(year)d.",
                    len(rows),
                )
                % {"count": len(rows), "year": year}
                + " "
                + _("Coverage of needle and syringe programmes is known for %(known)d of them.")
                % {"known": len(known)}
            )
        )
        blocks.append(
            doc.BulletList(
                [
                    _("Low coverage (below 100 syringes per PWID): %(n)d") % {"n": counts[eff.LOW]},
                    _("Medium coverage (100 to 200): %(n)d") % {"n": counts[eff.MEDIUM]},
                    _("High coverage (above 200): %(n)d") % {"n": counts[eff.HIGH]},
                    _("Between two levels (the estimate’s range spans a boundary): %(n)d")
                    % {"n": counts["uncertain"]},
                ]
            )
        )
    else:
        blocks.append(
            doc.Paragraph(_("No service delivery is recorded for this year."), style="muted")
        )
    blocks.append(doc.Heading(_("Method")))
    blocks.extend(doc.Paragraph(text) for text in method_paragraphs())
    if rows:
        in_brackets = _("in brackets, with the ends of the estimate’s range")
        blocks.append(doc.Heading(_("Needle and syringe programmes")))
        blocks.append(
            doc.Table(
                columns=[
                    _("Country"),
                    _("PWID estimate (year)"),
                    _("Syringes"),
                    _("Syringes per PWID"),
                    _("Level"),
                ],
                rows=[
                    [
                        line.name,
                        line.estimate,
                        line.syringes,
                        line.syringe_coverage,
                        line.syringe_level,
                    ]
                    for line in lines
                ],
                caption=_("Syringes per person who injects drugs in %(year)d; %(note)s")
                % {"year": year, "note": in_brackets},
                numeric={2, 3},
            )
        )
        chart = _coverage_chart(
            rows,
            oat=False,
            title=_("Syringes per person who injects drugs, %(year)d") % {"year": year},
            unit=_("syringes per PWID per year"),
            name=_("Syringes per PWID"),
        )
        if chart is not None:
            blocks.append(chart)
        blocks.append(doc.Heading(_("Opioid agonist therapy")))
        blocks.append(
            doc.Table(
                columns=[
                    _("Country"),
                    _("PWID estimate (year)"),
                    _("OAT clients"),
                    _("OAT clients per 100 PWID"),
                    _("Level"),
                ],
                rows=[
                    [line.name, line.estimate, line.oat_clients, line.oat_coverage, line.oat_level]
                    for line in lines
                ],
                caption=_("OAT clients per 100 people who inject drugs in %(year)d; %(note)s")
                % {"year": year, "note": in_brackets},
                numeric={2, 3},
            )
        )
        chart = _coverage_chart(
            rows,
            oat=True,
            title=_("OAT clients per 100 people who inject drugs, %(year)d") % {"year": year},
            unit=_("OAT clients per 100 PWID"),
            name=_("OAT clients per 100 PWID"),
        )
        if chart is not None:
            blocks.append(chart)
        blocks.append(doc.Heading(_("Unit costs")))
        blocks.append(
            doc.Table(
                columns=[
                    _("Country"),
                    _("Clients reached"),
                    _("Cost, USD"),
                    _("Cost per client, USD"),
                    _("Cost per syringe, USD"),
                    _("Figures from"),
                ],
                rows=[
                    [
                        line.name,
                        line.clients,
                        line.cost_usd,
                        line.per_client,
                        line.per_syringe,
                        line.basis,
                    ]
                    for line in lines
                ],
                caption=_("Unit costs in %(year)d, in US dollars at the year’s exchange rate")
                % {"year": year},
                numeric={1, 2, 3, 4},
            )
        )
        for row in rows:
            blocks.append(doc.Heading(row.country.name, level=2))
            records = [record_line(record) for record in row.records]
            blocks.append(
                doc.Table(
                    columns=[
                        _("Site"),
                        _("Clients reached"),
                        _("Syringes"),
                        _("OAT clients"),
                        _("Cost"),
                        _("Cost, USD"),
                        _("Cost per client, USD"),
                        _("Cost per syringe, USD"),
                    ],
                    rows=[
                        [
                            record.site,
                            record.clients,
                            record.syringes,
                            record.oat_clients,
                            record.cost,
                            record.cost_usd,
                            record.per_client,
                            record.per_syringe,
                        ]
                        for record in records
                    ],
                    numeric={1, 2, 3, 4, 5, 6, 7},
                )
            )
        unknowns = [
            _("%(country)s — %(figure)s: %(reason)s")
            % {"country": line.name, "figure": what, "reason": why}
            for line in lines
            for what, why in line.unknowns
        ]
        blocks.append(doc.Heading(_("Unknown figures")))
        if unknowns:
            blocks.append(
                doc.Paragraph(
                    _(
                        "These figures are left unknown rather than estimated; the reason is "
                        "given for each."
                    ),
                    style="muted",
                )
            )
            blocks.append(doc.BulletList(unknowns))
        else:
            blocks.append(doc.Paragraph(_("Every figure of the report is known."), style="muted"))
    blocks.append(doc.Heading(_("Sources")))
    sources = [_("Coverage levels: %(guide)s") % {"guide": GUIDE}]
    for row in rows:
        if row.estimate is not None:
            sources.append(
                _("%(country)s, people who inject drugs %(estimate)s: %(source)s")
                % {
                    "country": row.country.name,
                    "estimate": estimate_text(row.result.estimate),
                    "source": row.estimate.source,
                }
            )
        by_source: dict[str, list[str]] = {}
        for record in row.records:
            by_source.setdefault(record.record.source, []).append(_site_label(record))
        for source, places in by_source.items():
            sources.append(
                _("%(country)s, %(site)s: %(source)s")
                % {"country": row.country.name, "site": ", ".join(places), "source": source}
            )
    blocks.append(doc.BulletList(sources))
    note = _("Figures come from the service delivery records of hrmonitor’s efficiency assessment.")
    if any(record.record.is_demo for row in rows for record in row.records):
        note += " " + _("Records marked [DEMO] are synthetic demo data.")
    blocks.append(doc.Paragraph(note, style="note"))
    return doc.Document(
        title=_("Efficiency of harm reduction services in %(year)d") % {"year": year},
        subtitle=_("Eurasian Harm Reduction Association — community-led monitoring"),
        language=language,
        blocks=blocks,
        footer=_("Generated by hrmonitor on %(date)s")
        % {"date": date_format(timezone.localdate(), "DATE_FORMAT")},
    )
