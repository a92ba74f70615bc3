"""Operations: /healthz and /readyz for the proxy and the orchestrator, JSON log lines that carry
the request id, tenant and user and never a password, token or cookie, Prometheus metrics at
/metrics for a bearer METRICS_TOKEN or loopback only, and Sentry only when SENTRY_DSN is set."""
from __future__ import annotations

import json
import socket
import sys
import time
import types

import pytest
from sqlalchemy import select

from finsam_saas.extensions import db
from finsam_saas.platform.jobs import enqueue_for_tenant, run_job
from finsam_saas.platform.models import Job, User
from finsam_saas.platform.tenancy import Actor, acting_as

import jobs_probe
from support import PASSWORD, TENANT_A, app_config, in_tenant, login, make_token

NOWHERE_DB = "postgresql+psycopg://nobody@127.0.0.1:1/finsam"  # nothing listens on port 1
NOWHERE_REDIS = "redis://127.0.0.1:1/0"


@pytest.fixture
def unreachable_app(tmp_path):
    from finsam_saas import create_app

    def make(url=NOWHERE_DB, **extra):
        return create_app(app_config(url, tmp_path, READY_TIMEOUT_SECONDS=1, **extra))

    return make


# --- /healthz and /readyz -------------------------------------------------------------------

def test_healthz_says_the_process_is_up_without_asking_the_database(unreachable_app):
    answer = unreachable_app().test_client().get("/healthz")
    assert answer.status_code == 200 and answer.json == {"status": "ok"}
    assert answer.headers["Cache-Control"] == "no-store" and answer.headers["X-Request-Id"]


def test_healthz_and_readyz_on_a_working_database(any_app):
    client = any_app.test_client()
    assert client.get("/healthz").status_code == 200
    ready = client.get("/readyz")
    assert ready.status_code == 200, ready.json
    assert ready.json == {"status": "ready", "checks": {"database": "ok"}}  # no Redis configured, none asked
    assert ready.headers["Cache-Control"] == "no-store"


def test_readyz_asks_redis_when_it_is_configured(any_app, redis_url):
    any_app.config["REDIS_URL"] = redis_url
    ready = any_app.test_client().get("/readyz")
    assert ready.status_code == 200 and ready.json["checks"] == {"database": "ok", "redis": "ok"}


def test_readyz_is_503_naming_what_is_down(unreachable_app, app, capsys):
    answer = unreachable_app().test_client().get("/readyz")
    assert answer.status_code == 503
    assert answer.json["status"] == "unavailable" and answer.json["down"] == ["database"]
    assert answer.json["reason"] == "database: svarar inte (OperationalError)"
    assert "127.0.0.1" not in answer.get_data(as_text=True)  # the details go to the log only
    assert "readyz: database svarar inte" in capsys.readouterr().err
    app.config["REDIS_URL"] = NOWHERE_REDIS
    answer = app.test_client().get("/readyz")
    assert answer.status_code == 503 and answer.json["down"] == ["redis"]
    assert answer.json["checks"] == {"database": "ok", "redis": "down"}
    assert answer.json["reason"].startswith("redis: svarar inte")


def test_readyz_does_not_hang_on_a_database_that_never_answers(unreachable_app):
    with socket.socket() as silent:  # accepts connections (the kernel's backlog) and never says a word
        silent.bind(("127.0.0.1", 0))
        silent.listen(8)
        port = silent.getsockname()[1]
        app = unreachable_app(f"postgresql+psycopg://nobody@127.0.0.1:{port}/finsam")
        started = time.monotonic()
        answer = app.test_client().get("/readyz")
        assert time.monotonic() - started < 3
    assert answer.status_code == 503 and answer.json["reason"] == "database: svarar inte i tid"


# --- JSON log lines -------------------------------------------------------------------------

def _lines(captured: str) -> list[dict]:
    lines = [line for line in captured.splitlines() if line.strip()]
    parsed = []
    for line in lines:
        try:
            parsed.append(json.loads(line))
        except ValueError:
            pytest.fail(f"a log line that is not JSON: {line!r}")
    return parsed


