from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from typing import Any

from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = (
        "Serve the platform with gunicorn and run the background-job worker beside it. "
        "PORT overrides the port (default 8000)."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--host", default=os.environ.get("HOST", "127.0.0.1"))
        parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))
        parser.add_argument(
            "--workers", type=int, default=int(os.environ.get("HRMONITOR_WEB_WORKERS", "2"))
        )
        parser.add_argument("--no-worker", action="store_true", help="Do not run the job worker.")

    def handle(self, *args: Any, **options: Any) -> None:
        python = sys.executable
        web = [
            python, "-m", "gunicorn", "hrmonitor.wsgi:application",
            "--bind", f"{options['host']}:{options['port']}",
            "--workers", str(options["workers"]),
            "--threads", "4",
            "--access-logfile", "-",
            "--graceful-timeout", "10",
        ]  # fmt: skip
        worker = [python, "-m", "hrmonitor.cli", "db_worker", "--interval", "0.5"]
        processes = [subprocess.Popen(web)]  # noqa: S603 - our own interpreter and arguments
        if not options["no_worker"]:
            processes.append(subprocess.Popen(worker))  # noqa: S603
        self.stdout.write(
            f"hrmonitor is serving on http://{options['host']}:{options['port']}/ (Ctrl+C to stop)"
        )

        def stop(*_: object) -> None:
            for process in processes:
                if process.poll() is None:
                    process.terminate()

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
        try:
            # If one of them dies, stop the other: a web server without its worker would leave
            # jobs queued forever.
            while all(p.poll() is None for p in processes):
                time.sleep(0.5)
        finally:
            stop()
            for process in processes:
                process.wait(timeout=15)
