"""A local Zalo Notification Service, written from Zalo's documentation as recorded in
docs/outreach/providers.md (section Zalo ZNS; the rule ids Z-... are that page's).

``POST /message/template`` (Z-send) with the Official Account's token in the ``access_token`` header and a
JSON body ``{phone, template_id, template_data, tracking_id}``. What it enforces, each answered HTTP 200 with
``{"error": <code>, "message": <Zalo's wording>}`` (Z-errors):

- another method: -106 Method unsupported;
- a missing or unknown access token: -124 (U: the number and wording outside the part of the table read);
- a phone number not in a form ZNS takes (84xxxxxxxxx, 0xxxxxxxxx, or the 9 digits without the 0): -108;
- a template the OA does not have: -109; no template data: -111; data that does not give exactly the
  template's parameters: -112 Template data invalid;
- ``unknown_errors`` (a test hook): the next N requests answer -100 Unknown error, which Zalo says to retry.

An accepted message is recorded in ``sent`` (nothing leaves the machine) and answered with
``{"error": 0, "message": "Success", "data": {"msg_id", "sent_time", "quota"}}``. ``/sandbox/sent`` lists
what was recorded.

Zalo's OAuth v4 token endpoint for the Official Account's app (Z-refresh, Z-token-life; the real one is on
oauth.zaloapp.com, here it shares the server): ``POST /v4/oa/access_token``, form-encoded ``refresh_token``,
``app_id``, ``grant_type=refresh_token``, the app's secret key in the ``secret_key`` header. It answers HTTP
200 with ``{"access_token", "refresh_token", "expires_in": "90000"}``: a new access token living
``access_token_lifetime`` seconds on the simulator's clock (``advance`` ages it; an expired one is refused
with -124 like an unknown one) and the next refresh token; the refresh token sent is spent (single-use) and
one older than ``refresh_token_lifetime`` is refused too. Refusals are HTTP 200 with ``{"error",
"error_name", "error_description"}``: -14020 for a refresh token used, expired or unknown (S), and, U (no
code read in Zalo's material), -14002 for a wrong app id or secret key and -14004 for another grant type.
Each grant is recorded in ``refreshes``.
"""

from __future__ import annotations

import itertools
import re
import secrets
from collections.abc import Mapping

from marketplace_sandbox.base import SimulatorServer
from marketplace_sandbox.exchange import Request, Response

from .recorded import SENT_PATH, SentMessage, sent_page

SEND_PATH = "/message/template"
PHONE = re.compile(r"^(84|0)?[35789]\d{8}$")
ERRORS = {  # Z-errors: code -> Zalo's wording
    -100: "Unknown error",
    -106: "Method unsupported",
    -108: "Phone number invalid",
    -109: "Template ID invalid",
    -111: "Template data empty",
    -112: "Template data invalid",
    -124: "Access token invalid",  # U
}
#: the sandbox OA's approved template: the invitation, with the parameters the outreach campaign fills
SANDBOX_TEMPLATES: dict[str, frozenset[str]] = {
    "412345": frozenset({"business_name", "ward", "link", "opt_out"}),
}
SANDBOX_ACCESS_TOKEN = "sandbox-zalo-oa-access-token-not-a-secret"  # noqa: S105 - the sandbox's public test token
SANDBOX_REFRESH_TOKEN = "sandbox-zalo-oa-refresh-token-not-a-secret"  # noqa: S105 - the same
SANDBOX_APP_ID = "1234567890123456789"
SANDBOX_APP_SECRET_KEY = "sandbox-zalo-app-secret-not-a-secret"  # noqa: S105 - the same
TOKEN_PATH = "/v4/oa/access_token"
ACCESS_TOKEN_LIFETIME = 90000  # Z-token-life: about 25 hours
REFRESH_TOKEN_LIFETIME = 90 * 24 * 3600  # Z-token-life: about 3 months
TOKEN_ERRORS = {  # code -> (error_name, error_description)
    -14002: ("Invalid app", "app_id or secret_key is invalid"),  # U
    -14004: ("Invalid grant type", "grant_type is not supported"),  # U
    -14020: ("Invalid refresh token", "Refresh token is invalid, already used or expired"),  # S
}


