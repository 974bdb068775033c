"""Fixtures of the CLM tests: a Kazakh project with a monitor, a site, an uploaded form, and a
client that speaks to the OpenRosa server as ODK Collect does (Digest, 401 first)."""

from __future__ import annotations

import itertools
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from factories import country
from hrmonitor.clm import openrosa, services
from hrmonitor.clm.models import Form, Project, ServiceSite

MONITOR_PASSWORD = "Collect-pass-2026"

SMALL_FORM = """| survey |
|        | type | name | label::English (en) | label::Russian (ru) |
|        | today | today | | |
|        | select_one_from_file sites.csv | site | Site | Пункт |
|        | select_one yn | stock | Syringes in stock? | Шприцы? |
|        | integer | wait | Waiting (minutes) | Ожидание |
|        | begin_repeat | visit | Visit | Визит |
|        | text | note | Note | Заметка |
|        | end_repeat | | | |
|        | image | photo | Photo | Фото |
| choices |
|         | list_name | name | label::English (en) | label::Russian (ru) |
|         | yn | yes | Yes | Да |
|         | yn | no | No | Нет |
| settings |
|          | form_id | version | form_title |
|          | tform | 1 | Test form |
""".encode()


def instance_xml(
    instance_id: str = "uuid:0001",
    *,
    site: str = "KZ-ALA-1",
    stock: str = "yes",
    wait: str = "10",
    photo: str = "",
    version: str = "1",
    form_id: str = "tform",
    deprecated: str = "",
    today: str = "2026-11-20",
) -> bytes:
    meta = f"<instanceID>{instance_id}</instanceID>"
    if deprecated:
        meta = f"<deprecatedID>{deprecated}</deprecatedID>" + meta
    return (
        f'<?xml version="1.0"?><data xmlns:jr="http://openrosa.org/javarosa" id="{form_id}" '
        f'version="{version}"><today>{today}</today><site>{site}</site><stock>{stock}</stock>'
        f"<wait>{wait}</wait><visit><note>first</note></visit><visit><note>second</note></visit>"
        f"<photo>{photo}</photo><meta>{meta}</meta></data>"
    ).encode()


class Collect:
    """Replays ODK Collect's HTTP exchange: a request without credentials, the 401 Digest
    challenge, the same request answered; later requests reuse the nonce with a growing nc,
    as okhttp-digest does."""

    def __init__(self, client: Client, username: str = "", password: str = "") -> None:
        self.client = client
        self.username = username
        self.password = password
        self.challenge = ""
        self.nc = itertools.count(1)

    def _auth(self, method: str, uri: str) -> dict[str, str]:
        if not self.challenge or not self.username:
            return {}
        return {
            "HTTP_AUTHORIZATION": openrosa.digest_authorization(
                self.username, self.password, self.challenge, method, uri, nc=next(self.nc)
            )
        }

    def request(self, method: str, uri: str, **kwargs: Any) -> Any:
        call = getattr(self.client, method.lower())
        headers = {"HTTP_X_OPENROSA_VERSION": "1.0", **kwargs.pop("headers", {})}
        response = call(uri, **kwargs, **headers, **self._auth(method, uri))
        if response.status_code == 401 and self.username:
            self.challenge = response["WWW-Authenticate"]
            response = call(uri, **kwargs, **headers, **self._auth(method, uri))
        return response

    def submit(self, uri: str, xml: bytes, *attachments: tuple[str, bytes]) -> Any:
        parts: dict[str, Any] = {
            "xml_submission_file": SimpleUploadedFile("submission.xml", xml, "text/xml")
        }
        for name, content in attachments:
            parts[name] = SimpleUploadedFile(name, content, "image/jpeg")
        # Collect sends HEAD first to learn the size limit, then the multipart POST.
        head = self.request("HEAD", uri)
        assert head.status_code == 204, head.content
        return self.request("POST", uri, data=parts)


@pytest.fixture
def clm_setup(personas, settings, tmp_path):  # type: ignore[no-untyped-def]
    settings.MEDIA_ROOT = tmp_path / "media"
    kz = country("KZ")
    project = Project.objects.create(name="Almaty CLM", country=kz)
    monitor = personas["community_monitor"]
    monitor.set_password(MONITOR_PASSWORD)
    monitor.save()
    project.monitors.add(monitor)
    site = ServiceSite.objects.create(
        code="KZ-ALA-1", name="Almaty NSP", kind="nsp_fixed", country=kz, locality="Almaty"
    )
    upload = services.form_upload(
        user=personas["secretariat_admin"],
        content=SMALL_FORM,
        filename="tform.md",
        projects=[project],
    )
    form = Form.objects.get(pk=upload.version.form_id)
    return {
        "project": project,
        "monitor": monitor,
        "site": site,
        "form": form,
        "admin": personas["secretariat_admin"],
    }


@pytest.fixture
def collect(client, clm_setup):  # type: ignore[no-untyped-def]
    return Collect(client, clm_setup["monitor"].username, MONITOR_PASSWORD)
