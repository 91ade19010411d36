"""The job queue: work that happens later or elsewhere (reminders, dispatching events, email).

Huey keeps the queue: in a SQLite file under ``instance/`` by default (no extra service), in Redis
when ``REDIS_URL`` is set, so that workers on several machines share it. The service modules
declare their jobs with decorators that only record them:

    @jobs.task(retries=5, retry_delay=30, retry_backoff=2)
    def send_something(message_id): ...

    @jobs.periodic(minutes=1)
    def check_something(): ...       # returns counts of what it did, e.g. {"sent": 3}

and ``init_app`` (in ``create_app``) binds every recorded function to the app's Huey. A job runs in
an app context and commits its session when it returns (rolls it back when it raises). A job that
raises is retried after ``retry_delay * retry_backoff ** (attempt - 1)`` seconds; after its last
retry it is recorded in ``failed_jobs``. ``enqueue(func, *args)`` puts a job on the queue now;
``enqueue_after_commit(func, *args)`` when the current database transaction commits, and never if
it rolls back.

What the queue does is kept in the database where the admin page and ``/healthz`` read it: each
periodic check's last run (``periodic_checks``), each worker's heartbeat (``worker_heartbeats``),
the jobs being run (``running_jobs``: Huey forgets a job once a worker takes it, so a job whose
worker was killed is put back on the queue by the next worker or tick that sees it), and the jobs
that failed for good (``failed_jobs``).

Huey reads the time from ``core.timeutil.utcnow``, like the rest of the app, so tests that move the
clock see retries come due.
"""
import json
import logging
import os
import socket
import threading
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from functools import wraps
from pathlib import Path

from flask import Flask, current_app
from huey import RedisHuey, SqliteHuey, crontab
from huey.api import PeriodicTask
from huey.signals import SIGNAL_COMPLETE, SIGNAL_ERROR, SIGNAL_SCHEDULED
from sqlalchemy import delete, event, func, select, update
from sqlalchemy.orm import Session

from core.bulk import upsert
from core.config import ConfigurationError, without_password
from core.extensions import db
from core.timeutil import utcnow
from models.job import FailedJob, PeriodicCheck, RunningJob, WorkerHeartbeat

logger = logging.getLogger(__name__)

DEFAULT_QUEUE_NAME = "servermarket"
DEFAULT_REMINDER_HOURS = "72,24"
# Seconds between a webhook message's attempts: 8 attempts over about a day.
DEFAULT_WEBHOOK_RETRY_SCHEDULE = "5,300,1800,7200,18000,36000,36000"
# Heartbeats of workers gone this long are deleted; a running worker writes one every HEARTBEAT_SECONDS.
HEARTBEAT_KEPT = timedelta(days=1)
# A tick that finds more than this many jobs due stops there and says so; the next tick goes on.
TICK_JOBS_MAX = 10_000
_AFTER_COMMIT_KEY = "jobs_after_commit"


# --- Settings -------------------------------------------------------------------------------------

def _positive_int(name: str, default: int) -> int:
    value = os.environ.get(name) or str(default)
    if not value.isdigit() or int(value) < 1:
        raise ConfigurationError(f"{name} must be a whole number of at least 1 like {default}, not {value!r}")
    return int(value)


def parse_reminder_hours(value: str) -> tuple[int, ...]:
    """``"72,24"`` -> ``(72, 24)``: hours before a rental's end, latest reminder last; ``""`` for none."""
    hours = set()
    for part in value.split(","):
        part = part.strip()
        if not part:
            continue
        if not part.isdigit() or int(part) < 1:
            raise ConfigurationError(
                f"REMINDER_HOURS must be whole numbers of hours before a rental ends, separated by commas, "
                f"like {DEFAULT_REMINDER_HOURS}, not {value!r}")
        hours.add(int(part))
    return tuple(sorted(hours, reverse=True))


def parse_retry_schedule(value: str) -> tuple[int, ...]:
    """``"5,300,1800"`` -> ``(5, 300, 1800)``: seconds to wait before each retry of a webhook message."""
    parts = [part.strip() for part in value.split(",") if part.strip()]
    if not parts or not all(part.isdigit() for part in parts):
        raise ConfigurationError(
            f"WEBHOOK_RETRY_SCHEDULE must be whole numbers of seconds between attempts, separated by commas, "
            f"like {DEFAULT_WEBHOOK_RETRY_SCHEDULE}, not {value!r}")
    return tuple(int(part) for part in parts)


