"""Server-side request forgery (ASVS V5.2.6 / V12.6.1): an owner types their WooCommerce shop's address, so
every outbound request (http.session_create) goes over HTTPS to port 443 of a public address only; the
address is checked after DNS resolution and is the one the connection goes to; redirects are not followed;
and what the owner reads about a refused or failing shop says nothing about the network behind it.

DNS answers come from a stand-in for ``socket.getaddrinfo`` (the process boundary): a name in ``dns`` gets
the answers the test chose, in turn; an address literal is parsed by the real resolver as usual. The tests
run with loopback refused (test settings allow it for the simulators) unless they say otherwise. Nothing
leaves the machine: pytest-socket refuses any connection that is not to loopback.
"""

from __future__ import annotations

import socket
import ssl
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import requests
from django.urls import reverse
from pytest_socket import SocketConnectBlockedError

from marketplace_connectors import http
from marketplace_connectors.backends.woocommerce.connector import WooCommerceConnector
from marketplace_connectors.errors import ConnectorError, PermanentError
from marketplace_connectors.models import MarketplaceAccount

from .factories import owner_membership

PUBLIC = "93.184.215.14"  # a public address (pytest-socket stops any connection to it)
GENERIC = "This address cannot be used. Enter the public https:// address of your web shop."

REFUSED = {
    "loopback": "127.0.0.1",
    "loopback, elsewhere in 127/8": "127.45.6.7",
    "loopback IPv6": "::1",
    "private 10/8": "10.0.0.5",
    "private 172.16/12": "172.16.5.4",
    "private 192.168/16": "192.168.1.1",
    "unique local IPv6": "fd12:3456::1",
    "link-local (cloud metadata)": "169.254.169.254",
    "link-local IPv6": "fe80::1",
    "shared address space (CGNAT)": "100.64.0.1",
    "reserved 240/4": "240.0.0.1",
    "broadcast": "255.255.255.255",
    "unspecified": "0.0.0.0",
    "unspecified IPv6": "::",
    "multicast": "224.0.0.1",
    "multicast IPv6": "ff02::1",
    "documentation": "192.0.2.10",
    "documentation IPv6": "2001:db8::1",
    "benchmarking": "198.18.0.1",
    "IETF protocol assignments": "192.0.0.8",
    "IPv4-mapped loopback": "::ffff:127.0.0.1",
    "IPv4-mapped private": "::ffff:10.0.0.1",
    "IPv4-mapped metadata": "::ffff:169.254.169.254",
    "IPv4-compatible loopback": "::127.0.0.1",
    "NAT64 of a private address": "64:ff9b::a00:1",
    "6to4 of a private address": "2002:a00:1::1",
    "site-local IPv6": "fec0::1",
    "Teredo": "2001::1",
}


@pytest.fixture
def dns(monkeypatch):
    """Names the test answers: ``dns.answers[name] = [first, second, ...]`` (the last one repeats);
    ``dns.asked`` lists every name looked up."""

    class Resolver:
        answers: dict[str, list[str]] = {}
        asked: list[str] = []

    real = socket.getaddrinfo

    def getaddrinfo(host, port, family=0, type=0, proto=0, flags=0):  # noqa: A002 - socket's own names
        name = host.decode() if isinstance(host, bytes) else host
        if name not in Resolver.answers:
            return real(host, port, family, type, proto, flags)
        Resolver.asked.append(name)
        queue = Resolver.answers[name]
        address = queue.pop(0) if len(queue) > 1 else queue[0]
        if ":" in address:
            return [(socket.AF_INET6, socket.SOCK_STREAM, socket.IPPROTO_TCP, "", (address, port or 0, 0, 0))]
        return [(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP, "", (address, port or 0))]

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    Resolver.answers, Resolver.asked = {}, []
    return Resolver


@pytest.fixture(autouse=True)
def _english_messages():
    """Messages are compared in English here (the platform's default language is Vietnamese; the form's
    test reads the Vietnamese one)."""
    from django.utils import translation

    with translation.override("en"):
        yield


@pytest.fixture(autouse=True)
def no_loopback(settings):
    """Production's policy: no loopback (tests that start a local server turn it back on)."""
    settings.MARKETPLACE_HTTP_ALLOW_LOOPBACK = False
    settings.MARKETPLACE_HTTP_TIMEOUTS = (2.0, 2.0)


class Recorder(BaseHTTPRequestHandler):
    """A local server standing for an internal service: records each request, answers as ``reply`` says."""

    requests: list[tuple[str, str, dict]] = []
    reply: tuple[int, dict, bytes] = (200, {"Content-Type": "application/json"}, b'{"ok": true}')

    def _answer(self):
        type(self).requests.append((self.command, self.path, dict(self.headers.items())))
        status, headers, body = type(self).reply
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_GET = do_POST = do_PUT = _answer  # noqa: N815 - http.server's naming

    def log_message(self, *args):
        return


