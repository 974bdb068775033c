"""Field-level encryption of case data: tokens, the key ring, blind indexes, the model
attribute and key rotation."""

from __future__ import annotations

import base64
import fcntl
import json
import stat
import uuid
from collections.abc import Iterator

import pytest
from django.core.management import CommandError, call_command
from django.db import connection, models
from django.test.utils import isolate_apps
from simple_history.models import HistoricalRecords

from hrmonitor.core import crypto

AAD = "rights_case|narrative|8d0c6a3e-0000-4000-8000-000000000001"


@pytest.fixture(autouse=True)
def keyring_path(settings, tmp_path, monkeypatch) -> Iterator:  # type: ignore[no-untyped-def]
    """Every test gets its own key ring under tmp_path: nothing reads or writes the real var/."""
    monkeypatch.delenv("HRMONITOR_KEYRING", raising=False)
    monkeypatch.delenv("HRMONITOR_KEYRING_FILE", raising=False)
    path = tmp_path / "var" / "keyring.json"
    settings.HRMONITOR_KEYRING_PATH = path
    crypto.reset_keyring_cache()
    yield path
    crypto.reset_keyring_cache()


def ring_json(current: str = "k1", **keys: bytes) -> str:
    keys = keys or {"k1": bytes(range(32))}
    return json.dumps(
        {
            "current": current,
            "keys": {key_id: base64.b64encode(key).decode() for key_id, key in keys.items()},
            "index_key": base64.b64encode(b"i" * 32).decode(),
        }
    )


def key_id_of(token: str) -> str:
    return token.split(".")[1]


# --- Tokens ---------------------------------------------------------------------------------


def test_text_survives_a_round_trip_and_the_token_shows_no_plaintext():
    text = "Задержан 12.03 у пункта обмена шприцев; протокол не выдан."
    token = crypto.encrypt_text(text, aad=AAD)
    assert token.startswith("v1.k1.")
    assert "Задержан" not in token and "протокол" not in token
    assert crypto.decrypt_text(token, aad=AAD) == text
    assert crypto.decrypt(crypto.encrypt(b"\x00\xff", aad=AAD), aad=AAD) == b"\x00\xff"


def test_an_empty_value_stays_empty_without_a_token():
    assert crypto.encrypt_text("", aad=AAD) == ""
    assert crypto.decrypt_text("", aad=AAD) == ""


def test_the_same_text_encrypts_differently_each_time():
    first = crypto.encrypt_text("client AB-1990-12", aad=AAD)
    second = crypto.encrypt_text("client AB-1990-12", aad=AAD)
    assert first != second
    nonce = base64.urlsafe_b64decode(first.split(".")[2] + "==")[:12]
    assert nonce != base64.urlsafe_b64decode(second.split(".")[2] + "==")[:12]


def test_a_value_copied_to_another_row_or_field_does_not_decrypt():
    token = crypto.encrypt_text("secret narrative", aad="rights_case|narrative|1")
    for other_place in ("rights_case|narrative|2", "rights_case|client_code|1"):
        with pytest.raises(crypto.DecryptionError) as error:
            crypto.decrypt_text(token, aad=other_place)
        assert "secret" not in str(error.value)


def test_an_altered_token_does_not_decrypt():
    token = crypto.encrypt_text("secret narrative", aad=AAD)
    head, payload = token.rsplit(".", 1)
    flipped = payload[:10] + ("A" if payload[10] != "A" else "B") + payload[11:]
    with pytest.raises(crypto.DecryptionError):
        crypto.decrypt_text(f"{head}.{flipped}", aad=AAD)
    with pytest.raises(crypto.DecryptionError):
        crypto.decrypt_text(token[:-12], aad=AAD)
    with pytest.raises(crypto.DecryptionError):
        crypto.decrypt_text("secret narrative", aad=AAD)


def test_a_token_under_a_key_missing_from_the_ring_does_not_decrypt():
    token = crypto.encrypt_text("secret", aad=AAD)
    with pytest.raises(crypto.DecryptionError, match="'k9'"):
        crypto.decrypt_text(token.replace("v1.k1.", "v1.k9.", 1), aad=AAD)


