"""Gunicorn settings for production: `gunicorn -c gunicorn.conf.py wsgi:app` (see the README's Production).

GUNICORN_BIND, GUNICORN_WORKERS and GUNICORN_THREADS override the defaults below; any gunicorn option given on
the command line (or in GUNICORN_CMD_ARGS) wins over this file.
"""
import os
import tempfile

# Listen on every interface, port 8000 (several addresses: separate them with commas).
bind = [b.strip() for b in os.environ.get("GUNICORN_BIND", "0.0.0.0:8000").split(",") if b.strip()]

# Threaded workers: a connection that sends its request slowly holds one thread, not a whole worker, and
# idle kept-alive connections wait in the worker's poller, not in a thread. Each worker process keeps its
# own read model current (its arrays are mapped and shared; its deltas are its own), so add threads before workers.
worker_class = "gthread"
workers = int(os.environ.get("GUNICORN_WORKERS", "2"))
threads = int(os.environ.get("GUNICORN_THREADS", "8"))

# The master loads the app once and forks the workers from it (GUNICORN_PRELOAD=0: each worker loads its own),
# so the tables every worker reads and never changes (the gazetteer, the vocabularies, the code) are shared
# pages, not one copy per worker. The master holds no read model: each worker maps its own from the index's
# snapshot (the page cache shares those pages too) and follows the store; see the hooks below.
preload_app = os.environ.get("GUNICORN_PRELOAD", "1") != "0"
# The app factory then loads no read model (and starts no thread) in the master; before_fork and after_fork do the warming.
raw_env = ["LOCATOR_WARM_ON_START=false"] if preload_app and "LOCATOR_WARM_ON_START" not in os.environ else []


def when_ready(server):
    """In the master, once, after the app is loaded and before the first fork."""
    if preload_app:
        from locator import before_fork

        before_fork(server.app.wsgi())


def post_fork(server, worker):
    """In each new worker: its own store connections and read model."""
    if preload_app:
        from locator import after_fork

        after_fork(server.app.wsgi())



# Prometheus multiprocess mode: every worker (and an index build's child process) writes its metrics into
# PROMETHEUS_MULTIPROC_DIR and /metrics adds them up. Set here, before the app (and prometheus_client) loads,
# unless given; emptied when gunicorn starts, so counters begin at zero with each start.
if not os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = tempfile.mkdtemp(prefix="locator-metrics-")


def on_starting(server):
    """Empty the metrics folder: a previous run's files are not this run's counts."""
    folder = os.environ["PROMETHEUS_MULTIPROC_DIR"]
    os.makedirs(folder, exist_ok=True)
    for name in os.listdir(folder):
        if name.endswith(".db"):
            os.unlink(os.path.join(folder, name))


def child_exit(server, worker):
    """A worker ended: its gauges no longer count (its counters and histograms still do)."""
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(worker.pid)


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
