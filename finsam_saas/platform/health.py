"""Probes for the proxy and the orchestrator: no login, no tenant, no data.

- `GET /healthz`: the process is up and answers (200). It touches neither the database nor Redis,
  so a restart of either never gets the web processes killed.
- `GET /readyz`: the process can serve: the database answers `SELECT 1` and, when REDIS_URL is
  set, Redis answers PING, each within READY_TIMEOUT_SECONDS. 200 `{"status": "ready", "checks":
  {...}}`, or 503 `{"status": "unavailable", "down": ["database"], "reason": "database: svarar inte
  (OperationalError)", "checks": {...}}` naming what is down and the kind of failure (the error's
  message, with its hosts and roles, goes to the log only).
"""
from __future__ import annotations

import threading

from flask import Blueprint, current_app, jsonify
from sqlalchemy import literal, select

from finsam_saas.extensions import db

blueprint = Blueprint("health", __name__)
_NO_STORE = {"Cache-Control": "no-store"}


@blueprint.get("/healthz")
def healthz():
    return jsonify(status="ok"), 200, _NO_STORE


@blueprint.get("/readyz")
def readyz():
    timeout = float(current_app.config.get("READY_TIMEOUT_SECONDS") or 3)
    engine = db.engine
    checks = {"database": _within(timeout, lambda: _database(engine))}
    redis_url = current_app.config.get("REDIS_URL")
    if redis_url:
        checks["redis"] = _within(timeout, lambda: _redis(redis_url, timeout))
    down = [name for name, error in checks.items() if error is not None]
    for name in down:
        current_app.logger.warning("readyz: %s svarar inte: %s", name, checks[name])
    body = {"status": "unavailable" if down else "ready",
            "checks": {name: "down" if error is not None else "ok" for name, error in checks.items()}}
    if down:
        # The reason names what is down and the kind of failure, never its message (hosts, roles).
        body["down"] = down
        body["reason"] = "; ".join(f"{name}: {_kind(checks[name])}" for name in down)
    return jsonify(body), 503 if down else 200, _NO_STORE


def _kind(error: str) -> str:
    kind = error.partition(":")[0]
    if kind.startswith("inget svar"):
        return "svarar inte i tid"
    return f"svarar inte ({kind})" if kind.isidentifier() else "svarar inte"


def _database(engine) -> None:
    with engine.connect() as connection:
        connection.execute(select(literal(1))).scalar_one()
        connection.rollback()


def _redis(url: str, timeout: float) -> None:
    from redis import Redis

    client = Redis.from_url(url, socket_timeout=timeout, socket_connect_timeout=timeout)
    try:
        client.ping()
    finally:
        client.close()


def _within(seconds: float, check) -> str | None:
    """None when `check()` returns within `seconds`; otherwise why not (a hung server is down too)."""
    outcome: dict = {}

    def run():
        try:
            check()
            outcome["ok"] = True
        except Exception as error:  # any failure is "down"; its words go to the log
            outcome["error"] = f"{type(error).__name__}: {error}"

    thread = threading.Thread(target=run, daemon=True, name="readyz")
    thread.start()
    thread.join(seconds)
    if outcome.get("ok"):
        return None
    return outcome.get("error") or f"inget svar inom {seconds:g} s"
