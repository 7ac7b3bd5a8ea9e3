"""gunicorn settings for production (see docker-compose.yml). Override with GUNICORN_* env."""

import multiprocessing
import os

wsgi_app = "archive.wsgi:application"
bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")
workers = int(os.environ.get("GUNICORN_WORKERS", multiprocessing.cpu_count() * 2 + 1))
threads = int(os.environ.get("GUNICORN_THREADS", 2))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", 60))
# Large zip uploads in the admin take longer than a search; keep-alive for the proxy.
graceful_timeout = 30
keepalive = 5
max_requests = 2000
max_requests_jitter = 200
accesslog = "-"
errorlog = "-"
# Load the app (and the spaCy model) once, before forking the workers.
preload_app = True
