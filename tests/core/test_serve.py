"""`hrmonitor init` + `hrmonitor serve` as `make run` uses them: a real gunicorn and worker."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request

import pytest

pytestmark = pytest.mark.slow


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_init_then_serve_answers_on_the_port_given_by_PORT(tmp_path):
    env = {
        **os.environ,
        "HRMONITOR_VAR_DIR": str(tmp_path),
        "PORT": str(free_port()),
        "DJANGO_SETTINGS_MODULE": "hrmonitor.settings",
    }
    env.pop("DATABASE_URL", None)  # the embedded default: SQLite in the var directory
    command = [sys.executable, "-m", "hrmonitor.cli"]
    subprocess.run([*command, "init", "-v", "0"], env=env, check=True, timeout=120)  # noqa: S603
    server = subprocess.Popen(  # noqa: S603
        [*command, "serve"], env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT
    )
    try:
        url = f"http://127.0.0.1:{env['PORT']}/"
        deadline = time.monotonic() + 30
        while True:
            try:
                with urllib.request.urlopen(url, timeout=5) as response:  # noqa: S310
                    body = response.read().decode()
                    break
            except OSError:
                if time.monotonic() > deadline or server.poll() is not None:
                    raise
                time.sleep(0.3)
        assert response.status == 200
        assert body.count('"map_name"') == 29
        assert (tmp_path / "hrmonitor.sqlite3").exists()
        assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=20)
    # Both the web server and the worker stopped with the command.
    assert server.returncode is not None