def config_from_environment(instance_path: str) -> dict:
    """The settings of the queue and of the time-driven work it runs."""
    return {
        "JOBS_DB": os.environ.get("JOBS_DB") or str(Path(instance_path) / "jobs.sqlite3"),
        "JOBS_QUEUE_NAME": os.environ.get("JOBS_QUEUE_NAME") or DEFAULT_QUEUE_NAME,
        "JOBS_WORKERS": _positive_int("JOBS_WORKERS", 2),
        "HEARTBEAT_SECONDS": _positive_int("HEARTBEAT_SECONDS", 30),
        "WORKER_STALE_SECONDS": _positive_int("WORKER_STALE_SECONDS", 300),
        "REMINDER_HOURS": parse_reminder_hours(os.environ.get("REMINDER_HOURS", DEFAULT_REMINDER_HOURS)),
        "LOW_BALANCE_DAYS": _positive_int("LOW_BALANCE_DAYS", 7),
        "WEBHOOK_RETRY_SCHEDULE": parse_retry_schedule(
            os.environ.get("WEBHOOK_RETRY_SCHEDULE") or DEFAULT_WEBHOOK_RETRY_SCHEDULE),
        "WEBHOOK_TIMEOUT_SECONDS": _positive_int("WEBHOOK_TIMEOUT_SECONDS", 10),
        "WEBHOOK_ALLOW_PRIVATE": os.environ.get("WEBHOOK_ALLOW_PRIVATE", "").lower() in ("1", "true", "yes", "on"),
        # The demo's receiver page (/webhooks/receiver): it takes deliveries and lists them. Off in production.
        "WEBHOOK_DEMO_RECEIVER": os.environ.get("WEBHOOK_DEMO_RECEIVER", "").lower() in ("1", "true", "yes", "on"),
        "PROVISIONING_TIMEOUT_HOURS": _positive_int("PROVISIONING_TIMEOUT_HOURS", 24),
        "RENEW_AHEAD_HOURS": _positive_int("RENEW_AHEAD_HOURS", 24),
        "AUTO_RENEW_RETRY_HOURS": _positive_int("AUTO_RENEW_RETRY_HOURS", 6),
    }


# --- Declaring jobs -------------------------------------------------------------------------------

@dataclass
class JobSpec:
    func: Callable
    name: str  # module.function: the job's name on the queue, in failed_jobs and on the admin page
    retries: int
    retry_delay: float
    retry_backoff: float

    def delay_after(self, attempt: int) -> float:
        """Seconds to wait after failed attempt number ``attempt`` (1 for the first run)."""
        return self.retry_delay * self.retry_backoff ** (attempt - 1)


@dataclass
class CheckSpec:
    func: Callable
    name: str  # the function's name: the check's name in periodic_checks
    minutes: int


_jobs: dict[str, JobSpec] = {}
_checks: dict[str, CheckSpec] = {}


def job_name(func: Callable) -> str:
    return f"{func.__module__}.{func.__name__}"


def task(retries: int = 5, retry_delay: float = 30, retry_backoff: float = 2):
    """Declare a job. The function stays an ordinary function; ``enqueue(func, *args)`` runs it on a
    worker. Its arguments must be JSON values (ids, strings, numbers): they are shown on the admin
    page and given again when a failed job is retried."""
    def record(func):
        _jobs[job_name(func)] = JobSpec(func, job_name(func), retries, retry_delay, retry_backoff)
        return func
    return record


def periodic(minutes: int = 1):
    """Declare a periodic check, run by every worker every ``minutes`` (and once by each ``flask jobs
    tick``). It returns counts of what it did (a dict), which are kept in ``periodic_checks``. Two
    workers may run it at once: what it does must be keyed so that it happens once."""
    if not 1 <= minutes <= 60:
        raise ValueError("a periodic check runs every 1 to 60 minutes")

    def record(func):
        name = func.__name__
        if name in _checks and _checks[name].func is not func:
            raise ValueError(f"two periodic checks are named {name}")
        _checks[name] = CheckSpec(func, name, minutes)
        return func
    return record


