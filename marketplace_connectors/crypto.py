"""Encryption at rest for marketplace tokens (MultiFernet: the first key encrypts, every key decrypts).

Keys come from ``MARKETPLACE_TOKEN_KEYS`` (environment, comma separated Fernet keys, newest first). To
rotate: put a new key first, keep the old ones after it, run ``manage.py rotate_marketplace_tokens``,
then drop the old keys. Without keys, and only while ``MARKETPLACE_ALLOW_DEV_TOKEN_KEY`` is on (dev and
tests; production turns it off), one key is derived from SECRET_KEY under a label that says it is not
for production.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from functools import cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

DEV_KEY_LABEL = b"marketplace-token-key:dev-and-test-only:NOT-FOR-PRODUCTION:"


def secret_equals(given: str, expected: str) -> bool:
    """Constant-time comparison of a value from a request (a push's signature, an OAuth state) with ours.
    ``hmac.compare_digest`` raises TypeError on text with non-ASCII characters, which a forged header or
    query carries at will: both are compared as UTF-8 bytes instead."""
    return hmac.compare_digest(given.encode("utf-8", "surrogatepass"), expected.encode("utf-8", "surrogatepass"))


def dev_key() -> bytes:
    """The non-production key derived from SECRET_KEY. Never used when real keys are configured."""
    digest = hashlib.sha256(DEV_KEY_LABEL + settings.SECRET_KEY.encode()).digest()
    return base64.urlsafe_b64encode(digest)


@cache
def _fernet(keys: tuple[str, ...], allow_dev: bool) -> MultiFernet:
    if keys:
        try:
            return MultiFernet([Fernet(k.strip().encode()) for k in keys if k.strip()])
        except ValueError as exc:
            raise ImproperlyConfigured("MARKETPLACE_TOKEN_KEYS holds a key that is not a Fernet key") from exc
    if not allow_dev:
        raise ImproperlyConfigured(
            "Set MARKETPLACE_TOKEN_KEYS (generate one with: python -c "
            "'from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())')"
        )
    return MultiFernet([Fernet(dev_key())])


def fernet() -> MultiFernet:
    keys = tuple(k for k in settings.MARKETPLACE_TOKEN_KEYS if k)
    return _fernet(keys, bool(settings.MARKETPLACE_ALLOW_DEV_TOKEN_KEY))


def token_encrypt(plaintext: str) -> str:
    if not plaintext:
        return ""
    return fernet().encrypt(plaintext.encode()).decode()


def token_decrypt(ciphertext: str) -> str:
    """Plaintext of a stored token; ImproperlyConfigured when no configured key can read it."""
    if not ciphertext:
        return ""
    try:
        return fernet().decrypt(ciphertext.encode()).decode()
    except InvalidToken as exc:
        raise ImproperlyConfigured("A marketplace token cannot be decrypted with MARKETPLACE_TOKEN_KEYS") from exc


def token_rotate(ciphertext: str) -> str:
    """Re-encrypt with the newest key (MultiFernet.rotate)."""
    if not ciphertext:
        return ""
    return fernet().rotate(ciphertext.encode()).decode()
