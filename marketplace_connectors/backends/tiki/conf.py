"""Tiki settings, resolved at call time so tests and the sandbox can point the connector elsewhere.

Every setting has a default here (read with ``getattr``) so the backend works before the lead adds the
settings to ``config/settings/base.py``; the names and defaults are the ones documented in the report.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

# The sandbox simulator's public test app: only ever used with MARKETPLACE_SANDBOX on.
SANDBOX_CLIENT_ID = "7590139168389961"
SANDBOX_CLIENT_SECRET = "sandbox-client-secret-not-a-secret"
SANDBOX_PORT = 8703
SCOPES = "offline product order inventory"  # marketplaces.md §4: the scopes a public app asks for
TOKEN_AUTH_METHODS = ("client_secret_basic", "client_secret_post")

DEFAULTS = {
    "TIKI_API_HOST": "https://api.tiki.vn",
    "TIKI_AUTHORIZE_URL": "https://api.tiki.vn/sc/oauth2/auth",
    "TIKI_TOKEN_URL": "https://api.tiki.vn/sc/oauth2/token",
    "TIKI_CLIENT_ID": "",
    "TIKI_CLIENT_SECRET": "",
    "TIKI_TOKEN_AUTH_METHOD": "client_secret_basic",
    "TIKI_SELLER_RATE_LIMIT": 150.0,
    "TIKI_UPDATE_SKUS_BATCH": 50,
    "TIKI_MEDIA_BASE_URL": "",
    "TIKI_REQUIRED_DOCUMENTS_PATH": "/integration/v2/categories/{category_id}/required-documents",
    "TIKI_INVENTORY_TYPE": "dropship",
    "TIKI_REDIRECT_URI": "",
}


def setting(name: str):
    return getattr(settings, name, DEFAULTS[name])


@dataclass(frozen=True)
class TikiConfig:
    api_host: str  # https://api.tiki.vn: the seller API (paths start with /integration/...)
    authorize_url: str  # the seller's consent page
    token_url: str  # the OAuth 2.0 token endpoint (form-encoded)
    client_id: str
    client_secret: str
    token_auth_method: str  # client_secret_basic or client_secret_post, as chosen at app registration
    seller_rate_limit: float  # requests per second per seller (documented limit: 200)
    update_skus_batch: int  # products per updateSkus call (Tiki documents no maximum)
    media_base_url: str  # absolute base for media URLs Tiki downloads (images, certificates)
    required_documents_path: str  # the "Get required documents" endpoint, ``{category_id}`` filled in
    redirect_uri: str  # the callback registered for the app; sent with the code (OAuth 2.0 requires it)
    inventory_type: str  # the seller's operation model for new variants (dropship, instock, backorder...)


def tiki_config() -> TikiConfig:
    """The app credentials and hosts; ImproperlyConfigured when half-configured."""
    client_id, secret = str(setting("TIKI_CLIENT_ID") or ""), str(setting("TIKI_CLIENT_SECRET") or "")
    api_host, authorize, token = setting("TIKI_API_HOST"), setting("TIKI_AUTHORIZE_URL"), setting("TIKI_TOKEN_URL")
    if not client_id and not secret and settings.MARKETPLACE_SANDBOX:
        port = getattr(settings, "MARKETPLACE_SANDBOX_PORTS", {}).get("tiki", SANDBOX_PORT)
        client_id, secret = SANDBOX_CLIENT_ID, SANDBOX_CLIENT_SECRET
        base = f"http://{settings.MARKETPLACE_SANDBOX_HOST}:{port}"
        api_host, authorize, token = base, f"{base}/sc/oauth2/auth", f"{base}/sc/oauth2/token"
    if not client_id or not secret:
        raise ImproperlyConfigured("Set both TIKI_CLIENT_ID and TIKI_CLIENT_SECRET (or MARKETPLACE_SANDBOX=on).")
    method = setting("TIKI_TOKEN_AUTH_METHOD")
    if method not in TOKEN_AUTH_METHODS:
        raise ImproperlyConfigured(f"TIKI_TOKEN_AUTH_METHOD must be one of {', '.join(TOKEN_AUTH_METHODS)}.")
    batch = int(setting("TIKI_UPDATE_SKUS_BATCH"))
    if not 1 <= batch <= 500:
        raise ImproperlyConfigured("TIKI_UPDATE_SKUS_BATCH must be 1 to 500.")
    return TikiConfig(
        api_host=str(api_host).rstrip("/"), authorize_url=str(authorize), token_url=str(token),
        client_id=client_id, client_secret=secret, token_auth_method=method,
        seller_rate_limit=float(setting("TIKI_SELLER_RATE_LIMIT")), update_skus_batch=batch,
        media_base_url=str(setting("TIKI_MEDIA_BASE_URL") or ""),
        required_documents_path=str(setting("TIKI_REQUIRED_DOCUMENTS_PATH")),
        redirect_uri=str(setting("TIKI_REDIRECT_URI") or ""),
        inventory_type=str(setting("TIKI_INVENTORY_TYPE")),
    )


def tiki_is_configured() -> bool:
    try:
        tiki_config()
    except ImproperlyConfigured:
        return False
    return True
