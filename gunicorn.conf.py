"""Gunicorn settings for production: `gunicorn -c gunicorn.conf.py wsgi:app` (see the README's Production).

GUNICORN_BIND, GUNICORN_WORKERS and GUNICORN_THREADS override the defaults below; any gunicorn option given on
the command line (or in GUNICORN_CMD_ARGS) wins over this file.
"""
import os

# Listen on every interface, port 8000 (several addresses: separate them with commas).
bind = [b.strip() for b in os.environ.get("GUNICORN_BIND", "0.0.0.0:8000").split(",") if b.strip()]

# Threaded workers: a connection that sends its request slowly holds one thread, not a whole worker, and
# idle kept-alive connections wait in the worker's poller, not in a thread. Each worker process holds its
# own read model in memory, so add threads before workers.
worker_class = "gthread"
workers = int(os.environ.get("GUNICORN_WORKERS", "2"))
threads = int(os.environ.get("GUNICORN_THREADS", "8"))

# Each worker loads the app (and warms its read model) itself; the store's engine is not shared across a fork.
preload_app = False

# A worker silent this long (a stuck request) is restarted; a stopping worker gets this long to finish.
timeout = 30
graceful_timeout = 30
# Seconds an idle kept-alive connection stays open between requests.
keepalive = 5

# Gunicorn's largest request line (its default of 4094 answered long URLs with its own HTML 414). The API
# refuses query strings over locator.web.api.MAX_URL_BYTES (6 KB) with its JSON 414, so that answer is what
# clients get for any request line up to this limit; only longer lines meet gunicorn's own error page.
limit_request_line = 8190
# Largest header line and most headers per request (gunicorn's defaults, stated here on purpose).
limit_request_field_size = 8190
limit_request_fields = 100

# Log to stderr; the access log is off by default (enable with --access-logfile -).
errorlog = "-"
