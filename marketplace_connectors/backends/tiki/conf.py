"""Tiki settings: read from the environment here (the rest are constants a Django setting may override),
resolved at call time so tests and the sandbox can point the connector elsewhere."""

from __future__ import annotations

from dataclasses import dataclass

import environ
from django.core.exceptions import ImproperlyConfigured

from .._common import settings_reader

env = environ.Env()

SCOPES = "offline product order inventory"  # docs/marketplaces/tiki.md (S-config): the scopes a public app asks for
TOKEN_AUTH_METHODS = ("client_secret_basic", "client_secret_post")

# Tiki Open API (OAuth 2.0 authorisation code). Tiki downloads product photos and certificates from URLs, so
# TIKI_MEDIA_BASE_URL must be the site's public address in production.
setting = settings_reader({
    "TIKI_API_HOST": env.str("TIKI_API_HOST", default="https://api.tiki.vn"),
    "TIKI_CLIENT_ID": env.str("TIKI_CLIENT_ID", default=""),
    "TIKI_CLIENT_SECRET": env.str("TIKI_CLIENT_SECRET", default=""),
    "TIKI_REDIRECT_URI": env.str("TIKI_REDIRECT_URI", default=""),
    "TIKI_MEDIA_BASE_URL": env.str("TIKI_MEDIA_BASE_URL", default=""),
    "TIKI_SELLER_RATE_LIMIT": env.float("TIKI_SELLER_RATE_LIMIT", default=150.0),
    "TIKI_AUTHORIZE_URL": "https://api.tiki.vn/sc/oauth2/auth",
    "TIKI_TOKEN_URL": "https://api.tiki.vn/sc/oauth2/token",
    "TIKI_TOKEN_AUTH_METHOD": "client_secret_basic",
    "TIKI_UPDATE_SKUS_BATCH": 50,
    "TIKI_REQUIRED_DOCUMENTS_PATH": "/integration/v2/categories/{category_id}/required-documents",
    "TIKI_INVENTORY_TYPE": "dropship",
})


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
    if not client_id or not secret:
        raise ImproperlyConfigured("Set both TIKI_CLIENT_ID and TIKI_CLIENT_SECRET.")
    method = setting("TIKI_TOKEN_AUTH_METHOD")
    if method not in TOKEN_AUTH_METHODS:
        raise ImproperlyConfigured(f"TIKI_TOKEN_AUTH_METHOD must be one of {', '.join(TOKEN_AUTH_METHODS)}.")
    redirect_uri = str(setting("TIKI_REDIRECT_URI") or "")
    if not redirect_uri:
        # one value for the consent link and the code exchange, equal to the callback registered in Tiki's
        # OpenAPI console (docs/marketplaces/tiki.md finding 4): never guessed from a request
        raise ImproperlyConfigured("Set TIKI_REDIRECT_URI to the callback registered in Tiki's OpenAPI console "
                                   "(<site>/marketplaces/connect/tiki/callback/).")
    batch = int(setting("TIKI_UPDATE_SKUS_BATCH"))
    if not 1 <= batch <= 500:
        raise ImproperlyConfigured("TIKI_UPDATE_SKUS_BATCH must be 1 to 500.")
    return TikiConfig(
        api_host=str(api_host).rstrip("/"), authorize_url=str(authorize), token_url=str(token),
        client_id=client_id, client_secret=secret, token_auth_method=method,
        seller_rate_limit=float(setting("TIKI_SELLER_RATE_LIMIT")), update_skus_batch=batch,
        media_base_url=str(setting("TIKI_MEDIA_BASE_URL") or ""),
        required_documents_path=str(setting("TIKI_REQUIRED_DOCUMENTS_PATH")),
        redirect_uri=redirect_uri,
        inventory_type=str(setting("TIKI_INVENTORY_TYPE")),
    )


def tiki_is_configured() -> bool:
    try:
        tiki_config()
    except ImproperlyConfigured:
        return False
    return True