def _user_id(app, email: str) -> int:
    with app.app_context():
        return db.session.scalar(select(User.id).where(User.email == email))


def test_log_lines_carry_request_tenant_and_user_and_never_a_secret(any_app, capsys):
    new_password = "Nytt-hemligt-losen-4711"
    invitation = "inbjudningskod-" + "x" * 30
    token = make_token(any_app, "kansli.a@test.se")
    user_id = _user_id(any_app, "kansli.a@test.se")
    capsys.readouterr()

    client = any_app.test_client()
    assert login(client, "kansli.a@test.se").status_code == 302
    cookie = client.get_cookie("session").value
    page = client.get(f"/t/{TENANT_A}/moten/?token={token}", headers={"X-Request-Id": "prov-4711"})
    assert page.status_code == 200 and page.headers["X-Request-Id"] == "prov-4711"
    api = any_app.test_client().get(f"/api/v1/{TENANT_A}/meetings", headers={"Authorization": f"Bearer {token}"})
    assert api.status_code == 200
    changed = client.post("/konto/losenord", data={"current_password": PASSWORD, "password": new_password,
                                                  "password_again": new_password})
    assert changed.status_code == 302
    client.get(f"/inbjudan/{invitation}")
    any_app.logger.warning("Anslöt med password=%s till postgresql://finsam:%s@db/finsam, Authorization: Bearer %s",
                           new_password, new_password, token)

    captured = capsys.readouterr().err
    for secret in (PASSWORD, new_password, token, cookie, invitation):
        assert secret not in captured, secret
    lines = _lines(captured)
    page_line = next(line for line in lines if line.get("request_id") == "prov-4711" and line["event"] == "request")
    assert page_line["tenant"] == TENANT_A and page_line["user_id"] == user_id
    assert page_line["path"] == f"/t/{TENANT_A}/moten/" and page_line["status"] == 200  # no query string
    api_line = next(line for line in lines if line["event"] == "request" and line["path"] == f"/api/v1/{TENANT_A}/meetings")
    assert api_line["tenant"] == TENANT_A and api_line["user_id"] == user_id and len(api_line["request_id"]) == 32
    assert any(line["event"] == "request" and line.get("route") == "/inbjudan/<token>"
               and line["path"] == "/inbjudan/<token>" for line in lines)
    warning = next(line for line in lines if line["event"].startswith("Anslöt med"))
    assert warning["level"] == "warning" and "[redacted]" in warning["event"]
    for line in lines:
        assert {"ts", "level", "logger", "event"} <= line.keys()


def test_a_job_logs_its_steps_with_the_request_that_started_it(any_app, capsys):
    from support import ApiClient

    api = ApiClient(any_app)
    meeting_id = api.post("/meetings", json={"body": "styrelse", "date": "2021-02-19", "template": True}).json["id"]
    capsys.readouterr()
    answer = api.client.post(f"/api/v1/{TENANT_A}/meetings/{meeting_id}/notice", json={"confirm": True},
                             headers={**api.headers, "X-Request-Id": "utskick-1"})
    assert answer.status_code == 202 and answer.json["state"] == "finished"
    lines = _lines(capsys.readouterr().err)
    steps = [line for line in lines if line["logger"] == "finsam.jobs"]
    assert [line["event"] for line in steps] == ["job_started", "job_finished"]
    for line in steps:
        assert line["request_id"] == "utskick-1" and line["job_id"] == answer.json["id"]
        assert line["job_kind"] == "meetings.jobs:send_notice" and line["attempt"] == 1
    assert steps[-1]["warnings"] == 1  # Christina Lidström, without an address
    assert not any("@umearegionen.demo" in json.dumps(line) for line in lines)  # no recipient's address


# --- /metrics -------------------------------------------------------------------------------

