from __future__ import annotations

import getpass
import secrets
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from hrmonitor.core.models import User
from hrmonitor.core.roles import Role
from hrmonitor.core.services import role_assign, user_create


class Command(BaseCommand):
    help = (
        "Create a Secretariat administrator (Django superuser with the secretariat_admin role). "
        "Without --password-file, asks for a password, or generates one with --generate."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--username", required=True)
        parser.add_argument("--email", required=True)
        parser.add_argument("--password-file", help="Read the password from this file.")
        parser.add_argument(
            "--generate", action="store_true", help="Generate a password and print it once."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if User.objects.filter(username=options["username"]).exists():
            raise CommandError(f"A user named {options['username']!r} already exists.")
        if options["password_file"]:
            with open(options["password_file"], encoding="utf-8") as handle:
                password = handle.read().strip()
        elif options["generate"]:
            password = secrets.token_urlsafe(12)
        else:
            password = getpass.getpass("Password: ")
            if password != getpass.getpass("Password (again): "):
                raise CommandError("The passwords differ.")
        try:
            with transaction.atomic():
                user = user_create(
                    username=options["username"],
                    email=options["email"],
                    password=password,
                    is_superuser=True,
                )
                role_assign(user=user, role=Role.SECRETARIAT_ADMIN)
        except ValidationError as exc:
            raise CommandError("; ".join(exc.messages)) from exc
        self.stdout.write(self.style.SUCCESS(f"Administrator {user.username} created."))
        if options["generate"]:
            self.stdout.write(f"Password (shown once): {password}")
        self.stdout.write("At first sign-in you will be asked to set up two-factor authentication.")
