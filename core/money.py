"""Money is integer cents inside; dollars only at the edges."""
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation


DOLLAR_DIGITS_MAX = 1000  # digits before the point: any amount a caller then refuses as too large, at little cost


class InvalidAmount(ValueError):
    pass


def parse_dollars(value: str | int | float | Decimal) -> int:
    """Cents for a dollar amount such as ``"12.50"``; more than 2 decimals is refused, not rounded."""
    try:
        amount = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        raise InvalidAmount(f"{value!r} is not an amount of dollars") from None
    if not amount.is_finite():
        raise InvalidAmount(f"{value!r} is not an amount of dollars")
    if amount.adjusted() > DOLLAR_DIGITS_MAX:  # 1e999999999 would need a billion-digit integer
        raise InvalidAmount(f"{value!r} is too large an amount of dollars")
    # Moving the exponent is exact, where multiplying by 100 rounds to the context's 28 digits.
    sign, digits, exponent = amount.as_tuple()
    cents = Decimal((sign, digits, exponent + 2))
    if cents != cents.to_integral_value():
        raise InvalidAmount(f"{value!r} has more than 2 decimal places")
    return int(cents)


def format_cents(cents: int) -> str:
    """``7000`` -> ``"70.00"`` (the API's string amounts)."""
    sign = "-" if cents < 0 else ""
    cents = abs(cents)
    return f"{sign}{cents // 100}.{cents % 100:02d}"


def format_dollars(cents: int) -> str:
    """``7000`` -> ``"$70.00"`` (amounts in messages)."""
    return f"${format_cents(cents)}"


def cents_to_number(cents: int) -> int | float:
    """``7000`` -> ``70``, ``7050`` -> ``70.5`` (the API's numeric transaction amounts)."""
    if cents % 100 == 0:
        return cents // 100
    return float((Decimal(cents) / 100).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))
