"""The sandbox TikTok Shop's authorisation: consent page, tokens, authorised shops."""

from __future__ import annotations

import secrets
from urllib.parse import parse_qs, urlencode

from marketplace_sandbox.consent import consent_page
from marketplace_sandbox.exchange import Request, Response

from .state import ACCESS_TOKEN_LIFETIME, CODE_LIFETIME, REFRESH_TOKEN_LIFETIME, SIM_INVALID_GRANT, ApiError


class TikTokAuth:
    """The seller's consent page (sandbox only), the token API and the authorised shops."""

    def issue_code(self, shop_id: str | None = None) -> str:
        """What the consent page does when the seller approves: a fresh single-use code."""
        with self.lock:
            code = f"TTP_{secrets.token_urlsafe(24)}"
            self.codes[code] = (self.shop(shop_id).shop_id, self.now())
            return code

    def expire_access_tokens(self, shop_id: str | None = None) -> None:
        shop_id = self.shop(shop_id).shop_id
        with self.lock:
            for token, (shop, _exp) in list(self.access_tokens.items()):
                if shop == shop_id:
                    self.access_tokens[token] = (shop, self.now() - 1)

    def revoke_refresh_tokens(self, shop_id: str | None = None) -> None:
        shop_id = self.shop(shop_id).shop_id
        with self.lock:
            for token, (shop, _exp) in list(self.refresh_tokens.items()):
                if shop == shop_id:
                    del self.refresh_tokens[token]
                    self.spent_refresh_tokens.add(token)

    def _consent_page(self, request: Request) -> Response:
        # G-auth/G-app: the link carries service_id (and the app's state); the seller returns to the Redirect
        # URL registered for the app, whatever redirect_uri a link carries (tiktok.md A1, A2)
        service_id, state = request.param("service_id"), request.param("state")
        redirect = self.registered_redirect_uri
        if service_id != self.service_id or not redirect:
            return Response(status=400, content_type="text/html; charset=utf-8",
                            body="<p>Liên kết ủy quyền không hợp lệ (service_id hoặc redirect).</p>".encode())
        page = consent_page(
            marketplace="TikTok Shop", brand_color="#111111", action="/open/authorize",
            hidden={"state": state},
            intro="Ứng dụng muốn quản lý sản phẩm và đơn hàng của shop.", select_name="shop_id", select_id="shop_id",
            approve_label="Ủy quyền", deny_label="Từ chối", options=[(s.shop_id, s.name) for s in self.shops.values()])
        return Response(content_type="text/html; charset=utf-8", body=page)

    def _consent_submit(self, request: Request) -> Response:
        form = {k: v[0] for k, v in parse_qs(request.body.decode(), keep_blank_values=True).items()}
        redirect = self.registered_redirect_uri
        if not redirect.startswith(("http://", "https://")):
            return Response(status=400, body=b"bad redirect")
        if form.get("decision") == "approve":
            params = {"code": self.issue_code(form.get("shop_id") or None), "state": form.get("state", "")}
        else:
            params = {"code": "null", "error": "auth_denied", "state": form.get("state", "")}
        separator = "&" if "?" in redirect else "?"
        return Response(status=302, body=b"", headers={"Location": f"{redirect}{separator}{urlencode(params)}"})

    def _new_tokens(self, shop_id: str, *, refresh_expires: float | None = None) -> dict:
        now = self.now()
        access, refresh = f"ROW_{secrets.token_urlsafe(24)}", f"TTP_{secrets.token_urlsafe(24)}"
        refresh_expires = refresh_expires or now + REFRESH_TOKEN_LIFETIME
        self.access_tokens[access] = (shop_id, now + ACCESS_TOKEN_LIFETIME)
        self.refresh_tokens[refresh] = (shop_id, refresh_expires)
        return {"access_token": access, "access_token_expire_in": int(now + ACCESS_TOKEN_LIFETIME),
                "refresh_token": refresh, "refresh_token_expire_in": int(refresh_expires),
                "open_id": f"open_{shop_id}", "seller_name": self.shops[shop_id].name, "seller_base_region": "VN",
                "user_type": 0, "granted_scopes": ["seller.product.basic", "seller.order.info"]}

    def _token(self, request: Request) -> dict:
        if request.param("app_key") != self.app_key or request.param("app_secret") != self.app_secret:
            raise ApiError(36009004, "Invalid credentials: app_key or app_secret is invalid")
        grant = request.param("grant_type")
        with self.lock:
            if request.path.endswith("/get"):
                if grant != "authorized_code":
                    raise ApiError(36009004, "grant_type must be authorized_code")
                code = request.param("auth_code")
                entry = self.codes.get(code)
                if entry is None or code in self.used_codes or entry[1] + CODE_LIFETIME < self.now():
                    raise ApiError(SIM_INVALID_GRANT, "[simulator] auth_code is invalid, used or expired")
                self.used_codes.add(code)
                return self._new_tokens(entry[0])
            if grant != "refresh_token":
                raise ApiError(36009004, "grant_type must be refresh_token")
            token = request.param("refresh_token")
            entry = self.refresh_tokens.get(token)
            if entry is None or entry[1] <= self.now():
                raise ApiError(SIM_INVALID_GRANT, "[simulator] refresh_token is invalid, spent or expired")
            if self.refresh_single_use:
                del self.refresh_tokens[token]
                self.spent_refresh_tokens.add(token)
            return self._new_tokens(entry[0], refresh_expires=entry[1])

    def _api_shops(self, request, shop, ident, body) -> dict:
        return {"shops": [{"id": shop.shop_id, "name": shop.name, "region": shop.region, "seller_type": "LOCAL",
                           "cipher": shop.cipher, "code": f"VN{shop.shop_id[-6:]}"}]}
