"""``flask jobs worker``, ``flask jobs tick`` and ``flask jobs status``."""
import logging

import click
from flask import current_app
from flask.cli import AppGroup

from core.timeutil import isoformat
from services import job_status

jobs = AppGroup("jobs", help="The job queue: reminders, dispatching events, and the other work done later.")


@jobs.command("worker")
@click.option("--workers", type=click.IntRange(min=1), default=None,
              help="Jobs run at once, each in a thread (default JOBS_WORKERS, 2).")
def worker(workers: int | None) -> None:
    """Run jobs as they come and every periodic check on time, until stopped: SIGINT (Ctrl-C) once
    the jobs in hand are finished, SIGTERM at once (a job cut short is run again by the next worker).
    Run one or more per install; they share the queue."""
    queue = current_app.extensions["jobs"]
    workers = workers or current_app.config["JOBS_WORKERS"]
    # What each job did and every failure, one line each, on standard error (journald, a log file).
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    click.echo(f"Worker with {workers} thread(s) on {queue.describe_storage()}; "
               f"periodic checks: {', '.join(queue.checks) or 'none'}")
    queue.run_worker(workers)


@jobs.command("tick")
def tick() -> None:
    """Run every periodic check once, then every job that is due (retries whose time has come too),
    here and now, and exit: for cron instead of a worker, and for tests."""
    queue = current_app.extensions["jobs"]
    outcomes = queue.tick(report=lambda outcome: click.echo(outcome.describe()))
    failed = sum(1 for outcome in outcomes if outcome.error is not None)
    click.echo(f"Ran {len(outcomes)} job(s) and check(s); {failed} failed")


@jobs.command("status")
def status() -> None:
    """The periodic checks' last runs, the queue, the workers and the failed jobs."""
    overview = job_status.overview()
    depth = overview.depth
    click.echo(f"Queue: {overview.storage}: {depth.pending} pending, {depth.scheduled} scheduled "
               f"(retries and later jobs), {depth.running} running")
    health = overview.worker
    click.echo(f"Worker: {health.status}, last heartbeat {isoformat(health.last_heartbeat) or 'never'}")
    for heartbeat in overview.workers:
        click.echo(f"  {heartbeat.id}\tstarted {isoformat(heartbeat.started_at)}\tlast seen {isoformat(heartbeat.last_seen_at)}")
    click.echo("Periodic checks:")
    for row in overview.checks:
        check = row.check
        if check is None:
            click.echo(f"  {row.name}\tevery {row.every_minutes} min\tnever run")
            continue
        outcome = f"error: {check.last_error}" if check.last_error else _counts(check.last_result)
        click.echo(f"  {row.name}\tevery {row.every_minutes} min\tlast run {isoformat(check.last_started_at)}"
                   f"\t{check.runs} run(s)\t{outcome}")
    click.echo(f"Failed jobs: {overview.failed_total}")
    for failed in overview.failed:
        retried = f"\tretried {isoformat(failed.retried_at)}" if failed.retried_at else ""
        click.echo(f"  {failed.id}\t{failed.task}{tuple(failed.args)!r}\t{failed.attempts} attempt(s)"
                   f"\t{isoformat(failed.failed_at)}\t{failed.error}{retried}")


def _counts(result: dict | None) -> str:
    return ", ".join(f"{key} {value}" for key, value in (result or {}).items()) or "nothing to do"
