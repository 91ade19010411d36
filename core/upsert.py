"""INSERT ... ON CONFLICT on SQLite and PostgreSQL alike: rows that make something once (an event by
its key, a notification per event and recipient) are inserted in one statement, and a row that
exists already is left as it is, or updated, without a read first and without a race."""
from collections.abc import Iterable, Sequence

from sqlalchemy.dialects import postgresql, sqlite

from core.extensions import db


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
    ``unique_columns`` exist; returns how many were inserted.

    Sent as an executemany that SQLAlchemy turns into multi-row INSERTs (1,000 rows a statement, the
    statement compiled once), so the cost per row stays small and the statements per row constant.
    """
    if not rows:
        return 0
    session = session or db.session
    unique_columns = list(unique_columns)
    table = model.__table__
    statement = (
        _insert(table, session).on_conflict_do_nothing(index_elements=unique_columns)
        # The rows inserted come back; psycopg gives no row count for a multi-row INSERT.
        .returning(table.c[unique_columns[0]])
    )
    return len(session.execute(statement, list(rows)).all())


def upsert(model, row: dict, unique_columns: Iterable[str], update: dict, session=None) -> None:
    """Insert ``row``, or, when its ``unique_columns`` exist, set ``update`` on the row there."""
    session = session or db.session
    statement = _insert(model, session).values(row).on_conflict_do_update(
        index_elements=list(unique_columns), set_=update)
    session.execute(statement)
