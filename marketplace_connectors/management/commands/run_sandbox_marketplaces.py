"""Serve the marketplace simulators on fixed loopback ports for ``make run`` (sandbox only).

Shopee: http://MARKETPLACE_SANDBOX_HOST:MARKETPLACE_SANDBOX_PORTS["shopee"] with the public sandbox
partner (see backends/shopee/conf.py). Its consent page lets you approve the connection like the real
flow. State lives in memory: restarting the command forgets shops' tokens, so reconnect after a restart.
"""

import signal
import threading

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from marketplace_connectors.backends.shopee.conf import SANDBOX_PARTNER_ID, SANDBOX_PARTNER_KEY
from marketplace_connectors.backends.shopee.simulator import ShopeeSimulator


class Command(BaseCommand):
    help = "Serve the sandbox marketplaces (Shopee simulator) on loopback ports until interrupted."

    def add_arguments(self, parser):
        parser.add_argument("--shopee-port", type=int, default=None)
        parser.add_argument("--rate-limit", type=float, default=None,
                            help="Requests per second the sandbox Shopee accepts per partner (default: none).")

    def handle(self, *args, **options):
        host = settings.MARKETPLACE_SANDBOX_HOST
        if host not in ("127.0.0.1", "localhost", "::1"):
            raise CommandError("The sandbox marketplaces only listen on loopback.")
        port = options["shopee_port"] or settings.MARKETPLACE_SANDBOX_PORTS["shopee"]
        shopee = ShopeeSimulator(partner_id=SANDBOX_PARTNER_ID, partner_key=SANDBOX_PARTNER_KEY, host=host, port=port,
                                 rate_limit_per_second=options["rate_limit"]).start()
        self.stdout.write(f"Sandbox Shopee on {shopee.url} (partner {SANDBOX_PARTNER_ID}); Ctrl-C stops it.")
        stop = threading.Event()
        signal.signal(signal.SIGTERM, lambda *_: stop.set())
        try:
            stop.wait()
        except KeyboardInterrupt:
            pass
        finally:
            shopee.stop()
