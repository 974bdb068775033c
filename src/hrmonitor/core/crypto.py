"""Field-level encryption at rest: AES-256-GCM with a key ring kept outside the database.

Human-rights case data (narratives, client codes, identifying fields, attachments) is stored as
tokens that only a process holding the key ring can read; a copy of the database alone is noise.

**Token format** (ASCII, fits a `TextField`): ``v1.<key id>.<base64url(nonce || ciphertext+tag)>``
without base64 padding. The nonce is 96 random bits, fresh for every value; the 128-bit GCM tag
authenticates the ciphertext *and* the associated data. Callers pass as associated data
``"<db_table>|<field>|<row id>"``, so a token copied into another row or field does not decrypt.
The key id in each token lets old values stay readable after a new key becomes current.

**Key ring** (JSON): ``{"current": "k1", "keys": {"k1": "<base64 32 bytes>", ...},
"index_key": "<base64 32 bytes>"}``, read once per process from, in order:

1. ``HRMONITOR_KEYRING`` — the JSON itself (from a secrets manager);
2. ``HRMONITOR_KEYRING_FILE`` — a file holding it (Docker/Kubernetes secrets);
3. ``settings.HRMONITOR_KEYRING_PATH`` (default ``var/keyring.json``), created on first use with
   one fresh key and mode 0600. This is the laptop default; back the file up apart from the
   database, since without it the encrypted data is lost.

``index_key`` keys the blind indexes (`blind_index`) and is never rotated: rotating it would
break every stored index. Key material never appears in logs, error messages or ``repr``.

**Rotation** (`rotate`, the ``rotate-keys`` command) adds a key, makes it current and re-encrypts
every `EncryptedText` column, including the copies django-simple-history keeps. Old keys stay in
the ring so that backups remain readable; `retire_key` removes one only when no value uses it.
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import fcntl
import hashlib
import hmac
import json
import logging
import os
import re
import secrets
import stat
import tempfile
import threading
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from inspect import getattr_static
from pathlib import Path
from types import MappingProxyType
from typing import Any, Literal, Self, overload

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.apps import apps as django_apps
from django.apps.registry import Apps
from django.conf import settings
from django.core.exceptions import FieldDoesNotExist, ImproperlyConfigured
from django.core.signals import setting_changed
from django.db import models, transaction
from django.views.decorators.debug import sensitive_variables

from hrmonitor.env import env_secret

logger = logging.getLogger(__name__)

KEY_BYTES = 32  # AES-256
NONCE_BYTES = 12  # 96 bits, the GCM standard nonce
TAG_BYTES = 16
TOKEN_VERSION = "v1"  # noqa: S105  # the token format's version, not a secret
KEYRING_ENV = "HRMONITOR_KEYRING"
# Key ids end up in every token and must not contain the token separator ".".
_KEY_ID = re.compile(r"[A-Za-z0-9_-]{1,32}")
_TOKEN = re.compile(r"v1\.([A-Za-z0-9_-]{1,32})\.([A-Za-z0-9_-]+)")
_PURPOSE = re.compile(r"[a-z0-9][a-z0-9_.:-]{0,63}")
_RING_FIELDS = {"current", "keys", "index_key"}

Origin = Literal["file", "env", "env-file", "memory"]
Progress = Callable[[float, str], None]


class CryptoError(Exception):
    """Base of every error of this module. Messages never contain plaintext or key material."""


class KeyRingError(CryptoError):
    """The key ring is missing, unreadable or invalid, or a change to it was refused."""


class KeyInUseError(KeyRingError):
    """A key cannot be retired: values still use it (`usage`: column label -> count)."""

    def __init__(self, message: str, usage: Mapping[str, int] | None = None) -> None:
        super().__init__(message)
        self.usage = dict(usage or {})


class DecryptionError(CryptoError):
    """A token does not decrypt: altered, copied from another row/field, or its key is unknown."""


class MissingPrimaryKeyError(CryptoError, ValueError):
    """An encrypted field was used on a row without a primary key (the key is in its aad)."""


class RotationError(CryptoError):
    """A stored value could not be re-encrypted; the rows done so far stay done."""


# --- Key ring -------------------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class KeyRing:
    """Named 256-bit keys; `current` encrypts, all of them decrypt.

    `origin` says where the ring came from: only a ring read from (or created at)
    `settings.HRMONITOR_KEYRING_PATH` (`origin="file"`, `path` set) is written back by rotation;
    rings from the environment belong to the operator's secrets manager.
    """

    current: str
    keys: Mapping[str, bytes] = field(repr=False)
    index_key: bytes | None = field(default=None, repr=False)
    origin: Origin = "memory"
    source: str = "a key ring in memory"
    path: Path | None = None
    # The file's identity when read (inode, mtime, size), to notice a rotation by another process.
    loaded_version: tuple[int, int, int] | None = field(default=None, repr=False)

    def __post_init__(self) -> None:
        if not self.keys:
            raise KeyRingError(f"{self.source}: the key ring has no keys")
        for key_id, key in self.keys.items():
            if not isinstance(key_id, str) or not _KEY_ID.fullmatch(key_id):
                raise KeyRingError(
                    f"{self.source}: key id {key_id!r} is not 1-32 letters, digits, '_' or '-'"
                )
            if not isinstance(key, bytes) or len(key) != KEY_BYTES:
                size = len(key) if isinstance(key, bytes) else "not"
                raise KeyRingError(
                    f"{self.source}: key {key_id!r} is {size} bytes, must be {KEY_BYTES} (256 bits)"
                )
        if self.current not in self.keys:
            raise KeyRingError(f"{self.source}: the current key {self.current!r} is not in keys")
        if self.index_key is not None and (
            not isinstance(self.index_key, bytes) or len(self.index_key) != KEY_BYTES
        ):
            raise KeyRingError(f"{self.source}: index_key must be {KEY_BYTES} bytes (256 bits)")
        object.__setattr__(self, "keys", MappingProxyType(dict(self.keys)))

    @classmethod
    def generate(cls, *, key_id: str = "k1", **where: Any) -> Self:
        """A new ring with one fresh key and a fresh index key."""
        return cls(
            current=key_id,
            keys={key_id: secrets.token_bytes(KEY_BYTES)},
            index_key=secrets.token_bytes(KEY_BYTES),
            **where,
        )

    @classmethod
    @sensitive_variables()
    def from_json(cls, text: str, **where: Any) -> Self:
        """Parse and validate the JSON form; errors name the problem, never a key."""
        source = where.get("source", "the key ring")
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            # `from None`: the decoder error holds the whole document, keys included.
            raise KeyRingError(
                f"{source} is not valid JSON (line {exc.lineno}, column {exc.colno})"
            ) from None
        if not isinstance(data, dict):
            raise KeyRingError(f'{source} must be a JSON object {{"current": ..., "keys": ...}}')
        unknown = sorted(set(data) - _RING_FIELDS)
        if unknown:
            raise KeyRingError(f"{source}: unknown field(s) {', '.join(unknown)}")
        current = data.get("current")
        if not isinstance(current, str) or not current:
            raise KeyRingError(f'{source}: "current" (the id of the key that encrypts) is missing')
        raw_keys = data.get("keys")
        if not isinstance(raw_keys, dict) or not raw_keys:
            raise KeyRingError(f'{source}: "keys" must be an object of key id -> base64 key')
        keys = {
            str(key_id): _decode_key(value, f"key {key_id!r}", source)
            for key_id, value in raw_keys.items()
        }
        index_key = None
        if data.get("index_key") is not None:
            index_key = _decode_key(data["index_key"], "index_key", source)
        return cls(current=current, keys=keys, index_key=index_key, **where)

    def to_json(self) -> str:
        """The JSON form (contains every key: store it only where secrets belong)."""
        data: dict[str, Any] = {
            "current": self.current,
            "keys": {key_id: _b64(key) for key_id, key in self.keys.items()},
        }
        if self.index_key is not None:
            data["index_key"] = _b64(self.index_key)
        return json.dumps(data, indent=2) + "\n"

    @property
    def writable(self) -> bool:
        return self.origin == "file" and self.path is not None

    def next_key_id(self) -> str:
        numbers = [int(m.group(1)) for k in self.keys if (m := re.fullmatch(r"k(\d+)", k))]
        number = max(numbers, default=len(self.keys)) + 1
        while f"k{number}" in self.keys:
            number += 1
        return f"k{number}"

    def with_new_key(self, key_id: str | None = None) -> KeyRing:
        """This ring plus a fresh key that becomes current (old keys stay for decryption)."""
        key_id = key_id or self.next_key_id()
        if key_id in self.keys:
            raise KeyRingError(f"{self.source}: there is already a key {key_id!r}")
        return self._replace(
            current=key_id, keys={**self.keys, key_id: secrets.token_bytes(KEY_BYTES)}
        )

    def without_key(self, key_id: str) -> KeyRing:
        if key_id not in self.keys:
            raise KeyRingError(f"{self.source}: there is no key {key_id!r}")
        if key_id == self.current:
            raise KeyInUseError(
                f"{key_id!r} is the current key: rotate first (hrmonitor rotate-keys), "
                "then retire it"
            )
        return self._replace(keys={k: v for k, v in self.keys.items() if k != key_id})

    def _replace(self, **changes: Any) -> KeyRing:
        values = {
            "current": self.current,
            "keys": self.keys,
            "index_key": self.index_key,
            "origin": self.origin,
            "source": self.source,
            "path": self.path,
        }
        return KeyRing(**{**values, **changes})


def _b64(key: bytes) -> str:
    return base64.b64encode(key).decode("ascii")


@sensitive_variables()
def _decode_key(value: object, what: str, source: str) -> bytes:
    if not isinstance(value, str):
        raise KeyRingError(f"{source}: {what} must be a base64 string")
    try:
        key = base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError):
        raise KeyRingError(f"{source}: {what} is not valid base64") from None
    if len(key) != KEY_BYTES:
        raise KeyRingError(f"{source}: {what} is {len(key)} bytes, must be {KEY_BYTES} (256 bits)")
    return key


_lock = threading.Lock()
_cached_ring: KeyRing | None = None


def get_keyring() -> KeyRing:
    """The process's key ring, loaded (or, on a laptop, created) on first use and cached."""
    global _cached_ring
    ring = _cached_ring
    if ring is None:
        with _lock:
            if _cached_ring is None:
                _cached_ring = _load_keyring()
            ring = _cached_ring
    return ring


