"""Where a webhook may send: https to a public address. A delivery is a request our server makes
to an address a person typed, so without this rule a webhook would reach what only our
network reaches (a database, a cloud's metadata service at 169.254.169.254): server-side
request forgery. The name is resolved at each delivery, every address it resolves to must be
public, and the connection goes to the very address that was checked (a name that resolves
differently a moment later changes nothing).

RECOND_WEBHOOK_ALLOW_LOCAL=1 also accepts http:// and private, loopback and link-local
addresses: for the tests and a receiver on the same machine or network, never for a public
instance."""
from __future__ import annotations

import ipaddress
import socket
from dataclasses import dataclass
from urllib.parse import urlsplit

from flask_babel import lazy_gettext as _l

from recond.errors import InvalidInput

MAX_URL = 2000


class AddressRefused(Exception):
    """A delivery's address is not one we send to (its `code` is logged with the attempt)."""

    def __init__(self, code: str, detail: str) -> None:
        super().__init__(f"{code}: {detail}")
        self.code, self.detail = code, detail


@dataclass(frozen=True)
class Target:
    scheme: str
    host: str  # as typed: the Host header and the TLS certificate's name
    port: int
    path: str  # with its query
    addresses: tuple[str, ...]  # the checked IP addresses the connection tries, in turn


def check_url(url: str, allow_local: bool) -> str:
    """The URL an administrator typed, refused in words they understand unless we may send to
    it (what can be decided without resolving the name)."""
    url = (url or "").strip()
    if not url or len(url) > MAX_URL:
        raise InvalidInput(_l("Give the receiver's address, at most %(n)s characters.", n=MAX_URL),
                           code="webhook_url")
    parts = urlsplit(url)
    schemes = ("https", "http") if allow_local else ("https",)
    try:
        parts.port
    except ValueError:
        parts = None
    if parts is None or parts.scheme not in schemes or not parts.hostname:
        raise InvalidInput(_l("The address must start with https:// and name a server."),
                           code="webhook_url")
    if parts.username is not None or parts.password is not None:
        raise InvalidInput(_l("The address may not hold a user name or password: the signature "
                              "proves each delivery."), code="webhook_url")
    literal = _literal(parts.hostname)
    if not allow_local and (parts.hostname.lower() == "localhost"
                            or (literal is not None and not _public(literal))):
        raise InvalidInput(_l("The address must be a public one: Recond does not send to "
                              "private or local networks."), code="webhook_url")
    return url


def target(url: str, allow_local: bool) -> Target:
    """Resolve the URL for one delivery; `AddressRefused` when it may not be sent to."""
    parts = urlsplit(url)
    schemes = ("https", "http") if allow_local else ("https",)
    if parts.scheme not in schemes or not parts.hostname:
        raise AddressRefused("refused_address", f"scheme {parts.scheme!r} not allowed")
    port = parts.port or (443 if parts.scheme == "https" else 80)
    try:
        found = socket.getaddrinfo(parts.hostname, port, type=socket.SOCK_STREAM)
    except socket.gaierror as error:
        raise AddressRefused("dns", f"{parts.hostname}: {error.strerror}") from None
    addresses = [ipaddress.ip_address(info[4][0].split("%")[0]) for info in found]
    if not addresses:
        raise AddressRefused("dns", f"{parts.hostname}: no address")
    refused = [str(a) for a in addresses if not allow_local and not _public(a)]
    if refused:  # one private address among public ones is enough to refuse the name
        raise AddressRefused("refused_address", f"{parts.hostname} resolves to {refused[0]}")
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    unique = tuple(dict.fromkeys(str(a) for a in addresses))
    return Target(parts.scheme, parts.hostname, port, path, unique)


def _literal(host: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return None


# Ranges Python's `is_global` still calls global (3.11) but which reach what only our network
# reaches, or are not addresses one sends to.
_DENIED = tuple(ipaddress.ip_network(n) for n in (
    "0.0.0.0/8", "100.64.0.0/10", "192.0.0.0/24", "198.18.0.0/15", "240.0.0.0/4",
    "::/96",  # IPv4-compatible (deprecated): ::127.0.0.1
    "64:ff9b:1::/48",  # local-use NAT64
    "100::/64", "2001::/23", "2001:db8::/32", "fc00::/7", "fe80::/10", "fec0::/10",
))
# IPv6 prefixes that carry an IPv4 address in their last 32 bits (NAT64): that address is
# where the packet goes, so it is the one checked.
_NAT64 = (ipaddress.ip_network("64:ff9b::/96"), ipaddress.ip_network("64:ff9b:1::/48"))


def _public(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    """Public, and so is every IPv4 address it carries (mapped, 6to4, Teredo, NAT64)."""
    if any(address in network for network in _DENIED if network.version == address.version):
        return False
    if not (address.is_global and not address.is_multicast):
        return False
    return all(_public(inner) for inner in _embedded(address))


def _embedded(address) -> list[ipaddress.IPv4Address]:
    if not isinstance(address, ipaddress.IPv6Address):
        return []
    inner = [address.ipv4_mapped, address.sixtofour,
             address.teredo[1] if address.teredo else None]
    if any(address in network for network in _NAT64):
        inner.append(ipaddress.IPv4Address(int(address) & 0xFFFFFFFF))
    return [a for a in inner if a is not None]
