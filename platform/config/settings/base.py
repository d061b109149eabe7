"""Settings shared by every environment. Everything comes from the environment (django-environ).

Defaults need no server: SQLite and the Celery broker live under ``var/``. Each variable is documented in
the README's settings table; keep the two in step.
"""

from pathlib import Path

import environ
from celery.schedules import crontab

# platform/config/settings/base.py -> repository root
BASE_DIR = Path(__file__).resolve().parents[3]
PLATFORM_DIR = BASE_DIR / "platform"
VAR_DIR = Path(environ.Env().str("VAR_DIR", default=str(BASE_DIR / "var")))

env = environ.Env()
env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DJANGO_DEBUG", default=False)
SECRET_KEY = env("DJANGO_SECRET_KEY", default="insecure-dev-key-change-me")
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])
SITE_URL = env("SITE_URL", default="http://127.0.0.1:8000")

DJANGO_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
]
THIRD_PARTY_APPS = [
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.contrib.settings",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail.locales",
    "wagtail.contrib.simple_translation",
    "wagtail",
    "modelcluster",
    "taggit",
]
LOCAL_APPS = [
    "accounts",
    "sme.businesses",
    "sme.catalog",
    "sme.imports",
    "sme.billing",
    "marketplace_connectors",
    "cms",
    "adoption",
]
# Our apps come first so their templates override allauth's and Wagtail's.
INSTALLED_APPS = LOCAL_APPS + DJANGO_APPS + THIRD_PARTY_APPS

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "accounts.middleware.ContentSecurityPolicyMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "accounts.middleware.UserLanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "accounts.middleware.RequireMFAMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PLATFORM_DIR / "config" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "accounts.context_processors.navigation",
                "marketplace_connectors.context_processors.reauth_banner",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------------
DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'db.sqlite3'}")}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL and a busy timeout let the web process and the worker share one SQLite file.
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
    }
