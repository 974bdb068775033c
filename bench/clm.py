"""Benchmark: OpenRosa ingest and the wide CSV export of community-led monitoring.

For each database (SQLite in a temporary directory; PostgreSQL when one can be had — see
below) it:
1. loads the reference data (`hrmonitor init`), uploads a 250-question XLSForm generated here
   and converted by pyxform, creates a project with a monitor (Digest password);
2. starts the real server (gunicorn, 2 workers × 4 threads, as `hrmonitor serve` does) on a
   free port and sends multipart POSTs with Digest authentication over keep-alive HTTP, as
   ODK Collect does: one client in sequence, then 4 concurrent clients;
3. checks that every submission was accepted (201) and stored once;
4. bulk-loads 100,000 submissions of the shipped client-experience form and times the wide
   CSV export (`hrmonitor.clm.exports`) through the same code path as the download.

Prints `BENCH clm.ingest_seq.<db> <n> submissions/s`, `BENCH clm.ingest_c4.<db> …` and
`BENCH clm.export_rows_per_s.<db> …`. Target (issue #8): ≥ 250 submissions/s with one client
on SQLite; ODK Central handles about 50–90/s on this kind of 2-core machine with such a form.

PostgreSQL: HRMONITOR_BENCH_PG_URL=postgres://… is used if set (its tables are created by
`init` and the data stays); otherwise, when run as root with Debian's PostgreSQL installed, a
throw-away cluster is started with default durability (fsync on). Else PostgreSQL is skipped.
Options: CLM_BENCH_N (sequential submissions, default 1500), CLM_BENCH_EXPORT_ROWS (100000).
"""

# A benchmark starts its own interpreter and servers and checks its own results.
# ruff: noqa: S101, S603

from __future__ import annotations

import http.client
import itertools
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

N_SEQ = int(os.environ.get("CLM_BENCH_N", "1500"))
N_C4 = 4 * (N_SEQ // 4)
EXPORT_ROWS = int(os.environ.get("CLM_BENCH_EXPORT_ROWS", "100000"))
PASSWORD = "bench-password-2026"  # noqa: S105 - a throw-away account of the benchmark
QUESTIONS = 250


def xlsform_250() -> bytes:
    """A 250-question form in XLSForm markdown: 10 groups of 25 questions of mixed types."""
    rows = [
        "| survey |",
        "| | type | name | label::English (en) | label::Russian (ru) |",
        "| | today | today | | |",
        "| | select_one_from_file sites.csv | site | Site | Пункт |",
    ]
    kinds = ["select_one lik", "integer", "text", "decimal", "select_multiple svc", "date"]
    n = 2
    for g in range(10):
        rows.append(f"| | begin_group | g{g} | Group {g} | Группа {g} |")
        for _ in range(25 if g < 9 else 23):
            rows.append(f"| | {kinds[n % len(kinds)]} | q{n} | Question {n} | Вопрос {n} |")
            n += 1
        rows.append("| | end_group | | | |")
    rows += ["| choices |", "| | list_name | name | label::English (en) | label::Russian (ru) |"]
    rows += [f"| | lik | {i} | Level {i} | Уровень {i} |" for i in range(1, 6)]
    rows += [f"| | svc | s{i} | Service {i} | Услуга {i} |" for i in range(1, 6)]
    rows += ["| settings |", "| | form_id | version |", "| | bench250 | 1 |"]
    assert n == QUESTIONS, n  # noqa: S101 - a benchmark's own check
    return "\n".join(rows).encode()


def answers_for(fields: list[dict], i: int) -> dict[str, str]:
    values = {
        "select one": "3",
        "integer": str(i % 97),
        "text": f"answer {i}",
        "decimal": "12.5",
        "select all that apply": "s1 s3",
        "date": "2026-11-20",
    }
    answers = {}
    for field in fields:
        if field["type"] == "today":
            answers[field["path"]] = "2026-11-20"
        elif field["path"] == "site":
            answers["site"] = "BENCH-1"
        elif field["type"] in values:
            answers[field["path"]] = values[field["type"]]
    return answers


def multipart(xml: bytes) -> tuple[bytes, str]:
    boundary = uuid.uuid4().hex
    body = (
        (
            f'--{boundary}\r\nContent-Disposition: form-data; name="xml_submission_file"; '
            f'filename="submission.xml"\r\nContent-Type: text/xml\r\n\r\n'
        ).encode()
        + xml
        + f"\r\n--{boundary}--\r\n".encode()
    )
    return body, f"multipart/form-data; boundary={boundary}"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Collect:
    """One ODK Collect-like client: keep-alive connection, Digest with the nonce reused and
    the nonce count growing, as okhttp-digest does."""

    def __init__(self, port: int, username: str, path: str) -> None:
        from hrmonitor.clm import openrosa

        self.openrosa = openrosa
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        self.username = username
        self.path = path
        self.nc = itertools.count(1)
        self.cnonce = uuid.uuid4().hex[:16]
        self.conn.request("HEAD", path)
        response = self.conn.getresponse()
        response.read()
        assert response.status == 401, response.status  # noqa: S101
        self.challenge = response.getheader("WWW-Authenticate") or ""

    def post(self, body: bytes, content_type: str) -> int:
        auth = self.openrosa.digest_authorization(
            self.username,
            PASSWORD,
            self.challenge,
            "POST",
            self.path,
            nc=next(self.nc),
            cnonce=self.cnonce,
        )
        self.conn.request(
            "POST",
            self.path,
            body=body,
            headers={
                "Content-Type": content_type,
                "Authorization": auth,
                "X-OpenRosa-Version": "1.0",
            },
        )
        response = self.conn.getresponse()
        response.read()
        return response.status


@contextmanager
def server(env: dict[str, str], port: int) -> Iterator[None]:
    process = subprocess.Popen(  # noqa: S603 - our own interpreter and arguments
        [
            sys.executable,
            "-m",
            "gunicorn",
            "hrmonitor.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "2",
            "--threads",
            "4",
            "--keep-alive",
            "30",
            "--log-level",
            "warning",
        ],
        env=env,
        cwd=ROOT,
    )
    try:
        for _ in range(200):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.1)
        yield
    finally:
        process.terminate()
        process.wait(timeout=20)