def _metrics(client, **kwargs) -> str:
    answer = client.get("/metrics", **kwargs)
    assert answer.status_code == 200, answer.status_code
    assert answer.headers["Content-Type"].startswith("text/plain")
    return answer.get_data(as_text=True)


def _sample(text: str, name: str, **labels) -> float:
    for line in text.splitlines():
        if line.startswith(name + "{") or line.startswith(name + " "):
            found = dict(part.split("=", 1) for part in line[line.find("{") + 1:line.rfind("}")].split(",")
                         if "=" in part) if "{" in line else {}
            if all(found.get(k) == f'"{v}"' for k, v in labels.items()):
                return float(line.rsplit(" ", 1)[1])
    return 0.0


def test_metrics_count_requests_by_endpoint_and_jobs_by_state_for_loopback_only(client_a, app):
    client_a.get(f"/t/{TENANT_A}/moten/")
    client_a.get(f"/t/{TENANT_A}/jobb/999999")
    before = _metrics(app.test_client())
    with in_tenant(app, TENANT_A), acting_as(Actor(_user_id(app, "kansli.a@test.se"), "kansli.a@test.se")):
        enqueue_for_tenant(jobs_probe.record_context, title="Prov", note="m")
        enqueue_for_tenant(jobs_probe.fail_clearly, title="Prov")
    text = _metrics(app.test_client())
    kind = "jobs_probe:record_context"
    assert _sample(text, "finsam_jobs_total", kind=kind, state="finished") == \
        _sample(before, "finsam_jobs_total", kind=kind, state="finished") + 1
    assert _sample(text, "finsam_jobs_total", kind="jobs_probe:fail_clearly", state="failed") >= 1
    assert _sample(text, "flask_http_request_duration_seconds_count", endpoint="meetings.plan", status="200") >= 1
    assert _sample(text, "flask_http_request_duration_seconds_bucket", endpoint="meetings.plan", le="+Inf") >= 1
    assert _sample(text, "flask_http_request_duration_seconds_count", endpoint="tenant.job", status="404") >= 1
    assert "/t/umearegionen" not in text and "999999" not in text  # endpoints, never paths, as labels
    assert "process_resident_memory_bytes" in text
    assert app.test_client().get("/metrics", environ_base={"REMOTE_ADDR": "10.1.2.3"}).status_code == 404
    assert app.test_client().get("/metrics", headers={"X-Forwarded-For": "203.0.113.9"}).status_code == 404
    assert _metrics(app.test_client(), environ_base={"REMOTE_ADDR": "::1"})


def test_metrics_with_a_token_answer_only_its_bearer(app_with):
    app = app_with(METRICS_TOKEN="matning-" + "k" * 24)
    client = app.test_client()
    assert client.get("/metrics").status_code == 401  # loopback is not enough once a token is set
    assert client.get("/metrics", headers={"Authorization": "Bearer fel"}).status_code == 401
    assert client.get("/metrics", headers={"Authorization": "Basic " + "k" * 24}).status_code == 401
    assert _metrics(client, headers={"Authorization": f"Bearer matning-{'k' * 24}"},
                    environ_base={"REMOTE_ADDR": "10.1.2.3"})


def test_metrics_with_redis_count_every_process_s_jobs_and_the_queue(app, redis_url):
    app.config["REDIS_URL"] = redis_url
    before = _metrics(app.test_client())  # what this process counted without Redis, in other tests
    actor = Actor(_user_id(app, "kansli.a@test.se"), "kansli.a@test.se")
    with in_tenant(app, TENANT_A) as tenant, acting_as(actor):
        queued = enqueue_for_tenant(jobs_probe.record_context, title="Prov", note="q")
        assert queued.state == "queued"
        failing = Job(kind="jobs_probe:fail_clearly", title="Prov", actor_id=actor.user_id)
        db.session.add(failing)
        db.session.commit()
        failing_id, tenant_id = failing.id, tenant.id
    run_job(failing_id, tenant_id, actor.user_id, "jobs_probe:fail_clearly", {}, app=app)  # as a work horse would
    text = _metrics(app.test_client())
    for kind, state in (("jobs_probe:record_context", "queued"), ("jobs_probe:fail_clearly", "failed")):
        labels = {"kind": kind, "state": state}
        assert _sample(text, "finsam_jobs_total", **labels) == _sample(before, "finsam_jobs_total", **labels) + 1
    assert _sample(text, "finsam_job_queue_length") == 1
    from redis import Redis

    # kept in Redis (the queue's own hash), so the web's /metrics counts what the workers did
    assert Redis.from_url(redis_url).hget(f"finsam:metrics:jobs:{app.config['RQ_QUEUE']}",
                                          "failed|jobs_probe:fail_clearly") == b"1"