else:
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("DJANGO_CONN_MAX_AGE", default=60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache ----------------------------------------------------------------------------------
REDIS_URL = env("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "sme"}}

# --- Authentication (django-allauth) ----------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "accounts:dashboard"
ACCOUNT_ADAPTER = "accounts.adapters.AccountAdapter"
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_SIGNUP_FORM_CLASS = "accounts.forms.SignupExtraForm"
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = False
ACCOUNT_CHANGE_EMAIL = True
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_RATE_LIMITS = {
    # allauth's defaults, stated so they are visible and reviewable.
    "login": "30/m/ip",
    "login_failed": "10/m/ip,5/5m/key",
    "signup": "20/m/ip",
    "reset_password": "20/m/ip,5/m/key",
    "confirm_email": "1/3m/key",
}
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[Đồng Tháp SME] "
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "Dong Thap SME Online"

# --- Internationalisation ---------------------------------------------------------------------
LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", "Tiếng Việt"), ("en", "English")]
LANGUAGE_COOKIE_NAME = "sme_language"
LANGUAGE_COOKIE_AGE = 365 * 24 * 3600
LOCALE_PATHS = [
    PLATFORM_DIR / "config" / "locale",
    # backends are folders of marketplace_connectors, not apps: their catalogs are listed here
    BASE_DIR / "marketplace_connectors" / "backends" / "lazada" / "locale",
    BASE_DIR / "marketplace_connectors" / "backends" / "tiki" / "locale",
    BASE_DIR / "marketplace_connectors" / "backends" / "tiktok" / "locale",
    BASE_DIR / "marketplace_connectors" / "backends" / "woocommerce" / "locale",
]
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True

WAGTAIL_I18N_ENABLED = True
WAGTAIL_CONTENT_LANGUAGES = LANGUAGES
WAGTAIL_SITE_NAME = "Đồng Tháp SME Online"
WAGTAILADMIN_BASE_URL = SITE_URL
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}
WAGTAILDOCS_EXTENSIONS = ["csv", "docx", "key", "odt", "pdf", "pptx", "rtf", "txt", "xlsx", "zip"]

# --- Static and media files -----------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = env("DJANGO_STATIC_ROOT", default=str(VAR_DIR / "static"))
MEDIA_URL = "/media/"
MEDIA_ROOT = env("DJANGO_MEDIA_ROOT", default=str(VAR_DIR / "media"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
DATA_UPLOAD_MAX_MEMORY_SIZE = 25 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# --- Email ----------------------------------------------------------------------------------
EMAIL_BACKEND = env("DJANGO_EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = env("DJANGO_DEFAULT_FROM_EMAIL", default="Đồng Tháp SME Online <no-reply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
if EMAIL_URL := env("EMAIL_URL", default=""):
    vars().update(env.email_url_config(EMAIL_URL))

# --- Celery ---------------------------------------------------------------------------------
CELERY_BROKER_URL = env("CELERY_BROKER_URL", default="filesystem://")
CELERY_RESULT_BACKEND = env("CELERY_RESULT_BACKEND", default=f"file://{VAR_DIR / 'celery-results'}")
CELERY_BROKER_FOLDER = Path(env("CELERY_BROKER_FOLDER", default=str(VAR_DIR / "broker")))
if CELERY_BROKER_URL.startswith("filesystem://"):
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(CELERY_BROKER_FOLDER / "queue"),
        "data_folder_out": str(CELERY_BROKER_FOLDER / "queue"),
        "processed_folder": str(CELERY_BROKER_FOLDER / "processed"),
        "control_folder": str(CELERY_BROKER_FOLDER / "control"),
        "store_processed": False,
    }
else:
    CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600}
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = env.int("CELERY_TASK_TIME_LIMIT", default=30 * 60)
CELERY_TASK_SOFT_TIME_LIMIT = env.int("CELERY_TASK_SOFT_TIME_LIMIT", default=25 * 60)
CELERY_RESULT_EXPIRES = 24 * 3600
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=False)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
# Code-defined schedule; apps add entries here as they gain periodic work.
CELERY_BEAT_SCHEDULE = {
    "heartbeat": {"task": "config.tasks.heartbeat", "schedule": 300.0},
    "marketplace-refresh-tokens": {
        "task": "marketplace_connectors.tasks.accounts_refresh_due_tokens_task", "schedule": 600.0},
    "marketplace-requeue-stale": {"task": "marketplace_connectors.tasks.listings_requeue_stale_task", "schedule": 300.0},
    "billing-grace-expired": {"task": "sme.billing.tasks.billing_grace_expired_task", "schedule": 3600.0},
    "marketplace-stock-push": {"task": "marketplace_connectors.tasks.stock_push_due_task",
                               "schedule": float(env.int("MARKETPLACE_STOCK_SYNC_SECONDS", default=30))},
    "marketplace-orders-import": {"task": "marketplace_connectors.tasks.orders_import_due_task",
                                  "schedule": float(env.int("MARKETPLACE_ORDER_POLL_SECONDS", default=60))},
    "marketplace-review-poll": {"task": "marketplace_connectors.tasks.listings_review_poll_task", "schedule": 120.0},
    # A lapsed payment: listings beyond the Free limits are paused, and resumed once the plan covers them.
    "marketplace-enforce-plans": {"task": "marketplace_connectors.tasks.listings_enforce_plans_task",
                                  "schedule": 3600.0},
    # After midnight in Asia/Ho_Chi_Minh (CELERY_TIMEZONE): close yesterday's indicator snapshot, open today's.
    "adoption-nightly-snapshot": {"task": "adoption.tasks.snapshot_nightly_task",
                                  "schedule": crontab(hour=0, minute=20)},
}

# --- Guided journey (cms) ---------------------------------------------------------------------------
# Editors translate pages into English from the admin ("Translate"); an untranslated page falls back to
# Vietnamese (cms.models.FallbackRoutingMixin). Videos may be uploaded as documents.
WAGTAILDOCS_EXTENSIONS = [*WAGTAILDOCS_EXTENSIONS, "mp4", "webm"]
# Extra or replacement milestone evaluators: {"milestone_key": "dotted.path"} (see cms.milestones).
CMS_MILESTONE_EVALUATORS: dict[str, str] = {}
# Dotted path to a function returning {"percent": int, "as_of": date} for the home page, or "" for none yet.
CMS_CURRENT_SHARE_PROVIDER = "adoption.report.current_share"

# --- Marketplace connectors (marketplace_connectors) -----------------------------------------------
# One dotted path per marketplace connector; adding a marketplace is one folder plus one line here.
MARKETPLACE_CONNECTORS = [
    "marketplace_connectors.backends.shopee.connector.ShopeeConnector",
    "marketplace_connectors.backends.lazada.connector.LazadaConnector",
    "marketplace_connectors.backends.tiki.connector.TikiConnector",
    "marketplace_connectors.backends.woocommerce.connector.WooCommerceConnector",
    "marketplace_connectors.backends.tiktok.connector.TikTokShopConnector",
]
# Fernet keys (comma separated, newest first) encrypting marketplace tokens at rest. Without keys a
# key derived from SECRET_KEY is used, and only while MARKETPLACE_ALLOW_DEV_TOKEN_KEY is on.
MARKETPLACE_TOKEN_KEYS = env.list("MARKETPLACE_TOKEN_KEYS", default=[])
MARKETPLACE_ALLOW_DEV_TOKEN_KEY = env.bool("MARKETPLACE_ALLOW_DEV_TOKEN_KEY", default=True)
MARKETPLACE_HTTP_TIMEOUTS = (
    env.float("MARKETPLACE_HTTP_CONNECT_TIMEOUT", default=5.0),
    env.float("MARKETPLACE_HTTP_READ_TIMEOUT", default=30.0),
)
MARKETPLACE_HTTP_USER_AGENT = env("MARKETPLACE_HTTP_USER_AGENT", default="DongThapSMEOnline/0.1 (+marketplace-sync)")
# The shared rate limiter keeps under rate * SAFETY requests per second; Redis when set, else the database.
MARKETPLACE_RATE_LIMIT_REDIS_URL = env("MARKETPLACE_RATE_LIMIT_REDIS_URL", default=REDIS_URL)
MARKETPLACE_RATE_LIMIT_SAFETY = env.float("MARKETPLACE_RATE_LIMIT_SAFETY", default=0.95)
# Refresh access tokens this long before they expire (the scheduled task runs every 10 minutes).
MARKETPLACE_TOKEN_REFRESH_MARGIN = env.int("MARKETPLACE_TOKEN_REFRESH_MARGIN", default=45 * 60)
# A listing claimed longer than this (its worker died) is taken over by the next attempt or the sweeper.
MARKETPLACE_CLAIM_STALE_SECONDS = env.int("MARKETPLACE_CLAIM_STALE_SECONDS", default=15 * 60)
# One stock: every this many seconds, shops whose marketplace shows other stock than the catalog are
# brought in step (orders push at once; this catches edits, imports and failed pushes). Orders are also
# fetched on this schedule, besides push notifications.
MARKETPLACE_STOCK_SYNC_SECONDS = env.int("MARKETPLACE_STOCK_SYNC_SECONDS", default=30)
MARKETPLACE_ORDER_POLL_SECONDS = env.int("MARKETPLACE_ORDER_POLL_SECONDS", default=60)
# The first order import reaches this far back; later ones start this much before the last one did.
MARKETPLACE_ORDER_HISTORY_DAYS = 90
MARKETPLACE_ORDER_OVERLAP_SECONDS = 600
# The public base URL marketplaces send push notifications to, e.g. https://sme.dongthap.gov.vn; the
# callback of marketplace X is <base>/marketplaces/push/X/. Shopee signs the full URL, so it must be the
# URL registered with the marketplace. Empty: the URL the request arrived at.
MARKETPLACE_PUSH_BASE_URL = env("MARKETPLACE_PUSH_BASE_URL", default="")
# Local simulators for `make run` (manage.py run_sandbox_marketplaces): loopback ports per marketplace.
MARKETPLACE_SANDBOX = env.bool("MARKETPLACE_SANDBOX", default=False)
MARKETPLACE_SANDBOX_HOST = env("MARKETPLACE_SANDBOX_HOST", default="127.0.0.1")
MARKETPLACE_SANDBOX_PORTS = {"shopee": env.int("SHOPEE_SANDBOX_PORT", default=8701),
                             "lazada": env.int("LAZADA_SANDBOX_PORT", default=8702),
                             "tiki": env.int("TIKI_SANDBOX_PORT", default=8703),
                             "tiktok": env.int("TIKTOK_SANDBOX_PORT", default=8704),
                             "woocommerce": env.int("WOOCOMMERCE_SANDBOX_PORT", default=8705)}
# Shopee Open Platform v2. Shopee publishes no rate limit: stay under SHOPEE_RATE_LIMIT per second per
# partner (app) and SHOPEE_SHOP_RATE_LIMIT per shop. With MARKETPLACE_SANDBOX on and no partner id set,
# the sandbox simulator's public test partner is used.
SHOPEE_API_HOST = env("SHOPEE_API_HOST", default="https://partner.shopeemobile.com")
SHOPEE_PARTNER_ID = env.int("SHOPEE_PARTNER_ID", default=0)
SHOPEE_PARTNER_KEY = env("SHOPEE_PARTNER_KEY", default="")
SHOPEE_RATE_LIMIT = env.float("SHOPEE_RATE_LIMIT", default=10.0)
SHOPEE_SHOP_RATE_LIMIT = env.float("SHOPEE_SHOP_RATE_LIMIT", default=10.0)
# Lazada Open Platform, Vietnamese gateway. Lazada documents 50 inventory calls per second per seller; other
# per-API limits are unpublished, so stay under LAZADA_RATE_LIMIT per app and LAZADA_SELLER_RATE_LIMIT per
# seller and API. With MARKETPLACE_SANDBOX on and no app key set, the sandbox simulator's test app is used.
LAZADA_API_HOST = env("LAZADA_API_HOST", default="https://api.lazada.vn/rest")
LAZADA_AUTH_HOST = env("LAZADA_AUTH_HOST", default="https://auth.lazada.com/rest")
LAZADA_AUTHORIZE_URL = env("LAZADA_AUTHORIZE_URL", default="https://auth.lazada.com/oauth/authorize")
LAZADA_APP_KEY = env("LAZADA_APP_KEY", default="")
LAZADA_APP_SECRET = env("LAZADA_APP_SECRET", default="")
LAZADA_RATE_LIMIT = env.float("LAZADA_RATE_LIMIT", default=100.0)
LAZADA_SELLER_RATE_LIMIT = env.float("LAZADA_SELLER_RATE_LIMIT", default=10.0)
LAZADA_INVENTORY_RATE_LIMIT = env.float("LAZADA_INVENTORY_RATE_LIMIT", default=50.0)
LAZADA_PRICE_QUANTITY_BATCH = env.int("LAZADA_PRICE_QUANTITY_BATCH", default=50)
LAZADA_IMAGE_MAX_BYTES = env.int("LAZADA_IMAGE_MAX_BYTES", default=1024 * 1024)

# --- Demo data --------------------------------------------------------------------------------
# ``python manage.py seed_demo`` calls each of these in order. Each is idempotent and returns the
# logins it made (see accounts.demo). Later features add their own line.
DEMO_SEEDERS = [
    "accounts.demo.seed_users",
    "sme.businesses.demo.seed_businesses",
    "sme.catalog.demo.seed_catalogs",
    "cms.demo.seed_journey",
    "adoption.demo.seed_adoption",
]

# --- Businesses (sme.businesses) ---------------------------------------------------------------
# Dotted paths to ``(identifier: str) -> dict | None`` functions that pre-fill business registration
# (see sme/businesses/prefill.py). The officers' register (adoption) is the first provider.
BUSINESS_PREFILL_PROVIDERS: list[str] = ["adoption.prefill.register_prefill"]

# --- Billing (sme.billing) ---------------------------------------------------------------------
# Stripe is on only when all three keys are set; with none set (the `make run` default) billing pages say
# payments are not set up and every business runs on DEFAULT_PLAN. Setting only some is an error
# (`manage.py check` reports it). STRIPE_API_BASE points the library elsewhere (a local fake); empty = Stripe.
STRIPE_SECRET_KEY = env("STRIPE_SECRET_KEY", default="")
STRIPE_PUBLISHABLE_KEY = env("STRIPE_PUBLISHABLE_KEY", default="")
STRIPE_WEBHOOK_SECRET = env("STRIPE_WEBHOOK_SECRET", default="")
STRIPE_API_BASE = env("STRIPE_API_BASE", default="")
STRIPE_HTTP_TIMEOUTS = (
    env.float("STRIPE_HTTP_CONNECT_TIMEOUT", default=5.0),
    env.float("STRIPE_HTTP_READ_TIMEOUT", default=20.0),
)
STRIPE_MAX_NETWORK_RETRIES = env.int("STRIPE_MAX_NETWORK_RETRIES", default=2)
DEFAULT_PLAN = env("DEFAULT_PLAN", default="free")
BILLING_GRACE_DAYS = env.int("BILLING_GRACE_DAYS", default=7)

# --- Logging ----------------------------------------------------------------------------------
LOG_LEVEL = env("DJANGO_LOG_LEVEL", default="INFO")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {"django.db.backends": {"level": "INFO"}},
}
STATICFILES_DIRS = [PLATFORM_DIR / "config" / "static"]

