"""What a sandbox provider would have sent, and the page that lists it (``SENT_PATH``)."""

from __future__ import annotations

import datetime as dt
import html
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from marketplace_sandbox.consent import STYLE
from marketplace_sandbox.exchange import Response

SENT_PATH = "/sandbox/sent"
VN = dt.timezone(dt.timedelta(hours=7))


@dataclass(frozen=True)
class SentMessage:
    """One message the provider accepted and would have delivered."""

    provider_message_id: str
    phone: str
    tracking_id: str
    at: float  # Unix seconds
    text: str = ""
    template_id: str = ""
    params: Mapping[str, str] = field(default_factory=dict)


TEXT = {
    "vi": {"title": "Tin đã ghi nhận", "note": "Môi trường thử nghiệm cục bộ của {p}: tin nhắn không được gửi thật, "
           "chỉ ghi lại ở đây.", "none": "Chưa có tin nào.", "when": "Lúc", "phone": "Số điện thoại",
           "content": "Nội dung", "tracking": "Mã theo dõi", "id": "Mã tin", "other": "English"},
    "en": {"title": "Recorded messages", "note": "Local test environment of {p}: nothing is really sent, messages "
           "are only recorded here.", "none": "No message yet.", "when": "When", "phone": "Phone",
           "content": "Content", "tracking": "Tracking id", "id": "Message id", "other": "Tiếng Việt"},
}


def sent_page(*, provider: str, brand_color: str, messages: Sequence[SentMessage], lang: str) -> Response:
    """The page listing ``messages``, newest first; Vietnamese, or English with ``lang="en"``."""
    lang = "en" if lang == "en" else "vi"
    words = TEXT[lang]
    esc = html.escape
    rows = []
    for message in reversed(messages):
        when = dt.datetime.fromtimestamp(message.at, VN).strftime("%d/%m/%Y %H:%M:%S")
        content = esc(message.text) if message.text else (
            f"<strong>{esc(message.template_id)}</strong><br>"
            + "<br>".join(f"{esc(k)}: {esc(v)}" for k, v in message.params.items()))
        rows.append(f"<div class='card'><p><strong>{esc(words['phone'])}:</strong> {esc(message.phone)}<br>"
                    f"<strong>{esc(words['when'])}:</strong> {when}<br>"
                    f"<strong>{esc(words['tracking'])}:</strong> {esc(message.tracking_id)}<br>"
                    f"<strong>{esc(words['id'])}:</strong> {esc(message.provider_message_id)}</p>"
                    f"<p><strong>{esc(words['content'])}:</strong><br>{content}</p></div>")
    other = "vi" if lang == "en" else "en"
    body = (f"<!doctype html><html lang='{lang}'><head><meta charset='utf-8'>"
            f"<meta name='viewport' content='width=device-width, initial-scale=1'><title>{esc(words['title'])} — "
            f"{esc(provider)}</title><style>{STYLE}</style></head><body style='--brand:{esc(brand_color)}'><main>"
            f"<span class='brand'>{esc(provider)}</span><h1>{esc(words['title'])} ({len(messages)})</h1>"
            f"<p class='note'>{esc(words['note'].format(p=provider))}</p>"
            + ("".join(rows) or f"<p>{esc(words['none'])}</p>")
            + f"<p><a href='{SENT_PATH}?lang={other}'>{esc(words['other'])}</a></p></main></body></html>")
    return Response(status=200, body=body.encode("utf-8"), content_type="text/html; charset=utf-8")
