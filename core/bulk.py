"""Writes of many rows at once, on SQLite and PostgreSQL alike, in statements that do not grow in
number with the rows: INSERT ... ON CONFLICT for rows that make something once (an event by its
key, a notification per event and recipient: a row that exists already is left as it is, without a
read first and without a race), and an UPDATE of one column of many rows by their keys."""
from collections.abc import Iterable, Sequence

from datetime import datetime, timezone

from sqlalchemy import bindparam, column, func, literal_column, select, update
from sqlalchemy.dialects import postgresql, sqlite

from core.extensions import db


def _dialect(executor) -> str:
    # A Session or a Connection: a job records itself on a connection of its own.
    return executor.dialect.name if hasattr(executor, "dialect") else executor.get_bind().dialect.name


def _insert(model, executor):
    dialect = _dialect(executor)
    if dialect == "postgresql":
        return postgresql.insert(model)
    if dialect == "sqlite":
        return sqlite.insert(model)
    raise NotImplementedError(f"INSERT ... ON CONFLICT on {dialect}")


def insert_missing(model, rows: Sequence[dict], unique_columns: Iterable[str], session=None) -> int:
    """Insert ``rows`` (dicts of column values, every row the same columns), skipping each one whose
    ``unique_columns`` exist; returns how many were inserted. The statements do not grow in number
    with the rows: thousands of rows cost a few statements, compiled once."""
    if not rows:
        return 0
    session = session or db.session
    unique_columns = list(unique_columns)
    table = model.__table__
    if _dialect(session) == "postgresql":
        return _insert_missing_postgresql(table, rows, unique_columns, session)
    statement = (
        _insert(table, session).on_conflict_do_nothing(index_elements=unique_columns)
        .returning(table.c[unique_columns[0]])  # the rows inserted come back, to be counted
    )
    # An executemany that SQLAlchemy sends as multi-row INSERTs (1,000 rows a statement).
    return len(session.execute(statement, list(rows)).all())


def _insert_missing_postgresql(table, rows: Sequence[dict], unique_columns: list[str], session) -> int:
    """One INSERT ... SELECT FROM json_populate_recordset(the rows as one JSON document): one short
    statement with one parameter, where multi-row VALUES would bind every value on its own and
    psycopg would look for each placeholder in a query text of hundreds of kilobytes (several times
    slower at thousands of rows)."""
    names = list(rows[0])
    records = [{name: _json_ready(row[name]) for name in names} for row in rows]
    preparer = (session if hasattr(session, "dialect") else session.get_bind()).dialect.identifier_preparer
    source = func.json_populate_recordset(
        literal_column(f"NULL::{preparer.format_table(table)}"),
        bindparam("records", records, type_=postgresql.JSON),
    ).table_valued(*names)
    statement = (
        postgresql.insert(table)
        .from_select(names, select(*(source.c[name] for name in names)))
        .on_conflict_do_nothing(index_elements=unique_columns)
        .returning(table.c[unique_columns[0]])
    )
    return len(session.execute(statement).all())


def _json_ready(value):
    """Times as PostgreSQL reads them into a timestamp column: naive UTC, as every model stores them."""
    if isinstance(value, datetime):
        if value.tzinfo is not None:
            value = value.astimezone(timezone.utc).replace(tzinfo=None)
        return value.isoformat()
    return value


def upsert(model, row: dict, unique_columns: Iterable[str], update: dict, session=None) -> None:
    """Insert ``row``, or, when its ``unique_columns`` exist, set ``update`` on the row there."""
    session = session or db.session
    statement = _insert(model, session).values(row).on_conflict_do_update(
        index_elements=list(unique_columns), set_=update)
    session.execute(statement)


def update_column(model, key: str, column_name: str, values: dict) -> None:
    """Set ``column_name`` to ``values[k]`` on the row whose ``key`` is ``k``, for every ``k``."""
    if not values:
        return
    table = model.__table__
    if _dialect(db.session) == "postgresql":
        # One UPDATE ... FROM json_to_recordset: not a statement a row, however pipelined.
        source = keyed_values(values, table.c[key].type, table.c[column_name].type)
        db.session.execute(update(table).where(table.c[key] == source.c.k).values({column_name: source.c.v}))
        return
    statement = update(table).where(table.c[key] == bindparam("k", type_=table.c[key].type)).values(
        {column_name: bindparam("v", type_=table.c[column_name].type)})
    db.session.execute(statement, [{"k": k, "v": v} for k, v in values.items()])  # SQLite: in-process, cheap


def keyed_values(values: dict, key_type, value_type):
    """PostgreSQL: ``values`` as a table of rows (``k``, ``v``) bound as one JSON parameter, to join an
    UPDATE to (``UPDATE ... FROM``), so that many rows change in one short statement."""
    return func.json_to_recordset(
        bindparam("pairs", [{"k": k, "v": _json_ready(v)} for k, v in values.items()], type_=postgresql.JSON)
    ).table_valued(column("k", key_type), column("v", value_type)).render_derived(name="pairs", with_types=True)
