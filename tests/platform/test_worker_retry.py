"""Jobs are safe to retry: a real rq worker is killed (SIGKILL) in the middle of a job, another
worker takes the job over once its lease runs out, and what the first run did is not done again.

- A kallelse send-out: every recipient gets the kallelse exactly once, the job ends Klart (med
  avvikelser, for the one without an address) after two runs, and its page says it was run again.
- An import: the first run wrote every row but never committed; nothing of it is left, and the
  retry imports the file once. An import whose job had ended is not run again at all.
- A stored PDF: a work horse killed after the file was written is retried, and the file served is
  the retry's, whole and matching its sha256.

The workers run with JOB_HEARTBEAT_SECONDS=1 and JOB_LEASE_SECONDS=3, as `flask worker` does.
"""
from __future__ import annotations

import email
import os
import signal
import subprocess
import sys
import time
from collections import Counter
from datetime import date
from email import policy
from pathlib import Path

import pytest
from sqlalchemy import func, select

from finsam_saas.extensions import db
from finsam_saas.platform.jobs import enqueue_for_tenant, run_job
from finsam_saas.platform.models import AuditEntry, Delivery, Job, User
from finsam_saas.platform.tenancy import Actor, acting_as

import retry_probe
from support import PROJECT, TENANT_A, ApiClient, in_tenant, login

TESTS = Path(__file__).resolve().parent.parent
HEARTBEAT, LEASE = 1, 3
BOARD_WITH_ADDRESS = 11  # the styrelse's register: 12 seats, Christina Lidström has no address


def _env(app, redis_url, **extra) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("FLASK_", "SENTRY_"))}
    env.update({
        "DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
        "REDIS_URL": redis_url,
        "RQ_QUEUE": app.config["RQ_QUEUE"],
        "FILES_DIR": str(app.config["FILES_DIR"]),
        "OUTBOX_DIR": str(app.config["OUTBOX_DIR"]),
        "TENANTS_DIR": str(app.config["TENANTS_DIR"]),
        "SECRET_KEY": "test",
        "JOB_HEARTBEAT_SECONDS": str(HEARTBEAT),
        "JOB_LEASE_SECONDS": str(LEASE),
        "PYTHONPATH": os.pathsep.join([str(TESTS), str(PROJECT)]),
    })
    for name in ("MIGRATION_DATABASE_URL", "APP_DB_ROLE"):
        if app.config.get(name):
            env[name] = app.config[name]
    env.update({k: str(v) for k, v in extra.items()})
    return env


class Workers:
    """Real `flask worker` processes (not --burst: they wait for work as in production)."""

    def __init__(self, app, redis_url, tmp_path: Path, **extra):
        self.env = _env(app, redis_url, **extra)
        self.tmp = tmp_path
        self.running: list[subprocess.Popen] = []

    def start(self) -> subprocess.Popen:
        log = (self.tmp / f"worker-{len(self.running)}.log").open("w")
        process = subprocess.Popen([sys.executable, "-m", "flask", "--app", "finsam_saas", "worker"], env=self.env,
                                   cwd=PROJECT, stdout=log, stderr=subprocess.STDOUT)
        self.running.append(process)
        return process

    def log(self, index: int) -> str:
        return (self.tmp / f"worker-{index}.log").read_text(errors="replace")[-4000:]

    def stop(self) -> None:
        for process in self.running:
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)  # a warm shutdown: it ends its job, if any, first
        for process in self.running:
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


@pytest.fixture
def workers(tmp_path, redis_url):
    made = []

    def make(app, **extra):
        app.config["REDIS_URL"] = redis_url
        made.append(Workers(app, redis_url, tmp_path, **extra))
        return made[-1]

    yield make
    for group in made:
        group.stop()


def _children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                found.append(int(entry.name))
    return found


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def _wait(condition, seconds: float, what: str, workers: Workers | None = None):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.1)
    logs = "\n".join(workers.log(i) for i in range(len(workers.running))) if workers else ""
    pytest.fail(f"{what} did not happen within {seconds} s\n{logs}")


def _kill_mid_job(worker: subprocess.Popen) -> None:
    """SIGKILL the worker, as a host losing power or the OOM killer would; its work horse (the
    process running the job) must die with it, not go on beside the next worker."""
    horses = _children(worker.pid)
    assert horses, "the worker has no work horse: no job is running"
    worker.send_signal(signal.SIGKILL)
    worker.wait(timeout=5)
    _wait(lambda: not any(_alive(pid) for pid in horses), 5, "the work horse dying with its worker")


