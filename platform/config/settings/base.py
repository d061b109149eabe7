"""Settings shared by every environment. Everything comes from the environment (django-environ).

Defaults need no server: SQLite and the Celery broker live under ``var/``. Each variable is documented in
the README's settings table; keep the two in step.
"""

import re
from email.utils import parseaddr
from pathlib import Path

import environ
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured

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
    "allauth.socialaccount",
    "allauth.socialaccount.providers.openid_connect",
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
    "outreach",
    "operations",
]
# Our apps come first so their templates override allauth's and Wagtail's.
INSTALLED_APPS = LOCAL_APPS + DJANGO_APPS + THIRD_PARTY_APPS

MIDDLEWARE = [
    "config.request_context.RequestIdMiddleware",
    "config.metrics.MetricsMiddleware",
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
    "accounts.middleware.SessionPolicyMiddleware",
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
                "cms.context_processors.journey_next_step",
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
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
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
# Sign-up asks for consent to the terms and privacy notice; this records it (notice version, time, language)
# as ``recorder(*, user, language)``, and the notice is shown at this URL name.
ACCOUNTS_SIGNUP_CONSENT_RECORDER = "sme.businesses.services.consent_record_at_signup"
ACCOUNTS_PRIVACY_NOTICE_URL_NAME = "businesses:privacy"
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
    # Ours (accounts.throttle): each emails other people. Key = the business invited to.
    "business_join_request": "5/h/user,20/h/ip",
    "business_invitation": "20/h/user,50/d/key",
    # sme.businesses: looking an identifier up on the register (the registration pre-fill) and registering
    # one; proof codes e-mailed to a register's contact (key = the claim); ownership disputes opened.
    "business_register_lookup": "20/h/user,60/h/ip",
    "ownership_code": "3/h/key,10/d/user",
    "ownership_dispute": "3/h/user,10/d/ip",
}
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[Đồng Tháp SME] "
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_ADAPTER = "accounts.adapters.MFAAdapter"
# Officers, editors and staff (accounts.middleware.SessionPolicyMiddleware): signed out after this long without
# activity, and asked to sign in again (password and two-factor) this long after they last did.
PRIVILEGED_SESSION_IDLE_SECONDS = env.int("PRIVILEGED_SESSION_IDLE_MINUTES", default=30) * 60
PRIVILEGED_SESSION_MAX_AGE_SECONDS = env.int("PRIVILEGED_SESSION_MAX_HOURS", default=12) * 3600
MFA_TOTP_ISSUER = "Dong Thap SME Online"

# --- Single sign-on with the province's identity provider (accounts.sso, docs/sso.md) --------------------
# SSO_PROVIDERS: a JSON list, one object per OpenID Connect provider: {"id": "dongthap", "name": "Cổng dịch vụ
# công tỉnh Đồng Tháp", "issuer": "https://id.dongthap.gov.vn", "client_id": "...", "client_secret": "..."}.
# "id" is in the redirect URI (<SITE_URL>/accounts/oidc/<id>/login/callback/). Empty: no provider button.
SSO_PROVIDERS: list[dict] = env.json("SSO_PROVIDERS", default=[])
for _provider in SSO_PROVIDERS:
    if not isinstance(_provider, dict) or not {"id", "issuer", "client_id"} <= set(_provider):
        raise ImproperlyConfigured("SSO_PROVIDERS: each provider needs at least id, issuer and client_id (docs/sso.md).")
    if not re.fullmatch(r"[A-Za-z0-9-]{1,40}", str(_provider["id"])):
        raise ImproperlyConfigured(f"SSO_PROVIDERS: id {_provider['id']!r} may hold only letters, digits and -.")
