"""How a pydantic validation error reads, for the API's ``details`` and the import report alike."""
from core.limits import EMAIL_RULE, USERNAME_RULE

# Messages for pattern mismatches, which pydantic can only describe as a regular expression.
PATTERN_RULES = {
    "username": USERNAME_RULE,
    "email": EMAIL_RULE,
    "country": "must be a 2-letter country code such as US",
    "id": "must be 24 hexadecimal characters",
}


def _plain(number: int | float) -> int | float:
    return int(number) if isinstance(number, float) and number.is_integer() else number


def describe(error: dict) -> str:
    """``{"type": "string_too_long", "ctx": {"max_length": 100}, ...}`` -> ``"must be at most 100 characters"``."""
    kind, ctx = error["type"], error.get("ctx") or {}
    last = str(error["loc"][-1]) if error["loc"] else ""
    if kind == "missing":
        return "is required"
    if kind == "string_type":
        return "must be a string"
    if kind == "string_unicode":  # a lone surrogate, which no encoding can carry
        return "must not contain lone surrogates"
    if kind == "string_too_short":
        minimum = ctx.get("min_length", 1)
        return "must not be empty" if minimum == 1 else f"must be at least {minimum} characters"
    if kind == "string_too_long":
        return f"must be at most {ctx['max_length']} characters"
    if kind == "string_pattern_mismatch":
        return PATTERN_RULES.get(last, "has an invalid format")
    if kind in ("literal_error", "enum"):
        expected = ctx.get("expected", "").replace("'", "").replace(" or ", ", ")
        return f"must be one of: {expected}"
    if kind in ("dict_type", "model_type", "model_attributes_type"):
        return "must be an object"
    if kind in ("int_type", "int_parsing", "int_from_float"):
        return "must be an integer"
    if kind in ("float_type", "float_parsing"):
        return "must be a number"
    if kind == "finite_number":
        return "must be a finite number"
    if kind in ("bool_type", "bool_parsing"):
        return "must be true or false"
    if kind == "list_type":
        return "must be an array"
    if kind == "too_short":
        return f"must have at least {ctx.get('min_length', 1)} item(s)"
    if kind == "too_long":
        return f"must have at most {ctx.get('max_length')} items"
    if kind == "greater_than_equal":
        return f"must be at least {_plain(ctx['ge'])}"
    if kind == "less_than_equal":
        return f"must be at most {_plain(ctx['le'])}"
    if kind == "greater_than":
        return f"must be greater than {_plain(ctx['gt'])}"
    if kind == "value_error":
        return str(ctx.get("error", error["msg"]))
    return error["msg"]


def field_name(loc: tuple) -> str:
    """``("specs", "cpu", "cores")`` -> ``"specs.cpu.cores"``; a bad dict key is named by the key."""
    parts = [str(part) for part in loc]
    if parts and parts[-1] == "[key]":
        parts.pop()
    return ".".join(parts)
