"""Connectors are registered by a settings list: ``MARKETPLACE_CONNECTORS`` holds dotted class paths,
``marketplace_connectors.backends.<code>.connector.<Class>``; the folder name is the connector's code.

Everything else that lists marketplaces reads it from here: the marketplace choices of other apps' models
(a callable, so a new marketplace needs no migration), the officers' indicator, the sandbox, the tests.

A connector is imported the first time it is asked for, so one marketplace's import error does not stop
the others' workers (``connector_list`` imports them all and fails loudly).
"""

from __future__ import annotations

from functools import cache

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils.module_loading import import_string

from .base import Connector


def _paths() -> dict[str, str]:
    paths: dict[str, str] = {}
    for path in settings.MARKETPLACE_CONNECTORS:
        parts = path.split(".")
        if len(parts) < 4 or parts[-2] != "connector":
            raise ImproperlyConfigured(f"{path}: expected <package>.backends.<code>.connector.<Class>")
        code = parts[-3]
        if code in paths:
            raise ImproperlyConfigured(f"Two connectors use the code {code!r}")
        paths[code] = path
    return paths


@cache
def _load(code: str, path: str) -> Connector:
    connector = import_string(path)()
    if not isinstance(connector, Connector) or connector.code != code:
        raise ImproperlyConfigured(f"{path} is not a Connector with the code {code!r}")
    return connector


def connector_get(code: str) -> Connector:
    """The registered connector for ``code``; KeyError when none is registered."""
    return _load(code, _paths()[code])


def connector_list() -> list[Connector]:
    return [_load(code, path) for code, path in _paths().items()]


def connector_codes() -> list[str]:
    """The registered marketplaces' codes, in the settings' order, without importing any connector."""
    return list(_paths())


def connector_choices() -> list[tuple[str, str]]:
    """(code, display name) of every registered marketplace, for choice fields."""
    return [(c.code, c.display_name) for c in connector_list()]


def connector_names() -> dict[str, str]:
    """Code -> display name in the active language, for pages and exports that name marketplaces."""
    return {c.code: str(c.display_name) for c in connector_list()}


def registry_reset() -> None:
    """Forget the loaded connectors (after settings change in tests)."""
    _load.cache_clear()
