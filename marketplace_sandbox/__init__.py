"""Local stand-ins for the marketplaces: test-only code, never shipped (not in the built wheel) and never
installed in production settings.

Real marketplaces cannot be reached from tests or a developer's machine, so each one the platform connects
to has a strict local copy here, ``marketplace_sandbox/<code>/``, named by the connector's code: a real HTTP
server speaking that marketplace's API (``base.SimulatorServer``), split by API area. The tests, the
contract suite, ``make run`` (``manage.py run_sandbox_marketplaces``) and the benchmarks use them.

Imports point one way: a sandbox may read ``marketplace_connectors``' plain data (statuses) and, for the
``make run`` glue only, a connector's settings helpers; ``marketplace_connectors`` never imports this package.
"""