def reset_keyring_cache() -> None:
    """Forget the cached ring; the next use reads it again (tests, and after a rotation)."""
    global _cached_ring
    with _lock:
        _cached_ring = None


def _reset_on_setting_change(*, setting: str, **kwargs: Any) -> None:
    if setting == "HRMONITOR_KEYRING_PATH":
        reset_keyring_cache()


setting_changed.connect(_reset_on_setting_change, dispatch_uid="hrmonitor-crypto-keyring")


@sensitive_variables()
def _load_keyring() -> KeyRing:
    file_env = f"{KEYRING_ENV}_FILE"
    try:
        text = env_secret(KEYRING_ENV)
    except OSError as exc:
        raise KeyRingError(f"cannot read the key ring file named by {file_env}: {exc}") from None
    if text is not None:
        if os.environ.get(KEYRING_ENV):
            return KeyRing.from_json(
                text, origin="env", source=f"the {KEYRING_ENV} environment variable"
            )
        path = Path(os.environ[file_env])
        return KeyRing.from_json(
            text,
            origin="env-file",
            source=f"{file_env} ({path})",
            path=path,
            loaded_version=_file_version(path),
        )
    return _read_or_create_ring_file(Path(settings.HRMONITOR_KEYRING_PATH))


@sensitive_variables()
def _read_or_create_ring_file(path: Path) -> KeyRing:
    source = f"the key ring file {path}"
    try:
        version = _file_version(path)
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        ring = KeyRing.generate(origin="file", source=source, path=path)
        try:
            _write_ring_file(path, ring.to_json(), replace=False)
        except FileExistsError:
            # Another process created it between our read and write: use theirs.
            return _read_or_create_ring_file(path)
        except OSError as exc:
            raise KeyRingError(f"cannot create {source}: {exc}") from None
        logger.warning(
            "Created a new encryption key ring at %s (mode 0600). Back it up apart from the "
            "database: without it, encrypted case data cannot be read.",
            path,
        )
        return ring._replace(loaded_version=_file_version(path))
    except OSError as exc:
        raise KeyRingError(f"cannot read {source}: {exc}") from None
    if stat.S_IMODE(path.stat().st_mode) & 0o077:
        logger.warning("The key ring file %s can be read by other users: chmod 600 it.", path)
    ring = KeyRing.from_json(text, origin="file", source=source, path=path)
    return ring._replace(loaded_version=version)


