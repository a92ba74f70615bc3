"""Jobs: one wrapper, inline without Redis, on a real rq worker with it."""
import os
import subprocess
import sys
from pathlib import Path

from sqlalchemy import select

from finsam_saas.extensions import db
from finsam_saas.platform.jobs import enqueue_for_tenant, run_job
from finsam_saas.platform.models import Job, Membership, Tenant, User
from finsam_saas.platform.tenancy import Actor, acting_as, tenant_context

import jobs_probe
from support import PROJECT, TENANT_A, TENANT_B, in_tenant

TESTS = Path(__file__).resolve().parent.parent


def _ids(app):
    with app.app_context():
        tenants = {t.slug: t.id for t in db.session.scalars(select(Tenant))}
        users = {u.email: u.id for u in db.session.scalars(select(User))}
        db.session.remove()
    return tenants, users


def test_inline_job_starts_from_an_empty_context(app):
    tenants, users = _ids(app)
    with app.test_request_context("/t/umearegionen/"):
        from flask import g

        g.marker = "från begäran"
        with tenant_context(tenants[TENANT_A]), acting_as(Actor(users["kansli.a@test.se"], "kansli.a@test.se")):
            job = enqueue_for_tenant(jobs_probe.record_context, title="Prov", note="hej")
            job_id = job.id
    with in_tenant(app, TENANT_A):
        job = db.session.get(Job, job_id)
        assert job.state == "finished", job.error
        seen = job.result
    assert seen["note"] == "hej"
    assert seen["tenant_id"] == tenants[TENANT_A]
    assert seen["actor"] == "kansli.a@test.se"
    assert seen["has_request"] is False and seen["g_marker"] is None
    assert "Styrelse" in " ".join(seen["bodies"])


def test_job_sees_only_its_own_tenant_even_if_run_from_another(app):
    tenants, users = _ids(app)
    with in_tenant(app, TENANT_B):
        db.session.add(__import__("finsam_saas.organisation.models", fromlist=["Body"]).Body(
            slug="b-hemlig", name="B-HEMLIGT", kind="annat"))
        db.session.commit()
    with in_tenant(app, TENANT_A):
        with acting_as(Actor(users["kansli.a@test.se"], "kansli.a@test.se")):
            job_id = enqueue_for_tenant(jobs_probe.record_context, title="Prov", note="a").id
        result = db.session.get(Job, job_id).result
    assert "B-HEMLIGT" not in result["bodies"]


def test_revoked_membership_fails_the_job_with_a_clear_error(app):
    tenants, users = _ids(app)
    with in_tenant(app, TENANT_A):
        job = Job(kind="jobs_probe:record_context", title="Utskick", actor_id=users["kansli.a@test.se"])
        db.session.add(job)
        db.session.execute(db.delete(Membership).where(Membership.user_id == users["kansli.a@test.se"]))
        db.session.commit()
        job_id = job.id
    run_job(job_id, tenants[TENANT_A], users["kansli.a@test.se"], "jobs_probe:record_context", {"note": "x"}, app=app)
    with in_tenant(app, TENANT_A):
        job = db.session.get(Job, job_id)
        assert job.state == "failed"
        assert "kansli.a@test.se är inte längre medlem" in job.error
        assert job.result is None


def test_failed_job_shows_its_reason_on_the_job_page(app, client_a):
    tenants, users = _ids(app)
    with in_tenant(app, TENANT_A), acting_as(Actor(users["kansli.a@test.se"], "kansli.a@test.se")):
        job_id = enqueue_for_tenant(jobs_probe.fail_clearly, title="Kallelse med bilagor").id
    page = client_a.get(f"/t/{TENANT_A}/jobb/{job_id}").get_data(as_text=True)
    assert "Misslyckades" in page and "Bilaga 3 saknas i underlaget" in page
    status = client_a.get(f"/t/{TENANT_A}/jobb/{job_id}/status").json
    assert status["state"] == "failed" and "Bilaga 3" in status["error"]


def _worker_env(app, redis_url):
    env = dict(os.environ)
    env.update({
        "DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
        "REDIS_URL": redis_url,
        "RQ_QUEUE": app.config["RQ_QUEUE"],
        "FILES_DIR": str(app.config["FILES_DIR"]),
        "TENANTS_DIR": str(app.config["TENANTS_DIR"]),
        "PYTHONPATH": os.pathsep.join([str(TESTS), str(PROJECT)]),
    })
    if app.config.get("MIGRATION_DATABASE_URL"):
        env["MIGRATION_DATABASE_URL"] = app.config["MIGRATION_DATABASE_URL"]
    return env


def _run_worker(app, redis_url):
    return subprocess.run(
        [sys.executable, "-m", "flask", "--app", "finsam_saas", "worker", "--burst"],
        env=_worker_env(app, redis_url), cwd=PROJECT, capture_output=True, text=True, timeout=120,
    )


def test_job_runs_on_a_real_rq_worker(app, redis_url, client_a):
    app.config["REDIS_URL"] = redis_url
    answer = client_a.post(f"/t/{TENANT_A}/organisation/utskrift")
    assert answer.status_code == 302
    job_path = answer.headers["Location"]
    assert "Väntar" in client_a.get(job_path).get_data(as_text=True)
    worker = _run_worker(app, redis_url)
    assert worker.returncode == 0, worker.stderr
    page = client_a.get(job_path).get_data(as_text=True)
    assert "Klart" in page, page
    pdf = client_a.get(job_path + "/fil")
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")


