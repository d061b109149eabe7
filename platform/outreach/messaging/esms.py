"""eSMS.vn brandname SMS: a customer-care message under the province's registered brandname.

The one module that speaks eSMS's HTTP API. Request and answers as documented (docs/outreach/providers.md):
``POST {api}/MainService.svc/json/SendMultipleMessage_V4_post_json/`` with a JSON body carrying the account's
ApiKey and SecretKey, ``Phone``, ``Content``, ``Brandname``, ``SmsType`` "2" (customer care), ``IsUnicode``
and ``RequestId`` (eSMS refuses a repeated one: code 124); the answer carries ``CodeResult`` ("100":
accepted) and ``SMSID``, or ``ErrorMessage``.

Whether the phone got it comes later (E-status): ``GET {api}/MainService.svc/json/GetSendStatus`` with
``RefId`` (the SMSID), ``ApiKey`` and ``SecretKey`` answers ``CodeResponse`` and ``SendStatus`` /
``SendSuccess`` / ``SendFailed``, for messages of the last 7 days; eSMS also calls ``CallbackUrl`` back
(E-callback) when the status is known, which only tells us to ask.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

import requests

from .base import PermanentSendError, ProviderNotConfigured, RetryableSendError, SendResult
from .conf import setting
from .phones import mobile_number
from .transport import get_json, post_json

CODE = "esms"
SEND_PATH = "/MainService.svc/json/SendMultipleMessage_V4_post_json/"
CUSTOMER_CARE = "2"  # E-send: SmsType 2, a customer-care message under a brandname
ACCEPTED = "100"
DUPLICATE_REQUEST = "124"  # E-errors: "Duplicate RequestId": this message was accepted before
REQUEST_ID = re.compile(r"^[A-Za-z0-9_-]{1,48}$")
MAX_LENGTH = 612  # U: eSMS states no limit on the send page; 4 parts of 153 GSM characters, our bound
STATUS_PATH = "/MainService.svc/json/GetSendStatus"
# E-status: SendStatus 1 in review, 2 waiting to send, 4 rejected, 5 sent (SendSuccess / SendFailed say how
# it ended), 7 sent to the telco, waiting for its report.
REJECTED, SENT_DONE = "4", "5"


class Delivery:
    """What a delivery report says of one message (``Message.delivery_status`` takes these values)."""

    PENDING = "pending"
    DELIVERED = "delivered"
    UNDELIVERED = "undelivered"


@dataclass(frozen=True)
class DeliveryReport:
    """eSMS's delivery report of one SMS: ``status`` a ``Delivery`` value, ``send_status`` eSMS's own."""

    provider_message_id: str
    status: str
    send_status: str


class EsmsSmsProvider:
    """SMS through the eSMS.vn account configured in the environment (``conf.py``). Text messages only."""

    code = CODE
    channel = "sms"
    deduplicates = True  # RequestId: a repeated one is refused with 124, never sent twice

    def __init__(self, *, api_url: str | None = None, api_key: str | None = None, secret_key: str | None = None,
                 brandname: str | None = None, session: requests.Session | None = None) -> None:
        self.api_url = (api_url if api_url is not None else setting("OUTREACH_ESMS_API_URL")).rstrip("/")
        self.api_key = api_key if api_key is not None else setting("OUTREACH_ESMS_API_KEY")
        self.secret_key = secret_key if secret_key is not None else setting("OUTREACH_ESMS_SECRET_KEY")
        self.brandname = brandname if brandname is not None else setting("OUTREACH_ESMS_BRANDNAME")
        self.callback_url = setting("OUTREACH_ESMS_CALLBACK_URL")
        self._session = session

    @property
    def configured(self) -> bool:
        return bool(self.api_key and self.secret_key and self.brandname and self.api_url)

    def delivery_report(self, *, provider_message_id: str) -> DeliveryReport:
        """Ask eSMS whether the SMS ``provider_message_id`` (its SMSID) reached the phone (E-status). Only
        messages of the last 7 days are known to eSMS. Read-only, idempotent.

        Raises ``ProviderNotConfigured`` (no credentials, or eSMS refuses them: 101), ``RetryableSendError``
        (unreachable, 429/5xx, no answer), ``PermanentSendError`` (any other answer: an SMSID eSMS does not
        know, a body that is not the documented one)."""
        if not (self.api_key and self.secret_key and self.api_url):
            raise ProviderNotConfigured("eSMS chưa được cấu hình.", code="not_configured", provider=CODE)
        try:
            response = get_json(provider=CODE, name="eSMS", url=self.api_url + STATUS_PATH,
                                params={"RefId": provider_message_id, "ApiKey": self.api_key,
                                        "SecretKey": self.secret_key}, session=self._session)
        except RetryableSendError as exc:  # an unanswered read changed nothing
            raise RetryableSendError(exc.message, code=exc.code, provider=CODE) from exc
        if response.status_code == 429 or response.status_code >= 500:
            raise RetryableSendError(f"eSMS đang bận (HTTP {response.status_code}).",
                                     code=f"http_{response.status_code}", provider=CODE)
        try:
            payload = response.json()
            code = str(payload["CodeResponse"])
        except (ValueError, KeyError, TypeError) as exc:
            raise PermanentSendError(f"eSMS không trả được trạng thái tin (HTTP {response.status_code}).",
                                     code="status_unknown", provider=CODE) from exc
        if code == "101":
            raise ProviderNotConfigured("eSMS từ chối ApiKey/SecretKey (101).", code=code, provider=CODE)
        if code != ACCEPTED:
            raise PermanentSendError(f"eSMS không trả được trạng thái tin ({code}).", code=code, provider=CODE)
        send_status = str(payload.get("SendStatus", ""))
        return DeliveryReport(provider_message_id=provider_message_id, send_status=send_status,
                              status=_delivery(send_status, payload))

    def send(self, *, phone: str, tracking_id: str, text: str = "", template_id: str = "",
             params: Mapping[str, str] | None = None) -> SendResult:
        """See ``MessageProvider.send``. ``text`` is the whole message; it must match one of the brandname's
        customer-care templates registered with eSMS (else eSMS answers 146)."""
        if not self.configured:
            raise ProviderNotConfigured("eSMS chưa được cấu hình (OUTREACH_ESMS_API_KEY, OUTREACH_ESMS_SECRET_KEY, "
                                        "OUTREACH_ESMS_BRANDNAME).", code="not_configured", provider=CODE)
        if template_id or params:
            raise PermanentSendError("SMS gửi văn bản, không gửi theo mẫu Zalo.", code="template_unsupported",
                                     provider=CODE)
        if not text.strip() or len(text) > MAX_LENGTH:
            raise PermanentSendError(f"Nội dung SMS phải có từ 1 đến {MAX_LENGTH} ký tự.", code="text_invalid",
                                     provider=CODE)
        if not REQUEST_ID.match(tracking_id or ""):
            raise PermanentSendError(f"Mã theo dõi không hợp lệ: {tracking_id!r}.", code="tracking_id_invalid",
                                     provider=CODE)
        number = mobile_number(value=phone, style="0", provider=CODE)
        body = {"ApiKey": self.api_key, "SecretKey": self.secret_key, "Phone": number, "Content": text,
                "Brandname": self.brandname, "SmsType": CUSTOMER_CARE, "IsUnicode": "1" if _unicode(text) else "0",
                "RequestId": tracking_id}
        if self.callback_url:
            body["CallbackUrl"] = self.callback_url
        response = post_json(provider=CODE, name="eSMS", url=self.api_url + SEND_PATH, body=body, headers={},
                             session=self._session)
        return _result(response, number)


def _unicode(text: str) -> bool:
    """Whether ``text`` needs a Unicode SMS (Vietnamese with diacritics does)."""
    return any(ord(ch) > 127 for ch in text)


def _result(response: requests.Response, number: str) -> SendResult:
    if response.status_code == 429 or response.status_code >= 500:
        raise RetryableSendError(f"eSMS đang bận (HTTP {response.status_code}).", code=f"http_{response.status_code}",
                                 provider=CODE)
    try:
        payload = response.json()
        code = str(payload["CodeResult"])
    except (ValueError, KeyError, TypeError) as exc:
        raise PermanentSendError(f"eSMS trả lời không đúng định dạng (HTTP {response.status_code}).",
                                 code="bad_answer", provider=CODE) from exc
    if code == ACCEPTED:
        return SendResult(provider=CODE, provider_message_id=str(payload.get("SMSID") or ""), phone=number)
    if code == DUPLICATE_REQUEST:
        return SendResult(provider=CODE, provider_message_id="", phone=number, duplicate=True)
    raise PermanentSendError(f"eSMS từ chối tin ({code}: {payload.get('ErrorMessage') or ''}).", code=code,
                             provider=CODE)


def _count(payload: dict, name: str) -> int:
    try:
        return int(float(payload.get(name) or 0))
    except (TypeError, ValueError):
        return 0


def _delivery(send_status: str, payload: dict) -> str:
    if send_status == REJECTED:
        return Delivery.UNDELIVERED
    if send_status == SENT_DONE:
        if _count(payload, "SendSuccess") > 0:
            return Delivery.DELIVERED
        if _count(payload, "SendFailed") > 0:
            return Delivery.UNDELIVERED
    return Delivery.PENDING
