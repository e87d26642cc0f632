"""The address of the client that sent a request, also behind a reverse proxy.

Every rule keyed on an address (login lockout, the public forms' rate limit) goes through
`client_ip`, so a proxy never turns all visitors into one, and a visitor never picks an address
by sending a header of its own.
"""

import functools
import ipaddress

from django.conf import settings
from django.http import HttpRequest
from ipware import get_client_ip

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


@functools.cache
def _networks(proxies: tuple[str, ...]) -> tuple[Network, ...]:
    return tuple(ipaddress.ip_network(proxy, strict=False) for proxy in proxies)


def _is_trusted_proxy(address: str) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    return any(ip in network for network in _networks(tuple(settings.TRUSTED_PROXIES)))


def client_ip(request: HttpRequest) -> str:
    """The client's IP address: the connecting address, unless that is one of
    TRUSTED_PROXIES; then the address the proxy saw, from X-Forwarded-For read from the right
    (whatever the client itself wrote on the left is ignored)."""
    remote = request.META.get("REMOTE_ADDR") or ""
    if not _is_trusted_proxy(remote):
        return remote
    # Each of PROXY_COUNT proxies appends the address it saw; the last one is REMOTE_ADDR,
    # so the client is PROXY_COUNT entries from the right, with PROXY_COUNT - 1 after it.
    ip, _routable = get_client_ip(
        request,
        proxy_count=max(settings.PROXY_COUNT - 1, 0),
        request_header_order=["HTTP_X_FORWARDED_FOR"],
        strict=False,
        algorithm="modern",
    )
    # No usable header: the request came from the proxy machine itself (e.g. a health check).
    return ip or remote
