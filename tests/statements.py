"""The SQL the app sends while a test watches: for counting statements and reading their plans."""
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import event

from core.extensions import db


@contextmanager
def statements_sent(app) -> Iterator[list[tuple[str, object]]]:
    """A list that fills with (statement, parameters) of every statement sent inside the block."""
    sent = []

    def keep(conn, cursor, statement, parameters, context, executemany):
        sent.append((statement, parameters))

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", keep)
    try:
        yield sent
    finally:
        event.remove(engine, "before_cursor_execute", keep)


def query_plan(app, statement: str, parameters) -> str:
    """The database's plan for ``statement``; on PostgreSQL with reading whole tables priced out, as on a
    table of real size."""
    with app.app_context(), db.engine.connect() as connection:
        cursor = connection.connection.dbapi_connection.cursor()
        if connection.dialect.name == "sqlite":
            return "\n".join(row[-1] for row in cursor.execute(f"EXPLAIN QUERY PLAN {statement}", parameters))
        for setting in ("enable_seqscan", "enable_bitmapscan"):
            cursor.execute(f"SET {setting} = off")
        cursor.execute(f"EXPLAIN {statement}", parameters)
        return "\n".join(row[0] for row in cursor.fetchall())
