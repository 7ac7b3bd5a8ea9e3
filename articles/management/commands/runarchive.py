"""python manage.py runarchive : the web server and the background workers, together."""

import os
import subprocess
import sys

from django.core.management.base import BaseCommand

from articles.management.workers import MANAGE_PY, processes_stop, workers_started


class Command(BaseCommand):
    help = (
        "Run the development web server and background workers (one per core by default) "
        "until Ctrl-C, which stops them all. In production run gunicorn and "
        "`manage.py procrastinate worker` as separate services instead."
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
            with workers_started(workers):
                server.wait()
        except KeyboardInterrupt:
            self.stdout.write("Stopping the web server and the workers.")
            processes_stop([server], interrupted=True)
        finally:
            processes_stop([server])
