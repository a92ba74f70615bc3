"""Background jobs through one wrapper.

`enqueue_for_tenant` records a Job row in the tenant and runs the work on an rq
worker when REDIS_URL is set, or at once in this process when it is not. Either
way the work runs through `run_job`, which starts from an empty context (nothing
of the request that enqueued it, not its tenant), opens a fresh app context and
session, enters the job's tenant, and re-checks that the actor is still a member
before it does anything. A job gets ids, never ORM objects.
"""
from __future__ import annotations

import contextvars
import importlib
import os
import traceback

from flask import current_app, has_app_context
from rq import Retry
from sqlalchemy import select

from finsam_saas.extensions import db
from finsam_saas.platform.files import DamagedFile
from finsam_saas.platform.models import Job, Membership, User, utcnow
from finsam_saas.platform.rules import DomainError
from finsam_saas.platform.tenancy import Actor, acting_as, current_actor, require_tenant_id, tenant_context

QUEUE_DOWN = "Jobbkön svarar inte just nu, så jobbet kunde inte startas. Inget har ändrats; försök igen om en stund."


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
    redis_url = current_app.config.get("REDIS_URL")
    if redis_url:
        from redis.exceptions import RedisError

        retries = current_app.config.get("JOB_RETRIES", 1)
        try:
            queue = _queue(redis_url, current_app.config["RQ_QUEUE"])
            rq_job = queue.enqueue(
                "finsam_saas.platform.jobs.run_job",
                job.id, tenant_id, actor.user_id, _function_path(func), kwargs,
                job_timeout=600, result_ttl=86400, failure_ttl=7 * 86400,
                # A worker lost mid-job (killed, out of memory) gets its work again, at once.
                retry=Retry(max=retries) if retries else None,
            )
        except RedisError as error:
            # The page still answers: the job says plainly why it did not start.
            current_app.logger.error("Jobbkön nås inte: %s", error)
            job.state, job.error, job.finished_at = "failed", QUEUE_DOWN, utcnow()
            db.session.commit()
            return job
        job.rq_id = rq_job.id
        db.session.commit()
    else:
        app = current_app._get_current_object()
        # An empty Context: the inline job inherits nothing from the request.
        contextvars.Context().run(run_job, job.id, tenant_id, actor.user_id, _function_path(func), kwargs, app=app)
        db.session.expire(job)
    return job


def _queue(redis_url: str, name: str):
    from redis import Redis
    from rq import Queue

    return Queue(name, connection=Redis.from_url(redis_url))


def run_job(job_id: int, tenant_id: int, actor_id: int | None, func_path: str, kwargs: dict, app=None) -> None:
    if app is None:
        if has_app_context():
            app = current_app._get_current_object()
        else:
            from finsam_saas import create_app

            app = create_app()
    with app.app_context(), tenant_context(tenant_id):
        _fresh_pool_after_fork()
        try:
            _run(job_id, tenant_id, actor_id, func_path, kwargs)
        finally:
            db.session.remove()


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
    job.state, job.started_at, job.progress = "started", utcnow(), 0
    db.session.commit()
    try:
        actor = _check_actor(actor_id, tenant_id)
        with acting_as(actor):
            result = _resolve(func_path)(job, **kwargs)
        job.result = result if isinstance(result, dict) else None
        # A job that did its work but not all of it (a send-out that missed people) says whom.
        job.warnings = list(job.result.get("warnings") or []) or None if job.result else None
        job.state, job.progress, job.finished_at = "finished", 100, utcnow()
        db.session.commit()
    except Exception as error:
        db.session.rollback()
        job = db.session.get(Job, job_id)
        job.state, job.finished_at = "failed", utcnow()
        job.error = _reason(error)
        db.session.commit()
        # The Job row is what the page shows; the traceback goes to the log only.
        current_app.logger.error("Jobb %s misslyckades: %s\n%s", job_id, error, traceback.format_exc())


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


ABANDONED = "Arbetsprocessen avbröts mitt i jobbet och har gett upp efter nya försök. Inget halvfärdigt har sparats; starta jobbet igen."


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
    return job


def report_progress(job: Job, percent: int) -> None:
    """Let the job page show how far the work has come."""
    job.progress = max(0, min(99, int(percent)))
    db.session.commit()


def run_worker(app, burst: bool = False) -> None:
    """The rq worker behind `flask worker`."""
    from redis import Redis
    from rq import Queue, Worker

    redis_url = app.config.get("REDIS_URL")
    if not redis_url:
        raise RuntimeError("REDIS_URL är inte satt: utan Redis körs jobben direkt i webbprocessen.")
    connection = Redis.from_url(redis_url)
    worker = Worker([Queue(app.config["RQ_QUEUE"], connection=connection)], connection=connection)
    worker.work(burst=burst, with_scheduler=False)
