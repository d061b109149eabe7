"""Production: refuses to start without a secret key, allowed hosts and a database URL."""

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import env

DEBUG = False
SECRET_KEY = env("DJANGO_SECRET_KEY")
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS")
if "DATABASE_URL" not in env.ENVIRON:
    raise ImproperlyConfigured("Set the DATABASE_URL environment variable (PostgreSQL in production).")
DATABASES = {"default": env.db("DATABASE_URL")}
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DJANGO_CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True

# allauth's rate limits (and other counters) live in the cache: one Redis for every web process, or each
# process would count on its own and the limits would multiply by the number of processes.
if not REDIS_URL:  # noqa: F405
    raise ImproperlyConfigured("Set REDIS_URL: production shares its cache (allauth's rate limits) in Redis.")
# Behind the shipped nginx (deploy/nginx) every request comes from 127.0.0.1; nginx puts the client's address
# in X-Real-IP (proxy_set_header X-Real-IP $remote_addr, replacing any the client sent). allauth's per-IP
# rate limits read it from there. Gunicorn must then only be reachable through nginx (it binds 127.0.0.1).
ALLAUTH_TRUSTED_CLIENT_IP_HEADER = env("TRUSTED_CLIENT_IP_HEADER", default="X-Real-IP")

# Marketplace tokens are encrypted with MARKETPLACE_TOKEN_KEYS only: no key derived from SECRET_KEY.
MARKETPLACE_ALLOW_DEV_TOKEN_KEY = False
if not MARKETPLACE_TOKEN_KEYS:  # noqa: F405
    raise ImproperlyConfigured("Set MARKETPLACE_TOKEN_KEYS: Fernet keys that encrypt marketplace tokens at rest.")
# The province's identity provider is reached over HTTPS only (its discovery, keys and tokens).
for _provider in SSO_PROVIDERS:  # noqa: F405
    if not str(_provider["issuer"]).startswith("https://"):
        raise ImproperlyConfigured(f"SSO_PROVIDERS: the issuer of {_provider['id']} must be an https:// URL.")
DEMO_DATA_ALLOWED = False  # seed_demo's users have published passwords
MARKETPLACE_HTTP_ALLOW_LOOPBACK = False  # outbound requests reach public addresses only (marketplace_connectors/http.py)

# Behind nginx, which terminates TLS and sets X-Forwarded-Proto.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=True)
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
LANGUAGE_COOKIE_SECURE = True
SECURE_HSTS_SECONDS = env.int("DJANGO_SECURE_HSTS_SECONDS", default=60 * 60 * 24 * 365)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("DJANGO_SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
SECURE_HSTS_PRELOAD = env.bool("DJANGO_SECURE_HSTS_PRELOAD", default=True)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"  # Wagtail's preview views opt in to SAMEORIGIN themselves
EMAIL_BACKEND = env("DJANGO_EMAIL_BACKEND", default="django.core.mail.backends.smtp.EmailBackend")

# One JSON object per log line, with the request id (config.request_context); DJANGO_LOG_FORMAT=plain to read.
LOGGING["handlers"]["console"]["formatter"] = env("DJANGO_LOG_FORMAT", default="json")  # noqa: F405
