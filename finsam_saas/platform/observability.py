"""Operations, wired in one place (`init_app`, called first by create_app): JSON logs with the
request id, tenant and user (logs.py), /healthz and /readyz (health.py), /metrics (metrics.py), and
Sentry when SENTRY_DSN is set. All of it stands outside the tenant wall and holds no tenant data.

Sentry is imported only when a DSN is set, and sends no personal data: no cookies, headers of
authorisation, user or client address (`send_default_pii=False`), no request bodies, no local
variables of the stack frames; what it does send passes the log's redaction (logs.redact_text).
Errors reach it through the log: every `logger.error`/`exception` (the 500 handler's, a failed
job's) becomes an event, inside requests (Flask) and rq work horses alike.
"""
from __future__ import annotations

from flask import Flask

from finsam_saas.platform import health, logs, metrics

_sentry_dsn: str | None = None


def init_app(app: Flask) -> None:
    logs.init_app(app)
    app.register_blueprint(health.blueprint)
    metrics.init_app(app)
    init_sentry(app)


def init_sentry(app: Flask) -> bool:
    """Start Sentry once per process when SENTRY_DSN is set; True when it runs."""
    global _sentry_dsn
    dsn = app.config.get("SENTRY_DSN")
    if not dsn:
        return False
    if dsn == _sentry_dsn:
        return True
    try:
        import sentry_sdk
        from sentry_sdk.integrations.flask import FlaskIntegration
        from sentry_sdk.integrations.rq import RqIntegration
    except ImportError as error:
        raise RuntimeError("SENTRY_DSN är satt men sentry-sdk är inte installerat: installera det "
                           "(pip install 'sentry-sdk[flask,rq]') eller ta bort SENTRY_DSN.") from error

    sentry_sdk.init(
        dsn=dsn,
        environment=app.config.get("SENTRY_ENVIRONMENT") or None,
        send_default_pii=False,
        include_local_variables=False,
        max_request_body_size="never",
        traces_sample_rate=float(app.config.get("SENTRY_TRACES_SAMPLE_RATE") or 0),
        integrations=[FlaskIntegration(), RqIntegration()],
        before_send=_scrub_event,
        before_breadcrumb=_scrub_breadcrumb,
    )
    _sentry_dsn = dsn
    return True


def _scrub_event(event, hint):
    request = event.get("request")
    if isinstance(request, dict):
        request.pop("cookies", None)
        request.pop("data", None)
        request.pop("query_string", None)
        headers = request.get("headers")
        if isinstance(headers, dict):
            request["headers"] = {k: v for k, v in headers.items()
                                  if k.lower() not in ("authorization", "cookie", "set-cookie", "x-csrftoken")}
    return logs._redact(event, -8)


def _scrub_breadcrumb(crumb, hint):
    if isinstance(crumb.get("message"), str):
        crumb["message"] = logs.redact_text(crumb["message"])
    return crumb
