"""The one way marketplace code makes outbound HTTP requests.

Explicit connect/read timeouts, our User-Agent, no redirects (a redirect from an API is an error, and
following it could carry signed query strings elsewhere), and logging that never shows tokens or
signatures.

Server-side request forgery (ASVS V5.2.6, V12.6.1): an owner types their WooCommerce shop's address, so the
host of a request may be anyone's choice. Every request therefore goes over HTTPS to port 443 of a public
address, and nowhere else. The host name is resolved once and the connection goes to the address that was
checked (requests-hardened's IPFilterAdapter: the urllib3 pool is opened for that IP, with the host name as
TLS server name and certificate host, and in the Host header), so a second DNS answer (DNS rebinding) is
never asked for. That address must be public: no loopback, private, shared (CGNAT), link-local, reserved,
documentation, benchmarking, multicast or unspecified address, IPv4 or IPv6, IPv4-mapped, NAT64 and 6to4
forms included (requests-hardened refuses most; ``address_is_public`` adds what Python 3.11's ``ipaddress``
misses). A decimal or octal host (``http://2130706433``) is an address once resolved, and checked as such.

The sandbox marketplaces run on 127.0.0.1: loopback is allowed only when ``MARKETPLACE_HTTP_ALLOW_LOOPBACK``
says so, which no environment variable sets: the dev settings with ``MARKETPLACE_SANDBOX`` on allow the
sandbox's own ports, the test settings any loopback port (simulators take free ones), production none.
Nothing allows a private or link-local address.
"""

from __future__ import annotations

import ipaddress
import logging
import re
import time
from urllib.parse import urlsplit

import requests
from django.conf import settings
from django.utils.translation import gettext as _
from requests_hardened.ip_filter import InvalidIPAddress
from requests_hardened.ip_filter_adapter import IPFilterAdapter

from .errors import PermanentError
from .metrics import MARKETPLACE_CALL_SECONDS, MARKETPLACE_CALLS, call_outcome

logger = logging.getLogger("marketplace_connectors.http")

SECRET_PARAMS = ("sign", "access_token", "refresh_token", "code", "partner_key", "app_secret", "client_secret")
_SECRET_RE = re.compile(r"(?i)\b(" + "|".join(SECRET_PARAMS) + r")=([^&\s]+)")

PUBLIC_PORT = 443
IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
# IANA's special-purpose address registries: none of them is a shop on the internet.
_REFUSED_V4 = tuple(ipaddress.ip_network(n) for n in (
    "0.0.0.0/8", "10.0.0.0/8", "100.64.0.0/10", "127.0.0.0/8", "169.254.0.0/16", "172.16.0.0/12",
    "192.0.0.0/24", "192.0.2.0/24", "192.88.99.0/24", "192.168.0.0/16", "198.18.0.0/15", "198.51.100.0/24",
    "203.0.113.0/24", "224.0.0.0/4", "240.0.0.0/4",
))
_REFUSED_V6 = tuple(ipaddress.ip_network(n) for n in (
    "::/8", "64:ff9b::/96", "64:ff9b:1::/48", "100::/64", "2001::/23", "2001:db8::/32", "2002::/16", "3fff::/20",
    "5f00::/16", "fc00::/7", "fe80::/10", "fec0::/10", "ff00::/8",
))


class DestinationRefused(PermanentError):
    """A request would leave for an address or port the platform never calls (see the module docstring).
    The message is the owner's and the same whatever the address was: it tells nothing about the network."""

    def __init__(self, reason: str) -> None:
        super().__init__(_("This address cannot be used. Enter the public https:// address of your web shop."),
                         code="address_refused")
        self.reason = reason  # for the log only


def redact(url_or_text: str) -> str:
    """Replace the values of secret query parameters with ``***``."""
    return _SECRET_RE.sub(lambda m: f"{m.group(1)}=***", url_or_text)


def address_is_public(address: IPAddress) -> bool:
    """Whether ``address`` is a public unicast address (an IPv4-mapped IPv6 address is judged by its IPv4)."""
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    refused = _REFUSED_V4 if isinstance(address, ipaddress.IPv4Address) else _REFUSED_V6
    if any(address in network for network in refused):
        return False
    return address.is_global and not (address.is_private or address.is_loopback or address.is_link_local
                                      or address.is_multicast or address.is_reserved or address.is_unspecified)


