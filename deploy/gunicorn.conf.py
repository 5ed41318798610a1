"""gunicorn settings for SatuPintu: ``gunicorn -c deploy/gunicorn.conf.py``.

Every value can be changed by an environment variable (in the systemd unit's env file) so the
same file serves one laptop, one host and several hosts behind nginx.
"""

import multiprocessing
import os


def _int(name: str, default: int) -> int:
    value = os.environ.get(name)
    return int(value) if value else default


wsgi_app = "portal:create_app()"

# nginx talks to this address; with several app hosts, bind to the host's private address.
bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")

# Sync workers: 2 x cores + 1, capped so a big machine does not open more database
# connections than PostgreSQL allows (each worker holds a small SQLAlchemy pool).
workers = _int("GUNICORN_WORKERS", min(2 * multiprocessing.cpu_count() + 1, _int("GUNICORN_MAX_WORKERS", 12)))
worker_class = "sync"
# Uploads stream through the worker (60 MB at most, see MAX_CONTENT_LENGTH): a slow phone
# upload is buffered by nginx first, so the worker only waits on the database and storage.
timeout = _int("GUNICORN_TIMEOUT", 60)
graceful_timeout = _int("GUNICORN_GRACEFUL_TIMEOUT", 30)
keepalive = 5
# Recycle workers now and then (a leak cannot grow for ever); jitter keeps them apart. A new
# worker imports the portal again, about 2 s of CPU on a small server, so not too often: at
# 2,000 requests that import cost as much CPU as the requests the worker served (the catalogue
# page is about 1.5 ms; bench/throughput.py measures both with the workers it replaced).
max_requests = _int("GUNICORN_MAX_REQUESTS", 10000)
max_requests_jitter = 1000
# GUNICORN_PRELOAD=1 imports the app once, in the master, and each worker is a fork of it: a
# worker replaced after max_requests is ready at once instead of importing the portal again
# (seconds of CPU on a small server, taken from the requests being served), and the workers
# share that memory. Off by default because a reload (HUP, `systemctl reload`) then keeps the
# old code: with it on, an update needs `systemctl restart satupintu-web`.
preload_app = os.environ.get("GUNICORN_PRELOAD", "0") == "1"


def post_fork(server, worker):  # noqa: ANN001, ARG001 - gunicorn's hook signature
    """A worker must not use the database connections the master may have opened while it
    loaded the app: each worker's pool starts empty (SQLAlchemy's advice for forked processes;
    close=False leaves the master's connections alone). Apps without Flask-SQLAlchemy (the
    benchmarks' hello-world) have nothing to do."""
    if not preload_app:
        return
    app = server.app.wsgi()
    sqlalchemy = getattr(app, "extensions", {}).get("sqlalchemy")
    if sqlalchemy is None:
        return
    with app.app_context():
        for engine in sqlalchemy.engines.values():
            engine.dispose(close=False)


# Heartbeat files in memory, not on a possibly slow disk.
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None  # noqa: S108

# Only the nginx host(s) may set X-Forwarded-*; Flask's ProxyFix (PROXY_FIX=1) reads them.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
proxy_allow_ips = forwarded_allow_ips

# Access log to stdout (journald): client address (from nginx), request, status, size and
# the time taken in microseconds (%(D)s) for latency checks.
accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-")
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
access_log_format = '%({x-forwarded-for}i)s %(h)s "%(r)s" %(s)s %(B)s %(D)sus "%(f)s" "%(a)s"'

# Requests larger than this in their request line or headers are refused early.
limit_request_line = 8190
limit_request_fields = 100
