"""Numbers written as text in a query string: one syntax and one reading for every numeric parameter.

A number is written as JavaScript prints one: an optional sign, ASCII digits with an optional fraction,
and an optional exponent (``15``, ``15.5``, ``.5``, ``1e-7``, ``1.5e+300``). The exponent has at most
three digits, as JavaScript never prints more: with no bound, ``1e-9999999999999999999`` names a number
that Python's ``Decimal`` cannot even hold, and a large one makes any arithmetic on it overflow. Within
the bound every value is held exactly (as many digits as are written) and compares safely.

Surrounding spaces and tabs are not part of a value; a value of nothing else means "not given". The
OpenAPI document describes both with ``BLANK_PATTERN``.
"""
import re
from decimal import Decimal

EXPONENT_DIGITS_MAX = 3
SPACES = " \t"
BLANK_PATTERN = r"^[ \t]*$"

_NUMBER = re.compile(rf"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]{{1,{EXPONENT_DIGITS_MAX}}})?")
_LONG_EXPONENT = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)[eE][+-]?[0-9]+")

NOT_A_NUMBER = "must be a number"
EXPONENT_TOO_LONG = f"must be a number with an exponent of at most {EXPONENT_DIGITS_MAX} digits"


class InvalidNumber(ValueError):
    """The text is not a number in the syntax above; the message says what is wrong, to follow a field name."""


def trimmed(text: str) -> str:
    return text.strip(SPACES)


def parse_number(text: str) -> Decimal:
    """The exact value of ``text`` (already trimmed); a negative zero is zero."""
    if not _NUMBER.fullmatch(text):
        raise InvalidNumber(EXPONENT_TOO_LONG if _LONG_EXPONENT.fullmatch(text) else NOT_A_NUMBER)
    number = Decimal(text)
    return number.copy_abs() if number.is_zero() else number


def parse_whole_number(text: str) -> int | None:
    """``text`` as an integer when it is a number with no fractional part (``7``, ``7.0``, ``7e0``), else None.

    As in JSON Schema, a number with a zero fraction is an integer.
    """
    try:
        number = parse_number(text)
    except InvalidNumber:
        return None
    if number != number.to_integral_value():
        return None
    return int(number)
