"""SQLite connection settings (enforce foreign keys, let readers and a writer work side by side), and
deleting a database file with the files SQLite keeps beside it."""
from pathlib import Path

from sqlalchemy import event
from sqlalchemy.engine import Engine

_installed = False


def _configure(dbapi_connection, connection_record):
    if type(dbapi_connection).__module__.split(".")[0] != "sqlite3":
        return
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")  # durable at checkpoints; safe from corruption in WAL mode
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.close()


def install() -> None:
    global _installed
    if not _installed:
        event.listen(Engine, "connect", _configure)
        _installed = True


# Files SQLite keeps beside a database: the write-ahead log and its index, and the rollback journal.
# Left beside a new database of the same name, SQLite would take them for the new one's and replay them.
COMPANION_SUFFIXES = ("-wal", "-shm", "-journal")


def delete_database(path: Path) -> list[Path]:
    """Delete a SQLite database file with its companion files; returns the files that were there."""
    deleted = []
    # Companions first: stopped halfway, this leaves a database without its log, never a log for a new database.
    for file in [*(path.with_name(path.name + suffix) for suffix in COMPANION_SUFFIXES), path]:
        try:
            file.unlink()
        except FileNotFoundError:
            continue
        deleted.append(file)
    return deleted
