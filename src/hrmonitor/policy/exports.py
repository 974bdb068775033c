"""The change report and the funding comparison as tables for CSV, XLSX and JSON downloads."""

from __future__ import annotations

from decimal import Decimal

from django.utils.translation import gettext as _

from hrmonitor.framework.exports import Table
from hrmonitor.policy import funding
from hrmonitor.policy.models import FundingRecord
from hrmonitor.policy.selectors import ChangeReport, FundingComparisonRow, StatusGrid


def changes_table(report: ChangeReport) -> Table:
    header = [
        _("Sub-region"),
        _("Country"),
        _("ISO code"),
        _("Policy area"),
        _("From"),
        _("Previous status"),
        _("New status"),
        _("Legal reference"),
        _("Evidence"),
        _("Source"),
        _("Verified"),
    ]
    rows = [
        (
            change.record.country.sub_region.name,
            change.record.country.name,
            change.record.country.iso2,
            change.record.area.name,
            change.record.valid_from.isoformat(),
            change.previous.status_label if change.previous else "",
            change.record.status_label,
            change.record.legal_reference,
            change.record.evidence_url or (change.record.evidence_file.name or ""),
            change.record.source,
            change.record.verified_at.date().isoformat() if change.record.verified_at else "",
        )
        for change in report.changes
    ]
    title = _("Policy changes %(start)s to %(end)s") % {
        "start": report.date_from.isoformat(),
        "end": report.date_to.isoformat(),
    }
    return Table(title=title, header=header, rows=rows)


def _money(amount: Decimal | None) -> str:
    return "" if amount is None else str(amount.quantize(Decimal("0.01")))


def funding_table(year: int, rows: list[FundingComparisonRow]) -> Table:
    header = [
        _("Sub-region"),
        _("Country"),
        _("ISO code"),
        _("Year"),
        _("Total, USD"),
        _("Domestic, USD"),
        _("International, USD"),
        _("Domestic share, %"),
        _("Estimated need, USD"),
        _("Gap to need, USD"),
        _("Currencies without a rate"),
    ]
    body = [
        (
            row.country.sub_region.name,
            row.country.name,
            row.country.iso2,
            str(year),
            _money(row.summary.total_usd),
            _money(row.summary.domestic_usd),
            _money(row.summary.international_usd),
            ""
            if row.summary.domestic_share is None
            else str((row.summary.domestic_share * 100).quantize(Decimal("0.1"))),
            _money(row.summary.need_usd),
            _money(row.summary.gap_usd),
            ", ".join(row.summary.missing_rates),
        )
        for row in rows
        if row.summary is not None
    ]
    return Table(
        title=_("Harm reduction funding %(year)s") % {"year": year}, header=header, rows=body
    )


def statuses_table(grid: StatusGrid) -> Table:
    """Every country × area on the grid's date: one row per status record in force."""
    header = [
        _("Sub-region"),
        _("Country"),
        _("ISO code"),
        _("Policy area"),
        _("Area code"),
        _("Status"),
        _("Status code"),
        _("From"),
        _("To"),
        _("Legal reference"),
        _("Evidence"),
        _("Source"),
        _("Verified"),
    ]
    rows = [
        (
            row.country.sub_region.name,
            row.country.name,
            row.country.iso2,
            record.area.name,
            record.area.code,
            record.status_label,
            record.status,
            record.valid_from.isoformat(),
            record.valid_to.isoformat() if record.valid_to else "",
            record.legal_reference,
            record.evidence_url or (record.evidence_file.name or ""),
            record.source,
            record.verified_at.date().isoformat() if record.verified_at else "",
        )
        for row in grid.rows
        for record in row.cells
        if record is not None
    ]
    title = _("Policy statuses on %(date)s") % {"date": grid.date.isoformat()}
    return Table(title=title, header=header, rows=rows)


def funding_records_table(
    records: list[FundingRecord], rates: dict[tuple[str, int], Decimal]
) -> Table:
    """Every funding record as entered, with its US-dollar value where the year has a rate."""
    header = [
        _("Country"),
        _("ISO code"),
        _("Year"),
        _("Source of funds"),
        _("Funder"),
        _("Programme area"),
        _("Amount"),
        _("Currency"),
        _("Amount, USD"),
        _("Evidence"),
        _("Source"),
        _("Notes"),
    ]
    rows = [
        (
            r.country.name,
            r.country.iso2,
            str(r.year),
            r.get_source_category_display(),
            r.funder,
            r.get_programme_area_display(),
            str(r.amount),
            r.currency,
            _money(funding.to_usd(r.amount, r.currency, r.year, rates)),
            r.evidence_url or (r.evidence_file.name or ""),
            r.source,
            r.notes,
        )
        for r in records
    ]
    return Table(title=_("Harm reduction funding records"), header=header, rows=rows)
