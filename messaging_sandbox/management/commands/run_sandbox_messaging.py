"""Serve the sandbox messaging providers (Zalo ZNS, eSMS) on fixed loopback ports for ``make run``.

They record what they would send instead of sending it; ``<url>/sandbox/sent`` lists it. State lives in
memory: restarting the command forgets what was recorded.
"""

import signal
import threading

from django.core.management.base import BaseCommand, CommandError

from marketplace_sandbox.sandbox import HOST
from messaging_sandbox.recorded import SENT_PATH
from messaging_sandbox.sandbox import sandbox_servers


class Command(BaseCommand):
    help = "Serve the sandbox messaging providers (Zalo ZNS, eSMS) on loopback ports until interrupted."

    def handle(self, *args, **options):
        if HOST not in ("127.0.0.1", "localhost", "::1"):
            raise CommandError("The sandbox messaging providers only listen on loopback.")
        servers = sandbox_servers(host=HOST)
        for server in servers:
            self.stdout.write(f"Sandbox {server.display_name} on {server.url} (recorded messages: "
                              f"{server.url}{SENT_PATH})")
        stop = threading.Event()
        signal.signal(signal.SIGTERM, lambda *_: stop.set())
        try:
            stop.wait()
        except KeyboardInterrupt:
            pass
        finally:
            for server in servers:
                server.stop()