def test_files_are_encrypted_to_bytes():
    content = b"%PDF-1.7 scanned court decision"
    stored = crypto.encrypt_file(content, aad="rights_attachment|file|7")
    assert isinstance(stored, bytes) and stored.startswith(b"v1.k1.")
    assert crypto.decrypt_file(stored, aad="rights_attachment|file|7") == content
    with pytest.raises(crypto.DecryptionError):
        crypto.decrypt_file(stored, aad="rights_attachment|file|8")


# --- Key ring -------------------------------------------------------------------------------


def test_a_laptop_key_ring_is_created_on_first_use_readable_only_by_its_owner(keyring_path):
    assert not keyring_path.parent.exists()
    token = crypto.encrypt_text("secret", aad=AAD)
    assert stat.S_IMODE(keyring_path.stat().st_mode) == 0o600
    stored = json.loads(keyring_path.read_text())
    assert stored["current"] == "k1"
    assert len(base64.b64decode(stored["keys"]["k1"])) == 32
    assert len(base64.b64decode(stored["index_key"])) == 32
    # Another process (a fresh cache) reads the same ring.
    crypto.reset_keyring_cache()
    assert crypto.decrypt_text(token, aad=AAD) == "secret"


def test_the_key_ring_comes_from_the_environment_when_given(monkeypatch, keyring_path):
    monkeypatch.setenv("HRMONITOR_KEYRING", ring_json("prod1", prod1=b"p" * 32))
    token = crypto.encrypt_text("secret", aad=AAD)
    assert key_id_of(token) == "prod1"
    assert not keyring_path.exists()
    ring = crypto.get_keyring()
    assert ring.origin == "env" and not ring.writable
    assert "pppp" not in repr(ring) and base64.b64encode(b"p" * 32).decode() not in repr(ring)


def test_the_key_ring_comes_from_a_secret_file(monkeypatch, tmp_path, keyring_path):
    secret = tmp_path / "secrets" / "keyring"
    secret.parent.mkdir()
    secret.write_text(ring_json("s1", s1=b"s" * 32))
    monkeypatch.setenv("HRMONITOR_KEYRING_FILE", str(secret))
    assert key_id_of(crypto.encrypt_text("secret", aad=AAD)) == "s1"
    assert not keyring_path.exists()
    assert crypto.get_keyring().origin == "env-file"


KEY = base64.b64encode(b"k" * 32).decode()


@pytest.mark.parametrize(
    ("content", "error"),
    [
        ('{"current": "k1", "keys": {"k1": "', "not valid JSON"),
        (json.dumps({"keys": {"k1": KEY}}), '"current"'),
        (json.dumps({"current": "k2", "keys": {"k1": KEY}}), "'k2' is not in keys"),
        (json.dumps({"current": "k1", "keys": {}}), '"keys"'),
        (
            json.dumps({"current": "k1", "keys": {"k1": base64.b64encode(b"k" * 16).decode()}}),
            "16 bytes, must be 32",
        ),
        (json.dumps({"current": "k1", "keys": {"k1": "not base64!"}}), "not valid base64"),
        (json.dumps({"current": "k.1", "keys": {"k.1": KEY}}), "key id 'k.1'"),
        (json.dumps({"curent": "k1", "keys": {"k1": KEY}}), "unknown field(s) curent"),
        (json.dumps({"current": "k1", "keys": {"k1": KEY}, "index_key": "AAAA"}), "index_key"),
    ],
)
def test_an_invalid_key_ring_is_refused_with_a_clear_error_showing_no_key(
    monkeypatch, content, error
):
    monkeypatch.setenv("HRMONITOR_KEYRING", content)
    with pytest.raises(crypto.KeyRingError) as raised:
        crypto.encrypt_text("secret", aad=AAD)
    message = str(raised.value)
    assert error in message and "HRMONITOR_KEYRING" in message
    assert KEY not in message and raised.value.__cause__ is None


def test_a_missing_secret_file_is_a_key_ring_error(monkeypatch, tmp_path):
    monkeypatch.setenv("HRMONITOR_KEYRING_FILE", str(tmp_path / "absent"))
    with pytest.raises(crypto.KeyRingError, match="HRMONITOR_KEYRING_FILE"):
        crypto.encrypt_text("secret", aad=AAD)


