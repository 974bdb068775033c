"""The OpenRosa 1.0 protocol as ODK Collect, KoboCollect and Enketo speak it: HTTP Digest
authentication (RFC 7616 with MD5 and qop=auth, which Collect uses over plain http), the
formList and manifest documents, the OpenRosaResponse body, and reading a submitted instance.

Pure functions; no database. XML input is parsed with defusedxml only.
https://docs.getodk.org/openrosa/"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from defusedxml import ElementTree as SafeET
from django.conf import settings
from django.utils.html import escape

OPENROSA_VERSION = "1.0"
XFORMS_LIST_NS = "http://openrosa.org/xforms/xformsList"
MANIFEST_NS = "http://openrosa.org/xforms/xformsManifest"
RESPONSE_NS = "http://openrosa.org/http/response"
# How long a Digest nonce is accepted (Collect reuses one for a whole session of sends).
NONCE_LIFETIME_SECONDS = 3600


def realm() -> str:
    return str(getattr(settings, "HRMONITOR_OPENROSA_REALM", "hrmonitor"))


def _md5(text: str) -> str:
    return hashlib.md5(text.encode(), usedforsecurity=False).hexdigest()


def digest_ha1(username: str, password: str, realm_name: str | None = None) -> str:
    """HA1 = MD5(username:realm:password), what a server keeps to check Digest responses."""
    return _md5(f"{username}:{realm_name or realm()}:{password}")


# --- Digest authentication ---------------------------------------------------------------------


def _nonce_signature(timestamp: str, secret: str) -> str:
    return hmac.new(secret.encode(), timestamp.encode(), hashlib.sha256).hexdigest()[:32]


def make_nonce(secret: str, now: float | None = None) -> str:
    """A stateless nonce: its creation time and an HMAC of it, so no server storage is needed
    and any web process can check it."""
    timestamp = str(int(now if now is not None else time.time()))
    raw = f"{timestamp}:{_nonce_signature(timestamp, secret)}"
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def nonce_state(nonce: str, secret: str, now: float | None = None) -> str:
    """'valid', 'stale' (ours but expired: the client retries with a new one) or 'invalid'."""
    try:
        padded = nonce + "=" * (-len(nonce) % 4)
        timestamp, signature = base64.urlsafe_b64decode(padded).decode().split(":", 1)
        issued = int(timestamp)
    except ValueError:
        return "invalid"
    if not hmac.compare_digest(signature, _nonce_signature(timestamp, secret)):
        return "invalid"
    age = (now if now is not None else time.time()) - issued
    if age < -60:
        return "invalid"
    return "valid" if age <= NONCE_LIFETIME_SECONDS else "stale"


def digest_challenge(secret: str, *, stale: bool = False) -> str:
    header = (
        f'Digest realm="{realm()}", qop="auth", algorithm=MD5, '
        f'nonce="{make_nonce(secret)}", opaque="{_md5(realm())}"'
    )
    return header + (", stale=TRUE" if stale else "")


_PARAM = re.compile(r'(\w+)=(?:"((?:[^"\\]|\\.)*)"|([^,\s]+))')


def parse_digest(header: str) -> dict[str, str] | None:
    """The parameters of an `Authorization: Digest …` header, or None if it is not one."""
    scheme, _, rest = header.partition(" ")
    if scheme.lower() != "digest":
        return None
    return {
        m.group(1).lower(): m.group(2) if m.group(2) is not None else m.group(3)
        for m in _PARAM.finditer(rest)
    }


def digest_response(params: dict[str, str], ha1: str, method: str) -> str:
    """The response a client holding `ha1` must send for these parameters (RFC 7616, MD5)."""
    ha2 = _md5(f"{method}:{params.get('uri', '')}")
    if params.get("qop"):
        return _md5(
            f"{ha1}:{params.get('nonce', '')}:{params.get('nc', '')}:{params.get('cnonce', '')}:"
            f"{params['qop']}:{ha2}"
        )
    return _md5(f"{ha1}:{params.get('nonce', '')}:{ha2}")


def digest_authorization(
    username: str,
    password: str,
    challenge: str,
    method: str,
    uri: str,
    *,
    nc: int = 1,
    cnonce: str = "0a4f113b",
) -> str:
    """The Authorization header a client sends in answer to `challenge` (tests, the benchmark)."""
    params = parse_digest(challenge) or {}
    answer = {
        "username": username,
        "realm": params.get("realm", realm()),
        "nonce": params["nonce"],
        "uri": uri,
        "qop": "auth",
        "nc": f"{nc:08x}",
        "cnonce": cnonce,
        "opaque": params.get("opaque", ""),
    }
    answer["response"] = digest_response(
        answer, digest_ha1(username, password, answer["realm"]), method
    )
    fields = ", ".join(
        f"{k}={v}" if k in {"qop", "nc"} else f'{k}="{v}"' for k, v in answer.items()
    )
    return f"Digest {fields}, algorithm=MD5"


# --- Documents the server sends -------------------------------------------------------------


@dataclass(frozen=True)
class FormListEntry:
    form_id: str
    name: str
    version: str
    md5: str
    download_url: str
    manifest_url: str | None = None
    description: str = ""


def form_list_xml(entries: Iterable[FormListEntry], *, verbose: bool = False) -> str:
    """The OpenRosa `xforms` list (https://docs.getodk.org/openrosa-form-list/)."""
    parts = [f'<?xml version="1.0" encoding="UTF-8"?>\n<xforms xmlns="{XFORMS_LIST_NS}">']
    for e in entries:
        parts.append("<xform>")
        parts.append(f"<formID>{escape(e.form_id)}</formID>")
        parts.append(f"<name>{escape(e.name)}</name>")
        parts.append(f"<version>{escape(e.version)}</version>")
        parts.append(f"<hash>md5:{e.md5}</hash>")
        if verbose and e.description:
            parts.append(f"<descriptionText>{escape(e.description)}</descriptionText>")
        parts.append(f"<downloadUrl>{escape(e.download_url)}</downloadUrl>")
        if e.manifest_url:
            parts.append(f"<manifestUrl>{escape(e.manifest_url)}</manifestUrl>")
        parts.append("</xform>")
    parts.append("</xforms>")
    return "".join(parts)


@dataclass(frozen=True)
class MediaEntry:
    filename: str
    md5: str
    download_url: str


def manifest_xml(entries: Iterable[MediaEntry]) -> str:
    parts = [f'<?xml version="1.0" encoding="UTF-8"?>\n<manifest xmlns="{MANIFEST_NS}">']
    for e in entries:
        parts.append(
            f"<mediaFile><filename>{escape(e.filename)}</filename><hash>md5:{e.md5}</hash>"
            f"<downloadUrl>{escape(e.download_url)}</downloadUrl></mediaFile>"
        )
    parts.append("</manifest>")
    return "".join(parts)


def response_xml(message: str, nature: str = "submit_success") -> str:
    """The `OpenRosaResponse` body; Collect shows `message` to the monitor."""
    return (
        f'<?xml version="1.0" encoding="UTF-8"?>\n<OpenRosaResponse xmlns="{RESPONSE_NS}">'
        f'<message nature="{escape(nature)}">{escape(message)}</message></OpenRosaResponse>'
    )


# --- Reading a submitted instance -----------------------------------------------------------


class InstanceError(ValueError):
    """The submission is not a readable XForm instance; `code` names why."""

    def __init__(self, code: str, detail: str = "") -> None:
        super().__init__(detail or code)
        self.code = code
        self.detail = detail


@dataclass
class Instance:
    """What the server needs from an instance before it knows the form's fields."""

    form_id: str
    version: str
    instance_id: str
    deprecated_id: str
    root: Any = field(repr=False)


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def read_instance(xml: bytes) -> Instance:
    """Parse (defusedxml: no entities, no DTD) and read the form ID, version and meta IDs."""
    if not xml.strip():
        raise InstanceError("empty")
    try:
        root = SafeET.fromstring(xml, forbid_dtd=True)
    except SafeET.ParseError as exc:
        raise InstanceError("not_xml", str(exc)) from exc
    except Exception as exc:  # defusedxml refuses entities and DTDs with its own errors
        raise InstanceError("forbidden_xml", type(exc).__name__) from exc
    form_id = root.get("id") or ""
    if not form_id:
        raise InstanceError("no_form_id")
    meta = next((c for c in root if _local(c.tag) == "meta"), None)
    instance_id = deprecated_id = ""
    if meta is not None:
        for child in meta:
            name = _local(child.tag)
            if name == "instanceID":
                instance_id = (child.text or "").strip()
            elif name == "deprecatedID":
                deprecated_id = (child.text or "").strip()
    if not instance_id:
        raise InstanceError("no_instance_id")
    return Instance(
        form_id=form_id,
        version=root.get("version") or "",
        instance_id=instance_id,
        deprecated_id=deprecated_id,
        root=root,
    )


def instance_answers(root: Any, repeats: frozenset[str]) -> dict[str, Any]:
    """The answers of an instance as {path: text}, where a path is the element names below the
    root joined by "/" ("group/question"). A repeat (its path in `repeats`) becomes a list of
    such dicts, one per occurrence, with paths relative to the root too. `meta` is skipped."""

    def walk(element: Any, prefix: str, out: dict[str, Any]) -> None:
        for child in element:
            name = _local(child.tag)
            path = f"{prefix}{name}"
            if not prefix and name == "meta":
                continue
            if path in repeats:
                row: dict[str, Any] = {}
                walk(child, path + "/", row)
                out.setdefault(path, []).append(row)
            elif len(child):
                walk(child, path + "/", out)
            else:
                text = child.text
                if text is not None and text.strip() != "":
                    out[path] = text.strip()

    answers: dict[str, Any] = {}
    walk(root, "", answers)
    return answers


def attachment_names(answers: dict[str, Any], binary_paths: frozenset[str]) -> set[str]:
    """The file names the instance refers to in its binary (image, audio, file…) questions."""
    names: set[str] = set()

    def collect(values: dict[str, Any]) -> None:
        for path, value in values.items():
            if isinstance(value, list):
                for row in value:
                    collect(row)
            elif path in binary_paths and value:
                names.add(str(value))

    collect(answers)
    return names


def build_instance(
    form_id: str,
    version: str,
    answers: dict[str, Any],
    instance_id: str,
    *,
    root: str = "data",
    deprecated_id: str = "",
) -> bytes:
    """An instance as a client would send it, from {path: value} answers (a repeat: a list
    of such dicts). Used by the demo data, the benchmark and tests; elements appear in the
    order of `answers`."""

    def tree(values: dict[str, Any], prefix: str) -> dict[str, Any]:
        nested: dict[str, Any] = {}
        for path, value in values.items():
            parts = path[len(prefix) :].split("/") if path.startswith(prefix) else [path]
            node = nested
            for part in parts[:-1]:
                node = node.setdefault(part, {})
            if isinstance(value, list):
                node[parts[-1]] = [tree(row, path + "/") for row in value]
            else:
                node[parts[-1]] = value
        return nested

    def render(node: dict[str, Any]) -> str:
        out: list[str] = []
        for name, value in node.items():
            if isinstance(value, list):
                out.extend(f"<{name}>{render(row)}</{name}>" for row in value)
            elif isinstance(value, dict):
                out.append(f"<{name}>{render(value)}</{name}>")
            else:
                out.append(f"<{name}>{escape(str(value))}</{name}>")
        return "".join(out)

    meta = f"<instanceID>{escape(instance_id)}</instanceID>"
    if deprecated_id:
        meta = f"<deprecatedID>{escape(deprecated_id)}</deprecatedID>" + meta
    return (
        f'<?xml version="1.0"?><{root} xmlns:jr="http://openrosa.org/javarosa" '
        f'xmlns:orx="http://openrosa.org/xforms" id="{escape(form_id)}" '
        f'version="{escape(version)}">{render(tree(answers, ""))}<meta>{meta}</meta></{root}>'
    ).encode()
