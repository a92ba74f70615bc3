"""Background jobs through one wrapper.

`enqueue_for_tenant` records a Job row in the tenant and runs the work on an rq
worker when REDIS_URL is set, or at once in this process when it is not. Either
way the work runs through `run_job`, which starts from an empty context (nothing
of the request that enqueued it, not its tenant), opens a fresh app context and
session, enters the job's tenant, and re-checks that the actor is still a member
before it does anything. A job gets ids, never ORM objects.

Retried after a dead worker. A worker tells Redis every JOB_HEARTBEAT_SECONDS that its job is
alive. When the work horse dies (killed, out of memory) the worker retries the job at once (rq's
`Retry`, JOB_RETRIES times); when the whole worker dies, its job is not heard of for
JOB_LEASE_SECONDS, and the next worker that looks (at its start, then every JOB_HEARTBEAT_SECONDS)
retries it. A work horse never outlives its worker, so a job runs once at a time. A retried run
counts in `Job.attempts` and continues what the earlier run recorded instead of repeating it:
send-outs skip everyone already reached (platform/dispatch.py); imports write in one transaction
with the job's end, so a run either saved everything and ended the job or saved nothing; a stored
file of a job lives at a path of its own (jobs/<job id>/…) that a retry writes again whole, and
is named in the job's result only at its end. A run that finds its job already ended does nothing.
"""
from __future__ import annotations

import contextvars
import importlib
import os
import signal
import sys
import time
import traceback

from flask import current_app, has_app_context
from rq import Retry, Worker
from sqlalchemy import select

from finsam_saas.extensions import db
from finsam_saas.platform import logs, metrics
from finsam_saas.platform.files import DamagedFile
from finsam_saas.platform.models import Job, Membership, User, utcnow
from finsam_saas.platform.rounding import round_half_up
from finsam_saas.platform.rules import DomainError
from finsam_saas.platform.tenancy import Actor, acting_as, current_actor, require_tenant_id, tenant_context

FINISHED_STATES = ("finished", "failed")
QUEUE_DOWN = "Jobbkön svarar inte just nu, så jobbet kunde inte startas. Inget har ändrats; försök igen om en stund."


log = logs.get_logger("finsam.jobs")


class JobRefused(RuntimeError):
    """The job may not run: its actor has no membership in its tenant any more."""


def _function_path(func) -> str:
    return f"{func.__module__}:{func.__qualname__}"


def _resolve(path: str):
    module_name, _, name = path.partition(":")
    return getattr(importlib.import_module(module_name), name)


def enqueue_for_tenant(func, *, title: str, **kwargs) -> Job:
    """Run `func(job, **kwargs)` for the current tenant and actor; returns the Job row.

    `func` must be a module-level function; kwargs must be plain JSON values.
    """
    tenant_id = require_tenant_id()
    actor = current_actor()
    job = Job(kind=_function_path(func), title=title, state="queued", actor_id=actor.user_id)
    db.session.add(job)
    db.session.commit()
    metrics.count_job(job.kind, "queued")
    request_id = logs.current_request_id()
    redis_url = current_app.config.get("REDIS_URL")
    if redis_url:
        from redis.exceptions import RedisError

        retries = current_app.config.get("JOB_RETRIES", 1)
        try:
            queue = _queue(redis_url, current_app.config["RQ_QUEUE"])
            rq_job = queue.enqueue(
                "finsam_saas.platform.jobs.run_job",
                job.id, tenant_id, actor.user_id, _function_path(func), kwargs, request_id=request_id,
                job_timeout=600, result_ttl=86400, failure_ttl=7 * 86400,
                # A worker lost mid-job (killed, out of memory) gets its work again, at once.
                retry=Retry(max=retries) if retries else None,
            )
        except RedisError as error:
            # The page still answers: the job says plainly why it did not start.
            current_app.logger.error("Jobbkön nås inte: %s", error)
            job.state, job.error, job.finished_at = "failed", QUEUE_DOWN, utcnow()
            db.session.commit()
            metrics.count_job(job.kind, "failed")
            return job
        job.rq_id = rq_job.id
        db.session.commit()
    else:
        app = current_app._get_current_object()
        # An empty Context: the inline job inherits nothing from the request.
        contextvars.Context().run(run_job, job.id, tenant_id, actor.user_id, _function_path(func), kwargs, app=app,
                                  request_id=request_id)
        db.session.expire(job)
    return job


def _queue(redis_url: str, name: str):
    from redis import Redis
    from rq import Queue

    return Queue(name, connection=Redis.from_url(redis_url))


def run_job(job_id: int, tenant_id: int, actor_id: int | None, func_path: str, kwargs: dict, app=None,
            request_id: str | None = None) -> None:
    if app is None:
        if has_app_context():
            app = current_app._get_current_object()
        else:
            from finsam_saas import create_app

            app = create_app()
    with app.app_context(), tenant_context(tenant_id), logs.bound(
            request_id=request_id, job_id=job_id, tenant_id=tenant_id, job_kind=_kind(func_path)):
        _fresh_pool_after_fork()
        try:
            _run(job_id, tenant_id, actor_id, func_path, kwargs)
        finally:
            db.session.remove()


