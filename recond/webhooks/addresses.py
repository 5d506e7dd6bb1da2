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
    address: str  # the checked IP address the connection goes to


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
    return Target(parts.scheme, parts.hostname, port, path, str(addresses[0]))


def _literal(host: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return None


def _public(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    return address.is_global and not address.is_multicast