# --- The app's queue ------------------------------------------------------------------------------

class _AppClock:
    """Huey's idea of now (when a retry or a scheduled job is due) is the app's."""

    def _get_timestamp(self):
        return utcnow().astimezone(timezone.utc).replace(tzinfo=None)


class _SqliteHuey(_AppClock, SqliteHuey):
    pass


class _RedisHuey(_AppClock, RedisHuey):
    pass


def worker_id() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def _json_args(args) -> list:
    return json.loads(json.dumps(list(args), default=str))


@dataclass
class Outcome:
    """What one job did in a tick: its return value, or the error it raised."""

    kind: str  # check, job, or what the tick itself did
    name: str
    result: object = None
    error: str | None = None
    retry_in: float | None = None  # seconds, when it will be tried again

    def describe(self) -> str:
        if self.error is None:
            return f"{self.kind} {self.name}: {_describe_result(self.result)}"
        if self.kind == "check":
            then = "it runs again at its next time"
        elif self.retry_in is not None:
            then = f"retrying in {self.retry_in:g} s"
        else:
            then = "failed for good (see failed jobs)"
        return f"{self.kind} {self.name}: failed: {self.error}; {then}"


def _describe_result(result) -> str:
    if isinstance(result, dict):
        return ", ".join(f"{key} {value}" for key, value in result.items()) or "nothing to do"
    return "done" if result is None else str(result)


@dataclass
class QueueDepth:
    pending: int
    scheduled: int
    running: int


