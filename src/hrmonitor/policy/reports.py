"""The drug-policy environment change report: every status change between two dates, by
country and policy area with its legal reference, evidence and source, and the number of
changes per sub-region — described once as a `Document`, rendered as DOCX or PDF by
`core.documents` (in a background job, see `tasks`)."""

from __future__ import annotations

from itertools import groupby

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from hrmonitor.core import documents as doc
from hrmonitor.policy.selectors import Change, ChangeReport

FORMATS = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "pdf": "application/pdf",
}


def _step(change: Change) -> int:
    """+1 when the new status is a better step of the area's scale, -1 worse, 0 otherwise
    (a first record, or a status outside the scale)."""
    if change.previous is None:
        return 0
    codes = change.record.area.status_codes()
    new, old = change.record.status, change.previous.status
    if new not in codes or old not in codes or new == old:
        return 0
    return 1 if codes.index(new) > codes.index(old) else -1


def _evidence(change: Change) -> str:
    record = change.record
    parts = [record.evidence_url] if record.evidence_url else []
    if record.evidence_file:
        name = (record.evidence_file.name or "").rsplit("/", 1)[-1]
        parts.append(_("file: %(name)s") % {"name": name})
    return "; ".join(parts) or "—"


def change_document(report: ChangeReport, *, language: str) -> doc.Document:
    """The report in the active language (the caller activates `language`)."""
    start, end = (date_format(d, "DATE_FORMAT") for d in (report.date_from, report.date_to))
    changes = report.changes
    countries = {c.record.country_id for c in changes}
    improved = sum(1 for c in changes if _step(c) > 0)
    worsened = sum(1 for c in changes if _step(c) < 0)
    blocks: list[doc.Block] = [
        doc.Heading(_("Summary")),
        doc.Paragraph(
            ngettext(
                "%(count)d change of policy status took effect after %(start)s and up to %(end)s.",
                "%(count)d changes of policy status took effect after %(start)s and up to %(end)s.",
                len(changes),
            )
            % {"count": len(changes), "start": start, "end": end}
            + " "
            + ngettext(
                "They concern %(countries)d country.",
                "They concern %(countries)d countries.",
                len(countries),
            )
            % {"countries": len(countries)}
        ),
        doc.BulletList(
            [
                _("Improvements (a better step of the area’s scale): %(n)d") % {"n": improved},
                _("Setbacks (a worse step of the scale): %(n)d") % {"n": worsened},
                _("First records and other changes: %(n)d")
                % {"n": len(changes) - improved - worsened},
            ]
        ),
        doc.Table(
            columns=[_("Sub-region"), _("Changes")],
            rows=[[sub.name, str(count)] for sub, count in report.by_sub_region],
            caption=_("Changes per sub-region"),
            numeric={1},
        ),
    ]
    if changes:
        blocks.append(
            doc.BarChart(
                title=_("Changes per sub-region"),
                categories=[sub.name for sub, _count in report.by_sub_region],
                series=[(_("Changes"), [float(n) for _sub, n in report.by_sub_region])],
                horizontal=True,
                counts=True,
            )
        )
        blocks.append(doc.Heading(_("Changes by country")))
        for country, rows in groupby(changes, key=lambda c: c.record.country):
            rows_list = list(rows)
            blocks.append(doc.Heading(f"{country.name} ({country.sub_region.name})", level=2))
            blocks.append(
                doc.Table(
                    columns=[
                        _("Policy area"),
                        _("From"),
                        _("Change of status"),
                        _("Legal reference"),
                        _("Source and evidence"),
                    ],
                    rows=[
                        [
                            c.record.area.name,
                            c.record.valid_from.isoformat(),
                            f"{c.previous.status_label if c.previous else '—'} → "
                            f"{c.record.status_label}",
                            c.record.legal_reference or "—",
                            "; ".join(
                                part
                                for part in (c.record.source, _evidence(c))
                                if part and part != "—"
                            )
                            or "—",
                        ]
                        for c in rows_list
                    ],
                )
            )
    else:
        blocks.append(doc.Paragraph(_("No policy status changed in this period."), style="muted"))
    blocks.append(
        doc.Paragraph(
            _(
                "Statuses come from the hrmonitor policy tracker; each is a dated record with "
                "its legal reference, evidence and source. Records marked [DEMO] are synthetic."
            ),
            style="note",
        )
    )
    return doc.Document(
        title=_("Drug policy environment: changes from %(start)s to %(end)s")
        % {"start": start, "end": end},
        subtitle=_("Eurasian Harm Reduction Association — policy tracker"),
        language=language,
        blocks=blocks,
        footer=_("Generated by hrmonitor on %(date)s")
        % {"date": date_format(timezone.localdate(), "DATE_FORMAT")},
    )
