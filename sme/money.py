"""Money is whole Vietnamese đồng (integers). VND has no minor unit."""

from babel.numbers import format_currency
from django.utils import translation

_LOCALES = {"vi": "vi_VN", "en": "en_US"}


def format_vnd(amount: int | None, *, language: str | None = None) -> str:
    """Format ``amount`` đồng for display: ``150.000 ₫`` in Vietnamese, ``₫150,000`` in English.

    ``language`` defaults to the active language. ``None`` formats as an empty string.
    """
    if amount is None:
        return ""
    language = (language or translation.get_language() or "vi").split("-")[0]
    locale = _LOCALES.get(language, "vi_VN")
    return format_currency(int(amount), "VND", locale=locale, format_type="standard", currency_digits=True)
