"""Text helpers for catalog data typed on phones and in spreadsheets (NFC/NFD, diacritics)."""

import unicodedata


def text_clean(value: str | None) -> str:
    """NFC-normalised, trimmed text; ``None`` becomes ``""``. SKUs and names are compared in this form."""
    if value is None:
        return ""
    return unicodedata.normalize("NFC", str(value)).strip()


def text_fold(value: str) -> str:
    """Lower-case text without diacritics (đ -> d), for searching "quyt hong" and finding "Quýt hồng"."""
    decomposed = unicodedata.normalize("NFD", value.casefold().replace("đ", "d"))
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))