SSO_SCOPES = env.list("SSO_SCOPES", default=["openid", "email", "profile", "phone"])
# How far the provider's clock may be from ours when checking an ID token's exp and iat (at most 5 minutes).
SSO_CLOCK_SKEW_SECONDS = min(env.int("SSO_CLOCK_SKEW_SECONDS", default=60), 300)
# An ID token whose amr holds one of these, or whose acr is one of these, counts as this platform's two-factor
# step for officers, editors and staff. Empty acr list: acr is not trusted.
SSO_MFA_AMR_VALUES = env.list("SSO_MFA_AMR_VALUES", default=["mfa"])
SSO_MFA_ACR_VALUES = env.list("SSO_MFA_ACR_VALUES", default=[])
# Roles are never granted from claims unless both are set: the claim (e.g. groups) and value=role pairs, e.g.
# "so-cong-thuong=trade_officer,ban-bien-tap=content_editor". Each grant is in the audit trail.
SSO_ROLE_CLAIM = env("SSO_ROLE_CLAIM", default="")
SSO_ROLE_MAP: dict[str, str] = env.dict("SSO_ROLE_MAP", default={})
SOCIALACCOUNT_ADAPTER = "accounts.adapters.SocialAccountAdapter"
SOCIALACCOUNT_PROVIDERS = {"openid_connect": {"OAUTH_PKCE_ENABLED": True, "APPS": [
    {"provider_id": provider["id"], "name": provider.get("name") or provider["id"],
     "client_id": provider["client_id"], "secret": provider.get("client_secret", ""),
     "settings": {"server_url": provider["issuer"], "scope": SSO_SCOPES, "oauth_pkce_enabled": True}}
    for provider in SSO_PROVIDERS
]}}
SOCIALACCOUNT_AUTO_SIGNUP = True
SOCIALACCOUNT_EMAIL_AUTHENTICATION = False
SOCIALACCOUNT_EMAIL_AUTHENTICATION_AUTO_CONNECT = False
SOCIALACCOUNT_STORE_TOKENS = False
SOCIALACCOUNT_REQUESTS_TIMEOUT = 10

# --- Internationalisation ---------------------------------------------------------------------
LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", "Tiếng Việt"), ("en", "English")]
LANGUAGE_COOKIE_NAME = "sme_language"
LANGUAGE_COOKIE_AGE = 365 * 24 * 3600
# (each marketplace's own catalog, in its folder, is added below the connector list)
LOCALE_PATHS = [PLATFORM_DIR / "config" / "locale"]
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True

WAGTAIL_I18N_ENABLED = True
WAGTAIL_CONTENT_LANGUAGES = LANGUAGES
WAGTAIL_SITE_NAME = "Đồng Tháp SME Online"
# Pages an editor restricts to signed-in users send visitors to allauth's login (config.urls redirects
# Wagtail's own front-end login there too).
WAGTAIL_FRONTEND_LOGIN_URL = "/accounts/login/"
WAGTAILADMIN_BASE_URL = SITE_URL
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}
WAGTAILDOCS_EXTENSIONS = ["csv", "docx", "key", "odt", "pdf", "pptx", "rtf", "txt", "xlsx", "zip"]