def _file_version(path: Path) -> tuple[int, int, int] | None:
    # The inode as well as the time: a rewrite within the clock's granularity still shows.
    try:
        status = path.stat()
    except OSError:
        return None
    return (status.st_ino, status.st_mtime_ns, status.st_size)


def _write_ring_file(path: Path, text: str, *, replace: bool) -> None:
    """Write atomically with mode 0600: a reader sees the old ring or the new one, never half.
    With `replace=False`, raise FileExistsError rather than overwrite a ring."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=".keyring-", suffix=".tmp")
    try:
        os.fchmod(fd, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        if replace:
            os.replace(temporary, path)
        else:
            try:
                os.link(temporary, path)  # atomic, and fails if the file exists
            except FileExistsError:
                raise
            except OSError:  # a filesystem without hard links
                fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
                with os.fdopen(fd, "w", encoding="utf-8") as handle:
                    handle.write(text)
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary)
    with contextlib.suppress(OSError):
        directory = os.open(path.parent, os.O_RDONLY)
        try:
            os.fsync(directory)
        finally:
            os.close(directory)


def _ring_for_encryption() -> KeyRing:
    """The cached ring, re-read if its file changed (a rotation by another process), so that new
    values are written with the new current key without restarting every process."""
    ring = get_keyring()
    if ring.origin in ("file", "env-file") and ring.path is not None:
        if _file_version(ring.path) != ring.loaded_version:
            reset_keyring_cache()
            ring = get_keyring()
    return ring


def _key_for_decryption(key_id: str) -> bytes:
    ring = get_keyring()
    if key_id not in ring.keys and ring.origin in ("file", "env-file"):
        ring = _ring_for_encryption()
    try:
        return ring.keys[key_id]
    except KeyError:
        raise DecryptionError(
            f"the value is encrypted with key {key_id!r}, which is not in {ring.source}"
        ) from None


# --- Encryption -----------------------------------------------------------------------------


def _aad_bytes(aad: str) -> bytes:
    if not aad:
        raise ValueError('aad must name the value\'s place: "<db_table>|<field>|<row id>"')
    return aad.encode("utf-8")


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


@sensitive_variables()
def _seal(ring: KeyRing, plaintext: bytes, aad: str) -> str:
    nonce = secrets.token_bytes(NONCE_BYTES)
    sealed = AESGCM(ring.keys[ring.current]).encrypt(nonce, bytes(plaintext), _aad_bytes(aad))
    return f"{TOKEN_VERSION}.{ring.current}.{_b64url(nonce + sealed)}"


def _parse(token: str) -> tuple[str, bytes]:
    match = _TOKEN.fullmatch(token) if isinstance(token, str) else None
    if match is None:
        raise DecryptionError("not an encrypted value (expected v1.<key id>.<base64url data>)")
    key_id, payload = match.groups()
    try:
        blob = base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4))
    except (binascii.Error, ValueError):
        raise DecryptionError("the encrypted value is not valid base64url") from None
    if len(blob) < NONCE_BYTES + TAG_BYTES:
        raise DecryptionError("the encrypted value is truncated")
    return key_id, blob


@sensitive_variables()
def _unseal(key: bytes, key_id: str, blob: bytes, aad: str) -> bytes:
    try:
        return AESGCM(key).decrypt(blob[:NONCE_BYTES], blob[NONCE_BYTES:], _aad_bytes(aad))
    except InvalidTag:
        raise DecryptionError(
            f"the value does not decrypt with key {key_id!r} for {aad!r}: it was altered, or "
            "copied from another row or field"
        ) from None


def encrypt(plaintext: bytes, *, aad: str) -> str:
    """Encrypt with the current key; `aad` is ``"<db_table>|<field>|<row id>"``.

    Returns ``v1.<key id>.<base64url(nonce || ciphertext+tag)>``; empty input gives ``""``.
    """
    if not plaintext:
        _aad_bytes(aad)
        return ""
    return _seal(_ring_for_encryption(), plaintext, aad)


def decrypt(token: str, *, aad: str) -> bytes:
    """The plaintext of `token`, or DecryptionError; ``""`` gives ``b""``."""
    if token == "":
        _aad_bytes(aad)
        return b""
    key_id, blob = _parse(token)
    return _unseal(_key_for_decryption(key_id), key_id, blob, aad)


encrypt_bytes = encrypt
decrypt_bytes = decrypt


def encrypt_text(text: str, *, aad: str) -> str:
    """`encrypt` for text (UTF-8); ``""`` stays ``""``."""
    return encrypt(text.encode("utf-8"), aad=aad)


@sensitive_variables()
def decrypt_text(token: str, *, aad: str) -> str:
    plaintext = decrypt(token, aad=aad)
    try:
        return plaintext.decode("utf-8")
    except UnicodeDecodeError:
        raise DecryptionError("the decrypted value is not text") from None


def encrypt_file(data: bytes, *, aad: str) -> bytes:
    """The token of a file's content, as bytes to store (about 4/3 of the size)."""
    return encrypt(data, aad=aad).encode("ascii")


