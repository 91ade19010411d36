"""``flask rentals sweep``."""
import click
from flask.cli import AppGroup

from services import rentals as rental_service

rentals = AppGroup("rentals", help="Rental housekeeping.")


@rentals.command("sweep")
def sweep() -> None:
    """Release servers whose rentals have ended, and report active and held rentals.

    Statuses are computed at every read, so this never has to run for them to be right; it keeps
    the servers' reservations tidy (run it from cron if you like).
    """
    result = rental_service.sweep()
    click.echo(f"{result.active} active, {result.expired} expired (held); "
               f"released {result.released} server(s) whose rental ended")
