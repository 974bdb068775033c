"""Benchmark of the results framework at scale: 1,000,000 data values.

29 countries × 150 indicators × 10 years × 24 disaggregation rows (the total, each option of
gender, age and community, and their pairs) = 1,044,000 approved values, generated straight
into a fresh database. Then, through Django's test client (the whole stack: middleware,
queries, templates), it measures:

- the regional progress dashboard of key indicators, p50/p95 over repeated requests;
- the IPTT (every indicator × 8 years for the region), p50/p95;
- a full CSV export of every value, streamed: rows per second and the peak RSS of a separate
  process that does only the export.

SQLite always; PostgreSQL too when HRMONITOR_BENCH_PG_URL=postgres://… names an empty
database. Prints `BENCH <name> <value> <unit>` lines. Takes a few minutes.
"""

from __future__ import annotations

import gc
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

N_INDICATORS = 150
N_KEY = 10
YEARS = list(range(2016, 2026))
REPEAT = 30
GENDER = ["women", "men", "trans-diverse"]
AGE = ["under-25", "25-plus"]
COMMUNITY = ["pwud", "other"]


def disaggregation_keys() -> list[str]:
    keys = [""]
    keys += [f"gender={g}" for g in GENDER]
    keys += [f"age={a}" for a in AGE]
    keys += [f"community={c}" for c in COMMUNITY]
    keys += [f"age={a};gender={g}" for g in GENDER for a in AGE]
    keys += [f"community={c};gender={g}" for g in GENDER for c in COMMUNITY]
    keys += [f"age={a};community={c}" for a in AGE for c in COMMUNITY]
    return keys


def setup_django(database_url: str, var: str) -> None:
    os.environ["HRMONITOR_VAR_DIR"] = var
    os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hrmonitor.settings")
    import django

    django.setup()


def generate() -> int:
    """Create the bench indicators and 1,044,000 approved values with raw SQL inserts."""
    from django.db import connection, transaction
    from django.utils import timezone

    from hrmonitor.core.models import Country
    from hrmonitor.framework.models import DataValue, Disaggregation, Indicator, Objective

    objective = Objective.objects.get(code="SO1")
    categories = list(Disaggregation.objects.all())
    indicators = []
    for n in range(1, N_INDICATORS + 1):
        indicators.append(
            Indicator(
                objective=objective,
                code=f"BENCH.I{n:03d}",
                order=100 + n,
                name=f"Bench indicator {n}",
                name_en=f"Bench indicator {n}",
                unit="number",
                level="country",
                space_aggregation="sum",
                is_key=n <= N_KEY,
            )
        )
    Indicator.objects.bulk_create(indicators)
    indicators = list(Indicator.objects.filter(code__startswith="BENCH."))
    Indicator.disaggregations.through.objects.bulk_create(
        [
            Indicator.disaggregations.through(indicator_id=i.pk, disaggregation_id=c.pk)
            for i in indicators
            for c in categories
        ]
    )
    countries = list(Country.objects.values_list("pk", flat=True))
    keys = disaggregation_keys()
    table = DataValue._meta.db_table
    columns = (
        "indicator_id, country_id, period, disaggregation, value, comment, status, "
        "review_comment, created_at, updated_at, approved_at"
    )
    placeholder = ", ".join(["%s"] * 11)
    sql = f"INSERT INTO {table} ({columns}) VALUES ({placeholder})"  # noqa: S608 - our own names
    now = timezone.now()
    total = 0
    with transaction.atomic(), connection.cursor() as cursor:
        for indicator in indicators:
            batch = []
            for country in countries:
                for year in YEARS:
                    base = (indicator.pk * 7 + country * 3 + year) % 97 + 10
                    for position, key in enumerate(keys):
                        value = base if not key else base // (2 + position % 3)
                        batch.append(
                            (
                                indicator.pk,
                                country,
                                str(year),
                                key,
                                value,
                                "",
                                "approved",
                                "",
                                now,
                                now,
                                now,
                            )
                        )
            cursor.executemany(sql, batch)
            total += len(batch)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"ANALYZE {table}")
        else:
            cursor.execute("ANALYZE")
            # Fold the write-ahead log into the database, as SQLite does in normal use.
            cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return total


