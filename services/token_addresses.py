"""Where an API token is accepted from: its ``ip_whitelist``, addresses and CIDR ranges (IPv4 or IPv6), or
``"*"`` for anywhere. The client's address is ``request.remote_addr``, which ProxyFix sets from the
proxy's header when PROXY_FIX says the app is behind one."""
import ipaddress
from functools import lru_cache

from services.errors import Forbidden

ANYWHERE = "*"
IP_NOT_ALLOWED = "IP_NOT_ALLOWED"


class IpNotAllowed(Forbidden):
    code = IP_NOT_ALLOWED

    def __init__(self, address: str | None):
        super().__init__(f"This token is not accepted from {address or 'an unknown address'}")


@lru_cache(maxsize=1024)
def _networks(entries: tuple[str, ...]) -> tuple:
    return tuple(ipaddress.ip_network(entry, strict=False) for entry in entries)


def normalized(entries: list[str] | str | None) -> list[str] | None:
    """The stored form of a whitelist: None for anywhere, else each entry as a network (``10.0.0.7`` ->
    ``10.0.0.7/32``). ``ValueError`` names a bad entry."""
    if entries is None or entries == ANYWHERE or entries == [] or ANYWHERE in entries:
        return None
    result = []
    for entry in entries:
        try:
            result.append(str(ipaddress.ip_network(entry.strip(), strict=False)))
        except ValueError:
            raise ValueError(f"{entry!r} is not an IP address or a CIDR range") from None
    return list(dict.fromkeys(result))


def admits(whitelist: list[str] | None, address: str | None) -> bool:
    if not whitelist:
        return True
    try:
        client = ipaddress.ip_address(address or "")
    except ValueError:
        return False
    if client.version == 6 and client.ipv4_mapped is not None:
        client = client.ipv4_mapped
    return any(client in network for network in _networks(tuple(whitelist)) if network.version == client.version)


def shown(whitelist: list[str] | None) -> list[str]:
    """The whitelist as the API and the pages show it: ``["*"]`` for anywhere."""
    return [ANYWHERE] if not whitelist else list(whitelist)
