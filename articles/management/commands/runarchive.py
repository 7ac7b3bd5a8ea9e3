"""python manage.py runarchive : the web server and the background workers, together."""

import os
import subprocess
import sys
import time

from django.core.management.base import BaseCommand

from articles.management.workers import (
    MANAGE_PY,
    processes_stop,
    workers_revive,
    workers_started,
)


class Command(BaseCommand):
    help = (
        "Run the development web server and background workers (one per core by default, "
        "a stopped one replaced) until Ctrl-C, which stops them all. In production run "
        "gunicorn and `manage.py worker` as separate services instead."
    )

    def add_arguments(self, parser):
        parser.add_argument("addrport", nargs="?", default="127.0.0.1:8000")
        parser.add_argument(
            "--workers", type=int, default=os.cpu_count() or 1, metavar="N", help="workers"
        )

    def handle(self, *args, addrport, workers, **options):
        self.stdout.write(f"Starting {workers} worker(s) and the web server on {addrport}.")
        server = subprocess.Popen([sys.executable, str(MANAGE_PY), "runserver", addrport])
        try:
            with workers_started(workers) as processes:
                while server.poll() is None:
                    time.sleep(1)
                    workers_revive(processes, write=self.stderr.write)
        except KeyboardInterrupt:
            self.stdout.write("Stopping the web server and the workers.")
            processes_stop([server], interrupted=True)
        finally:
            processes_stop([server])
