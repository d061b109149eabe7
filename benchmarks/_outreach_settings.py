"""Settings of the outreach benchmark's worker processes: the test settings, with e-mail going to the
benchmark's SMTP server on loopback (EMAIL_URL) instead of the test settings' in-memory outbox."""

from config.settings.test import *  # noqa: F403
from config.settings.test import env

vars().update(env.email_url_config(env("EMAIL_URL")))