def test_worker_refuses_job_of_a_revoked_member(app, redis_url):
    tenants, users = _ids(app)
    app.config["REDIS_URL"] = redis_url
    with in_tenant(app, TENANT_A), acting_as(Actor(users["kansli.a@test.se"], "kansli.a@test.se")):
        job_id = enqueue_for_tenant(jobs_probe.record_context, title="Prov", note="x").id
        db.session.execute(db.delete(Membership).where(Membership.user_id == users["kansli.a@test.se"]))
        db.session.commit()
    worker = _run_worker(app, redis_url)
    assert worker.returncode == 0, worker.stderr
    with in_tenant(app, TENANT_A):
        job = db.session.get(Job, job_id)
        assert job.state == "failed" and "inte längre medlem" in job.error


def test_job_on_postgres_worker_respects_rls(pg_app, redis_url):
    tenants, users = _ids(pg_app)
    pg_app.config["REDIS_URL"] = redis_url
    with in_tenant(pg_app, TENANT_A), acting_as(Actor(users["kansli.a@test.se"], "kansli.a@test.se")):
        job_id = enqueue_for_tenant(jobs_probe.record_context, title="Prov", note="pg").id
    worker = _run_worker(pg_app, redis_url)
    assert worker.returncode == 0, worker.stderr
    with in_tenant(pg_app, TENANT_A):
        job = db.session.get(Job, job_id)
        assert job.state == "finished", job.error
        assert job.result["tenant_id"] == tenants[TENANT_A]
        assert job.result["bodies"]


def test_a_worker_killed_mid_job_is_tried_again_then_reported_and_serves_no_file(app, redis_url, client_a):
    app.config["REDIS_URL"] = redis_url
    _, users = _ids(app)
    with in_tenant(app, TENANT_A), acting_as(Actor(users["kansli.a@test.se"], "kansli.a@test.se")):
        job_id = enqueue_for_tenant(jobs_probe.die_midway, title="Protokoll som PDF").id
    worker = _run_worker(app, redis_url)  # the work horse dies twice: the first run and its one retry
    assert worker.returncode == 0, worker.stderr
    status = client_a.get(f"/t/{TENANT_A}/jobb/{job_id}/status").json
    assert status["state"] == "failed" and "avbröts mitt i jobbet" in status["error"]
    assert client_a.get(f"/t/{TENANT_A}/jobb/{job_id}/fil").status_code == 404


def test_with_redis_down_pages_serve_and_the_job_says_why(app, client_a):
    app.config["REDIS_URL"] = "redis://127.0.0.1:1/0"  # nothing listens there
    answer = client_a.post(f"/t/{TENANT_A}/organisation/utskrift", follow_redirects=True)
    assert answer.status_code == 200 and "Jobbkön svarar inte just nu" in answer.get_data(as_text=True)
    assert client_a.get(f"/t/{TENANT_A}/moten/").status_code == 200


def test_an_unexpected_error_is_told_in_plain_swedish_and_logged(app):
    from finsam_saas.platform.jobs import UNEXPECTED

    with in_tenant(app, "umearegionen") as tenant:
        job = Job(kind="x", title="Något")
        db.session.add(job)
        db.session.commit()
        job_id, tenant_id = job.id, tenant.id
    run_job(job_id, tenant_id, None, "jobs_probe:fail_unexpectedly", {}, app=app)
    with in_tenant(app, "umearegionen"):
        job = db.session.get(Job, job_id)
        assert job.state == "failed" and job.error == UNEXPECTED and "KeyError" not in job.error


def test_the_worker_leases_a_job_for_job_lease_seconds_and_looks_for_abandoned_ones_every_heartbeat(
        app, redis_url, monkeypatch):
    from types import SimpleNamespace

    from finsam_saas.platform import jobs

    made = {}
    monkeypatch.setattr(jobs.FinsamWorker, "work", lambda self, **options: made.update(worker=self, **options))
    app.config.update(REDIS_URL=redis_url, JOB_HEARTBEAT_SECONDS=5, JOB_LEASE_SECONDS=20)
    jobs.run_worker(app)
    worker = made["worker"]
    assert made["with_scheduler"] is False and made["burst"] is False
    assert worker.job_monitoring_interval == 5  # its heartbeat
    assert worker.maintenance_interval == 5 and worker.dequeue_timeout == 5  # looks for abandoned jobs as often
    assert worker.get_heartbeat_ttl(SimpleNamespace(timeout=600)) == 20  # a job not heard of for 20 s is abandoned
    assert worker.get_heartbeat_ttl(SimpleNamespace(timeout=600), working_time=598) == 2 + 15
    app.config.update(JOB_HEARTBEAT_SECONDS=30, JOB_LEASE_SECONDS=10)  # a lease shorter than a beat is lengthened
    jobs.run_worker(app)
    assert made["worker"].get_heartbeat_ttl(SimpleNamespace(timeout=600)) == 31


def test_a_job_counts_its_runs_and_a_run_of_an_ended_job_does_nothing(app):
    tenants, users = _ids(app)
    with in_tenant(app, TENANT_A):
        job = Job(kind="jobs_probe:record_context", title="Prov", actor_id=users["kansli.a@test.se"],
                  state="started", attempts=1)  # its first run died
        db.session.add(job)
        db.session.commit()
        job_id = job.id
    args = (job_id, tenants[TENANT_A], users["kansli.a@test.se"], "jobs_probe:record_context", {"note": "igen"})
    run_job(*args, app=app)
    run_job(*args, app=app)  # the queue ran it once more after its end was recorded
    with in_tenant(app, TENANT_A):
        job = db.session.get(Job, job_id)
        assert (job.state, job.attempts, job.result["note"]) == ("finished", 2, "igen")
