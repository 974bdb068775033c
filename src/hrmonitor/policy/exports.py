"""The change report and the funding comparison as tables for CSV, XLSX and JSON downloads."""

from __future__ import annotations

from decimal import Decimal

from django.utils.translation import gettext as _

from hrmonitor.framework.exports import Table
from hrmonitor.policy.selectors import ChangeReport, FundingComparisonRow


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
