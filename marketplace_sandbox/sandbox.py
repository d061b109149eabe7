"""Every registered marketplace's sandbox, found by the connector's code: the package ``marketplace_sandbox.<code>``.

A marketplace's sandbox package is its extension point here. It offers:

- ``sandbox() -> Sandbox``: its simulator started on a free loopback port with the settings that point the
  connector at it, for the tests, the contract suite and the benchmarks;
- ``sandbox_server(*, host, port, rate_limit_per_second=None) -> SimulatorServer``: the simulator started for
  ``make run`` on a fixed loopback port, with its public sandbox app or shop;
- ``connector_settings(url) -> dict``: the settings pointing the connector at that server (the dev settings
  apply them while ``MARKETPLACE_SANDBOX`` is on, with the address of its "place a test order" page in
  MARKETPLACE_SANDBOX_ORDER_PAGES);
- ``PORT``: the port ``make run`` serves it on (``<CODE>_SANDBOX_PORT``), and ``CREDENTIAL_SETTINGS``: the
  connector's own credentials; when the environment sets one of them, ``make run`` uses the real marketplace.
"""

from __future__ import annotations

import importlib
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from types import ModuleType
from typing import Protocol

import environ

from marketplace_connectors.base import KeyConnection, OAuthConnection, OrderStatus, TokenSet

from .buyer_orders import BUYER_ORDER_PATH

env = environ.Env()
#: the sandbox marketplaces listen on loopback only
HOST = env.str("MARKETPLACE_SANDBOX_HOST", default="127.0.0.1")


class SandboxSimulator(Protocol):
    """What every marketplace simulator offers tests, the contract suite and the ``make run`` sandbox, on top
    of its marketplace's own HTTP API. Shop ids and SKUs are the marketplace's; statuses are ours."""

    url: str
    #: when set, the simulator POSTs signed push notifications here (order created or changed, listing
    #: audit decided), as the marketplace would; a delivery not answered 2xx is retried a few times.
    push_url: str | None

    def stop(self) -> None: ...

    def create_order(self, *, shop_id: str, items: Sequence[tuple[str, int]]) -> str:
        """A buyer orders ``(seller SKU, quantity)`` pairs: the simulator's stock goes down; returns the order id."""

    def set_order_status(self, *, order_id: str, status: OrderStatus) -> None:
        """Move an order on (cancelling or returning it puts the simulator's stock back)."""

    def stock_of(self, *, shop_id: str, sku: str) -> int | None:
        """The stock the marketplace shows for the variant with seller SKU ``sku`` (None: no such SKU)."""


@dataclass
class Sandbox:
    """A marketplace's simulator started for a test: ``settings`` point the connector at it,
    ``callback_params()`` approves a shop like the consent page does, and ``category_id``/``attribute_values``
    are a leaf category the simulator accepts."""

    simulator: SandboxSimulator  # started
    settings: dict
    #: OAuth connectors: the callback's query parameters (for ``exchange_code``); KEYS connectors: the
    #: keyword arguments of ``connect_with_keys`` (shop_url, key, secret).
    callback_params: Callable[[], dict[str, str]]
    category_id: str
    attribute_values: dict[str, list[str]]
    #: SHIPPING_CHANNELS connectors: a channel the sandbox shop has enabled; "" for the others
    shipping_channel_id: str
    #: the path of the request that creates a listing (tests slow it down to catch a create in flight)
    create_path: str = ""
    #: REVIEW connectors: decide the audit of a listing as the marketplace's reviewers would:
    #: ``decide_review(external_id, approve, reason)``.
    decide_review: Callable[[str, bool, str], None] | None = None

    def connect(self, connector: KeyConnection | OAuthConnection) -> TokenSet:
        """Connect the sandbox shop as its owner would: approve it on the consent page and exchange the code
        (``OAuthConnection``), or type its URL and keys (``KeyConnection``)."""
        if isinstance(connector, KeyConnection):
            return connector.connect_with_keys(**self.callback_params())
        return connector.exchange_code(params=self.callback_params())


def sandbox_package(code: str) -> ModuleType:
    """The sandbox package of marketplace ``code``; ModuleNotFoundError when it has none."""
    return importlib.import_module(f"{__package__}.{code}")


def sandbox_start(code: str) -> Sandbox:
    """Marketplace ``code``'s simulator, started on a free loopback port (stop it with ``.simulator.stop()``)."""
    return sandbox_package(code).sandbox()


def sandbox_connector_settings(connector_paths: Sequence[str], *, host: str = HOST) -> dict:
    """The settings pointing every listed connector at its ``make run`` sandbox (``http://host:PORT``), except
    the connectors whose credentials the environment sets: those talk to the real marketplace."""
    found: dict = {"MARKETPLACE_SANDBOX_ORDER_PAGES": {}}
    for path in connector_paths:
        code = path.split(".")[-3]
        package = sandbox_package(code)
        if any(os.environ.get(name) for name in package.CREDENTIAL_SETTINGS):
            continue
        found.update(package.connector_settings(f"http://{host}:{package.PORT}"))
        found["MARKETPLACE_SANDBOX_ORDER_PAGES"][code] = f"http://{host}:{package.PORT}{BUYER_ORDER_PATH}"
    return found


def sandbox_ports(connector_paths: Sequence[str]) -> frozenset[int]:
    """The loopback ports ``make run`` serves the listed connectors' sandboxes on: the only loopback ports the
    platform's outbound requests may reach in development (``MARKETPLACE_HTTP_ALLOW_LOOPBACK``)."""
    return frozenset(int(sandbox_package(path.split(".")[-3]).PORT) for path in connector_paths)
