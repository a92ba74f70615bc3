"""Logs as JSON lines (structlog), one per event, on stderr.

Every line carries its time, level and logger, and — inside a request — the request id (the
`X-Request-Id` the proxy sent, or one made here; echoed back in the response), the tenant's slug
from the URL and the user's id; inside a job its id, kind, tenant id and the request id of the
request that started it. The stdlib loggers (`app.logger`, rq, SQLAlchemy, werkzeug) are routed
through the same formatter, so `current_app.logger.warning("… %s", x)` becomes a JSON line too.

What is never written: a request's body, headers, cookies or query string (the access line names
the route, and a path with a token in it by its rule: `/inbjudan/<token>`), and — as a last guard
— any value under a key that names a secret (password, token, cookie, session, ballot_key, …), a
bearer token, `password=…`-like pairs and the password of a URL, wherever they appear in a line.
SQLAlchemy is told to leave statement parameters out of its errors (`hide_parameters`).
No client address is logged (personal data); the user is an id, never an e-mail address.
"""
from __future__ import annotations

import logging
import re
import sys
import time
import uuid
from contextlib import contextmanager

import structlog
from flask import Flask, g, has_request_context, request

from finsam_saas.platform.rounding import round_half_up

REQUEST_ID_HEADER = "X-Request-Id"
_REQUEST_ID = re.compile(r"[A-Za-z0-9._:@/+=-]{1,128}")
# Keys whose values are secrets wherever they turn up in a line.
_SECRET_KEY = re.compile(r"pass(word|wd)?|pwd|token|secret|authori[sz]ation|cookie|session|ballot.?key|api.?key|"
                         r"csrf|dsn|credential|private", re.IGNORECASE)
_SECRET_TEXT = (
    (re.compile(r"(?i)\b(bearer|basic)\s+[A-Za-z0-9._~+/=-]{6,}"), r"\1 [redacted]"),
    (re.compile(r"(?i)\b(password|passwd|pwd|token|secret|ballot_key|api_key)(['\"]?\s*[:=]\s*['\"]?)[^\s'\",;&}]+"),
     r"\1\2[redacted]"),
    (re.compile(r"(\w+://[^/\s:@]+):[^@\s/]+@"), r"\1:[redacted]@"),
)
# Path arguments that are secrets: the access line shows the route instead of the path.
_SECRET_ARGS = {"token", "key", "code", "secret"}
REDACTED = "[redacted]"

_HANDLER_MARK = "_finsam_json"


def redact_text(text: str) -> str:
    for pattern, replacement in _SECRET_TEXT:
        text = pattern.sub(replacement, text)
    return text