def decrypt_file(data: bytes, *, aad: str) -> bytes:
    try:
        token = data.decode("ascii")
    except UnicodeDecodeError:
        raise DecryptionError("not an encrypted file") from None
    return decrypt(token, aad=aad)


@sensitive_variables()
def blind_index(value: str, *, purpose: str) -> str:
    """A keyed fingerprint of `value`, to find equal values (repeat visits by one client code)
    without decrypting anything.

    HMAC-SHA256 under a per-purpose key derived from the ring's `index_key`:
    ``HMAC(HMAC(index_key, "hrmonitor blind index" || 0 || purpose), normalised value)``, as hex.
    The value is normalised with NFKC, case folding and stripping of surrounding space, so
    " ab12 " and "AB12" match. Different purposes give unrelated indexes; an empty value gives
    ``""`` (it must not link every record without a code). Without the key, the index cannot be
    recomputed from guesses of the (low-entropy) codes.
    """
    if not _PURPOSE.fullmatch(purpose):
        raise ValueError(f"purpose {purpose!r} must be a short lowercase name like 'case.client'")
    normalised = unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", value).casefold())
    normalised = normalised.strip()
    if not normalised:
        return ""
    ring = get_keyring()
    if ring.index_key is None:
        raise KeyRingError(f"{ring.source} has no index_key, which blind indexes need")
    purpose_key = hmac.new(
        ring.index_key, b"hrmonitor blind index\x00" + purpose.encode("ascii"), hashlib.sha256
    ).digest()
    return hmac.new(purpose_key, normalised.encode("utf-8"), hashlib.sha256).hexdigest()