def serve(handler: type[BaseHTTPRequestHandler], *, tls: ssl.SSLContext | None = None):
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    if tls is not None:
        server.socket = tls.wrap_socket(server.socket, server_side=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


@pytest.fixture
def internal():
    """An internal service on loopback, recording what reaches it."""
    handler = type("Internal", (Recorder,), {"requests": [], "reply": Recorder.reply})
    server = serve(handler)
    yield server, handler
    server.shutdown()
    server.server_close()


# --- every class of address is refused, after DNS resolution -------------------------------------------
@pytest.mark.parametrize("address", REFUSED.values(), ids=REFUSED.keys())
def test_a_name_resolving_to_an_address_that_is_not_public_is_refused_before_connecting(dns, address):
    dns.answers["shop.example.vn"] = [address]
    with pytest.raises(http.DestinationRefused) as refused:
        http.session_create().get("https://shop.example.vn/wp-json/")
    assert dns.asked == ["shop.example.vn"]
    assert refused.value.message == GENERIC and refused.value.code == "address_refused"


@pytest.mark.parametrize("url", [
    "https://127.0.0.1/", "https://2130706433/", "https://0177.0.0.1/", "https://0x7f.0.0.1/", "https://127.1/",
    "https://[::1]/", "https://[::ffff:127.0.0.1]/", "https://[::ffff:7f00:1]/", "https://0/", "https://10.1/",
    "https://169.254.169.254/latest/meta-data/", "https://[fe80::1]/",
])
def test_an_address_written_in_the_url_in_any_form_is_refused(url, internal):
    _server, handler = internal
    with pytest.raises(http.DestinationRefused):
        http.session_create().get(url)
    assert handler.requests == []


@pytest.mark.parametrize("address", ["127.0.0.1", "::ffff:10.0.0.1", "10.0.0.5"])
def test_one_address_that_is_not_public_among_the_answers_refuses_the_name(monkeypatch, address):
    def getaddrinfo(host, port, *args, **kwargs):
        family = socket.AF_INET6 if ":" in address else socket.AF_INET
        private = (address, port, 0, 0) if family == socket.AF_INET6 else (address, port)
        return [(family, socket.SOCK_STREAM, 6, "", private), (socket.AF_INET, socket.SOCK_STREAM, 6, "", (PUBLIC, port))]

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    with pytest.raises(http.DestinationRefused):
        http.session_create().get("https://shop.example.vn/")


# --- ports and schemes -----------------------------------------------------------------------------------
@pytest.mark.parametrize("url", ["https://shop.example.vn:8443/", "https://shop.example.vn:22/",
                                 "http://shop.example.vn/", "http://shop.example.vn:443/"])
def test_a_public_address_is_reached_only_over_https_on_port_443(dns, url):
    dns.answers["shop.example.vn"] = [PUBLIC]
    with pytest.raises(http.DestinationRefused):
        http.session_create().get(url)


def test_https_on_443_to_a_public_address_connects_to_the_address_that_was_checked(dns):
    dns.answers["shop.example.vn"] = [PUBLIC]
    # pytest-socket stops the connection: it shows where the request was going
    with pytest.raises(SocketConnectBlockedError) as blocked:
        http.session_create().get("https://shop.example.vn/wp-json/")
    assert PUBLIC in str(blocked.value) and dns.asked == ["shop.example.vn"]


# --- DNS rebinding -------------------------------------------------------------------------------------
def test_dns_rebinding_cannot_reach_the_internal_address(dns, internal):
    # given a name whose first answer is public and every later one the internal service's
    _server, handler = internal
    dns.answers["rebind.example.vn"] = [PUBLIC, "127.0.0.1"]
    # when a request is made to it
    with pytest.raises(SocketConnectBlockedError) as blocked:
        http.session_create().get("https://rebind.example.vn/wp-json/")
    # then the connection went to the checked public address, the name was resolved once, and the internal
    # service saw nothing
    assert PUBLIC in str(blocked.value)
    assert dns.asked == ["rebind.example.vn"] and handler.requests == []
    # and the next request resolves again and is refused: the second answer is loopback
    with pytest.raises(http.DestinationRefused):
        http.session_create().get("https://rebind.example.vn/wp-json/")
    assert handler.requests == []


def test_a_rebinding_name_whose_first_answer_is_internal_is_refused_at_once(dns, internal):
    _server, handler = internal
    dns.answers["rebind.example.vn"] = ["127.0.0.1", PUBLIC]
    with pytest.raises(http.DestinationRefused):
        http.session_create().get("https://rebind.example.vn/")
    assert handler.requests == []


# --- TLS still checks the name, the Host header carries it -------------------------------------------
@pytest.fixture
def tls_shop():
    """A TLS server on loopback whose certificate names shop.example.vn (issued by a test CA), recording the
    server name the client asked for (SNI) and each request's Host header."""
    trustme = pytest.importorskip("trustme")
    ca = trustme.CA()
    certificate = ca.issue_cert("shop.example.vn")
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    certificate.configure_cert(context)
    server_names: list[str | None] = []
    context.sni_callback = lambda sock, name, ctx: server_names.append(name)
    handler = type("Shop", (Recorder,), {"requests": [], "reply": Recorder.reply})
    server = serve(handler, tls=context)
    with ca.cert_pem.tempfile() as ca_file:
        yield server.server_address[1], handler, server_names, ca_file
    server.shutdown()
    server.server_close()


def test_the_pinned_connection_still_checks_the_certificate_against_the_name(dns, tls_shop, settings):
    port, handler, server_names, ca_file = tls_shop
    settings.MARKETPLACE_HTTP_ALLOW_LOOPBACK = True  # the test's shop listens on loopback
    dns.answers["shop.example.vn"] = ["127.0.0.1"]
    dns.answers["other.example.vn"] = ["127.0.0.1"]
    session = http.session_create()
    session.verify = ca_file
    # the name on the certificate: TLS accepts it, the server was asked for that name, Host carries it
    assert session.get(f"https://shop.example.vn:{port}/wp-json/").json() == {"ok": True}
    assert server_names == ["shop.example.vn"]
    assert handler.requests[0][2]["Host"] == f"shop.example.vn:{port}"
    # another name on the same address: the certificate does not match, nothing is sent
    with pytest.raises(requests.exceptions.SSLError):
        session.get(f"https://other.example.vn:{port}/wp-json/")
    assert len(handler.requests) == 1


# --- redirects -----------------------------------------------------------------------------------------
def test_a_redirect_is_returned_never_followed(settings, internal):
    settings.MARKETPLACE_HTTP_ALLOW_LOOPBACK = True  # both servers are on loopback
    target_server, target = internal
    handler = type("Redirecting", (Recorder,), {"requests": [], "reply": (
        302, {"Location": f"http://127.0.0.1:{target_server.server_address[1]}/latest/meta-data/"}, b"")})
    server = serve(handler)
    try:
        response = http.session_create().get(f"http://127.0.0.1:{server.server_address[1]}/wp-json/")
    finally:
        server.shutdown()
        server.server_close()
    assert response.status_code == 302 and len(handler.requests) == 1
    assert target.requests == []


# --- the loopback allowance is explicit ----------------------------------------------------------------
def test_loopback_is_reached_only_on_the_ports_allowed_or_with_the_test_allowance(settings, internal):
    server, handler = internal
    port = server.server_address[1]
    url = f"http://127.0.0.1:{port}/wp-json/"
    # production: refused
    with pytest.raises(http.DestinationRefused):
        http.session_create().get(url)
    # the sandbox of `make run`: only its own ports
    settings.MARKETPLACE_HTTP_ALLOW_LOOPBACK = frozenset({port + 1 if port < 65535 else port - 1})
    with pytest.raises(http.DestinationRefused):
        http.session_create().get(url)
    settings.MARKETPLACE_HTTP_ALLOW_LOOPBACK = frozenset({port})
    assert http.session_create().get(url).status_code == 200
    # tests: any loopback port, and still no private address
    settings.MARKETPLACE_HTTP_ALLOW_LOOPBACK = True
    assert http.session_create().get(url).status_code == 200
    with pytest.raises(http.DestinationRefused):
        http.session_create().get("https://10.0.0.1/")
    assert len(handler.requests) == 2


def show_setting(settings_module: str, extra_env: dict[str, str]) -> str:
    """MARKETPLACE_HTTP_ALLOW_LOOPBACK as ``settings_module`` computes it in a fresh process."""
    import os
    import subprocess
    import sys

    from tests.config.test_settings import GOOD_ENV, REPO

    base = {k: v for k, v in os.environ.items()
            if k not in {*GOOD_ENV, "DJANGO_ALLOW_ASYNC_UNSAFE", "MARKETPLACE_SANDBOX", "MESSAGING_SANDBOX"}}
    show = "from django.conf import settings as s; v = s.MARKETPLACE_HTTP_ALLOW_LOOPBACK; print(sorted(v) if v not in (True, False) else v)"
    result = subprocess.run([sys.executable, str(REPO / "manage.py"), "shell", "-c", show],
                            env={**base, **extra_env, "DJANGO_SETTINGS_MODULE": settings_module}, cwd=REPO,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    return result.stdout.strip().splitlines()[-1]


def test_production_never_allows_loopback_even_with_the_sandbox_asked_for():
    from tests.config.test_settings import GOOD_ENV

    assert show_setting("config.settings.production", {**GOOD_ENV, "MARKETPLACE_SANDBOX": "true"}) == "False"


def test_development_allows_the_sandbox_ports_only_while_the_sandbox_is_on():
    from marketplace_sandbox.sandbox import sandbox_package
    from messaging_sandbox.sandbox import sandbox_ports as messaging_ports

    ports = sorted(sandbox_package(code).PORT for code in ("shopee", "lazada", "tiki", "woocommerce", "tiktok"))
    messaging = sorted(messaging_ports())
    assert show_setting("config.settings.dev", {"MARKETPLACE_SANDBOX": "true", "MESSAGING_SANDBOX": "false"}) == str(ports)
    assert show_setting("config.settings.dev", {"MARKETPLACE_SANDBOX": "false", "MESSAGING_SANDBOX": "true"}) == str(messaging)
    assert show_setting("config.settings.dev", {"MARKETPLACE_SANDBOX": "true", "MESSAGING_SANDBOX": "true"}) == str(
        sorted([*ports, *messaging]))
    assert show_setting("config.settings.dev", {"MARKETPLACE_SANDBOX": "false", "MESSAGING_SANDBOX": "false"}) == "False"


# --- what the owner reads ------------------------------------------------------------------------------
@pytest.mark.django_db  # the shared rate limiter keeps its state in the database without Redis
@pytest.mark.parametrize("address", ["10.0.0.5", "169.254.169.254", "::1"])
def test_connecting_a_shop_at_an_internal_address_tells_the_owner_nothing_about_it(dns, address):
    dns.answers["shop.example.vn"] = [address]
    with pytest.raises(PermanentError) as refused:
        WooCommerceConnector().connect_with_keys(shop_url="https://shop.example.vn", key="ck_x", secret="cs_x")
    assert refused.value.message == GENERIC and address not in refused.value.message


@pytest.mark.django_db
def test_the_connect_form_shows_a_generic_error_in_vietnamese_and_stores_nothing(client, dns, settings):
    settings.MARKETPLACE_CONNECTORS = [*settings.MARKETPLACE_CONNECTORS,
                                       "marketplace_connectors.backends.woocommerce.connector.WooCommerceConnector"]
    settings.MARKETPLACE_CONNECTORS = list(dict.fromkeys(settings.MARKETPLACE_CONNECTORS))
    settings.DEFAULT_PLAN = "growth"
    from marketplace_connectors.registry import registry_reset

    registry_reset()
    dns.answers["shop.example.vn"] = ["169.254.169.254"]
    client.force_login(owner_membership().user)
    page = client.post(reverse("marketplaces:connect_keys", args=["woocommerce"]),
                       {"shop_url": "https://shop.example.vn", "key": "ck_x", "secret": "cs_x"})
    registry_reset()
    assert page.status_code == 200
    text = page.content.decode()
    # the owner reads it in Vietnamese, the platform's language
    assert "Không dùng được địa chỉ này. Hãy nhập địa chỉ https:// công khai" in text and "169.254" not in text
    assert MarketplaceAccount.objects.count() == 0


@pytest.mark.django_db
@pytest.mark.parametrize("reply", [
    (500, {"Content-Type": "text/html", "X-Internal-Token": "SECRET-HEADER"}, b"<h1>SECRET-BODY db=10.1.2.3</h1>"),
    (400, {"Content-Type": "application/json"},
     b'{"code":"SECRET_CODE","message":"SECRET-BODY","data":{"status":400}}'),
    (301, {"Location": "http://10.1.2.3/SECRET-LOCATION"}, b""),
    (200, {"Content-Type": "application/json"}, b'{"name":"x","namespaces":["SECRET-BODY"]}'),
])
def test_what_a_shop_answers_never_reaches_the_owner(settings, reply):
    settings.MARKETPLACE_HTTP_ALLOW_LOOPBACK = True  # the answering shop is on loopback
    handler = type("Answering", (Recorder,), {"requests": [], "reply": reply})
    server = serve(handler)
    try:
        with pytest.raises(ConnectorError) as refused:
            WooCommerceConnector().connect_with_keys(shop_url=f"http://127.0.0.1:{server.server_address[1]}",
                                                     key="ck_x", secret="cs_x")
    finally:
        server.shutdown()
        server.server_close()
    assert handler.requests  # the shop was asked
    assert "SECRET" not in refused.value.message and "10.1.2.3" not in refused.value.message
    assert "SECRET" not in str(refused.value)
