"""One way to page every list, API and pages alike: ``limit`` and ``offset``, with the total."""
from dataclasses import dataclass

from sqlalchemy import Select, func, select

from core.extensions import db
from core.limits import PAGE_LIMIT_DEFAULT, PAGE_LIMIT_MAX, PAGE_OFFSET_MAX
from core.numbers import parse_whole_number, trimmed
from services.errors import BadRequest


@dataclass(frozen=True)
class Page:
    limit: int = PAGE_LIMIT_DEFAULT
    offset: int = 0


def _int_param(args, name: str, default: int, minimum: int, maximum: int | None) -> int:
    """A whole number written as ``core.numbers`` reads numbers (``20``, ``20.0``, ``2e1``); empty means ``default``."""
    values = {trimmed(value) for value in args.getlist(name)} - {""}
    if len(values) > 1:
        raise BadRequest.for_field(name, "must be given only once", "Invalid query parameter: ")
    if not values:
        return default
    bound = f"between {minimum} and {maximum}" if maximum is not None else f"at least {minimum}"
    problem = f"must be an integer {bound}"
    value = parse_whole_number(values.pop())
    if value is None or value < minimum or (maximum is not None and value > maximum):
        raise BadRequest.for_field(name, problem, "Invalid query parameter: ")
    return value


def parse_page(args, default_limit: int = PAGE_LIMIT_DEFAULT) -> Page:
    return Page(
        limit=_int_param(args, "limit", default_limit, 1, PAGE_LIMIT_MAX),
        offset=_int_param(args, "offset", 0, 0, PAGE_OFFSET_MAX),
    )


def parse_flag(args, name: str) -> bool:
    """A yes-or-no query parameter: true or false (or 1 or 0, any case); empty or absent is false."""
    values = {trimmed(value).lower() for value in args.getlist(name)} - {""}
    if len(values) > 1:
        raise BadRequest.for_field(name, "must be given only once", "Invalid query parameter: ")
    value = values.pop() if values else "false"
    if value not in ("true", "1", "false", "0"):
        raise BadRequest.for_field(name, "must be true or false (or 1 or 0)", "Invalid query parameter: ")
    return value in ("true", "1")


def paginate(statement: Select, page: Page) -> tuple[list, int]:
    """The rows of one page of ``statement`` (already ordered) and the number of rows in all."""
    total = db.session.scalar(select(func.count()).select_from(statement.order_by(None).subquery()))
    rows = list(db.session.execute(statement.limit(page.limit).offset(page.offset)))
    return rows, total
