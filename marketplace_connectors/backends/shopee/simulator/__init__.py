"""A strict local Shopee Open Platform v2 for tests and the ``make run`` sandbox (see server.py)."""

from .server import Faults, ShopeeSimulator

__all__ = ["Faults", "ShopeeSimulator"]