def test_a_process_notices_a_ring_rotated_by_another_process(keyring_path):
    old_token = crypto.encrypt_text("before", aad=AAD)
    # Another process rotates: the file changes under this process's cached ring.
    rotated = crypto.get_keyring().with_new_key()
    new_token = crypto._seal(rotated, b"after", AAD)
    crypto._write_ring_file(keyring_path, rotated.to_json(), replace=True)
    assert crypto.decrypt_text(new_token, aad=AAD) == "after"
    assert key_id_of(crypto.encrypt_text("later", aad=AAD)) == "k2"
    assert crypto.decrypt_text(old_token, aad=AAD) == "before"


# --- Blind index ----------------------------------------------------------------------------


def test_the_blind_index_links_the_same_client_code_whatever_its_case_and_spacing():
    index = crypto.blind_index("AB-1990-12", purpose="case.client_code")
    assert index == crypto.blind_index("  ab-1990-12 ", purpose="case.client_code")
    assert len(index) == 64 and set(index) <= set("0123456789abcdef")
    assert index != crypto.blind_index("AB-1990-13", purpose="case.client_code")
    assert index != crypto.blind_index("AB-1990-12", purpose="case.phone")
    assert crypto.blind_index("   ", purpose="case.client_code") == ""


def test_the_blind_index_depends_on_the_ring_and_survives_rotation(keyring_path):
    index = crypto.blind_index("AB-1990-12", purpose="case.client_code")
    crypto.rotate(columns=[])
    assert crypto.get_keyring().current == "k2"
    assert crypto.blind_index("AB-1990-12", purpose="case.client_code") == index
    keyring_path.unlink()
    crypto.reset_keyring_cache()  # a new install, a new index key
    assert crypto.blind_index("AB-1990-12", purpose="case.client_code") != index


# --- The model attribute --------------------------------------------------------------------


@pytest.fixture
def record_model():  # type: ignore[no-untyped-def]
    """A test-only model with an encrypted attribute and history, in an isolated app registry so
    that it never joins the project's models."""
    with isolate_apps("hrmonitor.core") as test_apps:

        class Record(models.Model):
            id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
            narrative_encrypted = models.TextField(blank=True, editable=False)
            narrative = crypto.EncryptedText("narrative_encrypted")
            history = HistoricalRecords(
                # No foreign key to the user model, which the isolated registry does not have.
                history_user_id_field=models.BigIntegerField(null=True, blank=True)
            )

            class Meta:
                app_label = "core"
                db_table = "test_crypto_record"

            def __str__(self) -> str:
                return str(self.pk)

        class NumberedRecord(models.Model):
            note_encrypted = models.TextField(blank=True)
            note = crypto.EncryptedText("note_encrypted")

            class Meta:
                app_label = "core"
                db_table = "test_crypto_numbered"

            def __str__(self) -> str:
                return str(self.pk)

        Record.test_apps = test_apps  # type: ignore[attr-defined]
        Record.numbered = NumberedRecord  # type: ignore[attr-defined]
        yield Record


@pytest.fixture
def record_tables(transactional_db, record_model):  # type: ignore[no-untyped-def]
    # A real transaction: SQLite cannot change its schema inside the test's atomic block.
    models_ = [record_model, record_model.history.model, record_model.numbered]
    with connection.schema_editor() as editor:
        for model in models_:
            editor.create_model(model)
    yield record_model
    with connection.schema_editor() as editor:
        for model in models_:
            editor.delete_model(model)


def columns_of(record_model):  # type: ignore[no-untyped-def]
    return crypto.encrypted_columns(app_registry=record_model.test_apps)


def test_the_attribute_encrypts_into_its_column_bound_to_the_row(record_model):
    record = record_model(narrative="beaten at the police station")
    assert record.narrative_encrypted.startswith("v1.k1.")
    assert record.narrative == "beaten at the police station"
    assert record_model(narrative="").narrative_encrypted == ""
    assert record_model().narrative == ""
    other = record_model(narrative_encrypted=record.narrative_encrypted)
    with pytest.raises(crypto.DecryptionError):
        other.narrative  # noqa: B018


