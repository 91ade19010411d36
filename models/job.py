"""What the job queue leaves in the database so that it is seen, not silent: each periodic check's
last run, each worker's heartbeat, the jobs running now (so a job whose worker died is run again),
and jobs that failed for good (so an administrator can read why and retry them).

The queue itself (pending and scheduled jobs) lives in Huey's storage: a SQLite file or Redis.
"""
from datetime import datetime

from sqlalchemy import JSON, Integer, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from core.extensions import db
from core.timeutil import utcnow
from models.types import UTCDateTime, id_column

TASK_NAME_MAX = 200
WORKER_ID_MAX = 150  # host:pid


class PeriodicCheck(db.Model):
    """One row per periodic check (``@jobs.periodic``): when it last ran, and what it did or why it failed."""

    __tablename__ = "periodic_checks"

    name: Mapped[str] = mapped_column(String(TASK_NAME_MAX), primary_key=True)
    last_started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Counts of what the last successful run did, e.g. {"rental.ending_soon": 3}.
    last_result: Mapped[dict | None] = mapped_column(JSON)
    last_error: Mapped[str | None] = mapped_column(Text)
    runs: Mapped[int] = mapped_column(Integer, default=0)


class WorkerHeartbeat(db.Model):
    """A worker (or a ``flask jobs tick``) saying it is alive; ``/healthz`` reads the newest."""

    __tablename__ = "worker_heartbeats"

    id: Mapped[str] = mapped_column(String(WORKER_ID_MAX), primary_key=True)  # host:pid
    started_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)


class RunningJob(db.Model):
    """A job a worker has taken off the queue and not finished.

    Huey removes a job from the queue when a worker takes it, so a worker killed in the middle would
    lose it; this row keeps the job's message until it finishes, and another worker puts it back on
    the queue when the one running it is gone.
    """

    __tablename__ = "running_jobs"

    task_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    task: Mapped[str] = mapped_column(String(TASK_NAME_MAX))
    args: Mapped[list] = mapped_column(JSON, default=list)
    message: Mapped[bytes] = mapped_column(LargeBinary)  # the job as Huey serialized it
    worker_id: Mapped[str] = mapped_column(String(WORKER_ID_MAX), index=True)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class FailedJob(db.Model):
    """A job that raised on its last attempt; Retry on the admin jobs page puts it back on the queue."""

    __tablename__ = "failed_jobs"

    id: Mapped[str] = id_column()
    task: Mapped[str] = mapped_column(String(TASK_NAME_MAX))
    args: Mapped[list] = mapped_column(JSON, default=list)
    error: Mapped[str] = mapped_column(Text)
    traceback: Mapped[str] = mapped_column(Text, default="")
    attempts: Mapped[int] = mapped_column(Integer)
    failed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    retried_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
