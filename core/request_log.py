"""One log line per request: ``{"method", "path", "status", "duration_ms"}`` as JSON, on the
``servermarket.requests`` logger.

The path is logged without its query string, so nothing a client puts there (a token in a link,
say) reaches the logs; headers and bodies are never logged. The level comes from ``LOG_LEVEL``
(config or environment, default ``INFO``); at ``WARNING`` or above the lines are off. Under gunicorn
the lines go to its error log (standard error), which replaces gunicorn's own access log.
"""
import json
import logging
import os
import sys
import time

from flask import Flask, g, request

LOGGER_NAME = "servermarket.requests"
logger = logging.getLogger(LOGGER_NAME)


def _level(app: Flask) -> int:
    name = str(app.config.get("LOG_LEVEL") or os.environ.get("LOG_LEVEL") or "INFO").upper()
    level = logging.getLevelName(name)
    return level if isinstance(level, int) else logging.INFO


def _start() -> None:
    g.request_started = time.perf_counter()


def _log(response):
    started = g.pop("request_started", None)
    if started is not None and logger.isEnabledFor(logging.INFO):
        logger.info(json.dumps({
            "method": request.method,
            "path": request.path,
            "status": response.status_code,
            "duration_ms": round((time.perf_counter() - started) * 1000, 2),
        }))
    return response


def install(app: Flask) -> None:
    logger.setLevel(_level(app))
    if not logger.handlers and not logging.getLogger().handlers:
        # Nothing configured logging (gunicorn, flask run): write to standard error ourselves.
        # Otherwise the lines go up to whatever handlers the host set up.
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s %(message)s"))
        logger.addHandler(handler)
    # First of all before-request functions, so a request another one answers early (a body over
    # the limit, a rate limit) is timed and logged too.
    app.before_request_funcs.setdefault(None, []).insert(0, _start)
    app.after_request(_log)
