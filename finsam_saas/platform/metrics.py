"""Prometheus metrics at /metrics (prometheus-flask-exporter), never open to the internet.

- `flask_http_request_duration_seconds{method, endpoint, status}`: the latency histogram; its
  `_count` is the requests by endpoint and status (grouped by the Flask endpoint, never by path,
  so no id or token becomes a label). `flask_http_request_total{method, status}` and
  `flask_http_request_exceptions_total` besides.
- `finsam_jobs_total{kind, state}`: jobs queued, started, retried (a run after a dead worker),
  finished and failed (platform/jobs.py). Kept in Redis when REDIS_URL is set, so the web's
  /metrics counts what every web process and every rq work horse did; in process otherwise.
- `finsam_job_queue_length`: jobs waiting in the rq queue (with Redis).
- the process's CPU, memory and file descriptors.

Who may read it: with METRICS_TOKEN set, a request with `Authorization: Bearer <METRICS_TOKEN>`
(401 otherwise); without it, only a request from loopback that came through no proxy (no
X-Forwarded-For, Forwarded or X-Real-IP header), 404 for everyone else. With gunicorn's several
processes set PROMETHEUS_MULTIPROC_DIR (an empty directory per host) so that the answer adds them up.
"""
from __future__ import annotations

import hmac
import ipaddress
import os
import threading
from collections import Counter

from flask import Flask, abort, current_app, has_app_context, request

FORWARDING_HEADERS = ("X-Forwarded-For", "Forwarded", "X-Real-IP")
JOB_STATES = ("queued", "started", "retried", "finished", "failed")

_local: Counter = Counter()  # (kind, state) -> count, where there is no Redis
_lock = threading.Lock()
_clients: dict = {}


def _redis(url: str):
    from redis import Redis

    if url not in _clients:
        _clients[url] = Redis.from_url(url, socket_timeout=1, socket_connect_timeout=1)
    return _clients[url]


def _jobs_key(queue: str) -> str:
    return f"finsam:metrics:jobs:{queue}"


def count_job(kind: str, state: str) -> None:
    """Count a job's step; never fails the job (a Redis away loses the count, not the work)."""
    kind = kind.removeprefix("finsam_saas.")
    config = current_app.config if has_app_context() else {}
    url = config.get("REDIS_URL")
    if url:
        from redis.exceptions import RedisError

        try:
            _redis(url).hincrby(_jobs_key(config.get("RQ_QUEUE", "finsam")), f"{state}|{kind}", 1)
            return
        except RedisError:
            pass
    with _lock:
        _local[(kind, state)] += 1


def job_counts(app: Flask) -> Counter:
    """{(kind, state): count} as /metrics reports them."""
    with _lock:
        counts = Counter(_local)
    url = app.config.get("REDIS_URL")
    if url:
        from redis.exceptions import RedisError

        try:
            for field, value in _redis(url).hgetall(_jobs_key(app.config["RQ_QUEUE"])).items():
                state, _, kind = field.decode().partition("|")
                counts[(kind, state)] += int(value)
        except RedisError:
            pass
    return counts


class _JobCollector:
    def __init__(self, app: Flask):
        self.app = app

    def describe(self):
        return []

    def collect(self):
        from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily

        jobs = CounterMetricFamily("finsam_jobs", "Jobs by kind and state: queued, started, retried after a dead "
                                                  "worker, finished, failed.", labels=["kind", "state"])
        for (kind, state), count in sorted(job_counts(self.app).items()):
            jobs.add_metric([kind, state], count)
        yield jobs
        url = self.app.config.get("REDIS_URL")
        if url:
            from redis.exceptions import RedisError
            from rq import Queue

            try:
                waiting = Queue(self.app.config["RQ_QUEUE"], connection=_redis(url)).count
            except RedisError:
                return
            gauge = GaugeMetricFamily("finsam_job_queue_length", "Jobs waiting in the rq queue.")
            gauge.add_metric([], waiting)
            yield gauge


def _multiprocess() -> bool:
    return bool(os.environ.get("PROMETHEUS_MULTIPROC_DIR") or os.environ.get("prometheus_multiproc_dir"))


def init_app(app: Flask) -> None:
    from prometheus_client import CollectorRegistry, ProcessCollector
    from prometheus_flask_exporter import PrometheusMetrics

    registry = CollectorRegistry(auto_describe=True)
    exporter = PrometheusMetrics(app, path=None, registry=registry, group_by="endpoint",
                                 excluded_paths=[r"^/static/", r"^/(healthz|readyz|metrics)$"])
    jobs = _JobCollector(app)
    registry.register(jobs)
    if not _multiprocess():
        ProcessCollector(registry=registry)
    app.extensions["finsam_metrics"] = exporter

    def metrics():
        _guard()
        from prometheus_client import generate_latest
        from prometheus_client.exposition import CONTENT_TYPE_LATEST

        if _multiprocess():
            from prometheus_client import multiprocess

            answer = CollectorRegistry()
            multiprocess.MultiProcessCollector(answer)
            answer.register(jobs)
        else:
            answer = registry
        return generate_latest(answer), 200, {"Content-Type": CONTENT_TYPE_LATEST, "Cache-Control": "no-store"}

    app.add_url_rule("/metrics", "metrics", metrics, methods=["GET"])


def _guard() -> None:
    token = current_app.config.get("METRICS_TOKEN")
    if token:
        scheme, _, given = request.headers.get("Authorization", "").partition(" ")
        if scheme.lower() != "bearer" or not hmac.compare_digest(given.strip().encode(), token.encode()):
            abort(401)
        return
    if not _loopback(request.remote_addr) or any(h in request.headers for h in FORWARDING_HEADERS):
        abort(404)


def _loopback(address: str | None) -> bool:
    try:
        ip = ipaddress.ip_address((address or "").split("%")[0])
    except ValueError:
        return False
    mapped = getattr(ip, "ipv4_mapped", None)  # ::ffff:127.0.0.1
    return (mapped or ip).is_loopback
