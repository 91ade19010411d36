"""INSERT ... ON CONFLICT on SQLite and PostgreSQL alike: rows that make something once (an event by
its key, a notification per event and recipient) are inserted in one statement, and a row that
exists already is left as it is, or updated, without a read first and without a race."""
from collections.abc import Iterable, Sequence

from sqlalchemy.dialects import postgresql, sqlite

from core.extensions import db

# Values bound in one statement, under SQLite's limit (32766) and PostgreSQL's (65535).
BOUND_VALUES_MAX = 30_000


def _insert(model, executor):
    # A Session or a Connection: a job records itself on a connection of its own.
    dialect = executor.dialect.name if hasattr(executor, "dialect") else executor.get_bind().dialect.name
    if dialect == "postgresql":
        return postgresql.insert(model)
    if dialect == "sqlite":
        return sqlite.insert(model)
    raise NotImplementedError(f"INSERT ... ON CONFLICT on {dialect}")


def insert_missing(model, rows: Sequence[dict], unique_columns: Iterable[str], session=None) -> int:
    """Insert ``rows`` (dicts of column values, every row the same columns), skipping each one whose
    ``unique_columns`` exist; returns how many were inserted. One statement however many rows."""
    if not rows:
        return 0
    session = session or db.session
    per_statement = max(1, BOUND_VALUES_MAX // len(rows[0]))
    inserted = 0
    for start in range(0, len(rows), per_statement):
        statement = _insert(model, session).values(list(rows[start:start + per_statement])).on_conflict_do_nothing(
            index_elements=list(unique_columns))
        inserted += session.execute(statement).rowcount
    return inserted


def upsert(model, row: dict, unique_columns: Iterable[str], update: dict, session=None) -> None:
    """Insert ``row``, or, when its ``unique_columns`` exist, set ``update`` on the row there."""
    session = session or db.session
    statement = _insert(model, session).values(row).on_conflict_do_update(
        index_elements=list(unique_columns), set_=update)
    session.execute(statement)
