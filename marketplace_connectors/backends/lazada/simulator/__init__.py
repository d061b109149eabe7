"""A strict local Lazada Open Platform for tests and the ``make run`` sandbox (see server.py)."""

from .server import Faults, LazadaSimulator

__all__ = ["Faults", "LazadaSimulator"]
