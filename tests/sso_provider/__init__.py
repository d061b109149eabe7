"""The test identity provider: panva/oidc-provider, an OpenID Certified implementation, run with Node.js on a
loopback port (server.mjs). `make test` installs it from package-lock.json (`npm ci` here).

``IdentityProvider`` starts one with a client and accounts; ``sign_in_at_provider`` plays the browser at the
provider's pages (for tests that drive the platform with Django's test client).
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import requests

FOLDER = Path(__file__).resolve().parent
CLIENT_ID = "dongthap-sme-test"
CLIENT_SECRET = "test-only-client-secret-of-the-test-provider"  # not a secret: the test provider's client
PASSWORD = "mat-khau-cua-tinh"  # every test account's password at the provider

# The provider's test accounts: login -> claims (and how the provider authenticated them).
ACCOUNTS: dict[str, dict] = {
    "chu-doanh-nghiep": {"claims": {"email": "chu.dn@example.vn", "email_verified": True,
                                    "name": "Nguyễn Thị Hoa", "phone_number": "+84901234567",
                                    "phone_number_verified": True}},
    "can-bo": {"claims": {"email": "can.bo@example.vn", "email_verified": True, "name": "Trần Văn Minh",
                          "groups": ["so-cong-thuong"]}},
    "can-bo-mfa": {"claims": {"email": "can.bo.mfa@example.vn", "email_verified": True, "name": "Lê Văn Phúc",
                              "groups": ["so-cong-thuong"]},
                   "amr": ["pwd", "otp", "mfa"], "acr": "urn:dongthap:loa:2"},
    "chua-xac-minh": {"claims": {"email": "chua.xac.minh@example.vn", "email_verified": False,
                                 "name": "Phạm Văn Nam"}},
    "da-co-tai-khoan": {"claims": {"email": "da.co@example.vn", "email_verified": True, "name": "Võ Thị Lan"}},
}


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class IdentityProvider:
    """One running oidc-provider. ``issuer`` is its URL; stop() ends the Node process."""

    redirect_uris: list[str]
    post_logout_redirect_uris: list[str]
    accounts: dict[str, dict] = field(default_factory=lambda: ACCOUNTS)
    issuer: str = ""
    process: subprocess.Popen | None = None

    def start(self) -> IdentityProvider:
        node = shutil.which("node")
        if node is None or not (FOLDER / "node_modules" / "oidc-provider").is_dir():
            raise RuntimeError("The SSO tests need Node.js and oidc-provider: run `make test` (or `apt-get install "
                               "nodejs npm && npm ci --prefix tests/sso_provider`).")
        port = _free_port()
        self.issuer = f"http://127.0.0.1:{port}"
        config = {
            "issuer": self.issuer, "port": port,
            "client": {"client_id": CLIENT_ID, "client_secret": CLIENT_SECRET, "redirect_uris": self.redirect_uris,
                       "post_logout_redirect_uris": self.post_logout_redirect_uris,
                       "token_endpoint_auth_method": "client_secret_post",
                       "grant_types": ["authorization_code"], "response_types": ["code"]},
            "accounts": {login: {"password": PASSWORD, **account} for login, account in self.accounts.items()},
        }
        self.process = subprocess.Popen(
            [node, str(FOLDER / "server.mjs")], cwd=FOLDER, env={**os.environ, "OIDC_TEST_CONFIG": json.dumps(config)},
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        line = self.process.stdout.readline()
        if not line.startswith("listening"):
            self.stop()
            raise RuntimeError(f"the test identity provider did not start: {line!r}")
        return self

    def stop(self) -> None:
        if self.process is not None:
            self.process.stdin.close()
            self.process.terminate()
            self.process.wait(timeout=10)
            self.process = None

    def rotate_keys(self) -> list[str]:
        """The provider signs with a new key from now on (published first in its JWKS); returns the key ids."""
        return requests.post(f"{self.issuer}/_test/rotate-keys", timeout=10).json()["kids"]

    def tamper_next_id_token(self, mode: str) -> None:
        """The next token response carries a broken ID token (see server.mjs for the modes)."""
        requests.post(f"{self.issuer}/_test/tamper", params={"mode": mode}, timeout=10).raise_for_status()

    def provider_settings(self, *, provider_id: str = "province", name: str = "Cổng định danh tỉnh (test)") -> dict:
        """An SSO_PROVIDERS entry for this provider."""
        return {"id": provider_id, "name": name, "issuer": self.issuer, "client_id": CLIENT_ID,
                "client_secret": CLIENT_SECRET}


def sign_in_at_provider(*, authorize_url: str, login: str, password: str = PASSWORD,
                        browser: requests.Session | None = None, stop_at: str) -> str:
    """Play the browser at the provider: open ``authorize_url``, sign in as ``login`` if asked, and return the URL
    the provider sends the browser to (the platform's callback, with ``code`` and ``state``), which starts with
    ``stop_at``. ``browser`` keeps the provider's cookies between calls (its own session)."""
    browser = browser or requests.Session()
    url = authorize_url
    for _ in range(10):
        if url.startswith(stop_at):
            return url
        response = browser.get(url, allow_redirects=False, timeout=10)
        if response.is_redirect:
            url = urljoin(url, response.headers["Location"])
            continue
        if "/interaction/" in urlsplit(url).path and response.status_code == 200:
            response = browser.post(f"{url}/login", data={"login": login, "password": password},
                                    allow_redirects=False, timeout=10)
            if not response.is_redirect:
                raise AssertionError(f"the provider refused the sign-in: {response.text[:300]}")
            url = urljoin(url, response.headers["Location"])
            continue
        raise AssertionError(f"unexpected answer from the provider at {url}: {response.status_code} "
                             f"{response.text[:300]}")
    raise AssertionError("too many redirects at the provider")