def _kind(func_path: str) -> str:
    return func_path.removeprefix("finsam_saas.")


_pool_pid = os.getpid()


def _fresh_pool_after_fork() -> None:
    # An rq worker forks per job; the child must not share the parent's sockets.
    global _pool_pid
    if _pool_pid != os.getpid():
        for engine in db.engines.values():
            engine.dispose(close=False)
        _pool_pid = os.getpid()


def _run(job_id, tenant_id, actor_id, func_path, kwargs) -> None:
    job = db.session.get(Job, job_id)
    if job is None:
        raise JobRefused(f"Jobb {job_id} finns inte i organisationen {tenant_id}.")
    if job.state in FINISHED_STATES:
        # Its worker died after the job's end was committed and before the queue heard of it.
        log.info("job_already_ended", state=job.state)
        return
    attempt, kind, started = (job.attempts or 0) + 1, job.kind, time.monotonic()
    job.attempts, job.state, job.started_at, job.progress = attempt, "started", utcnow(), 0
    db.session.commit()
    metrics.count_job(kind, "started" if attempt == 1 else "retried")
    log.info("job_started" if attempt == 1 else "job_retried", attempt=attempt)
    try:
        actor = _check_actor(actor_id, tenant_id)
        with acting_as(actor):
            result = _resolve(func_path)(job, **kwargs)
        job.result = result if isinstance(result, dict) else None
        # A job that did its work but not all of it (a send-out that missed people) says whom.
        job.warnings = list(job.result.get("warnings") or []) or None if job.result else None
        missed = len(job.warnings or ())
        job.state, job.progress, job.finished_at = "finished", 100, utcnow()
        db.session.commit()
    except Exception as error:
        db.session.rollback()
        _record_failure(job_id, error)
        # The Job row is what the page shows; the traceback goes to the log only.
        current_app.logger.error("Jobb %s misslyckades: %s\n%s", job_id, error, traceback.format_exc())
        metrics.count_job(kind, "failed")
        log.info("job_failed", attempt=attempt, seconds=round_half_up(time.monotonic() - started, 3))
        return
    metrics.count_job(kind, "finished")
    log.info("job_finished", attempt=attempt, seconds=round_half_up(time.monotonic() - started, 3), warnings=missed)


def _record_failure(job_id: int, error: Exception) -> None:
    """Store why the job failed. The reason is made storable (PostgreSQL takes no NUL in text), and
    when even that cannot be stored the plain sentence is, so the job never ends up retried for
    its own error."""
    for reason in (_storable(_reason(error)), UNEXPECTED):
        job = db.session.get(Job, job_id)
        job.state, job.finished_at, job.error = "failed", utcnow(), reason
        try:
            db.session.commit()
            return
        except Exception:
            db.session.rollback()
            if reason == UNEXPECTED:
                raise


def _storable(text: str) -> str:
    return text.replace("\x00", "\\0")


UNEXPECTED = ("Ett oväntat fel stoppade jobbet. Det som redan var klart är sparat, och inget görs två gånger om du "
              "startar jobbet igen. Händer det igen: kontakta supporten.")


def _reason(error: Exception) -> str:
    """What the job page says: our own refusals as they are written (in Swedish, naming what is
    wrong), anything else in plain words; the details go to the log."""
    # The jobs raise LookupError and ValueError with a sentence of their own; a KeyError, an
    # IndexError or a codec error is a fault, whose words are the library's.
    if isinstance(error, (KeyError, IndexError, UnicodeError)):
        return UNEXPECTED
    if isinstance(error, DamagedFile):
        return (f"En sparad fil är skadad ({error.relative}): den stämmer inte med sin kontrollsumma och skickas "
                "därför inte. Se Arkivkontroll; filen behöver återställas från säkerhetskopian.")
    if isinstance(error, (DomainError, JobRefused, LookupError, ValueError)) and str(error):
        return str(error)
    return UNEXPECTED


def _check_actor(actor_id: int | None, tenant_id: int) -> Actor:
    if actor_id is None:
        return Actor(None, "system")
    membership = db.session.scalar(
        select(Membership).where(Membership.user_id == actor_id, Membership.tenant_id == tenant_id)
    )
    user = db.session.get(User, actor_id)
    if membership is None or user is None or not user.active:
        name = user.email if user else f"användare {actor_id}"
        raise JobRefused(f"{name} är inte längre medlem i organisationen; jobbet kördes inte.")
    return Actor(user.id, user.email)


ABANDONED = ("Arbetsprocessen avbröts mitt i jobbet och har gett upp efter nya försök. Det som blev klart är sparat "
             "och görs inte om (den som redan fått ett utskick får det inte igen), och ingen halvfärdig fil visas; "
             "starta jobbet igen så fortsätter det.")