def test_the_attribute_refuses_a_row_without_a_primary_key(record_model):
    numbered = record_model.numbered()
    with pytest.raises(crypto.MissingPrimaryKeyError, match="primary key"):
        numbered.note = "secret"
    assert numbered.note_encrypted == ""


def test_every_encrypted_attribute_is_registered_for_rotation(record_model):
    found = {(c.model.__name__, c.attribute, c.column) for c in columns_of(record_model)}
    assert found == {
        ("Record", "narrative", "narrative_encrypted"),
        ("NumberedRecord", "note", "note_encrypted"),
    }
    # Test-only models never join the project's registry.
    assert all(c.model._meta.db_table != "test_crypto_record" for c in crypto.encrypted_columns())


def test_history_keeps_tokens_never_plaintext(record_tables):
    record = record_tables.objects.create(narrative="first account")
    record.narrative = "corrected account"
    record.save()
    stored = list(record_tables.history.values_list("narrative_encrypted", flat=True))
    assert len(stored) == 2 and all(value.startswith("v1.k1.") for value in stored)
    versions = {h.instance.narrative for h in record_tables.history.filter(id=record.pk)}
    assert versions == {"first account", "corrected account"}


# --- Rotation -------------------------------------------------------------------------------


def test_rotation_moves_every_value_and_its_history_to_a_new_key(record_tables, keyring_path):
    records = [record_tables.objects.create(narrative=f"account {n}") for n in range(3)]
    empty = record_tables.objects.create()
    columns = columns_of(record_tables)
    table, history = "test_crypto_record", record_tables.history.model._meta.db_table

    dry = crypto.rotate(dry_run=True, columns=columns)
    assert dry.counts[f"{table}.narrative_encrypted"] == 3
    assert crypto.get_keyring().current == "k1"

    seen: list[float] = []
    report = crypto.rotate(columns=columns, progress=lambda percent, _: seen.append(percent))
    assert report.new_key_id == "k2" and report.ring_written_to == keyring_path
    assert report.counts == {
        f"{table}.narrative_encrypted": 3,
        f"{history}.narrative_encrypted": 3,
        "test_crypto_numbered.note_encrypted": 0,
    }
    assert seen[-1] == 100
    stored = json.loads(keyring_path.read_text())
    assert stored["current"] == "k2" and set(stored["keys"]) == {"k1", "k2"}
    assert stat.S_IMODE(keyring_path.stat().st_mode) == 0o600
    for record in records:
        record.refresh_from_db()
        assert key_id_of(record.narrative_encrypted) == "k2"
        assert record.narrative.startswith("account ")
    empty.refresh_from_db()
    assert empty.narrative_encrypted == ""  # an empty value stays empty
    for version in record_tables.history.exclude(id=empty.pk):
        assert key_id_of(version.narrative_encrypted) == "k2"
        assert version.instance.narrative.startswith("account ")
    assert crypto.reencrypt(columns=columns).total == 0


def test_a_key_is_retired_only_once_no_value_uses_it(record_tables, keyring_path):
    record = record_tables.objects.create(narrative="account")
    columns = columns_of(record_tables)
    crypto.rotate(columns=columns, new_key_id="k2")
    with pytest.raises(crypto.KeyInUseError, match="current key"):
        crypto.retire_key("k2", columns=columns)
    # A value written with k1 after the rotation (a process that had not seen it yet).
    record_tables.objects.filter(pk=record.pk).update(
        narrative_encrypted=crypto._seal(
            crypto.get_keyring()._replace(current="k1"),
            b"late edit",
            f"test_crypto_record|narrative|{record.pk}",
        )
    )
    with pytest.raises(crypto.KeyInUseError) as refused:
        crypto.retire_key("k1", columns=columns)
    assert refused.value.usage == {"test_crypto_record.narrative_encrypted": 1}
    assert "k1" in json.loads(keyring_path.read_text())["keys"]

    assert crypto.reencrypt(columns=columns).total == 1
    report = crypto.retire_key("k1", columns=columns)
    assert report.ring_written_to == keyring_path
    assert set(json.loads(keyring_path.read_text())["keys"]) == {"k2"}
    record.refresh_from_db()
    assert record.narrative == "late edit"


