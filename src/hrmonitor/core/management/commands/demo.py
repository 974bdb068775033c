from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from hrmonitor.core.demo import demo_populate, demo_wanted
from hrmonitor.core.models import DemoDataset


class Command(BaseCommand):
    help = (
        "Add the synthetic, clearly labelled demo dataset: every module's demo records and one "
        "demo account per role (passwords generated into var/demo-credentials.txt)."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="Do nothing when the database already has users or demo data.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["if_empty"] and not demo_wanted():
            self.stdout.write("The database is not empty: demo data not added.")
            return
        if DemoDataset.objects.exists():
            self.stdout.write("The demo dataset is already present: nothing added.")
            return
        result = demo_populate()
        for line in result.lines:
            self.stdout.write(line)
        self.stdout.write(
            self.style.SUCCESS(f"Demo data added. Sign-in details: {result.credentials_file}")
        )
