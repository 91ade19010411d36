"""``flask users create``, ``users disable``, ``users enable``, ``users sessions`` and ``users two-factor-off``."""
import click
from flask.cli import AppGroup

from cli.common import dollars_to_cents
from core.money import format_dollars
from core.timeutil import isoformat
from services import accounts, sessions, two_factor
from services.errors import ServiceError

users = AppGroup("users", help="Manage user accounts.")


@users.command("create")
@click.argument("username")
@click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True,
              help="The new user's password (asked for when not given).")
@click.option("--alias", default="", help="Display name (defaults to the username).")
@click.option("--admin", is_flag=True, help="Make the user an administrator.")
@click.option("--balance", "balance", default="0", metavar="DOLLARS",
              help="Opening wallet balance in dollars, e.g. 250 or 99.50.")
def create_user(username: str, password: str, alias: str, admin: bool, balance: str) -> None:
    """Create a user (with their default pool); prints the new user's id."""
    cents = dollars_to_cents(balance, "balance")
    if cents < 0:
        raise click.ClickException("The balance must not be negative")
    try:
        user = accounts.create_user(username, password, alias=alias, is_admin=admin, balance_cents=cents)
    except ServiceError as error:
        raise click.ClickException(error.message) from None
    click.echo(user.id)
    role = "administrator" if user.is_admin else "user"
    click.echo(f"Created {role} {user.username} with a balance of {format_dollars(user.balance_cents)}", err=True)


def _find(username: str):
    user = accounts.find_user(username)
    if user is None:
        raise click.ClickException(f"No user named {username}")
    return user


@users.command("disable")
@click.argument("username")
def disable_user(username: str) -> None:
    """Disable an account: it cannot log in, its API tokens get 403 and its browser sessions end."""
    user = accounts.disable_account(_find(username))
    click.echo(f"Disabled {user.username}: their API tokens get 403 and their browser sessions have ended")


@users.command("enable")
@click.argument("username")
def enable_user(username: str) -> None:
    """Enable a disabled account: its API tokens work again and it can log in."""
    user = accounts.enable_account(_find(username))
    click.echo(f"Enabled {user.username}: their API tokens work again and they can log in")


@users.command("two-factor-off")
@click.argument("username")
def two_factor_off(username: str) -> None:
    """Turn an account's two-factor login off, for someone who lost their app and their backup codes."""
    user = _find(username)
    if two_factor.reset(user):
        click.echo(f"Two-factor login is off for {user.username}: they log in with their password alone")
    else:
        click.echo(f"{user.username} had no two-factor login")


SESSION_COLUMNS = ("id", "created_at", "last_seen_at", "ip", "remember", "expires_at", "user_agent")


@users.command("sessions")
@click.argument("username")
def list_sessions(username: str) -> None:
    """List an account's live browser sessions, most recently used first, as tab-separated columns."""
    found = sessions.list_sessions(_find(username))
    click.echo("\t".join(SESSION_COLUMNS))
    for login_session in found:
        click.echo("\t".join([
            login_session.id, isoformat(login_session.created_at), isoformat(login_session.last_seen_at),
            login_session.ip or "", "yes" if login_session.remember else "no",
            isoformat(login_session.expires_at), " ".join(login_session.user_agent.split()),
        ]))
