"""Shared fixtures: reference data, the role personas of the access matrix, API clients."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest
from django.core.cache import cache

from factories import persona_users
from hrmonitor.core.crypto import KeyRing
from hrmonitor.reference import reference_data_load

# Encrypted case data in tests uses a key ring made for this run, never var/keyring.json.
os.environ.setdefault("HRMONITOR_KEYRING", KeyRing.generate().to_json())


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):  # type: ignore[no-untyped-def]
    """The reference data (29 countries, the framework) is in every test database, as after
    `hrmonitor init`. Tests run in transactions, so it stays for the whole session."""
    with django_db_blocker.unblock():
        reference_data_load()


@pytest.fixture
def committed_reference_data(transactional_db):  # type: ignore[no-untyped-def]
    """For tests with real transactions (a worker process, a live server): the database is
    emptied after each of them, so the reference data is loaded again (idempotent, ~0.1 s)."""
    reference_data_load()


@pytest.fixture(autouse=True)
def _clear_cache() -> Iterator[None]:
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def personas(db):  # type: ignore[no-untyped-def]
    """One user per role of DESIGN.md (see factories.PERSONAS), keyed by persona name."""
    return persona_users()


@pytest.fixture
def login(client):  # type: ignore[no-untyped-def]
    """`login(user)` signs a user in on the test client, as if MFA were already done."""

    def do(user):  # type: ignore[no-untyped-def]
        client.force_login(user)
        return client

    return do


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):  # type: ignore[no-untyped-def]
    # Argon2 is deliberately slow; tests create hundreds of users. Production keeps Argon2
    # (tested in tests/core/test_accounts.py).
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
