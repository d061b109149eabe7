"""The sandbox Tiki's OAuth 2.0 authorisation server."""

from __future__ import annotations

import base64
import html
import uuid
from urllib.parse import parse_qs, urlencode

from marketplace_sandbox.consent import consent_page

#: the scope words of R-authcode's example and the official sample's registration (S-config); any other word
#: is refused on the consent page (the exact answer Tiki gives is U: an error page, no redirect)
KNOWN_SCOPES = frozenset({"offline", "product", "order", "inventory", "multichannel"})


class TikiAuth:
    """OAuth 2.0: the seller's consent page (sandbox only), the token endpoint and client authentication."""

        # Tiki pushes nothing (its event queue is pulled): push_url stays None, kept for the protocol.

    def issue_code(self, seller_id: str | None = None, *, redirect_uri: str = "",
                   scope: str = "offline product order inventory") -> tuple[str, str]:
        """What the consent page does when the seller approves: a single-use code."""
        with self._lock:
            seller_id = seller_id or next(iter(self.sellers))
            code = uuid.uuid4().hex
            self.codes[code] = (seller_id, redirect_uri, self.now(), scope)
            return code, seller_id

    def expire_access_tokens(self, seller_id: str | None = None) -> None:
        with self._lock:
            for token, (seller, _exp, scope) in list(self.access_tokens.items()):
                if seller_id is None or seller == seller_id:
                    self.access_tokens[token] = (seller, self.now() - 1, scope)

    def revoke_refresh_tokens(self, seller_id: str | None = None) -> None:
        with self._lock:
            for token, (seller, _scope) in list(self.refresh_tokens.items()):
                if seller_id is None or seller == seller_id:
                    del self.refresh_tokens[token]
                    self.spent_refresh_tokens.add(token)

    def _consent_page(self, query: dict):
        def q(name: str) -> str:
            return html.escape(query.get(name, ""))

        problems = []
        if query.get("response_type") != "code":
            problems.append("response_type must be code")
        if query.get("client_id") != self.client_id:
            problems.append("unknown client_id")
        if len(query.get("state", "")) < 8:
            problems.append("state must have at least 8 characters")
        if not query.get("redirect_uri"):
            problems.append("redirect_uri is required")
        elif self.registered_redirect_uris and query["redirect_uri"] not in self.registered_redirect_uris:
            # R-authcode: it must exactly match one registered in the OpenAPI console (tiki.md A2)
            problems.append("redirect_uri is not registered for this client")
        unknown_scopes = [word for word in query.get("scope", "").split() if word not in KNOWN_SCOPES]
        if unknown_scopes:  # R-authcode, S-config: the scopes an app may ask for (tiki.md finding 5)
            problems.append(f"unknown scope: {' '.join(unknown_scopes)}")
        if problems:
            return 400, "text/plain; charset=utf-8", "; ".join(problems).encode()
        page = consent_page(
            marketplace="Tiki", brand_color="#0b74e5", action="/sc/oauth2/auth",
            hidden={"redirect_uri": q("redirect_uri"), "state": q("state"), "scope": q("scope")},
            intro=f"Cho phép ứng dụng truy cập gian hàng ({q('scope')})?", select_name="seller", select_id="seller",
            approve_label="Đồng ý", decision_name="", options=list(self.sellers.items()))
        return 200, "text/html; charset=utf-8", page

    def _consent_submit(self, body: bytes) -> str:
        form = {k: v[-1] for k, v in parse_qs(body.decode()).items()}
        if self.registered_redirect_uris and form.get("redirect_uri") not in self.registered_redirect_uris:
            return ""  # never redirect to an address the app did not register
        if any(word not in KNOWN_SCOPES for word in form.get("scope", "").split()):
            return ""  # a forged approval cannot grant a scope the consent page would have refused
        code, _seller = self.issue_code(form.get("seller"), redirect_uri=form.get("redirect_uri", ""),
                                        scope=form.get("scope") or "offline product order inventory")
        target = form.get("redirect_uri", "")
        separator = "&" if "?" in target else "?"
        return f"{target}{separator}{urlencode({'code': code, 'state': form.get('state', ''), 'scope': form.get('scope', '')})}"

    def _client_auth(self, headers, form: dict) -> bool:
        """R-refresh / S-token: the client's credentials come in the Basic header, in the form body, or in both
        (the official sample sends ``client_id`` and ``client_secret`` in the body even with Basic). Both are
        accepted when they agree; credentials that disagree are refused (``invalid_client``; tiki.md finding 6)."""
        client_ids = [form["client_id"]] if "client_id" in form else []
        secrets = [form["client_secret"]] if "client_secret" in form else []
        auth = headers.get("Authorization", "")
        if auth.startswith("Basic "):
            try:
                client_id, _, secret = base64.b64decode(auth[6:], validate=True).decode().partition(":")
            except (ValueError, UnicodeDecodeError):
                return False
            client_ids.append(client_id)
            secrets.append(secret)
        return (bool(client_ids) and bool(secrets) and all(c == self.client_id for c in client_ids)
                and all(s == self.client_secret for s in secrets))

    def _new_tokens(self, seller_id: str, scope: str) -> dict:
        access, refresh = uuid.uuid4().hex + uuid.uuid4().hex, uuid.uuid4().hex
        self.access_tokens[access] = (seller_id, self.now() + self.access_lifetime, scope)
        self.refresh_tokens[refresh] = (seller_id, scope)
        return {"access_token": access, "expires_in": self.access_lifetime, "refresh_token": refresh,
                "scope": scope, "token_type": "bearer"}

    def _token(self, method: str, headers, body: bytes) -> tuple[int, dict]:
        if method != "POST":
            return 405, {"error": "invalid_request", "error_description": "POST only"}
        if not headers.get("Content-Type", "").startswith("application/x-www-form-urlencoded"):
            return 400, {"error": "invalid_request", "error_description": "the body must be form-encoded"}
        form = {k: v[-1] for k, v in parse_qs(body.decode()).items()}
        if not self._client_auth(headers, form):
            return 401, {"error": "invalid_client", "error_description": "client authentication failed"}
        with self._lock:
            grant = form.get("grant_type")
            if grant == "authorization_code":
                entry = self.codes.pop(form.get("code", ""), None)
                if entry is None or self.now() - entry[2] > 600:
                    return 400, {"error": "invalid_grant", "error_description": "the code is invalid, used or expired"}
                seller_id, redirect_uri, _issued, scope = entry
                if self.require_redirect_uri and redirect_uri and form.get("redirect_uri") != redirect_uri:
                    return 400, {"error": "invalid_grant", "error_description": "redirect_uri does not match"}
                return 200, self._new_tokens(seller_id, scope)
            if grant == "refresh_token":
                token = form.get("refresh_token", "")
                entry = self.refresh_tokens.pop(token, None)
                if entry is None:
                    return 400, {"error": "invalid_grant", "error_description": "the refresh token is invalid or was used"}
                self.spent_refresh_tokens.add(token)
                return 200, self._new_tokens(*entry)
        return 400, {"error": "unsupported_grant_type", "error_description": str(grant)}
