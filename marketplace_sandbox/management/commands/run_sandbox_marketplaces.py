"""Serve the sandbox marketplaces on fixed loopback ports for ``make run``.

Every registered marketplace with a sandbox package (``marketplace_sandbox/<code>/``) is served on
MARKETPLACE_SANDBOX_HOST at its ``<CODE>_SANDBOX_PORT``. Each has a consent page that lets you approve the
connection like the real flow. State lives in memory: restarting the command forgets shops' tokens, so
reconnect after a restart.

With ``--push-to http://127.0.0.1:8000`` each simulator sends its signed push notifications (orders, audit
decisions) to that site's ``/marketplaces/push/<code>/``, as the real marketplace would to ours.
"""

import signal
import threading

from django.core.management.base import BaseCommand, CommandError
from django.urls import reverse

from marketplace_connectors.registry import connector_list
from marketplace_sandbox.sandbox import HOST, sandbox_package


class Command(BaseCommand):
    help = "Serve the sandbox marketplaces (local simulators) on loopback ports until interrupted."

    def add_arguments(self, parser):
        parser.add_argument("--rate-limit", type=float, default=None,
                            help="Requests per second each sandbox accepts (default: its own).")
        parser.add_argument("--push-to", default="",
                            help="Base URL of the site that receives push notifications, e.g. http://127.0.0.1:8000")

    def handle(self, *args, **options):
        if HOST not in ("127.0.0.1", "localhost", "::1"):
            raise CommandError("The sandbox marketplaces only listen on loopback.")
        servers = []
        for connector in connector_list():
            try:
                package = sandbox_package(connector.code)
            except ModuleNotFoundError:
                continue
            server = package.sandbox_server(host=HOST, port=package.PORT, rate_limit_per_second=options["rate_limit"])
            servers.append(server)
            if options["push_to"]:
                server.push_url = options["push_to"].rstrip("/") + reverse("marketplaces:push_receive",
                                                                           args=[connector.code])
            self.stdout.write(f"Sandbox {connector.display_name} on {server.url}")
        if not servers:
            raise CommandError("No marketplace has a sandbox simulator.")
        self.stdout.write("Ctrl-C stops them.")
        stop = threading.Event()
        signal.signal(signal.SIGTERM, lambda *_: stop.set())
        try:
            stop.wait()
        except KeyboardInterrupt:
            pass
        finally:
            for server in servers:
                server.stop()