# --- Static and media files -----------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = env("DJANGO_STATIC_ROOT", default=str(VAR_DIR / "static"))
MEDIA_URL = "/media/"
MEDIA_ROOT = env("DJANGO_MEDIA_ROOT", default=str(VAR_DIR / "media"))
# Uploaded import sheets and photo archives are deleted this many days after the upload (sme.imports).
IMPORTS_UPLOAD_RETENTION_DAYS = env.int("IMPORTS_UPLOAD_RETENTION_DAYS", default=30)
# Documents uploaded to prove a business's ownership are deleted this many days after an officer decided
# (sme.businesses.ownership; the decision and the file's SHA-256 stay in the audit trail).
OWNERSHIP_DOCUMENT_RETENTION_DAYS = 90
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
# `make backup`: BACKUP_DIR/<timestamp>/ (database, uploaded files, manifest); the newest BACKUP_KEEP are kept.
BACKUP_DIR = env("BACKUP_DIR", default=str(VAR_DIR / "backups"))
BACKUP_KEEP = env.int("BACKUP_KEEP", default=14)
DATA_UPLOAD_MAX_MEMORY_SIZE = 25 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# --- Email ----------------------------------------------------------------------------------
EMAIL_BACKEND = env("DJANGO_EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = env("DJANGO_DEFAULT_FROM_EMAIL", default="Đồng Tháp SME Online <no-reply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# The operators: e-mailed when something needs a person (a messaging channel paused because the provider
# refused the platform's authorization; Django's error reports). "Name <address>" entries, comma separated.
ADMINS = [parseaddr(entry) for entry in env.list("DJANGO_ADMINS", default=[])]
EMAIL_SUBJECT_PREFIX = ACCOUNT_EMAIL_SUBJECT_PREFIX
if EMAIL_URL := env("EMAIL_URL", default=""):
    vars().update(env.email_url_config(EMAIL_URL))

# --- Celery ---------------------------------------------------------------------------------
# Embedded default: a SQLite file in var/ (config.broker: kombu's SQLAlchemy transport made safe for two
# workers, beat and the web process at once). Production: Redis.
CELERY_BROKER_URL = env("CELERY_BROKER_URL", default=f"sqlite:///{VAR_DIR / 'celery-broker.sqlite3'}")
CELERY_RESULT_BACKEND = env("CELERY_RESULT_BACKEND", default=f"file://{VAR_DIR / 'celery-results'}")
# A message a worker took and never acknowledged (the worker died) is delivered again after this long.
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
# Every worker writes its heartbeat this often; /healthz answers 503 when none was seen for the silence.
WORKER_HEARTBEAT_SECONDS = env.float("WORKER_HEARTBEAT_SECONDS", default=10.0)
HEALTHZ_WORKER_SILENCE_SECONDS = env.float("HEALTHZ_WORKER_SILENCE_SECONDS", default=60.0)
# Long jobs (imports, publish runs): a page waiting for one says "slower than usual" after JOB_SLOW_SECONDS
# without progress; after JOB_STALL_SECONDS without progress the job becomes an error with a retry.
JOB_SLOW_SECONDS = env.int("JOB_SLOW_SECONDS", default=60)
JOB_STALL_SECONDS = env.int("JOB_STALL_SECONDS", default=CELERY_TASK_TIME_LIMIT + 60)
# Each app's watchdog for its long jobs: () -> int, run every 5 minutes by config.tasks.jobs_fail_stalled.
STALLED_JOB_SWEEPERS = [
    "sme.imports.services.import_jobs_fail_stalled",
    "marketplace_connectors.sync.listings.sync_runs_fail_stalled",
    "outreach.services.letter_jobs_fail_stalled",
]
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
# Code-defined schedule; apps add entries here as they gain periodic work.
CELERY_BEAT_SCHEDULE = {
    "heartbeat": {"task": "config.tasks.heartbeat", "schedule": 300.0},
    "jobs-fail-stalled": {"task": "config.tasks.jobs_fail_stalled", "schedule": 300.0},
    "marketplace-refresh-tokens": {
        "task": "marketplace_connectors.tasks.accounts_refresh_due_tokens_task", "schedule": 600.0},
    "marketplace-requeue-stale": {"task": "marketplace_connectors.tasks.listings_requeue_stale_task", "schedule": 300.0},
    "billing-grace-expired": {"task": "sme.billing.tasks.billing_grace_expired_task", "schedule": 3600.0},
    "imports-uploads-sweep": {"task": "sme.imports.tasks.import_uploads_sweep_task", "schedule": 3600.0},
    "outreach-sms-deliveries-poll": {"task": "outreach.tasks.sms_deliveries_poll_task", "schedule": 600.0},
    "outreach-letter-pdfs-sweep": {"task": "outreach.tasks.letter_pdfs_sweep_task", "schedule": 3600.0},
    "ownership-documents-expire": {"task": "sme.businesses.tasks.ownership_documents_expire_task",
                                   "schedule": 3600.0},
    "marketplace-stock-push": {"task": "marketplace_connectors.tasks.stock_push_due_task",
                               "schedule": float(env.int("MARKETPLACE_STOCK_SYNC_SECONDS", default=30))},
    "marketplace-orders-import": {"task": "marketplace_connectors.tasks.orders_import_due_task",
                                  "schedule": float(env.int("MARKETPLACE_ORDER_POLL_SECONDS", default=60))},
    "marketplace-review-poll": {"task": "marketplace_connectors.tasks.listings_review_poll_task", "schedule": 120.0},
    # A lapsed payment: listings beyond the Free limits are paused, and resumed once the plan covers them.
    "marketplace-enforce-plans": {"task": "marketplace_connectors.tasks.listings_enforce_plans_task",
                                  "schedule": 3600.0},
    # After midnight in Asia/Ho_Chi_Minh (CELERY_TIMEZONE): close yesterday's indicator snapshot, open today's.
    "outreach-send-due": {"task": "outreach.tasks.outreach_send_due_task", "schedule": 60.0},
    "adoption-nightly-snapshot": {"task": "adoption.tasks.snapshot_nightly_task",
                                  "schedule": crontab(hour=0, minute=20)},
}

# --- Officers' API (adoption) ------------------------------------------------------------------
# An officer's API token works for this many days after it is created (then they create a new one).
ADOPTION_API_TOKEN_DAYS = env.int("ADOPTION_API_TOKEN_DAYS", default=90)

# --- Outreach campaigns (outreach) --------------------------------------------------------------
# A business contacted by one campaign is not contacted by another for this many days (any channel).
OUTREACH_COOLDOWN_DAYS = env.int("OUTREACH_COOLDOWN_DAYS", default=90)
# A campaign's printed letters (PDF: names, addresses, personal links) are deleted this many days after printing.
OUTREACH_LETTER_RETENTION_DAYS = env.int("OUTREACH_LETTER_RETENTION_DAYS", default=30)
# A personal invitation link works for this many days after it was sent (once: it is single-use).
OUTREACH_LINK_DAYS = env.int("OUTREACH_LINK_DAYS", default=30)
# Messages are sent between these hours, Asia/Ho_Chi_Minh ("8-20": from 08:00 to 19:59).
OUTREACH_SENDING_HOURS = tuple(int(h) for h in env("OUTREACH_SENDING_HOURS", default="8-20").split("-", 1))
# Messages per minute per channel (one sender per channel paces it, however many workers run).
OUTREACH_RATE_PER_MINUTE = {"email": env.int("OUTREACH_EMAIL_PER_MINUTE", default=60), "zalo": 60, "sms": 60}
# Printed letters: the sending office as written in a sentence, the signer's title under the officer's name,
# and a contact line for questions.
OUTREACH_LETTER_DEPARTMENT = "Sở Công Thương"
OUTREACH_LETTER_SIGNER_TITLE = "CÁN BỘ PHỤ TRÁCH"
OUTREACH_LETTER_CONTACT = ""
# A provider that answers "try later" (Zalo, SMS) is asked again after this many seconds.
OUTREACH_RETRY_SECONDS = 60
# Messages one sending task sends before it hands over to the next (keeps each task short).
OUTREACH_SEND_BATCH = 50
# A message still "being sent" after this long had its sender die: it is marked in doubt, never re-sent.
OUTREACH_SENDING_TIMEOUT_SECONDS = 300
# The domain of the invitations' Message-ID headers.
OUTREACH_MESSAGE_ID_DOMAIN = env("OUTREACH_MESSAGE_ID_DOMAIN", default="sme.dongthap.local")

# What outreach adds to the officers' pages (see adoption/panels.py): the dashboard's "brought online by
# campaigns" figure and the campaigns link of the navigation.
ADOPTION_DASHBOARD_PANELS: list[str] = ["outreach.panels.brought_online_panel"]
ADOPTION_NAV_LINKS: list[str] = ["outreach.panels.campaigns_nav_link"]

# --- Guided journey (cms) ---------------------------------------------------------------------------
# Editors translate pages into English from the admin ("Translate"); an untranslated page falls back to
# Vietnamese (cms.models.FallbackRoutingMixin). Videos may be uploaded as documents.
WAGTAILDOCS_EXTENSIONS = [*WAGTAILDOCS_EXTENSIONS, "mp4", "webm"]
# Extra or replacement milestone evaluators: {"milestone_key": "dotted.path"} (see cms.milestones).
CMS_MILESTONE_EVALUATORS: dict[str, str] = {}
# Dotted path to a function returning {"percent": int, "as_of": date} for the home page, or "" for none yet.
CMS_CURRENT_SHARE_PROVIDER = "adoption.report.current_share"

# --- Adoption indicator (adoption) -----------------------------------------------------------------
# Months an officer's approval of a declared shop counts for, from the day of the approval.
ADOPTION_DECLARATION_VALID_MONTHS = env.int("ADOPTION_DECLARATION_VALID_MONTHS", default=12)

# --- Marketplace connectors (marketplace_connectors) -----------------------------------------------
# One dotted path per marketplace connector; adding a marketplace is one folder plus one line here.
MARKETPLACE_CONNECTORS = [
    "marketplace_connectors.backends.shopee.connector.ShopeeConnector",
    "marketplace_connectors.backends.lazada.connector.LazadaConnector",
    "marketplace_connectors.backends.tiki.connector.TikiConnector",
    "marketplace_connectors.backends.woocommerce.connector.WooCommerceConnector",
    "marketplace_connectors.backends.tiktok.connector.TikTokShopConnector",
]
# A marketplace's folder keeps its translations next to its connector (<folder>/locale): found from the list above.
LOCALE_PATHS += [BASE_DIR.joinpath(*path.split(".")[:-2], "locale") for path in MARKETPLACE_CONNECTORS]
# Fernet keys (comma separated, newest first) encrypting marketplace tokens at rest. Without keys a
# key derived from SECRET_KEY is used, and only while MARKETPLACE_ALLOW_DEV_TOKEN_KEY is on.
MARKETPLACE_TOKEN_KEYS = env.list("MARKETPLACE_TOKEN_KEYS", default=[])
MARKETPLACE_ALLOW_DEV_TOKEN_KEY = env.bool("MARKETPLACE_ALLOW_DEV_TOKEN_KEY", default=True)
MARKETPLACE_HTTP_TIMEOUTS = (
    env.float("MARKETPLACE_HTTP_CONNECT_TIMEOUT", default=5.0),
    env.float("MARKETPLACE_HTTP_READ_TIMEOUT", default=30.0),
)
MARKETPLACE_HTTP_USER_AGENT = env("MARKETPLACE_HTTP_USER_AGENT", default="DongThapSMEOnline/0.1 (+marketplace-sync)")
# Outbound requests (marketplace_connectors/http.py) reach only public addresses, over HTTPS on port 443.
# Loopback too only when allowed here: True (test settings: any port, the simulators take free ones) or the
# ports of `make run`'s sandbox marketplaces (dev settings with MARKETPLACE_SANDBOX). Never from the environment.
MARKETPLACE_HTTP_ALLOW_LOOPBACK: bool | frozenset[int] = False
# `make run`'s sandbox marketplaces: {code: address of its "place a test order" page}, linked from the shop
# page of a shop connected to it (dev settings with MARKETPLACE_SANDBOX). Never from the environment.
MARKETPLACE_SANDBOX_ORDER_PAGES: dict[str, str] = {}
# The shared rate limiter keeps under rate * SAFETY requests per second; Redis when set, else the database.
# 0.9, not 0.95: at 95% eleven slots span 1.053 s, so a call sent 53 ms late (a busy machine) made eleven in
# a marketplace's sliding second (one HTTP 429 in the Shopee benchmark at a load average of 9-11 on 2 cores).
MARKETPLACE_RATE_LIMIT_REDIS_URL = env("MARKETPLACE_RATE_LIMIT_REDIS_URL", default=REDIS_URL)
MARKETPLACE_RATE_LIMIT_SAFETY = env.float("MARKETPLACE_RATE_LIMIT_SAFETY", default=0.9)
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

# --- Demo data --------------------------------------------------------------------------------
# seed_demo and demo_totp run only where this is on (production settings turn it off): the demo users'
# passwords and two-factor secret are public.
DEMO_DATA_ALLOWED = True
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
# Panels other apps add to the product page (see sme/catalog/panels.py): each shop's "ready to publish" checklist.
CATALOG_PRODUCT_PANELS: list[str] = ["marketplace_connectors.panels.product_readiness_panel"]

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

# --- Logging, metrics, errors -------------------------------------------------------------------
LOG_LEVEL = env("DJANGO_LOG_LEVEL", default="INFO")
# json: one JSON object per line (production); plain: readable lines (make run). Both carry the request id.
LOG_FORMAT = env("DJANGO_LOG_FORMAT", default="plain")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "config.request_context.RequestIdLogFilter"}},
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
        "json": {"()": "pythonjsonlogger.json.JsonFormatter",
                 "format": "%(asctime)s %(levelname)s %(name)s %(request_id)s %(message)s",
                 "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"}},
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": LOG_FORMAT,
                             "filters": ["request_id"]}},
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {"django.db.backends": {"level": "INFO"}},
}
# /metrics answers only `Authorization: Bearer <METRICS_TOKEN>`; empty: /metrics is off (404).
METRICS_TOKEN = env("METRICS_TOKEN", default="")
# Errors go to Sentry when SENTRY_DSN is set (no personal data is sent).
SENTRY_DSN = env("SENTRY_DSN", default="")
if SENTRY_DSN:
    import sentry_sdk
    from sentry_sdk.integrations.celery import CeleryIntegration
    from sentry_sdk.integrations.django import DjangoIntegration

    sentry_sdk.init(dsn=SENTRY_DSN, integrations=[DjangoIntegration(), CeleryIntegration()],
                    environment=env("SENTRY_ENVIRONMENT", default="production"), send_default_pii=False,
                    traces_sample_rate=env.float("SENTRY_TRACES_SAMPLE_RATE", default=0.0))
STATICFILES_DIRS = [PLATFORM_DIR / "config" / "static"]

# Embedded defaults must work on a fresh clone: create the local folders they write to.
for _folder in [VAR_DIR, STATIC_ROOT, MEDIA_ROOT]:
    if isinstance(_folder, (str, Path)) and str(_folder).startswith(("/", ".")):
        Path(_folder).mkdir(parents=True, exist_ok=True)
if CELERY_RESULT_BACKEND.startswith("file://"):
    Path(CELERY_RESULT_BACKEND.removeprefix("file://")).mkdir(parents=True, exist_ok=True)
