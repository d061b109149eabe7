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
"""

from __future__ import annotations

import itertools
import re
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
        if not request.header("access_token") or request.header("access_token") != self.access_token:
            return -124, {}
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