class JobQueue:
    """One app's Huey with every recorded job and check bound to it (``app.extensions["jobs"]``)."""

    def __init__(self, app: Flask):
        self.app = app
        config = app.config
        self.huey = self._make_huey(config)
        self.heartbeat_seconds = config["HEARTBEAT_SECONDS"]
        self.stale_after = timedelta(seconds=config["WORKER_STALE_SECONDS"])
        self.specs: dict[str, JobSpec] = {}
        self.checks: dict[str, CheckSpec] = {}
        self._wrappers = {}  # job or check name -> Huey TaskWrapper
        self._spec_by_task_class = {}
        for spec in _jobs.values():
            self._bind_job(spec)
        for spec in _checks.values():
            self._bind_check(spec)
        self.huey.signal(SIGNAL_ERROR)(self._record_failure)

    @staticmethod
    def _make_huey(config):
        name = config["JOBS_QUEUE_NAME"]
        # No results: nothing reads a job's return value from the queue, so none pile up there.
        if config.get("REDIS_URL"):
            return _RedisHuey(name, url=config["REDIS_URL"], results=False)
        Path(config["JOBS_DB"]).parent.mkdir(parents=True, exist_ok=True)
        return _SqliteHuey(name, filename=config["JOBS_DB"], results=False)

    def describe_storage(self) -> str:
        if isinstance(self.huey, RedisHuey):
            return f"Redis ({without_password(self.app.config['REDIS_URL'])}), queue {self.huey.name}"
        return f"SQLite ({self.app.config['JOBS_DB']}), queue {self.huey.name}"

    # Binding ----------------------------------------------------------------------------------------

    def _bind_job(self, spec: JobSpec) -> None:
        app, queue = self.app, self

        @wraps(spec.func)
        def run(*args, task=None):
            with app.app_context():
                queue._started(task, spec, args)
                try:
                    result = spec.func(*args)
                    db.session.commit()
                    return result
                except Exception:
                    db.session.rollback()
                    # Huey waits task.retry_delay before the next attempt: grow it with each failure.
                    task.retry_delay = spec.delay_after(spec.retries - task.retries + 1)
                    raise
                finally:
                    queue._finished(task)

        wrapper = self.huey.task(retries=spec.retries, retry_delay=spec.retry_delay, context=True,
                                 name=spec.func.__name__)(run)
        self.specs[spec.name] = spec
        self._wrappers[spec.name] = wrapper
        self._spec_by_task_class[wrapper.task_class] = spec

    def _bind_check(self, spec: CheckSpec) -> None:
        app = self.app

        @wraps(spec.func)
        def run():
            with app.app_context():
                _check_started(spec.name)
                try:
                    result = _plain_counts(spec.func())
                    db.session.commit()
                except Exception as error:
                    db.session.rollback()
                    _check_finished(spec.name, error=_one_line(error))
                    raise
                _check_finished(spec.name, result=result)
                return result

        # Its own name on the queue: a function may be both a job and a periodic check.
        wrapper = self.huey.periodic_task(crontab(minute=f"*/{spec.minutes}"), name=f"periodic_{spec.name}")(run)
        self.checks[spec.name] = spec
        self._wrappers[f"check:{spec.name}"] = wrapper

    # Enqueueing -------------------------------------------------------------------------------------

    def enqueue(self, func_or_name, *args, at: datetime | None = None) -> None:
        """Queue a job now, or due ``at`` (the app's clock, as Huey reads it here)."""
        name = func_or_name if isinstance(func_or_name, str) else job_name(func_or_name)
        if name not in self.specs:
            raise LookupError(f"{name} is not a job (declare it with @jobs.task)")
        eta = None if at is None else at.astimezone(timezone.utc).replace(tzinfo=None)
        self.huey.enqueue(self._wrappers[name].s(*args, eta=eta))

    def depth(self) -> QueueDepth:
        running = db.session.scalar(select(func.count()).select_from(RunningJob))
        return QueueDepth(self.huey.pending_count(), self.huey.scheduled_count(), running)

    # The running-jobs ledger ------------------------------------------------------------------------

    def _started(self, task, spec: JobSpec, args) -> None:
        message = self.huey.serialize_task(task)
        row = {"task_id": task.id, "task": spec.name, "args": _json_args(args), "message": message,
               "worker_id": worker_id(), "started_at": utcnow()}
        try:
            with db.engine.begin() as connection:
                upsert(RunningJob, row, ["task_id"],
                       {"worker_id": row["worker_id"], "message": message, "started_at": row["started_at"]},
                       session=connection)
        except Exception:
            # The job matters more than the record of it running: run it all the same.
            logger.exception("Could not record job %s as running", task.id)

    def _finished(self, task) -> None:
        try:
            with db.engine.begin() as connection:
                connection.execute(delete(RunningJob).where(RunningJob.task_id == task.id,
                                                            RunningJob.worker_id == worker_id()))
        except Exception:
            logger.exception("Could not clear the running record of job %s", task.id)

    def recover_orphans(self) -> int:
        """Put back on the queue the jobs whose worker is gone (killed, or its machine lost).

        A worker on this machine is gone when its process is; one elsewhere when its heartbeat is
        older than WORKER_STALE_SECONDS. A worker's death counts as one of the job's attempts, so a
        job that kills its worker every time ends in failed_jobs rather than going round for ever.
        """
        me = worker_id()
        rows = db.session.execute(
            select(RunningJob.task_id, RunningJob.worker_id, RunningJob.task, RunningJob.args, RunningJob.message)
            .where(RunningJob.worker_id != me)
        ).all()
        db.session.rollback()
        if not rows:
            return 0
        last_seen = dict(db.session.execute(
            select(WorkerHeartbeat.id, WorkerHeartbeat.last_seen_at)
            .where(WorkerHeartbeat.id.in_({row.worker_id for row in rows}))
        ).all())
        stale_before = utcnow() - self.stale_after
        recovered = 0
        for row in rows:
            if not _worker_is_gone(row.worker_id, last_seen.get(row.worker_id), stale_before):
                continue
            claimed = db.session.execute(
                update(RunningJob).where(RunningJob.task_id == row.task_id, RunningJob.worker_id == row.worker_id)
                .values(worker_id=me, started_at=utcnow()),
                execution_options={"synchronize_session": False},
            ).rowcount
            db.session.commit()
            if not claimed:
                continue  # another worker took it first
            task = self.huey.deserialize_task(row.message)
            if task.retries:
                task.retries -= 1
                self.huey.enqueue(task)
                logger.warning("Job %s (%s) was running on %s, which is gone; queued again", task.id, row.task,
                               row.worker_id)
            else:
                _record_failed_job(row.task, row.args, f"The worker running it ({row.worker_id}) stopped",
                                   "", self._attempts(task))
                db.session.execute(delete(RunningJob).where(RunningJob.task_id == row.task_id))
                db.session.commit()
            recovered += 1
        return recovered

    # Failures ---------------------------------------------------------------------------------------

    def _attempts(self, task) -> int:
        spec = self._spec_by_task_class.get(type(task))
        return (spec.retries if spec else 0) - task.retries + 1

    def _record_failure(self, signal, task, error=None):
        """Huey's error signal: the last attempt of a job failed (periodic checks keep their error in
        periodic_checks instead, and simply run again at their next time)."""
        if task.retries or isinstance(task, PeriodicTask):
            return
        spec = self._spec_by_task_class.get(type(task))
        name = spec.name if spec else task.name
        with self.app.app_context():
            _record_failed_job(name, _json_args(task.args), _one_line(error),
                               "".join(traceback.format_exception(error)) if error else "", self._attempts(task))
            db.session.commit()

    # Running the queue ------------------------------------------------------------------------------

    def run_now(self, task) -> Outcome:
        """Run one job or check in this process, as a worker would, and say what it did."""
        spec = self._spec_by_task_class.get(type(task))
        if isinstance(task, PeriodicTask):
            outcome = Outcome("check", task.name.removeprefix("periodic_"))
        else:
            outcome = Outcome("job", spec.name if spec else task.name)

        def listen(signal, signalled_task, *args):
            if signalled_task is not task:
                return
            if signal == SIGNAL_ERROR:
                outcome.error = _one_line(args[0]) if args else "failed"
                outcome.retry_in = task.retry_delay if task.retries else None
            elif signal == SIGNAL_SCHEDULED and outcome.error is None:
                outcome.result = "scheduled for later"

        self.huey.signal(SIGNAL_ERROR, SIGNAL_COMPLETE, SIGNAL_SCHEDULED)(listen)
        try:
            value = self.huey.execute(task)
        finally:
            self.huey.disconnect_signal(listen, SIGNAL_ERROR, SIGNAL_COMPLETE, SIGNAL_SCHEDULED)
        if outcome.error is None and outcome.result is None:
            outcome.result = value
        return outcome

    def tick(self, report: Callable[[Outcome], None] = lambda outcome: None) -> list[Outcome]:
        """Every periodic check once, then every job that is due, here and now; see ``flask jobs tick``."""
        outcomes = []

        def done(outcome: Outcome) -> None:
            outcomes.append(outcome)
            report(outcome)

        beat()
        if recovered := self.recover_orphans():
            done(Outcome("tick", "recovered", f"{recovered} job(s) taken back from workers that had stopped"))
        for name in self.checks:
            done(self.run_now(self._wrappers[f"check:{name}"].s()))
        for _ in range(TICK_JOBS_MAX):
            for due in self.huey.read_schedule():
                self.huey.enqueue(due)
            task = self.huey.dequeue()
            if task is None:
                break
            done(self.run_now(task))
        else:
            done(Outcome("tick", "limit", f"stopped after {TICK_JOBS_MAX} jobs; the next tick goes on"))
        return outcomes

    def run_worker(self, workers: int) -> None:
        """A Huey consumer (``workers`` threads, with the periodic checks) and a heartbeat. SIGINT
        stops it once the jobs in hand are finished; SIGTERM stops it at once (a job cut short is
        run again by the next worker, as when a worker is killed); SIGHUP restarts it."""
        heartbeat = _Heartbeat(self)
        heartbeat.beat()
        consumer = self.huey.create_consumer(workers=workers, worker_type="thread", periodic=True)
        heartbeat.start()
        try:
            consumer.run()
        finally:
            heartbeat.stop()