def loopback_ports() -> frozenset[int] | None:
    """The loopback ports requests may go to now (``MARKETPLACE_HTTP_ALLOW_LOOPBACK``): None for any (test
    settings), the sandbox's ports (dev settings with MARKETPLACE_SANDBOX), none otherwise (production)."""
    allowed = getattr(settings, "MARKETPLACE_HTTP_ALLOW_LOOPBACK", False)
    if allowed is True:
        return None
    return frozenset(int(port) for port in allowed or ())


def destination_allowed(address: IPAddress, *, scheme: str, port: int) -> bool:
    """Whether a request may connect to ``address``:``port`` over ``scheme`` (the address it resolved to)."""
    plain = address.ipv4_mapped if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped else address
    if plain.is_loopback:
        ports = loopback_ports()
        return ports is None or port in ports
    return scheme == "https" and port == PUBLIC_PORT and address_is_public(address)


class _PublicOnlyAdapter(IPFilterAdapter):
    """requests-hardened's adapter (resolve once, refuse private addresses, connect to the checked IP with
    the name for TLS) with the platform's policy on top: HTTPS on port 443 to a public address, loopback only
    where allowed. Loopback is let through requests-hardened's own check and decided here."""

    def __init__(self, *, is_https_proto: bool) -> None:
        super().__init__(is_https_proto=is_https_proto, allow_loopback=True)

    def build_connection_pool_key_attributes(self, request, verify, cert=None):
        parts = urlsplit(request.url)
        scheme = parts.scheme.lower()
        try:
            port = parts.port or (443 if scheme == "https" else 80)
        except ValueError:
            raise DestinationRefused("unreadable port") from None
        try:
            host_params, pool_kwargs = super().build_connection_pool_key_attributes(request, verify, cert)
        except InvalidIPAddress as exc:
            raise DestinationRefused(f"{exc} port {port}") from None
        address = ipaddress.ip_address(str(host_params["host"]).strip("[]"))
        if not destination_allowed(address, scheme=scheme, port=port):
            raise DestinationRefused(f"{address} port {port} over {scheme}")
        return host_params, pool_kwargs


class _NoRedirectSession(requests.Session):
    def __init__(self, timeout: tuple[float, float], marketplace: str = "") -> None:
        super().__init__()
        self.timeout = timeout
        self.marketplace = marketplace or "unknown"
        self.headers["User-Agent"] = settings.MARKETPLACE_HTTP_USER_AGENT
        self.headers["Accept"] = "application/json"
        self.trust_env = False  # no proxies (they would resolve the name themselves) or .netrc credentials
        self.mount("https://", _PublicOnlyAdapter(is_https_proto=True))
        self.mount("http://", _PublicOnlyAdapter(is_https_proto=False))

    def request(self, method, url, *args, **kwargs):  # noqa: D401 - same signature as requests
        kwargs.setdefault("timeout", self.timeout)
        kwargs["allow_redirects"] = False
        kwargs["proxies"] = {}
        parts = urlsplit(url)
        started = time.perf_counter()
        try:
            response = super().request(method, url, *args, **kwargs)
        except DestinationRefused as exc:
            MARKETPLACE_CALLS.labels(self.marketplace, "refused").inc()
            logger.warning("%s %s refused: %s", method, parts.hostname, exc.reason)
            raise
        except requests.RequestException:
            MARKETPLACE_CALLS.labels(self.marketplace, call_outcome(None)).inc()
            raise
        MARKETPLACE_CALL_SECONDS.labels(self.marketplace).observe(time.perf_counter() - started)
        MARKETPLACE_CALLS.labels(self.marketplace, call_outcome(response.status_code)).inc()
        logger.debug("%s %s%s -> %s", method, parts.netloc, redact(parts.path), response.status_code)
        return response


def session_create(*, marketplace: str = "", connect_timeout: float | None = None,
                   read_timeout: float | None = None) -> requests.Session:
    """A new session with the platform's timeouts, User-Agent, no redirects, and public destinations only
    (checked after DNS resolution and pinned for the connection; see the module docstring). Its calls are
    counted in the metrics under ``marketplace`` (the connector's code)."""
    default_connect, default_read = settings.MARKETPLACE_HTTP_TIMEOUTS
    return _NoRedirectSession((connect_timeout or default_connect, read_timeout or default_read), marketplace)