def _redact(value, depth: int = 0):
    if isinstance(value, str):
        return redact_text(value)
    if depth > 4:
        return value
    if isinstance(value, dict):
        return {k: REDACTED if isinstance(k, str) and _SECRET_KEY.search(k) else _redact(v, depth + 1)
                for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return type(value)(_redact(v, depth + 1) for v in value)
    return value


def _redact_processor(logger, method, event_dict):
    for key in list(event_dict):
        if key != "event" and _SECRET_KEY.search(key):
            event_dict[key] = REDACTED
        else:
            event_dict[key] = _redact(event_dict[key])
    return event_dict


def _request_fields(logger, method, event_dict):
    """The request's id, tenant and user, read from flask.g at the moment of logging (nothing here
    may load from the database: a log line costs no query)."""
    if not has_request_context():
        return event_dict
    try:
        event_dict.setdefault("request_id", g.get("request_id"))
        slug = g.get("tenant_slug")
        if slug:
            event_dict.setdefault("tenant", slug)
        user_id = _user_id()
        if user_id is not None:
            event_dict.setdefault("user_id", user_id)
    except Exception:  # a log line never fails the request
        pass
    return event_dict


def _user_id():
    from sqlalchemy import inspect

    for user in (g.get("api_user"), g.get("_login_user")):
        state = inspect(user, raiseerr=False) if user is not None else None
        if state is not None and state.identity:
            return state.identity[0]
    return None


def _shared_processors() -> list:
    return [
        structlog.contextvars.merge_contextvars,
        _request_fields,
        structlog.stdlib.add_log_level,
        structlog.stdlib.add_logger_name,
        structlog.processors.TimeStamper(fmt="iso", utc=True, key="ts"),
    ]


class _StderrHandler(logging.StreamHandler):
    """Writes to whatever sys.stderr is at the moment (a test's capture, a redirected stream)."""

    def __init__(self):
        super().__init__(sys.stderr)

    @property
    def stream(self):
        return sys.stderr

    @stream.setter
    def stream(self, value):
        pass


def configure(level: str = "INFO", fmt: str = "json") -> None:
    """Route every log line of this process through structlog's formatter (idempotent)."""
    renderer = (structlog.dev.ConsoleRenderer(colors=False) if fmt == "console"
                else structlog.processors.JSONRenderer(ensure_ascii=False, default=str))
    structlog.configure(
        processors=[*_shared_processors(), structlog.stdlib.PositionalArgumentsFormatter(),
                    structlog.stdlib.ProcessorFormatter.wrap_for_formatter],
        logger_factory=structlog.stdlib.LoggerFactory(),
        wrapper_class=structlog.stdlib.BoundLogger,
        cache_logger_on_first_use=False,
    )
    formatter = structlog.stdlib.ProcessorFormatter(
        foreign_pre_chain=_shared_processors(),
        processors=[structlog.stdlib.ProcessorFormatter.remove_processors_meta,
                    structlog.processors.format_exc_info, _redact_processor, renderer],
    )
    root = logging.getLogger()
    handler = next((h for h in root.handlers if getattr(h, _HANDLER_MARK, False)), None)
    if handler is None:
        handler = _StderrHandler()
        setattr(handler, _HANDLER_MARK, True)
        root.addHandler(handler)
    handler.setFormatter(formatter)
    root.setLevel(logging.getLevelName(level) if isinstance(logging.getLevelName(level), int) else logging.INFO)
    # The access line below replaces werkzeug's, which would write the query string.
    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)  # a line per rendering step


def get_logger(name: str):
    return structlog.get_logger(name)


@contextmanager
def bound(**values):
    """Add these fields to every line logged inside the block (a job's id, tenant, …)."""
    with structlog.contextvars.bound_contextvars(**{k: v for k, v in values.items() if v is not None}):
        yield


def current_request_id() -> str | None:
    if has_request_context():
        return g.get("request_id")
    return structlog.contextvars.get_contextvars().get("request_id")


access = get_logger("finsam.access")


def init_app(app: Flask) -> None:
    from flask.logging import default_handler

    configure(app.config.get("LOG_LEVEL", "INFO"), app.config.get("LOG_FORMAT", "json"))
    app.logger.removeHandler(default_handler)  # the root's handler writes app.logger's lines as JSON
    # Statement parameters (a token's hash, a ballot) stay out of SQLAlchemy's error messages.
    options = dict(app.config.get("SQLALCHEMY_ENGINE_OPTIONS") or {})
    options.setdefault("hide_parameters", True)
    app.config["SQLALCHEMY_ENGINE_OPTIONS"] = options

    @app.before_request
    def _request_id():
        given = request.headers.get(REQUEST_ID_HEADER, "")
        g.request_id = given if _REQUEST_ID.fullmatch(given) else uuid.uuid4().hex
        g.request_started = time.perf_counter()

    @app.after_request
    def _access_line(response):
        request_id = g.get("request_id")
        if request_id:
            response.headers[REQUEST_ID_HEADER] = request_id
        endpoint = request.endpoint or ""
        quiet = endpoint == "static" or endpoint.startswith("health.") or endpoint == "metrics"
        if not quiet or response.status_code >= 400:
            started = g.get("request_started")
            access.info("request", method=request.method, route=request.url_rule.rule if request.url_rule else None,
                        path=_loggable_path(), endpoint=endpoint or None, status=response.status_code,
                        ms=round_half_up((time.perf_counter() - started) * 1000, 1) if started else None)
        return response


def _loggable_path() -> str:
    if request.url_rule is not None and _SECRET_ARGS & set(request.view_args or ()):
        return request.url_rule.rule
    return request.path
