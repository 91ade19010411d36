"""What the command modules share: turning amounts and service failures into clear CLI errors."""
import click

from core.money import InvalidAmount, parse_dollars


def dollars_to_cents(value: str, what: str = "amount") -> int:
    """``"99.50"`` -> 9950; anything else (more than 2 decimals, not a number) is a clear error, exit 1."""
    try:
        return parse_dollars(value)
    except InvalidAmount:
        raise click.ClickException(
            f"The {what} must be a number of dollars with at most 2 decimals, such as 250 or 99.50 (got {value!r})"
        ) from None
