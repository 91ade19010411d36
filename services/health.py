"""Is the database usable, for GET /healthz: reachable, and taking writes rather than only reads.

Load balancers poll this often, so each check is a handful of cheap statements and leaves nothing
behind: PostgreSQL is asked whether its transactions are read-only; SQLite, which has no such
question, is asked for a write inside a transaction that is always rolled back.
"""
from sqlalchemy import text
from sqlalchemy.engine import Connection
from sqlalchemy.exc import OperationalError

from core.extensions import db

OK = "ok"
READ_ONLY = "read-only"

# Primary result codes (the low byte of an extended code such as SQLITE_READONLY_DBMOVED).
_SQLITE_BUSY = 5
_SQLITE_READONLY = 8


def database_status() -> str:
    """``OK`` or ``READ_ONLY``; a database that cannot be reached raises ``SQLAlchemyError``."""
    try:
        connection = db.session.connection()
        dialect = connection.dialect.name
        if dialect == "sqlite":
            return _sqlite_status(connection)
        if dialect == "postgresql":
            return _postgresql_status(connection)
        connection.execute(text("SELECT 1"))
        return OK
    finally:
        db.session.rollback()


def _postgresql_status(connection: Connection) -> str:
    # A hot standby (in recovery) and default_transaction_read_only both make transaction_read_only on.
    read_only = connection.execute(text(
        "SELECT pg_is_in_recovery() OR current_setting('transaction_read_only')::boolean")).scalar()
    return READ_ONLY if read_only else OK


def _sqlite_status(connection: Connection) -> str:
    # A read-only file (permissions, a read-only mount, mode=ro) opens and reads normally and even
    # accepts BEGIN IMMEDIATE; only an actual write is refused. Rewriting user_version with its own
    # value is the smallest write there is, and the rollback discards it.
    busy_timeout = connection.exec_driver_sql("PRAGMA busy_timeout").scalar()
    user_version = int(connection.exec_driver_sql("PRAGMA user_version").scalar())
    # Another writer holding the lock proves writes work; waiting for it would only slow the check.
    connection.exec_driver_sql("PRAGMA busy_timeout = 0")
    try:
        connection.exec_driver_sql("BEGIN")  # explicit: the driver would run the PRAGMA outside any transaction
        connection.exec_driver_sql(f"PRAGMA user_version = {user_version}")
    except OperationalError as error:
        code = getattr(error.orig, "sqlite_errorcode", 0) & 0xFF
        if code == _SQLITE_READONLY:
            return READ_ONLY
        if code != _SQLITE_BUSY:
            raise
    finally:
        connection.exec_driver_sql(f"PRAGMA busy_timeout = {int(busy_timeout)}")
    return OK