def _job(app, job_id: int) -> Job:
    with in_tenant(app, TENANT_A):
        job = db.session.get(Job, job_id)
        db.session.expunge(job)
        return job


def _ended(app, job_id: int):
    job = _job(app, job_id)
    return job if job.state in ("finished", "failed") else None


def _actor(app) -> Actor:
    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == "kansli.a@test.se"))
        return Actor(user.id, user.email)


# --- a kallelse send-out --------------------------------------------------------------------

def _recipients_of(outbox: Path) -> Counter:
    return Counter(email.message_from_bytes(p.read_bytes(), policy=policy.default)["To"]
                   for p in outbox.glob("*.eml"))


def test_a_worker_killed_mid_send_out_is_taken_over_and_each_recipient_gets_the_kallelse_once(any_app, workers):
    api = ApiClient(any_app)
    answer = api.post("/meetings", json={"body": "styrelse", "date": "2021-02-19", "template": True,
                                         "items": [{"title": "Verksamhetsplan", "kind": "beslut"}]})
    assert answer.status_code == 201, answer.json
    meeting_id = answer.json["id"]
    outbox = Path(any_app.config["OUTBOX_DIR"])
    pool = workers(any_app, MAIL_DELAY_SECONDS=0.4)  # a slow mail server: the kill lands mid-send-out
    first = pool.start()
    started = api.post(f"/meetings/{meeting_id}/notice", json={"confirm": True})
    assert started.status_code == 202 and started.json["state"] == "queued", started.json
    job_id = started.json["id"]

    _wait(lambda: len(list(outbox.glob("*.eml"))) >= 3, 30, "three kallelser in the outbox", pool)
    _kill_mid_job(first)
    sent_by_first = _recipients_of(outbox)
    assert 3 <= sum(sent_by_first.values()) < BOARD_WITH_ADDRESS, sent_by_first
    assert _job(any_app, job_id).state == "started"  # the dead run never wrote an end

    pool.start()  # the next worker takes the job over once its lease has run out
    job = _wait(lambda: _ended(any_app, job_id), 30, "the job ending on the second worker", pool)

    received = _recipients_of(outbox)
    assert len(received) == BOARD_WITH_ADDRESS and set(received.values()) == {1}, received  # each exactly once
    assert sent_by_first.keys() <= received.keys()
    assert (job.state, job.attempts) == ("finished", 2), (job.state, job.attempts, job.error)
    assert job.warnings == ["Christina Lidström fick inget: e-postadress saknas."]
    # the second run continues the first one's send-out: what the first sent counts as sent
    assert (job.result["sent"], job.result["already"], job.result["uncertain"]) == (BOARD_WITH_ADDRESS, 0, 0)
    with in_tenant(any_app, TENANT_A):
        deliveries = db.session.scalars(select(Delivery).where(Delivery.batch == f"meeting:{meeting_id}:kallelse")).all()
        assert len(deliveries) == BOARD_WITH_ADDRESS and {d.state for d in deliveries} == {"sent"}
        assert {d.job_id for d in deliveries} == {job_id}
    client = any_app.test_client()
    assert login(client, "kansli.a@test.se").status_code == 302
    page = client.get(f"/t/{TENANT_A}/jobb/{job_id}").get_data(as_text=True)
    assert "Klart med avvikelser" in page and "Skickat till 11 mottagare" in page
    assert "kördes om" in page and "2 försök" in page
    assert api.get(f"/jobs/{job_id}").json["attempts"] == 2


# --- an import ------------------------------------------------------------------------------

HEADER = "Insats;Period;Kön;Deltagare;Nya;Avslutade;Arbete;Studier;Annan behovsanpassad lösning;Övriga avbrott;Kvar"
OUTCOMES = "\n".join([HEADER, "Ungdomstorget;2017;Kvinnor;157;57;65;15;16;12;22;92",
                      "Ungdomstorget;2017;Män;179;63;92;40;14;17;21;87"]).encode()


