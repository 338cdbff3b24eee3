"""The client's address: the one place that says where a request comes from.

Design: behind a reverse proxy every request reaches us from the proxy's address, and the
client's own address travels in the `X-Forwarded-For` header, which anyone can also write.
So the header is read only when the request comes from a proxy we trust (the setting
`CHARTE_TRUSTED_PROXIES`, from the environment variable `TRUSTED_PROXIES`: addresses or
networks). Then the chain is read from the right, the end our proxies wrote: each trusted
proxy's entry is skipped, and the first address that is not one of ours is the client's.
Whatever a client wrote to the left of it is ignored. A request from anywhere else, or with
no setting (the default), is taken at its word: `REMOTE_ADDR`, the address of the connection.
A connection through gunicorn's unix socket has no address (`REMOTE_ADDR` is empty): only a
process on the same machine can open it, so it is trusted as a proxy when the setting says
"unix", and otherwise has no address at all.

The header itself is parsed by python-ipware (ports, brackets, IPv6, IPv4 mapped in IPv6,
junk tokens), never by hand; its strict mode is off on purpose, so that junk a client puts
to the left of the chain cannot make us fall back to the proxy's address, which every client
shares.

Everything that needs an address uses `client_address(request)`: the journal's request
metadata, the sign-in delays, the watch's alerts, every rate limit.
"""

import functools
import ipaddress

from django.conf import settings
from django.http import HttpRequest
from python_ipware import IpWare

type Network = ipaddress.IPv4Network | ipaddress.IPv6Network

FORWARDED_FOR = "HTTP_X_FORWARDED_FOR"
# More hops than any deployment of ours has: past this, the chain is not read further.
MAX_HOPS = 8


@functools.lru_cache(maxsize=8)
def trusted_networks(proxies: tuple[str, ...]) -> tuple[Network, ...]:
    """The networks of the trusted proxies ("10.0.0.5", "10.0.0.0/8", "fd00::/8")."""
    return tuple(
        ipaddress.ip_network(proxy.strip(), strict=False) for proxy in proxies if proxy != "unix"
    )


def _address(value: str | None) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        address = ipaddress.ip_address((value or "").strip())
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return address.ipv4_mapped
    return address


def _is_trusted(address: object, networks: tuple[Network, ...]) -> bool:
    return any(
        isinstance(address, ipaddress.IPv4Address | ipaddress.IPv6Address)
        and address.version == network.version
        and address in network
        for network in networks
    )


@functools.lru_cache(maxsize=MAX_HOPS + 1)
def _hop_reader(hop: int) -> IpWare:
    # python-ipware returns the entry `proxy_count` places from the right end of the chain.
    return IpWare(precedence=(FORWARDED_FOR,), proxy_count=hop)


def client_address(request: HttpRequest) -> str | None:
    """The address of the client that sent `request`, as a string; None if there is none."""
    proxies = tuple(settings.CHARTE_TRUSTED_PROXIES)
    networks = trusted_networks(proxies)
    peer = _address(request.META.get("REMOTE_ADDR"))
    if peer is None:
        if "unix" not in proxies or request.META.get("REMOTE_ADDR"):
            return None
        # The local proxy, through the unix socket: the client is the chain's right end.
        closest: object = None
    elif not networks or not _is_trusted(peer, networks):
        return str(peer)
    else:
        closest = peer
    if not request.META.get(FORWARDED_FOR):
        return None if closest is None else str(closest)  # the proxy's own request, or direct
    for hop in range(MAX_HOPS):
        found, _ = _hop_reader(hop).get_client_ip(request.META, strict=False)
        if found is None:
            break  # the chain ends here: every hop in it is one of our proxies
        if not _is_trusted(found, networks):
            return str(found)
        closest = found
    return None if closest is None else str(closest)
