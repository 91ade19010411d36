"""``flask mail sink``: the development mail sink."""
import signal
import threading

import click
from flask import current_app
from flask.cli import AppGroup

from services.mail_sink import start_sink

DEFAULT_SINK_PORT = 8025

mail = AppGroup("mail", help="Email: a local sink that keeps what would have been sent.")


@mail.command("sink")
@click.option("--host", default="127.0.0.1", show_default=True, help="The address to listen on.")
@click.option("--port", type=click.IntRange(1, 65535), default=DEFAULT_SINK_PORT, show_default=True)
def sink(host: str, port: int) -> None:
    """An SMTP server that sends nothing on and keeps each message in MAIL_SINK_DIR (instance/mail/),
    where the admin page /admin/mail lists them. Point the app at it with SMTP_URL=smtp://HOST:PORT.
    For trying the app: it accepts mail from anyone on the address it listens on."""
    directory = current_app.config["MAIL_SINK_DIR"]
    controller = start_sink(directory, host, port)
    click.echo(f"Mail sink on smtp://{host}:{port}: every message is kept in {directory}/ and sent nowhere")
    stopped = threading.Event()
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, lambda *_: stopped.set())
    try:
        stopped.wait()
    finally:
        controller.stop()