class _Heartbeat(threading.Thread):
    """Says every HEARTBEAT_SECONDS that this worker is alive, and takes back the jobs of workers
    that are not."""

    def __init__(self, queue: JobQueue):
        super().__init__(name="heartbeat", daemon=True)
        self.queue = queue
        self._stop_event = threading.Event()

    def beat(self) -> None:
        with self.queue.app.app_context():
            try:
                beat()
                self.queue.recover_orphans()
            except Exception:
                logger.exception("Heartbeat failed")

    def run(self) -> None:
        while not self._stop_event.wait(self.queue.heartbeat_seconds):
            self.beat()

    def stop(self) -> None:
        self._stop_event.set()
        self.join(timeout=5)


# --- Records in the database -----------------------------------------------------------------------

_PROCESS_STARTED = {}


def beat() -> None:
    """This process's heartbeat; old heartbeats of workers long gone are forgotten."""
    now = utcnow()
    me = worker_id()
    started = _PROCESS_STARTED.setdefault(me, now)
    upsert(WorkerHeartbeat, {"id": me, "started_at": started, "last_seen_at": now}, ["id"], {"last_seen_at": now})
    db.session.execute(delete(WorkerHeartbeat).where(WorkerHeartbeat.last_seen_at < now - HEARTBEAT_KEPT))
    db.session.commit()