# --- Model fields ---------------------------------------------------------------------------


@dataclass(frozen=True)
class EncryptedColumn:
    """An encrypted attribute of a model and the text column holding its tokens."""

    model: type[models.Model]
    attribute: str
    column: str

    @property
    def label(self) -> str:
        return f"{self.model._meta.db_table}.{self.column}"


_REGISTRY: list[EncryptedText] = []


class EncryptedText(property):
    """An encrypted text attribute of a model, stored as a token in a `TextField`::

        class Case(models.Model):
            id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
            narrative_encrypted = models.TextField(blank=True, editable=False)
            narrative = EncryptedText("narrative_encrypted")

    Reading ``case.narrative`` decrypts (an empty column reads as ``""``); assigning encrypts
    with associated data ``"<db_table>|narrative|<pk>"``. The row therefore needs its primary
    key *before* the assignment: a UUID key with ``default=uuid.uuid4`` is set at instantiation,
    so ``Case(narrative=...)`` and ``Case.objects.create(narrative=...)`` work; with a key from
    the database, save first (`MissingPrimaryKeyError` otherwise). Changing the primary key of a
    row makes its encrypted values unreadable, on purpose.

    Only the token column is a model field, so django-simple-history and fixtures copy tokens,
    never plaintext. (A `property` subclass so that Django's `Model.__init__` accepts the name
    as a keyword argument.)
    """

    def __init__(self, column: str) -> None:
        super().__init__(doc=f"Encrypted text stored in {column!r}.")
        self.column = column
        self.attribute = ""
        self.owner: type[models.Model] | None = None

    def __set_name__(self, owner: type[models.Model], name: str) -> None:
        self.owner = owner
        self.attribute = name
        _REGISTRY.append(self)

    @overload
    def __get__(self, instance: None, owner: type | None = None, /) -> EncryptedText: ...
    @overload
    def __get__(self, instance: models.Model, owner: type | None = None, /) -> str: ...
    def __get__(
        self, instance: models.Model | None, owner: type | None = None, /
    ) -> EncryptedText | str:
        if instance is None:
            return self
        token = getattr(instance, self.column)
        if not token:
            return ""
        return decrypt_text(token, aad=self.aad(instance))

    def __set__(self, instance: models.Model, value: str | None, /) -> None:
        if value is not None and not isinstance(value, str):
            raise TypeError(f"{self.attribute} takes text, not {type(value).__name__}")
        setattr(instance, self.column, encrypt_text(value or "", aad=self.aad(instance)))

    def aad(self, instance: models.Model) -> str:
        """``"<db_table>|<attribute>|<pk>"`` of the row; the table is the one holding the column
        (for a proxy or a child model, the concrete parent's)."""
        if instance.pk is None:
            raise MissingPrimaryKeyError(
                f"{type(instance).__name__}.{self.attribute} needs the row's primary key before "
                "a value is assigned (it is part of the encryption's associated data): give the "
                "model a UUID primary key with default=uuid.uuid4, or save the row first"
            )
        table_model = self.table_model(type(instance))
        pk_field = table_model._meta.pk
        assert pk_field is not None  # noqa: S101  # concrete models always have one
        return _aad(table_model._meta.db_table, self.attribute, pk_field.to_python(instance.pk))

    def table_model(self, model: type[models.Model]) -> type[models.Model]:
        try:
            column = model._meta.get_field(self.column)
        except FieldDoesNotExist:
            raise ImproperlyConfigured(
                f"{model.__name__}.{self.attribute} = EncryptedText({self.column!r}) needs a "
                f"field {self.column} = models.TextField(blank=True, editable=False)"
            ) from None
        table_model = column.model
        assert isinstance(table_model, type)  # noqa: S101  # a concrete field's model
        return table_model


