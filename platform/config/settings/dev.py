"""Local development: ``make run``. Debug on, console email, embedded defaults."""

from .base import *  # noqa: F403
from .base import env

DEBUG = env.bool("DJANGO_DEBUG", default=True)
STORAGES["staticfiles"] = {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"}  # noqa: F405
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True

# `make run` serves the sandbox marketplaces (manage.py run_sandbox_marketplaces) and connects to them.
MARKETPLACE_SANDBOX = env.bool("MARKETPLACE_SANDBOX", default=True)
# Without Stripe every business runs on DEFAULT_PLAN; the demo shows the whole journey, automatic stock
# sync across marketplaces included, so it defaults to Growth here (production's default is Free).
DEFAULT_PLAN = env("DEFAULT_PLAN", default="growth")
