"""One database transaction around a change that moves money.

``write_transaction()`` commits at the end and rolls back on any error, so a failure anywhere
inside (after the debit too) leaves balance, rental and transaction as they were.

On SQLite it starts with ``BEGIN IMMEDIATE``: the write lock is taken before the first read, so
concurrent writers queue behind one another (up to the busy timeout) instead of one failing with
"database is locked" when it tries to write after reading an older snapshot. PostgreSQL needs no
such thing: the conditional updates inside the services lock the rows they change.

Nested uses join the outermost transaction.
"""
from contextlib import contextmanager

from core.extensions import db

_DEPTH_KEY = "write_transaction_depth"


@contextmanager
def write_transaction():
    session = db.session
    depth = session.info.get(_DEPTH_KEY, 0)
    if depth:
        session.info[_DEPTH_KEY] = depth + 1
        try:
            yield
        finally:
            session.info[_DEPTH_KEY] = depth
        return

    session.commit()  # end any read transaction still open, so this one starts fresh
    connection = session.connection()
    if connection.dialect.name == "sqlite":
        connection.exec_driver_sql("BEGIN IMMEDIATE")
    session.info[_DEPTH_KEY] = 1
    try:
        yield
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.info[_DEPTH_KEY] = 0
