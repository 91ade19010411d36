"""``flask wallet credit``."""
import click
from flask.cli import AppGroup

from cli.common import dollars_to_cents
from core.money import format_dollars
from services import wallet as wallets
from services.errors import ServiceError

wallet = AppGroup("wallet", help="Manage wallet balances.")


# ignore_unknown_options: a negative amount ("-5") is an argument to refuse clearly, not an unknown option.
@wallet.command("credit", context_settings={"ignore_unknown_options": True})
@click.argument("username")
@click.argument("amount", metavar="DOLLARS")
def credit(username: str, amount: str) -> None:
    """Add DOLLARS (e.g. 100 or 49.99) to USERNAME's wallet; prints the new balance."""
    cents = dollars_to_cents(amount)
    if cents <= 0:
        raise click.ClickException("The amount must be greater than zero")
    try:
        user = wallets.credit(username, cents, note="Credit from the command line")
    except ServiceError as error:
        raise click.ClickException(error.message) from None
    balance = format_dollars(user.balance_cents)
    click.echo(f"Credited {format_dollars(cents)} to {user.username}; new balance: {balance}")