def refresh_from_queue(job: Job) -> Job:
    """A job whose worker died never writes its own end: ask the queue, and say so on the job."""
    redis_url = current_app.config.get("REDIS_URL")
    if job.state not in ("queued", "started") or not job.rq_id or not redis_url:
        return job
    from redis import Redis
    from redis.exceptions import RedisError
    from rq.exceptions import NoSuchJobError
    from rq.job import Job as QueuedJob, JobStatus

    try:
        queued = QueuedJob.fetch(job.rq_id, connection=Redis.from_url(redis_url))
        status = queued.get_status(refresh=True)
    except NoSuchJobError:
        status = JobStatus.FAILED
    except RedisError:
        return job  # the queue is away: the job waits, and the page says it is queued
    if status in (JobStatus.FAILED, JobStatus.STOPPED, JobStatus.CANCELED):
        job.state, job.error, job.finished_at = "failed", ABANDONED, utcnow()
        db.session.commit()
        metrics.count_job(job.kind, "failed")
    return job


def report_progress(job: Job, percent: int) -> None:
    """Let the job page show how far the work has come."""
    job.progress = max(0, min(99, int(percent)))
    db.session.commit()


class FinsamWorker(Worker):
    """rq's forking worker, with the lease of a job set by JOB_HEARTBEAT_SECONDS and
    JOB_LEASE_SECONDS (rq's own is the heartbeat plus 60 s), and a work horse that dies with its
    worker: a job is never run by an orphaned horse while another worker retries it."""

    lease_seconds = 90

    @property
    def dequeue_timeout(self) -> int:
        # rq waits for work up to its worker TTL (~7 minutes) before it looks at its registries
        # again; this worker looks for abandoned jobs every maintenance_interval (a heartbeat).
        return max(1, min(super().dequeue_timeout, int(self.maintenance_interval)))

    def subscribe(self):
        # rq's command channel, read by a thread that waits 60 s per poll; on a warm shutdown
        # (SIGTERM, `docker stop`) rq joins that thread, so the worker lingered up to a minute after
        # its job had ended and was SIGKILLed by the orchestrator. A poll of a heartbeat ends it soon.
        self.log.info('Worker %s: subscribing to channel %s', self.name, self.pubsub_channel_name)
        self.pubsub = self.connection.pubsub()
        self.pubsub.subscribe(**{self.pubsub_channel_name: self.handle_payload})
        self.pubsub_thread = self.pubsub.run_in_thread(sleep_time=max(1, min(5, self.job_monitoring_interval)),
                                                       daemon=True, exception_handler=self._pubsub_exception_handler)

    def get_heartbeat_ttl(self, job, working_time: float = 0.0) -> int:
        beat = self.job_monitoring_interval
        if job.timeout and job.timeout > 0:
            beat = max(1, int(min(job.timeout - working_time, beat)))
        return beat + max(1, self.lease_seconds - self.job_monitoring_interval)

    def fork_work_horse(self, job, queue):
        self._worker_pid = os.getpid()
        return super().fork_work_horse(job, queue)

    def main_work_horse(self, job, queue):
        _die_with(self._worker_pid)
        return super().main_work_horse(job, queue)


def _die_with(worker_pid: int) -> None:
    """In a work horse: be killed when the worker dies (Linux), and end now if it already has."""
    if sys.platform.startswith("linux"):
        try:
            import ctypes

            ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
        except (OSError, AttributeError):
            pass
    if os.getppid() != worker_pid:
        os._exit(1)


def run_worker(app, burst: bool = False) -> None:
    """The rq worker behind `flask worker`."""
    from redis import Redis
    from rq import Queue

    redis_url = app.config.get("REDIS_URL")
    if not redis_url:
        raise RuntimeError("REDIS_URL är inte satt: utan Redis körs jobben direkt i webbprocessen.")
    connection = Redis.from_url(redis_url)
    heartbeat = max(1, int(app.config.get("JOB_HEARTBEAT_SECONDS") or 30))
    lease = max(heartbeat + 1, int(app.config.get("JOB_LEASE_SECONDS") or 90))
    # It looks for jobs abandoned by a dead worker (StartedJobRegistry entries whose lease ran out)
    # every heartbeat, so such a job is retried at most JOB_LEASE_SECONDS + JOB_HEARTBEAT_SECONDS
    # after its worker's last sign of life.
    worker = FinsamWorker([Queue(app.config["RQ_QUEUE"], connection=connection)], connection=connection,
                          job_monitoring_interval=heartbeat, maintenance_interval=heartbeat)
    worker.lease_seconds = lease
    log.info("worker_started", queue=app.config["RQ_QUEUE"], heartbeat_seconds=heartbeat, lease_seconds=lease,
             burst=burst)
    worker.work(burst=burst, with_scheduler=False)