def _worker_is_gone(worker: str, last_seen: datetime | None, stale_before: datetime) -> bool:
    host, _, pid = worker.rpartition(":")
    if host == socket.gethostname() and pid.isdigit():
        try:
            os.kill(int(pid), 0)
        except ProcessLookupError:
            return True
        except PermissionError:
            return False
        return False
    return last_seen is None or last_seen < stale_before


def _check_started(name: str) -> None:
    now = utcnow()
    upsert(PeriodicCheck, {"name": name, "last_started_at": now, "runs": 0}, ["name"], {"last_started_at": now})
    db.session.commit()


def _check_finished(name: str, result: dict | None = None, error: str | None = None) -> None:
    values = {"last_finished_at": utcnow(), "last_error": error, "runs": PeriodicCheck.runs + 1}
    if error is None:
        values["last_result"] = result
    db.session.execute(update(PeriodicCheck).where(PeriodicCheck.name == name).values(**values))
    db.session.commit()


def _record_failed_job(name: str, args: list, error: str, trace: str, attempts: int) -> None:
    db.session.add(FailedJob(task=name, args=args, error=error, traceback=trace, attempts=attempts,
                             failed_at=utcnow()))


def _plain_counts(result) -> dict:
    """A check's counts as plain JSON (a Counter, a dataclass of counts or None are fine to return)."""
    if result is None:
        return {}
    if hasattr(result, "__dataclass_fields__"):
        from dataclasses import asdict

        result = asdict(result)
    return json.loads(json.dumps(dict(result), default=str))


def _one_line(error: BaseException | None) -> str:
    if error is None:
        return "failed"
    text = str(error).strip().splitlines()[0] if str(error).strip() else ""
    return f"{type(error).__name__}: {text}" if text else type(error).__name__


# --- The app's side ---------------------------------------------------------------------------------

def init_app(app: Flask) -> None:
    """Bind every recorded job and check to a Huey made from the app's settings (nothing connects yet)."""
    app.extensions["jobs"] = JobQueue(app)
    _listen_for_commits()


def queue() -> JobQueue:
    return current_app.extensions["jobs"]


def enqueue(func, *args) -> None:
    """Put ``func`` (a ``@task``, or its name) on the queue now."""
    queue().enqueue(func, *args)


def enqueue_at(when: datetime, func, *args) -> None:
    """Put ``func`` on the queue, due at ``when``."""
    queue().enqueue(func, *args, at=when)


def enqueue_after_commit(func, *args) -> None:
    """Put ``func`` on the queue when the current transaction commits, so the worker finds what the
    transaction wrote; nothing is queued if it rolls back. The same job with the same arguments is
    queued once per transaction."""
    name = func if isinstance(func, str) else job_name(func)
    session = db.session()
    if not session.in_transaction():
        enqueue(name, *args)
        return
    pending = session.info.setdefault(_AFTER_COMMIT_KEY, {})
    pending[(name, json.dumps(_json_args(args)))] = (queue(), name, args)


_listening = False


def _listen_for_commits() -> None:
    global _listening
    if _listening:
        return
    event.listen(Session, "after_commit", _enqueue_pending)
    event.listen(Session, "after_transaction_end", _forget_pending)
    _listening = True


def _enqueue_pending(session) -> None:
    pending = session.info.pop(_AFTER_COMMIT_KEY, None)
    for job_queue, name, args in (pending or {}).values():
        try:
            job_queue.enqueue(name, *args)
        except Exception:
            # The transaction is committed: a queue that cannot be reached must not undo the action.
            # What the job would have done is found by its periodic check (the outbox's dispatcher).
            logger.exception("Could not queue %s after commit", name)


def _forget_pending(session, transaction) -> None:
    # Runs after after_commit; what is still pending here belonged to a transaction that rolled back.
    if transaction.parent is None:
        session.info.pop(_AFTER_COMMIT_KEY, None)
