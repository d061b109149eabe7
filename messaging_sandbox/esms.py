"""A local eSMS.vn brandname SMS API, written from eSMS's documentation as recorded in
docs/outreach/providers.md (section eSMS; the rule ids E-... are that page's).

``POST /MainService.svc/json/SendMultipleMessage_V4_post_json/`` (E-send) with a JSON body. What it enforces,
each answered HTTP 200 with ``{"CodeResult": <code>, "CountRegenerate": 0, "ErrorMessage": ...}`` (E-errors):

- ApiKey/SecretKey not the account's: 101; a Brandname the account has not registered: 104;
- an SmsType other than "2" (customer care; the sandbox account has no other type): 118;
- a phone number not in a Vietnamese mobile form (0xxxxxxxxx or 84xxxxxxxxx; U: eSMS states no format): 108;
  a number eSMS has blocked: 99;
- a Content matching none of the brandname's registered customer-care templates (``{...}`` in a template
  stands for any text; no template registered: anything goes): 146;
- no balance left (``balance`` messages, a test setting): 103;
- a RequestId already used: 124 Duplicate RequestId, and nothing is sent again.

An accepted message (``Sandbox`` "1" aside: checked, answered, not recorded) is recorded in ``sent`` and
answered ``{"CodeResult": "100", "CountRegenerate": 0, "SMSID": ...}``. ``/sandbox/sent`` lists them.

``GET /MainService.svc/json/GetSendStatus?RefId=&ApiKey=&SecretKey=`` (E-status) answers a recorded message's
delivery: ``{"CodeResponse": "100", "SMSID", "SendFailed", "SendStatus", "SendSuccess", "TotalPrice",
"TotalReceiver", "TotalSent"}``, SendStatus 5 with SendSuccess 1 (delivered) or, for a number in
``undelivered`` (a test setting), SendFailed 1; while ``reports_pending`` is on, SendStatus 7 (sent to the
telco, waiting for its report). Wrong keys: ``{"CodeResponse": "101", "SMSID"}``. An SMSID it does not know,
or sent more than 7 days ago (its clock), gets the service's plain-text 400 (U: eSMS documents no answer).
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable

from marketplace_sandbox.base import SimulatorServer
from marketplace_sandbox.exchange import Request, Response

from .recorded import SENT_PATH, SentMessage, sent_page

SEND_PATH = "/MainService.svc/json/SendMultipleMessage_V4_post_json/"
STATUS_PATH = "/MainService.svc/json/GetSendStatus"
STATUS_DAYS = 7  # E-status: the messages of the last 7 days
PRICE = 850  # E-status's example TotalPrice for one customer-care SMS
PHONE = re.compile(r"^(84|0)[35789]\d{8}$")
ERRORS = {  # E-errors: code -> eSMS's wording
    "99": "The phone number is blocked in the system",
    "101": "Authorize Failed",
    "103": "Not enough balance to send message.",
    "104": "Brandname/Call code does not exist.",
    "108": "Phone number is not in correct format.",
    "118": "Unsupported message type.",
    "124": "Duplicate RequestId.",
    "146": "Wrong customer care template.",
}
SANDBOX_API_KEY = "SANDBOXESMSAPIKEY"
SANDBOX_SECRET_KEY = "sandbox-esms-secret-not-a-secret"  # noqa: S105 - the sandbox's public test account
SANDBOX_BRANDNAME = "DONGTHAP"


class EsmsSimulator(SimulatorServer):
    """Start with ``.start()``; API at ``.url``; ``.sent`` holds the accepted messages, oldest first."""

    name = "esms"
    display_name = "eSMS (SMS brandname)"
    brand_color = "#d71920"

    def __init__(self, *, host: str = "127.0.0.1", port: int = 0, api_key: str = SANDBOX_API_KEY,
                 secret_key: str = SANDBOX_SECRET_KEY, brandnames: Iterable[str] = (SANDBOX_BRANDNAME,),
                 templates: Iterable[str] = (), balance: int = 1_000_000, blocked: Iterable[str] = ()) -> None:
        super().__init__(host=host, port=port)
        self.api_key, self.secret_key = api_key, secret_key
        self.brandnames = set(brandnames)
        self.templates = [_template_pattern(t) for t in templates]
        self.balance = balance
        self.blocked = set(blocked)
        self.request_ids: set[str] = set()
        self.sent: list[SentMessage] = []
        self.undelivered: set[str] = set()
        self.reports_pending = False
        self.callback_urls: dict[str, str] = {}  # SMSID -> the CallbackUrl its request gave
        self._ids = itertools.count(1)

    def faultable(self, request: Request) -> bool:
        return request.path != SENT_PATH

    def logged(self, request: Request, response: Response | None) -> bool:
        return request.path != SENT_PATH

    def handle(self, request: Request) -> Response:
        if request.path == SENT_PATH and request.method == "GET":
            with self.lock:
                messages = list(self.sent)
            return sent_page(provider=self.display_name, brand_color=self.brand_color, messages=messages,
                             lang=request.param("lang"))
        if request.path == STATUS_PATH and request.method == "GET":
            with self.lock:
                return self._status(request)
        if request.path != SEND_PATH or request.method != "POST":
            return Response(status=404, body=b"Endpoint not found.", content_type="text/plain; charset=utf-8")
        try:
            body = request.json()
        except ValueError:
            body = None
        if not isinstance(body, dict):
            return Response(status=400, body=b"The server encountered an error processing the request.",
                            content_type="text/plain; charset=utf-8")  # U: a WCF service's answer to bad JSON
        with self.lock:
            code, sms_id = self._send({k: "" if v is None else str(v) for k, v in body.items()})
        if code != "100":
            return Response.json({"CodeResult": code, "CountRegenerate": 0, "ErrorMessage": ERRORS[code]}, code=code)
        return Response.json({"CodeResult": "100", "CountRegenerate": 0, "SMSID": sms_id})

    def _send(self, body: dict[str, str]) -> tuple[str, str]:
        if body.get("ApiKey") != self.api_key or body.get("SecretKey") != self.secret_key:
            return "101", ""
        if body.get("SmsType") != "2":
            return "118", ""
        if body.get("Brandname") not in self.brandnames:
            return "104", ""
        phone = body.get("Phone", "")
        if not PHONE.match(phone):
            return "108", ""
        if phone in self.blocked:
            return "99", ""
        content = body.get("Content", "")
        if not content or (self.templates and not any(p.fullmatch(content) for p in self.templates)):
            return "146", ""
        request_id = body.get("RequestId", "")
        if request_id and request_id in self.request_ids:
            return "124", ""
        if body.get("Sandbox") == "1":
            return "100", ""
        if self.balance <= 0:
            return "103", ""
        self.balance -= 1
        if request_id:
            self.request_ids.add(request_id)
        sms_id = f"{next(self._ids):031x}"
        self.sent.append(SentMessage(provider_message_id=sms_id, phone=phone, tracking_id=request_id, at=self.now(),
                                     text=content))
        if body.get("CallbackUrl"):
            self.callback_urls[sms_id] = body["CallbackUrl"]
        return "100", sms_id

    def _status(self, request: Request) -> Response:
        ref_id = request.param("RefId")
        if request.param("ApiKey") != self.api_key or request.param("SecretKey") != self.secret_key:
            return Response.json({"CodeResponse": "101", "SMSID": ref_id}, code="101")
        message = next((m for m in self.sent if m.provider_message_id == ref_id), None)
        if message is None or message.at < self.now() - STATUS_DAYS * 24 * 3600:
            return Response(status=400, body=b"The server encountered an error processing the request.",
                            content_type="text/plain; charset=utf-8")  # U
        failed = not self.reports_pending and message.phone in self.undelivered
        succeeded = not self.reports_pending and not failed
        return Response.json({"CodeResponse": "100", "SMSID": ref_id, "SendFailed": int(failed),
                              "SendStatus": 7 if self.reports_pending else 5, "SendSuccess": int(succeeded),
                              "TotalPrice": PRICE if succeeded else 0, "TotalReceiver": 1, "TotalSent": 1})


def _template_pattern(template: str) -> re.Pattern:
    """A registered template as a pattern: its text literally, each ``{...}`` placeholder any text."""
    parts = re.split(r"\{[^{}]*\}", template)
    return re.compile("(?s)" + ".+?".join(re.escape(part) for part in parts))
