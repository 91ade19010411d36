"""The development mail sink: an SMTP server on localhost that sends nothing on and keeps each message
it receives as a file in ``MAIL_SINK_DIR`` (``instance/mail/``), so that a person trying the app can
read what would have been emailed (``flask mail sink``, started by ``scripts/demo``; the admin page
``/admin/mail`` lists the messages).
"""
from dataclasses import dataclass
from datetime import datetime, timezone
from email import message_from_bytes, policy
from pathlib import Path
from typing import TYPE_CHECKING

from core.ids import new_id
from core.timeutil import utcnow
from models import User
from services.admin import require_admin

if TYPE_CHECKING:
    from aiosmtpd.controller import Controller

SHOWN_MAX = 100  # the newest messages the admin page lists


class _KeepAsFiles:
    def __init__(self, directory: Path):
        self.directory = directory

    async def handle_DATA(self, server, session, envelope):
        self.directory.mkdir(parents=True, exist_ok=True)
        name = f"{utcnow().strftime('%Y%m%dT%H%M%S')}-{new_id()}.eml"
        (self.directory / name).write_bytes(envelope.original_content)
        return "250 Kept, not sent on"


def start_sink(directory: str, host: str, port: int) -> "Controller":
    """Start the sink in a thread of this process; ``stop()`` the controller to end it."""
    # Imported here: the sink's SMTP server (and asyncio) is for `flask mail sink` alone, while this module
    # is imported by every app start for the admin page that lists what the sink kept.
    from aiosmtpd.controller import Controller

    controller = Controller(_KeepAsFiles(Path(directory)), hostname=host, port=port)
    controller.start()
    return controller


@dataclass(frozen=True)
class KeptMessage:
    name: str
    received_at: datetime
    sender: str
    to: str
    subject: str
    text: str


def kept_messages(actor: User, directory: str) -> tuple[list[KeptMessage], int]:
    """The newest messages the sink kept (administrators only), and how many it holds in all."""
    require_admin(actor)
    files = sorted(Path(directory).glob("*.eml"), reverse=True) if Path(directory).is_dir() else []
    messages = []
    for path in files[:SHOWN_MAX]:
        message = message_from_bytes(path.read_bytes(), policy=policy.default)
        body = message.get_body(("plain",))
        messages.append(KeptMessage(
            path.name, datetime.fromtimestamp(path.stat().st_mtime, timezone.utc), str(message["From"] or ""),
            str(message["To"] or ""), str(message["Subject"] or ""), body.get_content() if body else ""))
    return messages, len(files)