def run(db: str, database_url: str | None) -> None:
    var = tempfile.mkdtemp(prefix=f"clm-bench-{db}-")
    env = {
        **os.environ,
        "HRMONITOR_VAR_DIR": var,
        "DJANGO_SETTINGS_MODULE": "hrmonitor.settings",
        "PYTHONPATH": str(ROOT / "src"),
    }
    if database_url:
        env["DATABASE_URL"] = database_url
    else:
        env.pop("DATABASE_URL", None)
    setup = subprocess.run(  # noqa: S603
        [sys.executable, __file__, "--setup"],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    if setup.returncode:
        sys.exit(f"setup failed for {db}:\n{setup.stdout}\n{setup.stderr}")
    info = json.loads(setup.stdout.strip().splitlines()[-1])
    os.environ.update(
        {
            k: v
            for k, v in env.items()
            if k in {"HRMONITOR_VAR_DIR", "DATABASE_URL", "DJANGO_SETTINGS_MODULE"}
        }
    )
    if not database_url:
        os.environ.pop("DATABASE_URL", None)
    import django

    django.setup()
    from hrmonitor.clm import openrosa

    fields = info["fields"]
    bodies = []
    for i in range(N_SEQ + N_C4 + 40):
        xml = openrosa.build_instance("bench250", "1", answers_for(fields, i), f"uuid:{i:08d}")
        bodies.append(multipart(xml))
    print(
        f"# {db}: {QUESTIONS}-question form, submission {len(bodies[0][0]):,} bytes; "
        "gunicorn 2 workers x 4 threads; Digest auth"
    )
    port = free_port()
    path = f"/openrosa/projects/{info['project']}/submission"
    with server(env, port):
        client = Collect(port, info["username"], path)
        for body, ctype in bodies[:40]:  # warm-up: imports, caches, connections
            assert client.post(body, ctype) == 201  # noqa: S101
        start = time.perf_counter()
        statuses = [client.post(body, ctype) for body, ctype in bodies[40 : 40 + N_SEQ]]
        seq = N_SEQ / (time.perf_counter() - start)
        assert statuses.count(201) == N_SEQ, {s: statuses.count(s) for s in set(statuses)}  # noqa: S101
        print(f"# {db}: {N_SEQ} sequential submissions, all 201")
        print(f"BENCH clm.ingest_seq.{db} {seq:.0f} submissions/s")

        chunks = [bodies[40 + N_SEQ + k :: 4] for k in range(4)]
        results: list[list[int]] = [[] for _ in range(4)]
        clients = [Collect(port, info["username"], path) for _ in range(4)]

        def send(k: int) -> None:
            results[k] = [clients[k].post(body, ctype) for body, ctype in chunks[k]]

        threads = [threading.Thread(target=send, args=(k,)) for k in range(4)]
        start = time.perf_counter()
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        elapsed = time.perf_counter() - start
        sent = sum(len(r) for r in results)
        ok = sum(r.count(201) for r in results)
        assert ok == sent, {s: sum(r.count(s) for r in results) for s in {*sum(results, [])}}  # noqa: S101
        print(f"# {db}: {sent} submissions from 4 concurrent clients, all 201")
        print(f"BENCH clm.ingest_c4.{db} {sent / elapsed:.0f} submissions/s")
    from hrmonitor.clm.models import Submission

    stored = Submission.objects.filter(form__xml_form_id="bench250", intake="accepted").count()
    assert stored == 40 + N_SEQ + sent, stored  # noqa: S101
    if EXPORT_ROWS:
        export(db)
    if not database_url:
        shutil.rmtree(var, ignore_errors=True)


def export(db: str) -> None:
    """Bulk-load EXPORT_ROWS submissions of the shipped client-experience form (answers as the
    demo generates them) and time the wide CSV export."""
    import io
    import random

    from django.db import connection

    from hrmonitor.clm import exports, selectors
    from hrmonitor.clm.models import Form, Submission

    form = Form.objects.select_related("current_version").get(xml_form_id="clm_client_experience")
    version = form.current_version
    rng = random.Random(8)  # noqa: S311 - synthetic data
    fields = [f for f in version.fields if f.get("choices")]
    site_id = selectors.site_by_code("BENCH-1").pk
    batch = []
    start = time.perf_counter()
    for i in range(EXPORT_ROWS):
        data = {f["path"]: rng.choice(f["choices"])["name"] for f in fields}
        data["today"] = "2026-11-20"
        data["site"] = "BENCH-1"
        batch.append(
            Submission(
                form=form,
                form_version=version.version,
                instance_id=f"uuid:x{i:09d}",
                raw=b"",
                raw_sha256="",
                data=data,
                site_id=site_id,
                interview_date="2026-11-20",
            )
        )
        if len(batch) == 5000:
            Submission.objects.bulk_create(batch)
            batch = []
    Submission.objects.bulk_create(batch)
    print(
        f"# {db}: {EXPORT_ROWS:,} submissions of {form.xml_form_id} "
        f"({len(version.fields)} fields) loaded in {time.perf_counter() - start:.0f} s"
    )
    connection.close()
    queryset = selectors.current_submissions(Submission.objects.filter(form=form))
    out = io.StringIO()
    start = time.perf_counter()
    fields, _languages = exports.form_fields(form)
    rows = exports.write_wide_csv(fields, exports.submission_rows(queryset), out)
    elapsed = time.perf_counter() - start
    assert rows == EXPORT_ROWS, rows  # noqa: S101
    print(
        f"# {db}: wide CSV of {rows:,} rows, {len(out.getvalue()) / 1e6:.0f} MB, in {elapsed:.1f} s"
    )
    print(f"BENCH clm.export_rows_per_s.{db} {rows / elapsed:.0f} rows/s")


def setup() -> None:
    """In a subprocess (its own settings): init, the 250-question form, a project and a
    monitor. Prints what the benchmark needs as JSON."""
    import django

    django.setup()
    from django.core.management import call_command

    call_command("init", verbosity=0)
    from hrmonitor.clm import services
    from hrmonitor.clm.models import Project, ServiceSite
    from hrmonitor.core.models import Country, User
    from hrmonitor.core.roles import Role
    from hrmonitor.core.services import role_assign

    kz = Country.objects.get(iso2="KZ")
    ServiceSite.objects.create(code="BENCH-1", name="Bench site", kind="nsp_fixed", country=kz)
    monitor = User.objects.create(username="bench-monitor")
    monitor.set_password(PASSWORD)
    monitor.save()
    role_assign(user=monitor, role=Role.COMMUNITY_MONITOR, country=kz)
    project = Project.objects.create(name="Bench", country=kz)
    project.monitors.add(monitor)
    upload = services.form_upload(
        user=None,
        content=xlsform_250(),
        filename="bench250.md",
        projects=[project],
        check_access=False,
    )
    fields = upload.version.fields
    assert len([f for f in fields if f["type"] not in {"group"}]) == QUESTIONS  # noqa: S101
    print(json.dumps({"project": project.pk, "username": monitor.username, "fields": fields}))


@contextmanager
def throwaway_postgres() -> Iterator[str | None]:
    """A temporary PostgreSQL cluster with default durability, if this machine can make one."""
    url = os.environ.get("HRMONITOR_BENCH_PG_URL")
    if url:
        yield url
        return
    bins = sorted(Path("/usr/lib/postgresql").glob("*/bin"))
    if os.geteuid() != 0 or not bins or not shutil.which("runuser"):
        print(
            "# PostgreSQL skipped: set HRMONITOR_BENCH_PG_URL or run as root with "
            "Debian's postgresql installed"
        )
        yield None
        return
    pg = bins[-1]
    directory = tempfile.mkdtemp(prefix="clm-bench-pg-")
    shutil.chown(directory, "postgres")
    port = free_port()
    as_pg = ["runuser", "-u", "postgres", "--"]
    subprocess.run(
        [
            *as_pg,
            str(pg / "initdb"),
            "-D",
            f"{directory}/data",
            "-A",
            "trust",  # noqa: S603
            "-U",
            "postgres",
        ],
        check=True,
        capture_output=True,
    )
    subprocess.run(
        [
            *as_pg,
            str(pg / "pg_ctl"),
            "-D",
            f"{directory}/data",
            "-l",  # noqa: S603
            f"{directory}/log",
            "-w",
            "-o",
            f"-c listen_addresses=127.0.0.1 -p {port} -k {directory}",
            "start",
        ],
        check=True,
        capture_output=True,
    )
    try:
        subprocess.run(
            [
                *as_pg,
                str(pg / "createdb"),
                "-h",
                "127.0.0.1",
                "-p",
                str(port),  # noqa: S603
                "bench",
            ],
            check=True,
            capture_output=True,
        )
        yield f"postgres://postgres@127.0.0.1:{port}/bench"
    finally:
        subprocess.run(
            [
                *as_pg,
                str(pg / "pg_ctl"),
                "-D",
                f"{directory}/data",
                "-m",
                "fast",  # noqa: S603
                "stop",
            ],
            check=False,
            capture_output=True,
        )
        shutil.rmtree(directory, ignore_errors=True)


def main() -> None:
    if "--setup" in sys.argv:
        setup()
        return
    which = sys.argv[1:] or ["sqlite", "postgres"]
    if "sqlite" in which:
        child = subprocess.run([sys.executable, __file__, "--one", "sqlite"], check=False)  # noqa: S603
        if child.returncode:
            sys.exit(child.returncode)
    if "postgres" in which:
        with throwaway_postgres() as url:
            if url:
                child = subprocess.run(  # noqa: S603
                    [sys.executable, __file__, "--one", "postgres"],
                    env={**os.environ, "HRMONITOR_BENCH_PG_URL": url},
                    check=False,
                )
                if child.returncode:
                    sys.exit(child.returncode)


if __name__ == "__main__":
    if len(sys.argv) > 2 and sys.argv[1] == "--one":
        db = sys.argv[2]
        run(db, os.environ["HRMONITOR_BENCH_PG_URL"] if db == "postgres" else None)
    else:
        main()
