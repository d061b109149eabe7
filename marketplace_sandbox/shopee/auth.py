"""The sandbox Shopee's authorisation: consent page, code for tokens, refresh (single-use refresh tokens)."""

from __future__ import annotations

import time
import uuid
from urllib.parse import parse_qs, urlencode

from marketplace_sandbox.consent import consent_page
from marketplace_sandbox.exchange import Response

from .state import (
    ACCESS_TOKEN_LIFETIME,
    AUTH_LINK_LIFETIME,
    CODE_LIFETIME,
    OLD_ACCESS_GRACE,
    REFRESH_TOKEN_LIFETIME,
    ApiError,
)


class ShopeeAuth:
    """The seller's consent page (sandbox only: the real one is Shopee's seller login) and the token API."""

    def issue_code(self, shop_id: int | None = None) -> tuple[str, int]:
        """What the consent page does when the seller approves: a fresh single-use code."""
        with self.lock:
            shop_id = shop_id or next(iter(self.shops))
            code = uuid.uuid4().hex
            self.codes[code] = (shop_id, self.now())
            return code, shop_id

    def issue_main_account_code(self, main_account_id: int | None = None) -> tuple[str, int]:
        """What the consent page does when a main account approves: a fresh single-use code for it."""
        with self.lock:
            main_account_id = main_account_id or next(iter(self.main_accounts))
            code = uuid.uuid4().hex
            self.main_codes[code] = (main_account_id, self.now())
            return code, main_account_id

    def expire_access_tokens(self, shop_id: int) -> None:
        with self.lock:
            for token, (shop, _exp) in list(self.access_tokens.items()):
                if shop == shop_id:
                    self.access_tokens[token] = (shop, self.now() - 1)

    def revoke_refresh_tokens(self, shop_id: int) -> None:
        with self.lock:
            for token, (shop, _exp) in list(self.refresh_tokens.items()):
                if shop == shop_id:
                    del self.refresh_tokens[token]
                    self.spent_refresh_tokens.add(token)

    def _consent_page(self, query: dict) -> Response:
        redirect = query.get("redirect", [""])[0]
        if not redirect:
            raise ApiError("error_param", "Wrong parameters, detail: redirect is required.")
        if abs(time.time() - int(query["timestamp"][0])) > AUTH_LINK_LIFETIME:
            raise ApiError("error_param", "Invalid timestamp")
        page = consent_page(
            marketplace="Shopee", brand_color="#c8401e", action="/sandbox/authorize", hidden={"redirect": redirect},
            intro=f"Ứng dụng (partner {self.partner_id}) xin quyền quản lý sản phẩm và đơn hàng của shop.",
            select_name="shop_id", select_id="shop_id", approve_label="Đồng ý ủy quyền", deny_label="Từ chối",
            options=[(str(sid), f"{shop.shop_name} ({sid})") for sid, shop in self.shops.items()] + [
                (f"main:{mid}", f"Tài khoản chính {mid} ({len(shops)} shop)") for mid, shops in self.main_accounts.items()])
        return Response(body=page, content_type="text/html; charset=utf-8")

    def _consent_submit(self, body: bytes) -> Response:
        form = parse_qs(body.decode())
        redirect = form.get("redirect", [""])[0]
        if not redirect.startswith(("http://", "https://")):
            return Response(status=400, body=b"bad redirect", content_type="text/plain")
        if form.get("decision", [""])[0] != "approve":
            return Response(status=302, content_type="text/plain", headers={"Location": redirect})
        chosen = form.get("shop_id", [""])[0]
        if chosen.startswith("main:"):  # a main account answers code + main_account_id, no shop_id
            code, main_account_id = self.issue_main_account_code(int(chosen[5:]) if chosen[5:].isdigit() else None)
            params = {"code": code, "main_account_id": main_account_id}
        else:
            code, shop_id = self.issue_code(int(chosen) if chosen.isdigit() else None)
            params = {"code": code, "shop_id": shop_id}
        sep = "&" if "?" in redirect else "?"
        location = f"{redirect}{sep}{urlencode(params)}"
        return Response(status=302, content_type="text/plain", headers={"Location": location})

    def _new_tokens(self, shop_id: int) -> dict:
        access, refresh = uuid.uuid4().hex, uuid.uuid4().hex
        now = self.now()
        self.access_tokens[access] = (shop_id, now + ACCESS_TOKEN_LIFETIME)
        self.refresh_tokens[refresh] = (shop_id, now + REFRESH_TOKEN_LIFETIME)
        return {"_top_level": True, "access_token": access, "refresh_token": refresh,
                "expire_in": ACCESS_TOKEN_LIFETIME}

    def _token_get(self, data: dict) -> dict:
        """GetAccessToken (docs/marketplaces/shopee.md, auth/token/get): with ``shop_id`` for a shop's code, or
        ``main_account_id`` for a main account's, which answers one pair shared by its shops with
        ``shop_id_list`` and ``merchant_id_list``."""
        with self.lock:
            if str(data.get("partner_id")) != str(self.partner_id):
                raise ApiError("error_param", "Invalid partner_id.")
            code = str(data.get("code", ""))
            if "main_account_id" in data and "shop_id" not in data:
                return self._main_account_token_get(code, data)
            issued = self.codes.get(code)
            if issued is None or code in self.used_codes or self.now() - issued[1] > CODE_LIFETIME:
                raise ApiError("invalid_code", "The code is expired or used or invalid, please check the code.")
            shop_id, _issued_at = issued
            if str(data.get("shop_id")) != str(shop_id):
                raise ApiError("invalid_shop_id", "The code or shop_id is wrong, please check the code or the shop_id.")
            del self.codes[code]
            self.used_codes.add(code)
            return self._new_tokens(shop_id)

    def _main_account_token_get(self, code: str, data: dict) -> dict:
        issued = self.main_codes.get(code)
        if issued is None or code in self.used_codes or self.now() - issued[1] > CODE_LIFETIME:
            raise ApiError("invalid_code", "The code is expired or used or invalid, please check the code.")
        main_account_id, _issued_at = issued
        if str(data.get("main_account_id")) != str(main_account_id):
            raise ApiError("invalid_main_acount_id",
                           "The code or main_accoount_id is wrong, please check the code or the main_account_id.")
        del self.main_codes[code]
        self.used_codes.add(code)
        shops = [s for s in self.main_accounts[main_account_id] if s in self.shops]
        access, refresh = uuid.uuid4().hex, uuid.uuid4().hex
        now = self.now()
        self.shared_access_tokens[access] = (frozenset(shops), now + ACCESS_TOKEN_LIFETIME)
        self.shared_refresh_tokens[refresh] = (set(shops), now + REFRESH_TOKEN_LIFETIME)
        return {"_top_level": True, "access_token": access, "refresh_token": refresh, "expire_in": ACCESS_TOKEN_LIFETIME,
                "shop_id_list": shops, "merchant_id_list": []}

    def _token_refresh(self, data: dict) -> dict:
        """RefreshAccessToken per shop (docs/marketplaces/shopee.md, auth/access_token/get): the refresh token
        is single use; a main account's shared one is spent once per shop of its list, each shop getting its
        own independent pair. The old access token keeps working 5 more minutes."""
        with self.lock:
            if str(data.get("partner_id")) != str(self.partner_id):
                raise ApiError("error_param", "Invalid partner_id.")
            token = str(data.get("refresh_token", ""))
            shop_id = _int(data.get("shop_id"))
            shared = self.shared_refresh_tokens.get(token)
            if shared is not None:
                remaining, expires_at = shared
                if expires_at <= self.now():
                    raise ApiError("refresh_token_expired", "Your refresh_token expired.")
                if shop_id not in remaining:
                    raise ApiError("error_shop_refresh_token",
                                   "Your refresh token is error ,please check refresh token or shopid.")
                remaining.discard(shop_id)
                if not remaining:
                    del self.shared_refresh_tokens[token]
                    self.spent_refresh_tokens.add(token)
                return {**self._new_tokens(shop_id), "shop_id": shop_id, "partner_id": self.partner_id}
            entry = self.refresh_tokens.get(token)
            if entry is None or entry[0] != shop_id:
                raise ApiError("error_shop_refresh_token",
                               "Your refresh token is error ,please check refresh token or shopid.")
            del self.refresh_tokens[token]
            self.spent_refresh_tokens.add(token)
            if entry[1] <= self.now():
                raise ApiError("refresh_token_expired", "Your refresh_token expired.")
            for access, (shop, exp) in list(self.access_tokens.items()):
                if shop == shop_id:
                    self.access_tokens[access] = (shop, min(exp, self.now() + OLD_ACCESS_GRACE))
            return {**self._new_tokens(shop_id), "shop_id": shop_id, "partner_id": self.partner_id}


def _int(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None
