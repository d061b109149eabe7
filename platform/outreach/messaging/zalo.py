"""Zalo Notification Service (ZNS): a template message from the Official Account to a phone number's Zalo.

The one module that speaks ZNS's HTTP API. Request and answers as documented (docs/outreach/providers.md):
``POST {api}/message/template`` with the OA's access token in the ``access_token`` header and a JSON body
``{phone, template_id, template_data, tracking_id}``; the answer is HTTP 200 with ``{"error": 0, "message",
"data": {"msg_id", ...}}`` on success and a negative ``error`` otherwise.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

import requests

from .base import PermanentSendError, ProviderNotConfigured, RetryableSendError, SendResult
from .conf import setting
from .phones import mobile_number
from .transport import post_json

CODE = "zalo_zns"
SEND_PATH = "/message/template"
TRACKING_ID = re.compile(r"^[A-Za-z0-9_-]{1,48}$")  # Z-send: at most 48 characters, no special characters
# Z-errors: "-100 Unknown error ... vui lòng thử lại sau" (try again later) is the one ZNS error worth retrying.
RETRYABLE_ERRORS = frozenset({-100})


class ZaloZnsProvider:
    """ZNS through the Official Account configured in the environment (``conf.py``). Template messages only:
    ``template_id`` (default: OUTREACH_ZALO_ZNS_TEMPLATE_ID) and ``params`` (the template's data)."""

    code = CODE
    channel = "zalo"
    # ZNS stores tracking_id for reconciliation but documents no refusal of a repeated one (providers.md).
    deduplicates = False

    def __init__(self, *, api_url: str | None = None, access_token: str | None = None,
                 template_id: str | None = None, session: requests.Session | None = None) -> None:
        self.api_url = (api_url if api_url is not None else setting("OUTREACH_ZALO_ZNS_API_URL")).rstrip("/")
        self.access_token = access_token if access_token is not None else setting("OUTREACH_ZALO_ZNS_ACCESS_TOKEN")
        self.template_id = template_id if template_id is not None else setting("OUTREACH_ZALO_ZNS_TEMPLATE_ID")
        self._session = session

    @property
    def configured(self) -> bool:
        return bool(self.access_token and self.template_id and self.api_url)

    def send(self, *, phone: str, tracking_id: str, text: str = "", template_id: str = "",
             params: Mapping[str, str] | None = None) -> SendResult:
        """See ``MessageProvider.send``. ``text`` is refused: ZNS sends approved templates only."""
        if not self.access_token or not (template_id or self.template_id):
            raise ProviderNotConfigured("Zalo ZNS chưa được cấu hình (OUTREACH_ZALO_ZNS_ACCESS_TOKEN, "
                                        "OUTREACH_ZALO_ZNS_TEMPLATE_ID).", code="not_configured", provider=CODE)
        if text:
            raise PermanentSendError("Zalo ZNS chỉ gửi tin theo mẫu đã duyệt, không gửi văn bản tự do.",
                                     code="text_unsupported", provider=CODE)
        if not TRACKING_ID.match(tracking_id or ""):
            raise PermanentSendError(f"Mã theo dõi không hợp lệ: {tracking_id!r}.", code="tracking_id_invalid",
                                     provider=CODE)
        if not params:
            raise PermanentSendError("Tin ZNS thiếu dữ liệu mẫu.", code="template_data_empty", provider=CODE)
        number = mobile_number(value=phone, style="84", provider=CODE)
        body = {"phone": number, "template_id": str(template_id or self.template_id),
                "template_data": {str(k): str(v) for k, v in params.items()}, "tracking_id": tracking_id}
        response = post_json(provider=CODE, name="Zalo ZNS", url=self.api_url + SEND_PATH, body=body,
                             headers={"access_token": self.access_token}, session=self._session)
        return _result(response, number)


def _result(response: requests.Response, number: str) -> SendResult:
    if response.status_code == 429 or response.status_code >= 500:
        raise RetryableSendError(f"Zalo ZNS đang bận (HTTP {response.status_code}).",
                                 code=f"http_{response.status_code}", provider=CODE)
    try:
        payload = response.json()
        error = int(payload["error"])
    except (ValueError, KeyError, TypeError) as exc:
        raise PermanentSendError(f"Zalo ZNS trả lời không đúng định dạng (HTTP {response.status_code}).",
                                 code="bad_answer", provider=CODE) from exc
    if error == 0:
        data = payload.get("data") or {}
        return SendResult(provider=CODE, provider_message_id=str(data.get("msg_id") or ""), phone=number)
    message = f"Zalo ZNS từ chối tin ({error}: {payload.get('message') or ''})."
    if error in RETRYABLE_ERRORS:
        raise RetryableSendError(message, code=str(error), provider=CODE)
    raise PermanentSendError(message, code=str(error), provider=CODE)
