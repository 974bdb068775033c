"""The change report as a table for CSV, XLSX and JSON downloads."""

from __future__ import annotations

from django.utils.translation import gettext as _

from hrmonitor.framework.exports import Table
from hrmonitor.policy.selectors import ChangeReport


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
