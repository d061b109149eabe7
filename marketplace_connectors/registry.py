"""Connectors are registered by a settings list: ``MARKETPLACE_CONNECTORS`` holds dotted class paths."""

from __future__ import annotations

from functools import cache

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils.module_loading import import_string

from .base import Connector


@cache
def _connectors() -> dict[str, Connector]:
    found: dict[str, Connector] = {}
    for path in settings.MARKETPLACE_CONNECTORS:
        connector = import_string(path)()
        if not isinstance(connector, Connector) or not connector.code:
            raise ImproperlyConfigured(f"{path} is not a Connector with a code")
        if connector.code in found:
            raise ImproperlyConfigured(f"Two connectors use the code {connector.code!r}")
        found[connector.code] = connector
    return found


def connector_get(code: str) -> Connector:
    """The registered connector for ``code``; KeyError when none is registered."""
    return _connectors()[code]


def connector_list() -> list[Connector]:
    return list(_connectors().values())


def connector_choices() -> list[tuple[str, str]]:
    return [(c.code, c.display_name) for c in connector_list()]


def registry_reset() -> None:
    """Forget the loaded connectors (after settings change in tests)."""
    _connectors.cache_clear()
