"""``flask seed-demo``."""
import time

import click
from flask.cli import with_appcontext

from services import demo
from services.errors import ServiceError


def _line(what: str, created: list, existing: list) -> str:
    parts = []
    if created:
        parts.append("created " + ", ".join(created))
    if existing:
        parts.append("already there: " + ", ".join(existing))
    return f"{what}: " + ("; ".join(parts) or "none")


@click.command("seed-demo")
@click.option("--servers", "server_count", type=click.IntRange(0, 1_000_000), default=demo.DEMO_SERVER_COUNT,
              show_default=True, help="How many demo servers the inventory should have.")
@with_appcontext
def seed_demo_command(server_count: int) -> None:
    """Fill an empty install with demo users, pools and servers (safe to run again)."""
    started = time.perf_counter()
    try:
        report = demo.seed_demo(server_count)
    except ServiceError as error:  # e.g. an existing account in the way of a demo pool
        raise click.ClickException(error.message) from None
    for what in ("users", "pools", "memberships"):
        click.echo(_line(what, report.created[what], report.existing[what]))
    click.echo(f"servers: created {report.servers_created}, already there {report.servers_existing}")
    click.echo(_line("rentals", report.created["rentals"], report.existing["rentals"]))
    click.echo(f"Every demo user's password is: {demo.DEMO_PASSWORD}")
    click.echo(f"Done in {time.perf_counter() - started:.2f} s.")
