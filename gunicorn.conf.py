"""gunicorn settings, read from the environment: `gunicorn -c gunicorn.conf.py srm_site.wsgi`.

| variable | default |
|---|---|
| `BIND` | `127.0.0.1:$PORT` (`PORT` defaults to 8000); `0.0.0.0:8000` in a container |
| `WEB_CONCURRENCY` | 2 × cores + 1, at most 12 |
| `GUNICORN_TIMEOUT` | 30 s: a worker silent that long is killed and replaced |
| `GUNICORN_GRACEFUL_TIMEOUT` | 30 s to finish requests in flight on restart or SIGTERM |
| `GUNICORN_KEEPALIVE` | 5 s (behind a load balancer: longer than its idle timeout) |
| `GUNICORN_MAX_REQUESTS` | 0 (off): recycle a worker after this many requests |
| `LOG_LEVEL` | `info` |
"""

from __future__ import annotations

import os

MAX_DEFAULT_WORKERS = 12


def _int(name: str, default: int) -> int:
    value = os.environ.get(name, "").strip()
    return int(value) if value else default


def default_workers() -> int:
    return min(2 * (os.cpu_count() or 1) + 1, MAX_DEFAULT_WORKERS)


bind = [os.environ.get("BIND") or f"127.0.0.1:{_int('PORT', 8000)}"]
workers = _int("WEB_CONCURRENCY", default_workers())
timeout = _int("GUNICORN_TIMEOUT", 30)
graceful_timeout = _int("GUNICORN_GRACEFUL_TIMEOUT", 30)
keepalive = _int("GUNICORN_KEEPALIVE", 5)
max_requests = _int("GUNICORN_MAX_REQUESTS", 0)
max_requests_jitter = max_requests // 10
# Load the application in each worker, not the arbiter: no database connection
# or other state is opened before fork and shared between workers.
preload_app = False
accesslog = "-"
errorlog = "-"
loglevel = os.environ.get("LOG_LEVEL", "info").lower()
access_log_format = '%(h)s "%(r)s" %(s)s %(b)s %(M)sms'