def _aad(table: str, attribute: str, pk: object) -> str:
    return f"{table}|{attribute}|{pk}"


def encrypted_columns(*, app_registry: Apps | None = None) -> list[EncryptedColumn]:
    """Every `EncryptedText` of the installed models (of `app_registry`, default: the project's),
    as the concrete model whose table holds the column."""
    registry = app_registry or django_apps
    found: dict[tuple[type[models.Model], str], EncryptedColumn] = {}
    for model in registry.get_models():
        if model._meta.abstract:
            continue
        for descriptor in _REGISTRY:
            owner = descriptor.owner
            if owner is None or not issubclass(model, owner):
                continue
            if getattr_static(model, descriptor.attribute, None) is not descriptor:
                continue  # overridden in a subclass
            table_model = descriptor.table_model(model)
            found.setdefault(
                (table_model, descriptor.attribute),
                EncryptedColumn(table_model, descriptor.attribute, descriptor.column),
            )
    return sorted(found.values(), key=lambda column: (column.label, column.attribute))


# --- Rotation -------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Target:
    """A table to rewrite: a model's own rows or the copies in its historical model."""

    model: type[models.Model]
    column: str
    attribute: str
    base_table: str  # the aad names the base model's table, even for historical rows
    origin_pk: str  # attname, on `model`, of the base row's primary key
    pk_field: models.Field[Any, Any]

    @property
    def label(self) -> str:
        return f"{self.model._meta.db_table}.{self.column}"

    def aad(self, origin_pk: object) -> str:
        return _aad(self.base_table, self.attribute, self.pk_field.to_python(origin_pk))

    def values(self) -> models.QuerySet[Any]:
        return (
            self.model._base_manager.exclude(**{f"{self.column}__isnull": True})
            .exclude(**{self.column: ""})
            .order_by("pk")
        )

    def not_on(self, key_id: str) -> models.QuerySet[Any]:
        return self.values().exclude(**{f"{self.column}__startswith": f"v1.{key_id}."})

    def on(self, key_id: str) -> models.QuerySet[Any]:
        return self.values().filter(**{f"{self.column}__startswith": f"v1.{key_id}."})


def _history_model(model: type[models.Model]) -> type[models.Model] | None:
    manager_name = getattr(model._meta, "simple_history_manager_attribute", None)
    if not manager_name:
        return None
    history_model: type[models.Model] = getattr(model, manager_name).model
    return history_model


def _targets(columns: Iterable[EncryptedColumn]) -> list[_Target]:
    targets = []
    for column in columns:
        base = column.model
        pk_field = base._meta.pk
        assert pk_field is not None  # noqa: S101  # concrete models always have one
        table = base._meta.db_table
        targets.append(
            _Target(base, column.column, column.attribute, table, pk_field.attname, pk_field)
        )
        history = _history_model(base)
        if history is None:
            continue
        try:
            history._meta.get_field(column.column)
            # simple_history copies the primary key as a plain field of the same name.
            origin_field = history._meta.get_field(pk_field.name)
        except FieldDoesNotExist:
            continue  # the column is excluded from history
        if not isinstance(origin_field, models.Field):
            continue
        origin_pk = origin_field.attname
        targets.append(
            _Target(history, column.column, column.attribute, table, origin_pk, pk_field)
        )
    return targets


@dataclass
class RotationReport:
    """What `rotate`, `reencrypt` or `retire_key` did (or, with `dry_run`, would do).

    `counts`: column label (``table.column``) -> values re-encrypted. `ring_json` is set when
    the ring came from the environment: the operator must store it (it holds every key)."""

    current_key_id: str
    counts: dict[str, int] = field(default_factory=dict)
    dry_run: bool = False
    new_key_id: str | None = None
    retired_key_id: str | None = None
    ring_written_to: Path | None = None
    ring_json: str | None = field(default=None, repr=False)
    messages: list[str] = field(default_factory=list)

    @property
    def total(self) -> int:
        return sum(self.counts.values())


def _fresh_ring() -> KeyRing:
    """The ring as stored now (not a cached copy that another process may have rotated)."""
    reset_keyring_cache()
    return get_keyring()