def test_a_ring_from_the_environment_is_printed_not_written_and_values_wait(
    record_tables, monkeypatch, keyring_path
):
    monkeypatch.setenv("HRMONITOR_KEYRING", ring_json("k1", k1=b"a" * 32))
    record = record_tables.objects.create(narrative="account")
    columns = columns_of(record_tables)

    report = crypto.rotate(columns=columns)
    assert report.ring_written_to is None and not keyring_path.exists()
    assert "secrets manager" in " ".join(report.messages)
    record.refresh_from_db()
    assert key_id_of(record.narrative_encrypted) == "k1"  # unreadable elsewhere otherwise

    # The operator stores the new ring and restarts; then the values move.
    monkeypatch.setenv("HRMONITOR_KEYRING", report.ring_json)
    assert crypto.reencrypt(columns=columns).total == 2  # the row and its history
    record.refresh_from_db()
    assert key_id_of(record.narrative_encrypted) == "k2" and record.narrative == "account"


def test_rotation_stops_at_a_value_it_cannot_read_and_names_the_row(record_tables):
    record = record_tables.objects.create(narrative="account")
    record_tables.objects.filter(pk=record.pk).update(narrative_encrypted="plain text")
    with pytest.raises(crypto.RotationError, match=str(record.pk)) as error:
        crypto.rotate(columns=columns_of(record_tables))
    assert "plain text" not in str(error.value)


def test_the_command_rotates_and_refuses_to_retire_a_key_in_use(
    record_tables, monkeypatch, keyring_path, capsys
):
    # The command works on the project's columns: point it at the test model's.
    columns = columns_of(record_tables)
    monkeypatch.setattr(crypto, "encrypted_columns", lambda: columns)
    record_tables.objects.create(narrative="account")

    call_command("rotate_keys", dry_run=True)
    assert "test_crypto_record.narrative_encrypted: would re-encrypt 1" in capsys.readouterr().out
    call_command("rotate_keys")
    out = capsys.readouterr().out
    assert "test_crypto_record.narrative_encrypted: re-encrypted 1" in out and "'k2'" in out
    assert json.loads(keyring_path.read_text())["current"] == "k2"
    with pytest.raises(CommandError, match="current key"):
        call_command("rotate_keys", retire="k2")
    call_command("rotate_keys", retire="k1")
    assert set(json.loads(keyring_path.read_text())["keys"]) == {"k2"}


def test_two_rotations_cannot_run_at_once(keyring_path):
    crypto.get_keyring()  # creates the ring file
    lock = keyring_path.with_name("keyring.json.lock").open("w")
    fcntl.flock(lock, fcntl.LOCK_EX)  # a rotation running in another process
    try:
        with pytest.raises(crypto.KeyRingError, match="another rotate-keys"):
            crypto.rotate(columns=[])
    finally:
        lock.close()
    assert json.loads(keyring_path.read_text())["current"] == "k1"
    assert crypto.rotate(columns=[]).new_key_id == "k2"


def test_a_key_used_by_encrypted_files_is_not_retired(monkeypatch, keyring_path):
    stored = crypto.encrypt_file(b"scan", aad="rights_casefile|stored|1")
    crypto.rotate(columns=[])
    monkeypatch.setattr(crypto, "encrypted_columns", lambda: [])
    monkeypatch.setattr(crypto, "_USAGE_COUNTERS", [])
    crypto.register_key_usage_counter(
        lambda key_id: {"rights_casefile.stored": int(crypto.token_key_id(stored) == key_id)}
    )
    with pytest.raises(crypto.KeyInUseError, match="rights_casefile.stored: 1"):
        crypto.retire_key("k1")
    assert "k1" in json.loads(keyring_path.read_text())["keys"]


def test_the_command_prints_a_ring_from_the_environment_for_the_operator(monkeypatch, capsys):
    monkeypatch.setenv("HRMONITOR_KEYRING", ring_json("k1", k1=b"a" * 32))
    monkeypatch.setattr(crypto, "encrypted_columns", lambda: [])
    call_command("rotate_keys")
    captured = capsys.readouterr()
    printed = json.loads(captured.out)
    assert printed["current"] == "k2" and set(printed["keys"]) == {"k1", "k2"}
    assert "secrets manager" in captured.err