def _outcomes(app) -> tuple[int, int]:
    """(outcome rows, audit entries of outcomes created)."""
    from finsam_saas.insatser.models import Outcome

    with in_tenant(app, TENANT_A):
        rows = db.session.scalar(select(func.count()).select_from(Outcome))
        created = db.session.scalar(select(func.count()).select_from(AuditEntry)
                                    .where(AuditEntry.object_type == Outcome.__name__,
                                           AuditEntry.action == "create"))
        return rows, created


def _stored_outcome_file(app) -> str:
    from finsam_saas.insatser.models import Insats
    from finsam_saas.platform.files import store_upload

    with in_tenant(app, TENANT_A), acting_as(_actor(app)):
        db.session.add(Insats(name="Ungdomstorget", owner="Umeå kommun", kind="individ", start=date(2017, 1, 1),
                              end=date(2021, 12, 31)))
        db.session.commit()
        return store_upload(TENANT_A, "imports", OUTCOMES, "utfall.csv")


def test_an_import_whose_worker_died_before_its_end_left_nothing_and_its_retry_imports_once(any_app, workers, tmp_path):
    path = _stored_outcome_file(any_app)
    pool = workers(any_app)
    marker = tmp_path / "imported-not-committed"
    with in_tenant(any_app, TENANT_A), acting_as(_actor(any_app)):
        job_id = enqueue_for_tenant(retry_probe.import_outcomes_then_hang, title="Import av utfall från utfall.csv",
                                    path=path, filename="utfall.csv", marker=str(marker)).id
    first = pool.start()
    _wait(marker.exists, 30, "the first run writing every row", pool)
    _kill_mid_job(first)
    assert _outcomes(any_app) == (0, 0)  # the rows died with their transaction
    pool.start()
    job = _wait(lambda: _ended(any_app, job_id), 30, "the import ending on the second worker", pool)
    assert (job.state, job.attempts) == ("finished", 2), (job.state, job.attempts, job.error)
    assert job.result["rows"] == 2
    assert _outcomes(any_app) == (2, 2)  # imported once: two rows, each created once


def test_an_import_retried_after_its_end_was_recorded_does_nothing_again(any_app):
    """The worker died after the job's end was committed (with the rows: one transaction) but
    before the queue heard of it: rq runs it again, and the run sees the job ended."""
    from finsam_saas.insatser import jobs as insatser_jobs

    path = _stored_outcome_file(any_app)
    actor = _actor(any_app)
    with in_tenant(any_app, TENANT_A) as tenant, acting_as(actor):
        tenant_id = tenant.id
        job_id = enqueue_for_tenant(insatser_jobs.import_outcomes, title="Import av utfall", path=path,
                                    filename="utfall.csv").id
    assert _job(any_app, job_id).state == "finished" and _outcomes(any_app) == (2, 2)
    run_job(job_id, tenant_id, actor.user_id, "finsam_saas.insatser.jobs:import_outcomes",
            {"path": path, "filename": "utfall.csv"}, app=any_app)
    job = _job(any_app, job_id)
    assert (job.state, job.attempts) == ("finished", 1) and _outcomes(any_app) == (2, 2)


# --- a stored PDF ---------------------------------------------------------------------------

def test_a_pdf_job_killed_after_storing_its_file_is_retried_and_serves_the_retrys_file_whole(app, workers):
    api = ApiClient(app)
    meeting_id = api.post("/meetings", json={"body": "styrelse", "date": "2021-02-19", "template": True}).json["id"]
    pool = workers(app)
    with in_tenant(app, TENANT_A), acting_as(_actor(app)):
        job_id = enqueue_for_tenant(retry_probe.render_notice_then_die, title="Kallelse som PDF",
                                    meeting_id=meeting_id).id
    pool.start()
    job = _wait(lambda: _ended(app, job_id), 60, "the PDF job ending after its retry", pool)
    assert (job.state, job.attempts) == ("finished", 2), (job.state, job.attempts, job.error)
    assert job.result["file"] == f"jobs/{job_id}/kallelse-2021-02-19.pdf"
    client = app.test_client()
    assert login(client, "kansli.a@test.se").status_code == 302
    pdf = client.get(f"/t/{TENANT_A}/jobb/{job_id}/fil")
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF") and pdf.data.rstrip().endswith(b"%%EOF")
    files = list((Path(app.config["FILES_DIR"]) / TENANT_A / "jobs" / str(job_id)).iterdir())
    assert [f.name for f in files] == ["kallelse-2021-02-19.pdf"]  # no half-written file left beside it