@contextlib.contextmanager
def _ring_change() -> Iterator[KeyRing]:
    """The ring as stored now, held against a concurrent rotate-keys: two rotations writing the
    same file would each re-encrypt values with a key that the other one then overwrites."""
    ring = _fresh_ring()
    if not ring.writable or ring.path is None:
        yield ring
        return
    lock_path = ring.path.with_name(ring.path.name + ".lock")
    fd = os.open(lock_path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise KeyRingError(
                f"another rotate-keys is changing {ring.path}; run it again once that one ends"
            ) from None
        yield _fresh_ring()
    finally:
        os.close(fd)  # releases the lock


def _not_written_message(ring: KeyRing) -> str:
    return (
        f"The key ring comes from {ring.source}, which hrmonitor does not write. Store the new "
        "key ring printed below in your secrets manager in place of the current one (it "
        "contains every key: do not paste it anywhere else)."
    )


def rotate(
    *,
    new_key_id: str | None = None,
    progress: Progress | None = None,
    dry_run: bool = False,
    columns: Iterable[EncryptedColumn] | None = None,
) -> RotationReport:
    """Add a fresh key, make it current and re-encrypt every encrypted column with it.

    The ring is written (atomically, mode 0600) *before* any value is re-encrypted, so a crash
    never leaves values under a key that was not stored; `reencrypt` finishes an interrupted
    run. A ring from the environment is not written: the report carries the new ring for the
    operator, and nothing is re-encrypted yet — values under a key that the other processes do
    not have (or that was never stored) would be unreadable. Once the new ring is deployed,
    `reencrypt` (``rotate-keys --reencrypt-only``) moves the values to it.
    """
    with _ring_change() as ring:
        return _rotate(ring, new_key_id, progress, dry_run, columns)


def _rotate(
    ring: KeyRing,
    new_key_id: str | None,
    progress: Progress | None,
    dry_run: bool,
    columns: Iterable[EncryptedColumn] | None,
) -> RotationReport:
    new_ring = ring.with_new_key(new_key_id)
    targets = _targets(encrypted_columns() if columns is None else columns)
    report = RotationReport(current_key_id=ring.current, new_key_id=new_ring.current)
    if dry_run:
        report.dry_run = True
        report.counts = {target.label: target.values().count() for target in targets}
        report.messages.append(
            f"Would add key {new_ring.current!r}, make it current and re-encrypt "
            f"{report.total} value(s)."
        )
        if not ring.writable:
            report.messages.append(
                f"The key ring comes from {ring.source}: the new ring would be printed for the "
                "secrets manager, and the values re-encrypted by a later --reencrypt-only run."
            )
        return report
    if not ring.writable:
        report.ring_json = new_ring.to_json()
        report.messages += [
            _not_written_message(ring),
            "Then restart every hrmonitor process (web and workers) so that they use the new "
            f"ring, and run `hrmonitor rotate-keys --reencrypt-only` to move every value to "
            f"{new_ring.current!r}. Nothing has been re-encrypted yet.",
        ]
        return report
    assert ring.path is not None  # noqa: S101  # writable rings have a path
    _write_ring_file(ring.path, new_ring.to_json(), replace=True)
    reset_keyring_cache()
    report.ring_written_to = ring.path
    report.current_key_id = new_ring.current
    report.counts = _reencrypt_targets(new_ring, targets, progress)
    report.messages.append(
        f"Key {new_ring.current!r} is current; {report.total} value(s) re-encrypted. Old keys "
        f"stay in {ring.path} for backups; back the file up again now."
    )
    return report


def reencrypt(
    *,
    progress: Progress | None = None,
    dry_run: bool = False,
    columns: Iterable[EncryptedColumn] | None = None,
) -> RotationReport:
    """Re-encrypt every value that is not on the current key (after an interrupted rotation, or
    after deploying a rotated ring from the secrets manager). Idempotent."""
    with _ring_change() as ring:
        targets = _targets(encrypted_columns() if columns is None else columns)
        report = RotationReport(current_key_id=ring.current, dry_run=dry_run)
        if dry_run:
            report.counts = {t.label: t.not_on(ring.current).count() for t in targets}
            report.messages.append(
                f"Would re-encrypt {report.total} value(s) with the current key {ring.current!r}."
            )
            return report
        report.counts = _reencrypt_targets(ring, targets, progress)
        report.messages.append(
            f"{report.total} value(s) re-encrypted with the current key {ring.current!r}."
        )
        return report


def _reencrypt_targets(
    ring: KeyRing, targets: list[_Target], progress: Progress | None, batch_size: int = 500
) -> dict[str, int]:
    todo = sum(target.not_on(ring.current).count() for target in targets)
    done = 0
    counts: dict[str, int] = {}
    for target in targets:
        counts[target.label] = 0
        last_pk: object = None
        while True:
            rewritten, seen, last_pk = _reencrypt_batch(ring, target, last_pk, batch_size)
            if not seen:
                break
            counts[target.label] += rewritten
            done += seen
            if progress is not None:
                progress(100 * done / max(todo, 1), f"{target.label}: {counts[target.label]}")
    return counts


@sensitive_variables()
@transaction.atomic
def _reencrypt_batch(
    ring: KeyRing, target: _Target, after_pk: object, batch_size: int
) -> tuple[int, int, object]:
    """One batch in one transaction; returns (rewritten, rows seen, last pk seen)."""
    rows = target.not_on(ring.current)
    if after_pk is not None:
        rows = rows.filter(pk__gt=after_pk)
    batch = list(
        rows.select_for_update().values_list("pk", target.origin_pk, target.column)[:batch_size]
    )
    rewritten = 0
    for pk, origin_pk, token in batch:
        aad = target.aad(origin_pk)
        try:
            key_id, blob = _parse(token)
            if key_id not in ring.keys:
                raise DecryptionError(f"key {key_id!r} is not in {ring.source}")
            new_token = _seal(ring, _unseal(ring.keys[key_id], key_id, blob, aad), aad)
        except DecryptionError as exc:
            raise RotationError(f"{target.label}, row {pk}: {exc}") from None
        # Only if unchanged since read: a concurrent edit has already written a fresh token.
        rewritten += target.model._base_manager.filter(pk=pk, **{target.column: token}).update(
            **{target.column: new_token}
        )
    return rewritten, len(batch), batch[-1][0] if batch else after_pk


KeyUsageCounter = Callable[[str], Mapping[str, int]]
_USAGE_COUNTERS: list[KeyUsageCounter] = []


def register_key_usage_counter(counter: KeyUsageCounter) -> KeyUsageCounter:
    """Declare values encrypted outside `EncryptedText` columns (files in storage, written with
    `encrypt_file`): ``counter(key_id) -> {label: count}``. `retire_key` refuses to remove a key
    while any counter reports a use. (Rotation does not rewrite such values: their owner does.)
    Usable as a decorator."""
    _USAGE_COUNTERS.append(counter)
    return counter


def token_key_id(token: str | bytes) -> str | None:
    """The key id of a token (or of the first bytes of an encrypted file), or None."""
    head = token[:40].decode("ascii", "replace") if isinstance(token, bytes) else token[:40]
    match = re.match(r"v1\.([A-Za-z0-9_-]{1,32})\.", head)
    return match.group(1) if match else None


def key_usage(key_id: str, *, columns: Iterable[EncryptedColumn] | None = None) -> dict[str, int]:
    """Label -> number of values encrypted with `key_id`: every encrypted column, history tables
    included, and (for the whole project, `columns=None`) the registered usage counters."""
    targets = _targets(encrypted_columns() if columns is None else columns)
    usage = {target.label: target.on(key_id).count() for target in targets}
    if columns is None:
        for counter in _USAGE_COUNTERS:
            usage.update(counter(key_id))
    return {label: count for label, count in usage.items() if count}


def retire_key(
    key_id: str,
    *,
    dry_run: bool = False,
    columns: Iterable[EncryptedColumn] | None = None,
) -> RotationReport:
    """Remove `key_id` from the ring; refused (KeyInUseError) while it is current or any value,
    current or historical, still uses it."""
    with _ring_change() as ring:
        new_ring = ring.without_key(key_id)
        usage = key_usage(key_id, columns=columns)
        if usage:
            listing = ", ".join(f"{label}: {count}" for label, count in sorted(usage.items()))
            raise KeyInUseError(
                f"key {key_id!r} still encrypts {sum(usage.values())} value(s) ({listing}); run "
                "`hrmonitor rotate-keys --reencrypt-only` first",
                usage,
            )
        report = RotationReport(current_key_id=ring.current, retired_key_id=key_id, dry_run=dry_run)
        if dry_run:
            report.messages.append(f"No value uses key {key_id!r}; it can be retired.")
            return report
        warning = (
            f"Backups made while {key_id!r} was in use can only be restored with it: keep a "
            "copy of the old key ring with those backups, offline."
        )
        if ring.writable:
            assert ring.path is not None  # noqa: S101  # writable rings have a path
            _write_ring_file(ring.path, new_ring.to_json(), replace=True)
            reset_keyring_cache()
            report.ring_written_to = ring.path
            report.messages += [f"Key {key_id!r} removed from {ring.path}.", warning]
        else:
            report.ring_json = new_ring.to_json()
            report.messages += [_not_written_message(ring), warning]
        return report
