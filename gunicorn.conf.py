"""Gunicorn settings: ``gunicorn app:app`` reads this file from the working directory.

Every value can be overridden on the command line (``-w 4``, ``-b 0.0.0.0:8000``) or with
``GUNICORN_CMD_ARGS``; the environment variables below are the usual knobs.
"""
import multiprocessing
import os
import sys
from pathlib import Path

# The settings below come from the app's own configuration, wherever gunicorn was started from.
sys.path.insert(0, str(Path(__file__).resolve().parent))

# Not imported as ``config``: that name is a gunicorn setting (the path of this file).
from core import config as app_config  # noqa: E402
from core.limits import REQUEST_LINE_MAX  # noqa: E402

# BIND wins; else PORT (as platforms set it) on all interfaces; else local only, behind a proxy.
bind = os.environ.get("BIND") or (f"0.0.0.0:{os.environ['PORT']}" if os.environ.get("PORT") else "127.0.0.1:8000")

# Rate limits (logins above all) only hold if every request is counted in one place. With a shared
# store (Redis) that place is outside the app, so several sync worker processes serve: each request
# is short CPU and database work, and a process per request in flight keeps memory flat. Without
# one, the counts live in memory, so ONE process serves, with a thread per request in flight;
# on_starting below refuses several processes that would each count alone.
# 2 x cores + 1 keeps the CPUs busy while some requests wait on the database; the cap keeps a big
# machine from opening more database connections than the database wants.
CONCURRENCY_MAX = 12
default_concurrency = min(2 * multiprocessing.cpu_count() + 1, CONCURRENCY_MAX)
rate_limit_storage = app_config.rate_limit_storage()
if app_config.is_shared_storage(rate_limit_storage):
    workers = int(os.environ.get("WEB_CONCURRENCY") or default_concurrency)
    threads = int(os.environ.get("GUNICORN_THREADS") or 1)
else:
    workers = int(os.environ.get("WEB_CONCURRENCY") or 1)
    threads = int(os.environ.get("GUNICORN_THREADS") or default_concurrency)
worker_class = "gthread" if threads > 1 else "sync"

# A worker silent for this long is stuck: it is killed and replaced. A sync worker is silent while
# one request runs, so this bounds every request; a threaded one stays heard while its threads work.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
# On a restart or SIGTERM, requests in flight get this long to finish.
graceful_timeout = int(os.environ.get("GUNICORN_GRACEFUL_TIMEOUT", "30"))
# Seconds an idle keep-alive connection from the reverse proxy stays open.
keepalive = int(os.environ.get("GUNICORN_KEEPALIVE", "5"))

# Gunicorn answers a request line over its limit with its own HTML page, which the app cannot
# shape; so gunicorn takes the longest line it can and the app refuses URLs over MAX_URL_LENGTH
# itself (core/security.py), as the envelope under /api/ and a page elsewhere.
limit_request_line = REQUEST_LINE_MAX

# Not preloaded: each worker builds the app itself after the fork (app.py makes ``app`` on first
# use), so no database connection or SQLite handle is ever shared between processes, and a
# HUP reload picks up new code. The first start runs the migrations under a lock, so workers
# starting together on a new database wait for one another.
preload_app = False

# The app logs one line per request itself (core/request_log.py, on standard error); gunicorn's
# access log would repeat it, with query strings.
accesslog = None
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")

# The heartbeat file of each worker lives in memory, not on a disk that may stall.
if Path("/dev/shm").is_dir():
    worker_tmp_dir = "/dev/shm"


def on_starting(server):
    """Check what the command line made of the settings above, before any worker starts."""
    cfg = server.cfg
    # A ConfigurationError is a RuntimeError: gunicorn prints "Error: <message>" and exits with 1.
    app_config.check_rate_limit_sharing(cfg.workers, rate_limit_storage)
    app_config.check_request_line_limit(cfg.limit_request_line, app_config.url_length_max())
    shape = f"{cfg.workers} {cfg.worker_class_str} worker process{'es' if cfg.workers > 1 else ''}"
    if cfg.threads > 1:
        shape += f" with {cfg.threads} threads"
    if app_config.is_shared_storage(rate_limit_storage):
        where = "shared in " + app_config.without_password(rate_limit_storage)
    elif cfg.workers > 1:
        where = "in the memory of each worker process, apart (RATELIMIT_PER_PROCESS)"
    else:
        where = "in the memory of the one worker process"
    server.log.info("Serving with %s; rate-limit counts %s", shape, where)


def post_fork(server, worker):
    # Every thread of a threaded worker may need a database connection at the same moment.
    if worker.cfg.threads > 1:
        os.environ.setdefault("DB_POOL_SIZE", str(worker.cfg.threads))
