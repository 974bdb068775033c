"""Benchmark: response times of the foundation's public pages and API lists.

Builds a throw-away SQLite database in a temporary directory (as `make run` would), loads the
reference data, then times each URL through Django's test client (the full middleware stack,
templates and queries; no network). Prints `BENCH pages.<name>_p95.sqlite <ms> ms` lines.
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

RUNS = 200
URLS = {
    "home": "/",
    "framework": "/framework/",
    "countries": "/countries/",
    "api_countries": "/api/v1/countries",
    "api_objectives": "/api/v1/framework/objectives",
}


def main() -> None:
    with tempfile.TemporaryDirectory() as var:
        os.environ["HRMONITOR_VAR_DIR"] = var
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hrmonitor.settings")
        import django

        django.setup()
        from django.core.management import call_command
        from django.test import Client
        from django.test.utils import setup_test_environment

        setup_test_environment()
        call_command("init", verbosity=0)
        client = Client()
        for name, url in URLS.items():
            client.get(url)  # warm caches and templates
            timings = []
            for _ in range(RUNS):
                start = time.perf_counter()
                response = client.get(url)
                timings.append((time.perf_counter() - start) * 1000)
                assert response.status_code == 200, (url, response.status_code)
            p50 = statistics.median(timings)
            p95 = statistics.quantiles(timings, n=20)[18]
            print(f"# {url}: p50 {p50:.1f} ms over {RUNS} requests")
            print(f"BENCH pages.{name}_p95.sqlite {p95:.1f} ms")


if __name__ == "__main__":
    main()
