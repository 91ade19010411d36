"""``flask seed-demo [--servers N] [--fresh]``."""
import time
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext

from cli import demo_data
from core import sqlite
from core.extensions import db
from services.errors import ServiceError


def _line(what: str, created: list, existing: list) -> str:
    parts = []
    if created:
        parts.append("created " + ", ".join(created))
    if existing:
        parts.append("already there: " + ", ".join(existing))
    return f"{what}: " + ("; ".join(parts) or "none")


def _start_afresh() -> None:
    """Replace the SQLite database with an empty one at the current schema; nothing else in its folder is touched."""
    from app import upgrade_schema

    url = db.engine.url
    if db.engine.dialect.name != "sqlite" or url.database in (None, "", ":memory:"):
        raise click.ClickException(
            f"--fresh deletes a SQLite database file, and this database is {url.get_backend_name()} "
            f"({url.render_as_string(hide_password=True)}): drop and create it yourself, then run seed-demo")
    db.session.remove()
    db.engine.dispose()  # no pooled connection may keep the old file open
    deleted = sqlite.delete_database(Path(url.database))
    click.echo("deleted: " + (", ".join(str(file) for file in deleted) or "nothing, there was no database yet"))
    # Also when AUTO_MIGRATE=0, which lets this run over a database the app could not upgrade on start.
    upgrade_schema(current_app)


@click.command("seed-demo")
@click.option("--servers", "server_count", type=click.IntRange(0, 1_000_000), default=demo_data.DEMO_SERVER_COUNT,
              show_default=True, help="How many demo servers the inventory should have.")
@click.option("--fresh", is_flag=True,
              help="Delete the SQLite database (with its -wal, -shm and -journal files) and start from an empty one.")
@with_appcontext
def seed_demo_command(server_count: int, fresh: bool) -> None:
    """Fill an empty install with demo users, pools and servers (safe to run again)."""
    started = time.perf_counter()
    if fresh:
        _start_afresh()
    try:
        report = demo_data.seed_demo(server_count)
    except ServiceError as error:  # e.g. an existing account in the way of a demo pool
        raise click.ClickException(error.message) from None
    for what in ("users", "pools", "memberships"):
        click.echo(_line(what, report.created[what], report.existing[what]))
    click.echo(f"servers: created {report.servers_created}, already there {report.servers_existing}")
    click.echo(_line("rentals", report.created["rentals"], report.existing["rentals"]))
    if report.created["webhooks"] or report.existing["webhooks"]:
        click.echo(_line("webhooks", report.created["webhooks"], report.existing["webhooks"]))
    click.echo(f"Every demo user's password is: {demo_data.DEMO_PASSWORD}")
    click.echo(f"Done in {time.perf_counter() - started:.2f} s.")
