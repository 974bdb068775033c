"""Background jobs: queued by a page, run by the real database worker, watched with a bar."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from hrmonitor.core.jobs import JobContext, job_kind, job_start
from hrmonitor.core.models import Job

pytestmark = pytest.mark.django_db

# The worker really runs: it commits, and closes its database connection when done, as in
# production. Tests that run it use real transactions.
with_worker = pytest.mark.usefixtures("committed_reference_data")


@job_kind("tests.halfway")
def _halfway(ctx: JobContext) -> str:
    ctx.progress(50, "half of the rows")
    ctx.save_result("result.csv", b"a,b\n1,2\n")
    return "All rows done."


@job_kind("tests.broken")
def _broken(ctx: JobContext) -> str:
    raise RuntimeError("the input file is not a spreadsheet")


def run_worker() -> None:
    call_command("db_worker", batch=True, startup_delay=False, verbosity=0)


def start(kind, user, django_capture_on_commit_callbacks):  # type: ignore[no-untyped-def]
    with django_capture_on_commit_callbacks(execute=True):
        job = job_start(kind=kind, user=user)
    return job


@with_worker
def test_a_job_runs_in_the_worker_and_ends_done_with_its_result(
    personas, django_capture_on_commit_callbacks
):
    job = start("tests.halfway", personas["me_officer"], django_capture_on_commit_callbacks)
    assert job.status == Job.Status.QUEUED

    run_worker()

    job.refresh_from_db()
    assert (job.status, job.progress, job.message) == (Job.Status.DONE, 100, "All rows done.")
    assert job.result_file.read() == b"a,b\n1,2\n"
    assert job.started_at and job.finished_at


@with_worker
def test_a_failing_job_tells_the_user_and_keeps_the_error_for_the_administrator(
    personas, django_capture_on_commit_callbacks
):
    job = start("tests.broken", personas["me_officer"], django_capture_on_commit_callbacks)
    run_worker()
    job.refresh_from_db()
    assert job.status == Job.Status.FAILED
    assert "the input file is not a spreadsheet" in job.error
    assert job.message == "The job failed. The administrator can see the details."


def test_the_progress_partial_polls_until_the_job_ends(personas, login):
    user = personas["me_officer"]
    job = Job.objects.create(kind="tests.halfway", created_by=user, progress=40, message="rows")
    client = login(user)

    running = client.get(f"/jobs/{job.pk}/progress/")
    assert running.status_code == 200
    body = running.content.decode()
    assert 'hx-trigger="every 1s"' in body and 'aria-valuenow="40"' in body

    Job.objects.filter(pk=job.pk).update(status=Job.Status.DONE, progress=100)
    finished = client.get(f"/jobs/{job.pk}/progress/")
    assert finished.status_code == 286  # htmx: stop polling
    assert "hx-trigger" not in finished.content.decode()


def test_someone_elses_job_is_not_found(personas, login):
    job = Job.objects.create(kind="tests.halfway", created_by=personas["me_officer"])
    client = login(personas["focal_point_georgia"])
    assert client.get(f"/jobs/{job.pk}/").status_code == 404
    assert client.get(f"/jobs/{job.pk}/progress/").status_code == 404
    # The Secretariat administrator sees every job.
    assert login(personas["secretariat_admin"]).get(f"/jobs/{job.pk}/").status_code == 200


@with_worker
def test_the_administrator_reloads_reference_data_as_a_job(
    personas, login, django_capture_on_commit_callbacks
):
    client = login(personas["secretariat_admin"])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/manage/reference-data/reload/")
    job = Job.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/jobs/{job.pk}/"
    run_worker()
    job.refresh_from_db()
    assert job.status == Job.Status.DONE
    assert job.message == "Reference data reloaded: 0 records created or updated."


def test_only_the_administrator_may_reload_reference_data(personas, login):
    client = login(personas["me_officer"])
    assert client.post("/manage/reference-data/reload/").status_code == 403
    assert not Job.objects.exists()
