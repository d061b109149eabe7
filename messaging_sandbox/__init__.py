"""Local stand-ins for the messaging providers (Zalo ZNS, eSMS.vn): test-only code, never shipped (not in the
built wheel) and never installed in production settings.

Each is a real HTTP server (``marketplace_sandbox.base.SimulatorServer``: threaded, loopback, fault injection,
call log) that checks every request against the provider's documented shape, answers with the provider's
documented errors (docs/outreach/providers.md), and records the messages it would have sent instead of
sending them; ``/sandbox/sent`` lists them on a page, like the sandbox marketplaces' pages. The tests,
``make run`` (``manage.py run_sandbox_messaging``) and the dev settings use them.

Imports point one way: a sandbox may read the providers' plain constants; ``outreach`` never imports this
package (only the dev/test settings and the tests do).
"""
