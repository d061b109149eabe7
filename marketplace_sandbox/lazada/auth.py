"""The sandbox Lazada's authorisation: consent page, code for tokens, refresh."""

from __future__ import annotations

import uuid
from urllib.parse import parse_qs, urlencode

from marketplace_sandbox.consent import consent_page
from marketplace_sandbox.exchange import Response

from .state import CODE_LIFETIME, TOKEN_LIFETIMES, ApiError


class LazadaAuth:
    """The seller's consent page (sandbox only: the real one is Lazada's seller login) and the token API."""

    def issue_code(self, seller_id: str | None = None) -> tuple[str, str]:
        """What the consent page does when the seller approves: a fresh single-use code."""
        with self.lock:
            seller_id = seller_id or next(iter(self.sellers))
            code = f"0_{self.app_key}_{uuid.uuid4().hex}"
            self.codes[code] = (seller_id, self.now())
            return code, seller_id

    def expire_access_tokens(self, seller_id: str) -> None:
        with self.lock:
            for token, (seller, _exp) in list(self.access_tokens.items()):
                if seller == seller_id:
                    self.access_tokens[token] = (seller, self.now() - 1)

    def revoke_refresh_tokens(self, seller_id: str) -> None:
        with self.lock:
            for token, (seller, _exp) in list(self.refresh_tokens.items()):
                if seller == seller_id:
                    del self.refresh_tokens[token]
                    self.spent_refresh_tokens.add(token)

    def _consent_page(self, query: dict) -> Response:
        def q(name: str) -> str:
            return query.get(name, [""])[0]

        problem = ""
        if q("response_type") != "code":
            problem = "response_type must be code"
        elif q("client_id") != self.app_key:
            problem = "client_id is not this app's app_key"
        elif not q("redirect_uri").startswith(("http://", "https://")):
            problem = "redirect_uri is missing"
        elif self.registered_redirect_uri and q("redirect_uri") != self.registered_redirect_uri:
            problem = "redirect_uri is not the callback registered for the app"
        elif "uuid" in query:
            problem = "uuid must not be sent"
        if problem:
            return Response(status=400, body=problem.encode(), content_type="text/plain; charset=utf-8")
        page = consent_page(
            marketplace="Lazada", brand_color="#0f146d", action="/oauth/authorize",
            hidden={"redirect_uri": q("redirect_uri"), "state": q("state")},
            intro=f"Ứng dụng (app key {self.app_key}) xin quyền quản lý sản phẩm và đơn hàng của shop.",
            select_name="seller_id", select_id="seller_id", approve_label="Đồng ý ủy quyền", deny_label="Từ chối",
            options=[(s.seller_id, f"{s.name} ({s.seller_id})") for s in self.sellers.values()])
        return Response(body=page, content_type="text/html; charset=utf-8")

    def _consent_submit(self, body: bytes) -> Response:
        form = {k: v[0] for k, v in parse_qs(body.decode(), keep_blank_values=True).items()}
        redirect = form.get("redirect_uri", "")
        if not redirect.startswith(("http://", "https://")):
            return Response(status=400, body=b"bad redirect_uri", content_type="text/plain")
        answer = {"state": form["state"]} if form.get("state") else {}
        if form.get("decision") != "approve":
            answer = {"error": "access_denied", **answer}
        else:
            code, _seller = self.issue_code(form.get("seller_id") if form.get("seller_id") in self.sellers else None)
            answer = {"code": code, **answer}
        sep = "&" if "?" in redirect else "?"
        return Response(status=302, content_type="text/plain", headers={"Location": f"{redirect}{sep}{urlencode(answer)}"})

    def _new_tokens(self, seller_id: str, *, refresh_expires_at: float | None = None) -> tuple[str, str, int, int]:
        access_life, refresh_life = TOKEN_LIFETIMES[self.app_status]
        access, refresh = "50000" + uuid.uuid4().hex + uuid.uuid4().hex[:8], "50001" + uuid.uuid4().hex + uuid.uuid4().hex[:8]
        now = self.now()
        refresh_expires_at = refresh_expires_at or now + refresh_life
        self.access_tokens[access] = (seller_id, now + access_life)
        self.refresh_tokens[refresh] = (seller_id, refresh_expires_at)
        return access, refresh, access_life, max(0, int(refresh_expires_at - now))

    def _token_body(self, seller_id: str, access: str, refresh: str, expires: int, refresh_expires: int, *,
                    info_key: str, as_strings: bool) -> dict:
        seller = self.sellers[seller_id]
        return {
            "_top_level": True, "access_token": access, "refresh_token": refresh,
            # documented as numbers; Lazada's own samples show strings (create): both are served
            "expires_in": str(expires) if as_strings else expires,
            "refresh_expires_in": str(refresh_expires) if as_strings else refresh_expires,
            "country": "vn", "account_platform": "seller_center", "account": f"shop{seller_id}@example.vn",
            info_key: [{"country": "vn", "seller_id": seller_id, "user_id": seller.user_id,
                        "short_code": f"VN{seller_id[-5:]}"}],
        }

    def _token_create(self, params: dict) -> dict:
        code = params.get("code", "")
        issued = self.codes.pop(code, None)
        if issued is None or code in self.used_codes or self.now() - issued[1] > CODE_LIFETIME:
            self.used_codes.add(code)
            raise ApiError("InvalidCode", "Invalid authorization code")
        self.used_codes.add(code)
        seller_id = issued[0]
        access, refresh, expires, refresh_expires = self._new_tokens(seller_id)
        return self._token_body(seller_id, access, refresh, expires, refresh_expires, info_key="country_user_info",
                                as_strings=True)

    def _token_refresh(self, params: dict) -> dict:
        token = params.get("refresh_token", "")
        entry = self.refresh_tokens.get(token)
        if entry is None or entry[1] <= self.now():
            raise ApiError("IllegalRefreshToken", "The specified refresh token is invalid or expired")
        if self.refresh_single_use:
            del self.refresh_tokens[token]
            self.spent_refresh_tokens.add(token)
        seller_id, refresh_expires_at = entry
        # the access token's life starts again; the refresh token's does not
        access, refresh, expires, refresh_expires = self._new_tokens(seller_id, refresh_expires_at=refresh_expires_at)
        return self._token_body(seller_id, access, refresh, expires, refresh_expires, info_key="country_user_info_list",
                                as_strings=False)
