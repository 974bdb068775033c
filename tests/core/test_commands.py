"""The `hrmonitor` commands a newcomer and an operator run."""

from __future__ import annotations

import stat
import subprocess
import sys

import pytest
from django.core.management import call_command

from hrmonitor.core.access import user_roles
from hrmonitor.core.models import DemoDataset, Organisation, User
from hrmonitor.core.roles import Role

pytestmark = pytest.mark.django_db


def test_createadmin_makes_a_secretariat_administrator(tmp_path, capsys):
    password = tmp_path / "pw"
    password.write_text("a long enough passphrase\n")
    call_command(
        "createadmin", username="ana", email="ana@example.org", password_file=str(password)
    )
    user = User.objects.get(username="ana")
    assert user.is_superuser and user.check_password("a long enough passphrase")
    assert user_roles(user) == {Role.SECRETARIAT_ADMIN}
    assert "two-factor" in capsys.readouterr().out


def test_demo_adds_labelled_synthetic_data_and_one_account_per_role(settings, tmp_path):
    settings.VAR_DIR = tmp_path
    call_command("demo", if_empty=True)
    assert DemoDataset.objects.count() == 1
    assert all(o.name.startswith("[DEMO]") for o in Organisation.objects.all())
    roles = {role for user in User.objects.all() for role in user_roles(user)}
    assert roles == set(Role)
    credentials = tmp_path / "demo-credentials.txt"
    assert stat.S_IMODE(credentials.stat().st_mode) == 0o600
    text = credentials.read_text()
    assert "SYNTHETIC DEMO DATA" in text and "demo-focal-georgia" in text
    # Passwords are generated, different on every run, and work.
    line = next(line for line in text.splitlines() if line.startswith("demo-focal-georgia"))
    assert User.objects.get(username="demo-focal-georgia").check_password(line.split()[1])


def test_demo_if_empty_leaves_a_used_database_alone(settings, tmp_path):
    settings.VAR_DIR = tmp_path
    User.objects.create(username="someone")
    call_command("demo", if_empty=True)
    assert not DemoDataset.objects.exists()


def test_the_console_command_is_installed():
    result = subprocess.run(  # noqa: S603
        [sys.executable, "-m", "hrmonitor.cli", "help", "init"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert "reference data" in result.stdout