# --- Sentry ---------------------------------------------------------------------------------

def test_sentry_is_not_even_imported_without_a_dsn(app_with):
    assert "sentry_sdk" not in sys.modules
    app = app_with()
    assert app.test_client().get("/healthz").status_code == 200
    assert "sentry_sdk" not in sys.modules


def _fake_sentry(monkeypatch) -> dict:
    calls: dict = {}
    sdk = types.ModuleType("sentry_sdk")
    sdk.init = lambda **options: calls.update(options)
    integrations = types.ModuleType("sentry_sdk.integrations")
    flask_integration = types.ModuleType("sentry_sdk.integrations.flask")
    flask_integration.FlaskIntegration = type("FlaskIntegration", (), {})
    rq_integration = types.ModuleType("sentry_sdk.integrations.rq")
    rq_integration.RqIntegration = type("RqIntegration", (), {})
    for name, module in {"sentry_sdk": sdk, "sentry_sdk.integrations": integrations,
                         "sentry_sdk.integrations.flask": flask_integration,
                         "sentry_sdk.integrations.rq": rq_integration}.items():
        monkeypatch.setitem(sys.modules, name, module)
    from finsam_saas.platform import observability

    monkeypatch.setattr(observability, "_sentry_dsn", None)
    return calls


def test_sentry_starts_with_a_dsn_and_sends_no_personal_data(app_with, monkeypatch):
    calls = _fake_sentry(monkeypatch)
    app_with(SENTRY_DSN="https://publik@sentry.example/1", SENTRY_ENVIRONMENT="test")
    assert calls["dsn"] == "https://publik@sentry.example/1" and calls["environment"] == "test"
    assert calls["send_default_pii"] is False and calls["include_local_variables"] is False
    assert calls["max_request_body_size"] == "never" and calls["traces_sample_rate"] == 0
    assert [type(i).__name__ for i in calls["integrations"]] == ["FlaskIntegration", "RqIntegration"]
    event = {"request": {"url": "https://finsam.example/t/umearegionen/", "cookies": {"session": "kaka"},
                         "data": {"password": "hemligt"}, "query_string": "token=abc",
                         "headers": {"Authorization": "Bearer abcdefghij", "Cookie": "session=kaka",
                                     "User-Agent": "prov"}},
             "extra": {"api_token": "abc", "note": "password=hemligt"}}
    sent = calls["before_send"](event, {})
    assert "cookies" not in sent["request"] and "data" not in sent["request"] and "query_string" not in sent["request"]
    assert sent["request"]["headers"] == {"User-Agent": "prov"}
    assert sent["extra"] == {"api_token": "[redacted]", "note": "password=[redacted]"}
    crumb = calls["before_breadcrumb"]({"message": "Authorization: Bearer abcdefghij"}, {})
    assert "abcdefghij" not in crumb["message"]


def test_a_dsn_without_sentry_sdk_installed_stops_the_start_saying_why(app_with, monkeypatch):
    from finsam_saas.platform import observability

    monkeypatch.setattr(observability, "_sentry_dsn", None)
    monkeypatch.setitem(sys.modules, "sentry_sdk", None)  # as if not installed
    with pytest.raises(RuntimeError, match="sentry-sdk är inte installerat"):
        app_with(SENTRY_DSN="https://publik@sentry.example/1")
