"""What the job queue is doing, for the admin jobs page, ``flask jobs status`` and ``/healthz``: the
periodic checks' last runs, the queue's depth, the workers' heartbeats, and the failed jobs (which an
administrator can retry)."""
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import func, select, update
from sqlalchemy.exc import SQLAlchemyError

from core import jobs
from core.extensions import db
from core.timeutil import utcnow
from models import FailedJob, PeriodicCheck, User, WorkerHeartbeat
from services.admin import require_admin
from services.atomic import write_transaction
from services.errors import Conflict, NotFound

WORKER_OK = "ok"
WORKER_STALE = "stale"
WORKER_NONE = "none"
FAILED_JOBS_SHOWN = 50
FAILED_JOB_NOT_FOUND = "Failed job not found"


@dataclass
class CheckRow:
    name: str
    every_minutes: int
    check: PeriodicCheck | None  # None until it first runs


@dataclass
class WorkerHealth:
    last_heartbeat: datetime | None
    status: str  # ok | stale | none


@dataclass
class Overview:
    storage: str
    checks: list[CheckRow]
    depth: jobs.QueueDepth
    workers: list[WorkerHeartbeat]
    worker: WorkerHealth
    failed: list[FailedJob]
    failed_total: int


def worker_health(now: datetime | None = None) -> WorkerHealth:
    """The newest heartbeat, and whether it is recent (within WORKER_STALE_SECONDS)."""
    now = now or utcnow()
    try:
        newest = db.session.scalar(select(func.max(WorkerHeartbeat.last_seen_at)))
    except SQLAlchemyError:
        # The database answered the health check; a heartbeat it cannot show (a schema not yet
        # upgraded) is no sign of a worker.
        newest = None
    finally:
        db.session.rollback()  # the health check holds no transaction open
    if newest is None:
        return WorkerHealth(None, WORKER_NONE)
    stale = now - newest > timedelta(seconds=current_app.config["WORKER_STALE_SECONDS"])
    return WorkerHealth(newest, WORKER_STALE if stale else WORKER_OK)


def overview() -> Overview:
    queue = jobs.queue()
    recorded = {check.name: check for check in db.session.scalars(select(PeriodicCheck))}
    checks = [CheckRow(name, spec.minutes, recorded.get(name)) for name, spec in sorted(queue.checks.items())]
    workers = list(db.session.scalars(select(WorkerHeartbeat).order_by(WorkerHeartbeat.last_seen_at.desc()).limit(10)))
    failed = list(db.session.scalars(
        select(FailedJob).order_by(FailedJob.failed_at.desc(), FailedJob.id.desc()).limit(FAILED_JOBS_SHOWN)))
    failed_total = db.session.scalar(select(func.count()).select_from(FailedJob))
    return Overview(queue.describe_storage(), checks, queue.depth(), workers, worker_health(), failed, failed_total)


def overview_for(actor: User) -> Overview:
    require_admin(actor)
    return overview()


def retry_failed_job(actor: User | None, failed_job_id: str) -> FailedJob:
    """Queue a failed job again (with all its attempts) and mark it retried; once only."""
    if actor is not None:
        require_admin(actor)
    with write_transaction():
        failed = db.session.get(FailedJob, failed_job_id)
        if failed is None:
            raise NotFound(FAILED_JOB_NOT_FOUND)
        if failed.task not in jobs.queue().specs:
            raise Conflict(f"There is no job {failed.task} any more, so it cannot be run again")
        now = utcnow()
        marked = db.session.execute(
            update(FailedJob).where(FailedJob.id == failed_job_id, FailedJob.retried_at.is_(None))
            .values(retried_at=now),
            execution_options={"synchronize_session": False},
        ).rowcount
        if not marked:
            raise Conflict("This job was retried already; if it failed again, it is listed again")
        failed.retried_at = now
        jobs.enqueue_after_commit(failed.task, *failed.args)
    return failed