# Embedded defaults must work on a fresh clone: create the local folders they write to.
for _folder in [VAR_DIR, STATIC_ROOT, MEDIA_ROOT, *CELERY_BROKER_TRANSPORT_OPTIONS.values()]:
    if isinstance(_folder, (str, Path)) and str(_folder).startswith(("/", ".")):
        Path(_folder).mkdir(parents=True, exist_ok=True)
if CELERY_RESULT_BACKEND.startswith("file://"):
    Path(CELERY_RESULT_BACKEND.removeprefix("file://")).mkdir(parents=True, exist_ok=True)
# Tiki Open API (OAuth 2.0 authorisation code). Tiki downloads product photos and certificates from URLs, so
# TIKI_MEDIA_BASE_URL must be the site's public address in production. Further tunables (token auth method,
# update batch, required-documents path, inventory type) have defaults in backends/tiki/conf.py.
TIKI_API_HOST = env("TIKI_API_HOST", default="https://api.tiki.vn")
TIKI_CLIENT_ID = env("TIKI_CLIENT_ID", default="")
TIKI_CLIENT_SECRET = env("TIKI_CLIENT_SECRET", default="")
TIKI_REDIRECT_URI = env("TIKI_REDIRECT_URI", default="")
TIKI_MEDIA_BASE_URL = env("TIKI_MEDIA_BASE_URL", default="")
TIKI_SELLER_RATE_LIMIT = env.float("TIKI_SELLER_RATE_LIMIT", default=150.0)
# WooCommerce (owners' own web shops, REST API v3 with keys). Each shop's webhook secret is derived from
# WOOCOMMERCE_WEBHOOK_KEY (SECRET_KEY when empty); changing it means shops reconnect.
WOOCOMMERCE_RATE_LIMIT = env.float("WOOCOMMERCE_RATE_LIMIT", default=5.0)
WOOCOMMERCE_WEBHOOK_KEY = env("WOOCOMMERCE_WEBHOOK_KEY", default="")
# TikTok Shop Partner API (202309 generation). TikTok returns sellers to the redirect URL registered in
# Partner Center: <site>/marketplaces/connect/tiktok/callback/. The app secret also signs webhooks.
TIKTOK_API_HOST = env("TIKTOK_API_HOST", default="https://open-api.tiktokglobalshop.com")
TIKTOK_AUTH_HOST = env("TIKTOK_AUTH_HOST", default="https://auth.tiktok-shops.com")
TIKTOK_AUTHORIZE_URL = env("TIKTOK_AUTHORIZE_URL", default="https://services.tiktokshop.com/open/authorize")
TIKTOK_APP_KEY = env("TIKTOK_APP_KEY", default="")
TIKTOK_APP_SECRET = env("TIKTOK_APP_SECRET", default="")
TIKTOK_SERVICE_ID = env("TIKTOK_SERVICE_ID", default="")
TIKTOK_RATE_LIMIT = env.float("TIKTOK_RATE_LIMIT", default=40.0)
