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

# Sync workers: each request is short CPU and database work, and one worker per request in flight
# keeps memory flat. 2 x cores + 1 keeps the CPUs busy while some workers wait on the database; the
# cap keeps a big machine from opening more database connections than the database wants.
WORKERS_MAX = 12
workers = int(os.environ.get("WEB_CONCURRENCY") or min(2 * multiprocessing.cpu_count() + 1, WORKERS_MAX))
worker_class = "sync"

# A request that takes longer than this is stuck: its worker is killed and replaced.
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
    # A ConfigurationError is a RuntimeError: gunicorn prints "Error: <message>" and exits with 1.
    app_config.check_request_line_limit(server.cfg.limit_request_line, app_config.url_length_max())
