"""Webhook requests leave the server safely: which URLs an endpoint may have, and the one POST that
delivers a message.

A URL is ``http`` or ``https``, with a host and no credentials. Its host must resolve to public
addresses only: loopback, private, link-local, carrier-grade NAT, multicast, reserved and unspecified
addresses are refused (``WEBHOOK_ALLOW_PRIVATE=1`` lets self-hosted automation on the same network
through). The check runs when an endpoint is saved and again at every delivery, because DNS can change
in between, and the request connects to the very address that was checked, so a second lookup cannot
point it elsewhere. Redirects are not followed (a 3xx is a failed attempt), an answer is read up to
``WEBHOOK_RESPONSE_MAX_BYTES``, and the whole exchange must end within ``WEBHOOK_TIMEOUT_SECONDS``.
"""
import http.client
import ipaddress
import socket
import ssl
import time
from dataclasses import dataclass
from urllib.parse import urlsplit

from flask import current_app

from core.limits import WEBHOOK_RESPONSE_MAX_BYTES

USER_AGENT = "servermarket-webhooks/1"
_CARRIER_GRADE_NAT = ipaddress.ip_network("100.64.0.0/10")


class UnsafeUrl(ValueError):
    """Why a webhook URL is refused, in words for the person who typed it."""


@dataclass(frozen=True)
class Target:
    scheme: str
    host: str
    port: int
    path: str  # with the query
    address: str  # the checked address the request connects to


def _not_public(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> str | None:
    """What kind of non-public address ``address`` is, or None for a public one."""
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    # The narrowest name first: Python counts link-local and unspecified addresses as private too.
    for kind, test in (("a loopback", address.is_loopback), ("a link-local", address.is_link_local),
                       ("a multicast", address.is_multicast), ("an unspecified", address.is_unspecified),
                       ("a reserved", address.is_reserved),
                       ("a carrier-grade NAT", isinstance(address, ipaddress.IPv4Address)
                        and address in _CARRIER_GRADE_NAT),
                       ("a private", address.is_private)):
        if test:
            return kind
    if not address.is_global:
        return "a non-public"
    return None


def _allow_private() -> bool:
    return bool(current_app.config.get("WEBHOOK_ALLOW_PRIVATE"))


def parse(url: str) -> tuple[str, str, int, str]:
    """``(scheme, host, port, path)`` of a URL a webhook may have; ``UnsafeUrl`` says why not."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as error:
        raise UnsafeUrl(f"is not a valid URL ({error})") from None
    if parts.scheme not in ("http", "https"):
        raise UnsafeUrl("must start with http:// or https://")
    if parts.username is not None or parts.password is not None or "@" in parts.netloc:
        raise UnsafeUrl("must not contain a user name or password")
    if not parts.hostname:
        raise UnsafeUrl("must name a host")
    if parts.fragment:
        raise UnsafeUrl("must not have a #fragment")
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    return parts.scheme, parts.hostname, port or (443 if parts.scheme == "https" else 80), path


def resolve(host: str, port: int) -> str:
    """The address to connect to for ``host``: every address it resolves to must be public (unless
    ``WEBHOOK_ALLOW_PRIVATE``), and the first is used."""
    try:
        literal = ipaddress.ip_address(host.strip("[]"))
        found = [literal]
    except ValueError:
        try:
            infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
        except (socket.gaierror, UnicodeError) as error:
            raise UnsafeUrl(f"has a host that does not resolve ({host}: {error})") from None
        found = [ipaddress.ip_address(info[4][0].split("%")[0]) for info in infos]
    if not found:
        raise UnsafeUrl(f"has a host that does not resolve ({host})")
    if not _allow_private():
        for address in found:
            if (kind := _not_public(address)) is not None:
                raise UnsafeUrl(f"resolves to {kind} address ({address}); webhooks are only sent to public "
                                f"addresses")
    return str(found[0])


def check(url: str) -> Target:
    """The URL checked, and the address its host resolves to now."""
    scheme, host, port, path = parse(url)
    return Target(scheme, host, port, path, resolve(host, port))


@dataclass
class Answer:
    status_code: int | None
    duration_ms: int
    error: str | None  # None: a 2xx in time

    @property
    def ok(self) -> bool:
        return self.error is None


class _PinnedHTTPConnection(http.client.HTTPConnection):
    def __init__(self, target: Target, timeout: float):
        super().__init__(target.host, target.port, timeout=timeout)
        self._address = target.address

    def connect(self):
        self.sock = socket.create_connection((self._address, self.port), self.timeout)
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)


class _PinnedHTTPSConnection(http.client.HTTPSConnection):
    def __init__(self, target: Target, timeout: float):
        super().__init__(target.host, target.port, timeout=timeout, context=ssl.create_default_context())
        self._address = target.address

    def connect(self):
        sock = socket.create_connection((self._address, self.port), self.timeout)
        self.sock = self._context.wrap_socket(sock, server_hostname=self.host)


def post(url: str, body: bytes, headers: dict[str, str]) -> Answer:
    """POST ``body`` to ``url`` once, as described above; never raises for what the receiver does."""
    timeout = float(current_app.config["WEBHOOK_TIMEOUT_SECONDS"])
    started = time.monotonic()

    def answer(status_code: int | None, error: str | None) -> Answer:
        return Answer(status_code, int((time.monotonic() - started) * 1000), error)

    try:
        target = check(url)
    except UnsafeUrl as refusal:
        return answer(None, f"URL refused: it {refusal}")
    connection_class = _PinnedHTTPSConnection if target.scheme == "https" else _PinnedHTTPConnection
    connection = connection_class(target, timeout)
    try:
        connection.request("POST", target.path, body=body, headers={
            **headers, "Content-Type": "application/json", "User-Agent": USER_AGENT, "Connection": "close"})
        sock = connection.sock  # the connection lets go of it once the answer says it closes
        response = connection.getresponse()
        received = 0
        while received <= WEBHOOK_RESPONSE_MAX_BYTES:
            remaining = timeout - (time.monotonic() - started)
            if remaining <= 0:
                return answer(response.status, f"no complete answer within {timeout:g} s")
            sock.settimeout(remaining)
            chunk = response.read1(16 * 1024)
            if not chunk:
                break
            received += len(chunk)
        if received > WEBHOOK_RESPONSE_MAX_BYTES:
            return answer(response.status, f"the answer is longer than {WEBHOOK_RESPONSE_MAX_BYTES} bytes")
        if 200 <= response.status < 300:
            return answer(response.status, None)
        if 300 <= response.status < 400:
            return answer(response.status, f"HTTP {response.status}: redirects are not followed")
        return answer(response.status, f"HTTP {response.status}")
    except (TimeoutError, socket.timeout):
        return answer(None, f"no answer within {timeout:g} s")
    except (OSError, http.client.HTTPException) as error:
        return answer(None, f"{type(error).__name__}: {error}"[:500])
    finally:
        connection.close()
