"""A real SMTP server on localhost for the tests of email (aiosmtpd), and what it received.

A test module takes the fixture by importing it: ``from tests.mail import mail_server  # noqa: F401``.
The fixture points the test's app at the server (``SMTP_URL``); ``stop()`` and ``start()`` take the
server down and bring it back on the same port, as a mail server that goes away for a while.
"""
import re
import socket
from email import message_from_bytes, policy
from email.message import EmailMessage
from urllib.parse import parse_qs, urlsplit

import pytest
from aiosmtpd.controller import Controller

LINK = re.compile(r"https?://[^\s<>\"']+")


class _Keep:
    def __init__(self, messages: list):
        self.messages = messages

    async def handle_DATA(self, server, session, envelope):
        message = message_from_bytes(envelope.original_content, policy=policy.default)
        message["X-Envelope-To"] = ", ".join(envelope.rcpt_tos)
        self.messages.append(message)
        return "250 Message accepted"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class MailServer:
    def __init__(self):
        self.messages: list[EmailMessage] = []
        self.port = _free_port()
        self._controller = None

    @property
    def url(self) -> str:
        return f"smtp://127.0.0.1:{self.port}"

    def start(self) -> None:
        self._controller = Controller(_Keep(self.messages), hostname="127.0.0.1", port=self.port)
        self._controller.start()

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None

    def to(self, address: str) -> list[EmailMessage]:
        return [message for message in self.messages if message["To"] == address]


def text_of(message: EmailMessage) -> str:
    return message.get_body(("plain",)).get_content()


def html_of(message: EmailMessage) -> str:
    return message.get_body(("html",)).get_content()


def links_in(message: EmailMessage) -> list[str]:
    """The links of the plain-text part, in order."""
    return LINK.findall(text_of(message))


@pytest.fixture
def mail_server(app):
    server = MailServer()
    server.start()
    app.config["SMTP_URL"] = server.url
    app.config["MAIL_FROM"] = "Servermarket <noreply@servers.example.com>"
    app.config["PUBLIC_URL"] = "http://localhost"
    yield server
    server.stop()


def link_to(message: EmailMessage, path: str) -> str:
    """The first link of ``message`` to the page at ``path``."""
    return next(link for link in links_in(message) if urlsplit(link).path == path)


def token_of(link: str) -> str:
    return parse_qs(urlsplit(link).query)["token"][0]


def give_verified_address(api, person, address: str, mail_server: MailServer, tick) -> None:
    """Give ``person`` the address and verify it with the link emailed to it, as they would."""
    response = api.patch("/users/me", as_=person, json={"email": address})
    assert response.status_code == 200, response.json
    tick()
    token = token_of(link_to(mail_server.to(address)[-1], "/verify-email"))
    assert api.post("/auth/verify-email", json={"token": token}).status_code == 200
