from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from hrmonitor.rights.retention import purge_identifying


class Command(BaseCommand):
    help = (
        "Erase the identifying data (narratives, client codes, provinces, free texts, file "
        "names, evidence files — history included) of the cases closed longer ago than "
        "HRMONITOR_CASE_RETENTION_MONTHS; the fields statistics need stay. Run it daily "
        "(cron or a systemd timer)."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--dry-run", action="store_true", help="Count what would be erased; change nothing."
        )
        parser.add_argument(
            "--months",
            type=int,
            help="Retention period in months (default: HRMONITOR_CASE_RETENTION_MONTHS).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        dry_run = options["dry_run"]
        try:
            report = purge_identifying(months=options["months"], dry_run=dry_run)
        except ValueError as exc:
            raise CommandError(str(exc)) from None
        verb = "would be purged" if dry_run else "purged"
        self.stdout.write(f"Cases closed before {report.cutoff:%Y-%m-%d} {verb}: {report.cases}")
        for table, count in sorted(report.rows.items()):
            self.stdout.write(f"{table}: {count} rows")
        self.stdout.write(f"stored files: {report.files}")
        if not dry_run:
            self.stdout.write(self.style.SUCCESS("Done."))