class ZaloZnsSimulator(SimulatorServer):
    """Start with ``.start()``; API at ``.url``; ``.sent`` holds the accepted messages, oldest first."""

    name = "zalo"
    display_name = "Zalo ZNS"
    brand_color = "#0068ff"

    def __init__(self, *, host: str = "127.0.0.1", port: int = 0, access_token: str = SANDBOX_ACCESS_TOKEN,
                 templates: Mapping[str, frozenset[str]] | None = None, daily_quota: int = 5000) -> None:
        super().__init__(host=host, port=port)
        self.access_token = access_token
        self.templates = dict(SANDBOX_TEMPLATES if templates is None else templates)
        self.daily_quota = daily_quota
        self.unknown_errors = 0
        self.sent: list[SentMessage] = []
        self._ids = itertools.count(1)
        self.app_id, self.app_secret_key = SANDBOX_APP_ID, SANDBOX_APP_SECRET_KEY
        self.access_token_lifetime, self.refresh_token_lifetime = ACCESS_TOKEN_LIFETIME, REFRESH_TOKEN_LIFETIME
        # token -> when it expires (the simulator's clock); the first pair is what an OA admin's
        # authorization gave the operator.
        self.access_tokens: dict[str, float] = {access_token: self.now() + self.access_token_lifetime}
        self.refresh_tokens: dict[str, float] = {SANDBOX_REFRESH_TOKEN: self.now() + self.refresh_token_lifetime}
        self.refreshes: list[str] = []  # the access tokens granted, oldest first

    def expire_access_tokens(self) -> None:
        """Test hook: every access token issued so far expires now (as 25 hours passing would)."""
        with self.lock:
            self.access_tokens = dict.fromkeys(self.access_tokens, 0.0)

    def faultable(self, request: Request) -> bool:
        return request.path != SENT_PATH

    def logged(self, request: Request, response: Response | None) -> bool:
        return request.path != SENT_PATH

    def fault_response(self, kind: str, request: Request) -> Response:
        status = {"429": 429, "5xx": self.faults.status_code_5xx, "timeout": 504}[kind]
        return Response.json({"error": -100, "message": ERRORS[-100]}, status=status, code=str(status))

    def handle(self, request: Request) -> Response:
        if request.path == SENT_PATH and request.method == "GET":
            with self.lock:
                messages = list(self.sent)
            return sent_page(provider=self.display_name, brand_color=self.brand_color, messages=messages,
                             lang=request.param("lang"))
        if request.path == TOKEN_PATH:
            with self.lock:
                return self._token(request)
        if request.path != SEND_PATH:
            return Response.json({"error": -106, "message": ERRORS[-106]}, status=404, code="-106")
        with self.lock:
            code, data = self._send(request)
        if code:
            return Response.json({"error": code, "message": ERRORS[code]}, code=str(code))
        return Response.json({"error": 0, "message": "Success", "data": data})

    def _send(self, request: Request) -> tuple[int, dict]:
        if request.method != "POST":
            return -106, {}
        if self.access_tokens.get(request.header("access_token"), 0.0) <= self.now():
            return -124, {}  # unknown, missing or expired
        if self.unknown_errors > 0:
            self.unknown_errors -= 1
            return -100, {}
        try:
            body = request.json()
        except ValueError:
            return -100, {}  # U: Zalo documents no answer for a body that is not JSON
        if not isinstance(body, dict):
            return -100, {}
        phone = str(body.get("phone") or "")
        if not PHONE.match(phone):
            return -108, {}
        template_id = str(body.get("template_id") or "")
        if template_id not in self.templates:
            return -109, {}
        data = body.get("template_data")
        if not data:
            return -111, {}
        if not isinstance(data, dict) or set(data) != self.templates[template_id] or not all(
                isinstance(v, str) for v in data.values()):
            return -112, {}
        message_id = f"{next(self._ids):032x}"
        now = self.now()
        self.sent.append(SentMessage(provider_message_id=message_id, phone=phone,
                                     tracking_id=str(body.get("tracking_id") or ""), at=now,
                                     template_id=template_id, params=dict(data)))
        remaining = max(self.daily_quota - len(self.sent), 0)
        return 0, {"msg_id": message_id, "sent_time": str(int(now * 1000)),
                   "quota": {"dailyQuota": str(self.daily_quota), "remainingQuota": str(remaining)}}

    def _token(self, request: Request) -> Response:
        """Z-refresh: a refresh token for a new access token and the next refresh token."""
        form = {name: values[-1] for name, values in request.form().items()} if request.method == "POST" else {}
        if request.method != "POST":
            return self._token_error(-14004)
        if form.get("app_id") != self.app_id or request.header("secret_key") != self.app_secret_key:
            return self._token_error(-14002)
        if form.get("grant_type") != "refresh_token":
            return self._token_error(-14004)
        refresh_token = form.get("refresh_token", "")
        if self.refresh_tokens.pop(refresh_token, 0.0) <= self.now():  # single-use: spent from now on
            return self._token_error(-14020)
        access, refresh = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
        self.access_tokens[access] = self.now() + self.access_token_lifetime
        self.refresh_tokens[refresh] = self.now() + self.refresh_token_lifetime
        self.refreshes.append(access)
        return Response.json({"access_token": access, "refresh_token": refresh,
                              "expires_in": str(self.access_token_lifetime)})

    def _token_error(self, code: int) -> Response:
        name, description = TOKEN_ERRORS[code]
        return Response.json({"error": code, "error_name": name, "error_description": description},
                             code=str(code))
