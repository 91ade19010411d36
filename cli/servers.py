"""``flask servers import``."""
import json
import sys
import time

import click
from flask.cli import AppGroup

from services import inventory
from services.errors import BadRequest

servers = AppGroup("servers", help="Manage the server inventory.")


def _name(path: str) -> str:
    return "The standard input" if path == "-" else path


def _json_type(value) -> str:
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, (int, float)):
        return "number"
    return {dict: "object", str: "string", type(None): "null"}.get(type(value), type(value).__name__)


def _load(path: str):
    try:
        if path == "-":
            return json.load(sys.stdin)
        with open(path, encoding="utf-8") as handle:
            return json.load(handle)
    except OSError as error:
        raise click.ClickException(f"Cannot read {path}: {error.strerror or error}") from None
    except UnicodeDecodeError:
        raise click.ClickException(f"{_name(path)} is not UTF-8 text") from None
    except (ValueError, RecursionError) as error:
        raise click.ClickException(f"{_name(path)} is not valid JSON: {error}") from None


@servers.command("import")
@click.argument("path", metavar="FILE.json")
def import_command(path: str) -> None:
    """Import servers from a JSON array (FILE.json, or - for standard input).

    All or nothing: if any record is invalid, every problem is listed and nothing is imported.
    The format is described in docs/inventory-format.md.
    """
    with inventory.gc_paused():  # a large file is millions of objects; see gc_paused
        items = _load(path)
    if not isinstance(items, list):
        raise click.ClickException(
            f"{_name(path)} must contain a JSON array of server objects, not a JSON {_json_type(items)}"
        )
    started = time.perf_counter()
    try:
        count = inventory.import_servers(items)
    except BadRequest as error:
        if not error.details:
            raise click.ClickException(error.message) from None
        for problem in error.details:
            record = items[problem["index"]] if 0 <= problem["index"] < len(items) else None
            click.echo(inventory.format_error(problem, record), err=True)
        bad = len({problem["index"] for problem in error.details})
        click.echo(f"Error: {len(error.details)} problem(s) in {bad} of {len(items)} record(s) "
                   f"(records are counted from 0); nothing was imported.", err=True)
        sys.exit(1)
    elapsed = time.perf_counter() - started
    click.echo(f"Imported {count} server{'s' if count != 1 else ''} in {elapsed:.2f} s.")
