from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand

from hrmonitor.reference import reference_data_load


class Command(BaseCommand):
    help = "Migrate the database and load the reference data files (idempotent)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--no-migrate", action="store_true", help="Only load the reference data."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        # Static files are served from the package through WhiteNoise's finders; the directory
        # only receives `collectstatic` output in production, but must exist.
        Path(settings.STATIC_ROOT).mkdir(parents=True, exist_ok=True)
        if not options["no_migrate"]:
            call_command("migrate", interactive=False, verbosity=0)
        report = reference_data_load()
        if options["verbosity"] >= 1:
            for line in report.lines():
                self.stdout.write(line)
            self.stdout.write(self.style.SUCCESS("Reference data loaded."))
