"""Local development: ``make run``. Debug on, console email, embedded defaults."""

from .base import *  # noqa: F403
from .base import env

DEBUG = env.bool("DJANGO_DEBUG", default=True)
STORAGES["staticfiles"] = {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"}  # noqa: F405
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True

# `make run` serves the sandbox marketplaces (manage.py run_sandbox_marketplaces) and, while MARKETPLACE_SANDBOX
# is on, points every connector whose credentials the environment does not set at its sandbox. The sandbox is
# test-only code: installed here and in the test settings, never in production.
INSTALLED_APPS = [*INSTALLED_APPS, "marketplace_sandbox"]  # noqa: F405
MARKETPLACE_SANDBOX = env.bool("MARKETPLACE_SANDBOX", default=True)
if MARKETPLACE_SANDBOX:
    from marketplace_sandbox.sandbox import sandbox_connector_settings, sandbox_ports

    globals().update(sandbox_connector_settings(MARKETPLACE_CONNECTORS))  # noqa: F405
    # Outbound requests reach loopback on the sandbox's ports only (marketplace_connectors/http.py).
    MARKETPLACE_HTTP_ALLOW_LOOPBACK = sandbox_ports(MARKETPLACE_CONNECTORS)  # noqa: F405
# The same for the outreach messaging providers (Zalo ZNS, eSMS): `make run` serves their sandboxes
# (manage.py run_sandbox_messaging), which record what they would send; providers whose credentials the
# environment sets talk to the real provider.
INSTALLED_APPS = [*INSTALLED_APPS, "messaging_sandbox"]
MESSAGING_SANDBOX = env.bool("MESSAGING_SANDBOX", default=True)
if MESSAGING_SANDBOX:
    from messaging_sandbox.sandbox import provider_settings
    from messaging_sandbox.sandbox import sandbox_ports as messaging_sandbox_ports

    globals().update(provider_settings())
    MARKETPLACE_HTTP_ALLOW_LOOPBACK = frozenset(  # noqa: F405
        {*(MARKETPLACE_HTTP_ALLOW_LOOPBACK or ()), *messaging_sandbox_ports()})  # noqa: F405
# Without Stripe every business runs on DEFAULT_PLAN; the demo shows the whole journey, automatic stock
# sync across marketplaces included, so it defaults to Growth here (production's default is Free).
DEFAULT_PLAN = env("DEFAULT_PLAN", default="growth")
