from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from hrmonitor.core import crypto


class Command(BaseCommand):
    help = (
        "Add a new encryption key, make it current and re-encrypt every encrypted field with "
        "it (history included). Old keys stay in the key ring, because backups need them; "
        "--retire removes a key that no value uses any more."
    )

    def add_arguments(self, parser: Any) -> None:
        action = parser.add_mutually_exclusive_group()
        action.add_argument("--new-key-id", help="Id of the new key (default: the next kN).")
        action.add_argument(
            "--reencrypt-only",
            action="store_true",
            help="Add no key; re-encrypt the values that are not on the current key (after an "
            "interrupted run, or after deploying a rotated ring from a secrets manager).",
        )
        action.add_argument(
            "--retire",
            metavar="KEY_ID",
            help="Remove this key from the ring; refused while any value still uses it.",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="Count what would change; change nothing."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        dry_run = options["dry_run"]
        progress = self._progress if options["verbosity"] >= 1 and not dry_run else None
        try:
            if options["retire"]:
                report = crypto.retire_key(options["retire"], dry_run=dry_run)
            elif options["reencrypt_only"]:
                report = crypto.reencrypt(progress=progress, dry_run=dry_run)
            else:
                report = crypto.rotate(
                    new_key_id=options["new_key_id"], progress=progress, dry_run=dry_run
                )
        except crypto.CryptoError as exc:
            raise CommandError(str(exc)) from None
        # With a ring from the environment, stdout carries only the new ring (to pipe into the
        # secrets manager) and the explanations go to stderr.
        notes = self.stderr if report.ring_json else self.stdout
        for label, count in sorted(report.counts.items()):
            verb = "would re-encrypt" if report.dry_run else "re-encrypted"
            notes.write(f"{label}: {verb} {count}", style_func=str)
        for message in report.messages:
            notes.write(message, style_func=str)
        if report.ring_json:
            self.stdout.write(report.ring_json, ending="")
        elif not report.dry_run:
            self.stdout.write(self.style.SUCCESS("Done."))

    def _progress(self, percent: float, message: str) -> None:
        self.stdout.write(f"[{percent:3.0f}%] {message}")
