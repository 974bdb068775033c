"""Browser tests: Playwright driving Debian's chromium against the live test server.

No browser is downloaded: Playwright launches /usr/bin/chromium (Debian package `chromium`,
installed by .ci/run). Without it these tests fail loudly rather than skip, so CI cannot pass
with the browser tests silently missing.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import struct
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlparse

import pytest

# Playwright's sync API runs an event loop in this thread; Django would refuse database access
# from such a thread. The test thread is only a test driver, so this is safe here.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("HRMONITOR_CHROMIUM", "/usr/bin/chromium")
LOCAL_HOSTS = {"127.0.0.1", "localhost"}


@pytest.fixture(autouse=True)
def _reference_data(committed_reference_data: None) -> None:
    """Browser tests use real transactions; see tests/conftest.py."""


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: install Debian's chromium package (see .ci/run)")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
                "--disable-quic",
            ],
        )
        yield browser
        browser.close()


class Requests(list[str]):
    def outside(self) -> list[str]:
        return [
            url
            for url in self
            if urlparse(url).hostname not in LOCAL_HOSTS and not url.startswith("data:")
        ]


@pytest.fixture
def requests_seen() -> Requests:
    return Requests()


@pytest.fixture
def page(browser, live_server, requests_seen, tmp_path):  # type: ignore[no-untyped-def]
    context = browser.new_context(locale="en-GB", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.on("request", lambda request: requests_seen.append(request.url))
    page.set_default_timeout(15000)
    page.base_url = live_server.url  # type: ignore[attr-defined]
    yield page
    context.close()


def totp_now(secret: str, *, step: int = 30, digits: int = 6) -> str:
    """RFC 6238 TOTP, what an authenticator app shows for `secret` (base32) right now."""
    key = base64.b32decode(secret.upper() + "=" * (-len(secret) % 8))
    counter = struct.pack(">Q", int(time.time()) // step)
    digest = hmac.new(key, counter, hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    code = (struct.unpack(">I", digest[offset : offset + 4])[0] & 0x7FFFFFFF) % 10**digits
    return str(code).zfill(digits)


AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"


@pytest.fixture
def axe_page(browser, live_server):  # type: ignore[no-untyped-def]
    context = browser.new_context(bypass_csp=True, viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.base_url = live_server.url  # type: ignore[attr-defined]
    yield page
    context.close()


def serious_violations(page) -> list[str]:  # type: ignore[no-untyped-def]
    page.add_script_tag(content=AXE.read_text(encoding="utf-8"))
    result = page.evaluate(
        "async () => await axe.run(document, {runOnly: ['wcag2a', 'wcag2aa', 'best-practice']})"
    )
    return [
        f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes']][:3]}"
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]