def timings(client: object, url: str) -> tuple[float, float]:
    client.get(url)  # type: ignore[attr-defined]
    # As the WSGI entry point does (hrmonitor/wsgi.py): long-lived objects out of the
    # collector's scans.
    gc.collect()
    gc.freeze()
    samples = []
    for _ in range(REPEAT):
        start = time.perf_counter()
        response = client.get(url)  # type: ignore[attr-defined]
        samples.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, (url, response.status_code)
    return statistics.median(samples), statistics.quantiles(samples, n=20)[18]


def export_only(database_url: str, var: str) -> None:
    """Run in a child process: stream the CSV of every value and report rows/s and RSS."""
    setup_django(database_url, var)
    from django.test import Client
    from django.test.utils import setup_test_environment

    setup_test_environment()
    client = Client()
    start = time.perf_counter()
    response = client.get("/framework/values.csv")
    rows = -1  # the header
    for chunk in response.streaming_content:
        rows += chunk.count(b"\n")
    elapsed = time.perf_counter() - start
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"EXPORT {rows} {elapsed:.3f} {peak_mb:.1f}")


def run(database_url: str, label: str, var: str) -> None:
    setup_django(database_url, var)
    from django.core.management import call_command
    from django.test import Client
    from django.test.utils import setup_test_environment

    setup_test_environment()
    call_command("init", verbosity=0)
    start = time.perf_counter()
    generated = generate()
    print(f"# {label}: generated {generated:,} values in {time.perf_counter() - start:.0f} s")
    client = Client()
    p50, p95 = timings(client, "/framework/dashboard/")
    print(f"# {label}: dashboard p50 {p50:.1f} ms")
    print(f"BENCH framework.dashboard_p95.{label} {p95:.1f} ms")
    p50, p95 = timings(client, "/framework/iptt/")
    print(f"# {label}: IPTT (region, first page of 167 indicators) p50 {p50:.1f} ms")
    print(f"BENCH framework.iptt_p95.{label} {p95:.1f} ms")
    child = subprocess.run(  # noqa: S603 - our own interpreter and script
        [sys.executable, __file__, "--export-only", database_url, var],
        capture_output=True,
        text=True,
        check=True,
    )
    line = next(x for x in child.stdout.splitlines() if x.startswith("EXPORT "))
    _tag, rows, seconds, peak = line.split()
    print(f"# {label}: exported {int(rows):,} rows in {float(seconds):.1f} s")
    print(f"BENCH framework.export_rows_per_s.{label} {int(rows) / float(seconds):.0f} rows/s")
    print(f"BENCH framework.export_peak_rss.{label} {float(peak):.0f} MB")


def main() -> None:
    if len(sys.argv) == 4 and sys.argv[1] == "--export-only":
        export_only(sys.argv[2], sys.argv[3])
        return
    if len(sys.argv) == 3 and sys.argv[1] == "--run":
        label, url = sys.argv[2].split("=", 1)
        with tempfile.TemporaryDirectory() as var:
            run(url, label, var)
        return
    targets = []
    with tempfile.TemporaryDirectory() as var:
        targets.append(("sqlite", f"sqlite:///{var}/bench.sqlite3"))
        pg = os.environ.get("HRMONITOR_BENCH_PG_URL")
        if pg:
            targets.append(("pg", pg))
        else:
            print("# PostgreSQL skipped: set HRMONITOR_BENCH_PG_URL=postgres://… to measure it")
        for label, url in targets:
            # Each database in its own process: Django is configured once per process.
            subprocess.run([sys.executable, __file__, "--run", f"{label}={url}"], check=True)  # noqa: S603


if __name__ == "__main__":
    main()
