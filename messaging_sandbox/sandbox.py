"""How the tests, the dev settings and ``make run`` start the sandbox providers and point the platform at them.

- ``zalo_sandbox()`` / ``esms_sandbox()``: a simulator started on a free loopback port, and the settings that
  point its provider at it (tests: ``settings.update(...)`` or pytest-django's ``settings`` fixture);
- ``sandbox_servers(host=...)``: both, started on their fixed ports for ``make run``;
- ``provider_settings(host=...)``: the settings pointing each provider at its ``make run`` sandbox, except a
  provider whose credentials the environment sets (that one talks to the real provider);
- ``sandbox_ports()``: those ports, the only loopback ports the platform's outbound requests may reach in
  development (added to ``MARKETPLACE_HTTP_ALLOW_LOOPBACK``).
"""

from __future__ import annotations

import os
from dataclasses import dataclass

import environ

from marketplace_sandbox.base import SimulatorServer
from marketplace_sandbox.sandbox import HOST

from . import esms, zalo

env = environ.Env()
ZALO_PORT = env.int("ZALO_SANDBOX_PORT", default=8711)
ESMS_PORT = env.int("ESMS_SANDBOX_PORT", default=8712)
ZALO_CREDENTIALS = ("OUTREACH_ZALO_ZNS_ACCESS_TOKEN", "OUTREACH_ZALO_APP_ID", "OUTREACH_ZALO_ZNS_REFRESH_TOKEN")
ESMS_CREDENTIALS = ("OUTREACH_ESMS_API_KEY", "OUTREACH_ESMS_SECRET_KEY")


@dataclass
class ProviderSandbox:
    """A sandbox provider started for a test, and the settings that point the platform's provider at it."""

    simulator: SimulatorServer
    settings: dict


def zalo_settings(url: str) -> dict:
    """ZNS and Zalo's OAuth v4 token endpoint at ``url``, the sandbox OA's app and its first token pair."""
    return {"OUTREACH_ZALO_ZNS_API_URL": url, "OUTREACH_ZALO_ZNS_ACCESS_TOKEN": zalo.SANDBOX_ACCESS_TOKEN,
            "OUTREACH_ZALO_ZNS_TEMPLATE_ID": next(iter(zalo.SANDBOX_TEMPLATES)), "OUTREACH_ZALO_OAUTH_URL": url,
            "OUTREACH_ZALO_APP_ID": zalo.SANDBOX_APP_ID, "OUTREACH_ZALO_APP_SECRET_KEY": zalo.SANDBOX_APP_SECRET_KEY,
            "OUTREACH_ZALO_ZNS_REFRESH_TOKEN": zalo.SANDBOX_REFRESH_TOKEN}


def esms_settings(url: str) -> dict:
    return {"OUTREACH_ESMS_API_URL": url, "OUTREACH_ESMS_API_KEY": esms.SANDBOX_API_KEY,
            "OUTREACH_ESMS_SECRET_KEY": esms.SANDBOX_SECRET_KEY, "OUTREACH_ESMS_BRANDNAME": esms.SANDBOX_BRANDNAME}


def zalo_sandbox(**options) -> ProviderSandbox:
    """The sandbox ZNS on a free loopback port (``options``: ``ZaloZnsSimulator``'s); stop it with
    ``.simulator.stop()``."""
    simulator = zalo.ZaloZnsSimulator(**options).start()
    return ProviderSandbox(simulator=simulator, settings=zalo_settings(simulator.url))


def esms_sandbox(**options) -> ProviderSandbox:
    """The sandbox eSMS on a free loopback port (``options``: ``EsmsSimulator``'s)."""
    simulator = esms.EsmsSimulator(**options).start()
    return ProviderSandbox(simulator=simulator, settings=esms_settings(simulator.url))


def sandbox_servers(*, host: str = HOST) -> list[SimulatorServer]:
    """Both sandbox providers on their fixed loopback ports, started (``make run``)."""
    return [zalo.ZaloZnsSimulator(host=host, port=ZALO_PORT).start(),
            esms.EsmsSimulator(host=host, port=ESMS_PORT).start()]


def provider_settings(*, host: str = HOST) -> dict:
    """The settings pointing each provider whose credentials the environment does not set at its sandbox."""
    found: dict = {}
    if not any(os.environ.get(name) for name in ZALO_CREDENTIALS):
        found.update(zalo_settings(f"http://{host}:{ZALO_PORT}"))
    if not any(os.environ.get(name) for name in ESMS_CREDENTIALS):
        found.update(esms_settings(f"http://{host}:{ESMS_PORT}"))
    return found


def sandbox_ports() -> frozenset[int]:
    return frozenset({ZALO_PORT, ESMS_PORT})
